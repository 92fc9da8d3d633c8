//! Connection step: can this output be plugged into this load? A bridged (BTL) speaker
//! output drives both terminals, so a headphone plug that joins the channels' returns (every
//! ordinary 3-pole plug) would short the amplifier's driven halves together.

use super::checks::{Check, Status};
use super::{Findings, Rule};
use crate::amplifier::{AmpClass, OutputKind};
use crate::load::Plug;

use super::pair::Pair;

pub(super) fn check(p: &Pair, f: &mut Findings) -> Check {
    let out = p.output;
    let msg = |status, rule, text: &str| Check::new(status, rule, text.to_string(), None, "");
    let check = match (p.speaker, out.kind) {
        (true, OutputKind::Speaker) => msg(
            Status::Ok,
            Rule::Connection,
            "speaker terminals to a loudspeaker: connects with speaker wire",
        ),
        (true, OutputKind::SingleEnded | OutputKind::Balanced) => msg(
            Status::Caution,
            Rule::HeadphoneOutputToSpeaker,
            "a headphone output into loudspeaker terminals needs an adapter cable (jack to bare wire), and a headphone output is rarely built for a loudspeaker's current",
        ),
        (true, OutputKind::Unspecified) => msg(
            Status::Ok,
            Rule::Connection,
            "the output's kind is not stated; a loudspeaker connects with speaker wire",
        ),
        (false, OutputKind::Speaker) => match (out.bridged, p.load.plug) {
            (Some(true), Plug::ThreePole) => msg(
                Status::Problem,
                Rule::BridgedOutputSharedGround,
                "this speaker output is bridged (BTL, both terminals driven) and an ordinary 3-pole headphone plug joins the two channels' returns, so any adapter would short the amplifier's driven halves together",
            ),
            (Some(true), Plug::Balanced) => msg(
                Status::Caution,
                Rule::SpeakerOutputAdapter,
                "a bridged speaker output into a balanced headphone needs an adapter that keeps each channel's two wires apart (4-wire, no shared ground)",
            ),
            (None, _) if out.class == Some(AmpClass::D) => msg(
                Status::Caution,
                Rule::MaybeBridged,
                "class-D speaker outputs are usually bridged (BTL): check before connecting headphones, as a 3-pole plug would short a bridged output",
            ),
            _ => msg(
                Status::Caution,
                Rule::SpeakerOutputAdapter,
                "speaker terminals into a headphone need an adapter (speaker wire to a headphone socket), best with series and shunt resistors to bring the level and hiss down",
            ),
        },
        (false, OutputKind::Balanced) => match p.load.plug {
            Plug::Balanced => msg(
                Status::Ok,
                Rule::Connection,
                "a balanced output into a balanced headphone cable",
            ),
            Plug::ThreePole => msg(
                Status::Caution,
                Rule::BalancedCable,
                "a balanced output needs a 4-wire balanced cable; a shared-ground (3-pole) cable cannot be used",
            ),
        },
        (false, OutputKind::SingleEnded | OutputKind::Unspecified) => msg(
            Status::Ok,
            Rule::Connection,
            "a headphone output into a headphone: plugs straight in",
        ),
    };
    if check.status != Status::Ok {
        f.0.push(check.finding());
    }
    check
}
