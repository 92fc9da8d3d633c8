//! `ampmatch explain`: the headphone-amp vs speaker-amp comparison from the catalog.

use ampmatch_app::Setup;
use ampmatch_app::explain::{Explanation, explain};
use ampmatch_catalog::Catalog;
use ampmatch_core::units::{fmt_power, fmt_sig};
use anyhow::Result;

pub fn run(json: bool) -> Result<()> {
    let e = explain(&Catalog::builtin(), &Setup::default());
    if json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        crate::out::print(&text(&e));
    }
    Ok(())
}

/// The comparison in words: one line per class, per claim, per class pair.
pub fn text(e: &Explanation) -> String {
    let mut s = String::from(
        "Outputs by class (power into 32 / 300 / 8 / 4 Ω: median, from the catalog)\n",
    );
    for c in &e.classes {
        let p = |z: &str| {
            c.power_into_w
                .get(z)
                .map_or("—".into(), |st| fmt_power(Some(st.median)))
        };
        s += &format!(
            "  {:<26} {:>4} outputs  {:>9} {:>9} {:>9} {:>9}   output impedance {}\n",
            c.class,
            c.outputs,
            p("32"),
            p("300"),
            p("8"),
            p("4"),
            c.output_impedance_ohm.map_or("unknown".into(), |z| format!(
                "median {} Ω (n = {})",
                fmt_sig(z.median),
                z.n
            ))
        );
    }
    s += "\nLoads (nominal impedance)\n";
    for (k, st) in &e.loads {
        s += &format!(
            "  {k:<10} median {} Ω, p10–p90 {}–{} Ω (n = {})\n",
            fmt_sig(st.median),
            fmt_sig(st.p10),
            fmt_sig(st.p90),
            st.n
        );
    }
    s += "\nThe article's claims\n";
    for c in &e.claims {
        s += &format!(
            "  [{}] {}: {}\n      {}\n",
            c.verdict, c.id, c.claim, c.evidence
        );
    }
    s += "\nWhich drives which (share of good pairs at the default targets)\n";
    for d in &e.drive {
        s += &format!(
            "  {:<26} → {:<9} {:>4.0} % good, {:>3.0} % unsafe ({} pairs)\n",
            d.amp_class,
            d.load_class,
            100.0 * d.good_share,
            100.0 * d.unsafe_share,
            d.pairs
        );
    }
    s
}
