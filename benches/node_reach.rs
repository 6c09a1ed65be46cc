//! The cost of node reach at S, M and L: `cargo bench --bench node_reach` (`BENCH_SIZES=L` for
//! one, `BENCH_PHASE` seconds per view, default 60;
//! `BENCH_VIEWS=secrets,problems,services,tasks,nodes,top`).
//!
//! The simulator runs in this process with each node's own engine on a socket of its own
//! (`Sim::serve_nodes`), so its counters see only swarmtop's requests, per node. The real
//! swarmtop binary runs in a 200x50 tmux pane with config.yaml's `node_template` pointing at
//! those sockets. For each view (opened with its `:` command, then `BENCH_SETTLE` seconds,
//! default 15, for its first round and connections) one phase of `BENCH_PHASE` seconds
//! reports: requests to the nodes' engines per minute (in total, the nodes asked, the busiest
//! node; the manager's own node is reached through the session's socket and counted there),
//! swarmtop's CPU (utime+stime from /proc/<pid>/stat, share of one core), its RSS at the end
//! and the connections open to node sockets at the end.
//!
//! Views: a pane without usage (`:secrets`), the problems pane (health and image drift: the
//! container lists of every node that runs tasks), the services, tasks and nodes panes (usage
//! columns for the rows near the screen; a service or node row sums its tasks), and `:top`
//! (every running task of the swarm).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use swarmtop_sim::{Connections, Sim};

const TMUX: &str = "swarmtop-bench-nodes";

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

struct Reading {
    at: Instant,
    cpu: f64,
    /// Per node socket (hostname): requests so far.
    nodes: BTreeMap<String, u64>,
    /// The manager's socket: container requests (its own node's engine) so far.
    manager_containers: u64,
}

fn read(sim: &Sim, pid: u32) -> Reading {
    Reading {
        at: Instant::now(),
        cpu: cpu_seconds(pid),
        nodes: sim
            .node_requests()
            .into_iter()
            .map(|(h, r)| (h, r.values().sum()))
            .collect(),
        manager_containers: sim
            .requests()
            .iter()
            .filter(|(k, _)| k.starts_with("GET /containers"))
            .map(|(_, n)| n)
            .sum(),
    }
}

/// Open connections to node sockets, and the nodes holding one.
fn held(conns: &BTreeMap<String, Connections>) -> (u64, usize) {
    let nodes: Vec<&Connections> = conns
        .iter()
        .filter(|(k, _)| k.as_str() != "manager")
        .map(|(_, c)| c)
        .collect();
    (
        nodes.iter().map(|c| c.open).sum(),
        nodes.iter().filter(|c| c.open > 0).count(),
    )
}

fn phase(view: &str, a: &Reading, b: &Reading, pid: u32, conns: &BTreeMap<String, Connections>) {
    let mins = (b.at - a.at).as_secs_f64() / 60.0;
    let mut per_node: Vec<u64> = b
        .nodes
        .iter()
        .map(|(h, n)| n - a.nodes.get(h).copied().unwrap_or(0))
        .filter(|d| *d > 0)
        .collect();
    let mgr = b.manager_containers - a.manager_containers;
    if mgr > 0 {
        per_node.push(mgr);
    }
    let total: u64 = per_node.iter().sum();
    let busiest = per_node.iter().copied().max().unwrap_or(0);
    let asked = per_node.len();
    let (open, holding) = held(conns);
    println!(
        "| {view} | {:.0} | {:.0} | {asked} | {:.0} | {:.0} | {:.2} % | {:.1} MB | {open} ({holding} nodes) |",
        mins * 60.0,
        total as f64 / mins,
        if asked > 0 {
            total as f64 / asked as f64 / mins
        } else {
            0.0
        },
        busiest as f64 / mins,
        (b.cpu - a.cpu) / (mins * 60.0) * 100.0,
        status_kb(pid, "VmRSS") as f64 / 1024.0,
    );
}

fn main() {
    let phase_s = setting("BENCH_PHASE", 60, 3) as u64;
    let settle = setting("BENCH_SETTLE", 15, 3) as u64;
    let views = std::env::var("BENCH_VIEWS")
        .unwrap_or_else(|_| "secrets,problems,services,tasks,nodes,top".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for size in sizes() {
        run(&rt, &size, &views, settle, phase_s);
    }
}

fn run(rt: &tokio::runtime::Runtime, size: &Size, views: &str, settle: u64, phase_s: u64) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sim.sock");
    let sim = Sim::seeded(&size.spec());
    let server = rt.block_on(sim.serve_unix(&socket)).unwrap();
    let nodes = rt
        .block_on(sim.serve_nodes(dir.path().join("nodes")))
        .unwrap();
    let config = dir.path().join("config/swarmtop");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.yaml"),
        format!("node_template: {}\n", nodes.template()),
    )
    .unwrap();
    let running = sim.with(|m| {
        m.tasks()
            .filter(|t| t.state() == bollard::models::TaskState::RUNNING)
            .count()
    });

    println!(
        "\n# node reach at {} — {running} running tasks — {}",
        size.label(),
        machine()
    );
    let session = "nodes";
    let _ = tmux(&["kill-session", "-t", session]);
    let line = format!(
        "exec env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state TERM=xterm-256color {BIN} --host unix://{s} 2> {d}/stderr",
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
    println!(
        "\nsettle {settle} s after opening each view, then {phase_s} s measured\n\n| view | seconds | node requests / min | nodes asked | per node asked / min | busiest node / min | CPU (one core) | RSS at the end | node connections open |\n|---|---|---|---|---|---|---|---|---|"
    );
    for view in views.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        tmux(&["send-keys", "-t", session, "Escape"]);
        tmux(&["send-keys", "-t", session, ":"]);
        tmux(&["send-keys", "-t", session, "-l", view]);
        tmux(&["send-keys", "-t", session, "Enter"]);
        std::thread::sleep(Duration::from_secs(settle));
        let a = read(&sim, pid);
        std::thread::sleep(Duration::from_secs(phase_s));
        let b = read(&sim, pid);
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            println!(
                "\nswarmtop ended during {view}; its stderr:\n{}",
                std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
            );
            break;
        }
        phase(view, &a, &b, pid, &sim.connections());
    }
    println!(
        "\npeak RSS (VmHWM) {:.1} MB",
        status_kb(pid, "VmHWM") as f64 / 1024.0
    );
    let per_route: BTreeMap<String, u64> =
        sim.node_requests()
            .into_values()
            .fold(BTreeMap::new(), |mut acc, r| {
                for (k, n) in r {
                    *acc.entry(k).or_default() += n;
                }
                acc
            });
    println!("node requests by route over the run: {per_route:?}");
    let _ = tmux(&["kill-session", "-t", session]);
    drop(nodes);
    drop(server);
}
