//! The README's reference tables, generated from the code they describe — the rules a
//! finding can name and the setup fields — so the documentation cannot drift (a test
//! compares the README with these).

use ampmatch_core::analysis::Rule;

use crate::setup::FIELDS;

/// The rules, one table row each: id, the step that makes it, what it says.
pub fn rules_markdown() -> String {
    let mut s = String::from("| rule | step | what it says |\n| --- | --- | --- |\n");
    for r in Rule::ALL {
        let summary = r.summary().replace('|', "\\|");
        s.push_str(&format!("| `{}` | {} | {summary} |\n", r.id(), r.step()));
    }
    s
}

fn number(x: f64) -> String {
    if x.abs() >= 1e5 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The setup fields, one table row each: CLI flag, API path, page key, range, meaning.
pub fn setup_markdown() -> String {
    let mut s = String::from(
        "| CLI flag | API field | page key | allowed | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for f in FIELDS {
        let low = if f.min_exclusive { "above " } else { "" };
        let range = format!(
            "{low}{} to {}{}{}",
            number(f.min),
            number(f.max),
            if f.unit.is_empty() { "" } else { " " },
            f.unit
        );
        let range = if f.whole {
            format!("{range} (whole)")
        } else {
            range
        };
        s.push_str(&format!(
            "| `--{}` | {} | {} | {range} | {} |\n",
            f.flag,
            f.api.map_or("—".to_string(), |a| format!("`{a}`")),
            f.query.map_or("—".to_string(), |q| format!("`{q}`")),
            f.doc
        ));
    }
    s
}

/// The catalog in numbers: devices by type, and how many have each figure the checks need.
pub fn catalog_markdown(catalog: &ampmatch_catalog::Catalog) -> String {
    use ampmatch_catalog::{Device, DeviceType};
    use ampmatch_core::NoteKind;
    use ampmatch_core::impedance::ImpedanceModel;
    let mut n = std::collections::HashMap::<&str, usize>::new();
    let mut add = |k: &'static str, yes: bool| *n.entry(k).or_default() += usize::from(yes);
    for e in catalog.entries() {
        // A "(measured)" twin is a second source of its base, not a device of its own.
        if catalog.base_of(e).is_some() {
            continue;
        }
        let Ok(d) = catalog.load(e) else { continue };
        match (&d, e.device_type) {
            (Device::Amplifier(a), _) => {
                add("amplifiers", true);
                for o in a.amplifier.resolved_outputs() {
                    add("outputs", true);
                    add("noise", o.noise.is_some());
                    add("zout", o.output_impedance.is_some());
                    add("gain", o.gain_db.is_some() || !o.gain_modes.is_empty());
                    add("rated", !o.ratings.is_empty());
                }
            }
            (Device::Load(l), t) => {
                let key = match t {
                    DeviceType::Speaker => "speakers",
                    DeviceType::Driver => "drivers",
                    _ => "headphones",
                };
                add(key, true);
                let curve = matches!(
                    l.load.impedance,
                    Some(ImpedanceModel::Measured(_) | ImpedanceModel::Resonance(_))
                );
                if key == "headphones" {
                    add("headphone curves", curve);
                    add("headphone max power", l.load.max_input_power_w.is_some());
                    add("twins", l.load.twin_sensitivity.is_some());
                }
                if key == "speakers" {
                    add("speaker ratings", l.load.power_handling.is_some());
                }
                add(
                    "suspect",
                    l.load.notes.iter().any(|n| n.kind == NoteKind::Suspect),
                );
            }
        }
    }
    let g = |k: &str| n.get(k).copied().unwrap_or(0);
    format!(
        "| devices | count | with … |\n| --- | --- | --- |\n\
         | headphones and IEMs | {} | an impedance curve (measured or sparse): {}; a maximum input power: {}; a second source's sensitivity (a measured twin): {} |\n\
         | amplifiers | {} | {} outputs: a power or voltage rating {}, output impedance {}, gain {}, noise {} |\n\
         | finished loudspeakers | {} | a power rating: {} |\n\
         | loudspeaker drivers | {} | Thiele-Small parameters (every one) |\n\
         | marked `suspect` (loads) | {} | |\n",
        g("headphones"),
        g("headphone curves"),
        g("headphone max power"),
        g("twins"),
        g("amplifiers"),
        g("outputs"),
        g("rated"),
        g("zout"),
        g("gain"),
        g("noise"),
        g("speakers"),
        g("speaker ratings"),
        g("drivers"),
        g("suspect"),
    )
}
