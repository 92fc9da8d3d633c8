//! Streaming decode with symphonia: one packet at a time, as interleaved f32.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use ebur128::Channel;
use symphonia::core::audio::{Channels, SampleBuffer};
use symphonia::core::codecs::{CODEC_TYPE_NULL, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::{Error, Result};

/// The decoded stream's layout.
pub struct Spec {
    /// Interleaved channels.
    pub channels: usize,
    /// Sample rate, Hz.
    pub rate: u32,
    /// BS.1770 weighting per channel, when the layout is known and not plain mono/stereo.
    pub map: Option<Vec<Channel>>,
}

/// What was decoded.
pub struct Stream {
    /// Frames (samples per channel).
    pub frames: u64,
    /// Sample rate, Hz.
    pub rate: u32,
}

/// BS.1770 channel weights from the container's layout: surrounds +1.5 dB, LFE left out.
fn channel_map(ch: Channels) -> Option<Vec<Channel>> {
    if ch.count() <= 2 {
        return None;
    }
    Some(
        ch.iter()
            .map(|c| match c {
                Channels::FRONT_LEFT => Channel::Left,
                Channels::FRONT_RIGHT => Channel::Right,
                Channels::FRONT_CENTRE => Channel::Center,
                Channels::REAR_LEFT | Channels::SIDE_LEFT => Channel::LeftSurround,
                Channels::REAR_RIGHT | Channels::SIDE_RIGHT => Channel::RightSurround,
                Channels::LFE1 | Channels::LFE2 => Channel::Unused,
                _ => Channel::Center,
            })
            .collect(),
    )
}

/// An opened file: the demuxer, its first audio track's id, the frames its header
/// announces, the largest packet, and the decoder.
struct Opened {
    format: Box<dyn symphonia::core::formats::FormatReader>,
    track_id: u32,
    expected_frames: Option<u64>,
    max_packet: u64,
    decoder: Box<dyn symphonia::core::codecs::Decoder>,
}

/// What to decode: a file, or bytes already in memory (the fuzz target's way in).
pub enum Input<'a> {
    /// A file on disk.
    Path(&'a Path),
    /// The bytes of a file whose name ended in `ext`.
    Bytes {
        /// The file's contents.
        data: &'a [u8],
        /// Its extension, the container hint.
        ext: Option<&'a str>,
    },
}

impl Input<'_> {
    /// How errors and reports name the input.
    pub(crate) fn label(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Bytes { .. } => "<bytes>".into(),
        }
    }

    fn ext(&self) -> Option<&str> {
        match self {
            Input::Path(p) => p.extension().and_then(|e| e.to_str()),
            Input::Bytes { ext, .. } => *ext,
        }
    }

    /// A fresh reader over the whole input.
    fn source(&self, label: &str) -> Result<Box<dyn MediaSource>> {
        match self {
            Input::Path(p) => File::open(p)
                .map(|f| Box::new(f) as Box<dyn MediaSource>)
                .map_err(|e| Error::Read {
                    path: label.to_string(),
                    message: e.to_string(),
                }),
            Input::Bytes { data, .. } => Ok(Box::new(Cursor::new(data.to_vec()))),
        }
    }

    /// The MP4 edit list, read apart from symphonia (which ignores it).
    fn edit(&self) -> Option<crate::mp4edit::Edit> {
        let ext = self.ext()?;
        match self {
            Input::Path(p) => {
                let mut f = File::open(p).ok()?;
                let len = f.metadata().ok()?.len();
                crate::mp4edit::read(&mut f, len, ext)
            }
            Input::Bytes { data, .. } => {
                crate::mp4edit::read(&mut Cursor::new(*data), data.len() as u64, ext)
            }
        }
    }
}

/// Probes `input` and makes a decoder for its first audio track.
fn open(input: &Input, label: &str) -> Result<Opened> {
    let mss = MediaSourceStream::new(input.source(label)?, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = input.ext() {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            mss,
            // Gapless: trim the encoder's delay and padding (MP3, AAC) as ffmpeg does, so
            // the measured audio is the audio that was encoded.
            &FormatOptions {
                enable_gapless: true,
                ..Default::default()
            },
            &MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::IoError(io) => Error::Read {
                path: label.to_string(),
                message: io.to_string(),
            },
            other => Error::Unsupported {
                path: label.to_string(),
                message: format!("not a recognised audio file ({other})"),
            },
        })?;
    let format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| Error::Unsupported {
            path: label.to_string(),
            message: "no audio track".into(),
        })?;
    let decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| Error::Unsupported {
            path: label.to_string(),
            message: format!("codec: {e}"),
        })?;
    Ok(Opened {
        track_id: track.id,
        expected_frames: track.codec_params.n_frames,
        max_packet: track.codec_params.max_frames_per_packet.unwrap_or(8192),
        format,
        decoder,
    })
}

/// Decodes `input`, handing each packet's samples to `sink`.
pub fn decode(input: &Input, mut sink: impl FnMut(&Spec, &[f32]) -> Result<()>) -> Result<Stream> {
    let label = input.label();
    let Opened {
        mut format,
        track_id,
        expected_frames,
        max_packet,
        mut decoder,
    } = open(input, &label)?;

    let edit = input.edit();
    // Frames to drop at the start and the most to keep, once the rate is known.
    let mut window: Option<(u64, u64)> = None;
    let mut position = 0u64;
    let mut spec: Option<Spec> = None;
    let mut buf: Option<SampleBuffer<f32>> = None;
    let mut frames = 0u64;
    // Packets that failed to demux or decode: how many, and the first reason.
    let mut bad_packets: (usize, Option<&'static str>) = (0, None);
    let mut record = |m: &'static str| {
        bad_packets.0 += 1;
        bad_packets.1.get_or_insert(m);
        bad_packets.0
    };
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(SymError::DecodeError(m)) => {
                // A damaged container rarely recovers; stop after a few.
                if record(m) > 8 {
                    break;
                }
                continue;
            }
            Err(e) => {
                return Err(Error::Corrupt {
                    path: label,
                    message: e.to_string(),
                });
            }
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymError::DecodeError(m)) => {
                record(m);
                continue;
            }
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => {
                return Err(Error::Corrupt {
                    path: label,
                    message: e.to_string(),
                });
            }
        };
        let sig = *decoded.spec();
        let n = decoded.frames();
        if n == 0 {
            continue;
        }
        // A header's rate or layout can be nonsense in a damaged file; nothing downstream
        // (meter, true-peak filter) can work with it.
        if sig.rate == 0 || sig.rate > 1_536_000 || sig.channels.count() == 0 {
            return Err(Error::Corrupt {
                path: label,
                message: format!(
                    "{} Hz, {} channel(s) is not a playable stream",
                    sig.rate,
                    sig.channels.count()
                ),
            });
        }
        let s = spec.get_or_insert_with(|| Spec {
            channels: sig.channels.count(),
            rate: sig.rate,
            map: channel_map(sig.channels),
        });
        if sig.channels.count() != s.channels || sig.rate != s.rate {
            return Err(Error::Unsupported {
                path: label,
                message: "the channel layout or sample rate changes mid-stream".into(),
            });
        }
        let b = match &mut buf {
            Some(b) if b.capacity() >= decoded.capacity() * s.channels => b,
            _ => buf.insert(SampleBuffer::<f32>::new(decoded.capacity() as u64, sig)),
        };
        b.copy_interleaved_ref(decoded);
        let (skip, keep) = *window.get_or_insert_with(|| match edit {
            Some(e) => (
                (e.skip_s * s.rate as f64).round() as u64,
                e.keep_s
                    .map_or(u64::MAX, |k| (k * s.rate as f64).round() as u64),
            ),
            None => (0, u64::MAX),
        });
        // The part of this packet inside [skip, skip + keep).
        let start = skip.saturating_sub(position).min(n as u64) as usize;
        let end = (skip.saturating_add(keep))
            .saturating_sub(position)
            .min(n as u64) as usize;
        position += n as u64;
        if end > start {
            sink(s, &b.samples()[start * s.channels..end * s.channels])?;
            frames += (end - start) as u64;
        }
    }
    if let (n, Some(first)) = bad_packets {
        return Err(Error::Corrupt {
            path: label,
            message: format!("{n} packet(s) could not be decoded (first: {first})"),
        });
    }
    let Some(s) = spec else {
        return Err(Error::Corrupt {
            path: label,
            message: "no audio frames could be decoded".into(),
        });
    };
    if let Some(expected) = expected_frames
        && frames + 2 * max_packet + 4096 < expected
    {
        return Err(Error::Corrupt {
            path: label,
            message: format!("truncated: {frames} of the {expected} frames the header announces"),
        });
    }
    Ok(Stream {
        frames,
        rate: s.rate,
    })
}
