//! `ampmatch rank`: what fits — every catalog amplifier for a load, or every catalog load
//! for an amplifier, through the same analysis as `check`, best first.

use ampmatch_catalog::{Catalog, Device, DeviceKind};
use ampmatch_core::analysis::{Report, Severity, Verdict};
use anyhow::{Context as _, Result};
use serde_json::json;

use crate::args::RankArgs;
use crate::check::{Setup, resolve_amp, resolve_load};

/// Best first: good, then marginal, then insufficient (closest first), then unknown; unsafe
/// last, since an amplifier that can hurt the load is no fit however loud it is. Among good
/// and marginal pairs, fewer warnings first (too loud, volume at the bottom of the knob,
/// coloured response, hiss), then headroom nearest 10 dB: enough for peaks without the
/// excess that brings hiss and a twitchy volume knob.
fn order(r: &Report) -> (u8, usize, i64) {
    let class = match r.verdict {
        Verdict::Good => 0,
        Verdict::Marginal => 1,
        Verdict::Insufficient => 2,
        Verdict::Unknown => 3,
        Verdict::Unsafe => 4,
    };
    let warnings = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .count();
    let headroom = r.headroom_db.unwrap_or(f64::NEG_INFINITY);
    let distance = match class {
        0 | 1 => (headroom - 10.0).abs(),
        _ => -headroom,
    };
    let distance = if distance.is_finite() {
        (distance * 100.0) as i64
    } else {
        i64::MAX
    };
    (class, if class <= 1 { warnings } else { 0 }, distance)
}

pub fn run(a: &RankArgs) -> Result<()> {
    let setup = Setup::from_args(&a.setup)?;
    let catalog = Catalog::builtin();
    let mut rows: Vec<(String, Report)> = Vec::new();
    match (&a.amp, &a.load) {
        (Some(name), _) => {
            let amp = resolve_amp(&catalog, name).context("--amp")?;
            for e in catalog.entries().iter().filter(|e| {
                e.side() == Some(DeviceKind::Load) && a.kind.as_deref().is_none_or(|k| e.kind == k)
            }) {
                if let Ok(Device::Load(load)) = catalog.load(e)
                    && let Ok(r) = setup.analyze(&amp, &load, None)
                {
                    rows.push((e.id.to_string(), r));
                }
            }
        }
        (None, Some(name)) => {
            let load = resolve_load(&catalog, name).context("--load")?;
            for e in catalog
                .entries()
                .iter()
                .filter(|e| e.side() == Some(DeviceKind::Amplifier))
            {
                if let Ok(Device::Amplifier(amp)) = catalog.load(e)
                    && let Ok(r) = setup.analyze(&amp, &load, None)
                {
                    rows.push((e.id.to_string(), r));
                }
            }
        }
        (None, None) => unreachable!("clap requires --amp or --load"),
    }
    rows.sort_by_key(|(id, r)| (order(r), id.clone()));
    rows.truncate(a.limit);
    if a.json {
        let out: Vec<_> = rows
            .iter()
            .map(|(id, r)| json!({"id": id, "amp": r.amp, "load": r.load, "output": r.output, "verdict": r.verdict, "headroom_db": r.headroom_db, "max_spl_db": r.max.spl_db, "deviation_spread_db": r.deviation_spread_db}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    for (i, (id, r)) in rows.iter().enumerate() {
        let other = if a.amp.is_some() { &r.load } else { &r.amp };
        println!(
            "{:>3}. {:<13} {:>9} headroom  {:<48} ({id}, {} output)",
            i + 1,
            r.verdict.to_string(),
            r.headroom_db
                .map_or("unknown".into(), |h| format!("{h:+.1} dB")),
            other,
            r.output
        );
    }
    Ok(())
}
