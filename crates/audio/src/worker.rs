//! Decoding in a child process, so that a file which crashes the decoder costs that file's
//! result and nothing else.
//!
//! symphonia 0.5 panics on some malformed files and, worse, asks for allocations of tens
//! of gigabytes that abort the process — which no `catch_unwind` can stop and no guarding
//! allocator may (this workspace forbids `unsafe`). So the program re-invokes itself as a
//! worker (the CLI's hidden `decode-worker` subcommand calls [`serve`]); each worker reads
//! one request line per file and answers one JSON line. When a worker dies mid-file the
//! parent records a [`crate::Error::Crashed`] for that file and starts a new worker for the
//! next. Workers live for the whole batch, so the cost is one process start per core plus
//! a small JSON reply per file.
//!
//! Request: `h <hex of the path's bytes>` (keep the sample histogram) or `- <hex>`, then
//! optionally ` <hex of a filter's text>` (an EQ preset the worker builds its filter from).
//! Reply: one line of JSON, a [`Reply`].

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::blocks::FileBlocks;
use crate::{Error, FilterFactory, Filtering, MagnitudeHistogram, TrackReport};

/// How a worker turns a filter's text into a factory (the CLI: parse an EQ preset).
pub type FilterParser = dyn Fn(&str) -> std::result::Result<Box<FilterFactory>, String>;

/// The most address space a worker may take: far above any real file's needs (a few MB),
/// far below what the damaged files ask for, so a wild allocation fails inside the worker
/// instead of pushing the machine into swap.
#[cfg(unix)]
const WORKER_ADDRESS_SPACE_BYTES: u64 = 4 << 30;

/// How to start a worker: a program and its arguments (the CLI: itself, `decode-worker`).
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// The longest a file may take before its worker is killed and the file given an
    /// error: this base, plus [`SECONDS_PER_MB`] per megabyte of the file.
    pub timeout_base: Duration,
}

/// Time a file may take per megabyte on top of the base timeout. Decoding runs at hundreds
/// of times real time (a megabyte of WAV is 6 s of audio, of MP3 a minute), so only a
/// decoder stuck in a loop comes near this.
pub const SECONDS_PER_MB: f64 = 2.0;

/// The base timeout the CLI uses: a decoder that has produced nothing in this long, on top
/// of the per-megabyte allowance, is stuck.
pub const DEFAULT_TIMEOUT_BASE: Duration = Duration::from_secs(60);

/// Where decoding happens.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In this process: a panic becomes the file's error, an abort ends everything.
    InProcess,
    /// In worker processes started by this command.
    Workers(WorkerCommand),
}

/// One file's answer from a worker.
#[derive(Debug, Serialize, Deserialize)]
struct Reply {
    report: TrackReport,
    blocks: FileBlocks,
    histogram: Option<Vec<(u32, u64)>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_bytes(b: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(b))
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn path_from_bytes(b: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&b).into_owned())
}

/// The worker's side: answers requests on stdin until it closes; `parse_filter` builds a
/// filter from the text a request carries. Takes over the process: panics are silenced
/// (they become the file's error) and the address space is capped.
pub fn serve(parse_filter: &FilterParser) -> std::io::Result<()> {
    std::panic::set_hook(Box::new(|_| {}));
    #[cfg(unix)]
    {
        // Best effort: a system that refuses the cap still gets the isolation.
        let _ = rlimit::setrlimit(
            rlimit::Resource::AS,
            WORKER_ADDRESS_SPACE_BYTES,
            WORKER_ADDRESS_SPACE_BYTES,
        );
    }
    let stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    // The last filter built (or refused), by its text: a batch sends the same one with
    // every file.
    let mut cached: Option<(String, std::result::Result<Filtering, String>)> = None;
    for line in stdin.lines() {
        let line = line?;
        let mut parts = line.split(' ');
        let flag = parts.next().unwrap_or("-");
        let malformed = || std::io::Error::other("malformed request");
        let path = path_from_bytes(parts.next().and_then(unhex).ok_or_else(malformed)?);
        let filter_text = match parts.next() {
            Some(h) => {
                Some(String::from_utf8(unhex(h).ok_or_else(malformed)?).map_err(|_| malformed())?)
            }
            None => None,
        };
        let mut report = match filter_text {
            None => crate::analyze_file(&path),
            Some(text) => {
                if cached.as_ref().is_none_or(|(t, _)| *t != text) {
                    cached = match parse_filter(&text) {
                        Ok(make) => {
                            let f = Filtering {
                                name: String::new(),
                                text: text.clone(),
                                make,
                            };
                            Some((text, Ok(f)))
                        }
                        Err(m) => Some((text, Err(m))),
                    };
                }
                match cached.as_ref().map(|(_, f)| f) {
                    Some(Ok(f)) => crate::analyze_file_filtered(&path, Some(f)),
                    Some(Err(m)) => {
                        let label = path.display().to_string();
                        let e = Error::Unsupported {
                            path: label.clone(),
                            message: m.clone(),
                        };
                        TrackReport::failed(&label, &e)
                    }
                    None => crate::analyze_file(&path),
                }
            }
        };
        let reply = Reply {
            blocks: std::mem::take(&mut report.blocks),
            histogram: match (flag, report.histogram.take()) {
                ("h", Some(h)) => Some(h.to_sparse()),
                _ => None,
            },
            report,
        };
        serde_json::to_writer(&mut out, &reply).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(())
}

struct Running {
    /// Shared with the watchdog of the request in flight, which kills it when late.
    child: Arc<Mutex<Child>>,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Kills the worker if the request it watches is not answered by the deadline; dropping it
/// (the answer came) stops it.
struct Watchdog {
    done: Arc<(Mutex<bool>, Condvar)>,
    fired: Arc<Mutex<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(child: Arc<Mutex<Child>>, limit: Duration) -> Self {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let fired = Arc::new(Mutex::new(false));
        let (d, f) = (done.clone(), fired.clone());
        let thread = std::thread::spawn(move || {
            let (lock, cv) = &*d;
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (finished, _) = cv
                .wait_timeout_while(guard, limit, |finished| !*finished)
                .unwrap_or_else(|e| e.into_inner());
            if !*finished {
                *f.lock().unwrap_or_else(|e| e.into_inner()) = true;
                let _ = child.lock().unwrap_or_else(|e| e.into_inner()).kill();
            }
        });
        Self {
            done,
            fired,
            thread: Some(thread),
        }
    }

    /// Stops watching; true when the deadline had already passed and the worker was killed.
    fn stop(mut self) -> bool {
        let (lock, cv) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        *self.fired.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One worker seen from the parent, restarted after each crash.
pub(crate) struct Client {
    command: WorkerCommand,
    running: Option<Running>,
}

impl Client {
    pub(crate) fn new(command: WorkerCommand) -> Self {
        Self {
            command,
            running: None,
        }
    }

    fn start(&self) -> std::io::Result<Running> {
        let mut child = Command::new(&self.command.program)
            .args(&self.command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // A dying decoder's last words (a panic or allocation message) are not ours
            // to show: the file's error says what happened.
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(std::io::Error::other("worker pipes missing"));
        };
        Ok(Running {
            child: Arc::new(Mutex::new(child)),
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// Sends one request and reads its reply on the running worker (started if needed).
    /// A worker found dead when writing (it ended after its previous file) is replaced
    /// once; one that dies before replying died on this request.
    fn exchange(&mut self, request: &str, limit: Duration) -> std::result::Result<String, String> {
        for attempt in 0..2 {
            let w = match &mut self.running {
                Some(w) => w,
                None => self.running.insert(
                    self.start()
                        .map_err(|e| format!("cannot start the decoder process: {e}"))?,
                ),
            };
            let sent = w.stdin.write_all(request.as_bytes()).is_ok() && w.stdin.flush().is_ok();
            if !sent {
                let death = self.reap();
                if attempt == 0 {
                    continue;
                }
                return Err(death);
            }
            let mut line = String::new();
            let watchdog = Watchdog::start(w.child.clone(), limit);
            let read = w.stdout.read_line(&mut line);
            if watchdog.stop() {
                self.reap();
                return Err(format!(
                    "the decoder took longer than {} s on this file (stuck) and was stopped",
                    limit.as_secs()
                ));
            }
            return match read {
                Ok(n) if n > 0 => Ok(line),
                _ => Err(self.reap()),
            };
        }
        Err("the decoder process could not be started".into())
    }

    /// Ends the running worker, if any, and says how it ended.
    fn reap(&mut self) -> String {
        let Some(r) = self.running.take() else {
            return "the decoder process ended".into();
        };
        let mut child = r.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        match child.wait() {
            Ok(s) => describe_death(s),
            Err(_) => "the decoder process ended".into(),
        }
    }

    /// Analyses `path` in the worker; a worker that dies on it gives that file an error.
    pub(crate) fn analyze(
        &mut self,
        path: &Path,
        keep_histogram: bool,
        filter: Option<&Filtering>,
    ) -> TrackReport {
        let label = path.display().to_string();
        let request = format!(
            "{} {}{}\n",
            if keep_histogram { "h" } else { "-" },
            hex(&path_bytes(path)),
            filter.map_or(String::new(), |f| format!(" {}", hex(f.text.as_bytes())))
        );
        let crashed = |message: String| {
            TrackReport::failed(
                &label,
                &Error::Crashed {
                    path: label.clone(),
                    message,
                },
            )
        };
        let megabytes = std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6);
        let limit = self.command.timeout_base + Duration::from_secs_f64(SECONDS_PER_MB * megabytes);
        let line = match self.exchange(&request, limit) {
            Ok(l) => l,
            Err(m) => return crashed(m),
        };
        match serde_json::from_str::<Reply>(&line) {
            Ok(r) => {
                let mut report = r.report;
                report.path = label;
                if report.error.is_none() {
                    report.eq = filter.map(|f| f.name.clone());
                }
                report.blocks = r.blocks;
                report.histogram = r
                    .histogram
                    .map(|s| Box::new(MagnitudeHistogram::from_sparse(&s)));
                report
            }
            Err(e) => crashed(format!("unreadable answer from the decoder process: {e}")),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            // Closing stdin ends the worker's loop; wait so no zombie is left.
            drop(r.stdin);
            let _ = r.child.lock().unwrap_or_else(|e| e.into_inner()).wait();
        }
    }
}

fn describe_death(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let what = match sig {
                6 => " (abort: typically an allocation the file's header asked for)",
                9 => " (killed: out of memory?)",
                11 => " (segmentation fault)",
                _ => "",
            };
            return format!("the decoder process crashed on this file: signal {sig}{what}");
        }
    }
    match status.code() {
        Some(c) => format!("the decoder process crashed on this file: exit code {c}"),
        None => "the decoder process crashed on this file".into(),
    }
}
