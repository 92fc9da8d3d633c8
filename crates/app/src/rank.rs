//! Ranking the catalog: every amplifier for a load, or every load for an amplifier,
//! through the same analysis as a check, best first.

use ampmatch_catalog::{AmpDevice, Device, DeviceKind, DeviceType, LoadDevice};
use ampmatch_core::amplifier::OutputKind;
use ampmatch_core::analysis::{Report, Verdict};

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

/// Whether an output is meant for a load of this kind: speaker terminals for loudspeakers
/// and drivers; headphone, DAC-amp, dongle and player outputs and integrated amplifiers'
/// headphone jacks for headphones and IEMs.
pub fn meant_for(output: OutputKind, speaker_load: bool) -> bool {
    (output == OutputKind::Speaker) == speaker_load
}

/// Best first: good, marginal, insufficient (closest to the target first), unknown; then
/// unsafe and incompatible, since no loudness makes up for harm. Within a verdict, complete
/// answers before incomplete ones, then fewer cautions, then headroom nearest 10 dB (enough
/// for peaks without the excess that brings hiss and a twitchy volume knob).
fn order(r: &Report) -> (u8, bool, usize, i64) {
    let class = match r.verdict {
        Verdict::Good => 0,
        Verdict::Marginal => 1,
        Verdict::Insufficient => 2,
        Verdict::Unknown => 3,
        Verdict::Unsafe => 4,
        Verdict::Incompatible => 5,
    };
    let headroom = r.headroom_db.unwrap_or(f64::NEG_INFINITY);
    let distance = match r.verdict {
        Verdict::Insufficient => -headroom,
        _ => (headroom - 10.0).abs(),
    };
    let distance = if distance.is_finite() {
        (distance * 100.0) as i64
    } else {
        i64::MAX
    };
    (class, !r.complete, r.checks.cautions(), distance)
}

/// Every catalog pairing for `what`, best first (ties by id). Only outputs meant for the
/// load's kind ([`meant_for`]) unless `all_outputs`. A catalog device that fails to load or
/// has no suitable output is left out.
pub fn rank(
    devices: &dyn Devices,
    setup: &Setup,
    what: Ranking,
    all_outputs: bool,
) -> Vec<RankRow> {
    let catalog = devices.catalog();
    let keep = |r: &Report, speaker: bool| all_outputs || meant_for(r.output_kind, speaker);
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
                    && keep(&report, load.load.is_speaker())
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
                    && keep(&report, load.load.is_speaker())
                {
                    rows.push(RankRow { id: e.id, report });
                }
            }
        }
    }
    rows.sort_by_cached_key(|r| (order(&r.report), r.id));
    rows
}
