//! Shared by the scale benchmarks: cluster sizes, the simulator as its own process, a minimal
//! HTTP client (the API floor), a pseudo-terminal for the real binary, /proc readings and
//! statistics. Benchmarks may unwrap: a failure here is a broken setup, not a result.
#![allow(dead_code)]

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;

/// The real binary, built by `cargo bench` in the bench profile.
pub const BIN: &str = match option_env!("CARGO_BIN_EXE_swarmtop") {
    Some(b) => b,
    None => "target/release/swarmtop",
};

/// A cluster size: S, M, L, XL.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub name: &'static str,
    pub nodes: usize,
    pub managers: usize,
    pub services: usize,
    pub tasks_per_service: usize,
}

pub const S: Size = Size {
    name: "S",
    nodes: 3,
    managers: 1,
    services: 20,
    tasks_per_service: 3,
};
pub const M: Size = Size {
    name: "M",
    nodes: 50,
    managers: 3,
    services: 500,
    tasks_per_service: 10,
};
pub const L: Size = Size {
    name: "L",
    nodes: 200,
    managers: 5,
    services: 2000,
    tasks_per_service: 10,
};
/// The largest swarms reported in the field (Docker's own scale test: 1,000 nodes).
pub const XL: Size = Size {
    name: "XL",
    nodes: 1000,
    managers: 5,
    services: 5000,
    tasks_per_service: 10,
};

impl Size {
    /// The simulator's preset of the same name (`swarmtop sim --size`), which it must equal.
    pub fn spec(&self) -> swarmtop_sim::SeedSpec {
        debug_assert_eq!(
            swarmtop_sim::SeedSpec::named(self.name).map(|s| s.services),
            Some(self.services)
        );
        swarmtop_sim::SeedSpec {
            nodes: self.nodes,
            managers: self.managers,
            services: self.services,
            tasks_per_service: self.tasks_per_service,
            history: 1,
            seed: 1,
        }
    }

    pub fn label(&self) -> String {
        format!(
            "{} ({}/{}/{})",
            self.name,
            self.nodes,
            self.services,
            self.services * self.tasks_per_service
        )
    }
}

/// `cargo test --all-targets` runs each bench binary without `--bench`: then it is a smoke run
/// (size S, one round, seconds long) that proves the bench still works without holding up the
/// test suite; `cargo bench` passes `--bench` and gets the real run.
pub fn smoke() -> bool {
    !std::env::args().any(|a| a == "--bench")
}

/// The size a single-size bench runs at: L, or S in a smoke run.
pub fn largest() -> Size {
    if smoke() { S } else { L }
}

/// A setting from the environment, else `bench` for a real run or `smoke` for a smoke run.
pub fn setting(key: &str, bench: usize, smoke_value: usize) -> usize {
    env_usize(key, if smoke() { smoke_value } else { bench })
}

/// Sizes chosen with `BENCH_SIZES=S,M,L,XL` (default all four; S in a smoke run).
pub fn sizes() -> Vec<Size> {
    let default = if smoke() { "S" } else { "S,M,L,XL" };
    let wanted = std::env::var("BENCH_SIZES").unwrap_or_else(|_| default.into());
    [S, M, L, XL]
        .into_iter()
        .filter(|s| wanted.split(',').any(|w| w.trim() == s.name))
        .collect()
}

pub fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One line saying where and when the figures were taken.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|o| {
            o.lines().find(|l| l.starts_with("PRETTY_NAME=")).map(|l| {
                l.trim_start_matches("PRETTY_NAME=")
                    .trim_matches('"')
                    .to_string()
            })
        })
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{} · {cores} cores, {mem_gib:.0} GiB, {os} · load average {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        load.join(" ")
    )
}

/// `swarmtop sim` serving one size on a unix socket, as its own process (its CPU is not ours).
pub struct SimProcess {
    child: Child,
    pub socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl SimProcess {
    pub fn start(size: &Size) -> SimProcess {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("sim.sock");
        let child = Command::new(BIN)
            .args(["sim", "--socket"])
            .arg(&socket)
            .args(["--nodes", &size.nodes.to_string()])
            .args(["--managers", &size.managers.to_string()])
            .args(["--services", &size.services.to_string()])
            .args(["--tasks-per-service", &size.tasks_per_service.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !socket.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "sim did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        SimProcess {
            child,
            socket,
            _dir: dir,
        }
    }

    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET over a fresh connection to a unix socket; returns the status and the body's length.
/// Nothing is parsed: this is the floor any client pays for the same request.
pub async fn raw_get(socket: &Path, path: &str) -> (u16, usize) {
    let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::get(format!("http://localhost{path}"))
        .header("Host", "localhost")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    let status = res.status().as_u16();
    let mut body = res.into_body();
    let mut n = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            n += data.len();
        }
    }
    (status, n)
}

/// GET whose JSON body is wanted (the sim's stats, /version).
pub async fn get_json(socket: &Path, path: &str) -> serde_json::Value {
    let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::get(format!("http://localhost{path}"))
        .header("Host", "localhost")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

/// A program in a pseudo-terminal of a given size; the output is read by a thread that notes
/// when `marker` first appears.
pub struct PtyRun {
    pub child: Child,
    pub found: std::sync::mpsc::Receiver<Instant>,
}

/// Starts `cmd` in a new pseudo-terminal (its controlling terminal) of `cols` x `rows`.
// a pty through libc: std has none
#[allow(unsafe_code)]
pub fn spawn_in_pty(mut cmd: Command, cols: u16, rows: u16, marker: &'static str) -> PtyRun {
    let mut master = 0;
    let mut slave = 0;
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two fds; the winsize is read only
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &ws,
        )
    };
    assert_eq!(r, 0, "openpty failed");
    // SAFETY: fresh fds from openpty, owned here
    let slave = unsafe { OwnedFd::from_raw_fd(slave) };
    let master = unsafe { std::fs::File::from_raw_fd(master) };
    cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY as _, 0);
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    drop(cmd);
    let (tx, found) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut master = master;
        let mut buf = vec![0u8; 1 << 16];
        let mut tail: Vec<u8> = Vec::new();
        let mut seen = false;
        loop {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if seen {
                        continue;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    if tail.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                        seen = true;
                        let _ = tx.send(Instant::now());
                    } else {
                        let keep = tail.len().saturating_sub(marker.len());
                        tail.drain(..keep);
                    }
                }
            }
        }
    });
    PtyRun { child, found }
}

/// utime + stime of a process, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // the command name may hold spaces: fields start after the closing parenthesis
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // after ')': state is field 3, utime 14, stime 15 (1-based in proc(5)) -> 11, 12 here
    let hz = 100.0;
    (ticks(11) + ticks(12)) / hz
}

/// A line of /proc/<pid>/status in kB (VmHWM, VmRSS).
pub fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Sorted samples with the usual summaries.
pub struct Stats(pub Vec<f64>);

impl Stats {
    pub fn new(mut v: Vec<f64>) -> Stats {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Stats(v)
    }
    /// Nearest-rank percentile, q in 0..=1.
    pub fn p(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let i = ((self.0.len() as f64) * q).ceil() as usize;
        self.0[i.clamp(1, self.0.len()) - 1]
    }
    pub fn median(&self) -> f64 {
        self.p(0.5)
    }
    pub fn min(&self) -> f64 {
        self.0.first().copied().unwrap_or(f64::NAN)
    }
    pub fn max(&self) -> f64 {
        self.0.last().copied().unwrap_or(f64::NAN)
    }
    /// "median (min–max)" in ms.
    pub fn ms(&self) -> String {
        format!("{:.1} ({:.1}–{:.1})", self.median(), self.min(), self.max())
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
