//! The album's loudness from every file's gating blocks, pooled as each file finishes, so a
//! batch keeps one accumulator however many files it holds (keeping each file's meter for
//! `loudness_global_multiple` grew ~0.8 MB a file).
//!
//! ITU-R BS.1770-4 §2.8 (integrated): 400 ms blocks every 100 ms, an absolute gate at
//! −70 LUFS, a relative gate 10 LU below the mean energy of the blocks above it, loudness
//! of the mean energy of what passes both. EBU Tech 3342 (range): 3 s blocks, the same
//! absolute gate, a relative gate 20 LU below, range = L95 − L10 of what passes.
//!
//! Blocks are binned at 0.01 LU with each bin's exact energy sum, so a gate falls inside
//! one bin at most: the pooled figures are the exact ones to within that bin.

use serde::{Deserialize, Serialize};

/// Lowest loudness binned: the absolute gate. Quieter blocks never count.
const FLOOR_LUFS: f64 = -70.0;
/// Highest: above any real programme (a full-scale 5-channel square wave is ≈ +10 LUFS);
/// louder blocks share the last bin, with their true energy.
const CEILING_LUFS: f64 = 30.0;
const STEP_LU: f64 = 0.01;
const BINS: usize = ((CEILING_LUFS - FLOOR_LUFS) / STEP_LU) as usize;

/// BS.1770: loudness = −0.691 + 10·log10(energy).
fn energy_of(lufs: f64) -> f64 {
    10f64.powf((lufs + 0.691) / 10.0)
}

fn lufs_of(energy: f64) -> f64 {
    -0.691 + 10.0 * energy.log10()
}

/// One file's block loudnesses, LUFS (blocks below the absolute gate left out): sent from
/// a decoder worker and merged into the album.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileBlocks {
    /// 400 ms blocks, one per 100 ms.
    pub momentary_lufs: Vec<f64>,
    /// 3 s blocks, one per second (as libebur128 and ffmpeg step them).
    pub short_term_lufs: Vec<f64>,
}

impl FileBlocks {
    /// Keeps a block when it passes the absolute gate (and is a number at all).
    pub fn push_momentary(&mut self, lufs: f64) {
        if lufs.is_finite() && lufs >= FLOOR_LUFS {
            self.momentary_lufs.push(lufs);
        }
    }

    /// As [`Self::push_momentary`], for a 3 s block.
    pub fn push_short_term(&mut self, lufs: f64) {
        if lufs.is_finite() && lufs >= FLOOR_LUFS {
            self.short_term_lufs.push(lufs);
        }
    }
}

/// Counts and energy sums of blocks per 0.01 LU bin.
#[derive(Debug, Clone)]
struct Bins {
    counts: Vec<u64>,
    energy: Vec<f64>,
}

impl Bins {
    fn new() -> Self {
        Self {
            counts: vec![0; BINS],
            energy: vec![0.0; BINS],
        }
    }

    fn add(&mut self, lufs: f64) {
        let i = (((lufs - FLOOR_LUFS) / STEP_LU) as usize).min(BINS - 1);
        self.counts[i] += 1;
        self.energy[i] += energy_of(lufs);
    }

    fn bin_floor_lufs(i: usize) -> f64 {
        FLOOR_LUFS + i as f64 * STEP_LU
    }

    /// The first bin whose blocks pass a relative gate `gate_lu` below the mean energy of
    /// all blocks (all of which passed the absolute gate), or `None` for no blocks.
    fn relative_gate_start(&self, gate_lu: f64) -> Option<usize> {
        let n: u64 = self.counts.iter().sum();
        if n == 0 {
            return None;
        }
        let mean = self.energy.iter().sum::<f64>() / n as f64;
        let gate = lufs_of(mean) - gate_lu;
        // A bin counts when its lower edge is at or above the gate: the gate then lies
        // at most one bin (0.01 LU) away from where it would cut individual blocks.
        let start = ((gate - FLOOR_LUFS) / STEP_LU).ceil().max(0.0) as usize;
        Some(start.min(BINS - 1))
    }

    /// BS.1770 integrated loudness, LUFS.
    fn integrated(&self) -> Option<f64> {
        let start = self.relative_gate_start(10.0)?;
        let n: u64 = self.counts[start..].iter().sum();
        let e: f64 = self.energy[start..].iter().sum();
        (n > 0).then(|| lufs_of(e / n as f64))
    }

    /// EBU 3342 loudness range, LU.
    fn range(&self) -> Option<f64> {
        let start = self.relative_gate_start(20.0)?;
        let n: u64 = self.counts[start..].iter().sum();
        if n == 0 {
            return None;
        }
        // Percentiles as libebur128 takes them: the block at index round((n−1)·p) of
        // the sorted list.
        let at = |p: f64| -> f64 {
            let k = ((n - 1) as f64 * p).round() as u64;
            let mut seen = 0u64;
            for (i, &c) in self.counts[start..].iter().enumerate() {
                seen += c;
                if seen > k {
                    let i = start + i;
                    // The bin's mean loudness: exact when its blocks are alike.
                    return lufs_of(self.energy[i] / c as f64).max(Self::bin_floor_lufs(i));
                }
            }
            CEILING_LUFS
        };
        Some(at(0.95) - at(0.10))
    }
}

/// The album's pooled blocks.
#[derive(Debug, Clone)]
pub struct AlbumBlocks {
    momentary: Bins,
    short_term: Bins,
}

impl Default for AlbumBlocks {
    fn default() -> Self {
        Self::new()
    }
}

impl AlbumBlocks {
    /// No blocks yet.
    pub fn new() -> Self {
        Self {
            momentary: Bins::new(),
            short_term: Bins::new(),
        }
    }

    /// Adds one file's blocks.
    pub fn add(&mut self, file: &FileBlocks) {
        for &l in &file.momentary_lufs {
            self.momentary.add(l);
        }
        for &l in &file.short_term_lufs {
            self.short_term.add(l);
        }
    }

    /// Integrated loudness of everything added, LUFS (`None`: nothing above the gates).
    pub fn integrated_lufs(&self) -> Option<f64> {
        self.momentary.integrated().filter(|v| v.is_finite())
    }

    /// Loudness range of everything added, LU (`None`: no 3 s block above the gates).
    pub fn loudness_range_lu(&self) -> Option<f64> {
        self.short_term.range().filter(|v| v.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_gate_drops_quiet_blocks() {
        // 10 blocks at −20 LUFS and 10 at −40: the ungated mean energy is
        // (e(−20) + e(−40))/2 → −23.0 LUFS (−20 − 10·log10(2/1.01)), gate −33.0: the −40
        // blocks fall out and the result is −20 exactly.
        let mut f = FileBlocks::default();
        for _ in 0..10 {
            f.push_momentary(-20.0);
            f.push_momentary(-40.0);
        }
        let mut a = AlbumBlocks::new();
        a.add(&f);
        assert!((a.integrated_lufs().unwrap() + 20.0).abs() < 1e-9);
    }

    #[test]
    fn equal_blocks_pool_by_energy() {
        // −20 and −26 LUFS in equal numbers, both above the −33 gate: the mean energy is
        // (1 + 10^−0.6)/2 of −20's → −20 + 10·log10(0.6256) = −22.04 LUFS.
        let (mut x, mut y) = (FileBlocks::default(), FileBlocks::default());
        for _ in 0..50 {
            x.push_momentary(-20.0);
            y.push_momentary(-26.0);
        }
        let mut a = AlbumBlocks::new();
        a.add(&x);
        a.add(&y);
        let expected = -20.0 + 10.0 * ((1.0 + 10f64.powf(-0.6)) / 2.0).log10();
        assert!((a.integrated_lufs().unwrap() - expected).abs() < 1e-9);
    }

    #[test]
    fn range_is_the_spread_between_the_10th_and_95th_percentiles() {
        // 101 short-term blocks at −30, −29.9, …, −20 LUFS: mean energy is well above
        // −50, so all pass; index round(100·0.10) = 10 → −29.0, round(100·0.95) = 95 →
        // −20.5: LRA 8.5 LU (to the 0.01 LU bin).
        let mut f = FileBlocks::default();
        for i in 0..=100 {
            f.push_short_term(-30.0 + i as f64 * 0.1);
        }
        let mut a = AlbumBlocks::new();
        a.add(&f);
        assert!((a.loudness_range_lu().unwrap() - 8.5).abs() < 0.011);
    }

    #[test]
    fn silence_and_nonsense_give_none() {
        let mut f = FileBlocks::default();
        f.push_momentary(f64::NEG_INFINITY);
        f.push_momentary(f64::NAN);
        f.push_momentary(-80.0);
        let mut a = AlbumBlocks::new();
        a.add(&f);
        assert_eq!(a.integrated_lufs(), None);
        assert_eq!(a.loudness_range_lu(), None);
    }
}
