//! Time to the first complete frame at sizes S, M, L: `cargo bench --bench first_frame`.
//!
//! For each size a simulator runs as its own process (`swarmtop sim`), and each round times,
//! against that same simulator:
//! - **floor**: the HTTP requests swarmtop makes before its first complete frame, made by a
//!   minimal client (hyper, one connection per request, connect-time requests one after the
//!   other and the data requests in parallel, as swarmtop does), bodies read and not parsed;
//!   and the same plus the request for every task (what the first load used to wait for);
//! - **docker**: the unmodified docker CLI, `docker node ls` then `docker service ls`, each a
//!   process run to its end (output to /dev/null);
//! - **binary**: the real swarmtop binary started in a 200x50 pseudo-terminal, from spawn to
//!   the moment its output contains the header's health summary (`managers`), which is drawn
//!   only from the loaded cluster (before that the header says "loading the cluster…");
//! - **in-process**: the runtime's start-up without a terminal: connect and the manager check
//!   (as `main` does), the engine worker, `update` and `ui::draw` on a 200x50 `TestBackend`,
//!   until the first frame drawn from the loaded cluster; and until task data has arrived
//!   (the nodes pane's TASKS column is filled).
//!
//! `BENCH_SIZES=S,M,L`, `BENCH_ROUNDS=7`. Medians with (min–max).
//!
//! `BENCH_VS=PATH` also times another swarmtop binary in the same rounds, the same way as the
//! one cargo built (e.g. one built with other release settings: BENCHMARKS.md, section 9).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use common::*;
use swarmtop::app::{Msg, State, update};
use swarmtop::connect::Endpoint;
use swarmtop::engine::watch::{Intervals, Worker};
use swarmtop::engine::{Engine, EngineCmd};
use swarmtop::keymap::Keymap;

/// Asked one after the other while connecting: the API version, then the manager check.
const CONNECT: &[&str] = &["/version", "/info"];
/// Asked in parallel by the first load (keep in step with `engine::load::load_first`).
const FIRST_LOAD: &[&str] = &[
    "/nodes",
    "/services?status=true",
    "/secrets",
    "/configs",
    "/networks?filters=%7B%22scope%22%3A%5B%22swarm%22%5D%7D",
];
const ALL_TASKS: &str = "/tasks";

async fn floor(socket: &std::path::Path, api: &str, with_tasks: bool) -> Duration {
    let t0 = Instant::now();
    for p in CONNECT {
        let path = if *p == "/version" {
            p.to_string()
        } else {
            format!("/v{api}{p}")
        };
        raw_get(socket, &path).await;
    }
    let mut paths: Vec<String> = FIRST_LOAD.iter().map(|p| format!("/v{api}{p}")).collect();
    if with_tasks {
        paths.push(format!("/v{api}{ALL_TASKS}"));
    }
    let handles: Vec<_> = paths
        .into_iter()
        .map(|p| {
            let s = socket.to_path_buf();
            tokio::spawn(async move { raw_get(&s, &p).await })
        })
        .collect();
    for h in handles {
        let (status, _) = h.await.unwrap();
        assert_eq!(status, 200);
    }
    t0.elapsed()
}

fn docker(host: &str) -> Option<(Duration, Duration)> {
    let run = |args: &[&str]| -> Option<Duration> {
        let t0 = Instant::now();
        let st = std::process::Command::new("docker")
            .arg("-H")
            .arg(host)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        st.success().then(|| t0.elapsed())
    };
    Some((run(&["node", "ls"])?, run(&["service", "ls"])?))
}

// SIGTERM to our child through libc: std only has SIGKILL
#[allow(unsafe_code)]
fn binary(bin: &str, host: &str, home: &std::path::Path) -> Duration {
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["--host", host])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("TERM", "xterm-256color");
    let t0 = Instant::now();
    let mut run = spawn_in_pty(cmd, 200, 50, "managers");
    let at = run.found.recv_timeout(Duration::from_secs(120));
    // SAFETY: signalling our own child
    unsafe {
        libc::kill(run.child.id() as i32, libc::SIGTERM);
    }
    let _ = run.child.wait();
    at.expect("no loaded frame within 120 s") - t0
}

/// (first complete frame, task data arrived), both from the start of the connection.
async fn in_process(socket: &std::path::Path) -> (Duration, Duration) {
    let t0 = Instant::now();
    let ep = Endpoint::unix_socket("default", socket.to_path_buf());
    let engine = Engine::connect(&ep, &swarmtop::access::Gate::open())
        .await
        .unwrap();
    engine.require_manager().await.unwrap();
    let mut state = State::new(
        "default".into(),
        engine.label(),
        Keymap::default_keymap(),
        Utc::now(),
    );
    let (etx, mut erx) = mpsc::channel(256);
    let (ctx, crx) = mpsc::channel(64);
    let worker = Worker {
        endpoints: vec![ep],
        current: 0,
        engines: None,
        tx: etx,
        rx: crx,
        intervals: Intervals::default(),
        gate: engine.gate.clone(),
        engine: Some(engine),
    };
    let handle = tokio::spawn(worker.run());
    ctx.send(EngineCmd::WatchTasks(swarmtop::app::nav::task_scope(
        &state.view,
    )))
    .await
    .unwrap();
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    term.draw(|f| swarmtop::ui::draw(f, &state)).unwrap();
    let mut first = None;
    let tasks = loop {
        let m = erx.recv().await.expect("worker stopped");
        update(&mut state, Msg::Engine(m));
        term.draw(|f| swarmtop::ui::draw(f, &state)).unwrap();
        if first.is_none() && state.data_at.is_some() {
            first = Some(t0.elapsed());
        }
        if !state.cluster.tasks.is_empty() {
            break t0.elapsed();
        }
    };
    handle.abort();
    (first.unwrap_or(tasks), tasks)
}

fn main() {
    let rounds = setting("BENCH_ROUNDS", 7, 1);
    let vs = std::env::var("BENCH_VS").ok().filter(|v| !v.is_empty());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    println!("# first complete frame — {}", machine());
    println!("rounds per size: {rounds}; each cell: median (min–max) ms\n");
    if let Some(v) = &vs {
        println!("BENCH_VS: {v}, beside {BIN}\n");
    }
    println!(
        "| size | floor: first-frame requests | floor incl. all tasks | docker node ls + service ls | swarmtop binary (pty) | in-process first frame | in-process tasks in | binary / floor | binary / docker |{}",
        if vs.is_some() {
            " BENCH_VS binary (pty) | BENCH_VS / binary |"
        } else {
            ""
        }
    );
    println!(
        "|---|---|---|---|---|---|---|---|---|{}",
        if vs.is_some() { "---|---|" } else { "" }
    );
    let kinds = if vs.is_some() { 5 } else { 4 };
    for size in sizes() {
        let sim = SimProcess::start(&size);
        let host = sim.host();
        let api = rt.block_on(async {
            get_json(&sim.socket, "/version").await["ApiVersion"]
                .as_str()
                .unwrap_or("1.41")
                .to_string()
        });
        // warm up: page cache, the sim's first answers, the docker CLI's start
        rt.block_on(floor(&sim.socket, &api, true));
        let _ = docker(&host);
        let mut other = Vec::new();
        let (mut fl, mut flt, mut dk, mut bin, mut inp, mut inpt) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        // the simulator keeps serving a client's task list after it is gone: let it finish
        // before the next measurement
        let settle = Duration::from_millis(if size.services >= 1000 { 1500 } else { 300 });
        for round in 0..rounds {
            // rotate the order so none always runs first after a pause
            for k in 0..kinds {
                std::thread::sleep(settle);
                match (round + k) % kinds {
                    0 => {
                        fl.push(ms(rt.block_on(floor(&sim.socket, &api, false))));
                        flt.push(ms(rt.block_on(floor(&sim.socket, &api, true))));
                    }
                    1 => {
                        if let Some((a, b)) = docker(&host) {
                            dk.push(ms(a + b));
                        }
                    }
                    2 => bin.push(ms(binary(BIN, &host, home.path()))),
                    4 => {
                        if let Some(v) = &vs {
                            other.push(ms(binary(v, &host, home.path())));
                        }
                    }
                    _ => {
                        let (a, b) = rt.block_on(in_process(&sim.socket));
                        inp.push(ms(a));
                        inpt.push(ms(b));
                    }
                }
            }
        }
        let (fl, flt, dk, bin, inp, inpt) = (
            Stats::new(fl),
            Stats::new(flt),
            Stats::new(dk),
            Stats::new(bin),
            Stats::new(inp),
            Stats::new(inpt),
        );
        let vs_cells = if vs.is_some() {
            let o = Stats::new(other);
            format!(" {} | {:.2} |", o.ms(), o.median() / bin.median())
        } else {
            String::new()
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} |{vs_cells}",
            size.label(),
            fl.ms(),
            flt.ms(),
            if dk.0.is_empty() {
                "no docker CLI".to_string()
            } else {
                dk.ms()
            },
            bin.ms(),
            inp.ms(),
            inpt.ms(),
            bin.median() / fl.median(),
            bin.median() / dk.median(),
        );
    }
}
