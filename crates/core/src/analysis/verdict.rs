//! Verdict step: the overall answer from the seven checks (eight with an EQ), in this order
//! (an unknown check never lowers it): incompatible (connection problem) > unsafe (hearing
//! or damage problem) > insufficient (loudness problem, or an EQ the output cannot deliver)
//! > unknown (loudness unknown) > marginal (any other problem or caution) > good.

use super::Verdict;
use super::checks::{Check, Checks, Status};

pub(super) fn decide(c: &Checks) -> Verdict {
    let problem = |s: Status| s == Status::Problem;
    if problem(c.connection.status) {
        Verdict::Incompatible
    } else if problem(c.hearing.status) || problem(c.damage.status) {
        Verdict::Unsafe
    } else if problem(c.loudness.status) || c.eq.as_ref().is_some_and(|e| problem(e.status)) {
        Verdict::Insufficient
    } else if c.loudness.status == Status::Unknown {
        Verdict::Unknown
    } else if c
        .all()
        .iter()
        .any(|(_, x)| matches!(x.status, Status::Problem | Status::Caution))
    {
        Verdict::Marginal
    } else {
        Verdict::Good
    }
}

impl Checks {
    /// The check that decided `verdict`, with its question's name: the connection for
    /// incompatible, the hearing or damage problem for unsafe, the loudness for insufficient,
    /// unknown and good, and the first caution or problem for marginal.
    pub fn deciding(&self, verdict: Verdict) -> (&'static str, &Check) {
        let first = |pred: &dyn Fn(Status) -> bool| {
            self.all()
                .into_iter()
                .find(|(_, c)| pred(c.status))
                .unwrap_or(("loudness", &self.loudness))
        };
        match verdict {
            Verdict::Incompatible => ("connection", &self.connection),
            Verdict::Unsafe if self.hearing.status == Status::Problem => ("hearing", &self.hearing),
            Verdict::Unsafe => ("damage", &self.damage),
            Verdict::Insufficient if self.loudness.status != Status::Problem => match &self.eq {
                Some(e) => ("eq", e),
                None => ("loudness", &self.loudness),
            },
            Verdict::Marginal => {
                let problem = self
                    .all()
                    .into_iter()
                    .find(|(_, c)| c.status == Status::Problem);
                problem.unwrap_or_else(|| first(&|s| s == Status::Caution))
            }
            _ => ("loudness", &self.loudness),
        }
    }
}
