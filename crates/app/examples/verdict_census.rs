//! The verdict distribution over every catalog amplifier output × headphone/IEM, for the
//! closing notes of verdict changes: `cargo run --release -p ampmatch-app --example
//! verdict_census [all]` (`all`: every output kind, else headphone outputs only).

use std::collections::BTreeMap;

use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_core::amplifier::OutputKind;
use ampmatch_core::analysis::{Settings, Target, analyze};

fn main() {
    let all = std::env::args().any(|a| a == "all");
    let catalog = Catalog::builtin();
    let mut amps = vec![];
    let mut loads = vec![];
    for e in catalog.entries() {
        match catalog.load(e) {
            Ok(Device::Amplifier(a)) => amps.push(a),
            Ok(Device::Load(l)) if e.side() == DeviceKind::Load && !l.load.is_speaker() => {
                loads.push(l)
            }
            _ => {}
        }
    }
    let settings = Settings::default();
    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut total = 0;
    let (mut good, mut good_complete) = (0, 0);
    for a in &amps {
        for out in a.amplifier.resolved_outputs() {
            if !all && out.kind == OutputKind::Speaker {
                continue;
            }
            for l in &loads {
                let r = analyze(
                    &a.amplifier.name,
                    &out,
                    &l.load,
                    Target::default(),
                    &settings,
                );
                let side = if l.load.is_iem() { "iem" } else { "headphone" };
                *counts.entry((side, r.verdict.to_string())).or_default() += 1;
                if let Ok(path) = std::env::var("DUMP") {
                    use std::io::Write;
                    let (name, c) = r.checks.deciding(r.verdict);
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .unwrap();
                    let _ = writeln!(
                        f,
                        "{}|{}|{}|{}|{name}:{}",
                        a.meta.id, out.name, l.meta.id, r.verdict, c.rule
                    );
                }
                if std::env::var_os("WHY").is_some() && r.verdict != ampmatch_core::Verdict::Good {
                    let (name, c) = r.checks.deciding(r.verdict);
                    let unit = r
                        .sensitivity
                        .map(|s| s.unit_given.to_string())
                        .unwrap_or_default();
                    *counts
                        .entry((
                            side,
                            format!("  {} via {name}:{} [{unit}]", r.verdict, c.rule),
                        ))
                        .or_default() += 1;
                }
                if r.verdict == ampmatch_core::Verdict::Good {
                    good += 1;
                    good_complete += usize::from(r.complete);
                }
                total += 1;
            }
        }
    }
    println!(
        "{total} checks ({} outputs)",
        if all { "all" } else { "headphone" }
    );
    for side in ["headphone", "iem"] {
        let n: usize = counts
            .iter()
            .filter(|((s, _), _)| *s == side)
            .map(|(_, c)| c)
            .sum();
        let row: Vec<String> = counts
            .iter()
            .filter(|((s, _), _)| *s == side)
            .map(|((_, v), c)| format!("{v} {c} ({:.1} %)", 100.0 * *c as f64 / n as f64))
            .collect();
        println!("{side} ({n}): {}", row.join(", "));
    }
    println!(
        "good: {good}, of which complete {good_complete} ({:.1} %)",
        100.0 * good_complete as f64 / good.max(1) as f64
    );
}
