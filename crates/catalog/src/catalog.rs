//! The built-in catalog and name resolution.

use std::path::Path;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::device::{Device, DeviceKind, DeviceType, parse_device, read_device_file};
use crate::error::{Error, Result};
use crate::names;

/// One device of the built-in catalog, indexed at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Stable id (slug).
    pub id: &'static str,
    /// Maker.
    pub brand: &'static str,
    /// Model.
    pub model: &'static str,
    /// The file's `type`.
    pub device_type: DeviceType,
    /// An amplifier's `category` (dongle, dac-amp, integrated…), "" when none.
    pub category: &'static str,
    /// Path under `data/`.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

impl Entry {
    /// "Brand Model".
    pub fn name(&self) -> String {
        format!("{} {}", self.brand, self.model)
    }

    /// Length in bytes of "Brand Model", without building it.
    pub fn name_len(&self) -> usize {
        self.brand.len() + 1 + self.model.len()
    }

    /// Whether `q` is "Brand Model" ignoring ASCII case, without building the name.
    pub fn name_eq_ignore_case(&self, q: &str) -> bool {
        let b = self.brand.len();
        q.len() == self.name_len()
            && q.get(..b)
                .is_some_and(|x| x.eq_ignore_ascii_case(self.brand))
            && q.as_bytes()[b] == b' '
            && q.get(b + 1..)
                .is_some_and(|x| x.eq_ignore_ascii_case(self.model))
    }

    /// Which side of a pairing it sits on.
    pub fn side(&self) -> DeviceKind {
        self.device_type.side()
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog_index.rs"));

/// A search hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// The entry.
    pub entry: &'static Entry,
    /// Fuzzy score, higher is better.
    pub score: u32,
}

/// The built-in catalog.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    entries: &'static [Entry],
}

impl Default for Catalog {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Catalog {
    /// The catalog embedded from `data/`.
    pub fn builtin() -> Self {
        Self { entries: ENTRIES }
    }

    /// A catalog of other entries (a test's hand-made catalog, a user's collection); curve
    /// files they name are looked up among the built-in ones.
    pub fn from_entries(entries: &'static [Entry]) -> Self {
        Self { entries }
    }

    /// All entries.
    pub fn entries(&self) -> &'static [Entry] {
        self.entries
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&'static Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Parses and validates an entry.
    pub fn load(&self, entry: &Entry) -> Result<Device> {
        let device = self.load_one(entry)?;
        // One record per device: a "(measured)" twin is a second source of the same model.
        match (device, self.twin_of(entry)) {
            (Device::Load(mut base), Some(t)) => {
                if let Device::Load(twin) = self.load_one(t)? {
                    crate::twins::merge(&mut base, twin);
                }
                Ok(Device::Load(base))
            }
            (d, _) => Ok(d),
        }
    }

    /// The "(measured)" twin of `entry` (id + "-measured"), when the catalog has one.
    pub fn twin_of(&self, entry: &Entry) -> Option<&'static Entry> {
        if entry.id.ends_with("-measured") {
            return None;
        }
        let id = format!("{}-measured", entry.id);
        self.get(&id)
    }

    /// For a "(measured)" twin, the device it is a second source of.
    pub fn base_of(&self, entry: &Entry) -> Option<&'static Entry> {
        entry
            .id
            .strip_suffix("-measured")
            .and_then(|base| self.get(base))
    }

    fn load_one(&self, entry: &Entry) -> Result<Device> {
        parse_device(entry.text, &format!("data/{}", entry.path), &|rel: &str| {
            FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| t.to_string())
                .ok_or_else(|| Error::Io {
                    path: format!("data/{rel}"),
                    message: "not in the built-in catalog".into(),
                })
        })
    }

    /// Entries matching `query`, best first (fuzzy on "brand model" and id), optionally
    /// only one side.
    pub fn search(&self, query: &str, side: Option<DeviceKind>) -> Vec<Match> {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        let mut name = String::new();
        let mut hits: Vec<Match> = self
            .entries
            .iter()
            .filter(|e| side.is_none_or(|s| e.side() == s))
            // One record per device: a "(measured)" twin is found through its base.
            .filter(|e| !(e.id.ends_with("-measured") && self.base_of(e).is_some()))
            .filter_map(|e| {
                name.clear();
                name.push_str(e.brand);
                name.push(' ');
                name.push_str(e.model);
                let by_name = pattern.score(Utf32Str::new(&name, &mut buf), &mut matcher);
                let by_id = pattern.score(Utf32Str::new(e.id, &mut buf), &mut matcher);
                // "dongle" finds the dongles: the category counts as a name.
                let by_category = (!e.category.is_empty())
                    .then(|| pattern.score(Utf32Str::new(e.category, &mut buf), &mut matcher))
                    .flatten();
                by_name
                    .max(by_id)
                    .max(by_category)
                    .map(|score| Match { entry: e, score })
            })
            .collect();
        // Equal scores: the shorter name is the closer match ("HD600" before "HD600 (measured)").
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.entry.name_len().cmp(&b.entry.name_len()))
                .then(a.entry.id.cmp(b.entry.id))
        });
        hits
    }

    /// Search as a person browsing expects: headphones, amplifiers and finished speakers
    /// before raw drivers, grouped by type (groups in the order of their best hit, drivers
    /// last), best first within a group. Without `only`, drivers appear only when nothing
    /// else matches; with it, only that type.
    pub fn search_grouped(&self, query: &str, only: Option<DeviceType>) -> Vec<Match> {
        let hits: Vec<Match> = self
            .search(query, only.map(DeviceType::side))
            .into_iter()
            .filter(|h| only.is_none_or(|t| h.entry.device_type == t))
            .collect();
        let finished: Vec<Match> = hits
            .iter()
            .copied()
            .filter(|h| h.entry.device_type != DeviceType::Driver)
            .collect();
        let mut hits = if only.is_none() && !finished.is_empty() {
            finished
        } else {
            hits
        };
        // Group rank: the position of the group's best hit; drivers after every other group.
        let rank = |t: DeviceType| {
            let first = hits.iter().position(|h| h.entry.device_type == t);
            (t == DeviceType::Driver, first.unwrap_or(usize::MAX))
        };
        let ranks: Vec<(bool, usize)> = DeviceType::ALL.iter().map(|t| rank(*t)).collect();
        let of = |t: DeviceType| ranks[DeviceType::ALL.iter().position(|x| *x == t).unwrap_or(0)];
        hits.sort_by_key(|h| of(h.entry.device_type));
        hits
    }

    /// Resolves a name, id or device-file path to an entry or a file: exact
    /// case-insensitive "brand model" or id first, then the unique best fuzzy match, else
    /// an error listing what was meant.
    pub fn resolve_entry(&self, query: &str, side: DeviceKind) -> Result<&'static Entry> {
        let q = query.trim();
        let of_side = |e: &&Entry| e.side() == side;
        if let Some(e) = self
            .entries
            .iter()
            .filter(of_side)
            .find(|e| e.id.eq_ignore_ascii_case(q) || e.name_eq_ignore_case(q))
        {
            // A "(measured)" id keeps working: it names the one record of that model.
            return Ok(self.base_of(e).unwrap_or(e));
        }
        if let Some(e) = self.entries.iter().find(|e| {
            e.side() != side && (e.id.eq_ignore_ascii_case(q) || e.name_eq_ignore_case(q))
        }) {
            return Err(Error::WrongSide {
                name: e.name(),
                is: e.side().as_str().into(),
                wanted: side.as_str().into(),
            });
        }
        // Only hits the query may be taken to mean (crate::names): a weak fuzzy match is a
        // "did you mean", never a silent pick.
        let meant = |side: DeviceKind| -> Vec<Match> {
            self.search(q, Some(side))
                .into_iter()
                .filter(|h| names::acceptable(q, &h.entry.name(), h.entry.id))
                .collect()
        };
        let hits = meant(side);
        let Some(best) = hits.first() else {
            let other = match side {
                DeviceKind::Amplifier => DeviceKind::Load,
                DeviceKind::Load => DeviceKind::Amplifier,
            };
            if let Some(h) = meant(other).first() {
                return Err(Error::WrongSide {
                    name: h.entry.name(),
                    is: other.as_str().into(),
                    wanted: side.as_str().into(),
                });
            }
            return Err(Error::NotFound {
                query: q.into(),
                kind: side.as_str().into(),
                suggestions: self.suggest(q, side),
            });
        };
        // Hits are sorted by score, then name length. The best is unique when it scores
        // highest alone, or when every equal hit is a longer variant of its name
        // ("Sennheiser HD600" and "Sennheiser HD600 (measured)").
        let tied: Vec<&Match> = hits.iter().take_while(|h| h.score == best.score).collect();
        let best_name = best.entry.name().to_lowercase();
        if tied.iter().skip(1).all(|h| {
            let n = h.entry.name().to_lowercase();
            n.len() > best_name.len() && n.starts_with(&best_name)
        }) {
            return Ok(self.base_of(best.entry).unwrap_or(best.entry));
        }
        Err(Error::Ambiguous {
            query: q.into(),
            kind: side.as_str().into(),
            candidates: tied
                .iter()
                .take(8)
                .map(|h| format!("{} ({})", h.entry.name(), h.entry.id))
                .collect(),
        })
    }

    /// Resolves and loads: a path to a `.toml` file is read from disk, anything else is
    /// looked up in the catalog. The device must be on the requested side.
    pub fn resolve(&self, query: &str, side: DeviceKind) -> Result<Device> {
        let device = if query.ends_with(".toml") || Path::new(query).is_file() {
            read_device_file(Path::new(query))?
        } else {
            let e = self.resolve_entry(query, side)?;
            self.load(e)?
        };
        if device.kind() != side {
            return Err(Error::WrongSide {
                name: device.meta().name(),
                is: device.kind().as_str().into(),
                wanted: side.as_str().into(),
            });
        }
        Ok(device)
    }

    /// Up to five names close to `query` by Jaro-Winkler similarity, for "did you mean".
    pub fn suggest(&self, query: &str, side: DeviceKind) -> Vec<String> {
        let q = query.to_lowercase();
        let mut scored: Vec<(f64, &Entry)> = self
            .entries
            .iter()
            .filter(|e| e.side() == side)
            .map(|e| {
                let name = e.name().to_lowercase();
                let s = strsim::jaro_winkler(&q, &name)
                    .max(strsim::jaro_winkler(&q, &e.model.to_lowercase()))
                    .max(strsim::jaro_winkler(&q, e.id));
                (s, e)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .take(5)
            .filter(|(s, _)| *s > 0.6)
            .map(|(_, e)| format!("{} ({})", e.name(), e.id))
            .collect()
    }
}
