//! Human output fitted to the terminal: long lines wrap at word boundaries with a hanging
//! indent (under the value column of "label   value" lines), tables keep their columns
//! aligned and split into blocks that fit. Piped output is left unwrapped (one item per
//! line for grep) unless COLUMNS says otherwise. JSON never comes through here.

use std::io::IsTerminal;

/// The width to fit: `COLUMNS` when set (≥ 20), else the terminal's, else none.
pub fn width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c >= 20)
    {
        return Some(c);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
}

/// Prints `text` (one or more lines) wrapped to [`width`], through anstream (colour kept
/// only where it may be).
pub fn print(text: &str) {
    match width() {
        Some(w) => anstream::print!("{}", wrap(text, w)),
        None => anstream::print!("{text}"),
    }
}

/// One line, then a newline.
pub fn line(text: &str) {
    print(&format!("{text}\n"));
}

/// `println!` for human output: the line is wrapped to the terminal.
macro_rules! outln {
    () => { $crate::out::line("") };
    ($($arg:tt)*) => { $crate::out::line(&format!($($arg)*)) };
}
pub(crate) use outln;

/// Characters a terminal shows: ANSI escape sequences (colour) take no room.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut escape = false;
    for c in s.chars() {
        match (escape, c) {
            (false, '\x1b') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Where continuation lines start: under the value of a "label   value" line (two or more
/// spaces after the label), else 4 past the line's own indent; never past half the width.
fn hanging_indent(line: &str, width: usize) -> usize {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let column = rest
        .find("  ")
        .and_then(|gap| {
            let after = &rest[gap..];
            let spaces = after.len() - after.trim_start().len();
            (!after.trim().is_empty()).then(|| indent + visible_len(&rest[..gap]) + spaces)
        })
        .unwrap_or(indent + 4);
    if column <= width / 2 {
        column
    } else {
        (indent + 4).min(width / 2)
    }
}

/// Wraps every line of `text` longer than `width` at spaces, continuation lines indented
/// by [`hanging_indent`]. A word longer than the room is left whole.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if visible_len(body) <= width {
            out.push_str(line);
            continue;
        }
        let hang = hanging_indent(body, width);
        let indent = body.len() - body.trim_start().len();
        let mut current = body[..indent].to_string();
        let mut used = indent;
        let mut first_word = true;
        for word in body[indent..].split(' ') {
            let w = visible_len(word);
            if !first_word && used + 1 + w > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = " ".repeat(hang);
                used = hang;
                first_word = true;
            }
            if !first_word {
                current.push(' ');
                used += 1;
            }
            current.push_str(word);
            used += w;
            first_word = false;
        }
        out.push_str(current.trim_end());
        out.push_str(newline);
    }
    out
}

/// A table: a header row and rows of cells; `right[i]` right-aligns column i (numbers).
/// The first column labels the rows and is repeated in every block.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right: Vec<bool>,
}

impl Table {
    /// The table aligned, its columns split into blocks no wider than `width` (all in one
    /// block when `None`); a cell wider than the room is cut with "…".
    pub fn render(&self, width: Option<usize>) -> String {
        let cols = self.header.len();
        let mut widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| visible_len(s)))
                    .chain([visible_len(&self.header[c])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let gap = 2;
        if let Some(w) = width {
            // The label column may take at most half; each other column at most the rest.
            widths[0] = widths[0].min(w / 2);
            let room = w.saturating_sub(widths[0] + gap).max(8);
            for x in widths.iter_mut().skip(1) {
                *x = (*x).min(room);
            }
        }
        // Blocks of columns that fit.
        let mut blocks: Vec<Vec<usize>> = vec![];
        let mut used = widths[0];
        for c in 1..cols {
            let fits = width.is_none_or(|w| used + gap + widths[c] <= w);
            match blocks.last_mut() {
                Some(b) if fits => b.push(c),
                _ => {
                    blocks.push(vec![c]);
                    used = widths[0];
                }
            }
            used += gap + widths[c];
        }
        if blocks.is_empty() {
            blocks.push(vec![]);
        }
        let cell = |s: &str, c: usize| {
            let s = cut(s, widths[c]);
            let pad = " ".repeat(widths[c] - visible_len(&s));
            if self.right.get(c).copied().unwrap_or(false) {
                format!("{pad}{s}")
            } else {
                format!("{s}{pad}")
            }
        };
        let mut out = String::new();
        for (i, block) in blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for row in std::iter::once(&self.header).chain(&self.rows) {
                let mut line = cell(&row[0], 0);
                for &c in block {
                    line.push_str(&" ".repeat(gap));
                    line.push_str(&cell(row.get(c).map_or("", |s| s.as_str()), c));
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

/// `s` cut to `n` visible characters with "…" (plain text only: table cells carry no colour).
fn cut(s: &str, n: usize) -> String {
    if visible_len(s) <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_under_the_value_column() {
        // "  sensitivity        " is 21 characters: continuation lines start there.
        let text = "  sensitivity        97.00 dB/V from the maker and 103.7 dB/V measured\n";
        let got = wrap(text, 50);
        assert_eq!(
            got,
            "  sensitivity        97.00 dB/V from the maker and\n                     103.7 dB/V measured\n"
        );
        assert!(got.lines().all(|l| l.chars().count() <= 50));
    }

    #[test]
    fn colour_takes_no_room_and_short_lines_stay() {
        let red = "\x1b[31mUNSAFE\x1b[0m";
        assert_eq!(visible_len(red), 6);
        assert_eq!(wrap(&format!("{red} ok\n"), 10), format!("{red} ok\n"));
    }

    #[test]
    fn tables_align_and_split_into_blocks() {
        let t = Table {
            header: vec!["amp".into(), "load one".into(), "load two".into()],
            rows: vec![
                vec!["a".into(), "good +4.2 dB".into(), "unsafe +20.0 dB".into()],
                vec!["bb".into(), "insufficient -27.7 dB".into(), "good".into()],
            ],
            right: vec![false, false, false],
        };
        // Widths 3, 21, 15: one block is 3 + 2 + 21 + 2 + 15 = 43 wide.
        let one = t.render(Some(43));
        assert_eq!(
            one,
            "amp  load one               load two\n\
             a    good +4.2 dB           unsafe +20.0 dB\n\
             bb   insufficient -27.7 dB  good\n"
        );
        // At 30 columns the second load goes to a second block, the labels repeated.
        let two = t.render(Some(30));
        assert_eq!(two.matches("amp").count(), 2);
        assert!(two.lines().all(|l| l.chars().count() <= 30), "{two}");
    }
}
