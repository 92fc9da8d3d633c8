//! Output for people at a terminal (issue 15): lines wrapped to the width, tables whose
//! columns line up, and `--json` on every command that answers something.

use super::*;

fn with_columns(columns: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ampmatch"))
        .args(args)
        .current_dir(repo_root())
        .env("COLUMNS", columns)
        .output()
        .expect("run ampmatch");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn lines_fit_the_terminal() {
    for args in [
        &["check", "--amp", "bryston-4b", "--load", "kef-ls50-meta"][..],
        &["rank", "--load", "HD600", "--limit", "5"],
        &["explain"],
        &["catalog", "show", "kef-ls50-meta"],
        &["catalog", "show", "O2"],
        &["adapter", "--amp", "bryston-4b", "--load", "HD600"],
    ] {
        let text = with_columns("60", args);
        for line in text.lines() {
            // Only a single word longer than the width (a URL) may stay longer.
            let one_word = !line.trim().contains(' ');
            assert!(line.chars().count() <= 60 || one_word, "{args:?}: {line:?}");
        }
        // The same command, piped with no width set, is left unwrapped (grep-friendly):
        // the longest line is longer than 60 wherever wrapping happened.
        let piped = String::from_utf8(ampmatch(args).stdout).unwrap();
        if text.lines().count() > piped.lines().count() {
            assert!(piped.lines().any(|l| l.chars().count() > 60), "{args:?}");
        }
    }
}

/// Where each cell of a line starts: after a run of two or more spaces.
fn starts(line: &str) -> Vec<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = vec![0];
    for i in 2..chars.len() {
        if chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ' {
            out.push(i);
        }
    }
    out
}

#[test]
fn matrix_columns_line_up_and_split_to_the_width() {
    let args = [
        "matrix",
        "--amp",
        "O2",
        "--amp",
        "bryston-4b",
        "--load",
        "HD600",
        "--load",
        "kef-ls50-meta",
        "--load",
        "dt1990",
    ];
    // Wide: one block, every row's cells start where the header's do.
    let wide = with_columns("200", &args);
    let block: Vec<&str> = wide.lines().take(3).collect();
    assert_eq!(starts(block[0]).len(), 4, "{wide}");
    for row in &block[1..] {
        assert_eq!(starts(row), starts(block[0]), "{wide}");
    }
    // Narrow: the loads go to blocks of their own, each with the amplifiers' column.
    let narrow = with_columns("60", &args);
    assert!(narrow.matches("amp \\ load").count() >= 2, "{narrow}");
    assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
}

#[test]
fn every_command_that_answers_speaks_json() {
    let zma = repo_root().join("examples/multi-ba-iem.zma");
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "--amp", "O2", "--load", "HD600"],
        vec!["matrix", "--amp", "O2", "--load", "HD600"],
        vec!["rank", "--load", "HD600", "--limit", "3"],
        vec!["explain"],
        vec!["adapter", "--amp", "bryston-4b", "--load", "HD600"],
        vec![
            "measure",
            "zout",
            "--open-v",
            "2",
            "--loaded-v",
            "1.9",
            "--load-ohm",
            "32",
        ],
        vec!["measure", "max", "--loaded-v", "4", "--load-ohm", "32"],
        vec!["catalog", "search", "hd600"],
        vec!["catalog", "show", "HD600"],
        vec!["catalog", "validate", "examples/spec-sheet-amp.toml"],
        vec!["catalog", "import", zma.to_str().unwrap()],
        vec!["catalog", "new", "iem"],
    ];
    for mut args in cases {
        args.push("--json");
        let v = json(&args);
        assert!(v.is_object() || v.is_array(), "{args:?}");
    }
    // track --json is tested with real audio in track_command_reports_files_and_album;
    // serve, completions and man print no answer to put in JSON.
}
