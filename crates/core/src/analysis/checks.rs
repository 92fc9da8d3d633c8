//! The seven questions a report answers, each on its own: loudness, response, hiss, volume,
//! hearing, damage, connection. Each step decides its check; the verdict follows from them.

use serde::Serialize;

use super::{Finding, Rule, Severity};

/// The answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, with something to watch.
    Caution,
    /// Fails this question.
    Problem,
    /// Not known; `settle` says what would settle it.
    Unknown,
    /// The question does not arise for this pair.
    NotApplicable,
}

/// One question's answer, the rule that decided it, and the deciding figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The answer.
    pub status: Status,
    /// The rule behind it (stable id).
    pub rule: Rule,
    /// One plain sentence with the deciding number.
    pub message: String,
    /// The deciding figure, when there is one.
    pub value: Option<f64>,
    /// Its unit.
    pub unit: Option<&'static str>,
    /// For an unknown answer: the figure that would settle it ("an impedance curve").
    pub settle: Option<&'static str>,
}

impl Check {
    /// A check with a deciding figure.
    pub fn new(
        status: Status,
        rule: Rule,
        message: String,
        value: Option<f64>,
        unit: &'static str,
    ) -> Self {
        Self {
            status,
            rule,
            message,
            value,
            unit: value.map(|_| unit),
            settle: None,
        }
    }

    /// An unknown answer and what would settle it.
    pub fn unknown(rule: Rule, message: String, settle: &'static str) -> Self {
        Self {
            status: Status::Unknown,
            rule,
            message,
            value: None,
            unit: None,
            settle: Some(settle),
        }
    }

    /// The finding that reports this check among the others.
    pub fn finding(&self) -> Finding {
        Finding {
            severity: match self.status {
                Status::Problem => Severity::Critical,
                Status::Caution => Severity::Warning,
                _ => Severity::Info,
            },
            rule: self.rule,
            message: self.message.clone(),
        }
    }
}

/// The seven checks of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checks {
    /// Can it reach the target? (headroom)
    pub loudness: Check,
    /// Does the output impedance bend the load's response?
    pub response: Check,
    /// Is hiss audible at the listener?
    pub hiss: Check,
    /// Where does the volume control sit for the average level?
    pub volume: Check,
    /// How loud is full output, and can the listener turn it down?
    pub hearing: Check,
    /// Can full output damage the load?
    pub damage: Check,
    /// Can this output be plugged into this load?
    pub connection: Check,
    /// With an EQ preset: can the output deliver what the EQ asks? (absent without one)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Check>,
}

impl Checks {
    /// Each check with its question's name, in the order reports list them (the EQ's last,
    /// when there is one).
    pub fn all(&self) -> Vec<(&'static str, &Check)> {
        let mut v = vec![
            ("loudness", &self.loudness),
            ("response", &self.response),
            ("hiss", &self.hiss),
            ("volume", &self.volume),
            ("hearing", &self.hearing),
            ("damage", &self.damage),
            ("connection", &self.connection),
        ];
        if let Some(e) = &self.eq {
            v.push(("eq", e));
        }
        v
    }

    /// True when no applicable check is unknown.
    pub fn complete(&self) -> bool {
        self.all().iter().all(|(_, c)| c.status != Status::Unknown)
    }

    /// The unknown checks' names.
    pub fn unknown(&self) -> Vec<&'static str> {
        self.all()
            .iter()
            .filter(|(_, c)| c.status == Status::Unknown)
            .map(|(n, _)| *n)
            .collect()
    }

    /// How many checks are at `caution`.
    pub fn cautions(&self) -> usize {
        self.all()
            .iter()
            .filter(|(_, c)| c.status == Status::Caution)
            .count()
    }
}
