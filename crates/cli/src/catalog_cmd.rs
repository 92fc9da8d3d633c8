//! `ampmatch catalog search|show|validate`.

use crate::out::outln;
use std::path::Path;

use ampmatch_catalog::formats::{self, Format};
use ampmatch_catalog::{Catalog, Device, DeviceKind, DeviceType, read_device_file};
use ampmatch_core::units::{fmt_opt, fmt_sig};
use anyhow::{Context as _, Result, bail};
use serde_json::json;

use crate::args::CatalogCommand;
use crate::write::write_atomic;

/// Resolves a name on either side: an exact or unique match among amplifiers or loads.
fn resolve_any(catalog: &Catalog, name: &str) -> Result<Device> {
    let amp = catalog.resolve(name, DeviceKind::Amplifier);
    let load = catalog.resolve(name, DeviceKind::Load);
    match (amp, load) {
        (Ok(a), Err(_)) => Ok(a),
        (Err(_), Ok(l)) => Ok(l),
        (Ok(a), Ok(l)) => {
            // Both sides matched fuzzily: an exact id or name wins, else it is ambiguous.
            let exact = |d: &Device| {
                d.meta().id.eq_ignore_ascii_case(name) || d.meta().name().eq_ignore_ascii_case(name)
            };
            match (exact(&a), exact(&l)) {
                (true, false) => Ok(a),
                (false, true) => Ok(l),
                _ => bail!(
                    "{name:?} matches the amplifier {} ({}) and the load {} ({}); give the id",
                    a.meta().name(),
                    a.meta().id,
                    l.meta().name(),
                    l.meta().id
                ),
            }
        }
        (Err(e), Err(_)) => Err(e.into()),
    }
}

pub fn run(cmd: &CatalogCommand) -> Result<()> {
    let catalog = Catalog::builtin();
    match cmd {
        CatalogCommand::Search {
            text,
            kind,
            limit,
            json,
        } => {
            let hits: Vec<_> = match kind.as_deref() {
                Some("load") => catalog
                    .search_grouped(text, None)
                    .into_iter()
                    .filter(|h| h.entry.side() == DeviceKind::Load)
                    .collect(),
                Some(t) => catalog.search_grouped(text, DeviceType::parse(t)),
                None => catalog.search_grouped(text, None),
            };
            if *json {
                let rows: Vec<_> = hits.iter().take(*limit).map(|h| json!({"id": h.entry.id, "name": h.entry.name(), "type": h.entry.device_type, "score": h.score})).collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if hits.is_empty() {
                let mut sugg = catalog.suggest(text, DeviceKind::Amplifier);
                sugg.extend(catalog.suggest(text, DeviceKind::Load));
                outln!(
                    "no match for {text:?}{}",
                    if sugg.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean: {}?", sugg.join(", "))
                    }
                );
            } else {
                for h in hits.iter().take(*limit) {
                    outln!(
                        "{:<44} {:<10} {}",
                        h.entry.id,
                        h.entry.device_type.as_str(),
                        h.entry.name()
                    );
                }
            }
            Ok(())
        }
        CatalogCommand::Show { name, json } => {
            let device = resolve_any(&catalog, name)?;
            show(&device, *json)
        }
        CatalogCommand::Import {
            file,
            out,
            kind,
            json,
        } => import(file, out.as_deref(), kind.as_deref(), *json),
        CatalogCommand::New { kind, out, json } => {
            let t = match kind.as_str() {
                "amp" | "amplifier" => DeviceType::Amplifier,
                "speaker" => DeviceType::Speaker,
                _ => DeviceType::Headphone,
            };
            let text = ampmatch_catalog::template(t).expect("a template for every kind offered");
            if let Some(p) = out {
                write_atomic(p, text.as_bytes())?;
            }
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "type": t,
                        "out": out.as_ref().map(|p| p.display().to_string()),
                        "text": out.is_none().then_some(text),
                    }))?
                );
                return Ok(());
            }
            match out {
                Some(p) => {
                    eprintln!(
                        "wrote {} (check it with: ampmatch catalog validate {})",
                        p.display(),
                        p.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        CatalogCommand::Validate { files, json } => validate(&catalog, files, *json),
    }
}

/// Checks every file (or the built-in catalog), reporting each error; exit 2 when any
/// file is invalid.
fn validate(catalog: &Catalog, files: &[std::path::PathBuf], as_json: bool) -> Result<()> {
    let results: Vec<(String, Option<String>)> = if files.is_empty() {
        catalog
            .entries()
            .iter()
            .map(|e| {
                (
                    e.path.to_string(),
                    catalog.load(e).err().map(|x| x.to_string()),
                )
            })
            .collect()
    } else {
        files
            .iter()
            .map(|f| {
                (
                    f.display().to_string(),
                    read_device_file(f).err().map(|x| x.to_string()),
                )
            })
            .collect()
    };
    let invalid: Vec<&(String, Option<String>)> =
        results.iter().filter(|(_, e)| e.is_some()).collect();
    if as_json {
        let rows: Vec<_> = results
            .iter()
            .map(|(f, e)| json!({"file": f, "error": e}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"valid": results.len() - invalid.len(), "invalid": invalid.len(), "files": rows})
            )?
        );
    } else {
        for (_, e) in &invalid {
            eprintln!("error: {}", e.as_deref().unwrap_or(""));
        }
        outln!(
            "{} device file(s) valid, {} invalid",
            results.len() - invalid.len(),
            invalid.len()
        );
    }
    if !invalid.is_empty() {
        std::process::exit(2);
    }
    Ok(())
}

fn import(file: &Path, out: Option<&Path>, kind: Option<&str>, as_json: bool) -> Result<()> {
    let label = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {label}"))?;
    let as_format = kind.map(|k| match k {
        "response" => Format::Response,
        _ => Format::Impedance,
    });
    let format = formats::import_format(file, out, as_format).context("--out")?;
    let imported = formats::import(&text, &label, format)?;
    if let Some(p) = out {
        write_atomic(p, imported.text.as_bytes())?;
    }
    if as_json {
        let format = imported
            .format
            .info()
            .extensions
            .first()
            .copied()
            .unwrap_or("");
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "file": label,
                "format": format,
                "out": out.map(|p| p.display().to_string()),
                "text": out.is_none().then_some(&imported.text),
            }))?
        );
    } else if let Some(p) = out {
        eprintln!("wrote {}", p.display());
    } else {
        print!("{}", imported.text);
    }
    Ok(())
}

fn show(device: &Device, as_json: bool) -> Result<()> {
    let meta = device.meta();
    match device {
        Device::Amplifier(a) => {
            if as_json {
                let outputs: Vec<_> = a
                    .amplifier
                    .outputs
                    .iter()
                    .zip(a.amplifier.resolved_outputs())
                    .map(|(o, resolved)| json!({"output": o, "fit": resolved.fit()}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"id": meta.id, "name": meta.name(), "type": device.device_type(), "category": a.category, "class": a.class, "source": meta.source, "outputs": outputs})
                    )?
                );
                return Ok(());
            }
            outln!(
                "{} ({})  amplifier{}{}",
                meta.name(),
                meta.id,
                a.category
                    .as_deref()
                    .map_or(String::new(), |c| format!(", {c}")),
                a.class
                    .as_deref()
                    .map_or(String::new(), |c| format!(", class {c}"))
            );
            for o in &a.amplifier.outputs {
                let resolved = a.amplifier.select_output(Some(&o.name), false)?;
                let fit = resolved.fit();
                outln!("\n  output \"{}\" ({})", o.name, word(&o.kind));
                outln!(
                    "    open-circuit voltage {}, current limit {}, output impedance {}, gain {}, noise {}",
                    fmt_opt(fit.open_circuit_voltage_vrms, "V"),
                    fmt_opt(fit.current_limit_a.map(|i| i * 1000.0), "mA"),
                    fmt_opt(resolved.output_impedance_ohm(), "Ω"),
                    fmt_opt(resolved.gain_db, "dB"),
                    fmt_opt(resolved.noise.map(|n| n.noise_uv), "µV")
                );
                for p in &fit.points {
                    outln!(
                        "    {} V {}{} ({}) {}",
                        fmt_sig(p.given_voltage_vrms),
                        p.load_ohm
                            .map_or("open circuit".into(), |z| format!("into {} Ω", fmt_sig(z))),
                        if p.used {
                            String::new()
                        } else {
                            format!(" (outvoted by {} V)", fmt_sig(p.predicted_voltage_vrms))
                        },
                        word(&p.confidence),
                        p.source
                    );
                }
                for n in &resolved.notes {
                    outln!("    {n}");
                }
            }
        }
        Device::Load(l) => {
            if as_json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"id": meta.id, "name": meta.name(), "type": device.device_type(), "driver": l.driver, "source": meta.source, "load": l.load})
                    )?
                );
                return Ok(());
            }
            let ld = &l.load;
            outln!("{} ({})  load", meta.name(), meta.id);
            outln!("  kind               {}", kind_words(&ld.kind));
            outln!(
                "  impedance          {}",
                fmt_opt(ld.nominal_impedance_ohm, "Ω")
            );
            outln!(
                "  sensitivity        {}",
                ld.sensitivity.map_or("unknown".into(), |s| format!(
                    "{} {}",
                    fmt_sig(s.value_db),
                    s.unit
                ))
            );
            if let Some(m) = &ld.impedance {
                outln!("  impedance curve    {}", m.describe());
            }
            if let Some(ts) = &ld.thiele_small {
                let d = &ts.driver;
                outln!(
                    "  Thiele-Small       Re {} Ω, Le {} mH, fs {} Hz, Qms {}, Qes {}, Qts {:.3}, Vas {}, Xmax {}",
                    fmt_sig(d.re_ohm),
                    fmt_sig(d.le_h * 1000.0),
                    fmt_sig(d.fs_hz),
                    fmt_sig(d.qms),
                    fmt_sig(d.qes),
                    d.qts(),
                    fmt_opt(ts.vas_l, "L"),
                    fmt_opt(ts.xmax_mm, "mm")
                );
            }
            if let Some(p) = ld.power_handling {
                outln!(
                    "  power handling     continuous {}, program {}, peak {}",
                    fmt_opt(p.continuous_w, "W"),
                    fmt_opt(p.program_w, "W"),
                    fmt_opt(p.peak_w, "W")
                );
            }
            if let Some(m) = ld.min_impedance_ohm {
                outln!("  minimum impedance  {} Ω", fmt_sig(m));
            }
            if let Some(spl) = ld.spl_max_db {
                outln!("  maximum SPL        {} dB at 1 m (maker)", fmt_sig(spl));
            }
            if let Some(p) = ld.max_input_power_w {
                outln!("  max input power    {} mW", fmt_sig(p * 1000.0));
            }
            outln!("  confidence         {}", word(&ld.confidence));
            for n in &ld.notes {
                outln!("  {n}");
            }
        }
    }
    if let Some(s) = &meta.source {
        outln!("\n  source: {s}");
    }
    outln!("  file: {}", meta.path);
    Ok(())
}

/// An enum's word as the device files spell it ("single-ended", "high").
fn word<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".into(),
    }
}

/// A load's kind in words.
fn kind_words(k: &ampmatch_core::load::LoadKind) -> &'static str {
    use ampmatch_core::load::{HeadphoneForm, LoadKind};
    match k {
        LoadKind::Headphone {
            form: HeadphoneForm::OverEar,
        } => "over-ear headphone",
        LoadKind::Headphone {
            form: HeadphoneForm::OnEar,
        } => "on-ear headphone",
        LoadKind::Headphone {
            form: HeadphoneForm::InEar,
        } => "in-ear monitor",
        LoadKind::Loudspeaker { finished: true } => "loudspeaker",
        LoadKind::Loudspeaker { finished: false } => "loudspeaker driver",
    }
}
