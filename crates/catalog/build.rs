//! Embeds the catalog under `data/` into the binary and indexes it by id and name, so a
//! check parses only the two device files it uses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/slug.rs"]
mod slug;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let data = manifest
        .join("../../data")
        .canonicalize()
        .expect("data/ next to crates/");
    println!("cargo:rerun-if-changed={}", data.display());
    let mut files = vec![];
    walk(&data, &mut files);
    files.sort();
    let mut entries = String::from("pub static ENTRIES: &[Entry] = &[\n");
    let mut others = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    let mut ids = std::collections::BTreeMap::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "toml" => {
                let text = std::fs::read_to_string(f).unwrap();
                let table: toml::Table =
                    toml::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
                let get = |k: &str| table.get(k).and_then(|v| v.as_str()).map(str::to_string);
                let (Some(kind), Some(brand), Some(model)) =
                    (get("type"), get("brand"), get("model"))
                else {
                    panic!("{rel}: needs type, brand and model");
                };
                let variant = match kind.as_str() {
                    "amplifier" => "Amplifier",
                    "headphone" => "Headphone",
                    "speaker" => "Speaker",
                    "driver" => "Driver",
                    other => panic!("{rel}: unknown type {other:?}"),
                };
                let category = get("category").unwrap_or_default();
                let id = get("id").unwrap_or_else(|| slug::slug(&format!("{brand} {model}")));
                if let Some(prev) = ids.insert(id.clone(), rel.clone()) {
                    panic!("duplicate catalog id {id}: {prev} and {rel}");
                }
                writeln!(
                    entries,
                    "    Entry {{ id: {id:?}, brand: {brand:?}, model: {model:?}, device_type: DeviceType::{variant}, category: {category:?}, path: {rel:?}, text: include_str!({:?}) }},",
                    f.display()
                )
                .unwrap();
            }
            "zma" | "frd" | "txt" => {
                writeln!(others, "    ({rel:?}, include_str!({:?})),", f.display()).unwrap();
            }
            _ => {}
        }
    }
    entries.push_str("];\n");
    others.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("catalog_index.rs");
    std::fs::write(out, entries + &others).unwrap();
}
