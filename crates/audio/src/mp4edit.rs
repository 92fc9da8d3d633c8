//! The edit list of an MP4/M4A audio track, which symphonia 0.5 reads but does not apply:
//! it says how many priming samples the encoder put before the audio (AAC: usually 1024)
//! and how long the audio really is. Without it every AAC file starts ~23 ms late and
//! carries padding at the end, which moves the 400 ms gating blocks against ffmpeg's.
//! ISO/IEC 14496-12: `moov/trak/edts/elst`, timescales in `mvhd` and `mdia/mdhd`.

use std::io::{Read, Seek, SeekFrom};

/// The audible part of the track, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edit {
    /// Leading seconds to drop.
    pub skip_s: f64,
    /// Seconds to keep after that (`None`: to the end).
    pub keep_s: Option<f64>,
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8)
        .map(|x| u64::from_be_bytes([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]]))
}

/// The child boxes of `b` as (type, body).
fn boxes(b: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = vec![];
    let mut at = 0;
    while at + 8 <= b.len() {
        let Some(size32) = be_u32(b, at) else { break };
        let kind = &b[at + 4..at + 8];
        let (header, size) = match size32 {
            1 => match be_u64(b, at + 8) {
                Some(s) => (16, s as usize),
                None => break,
            },
            0 => (8, b.len() - at),
            s => (8, s as usize),
        };
        // A declared size past the end (or so large the sum overflows) ends the walk.
        if size < header || at.checked_add(size).is_none_or(|end| end > b.len()) {
            break;
        }
        out.push((kind, &b[at + header..at + size]));
        at += size;
    }
    out
}

/// Timescale from an `mvhd` or `mdhd` body.
fn timescale(body: &[u8]) -> Option<u32> {
    match body.first()? {
        0 => be_u32(body, 12),
        1 => be_u32(body, 20),
        _ => None,
    }
}

/// Reads only the `moov` box: the top-level boxes are walked by their headers, so the
/// audio data (`mdat`) is never loaded.
fn read_moov(f: &mut (impl Read + Seek), len: u64) -> Option<Vec<u8>> {
    let mut at = 0u64;
    while at + 8 <= len {
        let mut h = [0u8; 16];
        f.seek(SeekFrom::Start(at)).ok()?;
        f.read_exact(&mut h[..8]).ok()?;
        let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
        let (header, size) = match size32 {
            1 => {
                f.read_exact(&mut h[8..16]).ok()?;
                (
                    16,
                    u64::from_be_bytes([h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]]),
                )
            }
            0 => (8, len - at),
            s => (8, s),
        };
        if size < header || at.checked_add(size).is_none_or(|end| end > len) {
            return None;
        }
        if &h[4..8] == b"moov" {
            // A moov larger than 64 MiB is not a plausible audio file's; refuse it.
            if size > 64 << 20 {
                return None;
            }
            let mut body = vec![0u8; (size - header) as usize];
            f.seek(SeekFrom::Start(at + header)).ok()?;
            f.read_exact(&mut body).ok()?;
            return Some(body);
        }
        at += size;
    }
    None
}

/// Reads the edit of the first sound track, if the file (`len` bytes, extension `ext`) is
/// MP4 and has one.
pub fn read(f: &mut (impl Read + Seek), len: u64, ext: &str) -> Option<Edit> {
    let ext = ext.to_ascii_lowercase();
    if !matches!(ext.as_str(), "m4a" | "mp4" | "m4b" | "aac") {
        return None;
    }
    let moov_data = read_moov(f, len)?;
    let moov = moov_data.as_slice();
    let movie_scale = boxes(moov)
        .into_iter()
        .find(|(k, _)| *k == b"mvhd")
        .and_then(|(_, b)| timescale(b))?;
    for (_, trak) in boxes(moov).into_iter().filter(|(k, _)| *k == b"trak") {
        let children = boxes(trak);
        let Some((_, mdia)) = children.iter().find(|(k, _)| *k == b"mdia") else {
            continue;
        };
        let mdia_children = boxes(mdia);
        let is_sound = mdia_children
            .iter()
            .any(|(k, b)| *k == b"hdlr" && b.get(8..12) == Some(b"soun"));
        if !is_sound {
            continue;
        }
        let media_scale = mdia_children
            .iter()
            .find(|(k, _)| *k == b"mdhd")
            .and_then(|(_, b)| timescale(b))?;
        let (_, edts) = children.iter().find(|(k, _)| *k == b"edts")?;
        let (_, elst) = boxes(edts).into_iter().find(|(k, _)| *k == b"elst")?;
        let version = *elst.first()?;
        let count = be_u32(elst, 4)?;
        // Skip empty edits (media_time −1); the first real one gives start and length.
        let entry_len = if version == 1 { 20 } else { 12 };
        for i in 0..count as usize {
            let at = 8 + i * entry_len;
            let (duration, media_time) = if version == 1 {
                (be_u64(elst, at)?, be_u64(elst, at + 8)? as i64)
            } else {
                (
                    be_u32(elst, at)? as u64,
                    be_u32(elst, at + 4)? as i32 as i64,
                )
            };
            if media_time < 0 {
                continue;
            }
            // A zero timescale is a damaged file: no edit rather than an infinite one.
            if media_scale == 0 || movie_scale == 0 {
                return None;
            }
            return Some(Edit {
                skip_s: media_time as f64 / media_scale as f64,
                keep_s: (duration > 0).then(|| duration as f64 / movie_scale as f64),
            });
        }
        return None;
    }
    None
}
