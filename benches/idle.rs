//! Idle cost and memory at S, M and L: `cargo bench --bench idle` (`BENCH_SIZES=L` for one).
//!
//! The simulator runs in this process (so its request counters see only swarmtop, and the
//! changes below are made on the model directly, not over the API). The real swarmtop binary
//! runs in a tmux pane (200x50) connected to it, on the nodes pane, untouched. After the
//! first frame and a warm-up:
//! - **quiet**: nothing changes in the swarm for `BENCH_QUIET` seconds (default 60);
//! - **events**: for `BENCH_EVENTS` seconds (default 120) a service is scaled up or down
//!   every 20 s (a service `update` event, a task started or stopped) and a worker node is
//!   paused or made active again every 60 s (a node `update` event): 4 swarm events a minute;
//!
//! each phase reports the API requests per minute swarmtop made (by route) and its CPU time
//! (utime+stime from /proc/<pid>/stat) as a share of one core. Then the peak RSS (VmHWM):
//! after the idle phases, and again after visiting every pane (0..7, then 3 until every task is
//! in: 40,000 at L).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use bollard::models::NodeSpecAvailabilityEnum;

use common::*;
use swarmtop_sim::Sim;

const TMUX: &str = "swarmtop-bench";

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", TMUX])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_screen(session: &str, text: &str, timeout: Duration) {
    let t0 = Instant::now();
    while !tmux(&["capture-pane", "-p", "-t", session]).contains(text) {
        assert!(
            t0.elapsed() < timeout,
            "{text:?} not on screen:\n{}",
            tmux(&["capture-pane", "-p", "-t", session])
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Scales a service by `delta` replicas on the model (a service update event).
fn scale(sim: &Sim, name: &str, delta: i64) {
    sim.with(|m| {
        let s = m.service(name).ok()?;
        let id = s.id().to_string();
        let version = s.service.version.as_ref()?.index?;
        let mut spec = s.spec().clone();
        let r = spec.mode.as_mut()?.replicated.as_mut()?;
        r.replicas = Some(r.replicas.unwrap_or(1) + delta);
        m.update_service(&id, version, spec, false, swarmtop_sim::time::now())
            .ok()
    });
}

/// Sets a node's availability on the model (a node update event).
fn availability(sim: &Sim, host: &str, a: NodeSpecAvailabilityEnum) {
    sim.with(|m| {
        let n = m.node(host).ok()?;
        let id = n.id.clone()?;
        let version = n.version.as_ref()?.index?;
        let mut spec = n.spec.clone()?;
        spec.availability = Some(a);
        m.update_node(&id, version, spec, swarmtop_sim::time::now())
            .ok()
    });
}

struct Reading {
    at: Instant,
    cpu: f64,
    requests: BTreeMap<String, u64>,
}

fn read(sim: &Sim, pid: u32) -> Reading {
    Reading {
        at: Instant::now(),
        cpu: cpu_seconds(pid),
        requests: sim.requests(),
    }
}

fn phase(name: &str, a: &Reading, b: &Reading) {
    let mins = (b.at - a.at).as_secs_f64() / 60.0;
    let mut routes = Vec::new();
    let mut total = 0;
    for (route, n) in &b.requests {
        let d = n - a.requests.get(route).copied().unwrap_or(0);
        if d > 0 {
            total += d;
            routes.push(format!("{route} {d}"));
        }
    }
    println!(
        "| {name} | {:.1} | {:.2} | {:.2} % | {} |",
        mins * 60.0,
        total as f64 / mins,
        (b.cpu - a.cpu) / (mins * 60.0) * 100.0,
        routes.join(", ")
    );
}

fn main() {
    let warmup = setting("BENCH_WARMUP", 30, 2) as u64;
    let quiet = setting("BENCH_QUIET", 60, 3) as u64;
    let events = setting("BENCH_EVENTS", 120, 3) as u64;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for size in sizes() {
        run(&rt, &size, warmup, quiet, events);
    }
}

/// The binary on a cluster of `size`: quiet, then events, then every pane visited.
fn run(rt: &tokio::runtime::Runtime, size: &Size, warmup: u64, quiet: u64, events: u64) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sim.sock");
    let sim = Sim::seeded(&size.spec());
    let server = rt.block_on(sim.serve_unix(&socket)).unwrap();
    let services: Vec<String> = sim.with(|m| {
        m.services()
            .filter(|s| s.replicas().is_some())
            .map(|s| s.name().to_string())
            .take(50)
            .collect()
    });
    let workers: Vec<String> = sim.with(|m| {
        m.nodes()
            .filter(|n| n.manager_status.is_none())
            .filter_map(|n| n.description.as_ref()?.hostname.clone())
            .take(10)
            .collect()
    });

    println!("\n# idle at {} — {}", size.label(), machine());
    let session = "idle";
    let _ = tmux(&["kill-session", "-t", session]);
    let line = format!(
        "exec env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state TERM=xterm-256color {BIN} --host unix://{s}",
        d = dir.path().display(),
        s = socket.display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "200",
        "-y",
        "50",
        &line,
    ]);
    let pid: u32 = tmux(&["display", "-p", "-t", session, "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    wait_screen(session, "managers ", Duration::from_secs(120));
    std::thread::sleep(Duration::from_secs(warmup));
    println!(
        "warm-up {warmup} s after the first frame; RSS then {} MB\n",
        status_kb(pid, "VmRSS") / 1024
    );
    println!("| phase | seconds | API requests / min | CPU (one core) | requests by route |");
    println!("|---|---|---|---|---|");

    let a = read(&sim, pid);
    std::thread::sleep(Duration::from_secs(quiet));
    let b = read(&sim, pid);
    phase("quiet", &a, &b);

    let t0 = Instant::now();
    let mut tick = 0u64;
    while t0.elapsed() < Duration::from_secs(events) {
        let due = Duration::from_secs(tick * 20);
        if let Some(wait) = due.checked_sub(t0.elapsed()) {
            std::thread::sleep(wait);
        }
        let i = tick as usize;
        scale(
            &sim,
            &services[(i / 2) % services.len()],
            if i.is_multiple_of(2) { 1 } else { -1 },
        );
        if i.is_multiple_of(3) {
            let a = if (i / 3).is_multiple_of(2) {
                NodeSpecAvailabilityEnum::PAUSE
            } else {
                NodeSpecAvailabilityEnum::ACTIVE
            };
            availability(&sim, &workers[(i / 6) % workers.len()], a);
        }
        tick += 1;
    }
    let c = read(&sim, pid);
    phase("events (4 a minute)", &b, &c);
    let hwm_idle = status_kb(pid, "VmHWM");
    let rss_idle = status_kb(pid, "VmRSS");

    for k in ["0", "1", "2", "4", "5", "6", "7", "3"] {
        tmux(&["send-keys", "-t", session, k]);
        std::thread::sleep(Duration::from_secs(3));
    }
    std::thread::sleep(Duration::from_secs(15));
    let hwm_all = status_kb(pid, "VmHWM");
    let rss_all = status_kb(pid, "VmRSS");
    println!(
        "\n| memory | VmHWM (peak RSS) | VmRSS |\n|---|---|---|\n| after the idle phases | {:.1} MB | {:.1} MB |\n| after visiting every pane (all tasks loaded) | {:.1} MB | {:.1} MB |",
        hwm_idle as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        hwm_all as f64 / 1024.0,
        rss_all as f64 / 1024.0
    );
    let _ = tmux(&["kill-session", "-t", session]);
    drop(server);
}
