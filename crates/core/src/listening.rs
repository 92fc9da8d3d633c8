//! Where the listener is: distance, number of speakers, room, and how loud.
//!
//! SPL at the seat = S_V(1 m) + 20·log10(V) − 20·log10(d/1 m) + 10·log10(N) + room gain
//! (physics.md, "Loudspeakers": inverse-square law, incoherent sum of N speakers, about
//! +3 dB of room/boundary gain indoors).

use serde::{Deserialize, Serialize};

use crate::error::{Result, check_positive, check_range};

/// Average level and headroom (crest factor) presets at the seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// 70 dB average + 12 dB headroom.
    Background,
    /// 85 dB average + 17 dB (music's crest factor, physics.md).
    Music,
    /// 85 dB average + 20 dB: cinema reference, 105 dB peaks.
    Cinema,
    /// 95 dB average + 10 dB: a loud modern master's peak-to-loudness ratio (8–10 dB in
    /// heavily limited releases), so its peaks (105 dB) are never below music's (102 dB).
    Party,
}

impl Preset {
    /// (average dB SPL, headroom dB).
    pub fn levels(self) -> (f64, f64) {
        match self {
            Preset::Background => (70.0, 12.0),
            Preset::Music => (85.0, 17.0),
            Preset::Cinema => (85.0, 20.0),
            Preset::Party => (95.0, 10.0),
        }
    }

    /// Parses a preset name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "background" => Some(Preset::Background),
            "music" => Some(Preset::Music),
            "cinema" => Some(Preset::Cinema),
            "party" => Some(Preset::Party),
            _ => None,
        }
    }
}

/// The listening position for loudspeakers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Listening {
    /// Distance from the speakers, m (default 2.5).
    pub distance_m: f64,
    /// Number of speakers playing (default 2), summed incoherently.
    pub speakers: u32,
    /// Room/boundary gain, dB (default +3; 0 = free field).
    pub room_gain_db: f64,
}

impl Default for Listening {
    fn default() -> Self {
        Self {
            distance_m: 2.5,
            speakers: 2,
            room_gain_db: 3.0,
        }
    }
}

impl Listening {
    /// Validated context.
    pub fn new(distance_m: f64, speakers: u32, room_gain_db: f64) -> Result<Self> {
        check_positive("distance_m", distance_m, 10_000.0, "m")?;
        check_range("speakers", speakers as f64, 1.0, 1000.0, "")?;
        check_range("room_gain_db", room_gain_db, -20.0, 20.0, "dB")?;
        Ok(Self {
            distance_m,
            speakers,
            room_gain_db,
        })
    }

    /// dB added to the 1 m SPL of one speaker to get the SPL at the seat.
    pub fn offset_db(&self) -> f64 {
        -20.0 * self.distance_m.log10() + 10.0 * (self.speakers as f64).log10() + self.room_gain_db
    }
}
