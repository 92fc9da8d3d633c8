//! A histogram of sample magnitudes, binned by the bits of the f32 value: the exponent and
//! the top 10 mantissa bits give bins 2^-10 wide relative to the value (≈ 0.0085 dB) with
//! no logarithm per sample. Constant memory whatever the length of the track.

/// Lowest magnitude binned separately: 2^-30 (−180 dBFS); anything quieter shares bin 0.
const MIN_EXP: i32 = -30;
/// Highest: 2^8 (+48 dBFS, far beyond any clipped file); louder shares the last bin.
const MAX_EXP: i32 = 8;
const MANTISSA_BITS: u32 = 10;
const BINS: usize = ((MAX_EXP - MIN_EXP) as usize) << MANTISSA_BITS;

/// Counts of sample magnitudes.
#[derive(Debug, Clone)]
pub struct MagnitudeHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for MagnitudeHistogram {
    fn default() -> Self {
        Self::new()
    }
}

fn bin_of_bits(abs_bits: u32) -> usize {
    // abs_bits is the bit pattern of a non-negative f32: exponent and mantissa increase
    // together, so the shifted pattern is monotonic in the value.
    let lowest = ((MIN_EXP + 127) as u32) << 23;
    if abs_bits <= lowest {
        return 0;
    }
    (((abs_bits - lowest) >> (23 - MANTISSA_BITS)) as usize).min(BINS - 1)
}

/// The lower edge of bin `i`, as a magnitude.
fn lower_edge(i: usize) -> f64 {
    let bits = (((MIN_EXP + 127) as u32) << 23) + ((i as u32) << (23 - MANTISSA_BITS));
    f32::from_bits(bits) as f64
}

impl MagnitudeHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self {
            counts: vec![0; BINS],
            total: 0,
        }
    }

    /// Adds interleaved samples (all channels count).
    pub fn add(&mut self, samples: &[f32]) {
        for s in samples {
            self.counts[bin_of_bits(s.to_bits() & 0x7fff_ffff)] += 1;
        }
        self.total += samples.len() as u64;
    }

    /// The non-empty bins as (index, count): what a decoder worker sends back.
    pub fn to_sparse(&self) -> Vec<(u32, u64)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (i as u32, *c))
            .collect()
    }

    /// The histogram [`Self::to_sparse`] described (bins out of range are dropped).
    pub fn from_sparse(bins: &[(u32, u64)]) -> Self {
        let mut h = Self::new();
        for &(i, c) in bins {
            if let Some(slot) = h.counts.get_mut(i as usize) {
                *slot += c;
                h.total += c;
            }
        }
        h
    }

    /// Number of samples seen.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The share of samples whose magnitude exceeds `level_dbfs` (to within one bin,
    /// ≈ 0.0085 dB: a bin counts when its lower edge is above the level).
    pub fn fraction_above(&self, level_dbfs: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let level = 10f64.powf(level_dbfs / 20.0);
        let start = bin_of_bits((level as f32).to_bits());
        let start = if lower_edge(start) >= level {
            start
        } else {
            start + 1
        };
        let above: u64 = self.counts[start.min(BINS)..].iter().sum();
        above as f64 / self.total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_above_a_level() {
        let mut h = MagnitudeHistogram::new();
        // 1000 samples: 0.1, 0.5, -0.9, 1.5 in a 4:3:2:1 ratio.
        let mut v = vec![];
        for _ in 0..100 {
            v.extend([0.1f32, 0.1, 0.1, 0.1, 0.5, 0.5, 0.5, -0.9, -0.9, 1.5]);
        }
        h.add(&v);
        // Above −6.02 dBFS (0.5) by a hair: −0.9 and 1.5 → 30 %.
        assert!((h.fraction_above(20.0 * 0.51f64.log10()) - 0.3).abs() < 1e-12);
        // Above 0 dBFS: only 1.5 → 10 %.
        assert!((h.fraction_above(0.0) - 0.1).abs() < 1e-12);
        // Above −40 dBFS: everything.
        assert!((h.fraction_above(-40.0) - 1.0).abs() < 1e-12);
        assert_eq!(h.fraction_above(10.0), 0.0);
    }
}
