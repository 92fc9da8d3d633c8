//! The README's reference tables, generated from the code they describe — the rules a
//! finding can name and the setup fields — so the documentation cannot drift (a test
//! compares the README with these).

use ampmatch_core::analysis::Rule;

use crate::setup::FIELDS;

/// The rules, one table row each: id, the step that makes it, what it says.
pub fn rules_markdown() -> String {
    let mut s = String::from("| rule | step | what it says |\n| --- | --- | --- |\n");
    for r in Rule::ALL {
        let summary = r.summary().replace('|', "\\|");
        s.push_str(&format!("| `{}` | {} | {summary} |\n", r.id(), r.step()));
    }
    s
}

fn number(x: f64) -> String {
    if x.abs() >= 1e5 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The setup fields, one table row each: CLI flag, API path, page key, range, meaning.
pub fn setup_markdown() -> String {
    let mut s = String::from(
        "| CLI flag | API field | page key | allowed | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for f in FIELDS {
        let low = if f.min_exclusive { "above " } else { "" };
        let range = format!(
            "{low}{} to {}{}{}",
            number(f.min),
            number(f.max),
            if f.unit.is_empty() { "" } else { " " },
            f.unit
        );
        let range = if f.whole {
            format!("{range} (whole)")
        } else {
            range
        };
        s.push_str(&format!(
            "| `--{}` | {} | {} | {range} | {} |\n",
            f.flag,
            f.api.map_or("—".to_string(), |a| format!("`{a}`")),
            f.query.map_or("—".to_string(), |q| format!("`{q}`")),
            f.doc
        ));
    }
    s
}
