//! `ampmatch measure`: multimeter readings into the figures a device file takes, with the
//! formula shown, so anyone with a resistor and a meter can fill a gap in the catalog.

use crate::out::outln;
use ampmatch_core::units::fmt_sig;
use anyhow::{Result, bail};
use serde_json::json;

use crate::args::MeasureCommand;

fn positive(flag: &str, v: f64, max: f64, unit: &str) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(v)
    } else {
        bail!("--{flag} {v}: allowed: a number above 0 and at most {max} {unit}")
    }
}

pub fn run(cmd: &MeasureCommand) -> Result<()> {
    match *cmd {
        MeasureCommand::Zout {
            open_v,
            loaded_v,
            load_ohm,
            json,
        } => {
            let open = positive("open-v", open_v, 1000.0, "V")?;
            let loaded = positive("loaded-v", loaded_v, 1000.0, "V")?;
            let r = positive("load-ohm", load_ohm, 1e6, "Ω")?;
            if loaded > open {
                bail!(
                    "--loaded-v {loaded} is above --open-v {open}: a load can only pull the voltage down; measure both at the same volume and signal"
                );
            }
            // The load and the output impedance divide the open-circuit voltage:
            // V_loaded = V_open·R/(R + Zout) → Zout = R·(V_open/V_loaded − 1).
            let zout = r * (open / loaded - 1.0);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "output_impedance_ohm": zout,
                        "formula": "Zout = R·(V_open/V_loaded − 1)",
                        "open_v": open, "loaded_v": loaded, "load_ohm": r,
                    }))?
                );
            } else {
                outln!(
                    "Zout = R·(V_open/V_loaded − 1) = {}·({}/{} − 1) = {} Ω",
                    fmt_sig(r),
                    fmt_sig(open),
                    fmt_sig(loaded),
                    fmt_sig(zout)
                );
                outln!(
                    "\nIn the device file, on the output:\noutput_impedance_ohm = {}",
                    fmt_sig(zout)
                );
                if zout < 0.01 * r {
                    outln!(
                        "\n(the drop is under 1 % of the reading: repeat with a lower load resistor for a precise figure)"
                    );
                }
            }
        }
        MeasureCommand::Max {
            loaded_v,
            load_ohm,
            json,
        } => {
            let v = positive("loaded-v", loaded_v, 1000.0, "V")?;
            let r = positive("load-ohm", load_ohm, 1e6, "Ω")?;
            let p = v * v / r;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "load_ohm": r, "voltage_vrms": v, "power_w": p,
                        "formula": "P = V²/R",
                    }))?
                );
            } else {
                outln!(
                    "P = V²/R = {}²/{} = {} W",
                    fmt_sig(v),
                    fmt_sig(r),
                    fmt_sig(p)
                );
                outln!(
                    "\nIn the device file, on the output (with confidence = \"user\": your measurement):\npower = [{{ load_ohm = {}, voltage_vrms = {} }}]",
                    fmt_sig(r),
                    fmt_sig(v)
                );
            }
        }
    }
    Ok(())
}
