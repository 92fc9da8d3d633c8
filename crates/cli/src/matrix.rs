//! `ampmatch matrix`: the verdict of every amplifier × load pair.

use ampmatch_app::check_matrix;
use ampmatch_catalog::Catalog;
use anyhow::{Context as _, Result};
use serde_json::json;

use crate::args::MatrixArgs;
use crate::check;
use crate::out::Table;

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
    let mut table = Table {
        header: std::iter::once("amp \\ load".to_string())
            .chain(loads.iter().map(|l| l.meta.id.clone()))
            .collect(),
        rows: vec![],
        right: vec![false; loads.len() + 1],
    };
    for amp in &amps {
        let mut row = vec![amp.meta.id.clone()];
        for load in &loads {
            let r = &cells
                .iter()
                .find(|(a, l, _)| a.meta.id == amp.meta.id && l.meta.id == load.meta.id)
                .expect("every pair analysed")
                .2;
            row.push(match r.headroom_db {
                Some(h) => format!("{} {h:+.1} dB", r.verdict),
                None => r.verdict.to_string(),
            });
        }
        table.rows.push(row);
    }
    crate::out::print(&table.render(crate::out::width()));
    crate::out::outln!(
        "\n(cell: verdict and headroom at the target; `ampmatch check` explains any pair)"
    );
    Ok(())
}
