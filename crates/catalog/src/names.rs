//! When a typed name may be taken to mean a catalog device: the rule that keeps a fuzzy
//! search from guessing wrong.
//!
//! A fuzzy hit is only taken when the query, letters and digits only, is found in the
//! device's name (or id) starting and ending at word boundaries — "HD600" in "Sennheiser
//! HD600", "fiio k5pro" in "FiiO K5 Pro", but not "ATH-M50x" inside "ATH-M50xBT2", a
//! different model — or when every word of the query, split at letter/digit changes, is a
//! word of the name or a likely typo of one (Jaro–Winkler ≥ 0.9 for words of 4+ letters:
//! "senheiser hd 600"). Anything less is a "did you mean", never a silent pick.

/// Words of `s`: lower-case runs of letters and digits.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words further split where letters meet digits ("hd600" → "hd", "600").
fn tokens(s: &str) -> Vec<String> {
    let mut out = vec![];
    for w in words(s) {
        let mut cur = String::new();
        let mut digit = None;
        for c in w.chars() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|p| p != d) {
                out.push(std::mem::take(&mut cur));
            }
            digit = Some(d);
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// The query, squashed, occurs in `text` from a word start to a word end.
fn at_word_boundaries(query: &str, text: &str) -> bool {
    let q: String = words(query).concat();
    if q.is_empty() {
        return false;
    }
    let ws = words(text);
    let joined: String = ws.concat();
    let mut starts = vec![];
    let mut ends = vec![];
    let mut pos = 0;
    for w in &ws {
        starts.push(pos);
        pos += w.len();
        ends.push(pos);
    }
    joined
        .match_indices(&q)
        .any(|(i, _)| starts.contains(&i) && ends.contains(&(i + q.len())))
}

/// Every query token is a token of `text`, or (4+ letters) a likely typo of one.
fn every_token_matches(query: &str, text: &str) -> bool {
    let have = tokens(text);
    let want = tokens(query);
    !want.is_empty()
        && want.iter().all(|w| {
            have.iter().any(|h| {
                h == w
                    || w.chars().count() >= 4
                        && h.chars().count() >= 4
                        && strsim::jaro_winkler(w, h) >= 0.9
            })
        })
}

/// Whether `query` may be taken to mean the device called `name` with id `id`.
pub fn acceptable(query: &str, name: &str, id: &str) -> bool {
    at_word_boundaries(query, name)
        || at_word_boundaries(query, id)
        || every_token_matches(query, name)
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn takes_what_was_meant_and_nothing_else() {
        assert!(acceptable("HD600", "Sennheiser HD600", "sennheiser-hd600"));
        assert!(acceptable(
            "Objective2",
            "NwAvGuy Objective2 (O2)",
            "nwavguy-objective2-o2"
        ));
        assert!(acceptable(
            "O2",
            "NwAvGuy Objective2 (O2)",
            "nwavguy-objective2-o2"
        ));
        assert!(acceptable("fiio k5pro", "FiiO K5 Pro", "fiio-k5-pro"));
        assert!(acceptable(
            "senheiser hd 600",
            "Sennheiser HD600",
            "sennheiser-hd600"
        ));
        assert!(!acceptable(
            "ATH-M50x",
            "Audio-Technica ATH-M50xBT2",
            "audio-technica-ath-m50xbt2"
        ));
        assert!(!acceptable(
            "atom amp",
            "Apple Lightning to 3.5 mm Headphone Jack Adapter (iPhone)",
            "apple-lightning"
        ));
        assert!(!acceptable(
            "hd 600",
            "Sennheiser HD6000",
            "sennheiser-hd6000"
        ));
        assert!(!acceptable("", "Sennheiser HD600", "sennheiser-hd600"));
    }
}
