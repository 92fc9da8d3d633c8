//! `ampmatch adapter`: a series/shunt resistor adapter for headphones on a speaker amp.

use crate::out::outln;
use ampmatch_app::Setup;
use ampmatch_catalog::Catalog;
use ampmatch_core::units::{fmt_power, fmt_sig};
use anyhow::{Context as _, Result, bail};

use crate::args::AdapterArgs;
use crate::check;

pub fn run(a: &AdapterArgs) -> Result<()> {
    if !(a.max_spl.is_finite() && (60.0..=140.0).contains(&a.max_spl)) {
        bail!(
            "--max-spl {}: allowed: a number from 60 to 140 dB SPL",
            a.max_spl
        );
    }
    if let Some(s) = a.source_ohm
        && !(s.is_finite() && (0.1..=1000.0).contains(&s))
    {
        bail!("--source-ohm {s}: allowed: a number from 0.1 to 1000 Ω");
    }
    let catalog = Catalog::builtin();
    let amp = check::amp(&catalog, &a.amp).context("--amp")?;
    let load = check::load(&catalog, &a.load).context("--load")?;
    let d = ampmatch_app::adapter::design(
        &Setup::default(),
        &amp,
        &load,
        a.output.as_deref(),
        a.max_spl,
        a.source_ohm,
    )?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    let w = |p: Option<f64>, buy: Option<f64>| {
        format!(
            "{} at full output → buy {}",
            fmt_power(p),
            buy.map_or(
                "a larger resistor than 50 W (rethink the design)".into(),
                |b| format!("{} W or more", fmt_sig(b))
            )
        )
    };
    outln!(
        "{} adapter: {} → {}",
        if d.feasible {
            "A workable"
        } else {
            "NO workable"
        },
        amp.amplifier.name,
        load.load.name
    );
    outln!(
        "  series resistor    {} Ω, {}",
        fmt_sig(d.series_ohm),
        w(d.series_power_w, d.series_wattage_w)
    );
    outln!(
        "  shunt resistor     {} Ω, {}",
        fmt_sig(d.shunt_ohm),
        w(d.shunt_power_w, d.shunt_wattage_w)
    );
    outln!(
        "  source impedance   {} Ω seen by the headphone",
        fmt_sig(d.source_impedance_ohm)
    );
    outln!("  attenuation        {:.1} dB", d.attenuation_db);
    outln!(
        "  full output        {} at the ear (aimed ≤ {} dB)",
        d.max_spl_db
            .map_or("unknown".into(), |m| format!("{m:.1} dB SPL")),
        fmt_sig(d.safe_max_spl_db)
    );
    outln!("  amplifier sees     {} Ω", fmt_sig(d.amp_load_ohm));
    outln!(
        "  deviation          {}",
        d.deviation_spread_db
            .map_or("unknown (no impedance curve)".into(), |x| format!(
                "{x:.2} dB"
            ))
    );
    outln!(
        "  hiss               {}",
        d.hiss_spl_db
            .map_or("unknown (no noise figure)".into(), |x| format!(
                "{x:.1} dB SPL"
            ))
    );
    for n in &d.notes {
        outln!("  · {n}");
    }
    if !d.feasible {
        std::process::exit(1);
    }
    Ok(())
}
