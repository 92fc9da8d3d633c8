//! The founding article's claims (in our words; shared docs "founding-claims"), each judged
//! from the catalog's numbers or from the physics, with the rule that decides it.
//!
//! Range claims: `borne-out` when at least 3/4 of the figures fall in the claimed range,
//! `myth` when at most 1/4 do, `partly` between. Claims about size, taste or price that the
//! catalog cannot measure are `not-checkable`, with why.

use std::collections::BTreeMap;

use ampmatch_core::amplifier::Supply;

use crate::explain::{Claim, Drive, OutputRow, Stats};

/// What the claims are judged on.
pub struct Facts<'a> {
    /// Every output: class, amplifier id, output.
    pub outputs: &'a [OutputRow],
    /// Which can drive which.
    pub drive: &'a [Drive],
    /// Load impedances.
    pub loads: &'a BTreeMap<&'static str, Stats>,
}

/// Headphone-side output classes.
const HEADPHONE_CLASSES: &[&str] = &[
    "headphone",
    "dac-amp",
    "dongle",
    "player",
    "integrated-headphone-jack",
];
/// Speaker-side output classes.
const SPEAKER_CLASSES: &[&str] = &["speaker", "integrated", "receiver"];
/// Dedicated headphone amplifiers (not an integrated amplifier's jack).
const DEDICATED: &[&str] = &["headphone", "dac-amp", "dongle", "player"];

const RANGE_RULE: &str = "share in the claimed range: ≥ 75 % borne out, ≤ 25 % myth, else partly";

fn range_verdict(share: f64) -> &'static str {
    if share >= 0.75 {
        "borne-out"
    } else if share <= 0.25 {
        "myth"
    } else {
        "partly"
    }
}

/// Powers (W) of the outputs of `classes` into `z_ohm`.
fn powers(f: &Facts, classes: &[&str], z_ohm: f64) -> Vec<f64> {
    f.outputs
        .iter()
        .filter(|o| classes.contains(&o.class))
        .filter_map(|o| o.power_w(z_ohm))
        .collect()
}

fn share_in(v: &[f64], lo: f64, hi: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.iter().filter(|x| (lo..=hi).contains(*x)).count() as f64 / v.len() as f64
}

fn median(v: &[f64]) -> Option<f64> {
    Stats::of(v).map(|s| s.median)
}

fn pct(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

fn watts(x: Option<f64>) -> String {
    ampmatch_core::units::fmt_power(x)
}

fn zo_of(f: &Facts, classes: &[&str]) -> Vec<f64> {
    f.outputs
        .iter()
        .filter(|o| classes.contains(&o.class))
        .filter_map(OutputRow::output_impedance_ohm)
        .collect()
}

fn drive_share(f: &Facts, amps: &[&str], load: &str) -> (usize, f64, f64) {
    let (mut n, mut good, mut bad) = (0usize, 0.0, 0.0);
    for d in f
        .drive
        .iter()
        .filter(|d| amps.contains(&d.amp_class) && d.load_class == load)
    {
        n += d.pairs;
        good += d.good_share * d.pairs as f64;
        bad += d.unsafe_share * d.pairs as f64;
    }
    let n_f = (n as f64).max(1.0);
    (n, good / n_f, bad / n_f)
}

fn power_claim(f: &Facts) -> Claim {
    let hp = powers(f, HEADPHONE_CLASSES, 32.0);
    let sp = powers(f, SPEAKER_CLASSES, 8.0);
    let (a, b) = (share_in(&hp, 0.01, 2.0), share_in(&sp, 50.0, 100.0));
    Claim {
        id: "power",
        claim: "Headphone amplifiers give about 10 mW–2 W, speaker amplifiers about 50–100 W.",
        verdict: match (range_verdict(a), range_verdict(b)) {
            (x, y) if x == y => x,
            _ => "partly",
        },
        evidence: format!(
            "headphone outputs into 32 Ω: median {}, {} within 10 mW–2 W (n = {}); speaker outputs into 8 Ω: median {}, {} within 50–100 W (n = {}). It is output power, not power consumption.",
            watts(median(&hp)),
            pct(a),
            hp.len(),
            watts(median(&sp)),
            pct(b),
            sp.len()
        ),
        rule: RANGE_RULE,
    }
}

fn impedance_claim(f: &Facts) -> Claim {
    let hp = f.loads.get("headphone");
    let sp = f.loads.get("speaker");
    let zo = median(&zo_of(f, DEDICATED));
    Claim {
        id: "impedance",
        claim: "Headphone amplifiers work with 16–600 Ω, speaker amplifiers with 4–8 Ω (as the amplifiers' own impedance).",
        verdict: "partly",
        evidence: format!(
            "the ranges are the loads': headphones' nominal impedance median {} Ω (p10–p90 {}–{} Ω), loudspeakers' {} Ω ({}–{} Ω); the amplifiers' own output impedance is far lower (dedicated headphone amplifiers: median {} Ω)",
            hp.map_or("?".into(), |s| fmt(s.median)),
            hp.map_or("?".into(), |s| fmt(s.p10)),
            hp.map_or("?".into(), |s| fmt(s.p90)),
            sp.map_or("?".into(), |s| fmt(s.median)),
            sp.map_or("?".into(), |s| fmt(s.p10)),
            sp.map_or("?".into(), |s| fmt(s.p90)),
            zo.map_or("?".into(), fmt)
        ),
        rule: "right numbers, wrong device: the figures describe loads, not amplifiers",
    }
}

fn fmt(x: f64) -> String {
    ampmatch_core::units::fmt_sig(x)
}

fn output_impedance_claim(f: &Facts) -> Claim {
    let dedicated = median(&zo_of(f, DEDICATED));
    let jacks = zo_of(f, &["integrated-headphone-jack"]);
    let speaker = median(&zo_of(f, SPEAKER_CLASSES));
    let verdict = match dedicated {
        Some(d) if d < 2.0 && !jacks.is_empty() && median(&jacks).is_some_and(|j| j > 10.0) => {
            "partly"
        }
        Some(d) if d < 2.0 => "myth",
        Some(_) => "borne-out",
        None => "not-checkable",
    };
    Claim {
        id: "output-impedance",
        claim: "Headphone amplifiers have a high output impedance; speaker amplifiers a low one.",
        verdict,
        evidence: format!(
            "dedicated headphone amplifiers: median {} Ω; integrated amplifiers' headphone jacks: {} (n = {}); speaker outputs: median {} Ω. Only the jacks are high.",
            dedicated.map_or("?".into(), fmt),
            if jacks.is_empty() {
                "none known".into()
            } else {
                jacks
                    .iter()
                    .map(|z| format!("{} Ω", fmt(*z)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            jacks.len(),
            speaker.map_or("?".into(), fmt)
        ),
        rule: "median output impedance of dedicated headphone amplifiers under 2 Ω: myth for them (partly when only integrated jacks are high)",
    }
}

fn supply_claim(f: &Facts) -> Claim {
    let count = |classes: &[&str], pred: &dyn Fn(&Supply) -> bool| {
        f.outputs
            .iter()
            .filter(|o| classes.contains(&o.class) && o.output.supply.as_ref().is_some_and(pred))
            .count()
    };
    let portable = count(DEDICATED, &|s| {
        matches!(s, Supply::Bus { .. } | Supply::Battery { .. })
    });
    let mains = count(DEDICATED, &|s| matches!(s, Supply::Mains));
    let known = portable + mains;
    let share = if known == 0 {
        0.0
    } else {
        portable as f64 / known as f64
    };
    Claim {
        id: "supply",
        claim: "Headphone amplifiers run from about 5 V (USB or a battery); speaker amplifiers from the mains.",
        verdict: if known == 0 {
            "not-checkable"
        } else {
            range_verdict(share)
        },
        evidence: format!(
            "of dedicated headphone outputs with a known supply, {portable} run from a bus or a battery and {mains} from the mains ({} portable)",
            pct(share)
        ),
        rule: RANGE_RULE,
    }
}

fn drive_claims(f: &Facts) -> Vec<Claim> {
    let (n1, good1, unsafe1) = drive_share(f, SPEAKER_CLASSES, "headphone");
    let (n2, good2, _) = drive_share(f, DEDICATED, "speaker");
    vec![
        Claim {
            id: "speaker-amp-drives-headphones",
            claim: "A speaker amplifier can power headphones, though loud music can break them.",
            verdict: if n1 == 0 { "not-checkable" } else { "partly" },
            evidence: format!(
                "speaker outputs × headphones ({n1} pairs): {} good, {} unsafe (full output too loud or past the headphone's rating) — loud enough, but it needs an adapter (`ampmatch adapter`)",
                pct(good1),
                pct(unsafe1)
            ),
            rule: "the drive matrix: good share and unsafe share of the class pair",
        },
        Claim {
            id: "headphone-amp-cannot-drive-speakers",
            claim: "A headphone amplifier cannot power speakers.",
            verdict: if n2 == 0 {
                "not-checkable"
            } else if good2 == 0.0 {
                "borne-out"
            } else {
                "partly"
            },
            evidence: format!(
                "dedicated headphone outputs × loudspeakers at the music preset ({n2} pairs): {} good",
                pct(good2)
            ),
            rule: "the drive matrix: no good pair → borne out, some → partly",
        },
        Claim {
            id: "not-interchangeable",
            claim: "The two cannot replace each other.",
            verdict: if n1 == 0 || n2 == 0 {
                "not-checkable"
            } else {
                "partly"
            },
            evidence: format!(
                "one way a speaker amplifier reaches headphone levels ({} good, most need an adapter for level and hiss); the other way {} of headphone outputs drive loudspeakers well",
                pct(good1),
                pct(good2)
            ),
            rule: "the drive matrix, both ways",
        },
    ]
}

fn physics_claims() -> Vec<Claim> {
    vec![
        Claim {
            id: "ohms-law",
            claim: "A higher voltage needs a higher current and so a lower impedance.",
            verdict: "myth",
            evidence: "Ohm's law runs the other way: a load's impedance sets the current for a voltage (I = V/Z); a lower impedance draws more current and power from the same voltage (P = V²/Z), which is why speaker amplifiers deliver more current, not why they make more voltage".into(),
            rule: "physics: I = V/Z, P = V²/Z",
        },
        Claim {
            id: "efficiency",
            claim: "Headphone amplifiers are more power-efficient because of their higher impedance.",
            verdict: "myth",
            evidence: "efficiency depends on the output stage's class and how far below full power it plays (class AB: (π/4)·√(P/Pmax), class D ≈ 88 %), not on the load's impedance".into(),
            rule: "physics: the class-aware draw model",
        },
        Claim {
            id: "eighth-rule",
            claim: "The output impedance must be at most 1/8 of the load's impedance, or the response is distorted.",
            verdict: "partly",
            evidence: "with Zout ≤ Zmin/8 the deviation stays within 20·log10(1 + 1/8) = 1.02 dB whatever the load's impedance swing — a safe rule; but it is sufficient, not necessary: a load with a flat impedance (planar) shows no deviation behind any output impedance (see each check's `response`)".into(),
            rule: "physics: the divider Z/(Z + Zout)",
        },
        Claim {
            id: "sizing-2x",
            claim: "Choose a speaker amplifier with twice the speaker's continuous rating (400 W @ 7 Ω → 800 W).",
            verdict: "partly",
            evidence: "one of several published rules that disagree (80–250 %, match RMS, Crown 2–4× with a limiter, the crest-factor method); `check` on a rated loudspeaker shows them side by side with what each protects against".into(),
            rule: "the sizing rules side by side",
        },
        Claim {
            id: "size",
            claim: "Speaker amplifiers are large; headphone amplifiers fit a pocket.",
            verdict: "not-checkable",
            evidence: "the catalog holds no dimensions".into(),
            rule: "not in the catalog",
        },
        Claim {
            id: "headphone-amp-improves-sound",
            claim: "A headphone amplifier improves sound quality.",
            verdict: "not-checkable",
            evidence: "sound quality is taste; what ampmatch can say is whether a source falls short (loudness, response, hiss) for a given headphone — run `check` with your source as the amplifier".into(),
            rule: "taste is not measured",
        },
        Claim {
            id: "driver-size",
            claim: "Bigger headphone drivers are clearer, louder and better.",
            verdict: "not-checkable",
            evidence: "the catalog holds no driver sizes; loudness follows sensitivity and drive, which `check` computes".into(),
            rule: "not in the catalog",
        },
    ]
}

/// The product claims: a named device's figures against what the article says.
fn device_claims(f: &Facts) -> Vec<Claim> {
    let power_of = |id: &str, z: f64| -> Option<f64> {
        f.outputs
            .iter()
            .filter(|o| {
                o.amp_id == id && o.output.kind == ampmatch_core::amplifier::OutputKind::Speaker
            })
            .find_map(|o| o.power_w(z))
    };
    let bt = (
        power_of("fosi-audio-bt20a", 4.0),
        power_of("fosi-audio-bt20a", 8.0),
    );
    let echo = power_of("amazon-echo-link-amp", 8.0);
    vec![
        Claim {
            id: "bt20a",
            claim: "The Fosi Audio BT20A drives 4 Ω and 8 Ω speakers with ease.",
            verdict: match bt {
                (Some(a), Some(b)) if a >= 50.0 && b >= 50.0 => "borne-out",
                (Some(_), Some(_)) => "partly",
                _ => "not-checkable",
            },
            evidence: format!("into 4 Ω {}, into 8 Ω {} (from its catalog figures)", watts(bt.0), watts(bt.1)),
            rule: "≥ 50 W into both: borne out",
        },
        Claim {
            id: "echo-link-amp",
            claim: "The Amazon Echo Link Amp has 60 W × 2 with very little distortion.",
            verdict: match echo {
                Some(p) if (p / 60.0 - 1.0).abs() <= 0.15 => "partly",
                Some(_) => "myth",
                None => "not-checkable",
            },
            evidence: format!("into 8 Ω {} from its catalog figures; distortion is not in the catalog", watts(echo)),
            rule: "power within ±15 % of 60 W: the power part holds; distortion is not checkable",
        },
        Claim {
            id: "fostex-th900",
            claim: "(Named as a headphone one might choose an amplifier for.)",
            verdict: "not-checkable",
            evidence: "not a claim: run `ampmatch rank --load \"Fostex TH900\"` for the amplifiers that suit it".into(),
            rule: "not a claim",
        },
    ]
}

/// Every claim with its verdict.
pub fn judge(f: &Facts) -> Vec<Claim> {
    let mut v = vec![
        power_claim(f),
        impedance_claim(f),
        output_impedance_claim(f),
        supply_claim(f),
    ];
    v.extend(drive_claims(f));
    v.extend(physics_claims());
    v.extend(device_claims(f));
    v
}
