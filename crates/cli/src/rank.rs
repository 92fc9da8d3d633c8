//! `ampmatch rank`: what fits — every catalog amplifier for a load, or every catalog load
//! for an amplifier, through the same analysis as `check`, best first.

use crate::out::outln;
use ampmatch_app::{Ranking, rank};
use ampmatch_catalog::{Catalog, DeviceType};
use ampmatch_plot::text;
use anyhow::{Context as _, Result};
use serde_json::json;

use crate::args::RankArgs;
use crate::check;

pub fn run(a: &RankArgs) -> Result<()> {
    let setup = check::setup(&a.setup, None)?;
    let catalog = Catalog::builtin();
    let mut rows = match (&a.amp, &a.load) {
        (Some(name), _) => {
            let amp = check::amp(&catalog, name).context("--amp")?;
            let kind = a.kind.as_deref().and_then(DeviceType::parse);
            rank(
                &catalog,
                &setup,
                Ranking::LoadsFor(&amp, kind),
                a.all_outputs,
            )
        }
        (None, Some(name)) => {
            let load = check::load(&catalog, name).context("--load")?;
            rank(&catalog, &setup, Ranking::AmpsFor(&load), a.all_outputs)
        }
        (None, None) => unreachable!("clap requires --amp or --load"),
    };
    rows.truncate(a.limit);
    if a.json {
        let out: Vec<_> = rows
            .iter()
            .map(|row| (row.id, &row.report))
            .map(|(id, r)| {
                let (decided_by, _) = r.checks.deciding(r.verdict);
                json!({"id": id, "amp": r.amp, "load": r.load, "output": r.output,
                    "output_kind": r.output_kind, "verdict": r.verdict, "complete": r.complete,
                    "reason": text::reason(r, false), "decided_by": decided_by,
                    "unknown": r.checks.unknown(), "checks": r.checks,
                    "headroom_db": r.headroom_db, "max_spl_db": r.max.spl_db,
                    "deviation_spread_db": r.deviation_spread_db,
                    "recommended_w": r.sizing.as_ref().map(|s| s.recommended_w),
                    "amplifier_w": r.sizing.as_ref().and_then(|s| s.amplifier_w)})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    // For a rated loudspeaker: the power range to look for (the same for every amplifier).
    if a.load.is_some()
        && let Some(s) = rows.first().and_then(|row| row.report.sizing.as_ref())
    {
        outln!(
            "recommended amplifier power for {}: {}–{} continuous into its impedance (rules side by side: ampmatch check --load … --amp …)\n",
            rows[0].report.load,
            ampmatch_core::units::fmt_power(Some(s.recommended_w.min)),
            ampmatch_core::units::fmt_power(Some(s.recommended_w.max))
        );
    }
    let other = |r: &ampmatch_core::analysis::Report| {
        if a.amp.is_some() {
            r.load.clone()
        } else {
            r.amp.clone()
        }
    };
    // The name column is as wide as the longest name shown (at most 40).
    let name_w = rows
        .iter()
        .map(|row| other(&row.report).chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (i, (id, r)) in rows.iter().map(|row| (row.id, &row.report)).enumerate() {
        outln!(
            "{:>3}. {:<12} {:>9} headroom  {:<name_w$}  ({id}, {} output)",
            i + 1,
            r.verdict.to_string(),
            r.headroom_db
                .map_or("unknown".into(), |h| format!("{h:+.1} dB")),
            other(r),
            r.output
        );
        outln!("       {}", text::reason(r, false));
    }
    Ok(())
}
