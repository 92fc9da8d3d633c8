//! Supply step: power drawn from the supply per channel, by output stage class.

use super::{Max, PowerDraw, Required};
use crate::amplifier::AmpClass;

use super::pair::Pair;

/// Efficiency of an output stage at `p_w` out of `p_max_w` (physics.md, "Efficiency"):
/// class D ≈ 88 % (85–95 % at high power); class B/AB (π/4)·√(P/Pmax), the sine's peak over
/// the rail; class A push-pull draws 2·Pmax whatever it delivers. Quiescent losses of B/AB
/// and D are not known and left out.
pub fn supply_power_w(class: AmpClass, p_w: f64, p_max_w: f64) -> Option<f64> {
    match class {
        AmpClass::D => Some(p_w / 0.88),
        AmpClass::AB => Some(4.0 / std::f64::consts::PI * (p_w * p_max_w).sqrt()),
        AmpClass::A => Some(2.0 * p_max_w),
        AmpClass::Tube => None,
    }
}

pub(super) fn draw(p: &Pair, max: &Max, required: &Required) -> Option<PowerDraw> {
    let class = p.output.class?;
    let p_max = max.power_w?;
    let at_max = supply_power_w(class, p_max, p_max);
    let at_target = required
        .power_w
        .filter(|w| *w <= p_max)
        .and_then(|w| supply_power_w(class, w, p_max));
    at_max.map(|_| PowerDraw {
        class,
        at_target_w: at_target,
        at_max_w: at_max,
    })
}
