//! Sizing and battery steps: how much amplifier a loudspeaker wants by each of the common
//! rules, side by side with the physics; and how long a battery lasts at the listening level.
//!
//! Sizing rules found in public guidance (they disagree; each protects against something
//! else): 2× the speaker's continuous rating (the founding document; 400 W @ 7 Ω → 800 W);
//! 80–250 % of it (Perkins); match the RMS rating (car-audio guidance); Crown: 2–4× with a
//! limiter (1× when clipping cannot be prevented); and the crest-factor method — the power
//! the music's peaks need at the listening level and seat. Too little power driven hard
//! clips, which kills tweeters; too much continuous power burns voice coils.

use serde::Serialize;

use super::pair::Pair;
use super::volume::MUSIC_CREST_FACTOR_DB;
use super::{Max, Required, Target};
use crate::amplifier::{AmpClass, Supply};
use crate::units::undb20;

/// One sizing rule's range of amplifier power (continuous, into the speaker's impedance).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizingRule {
    /// Stable id.
    pub rule: &'static str,
    /// Least power the rule asks, W.
    pub min_w: f64,
    /// Most, W (null: no upper bound from this rule).
    pub max_w: Option<f64>,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What it protects against.
    pub protects: &'static str,
}

/// The rules side by side, and the range ampmatch recommends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sizing {
    /// The speaker's continuous rating used, W.
    pub continuous_w: f64,
    /// Which rating that is (the continuous rating, or program ÷ 2, peak ÷ 4).
    pub rating_basis: &'static str,
    /// Each rule's range.
    pub rules: Vec<SizingRule>,
    /// The recommended range: at least what the music's peaks need (and at least the
    /// continuous rating, so the amplifier is not the weak link), at most 2× the rating.
    pub recommended_w: RecommendedRange,
    /// The amplifier's power into the speaker's nominal impedance, W (null when unknown).
    pub amplifier_w: Option<f64>,
    /// Each of the amplifier's ratings with its stated conditions (THD, band, channels
    /// driven, as the source gives them).
    pub amplifier_ratings: Vec<String>,
    /// True when a rating says it was taken with one channel driven: not the conditions of
    /// a stereo pair playing, and not converted. (A rating's band is often stated only for
    /// its distortion figure, so it is shown, not read.)
    pub mixed_conditions: bool,
    /// What the comparison assumes about conditions, in words.
    pub conditions_note: &'static str,
}

/// A power range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RecommendedRange {
    /// W.
    pub min: f64,
    /// W.
    pub max: f64,
}

/// The sizing rules for a loudspeaker with a power rating (`None` for anything else).
pub(super) fn sizing(p: &Pair, max: &Max, required: &Required) -> Option<Sizing> {
    if !p.load.is_speaker() {
        return None;
    }
    let (c, basis) = p.load.power_handling?.continuous()?;
    let mut rules = vec![
        SizingRule {
            rule: "twice-continuous",
            min_w: 2.0 * c,
            max_w: Some(2.0 * c),
            source: "the founding article's rule (silentsky.net): 2× the continuous rating at that impedance",
            protects: "clipping: headroom for peaks without driving the amplifier into distortion",
        },
        SizingRule {
            rule: "80-250-percent",
            min_w: 0.8 * c,
            max_w: Some(2.5 * c),
            source: "Perkins (perkaudio): 80–250 % of the speaker's rating",
            protects: "both: enough to avoid clipping, not so much that a slip burns the voice coil",
        },
        SizingRule {
            rule: "match-rms",
            min_w: c,
            max_w: Some(c),
            source: "car-audio guidance (caraudionow, Garmin support): match the RMS rating",
            protects: "thermal damage: the amplifier cannot exceed what the coil takes",
        },
        SizingRule {
            rule: "crown-limiter",
            min_w: 2.0 * c,
            max_w: Some(4.0 * c),
            source: "Crown: 2–4× with a limiter set to the speaker's rating (1× if clipping cannot be prevented)",
            protects: "clipping, with the limiter guarding the coil",
        },
    ];
    // The crest-factor method: the peaks of the target at the seat.
    let peaks_w = required.power_w;
    if let Some(w) = peaks_w {
        rules.push(SizingRule {
            rule: "crest-factor",
            min_w: w,
            max_w: None,
            source: "the crest-factor method: the power the target's peaks need at the seat",
            protects: "clipping at this listening level",
        });
    }
    let min = peaks_w.unwrap_or(c).max(c);
    let amplifier_ratings: Vec<String> = p
        .output
        .ratings
        .iter()
        .map(|r| {
            let into = r.load_ohm.map_or("open circuit".into(), |z| {
                format!("{} Ω", crate::units::fmt_sig(z))
            });
            format!(
                "{} V into {into}: {}",
                crate::units::fmt_sig(r.voltage_vrms),
                r.source
            )
        })
        .collect();
    let mixed_conditions = amplifier_ratings.iter().any(|s| {
        let l = s.to_lowercase();
        ["one channel", "1 channel", "single channel", "1ch driven"]
            .iter()
            .any(|k| l.contains(k))
    });
    Some(Sizing {
        continuous_w: c,
        rating_basis: basis,
        rules,
        recommended_w: RecommendedRange {
            min,
            max: (2.0 * c).max(min),
        },
        amplifier_w: max.power_w,
        amplifier_ratings,
        mixed_conditions,
        conditions_note: "a speaker's continuous rating is a long-term, full-band figure (AES2: pink noise, 6 dB crest factor); an amplifier rated at 1 kHz or with one channel driven gives less with all channels over the full band. Only the 10 % → 1 % THD step is converted (÷ 1.25, said where applied); other conditions are shown, not converted",
    })
}

/// How long a battery lasts, and what a battery or bus-powered output draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Battery {
    /// Energy in the battery, Wh (null without a capacity, e.g. a bus-powered output).
    pub capacity_wh: Option<f64>,
    /// Power drawn from the supply at the average listening level, both channels, W.
    pub at_listening_w: Option<f64>,
    /// At full output, both channels, W.
    pub at_full_w: Option<f64>,
    /// Hours of play at the listening level (an upper bound: idle draw left out).
    pub hours_at_listening: Option<f64>,
    /// Hours at full output.
    pub hours_at_full: Option<f64>,
    /// What was assumed, in words.
    pub assumptions: Vec<String>,
}

/// One Li-ion cell's nominal voltage, V: the assumption when a source gives only mAh.
pub const LI_ION_NOMINAL_V: f64 = 3.7;

/// Battery life for a battery or bus-powered output (`None` for mains or unknown supply).
pub(super) fn battery(p: &Pair, max: &Max, required: &Required) -> Option<Battery> {
    let (capacity_mah, cell_v) = match p.output.supply.as_ref()? {
        Supply::Battery {
            capacity_mah,
            voltage_v,
        } => (*capacity_mah, *voltage_v),
        Supply::Bus { .. } => (None, None),
        _ => return None,
    };
    let mut assumptions = vec![];
    let class = p.output.class.unwrap_or_else(|| {
        assumptions.push("no output-stage class stated: class AB assumed".to_string());
        AmpClass::AB
    });
    let capacity_wh = capacity_mah.map(|mah| {
        let v = cell_v.unwrap_or_else(|| {
            assumptions.push(format!(
                "only mAh given: one Li-ion cell at {LI_ION_NOMINAL_V} V nominal assumed"
            ));
            LI_ION_NOMINAL_V
        });
        mah / 1000.0 * v
    });
    assumptions.push(
        "music taken as a sine of its average power (the peak target less its crest factor)"
            .to_string(),
    );
    assumptions.push(
        "two channels playing; the idle (quiescent, DAC) draw is not known and left out, so the hours are an upper bound"
            .to_string(),
    );
    // The average level: the peak target less music's crest factor, or the stated average.
    let average_w = required.power_w.map(|w| match p.target {
        Target::AverageWithCrest {
            crest_factor_db, ..
        } => w / undb20(crest_factor_db).powi(2),
        Target::Peak { .. } => w / undb20(MUSIC_CREST_FACTOR_DB).powi(2),
    });
    let p_max = max.power_w;
    let draw = |w: Option<f64>| -> Option<f64> {
        let (w, m) = (w?, p_max?);
        super::supply::supply_power_w(class, w.min(m), m).map(|d| 2.0 * d)
    };
    let at_listening = draw(average_w);
    let at_full = draw(p_max);
    let hours = |d: Option<f64>| match (capacity_wh, d) {
        (Some(c), Some(d)) if d > 0.0 => Some(c / d),
        _ => None,
    };
    Some(Battery {
        capacity_wh,
        at_listening_w: at_listening,
        at_full_w: at_full,
        hours_at_listening: hours(at_listening),
        hours_at_full: hours(at_full),
        assumptions,
    })
}
