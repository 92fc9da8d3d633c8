//! Colour for the text report on terminals: the verdict and each check's status, one style
//! each. Written through anstream, which drops the styling when stdout is not a terminal,
//! NO_COLOR is set, or `--color never` was given (and keeps it with `--color always`).

use anstyle::{AnsiColor, Style};

fn style_of(word: &str) -> Option<Style> {
    let c = |a: AnsiColor| Some(Style::new().fg_color(Some(a.into())).bold());
    match word {
        "GOOD" | "ok" => c(AnsiColor::Green),
        "MARGINAL" | "caution" => c(AnsiColor::Yellow),
        "INSUFFICIENT" | "problem" => c(AnsiColor::Red),
        "UNSAFE" => c(AnsiColor::Magenta),
        "INCOMPATIBLE" => c(AnsiColor::BrightRed),
        "UNKNOWN" | "unknown" => c(AnsiColor::BrightBlack),
        _ => None,
    }
}

fn paint(word: &str, style: Style) -> String {
    format!("{}{word}{}", style.render(), style.render_reset())
}

/// The report with its verdict word (the first word) and the status column of the
/// checks (the second word of each line under "Checks") styled.
pub fn report(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut in_checks = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == 0 {
            let word = line.split_whitespace().next().unwrap_or("");
            if let Some(s) = style_of(word) {
                out += &paint(word, s);
                out += &line[word.len()..];
                continue;
            }
        }
        if line.starts_with("Checks") {
            in_checks = true;
        } else if !line.starts_with("  ") {
            in_checks = false;
        }
        if in_checks && line.starts_with("  ") {
            // "  loudness    ok       message": style the second word in place.
            let mut words = line.split_whitespace();
            let (_, status) = (words.next(), words.next());
            if let Some((status, s)) = status.and_then(|w| style_of(w).map(|s| (w, s)))
                && let Some(at) = line.find(&format!(" {status} "))
            {
                out += &line[..=at];
                out += &paint(status, s);
                out += &line[at + 1 + status.len()..];
                continue;
            }
        }
        out += line;
    }
    out
}
