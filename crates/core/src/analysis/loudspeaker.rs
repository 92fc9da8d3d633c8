//! Loudspeaker step: Qes/Qts with the source resistance, the load's lowest impedance against
//! the amplifier's minimum load, EPDR, and the amplifier's power against the speaker's
//! power ratings and maximum SPL.

use super::checks::{Check, Status};
use super::response::Response;
use super::{Findings, Max, Rule, Severity};
use crate::amplifier::AmpClass;
use crate::units::fmt_sig;

use super::pair::Pair;

/// The loudspeaker figures of a report.
pub(super) struct Loudspeaker {
    pub qes_shifted: Option<f64>,
    pub qts_shifted: Option<f64>,
    /// Amplifier power into the nominal impedance / the continuous rating.
    pub power_ratio: Option<f64>,
    /// The damage check for a loudspeaker (None for headphones, judged by the safety step).
    pub damage: Option<Check>,
}

pub(super) fn check(p: &Pair, max: &Max, r: &Response, f: &mut Findings) -> Loudspeaker {
    let mut out = Loudspeaker {
        qes_shifted: None,
        qts_shifted: None,
        power_ratio: None,
        damage: None,
    };
    if let (Some(ts), Some(rs)) = (&p.load.thiele_small, p.series_ohm) {
        let (qes, qts) = ts.driver.shifted_q(rs);
        out.qes_shifted = Some(qes);
        out.qts_shifted = Some(qts);
        f.add(
            Severity::Info,
            Rule::QtsShift,
            format!("{} Ω of source resistance raises Qes {} → {qes:.3} and Qts {:.3} → {qts:.3} (Qes' = Qes·(Re+Rs)/Re)", fmt_sig(rs), fmt_sig(ts.driver.qes), ts.driver.qts()),
        );
    }
    min_load(p, r, f);
    if !p.speaker {
        return out;
    }
    if let Some((e, fr)) = r.epdr_min {
        let hard =
            p.output.class == Some(AmpClass::AB) && p.output.min_load_ohm.is_some_and(|m| e < m);
        f.add(
            if hard { Severity::Warning } else { Severity::Info },
            Rule::Epdr,
            format!("equivalent peak dissipation resistance falls to {} Ω at {} Hz: a class-B/AB output stage heats as if driving that resistor", fmt_sig(e), fmt_sig(fr)),
        );
    }
    let (ratio, damage) = ratings(p, max, f);
    out.power_ratio = ratio;
    out.damage = Some(damage);
    if let (Some(spec), Some(m)) = (p.load.spl_max_db, max.spl_db) {
        let at_1m = m - p.offset;
        if at_1m > spec {
            f.add(Severity::Warning, Rule::ExceedsRatedMaxSpl, format!("full output would make {at_1m:.1} dB at 1 m, above the maker's {} dB maximum SPL: the speaker would be driven past what it is built for", fmt_sig(spec)));
        }
    }
    out
}

/// A dip below the amplifier's rated minimum load (the curve's minimum or the stated one).
fn min_load(p: &Pair, r: &Response, f: &mut Findings) {
    let lowest_z = match (r.min_impedance_ohm, p.load.min_impedance_ohm) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(zmin), Some(min_load)) = (lowest_z, p.output.min_load_ohm)
        && zmin < min_load
    {
        f.add(Severity::Warning, Rule::BelowMinLoad, format!("the load dips to {} Ω, below the {} Ω the amplifier is rated for: expect protection, distortion or heat", fmt_sig(zmin), fmt_sig(min_load)));
    }
}

/// The amplifier's power against the speaker's ratings: below 1× clips, 1–4× is fine (about
/// 2× recommended), above the peak rating is a problem. Returns the power ratio and the
/// damage check.
fn ratings(p: &Pair, max: &Max, f: &mut Findings) -> (Option<f64>, Check) {
    let Some(((cont, how), peak)) = p
        .load
        .power_handling
        .and_then(|ph| ph.continuous().map(|c| (c, ph.peak())))
    else {
        let message = "the speaker has no power rating, so the amplifier's power cannot be compared with it (power_ratio_to_rating is null)";
        f.add(Severity::Info, Rule::MissingPowerRating, message.into());
        return (
            None,
            Check::unknown(
                Rule::MissingPowerRating,
                "the speaker states no power rating, so damage cannot be judged".into(),
                "the speaker's continuous (RMS) power rating",
            ),
        );
    };
    let Some(pw) = max.power_w else {
        return (
            None,
            Check::unknown(
                Rule::DamageUnknown,
                "the power at full output cannot be computed".into(),
                "the figures the loudness check lacks",
            ),
        );
    };
    let r = pw / cont;
    let msg = format!(
        "the amplifier gives {} W into {} Ω, {r:.2}× the speaker's {} W ({how})",
        fmt_sig(pw),
        fmt_sig(p.z_nom.unwrap_or(f64::NAN)),
        fmt_sig(cont)
    );
    let mut check = if r < 1.0 {
        let text = format!(
            "{msg}: pushed hard it clips, and clipping destroys tweeters sooner than clean power does; about 2× the rating is the recommendation"
        );
        f.add(Severity::Warning, Rule::AmpPowerBelowRating, text.clone());
        Check::new(
            Status::Caution,
            Rule::AmpPowerBelowRating,
            text,
            Some(r),
            "×",
        )
    } else if r <= 4.0 {
        let text =
            format!("{msg}: within 1–4×, about 2× is the recommendation (with a limiter above 1×)");
        f.add(Severity::Info, Rule::AmpPowerVsRating, text.clone());
        Check::new(Status::Ok, Rule::AmpPowerVsRating, text, Some(r), "×")
    } else {
        let text = format!("{msg}: above 4×, keep the level down or use a limiter");
        f.add(Severity::Warning, Rule::AmpPowerVsRating, text.clone());
        Check::new(Status::Caution, Rule::AmpPowerVsRating, text, Some(r), "×")
    };
    if let Some((pk, pk_how)) = peak
        && pw > pk
    {
        let text = format!(
            "at full output the amplifier delivers {} W, above the speaker's peak rating of {} W ({pk_how})",
            fmt_sig(pw),
            fmt_sig(pk)
        );
        f.add(Severity::Critical, Rule::ExceedsPeakRating, text.clone());
        check = Check::new(
            Status::Problem,
            Rule::ExceedsPeakRating,
            text,
            Some(pw),
            "W",
        );
    }
    (Some(r), check)
}
