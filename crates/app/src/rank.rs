//! Ranking the catalog: every amplifier for a load, or every load for an amplifier,
//! through the same analysis as a check, best first.

use ampmatch_catalog::{AmpDevice, Device, DeviceKind, DeviceType, LoadDevice};
use ampmatch_core::analysis::{Report, Severity, Verdict};

use crate::resolve::Devices;
use crate::setup::Setup;

/// What to rank the catalog for.
#[derive(Debug, Clone, Copy)]
pub enum Ranking<'a> {
    /// The catalog's amplifiers for this load.
    AmpsFor(&'a LoadDevice),
    /// The catalog's loads (optionally of one type) for this amplifier.
    LoadsFor(&'a AmpDevice, Option<DeviceType>),
}

/// One ranked pairing.
#[derive(Debug, Clone)]
pub struct RankRow {
    /// Catalog id of the ranked device (the amplifier, or the load).
    pub id: &'static str,
    /// The check.
    pub report: Report,
}

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

/// Every catalog pairing for `what`, best first (ties by id). A catalog device that fails
/// to load or has no suitable output is left out.
pub fn rank(devices: &dyn Devices, setup: &Setup, what: Ranking) -> Vec<RankRow> {
    let catalog = devices.catalog();
    let mut rows: Vec<RankRow> = Vec::new();
    match what {
        Ranking::LoadsFor(amp, kind) => {
            for e in catalog
                .entries()
                .iter()
                .filter(|e| e.side() == DeviceKind::Load && kind.is_none_or(|k| e.device_type == k))
            {
                if let Ok(Device::Load(load)) = devices.load(e)
                    && let Ok(report) = setup.analyze(amp, &load, None)
                {
                    rows.push(RankRow { id: e.id, report });
                }
            }
        }
        Ranking::AmpsFor(load) => {
            for e in catalog
                .entries()
                .iter()
                .filter(|e| e.side() == DeviceKind::Amplifier)
            {
                if let Ok(Device::Amplifier(amp)) = devices.load(e)
                    && let Ok(report) = setup.analyze(&amp, load, None)
                {
                    rows.push(RankRow { id: e.id, report });
                }
            }
        }
    }
    rows.sort_by_cached_key(|r| (order(&r.report), r.id));
    rows
}
