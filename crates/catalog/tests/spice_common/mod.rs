//! Shared by the ngspice test and the ngspice benchmark (examples/spice_bench.rs): the
//! catalog drivers both use, and the reader of ngspice's `wrdata` output.

use ampmatch_catalog::{Catalog, Device};
use ampmatch_core::impedance::ThieleSmall;
use num_complex::Complex64;

/// The first `n` catalog drivers with complete electrical Thiele-Small parameters, Le and
/// Vas (so every box can be built), not marked suspect, with their ids.
pub fn complete_drivers(n: usize) -> Vec<(String, ThieleSmall)> {
    let c = Catalog::builtin();
    let mut out = vec![];
    for e in c.entries().iter().filter(|e| {
        e.device_type == ampmatch_catalog::DeviceType::Driver && !e.text.contains("suspect =")
    }) {
        if let Ok(Device::Load(d)) = c.load(e)
            && let Some(ts) = d.load.thiele_small
            && ts.vas_l.is_some()
            && ts.driver.le_h > 0.0
        {
            out.push((e.id.to_string(), ts));
            if out.len() == n {
                break;
            }
        }
    }
    assert_eq!(out.len(), n, "not enough complete catalog drivers");
    out
}

/// Rows of `wrdata … real(zin) imag(zin) real(h) imag(h)`: (f, Z, H).
pub fn read_wrdata(text: &str) -> Vec<(f64, Complex64, Complex64)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l
                .split_whitespace()
                .map(|x| x.parse().expect("a number in ngspice's output"))
                .collect();
            (v[0], Complex64::new(v[1], v[2]), Complex64::new(v[3], v[4]))
        })
        .collect()
}
