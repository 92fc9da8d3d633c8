//! The equivalent circuit of an amplifier output driving a loudspeaker, as a SPICE netlist,
//! so any SPICE (ngspice, LTspice) can check the model or take it further.
//!
//! Nodes: `src` (ideal source, AC 1 V) → Rout → [Lf, shunt Cf] → Rcab → Vsense (0 V,
//! measures the load current; `vin` copies the voltage before it) → `load` → Re → Le →
//! `mot` with the motional branch
//! Res ∥ Cmes ∥ Lces to ground, plus the box: Lceb to ground (sealed) or
//! Rel–Lceb–Cep in series to ground (vented).

use std::fmt::Write as _;

use crate::chain::Chain;
use crate::impedance::{DriverResonance, Enclosure, box_inductance_h, port_branch};

/// An AC sweep: `points_per_decade` log-spaced points from `start_hz` to `stop_hz`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sweep {
    /// Points per decade.
    pub points_per_decade: u32,
    /// First frequency, Hz.
    pub start_hz: f64,
    /// Last frequency, Hz.
    pub stop_hz: f64,
}

/// The netlist's circuit lines (no analysis), for `chain` driving `driver` in `enclosure`.
pub fn circuit(
    title: &str,
    chain: &Chain,
    driver: &DriverResonance,
    enclosure: &Enclosure,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "* {title}");
    let _ = writeln!(s, "V1 src 0 DC 0 AC 1");
    // Zero-valued series elements are left out by joining their nodes: a tiny stand-in
    // resistor would make the circuit matrix ill-conditioned and cost digits.
    let mut node = "src".to_string();
    series(
        &mut s,
        &mut node,
        "Rout",
        chain.source.map_or(0.0, |o| o.nominal_ohm()),
        "n1",
    );
    if let Some(f) = chain.filter {
        series(&mut s, &mut node, "Lf", f.l_h, "n2");
        let _ = writeln!(s, "Cf {node} 0 {:e}", f.c_f);
    }
    series(&mut s, &mut node, "Rcab", chain.cable_ohm, "n3");
    // The sensing source's nodes: `vin` before it (what the amplifier side sees), `load` after.
    if node == "src" {
        // Nothing between source and load: V(vin) = V(src).
        let _ = writeln!(s, "Vsense src load DC 0");
        let _ = writeln!(s, "Ein vin 0 src 0 1");
    } else {
        let _ = writeln!(s, "Vsense {node} load DC 0");
        let _ = writeln!(s, "Ein vin 0 {node} 0 1");
    }
    let _ = writeln!(s, "Re load n5 {:e}", driver.re_ohm);
    let mot = if driver.le_h > 0.0 {
        let _ = writeln!(s, "Le n5 mot {:e}", driver.le_h);
        "mot"
    } else {
        "n5"
    };
    let _ = writeln!(s, "Res {mot} 0 {:e}", driver.res_ohm());
    let _ = writeln!(s, "Cmes {mot} 0 {:e}", driver.cmes_f());
    let _ = writeln!(s, "Lces {mot} 0 {:e}", driver.lces_h());
    match *enclosure {
        Enclosure::FreeAir => {}
        Enclosure::Sealed { alpha, .. } => {
            let _ = writeln!(s, "Lceb {mot} 0 {:e}", box_inductance_h(driver, alpha));
        }
        Enclosure::Vented {
            alpha, fb_hz, ql, ..
        } => {
            let (rel, lceb, cep) = port_branch(driver, alpha, fb_hz, ql);
            let _ = writeln!(s, "Rel {mot} p1 {rel:e}");
            let _ = writeln!(s, "Lceb p1 p2 {lceb:e}");
            let _ = writeln!(s, "Cep p2 0 {cep:e}");
        }
    }
    s
}

/// Adds a series element from `node` to `next` when its value is not zero.
fn series(s: &mut String, node: &mut String, name: &str, value: f64, next: &str) {
    if value > 0.0 {
        let _ = writeln!(s, "{name} {node} {next} {value:e}");
        *node = next.to_string();
    }
}

/// A complete ngspice deck: the circuit, an AC sweep repeated `repeats` times (for timing),
/// and `wrdata` of the load impedance Z = V(vin)/I(Vsense) and the transfer
/// H = V(load)/V(src) as real and imaginary parts to `out_file`.
pub fn ngspice_deck(circuit: &str, sweep: Sweep, out_file: &str, repeats: u32) -> String {
    let mut s = circuit.to_string();
    let _ = writeln!(s, ".control");
    let _ = writeln!(s, "set units=degrees");
    let _ = writeln!(s, "set wr_singlescale");
    let _ = writeln!(s, "set wr_vecnames");
    let _ = writeln!(s, "option numdgt=15");
    let ac = format!(
        "ac dec {} {:e} {:e}",
        sweep.points_per_decade, sweep.start_hz, sweep.stop_hz
    );
    if repeats > 1 {
        let _ = writeln!(s, "repeat {}", repeats - 1);
        let _ = writeln!(s, "  {ac}");
        let _ = writeln!(s, "  destroy");
        let _ = writeln!(s, "end");
    }
    let _ = writeln!(s, "{ac}");
    let _ = writeln!(s, "let zin = v(vin)/i(vsense)");
    let _ = writeln!(s, "let h = v(load)/v(src)");
    let _ = writeln!(s, "wrdata {out_file} real(zin) imag(zin) real(h) imag(h)");
    let _ = writeln!(s, "rusage");
    let _ = writeln!(s, "quit");
    let _ = writeln!(s, ".endc");
    let _ = writeln!(s, ".end");
    s
}
