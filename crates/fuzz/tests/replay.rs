//! Every stored corpus input (fuzz/corpus/TARGET) and every crash input ever found
//! (fuzz/regressions/TARGET) through its target, on stable, without cargo-fuzz. Audio
//! crash inputs abort the process they are decoded in, so they are replayed through the
//! CLI's decoder workers instead (crates/cli/tests/hardening).

use std::path::PathBuf;

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_corpus_and_crash_input_replays_cleanly() {
    let mut total = 0;
    for target in ampmatch_fuzz::TARGETS {
        let corpus = inputs("corpus", target);
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty");
        let mut all = corpus;
        if *target != "audio" {
            all.extend(inputs("regressions", target));
        }
        for p in &all {
            let data = std::fs::read(p).unwrap();
            let outcome = std::panic::catch_unwind(|| ampmatch_fuzz::run(target, &data));
            assert!(outcome.is_ok(), "{target}: {} fails", p.display());
        }
        total += all.len();
    }
    assert!(total > 0);
}
