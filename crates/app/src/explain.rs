//! `explain`: the founding article's comparison of headphone and speaker amplifiers,
//! recomputed from the catalog at run time, and each of its claims judged by the numbers.
//!
//! Classes of output: a speaker output is `speaker`, `integrated` or `receiver` by the
//! amplifier's category; any other output is `headphone`, `dac-amp`, `dongle`, `player` or
//! `integrated-headphone-jack` (an integrated amplifier's or receiver's headphone jack).

use std::collections::BTreeMap;

use ampmatch_catalog::{Device, DeviceKind, DeviceType, LoadDevice};
use ampmatch_core::amplifier::{AmpOutput, OutputKind};
use ampmatch_core::analysis::Verdict;
use ampmatch_core::limits::LimitFit;
use ampmatch_core::load::{HeadphoneForm, LoadKind};
use serde::Serialize;

use crate::Devices;
use crate::setup::Setup;

/// Loads the power figures are given into, Ω.
pub const POWER_LOADS_OHM: [f64; 4] = [32.0, 300.0, 8.0, 4.0];
/// At most this many loads of each class are checked against every output for `drive`.
pub const DRIVE_SAMPLE: usize = 30;

/// Median and spread of a set of figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// How many figures.
    pub n: usize,
}

/// The percentile `p` (0–1) of sorted `v`, linear between closest ranks.
fn percentile(v: &[f64], p: f64) -> f64 {
    let x = (v.len() - 1) as f64 * p;
    let (i, t) = (x.floor() as usize, x.fract());
    if i + 1 < v.len() {
        v[i] + (v[i + 1] - v[i]) * t
    } else {
        v[i]
    }
}

impl Stats {
    /// The statistics of `values` (`None` when empty; non-finite values are left out).
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Self {
            median: percentile(&v, 0.5),
            p10: percentile(&v, 0.1),
            p90: percentile(&v, 0.9),
            n: v.len(),
        })
    }
}

/// One class of outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassSummary {
    /// Class name.
    pub class: &'static str,
    /// Outputs in it.
    pub outputs: usize,
    /// Power into 32, 300, 8 and 4 Ω, W (keys are the loads in Ω).
    pub power_into_w: BTreeMap<String, Stats>,
    /// Output impedance, Ω (where known).
    pub output_impedance_ohm: Option<Stats>,
    /// The catalog ids behind the figures.
    pub devices: Vec<String>,
}

/// A claim and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The claim's id (shared/docs/founding-claims.md).
    pub id: &'static str,
    /// The claim, in our words.
    pub claim: &'static str,
    /// `borne-out`, `partly`, `myth` or `not-checkable`.
    pub verdict: &'static str,
    /// The numbers behind the verdict.
    pub evidence: String,
    /// The rule that turns the numbers into the verdict.
    pub rule: &'static str,
}

/// How often a class of output drives a class of load well.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drive {
    /// Output class.
    pub amp_class: &'static str,
    /// Load class: `headphone`, `iem`, `speaker`.
    pub load_class: &'static str,
    /// Pairs checked.
    pub pairs: usize,
    /// Share of them with the verdict `good`.
    pub good_share: f64,
    /// Share `unsafe`.
    pub unsafe_share: f64,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Per output class.
    pub classes: Vec<ClassSummary>,
    /// Load impedances: headphones and IEMs, and loudspeakers (nominal, Ω).
    pub loads: BTreeMap<&'static str, Stats>,
    /// The article's claims.
    pub claims: Vec<Claim>,
    /// Which can drive which.
    pub drive: Vec<Drive>,
    /// Each output's power (W) against resistive load (Ω), 2–600 Ω, with its class: the
    /// chart's lines (not in the JSON: `classes` has the figures).
    #[serde(skip)]
    pub power_curves: Vec<(&'static str, Vec<(f64, f64)>)>,
    /// Each output's output impedance (Ω) with its class, where known: the second chart.
    #[serde(skip)]
    pub output_impedances: Vec<(&'static str, f64)>,
}

/// The class of an output of an amplifier of `category`.
pub fn class_of(category: &str, kind: OutputKind) -> &'static str {
    match (kind == OutputKind::Speaker, category) {
        (true, "integrated") => "integrated",
        (true, "receiver") => "receiver",
        (true, _) => "speaker",
        (false, "integrated" | "receiver") => "integrated-headphone-jack",
        (false, "dac-amp") => "dac-amp",
        (false, "dongle") => "dongle",
        (false, "player") => "player",
        (false, _) => "headphone",
    }
}

/// One output of the catalog, with its class, its amplifier's id and its limits.
pub(crate) struct OutputRow {
    pub(crate) class: &'static str,
    pub(crate) amp_id: String,
    pub(crate) output: AmpOutput,
    pub(crate) fit: LimitFit,
}

impl OutputRow {
    /// The most power it puts into a resistor of `z_ohm`, W.
    pub(crate) fn power_w(&self, z_ohm: f64) -> Option<f64> {
        self.fit
            .at(z_ohm)
            .map(|a| a.voltage_vrms * a.voltage_vrms / z_ohm)
    }

    /// Its output impedance, Ω, when known.
    pub(crate) fn output_impedance_ohm(&self) -> Option<f64> {
        self.output.output_impedance.map(|s| s.nominal_ohm())
    }
}

/// Every output of the catalog's amplifiers.
fn outputs(devices: &dyn Devices) -> Vec<OutputRow> {
    let mut v = vec![];
    for e in devices.catalog().entries() {
        if e.side() != DeviceKind::Amplifier {
            continue;
        }
        if let Ok(Device::Amplifier(a)) = devices.load(e) {
            for o in a.amplifier.outputs {
                v.push(OutputRow {
                    class: class_of(e.category, o.kind),
                    amp_id: e.id.to_string(),
                    fit: LimitFit::from_output(&o),
                    output: o,
                });
            }
        }
    }
    v
}

fn classes(outs: &[OutputRow]) -> Vec<ClassSummary> {
    let mut by: BTreeMap<&'static str, Vec<&OutputRow>> = BTreeMap::new();
    for o in outs {
        by.entry(o.class).or_default().push(o);
    }
    by.into_iter()
        .map(|(class, list)| {
            let mut power_into_w = BTreeMap::new();
            for z in POWER_LOADS_OHM {
                let p: Vec<f64> = list.iter().filter_map(|o| o.power_w(z)).collect();
                if let Some(s) = Stats::of(&p) {
                    power_into_w.insert(format!("{}", z as u32), s);
                }
            }
            let zo: Vec<f64> = list
                .iter()
                .filter_map(|o| o.output_impedance_ohm())
                .collect();
            let mut devices: Vec<String> = list.iter().map(|o| o.amp_id.clone()).collect();
            devices.dedup();
            ClassSummary {
                class,
                outputs: list.len(),
                power_into_w,
                output_impedance_ohm: Stats::of(&zo),
                devices,
            }
        })
        .collect()
}

/// The load class for `drive`: over- and on-ear headphones, IEMs, finished loudspeakers.
fn load_class(l: &LoadDevice) -> Option<&'static str> {
    match l.load.kind {
        LoadKind::Headphone {
            form: HeadphoneForm::InEar,
        } => Some("iem"),
        LoadKind::Headphone { .. } => Some("headphone"),
        LoadKind::Loudspeaker { finished: true } => Some("speaker"),
        LoadKind::Loudspeaker { finished: false } => None,
    }
}

/// Every headphone, IEM and finished loudspeaker of the catalog, with its class.
fn all_loads(devices: &dyn Devices) -> BTreeMap<&'static str, Vec<LoadDevice>> {
    let entries: Vec<_> = devices
        .catalog()
        .entries()
        .iter()
        .filter(|e| e.side() == DeviceKind::Load && e.device_type != DeviceType::Driver)
        .collect();
    let mut by: BTreeMap<&'static str, Vec<LoadDevice>> = BTreeMap::new();
    for e in entries {
        if let Ok(Device::Load(l)) = devices.load(e)
            && let Some(c) = load_class(&l)
        {
            by.entry(c).or_default().push(l);
        }
    }
    by
}

/// Up to [`DRIVE_SAMPLE`] loads of each class, spread evenly over the catalog.
fn sample<'a>(
    all: &'a BTreeMap<&'static str, Vec<LoadDevice>>,
) -> Vec<(&'static str, &'a LoadDevice)> {
    all.iter()
        .flat_map(|(c, list)| {
            let step = list.len().div_ceil(DRIVE_SAMPLE).max(1);
            list.iter().step_by(step).map(move |l| (*c, l))
        })
        .collect()
}

fn drive(setup: &Setup, outs: &[OutputRow], loads: &[(&'static str, &LoadDevice)]) -> Vec<Drive> {
    let mut tally: BTreeMap<(&'static str, &'static str), (usize, usize, usize)> = BTreeMap::new();
    for o in outs {
        for (lc, l) in loads {
            let r = setup.analyze_output("amp", &o.output, l);
            let t = tally.entry((o.class, lc)).or_default();
            t.0 += 1;
            t.1 += usize::from(r.verdict == Verdict::Good);
            t.2 += usize::from(r.verdict == Verdict::Unsafe);
        }
    }
    tally
        .into_iter()
        .map(|((a, l), (n, good, bad))| Drive {
            amp_class: a,
            load_class: l,
            pairs: n,
            good_share: good as f64 / n as f64,
            unsafe_share: bad as f64 / n as f64,
        })
        .collect()
}

fn load_impedances(all: &BTreeMap<&'static str, Vec<LoadDevice>>) -> BTreeMap<&'static str, Stats> {
    let mut out = BTreeMap::new();
    for (key, classes) in [
        ("headphone", &["headphone", "iem"][..]),
        ("speaker", &["speaker"][..]),
    ] {
        let z: Vec<f64> = all
            .iter()
            .filter(|(c, _)| classes.contains(c))
            .flat_map(|(_, list)| list.iter())
            .filter_map(|l| l.load.nominal_impedance_ohm)
            .collect();
        if let Some(s) = Stats::of(&z) {
            out.insert(key, s);
        }
    }
    out
}

/// The comparison, recomputed from the catalog `devices` hold.
pub fn explain(devices: &dyn Devices, setup: &Setup) -> Explanation {
    let outs = outputs(devices);
    let all = all_loads(devices);
    let classes = classes(&outs);
    let drive = drive(setup, &outs, &sample(&all));
    let load_z = load_impedances(&all);
    let claims = crate::claims::judge(&crate::claims::Facts {
        outputs: &outs,
        drive: &drive,
        loads: &load_z,
    });
    let power_curves = outs
        .iter()
        .map(|o| {
            let pts = (0..=24)
                .map(|i| 2.0 * 300f64.powf(i as f64 / 24.0))
                .filter_map(|z| o.power_w(z).map(|p| (z, p)))
                .collect();
            (o.class, pts)
        })
        .filter(|(_, pts): &(&'static str, Vec<(f64, f64)>)| !pts.is_empty())
        .collect();
    let output_impedances = outs
        .iter()
        .filter_map(|o| o.output_impedance_ohm().map(|z| (o.class, z)))
        .collect();
    Explanation {
        classes,
        loads: load_z,
        claims,
        drive,
        power_curves,
        output_impedances,
    }
}
