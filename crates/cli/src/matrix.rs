//! `ampmatch matrix`: the verdict of every amplifier × load pair.

use ampmatch_app::check_matrix;
use ampmatch_catalog::Catalog;
use anyhow::{Context as _, Result};
use serde_json::json;

use crate::args::MatrixArgs;
use crate::check;

pub fn run(a: &MatrixArgs) -> Result<()> {
    let setup = check::setup(&a.setup, None)?;
    let catalog = Catalog::builtin();
    let amps = a
        .amps
        .iter()
        .map(|n| check::amp(&catalog, n).with_context(|| format!("--amp {n}")))
        .collect::<Result<Vec<_>>>()?;
    let loads = a
        .loads
        .iter()
        .map(|n| check::load(&catalog, n).with_context(|| format!("--load {n}")))
        .collect::<Result<Vec<_>>>()?;
    let cells: Vec<_> = check_matrix(&setup, &amps, &loads)
        .map_err(check::explain)?
        .into_iter()
        .map(|c| (&amps[c.amp], &loads[c.load], c.report))
        .collect();
    if a.json {
        let rows: Vec<_> = cells
            .iter()
            .map(|(amp, load, r)| {
                json!({
                    "amp": r.amp, "amp_id": amp.meta.id, "load": r.load, "load_id": load.meta.id,
                    "output": r.output, "target_spl_db": r.target_spl_db, "verdict": r.verdict,
                    "headroom_db": r.headroom_db, "max_spl_db": r.max.spl_db,
                    "power_ratio_to_rating": r.power_ratio_to_rating,
                    "deviation_spread_db": r.deviation_spread_db,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "pairs": rows }))?
        );
        return Ok(());
    }
    // Rows are amplifiers, columns loads; each cell the verdict and the headroom.
    let width = loads
        .iter()
        .map(|l| l.meta.id.len())
        .max()
        .unwrap_or(8)
        .clamp(14, 28);
    let amp_w = amps
        .iter()
        .map(|a| a.meta.id.len())
        .max()
        .unwrap_or(8)
        .max(10);
    print!("{:amp_w$}", "amp \\ load");
    for l in &loads {
        print!("  {:>width$}", truncate(&l.meta.id, width));
    }
    println!();
    for amp in &amps {
        print!("{:amp_w$}", amp.meta.id);
        for load in &loads {
            let r = &cells
                .iter()
                .find(|(a, l, _)| a.meta.id == amp.meta.id && l.meta.id == load.meta.id)
                .expect("every pair analysed")
                .2;
            let cell = match r.headroom_db {
                Some(h) => format!("{} {h:+.1} dB", r.verdict),
                None => r.verdict.to_string(),
            };
            print!("  {:>width$}", cell);
        }
        println!();
    }
    println!("\n(cell: verdict and headroom at the target; `ampmatch check` explains any pair)");
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
