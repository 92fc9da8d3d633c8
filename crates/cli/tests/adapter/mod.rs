//! The resistor adapter (issue 14): a design for a catalog pair, checked through.

use super::{ampmatch, close, json, num};

#[test]
fn adapter_design_and_check_through_it() {
    // The NAD C 399 into an HD600: the design lands at or under 120 dB at full output,
    // and checking the designed resistors reaches the same full-output level at the ear.
    let v = json(&["adapter", "--amp", "nad-c-399", "--load", "hd600", "--json"]);
    assert_eq!(v["feasible"], true);
    assert!(num(&v, "max_spl_db") <= 120.0);
    let arg = format!("{},{}", num(&v, "series_ohm"), num(&v, "shunt_ohm"));
    let r = json(&[
        "check",
        "--amp",
        "nad-c-399",
        "--load",
        "hd600",
        "--adapter",
        &arg,
        "--json",
    ]);
    assert_eq!(r["checks"]["hearing"]["status"], "ok");
    close(
        num(&r, "output_impedance_ohm"),
        num(&v, "source_impedance_ohm"),
        1e-6,
        "source impedance",
    );
    // Bad input: a clear error.
    let out = ampmatch(&[
        "check",
        "--amp",
        "nad-c-399",
        "--load",
        "hd600",
        "--adapter",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SERIES,SHUNT"));
}
