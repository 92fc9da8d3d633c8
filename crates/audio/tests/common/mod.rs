//! Test signals and a minimal WAV writer (IEEE float or 16-bit PCM), so the tests make
//! every file they measure.
#![allow(dead_code)]

use std::f64::consts::PI;
use std::io::Write;
use std::path::Path;

/// Writes interleaved samples as a WAV file: 32-bit float, or 16-bit PCM when `pcm16`.
pub fn write_wav(path: &Path, rate: u32, channels: u16, samples: &[f32], pcm16: bool) {
    let (format, bits): (u16, u16) = if pcm16 { (1, 16) } else { (3, 32) };
    let block = channels * bits / 8;
    let data_len = samples.len() as u32 * (bits as u32 / 8);
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&format.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * block as u32).to_le_bytes());
    out.extend_from_slice(&block.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        if pcm16 {
            let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            out.extend_from_slice(&v.to_le_bytes());
        } else {
            out.extend_from_slice(&s.to_le_bytes());
        }
    }
    std::fs::File::create(path)
        .unwrap()
        .write_all(&out)
        .unwrap();
}

/// Stereo sine segments: (frequency Hz, peak level dBFS, seconds), both channels alike.
pub fn stereo_sine_segments(rate: u32, segments: &[(f64, f64, f64)]) -> Vec<f32> {
    let mut out = Vec::new();
    let mut phase = 0.0f64;
    for &(freq, level_db, secs) in segments {
        let amp = 10f64.powf(level_db / 20.0);
        let n = (secs * rate as f64).round() as usize;
        for _ in 0..n {
            let v = (amp * phase.sin()) as f32;
            out.push(v);
            out.push(v);
            phase += 2.0 * PI * freq / rate as f64;
            if phase > 2.0 * PI {
                phase -= 2.0 * PI;
            }
        }
    }
    out
}

/// A small deterministic generator (xorshift), uniform in [−1, 1).
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// Music-like test material, stereo: `kind` is "bursts" (noise bursts of changing level,
/// lightly low-passed), "sweep" (log sweep 20 Hz–20 kHz) or "clipped" (a loud sine
/// hard-clipped at full scale, whose true peak lies above its sample peak).
pub fn music_like(kind: &str, rate: u32, secs: f64) -> Vec<f32> {
    let n = (secs * rate as f64) as usize;
    let mut out = Vec::with_capacity(2 * n);
    let mut noise = Noise::new(0x9e37_79b9_7f4a_7c15);
    let (mut lp_l, mut lp_r) = (0.0f64, 0.0f64);
    for i in 0..n {
        let t = i as f64 / rate as f64;
        let (l, r) = match kind {
            "bursts" => {
                // 0.5 s bursts cycling through four levels, 0.1 s gaps.
                let cycle = (t / 0.6) as usize;
                let on = t % 0.6 < 0.5;
                let gain = [0.5, 0.2, 0.8, 0.05][cycle % 4] * if on { 1.0 } else { 0.0 };
                lp_l += 0.3 * (noise.next() - lp_l);
                lp_r += 0.3 * (noise.next() - lp_r);
                (gain * lp_l, gain * lp_r)
            }
            "sweep" => {
                let (f0, f1) = (20.0f64, 20_000.0f64);
                let k = (f1 / f0).ln() / secs;
                let ph = 2.0 * PI * f0 * ((k * t).exp() - 1.0) / k;
                (0.5 * ph.sin(), 0.5 * (ph + 0.3).sin())
            }
            "clipped" => {
                let v = (2.5 * (2.0 * PI * 3_000.0 * t).sin()).clamp(-1.0, 1.0) * 0.9;
                let w = (2.5 * (2.0 * PI * 440.0 * t).sin()).clamp(-1.0, 1.0) * 0.9;
                (v, w)
            }
            other => panic!("unknown kind {other}"),
        };
        // 50 ms fades, as a mastered track has: a hard stop is a step, whose band-limited
        // reconstruction really rings above the last samples.
        let edge = i.min(n - 1 - i) as f64 / rate as f64;
        let g = if edge < 0.05 {
            0.5 - 0.5 * (PI * edge / 0.05).cos()
        } else {
            1.0
        };
        out.push((g * l) as f32);
        out.push((g * r) as f32);
    }
    out
}
