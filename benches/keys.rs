//! Key-press-to-frame latency at S, M and L: `cargo bench --bench keys`.
//!
//! Each cluster (at L: 200 nodes, 2,000 services, 20,000 running tasks and 20,000 earlier ones) is
//! served by the simulator in this process and read through the engine code (every task
//! included, the heaviest state the UI can hold). Each sample is one key: `update` with the
//! key, then `ui::draw` on a `TestBackend`, timed together; at 200x60 and at 80x24.
//!
//! - moving: `j` x120, `k` x40, `PgDn` x40 (on nodes, services, tasks)
//! - filtering: `/`, then typing `web`, backspace x3, `api`, Esc (x8) on services and tasks
//! - sorting: `o` x40 (cycles the columns and back) on nodes, services, tasks
//! - switching panes: `1`..`7`, `0` (x8), the panes' rows already built;
//! - switching to each pane right after a data change (its rows are built again), x3; not in
//!   the "every key" line: it is the cost of a refresh seen at the next switch.
//!
//! `BENCH_SIZES=S,M,L` (default all three), `BENCH_REPEAT=N` multiplies the samples. p50, p99 and max in ms.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod common;

use std::time::Instant;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::*;
use swarmtop::app::{Msg, State, update};
use swarmtop::connect::Endpoint;
use swarmtop::engine::{Engine, EngineMsg, Part, load_cluster};
use swarmtop::keymap::Keymap;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

struct Bench {
    state: State,
    term: Terminal<TestBackend>,
}

impl Bench {
    /// One sample: update with the message, then draw.
    fn press(&mut self, m: Msg) -> f64 {
        let t0 = Instant::now();
        let _ = update(&mut self.state, m);
        let state = &self.state;
        self.term.draw(|f| swarmtop::ui::draw(f, state)).unwrap();
        t0.elapsed().as_secs_f64() * 1000.0
    }

    fn untimed(&mut self, keys: &str) {
        for c in keys.chars() {
            let _ = update(&mut self.state, ch(c));
        }
        let state = &self.state;
        self.term.draw(|f| swarmtop::ui::draw(f, state)).unwrap();
    }
}

fn report(what: &str, size: &str, v: Vec<f64>) {
    let s = Stats::new(v);
    println!(
        "| {what} | {size} | {} | {:.2} | {:.2} | {:.2} |",
        s.0.len(),
        s.median(),
        s.p(0.99),
        s.max()
    );
}

fn main() {
    let repeat = env_usize("BENCH_REPEAT", 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for size in sizes() {
        run(&rt, &size, repeat);
    }
}

/// Every key of the list above, on a cluster of `cluster_size`, at 200x60 and 80x24.
fn run(rt: &tokio::runtime::Runtime, cluster_size: &Size, repeat: usize) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sim.sock");
    let sim = swarmtop_sim::Sim::seeded(&cluster_size.spec());
    let (engine, cluster) = rt.block_on(async {
        let server = sim.serve_unix(&socket).await.unwrap();
        std::mem::forget(server);
        let ep = Endpoint::unix_socket("default", socket.clone());
        let engine = Engine::connect(&ep, &swarmtop::access::Gate::open())
            .await
            .unwrap();
        let cluster = load_cluster(&engine).await.unwrap();
        (engine, cluster)
    });
    println!(
        "\n# key press to frame at {} — {}",
        cluster_size.label(),
        machine()
    );
    println!(
        "cluster: {} nodes, {} services, {} tasks loaded\n",
        cluster.nodes.len(),
        cluster.services.len(),
        cluster.tasks.len()
    );
    println!("| action | terminal | samples | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    // the first switch to each pane after a change, counted apart and then with every key
    let mut after_change = Vec::new();
    for (w, h) in [(200u16, 60u16), (80, 24)] {
        let size = format!("{w}x{h}");
        let mut b = Bench {
            state: State::new(
                "default".into(),
                engine.label(),
                Keymap::default_keymap(),
                Utc::now(),
            ),
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
        };
        let _ = update(&mut b.state, Msg::Resize(w, h));
        let _ = update(
            &mut b.state,
            Msg::Engine(EngineMsg::Connected {
                endpoint: engine.label(),
                engine_version: "sim".into(),
                api_version: engine.api_version(),
                switched_from: None,
                read_only: None,
            }),
        );
        let _ = update(
            &mut b.state,
            Msg::Engine(EngineMsg::Loaded(Box::new(cluster.clone()))),
        );
        b.untimed("");

        for (pane, name) in [('1', "nodes"), ('2', "services"), ('3', "tasks")] {
            b.untimed(&pane.to_string());
            let mut v = Vec::new();
            for _ in 0..repeat {
                b.untimed("g");
                for _ in 0..120 {
                    v.push(b.press(ch('j')));
                }
                for _ in 0..40 {
                    v.push(b.press(ch('k')));
                }
                for _ in 0..40 {
                    v.push(b.press(key(KeyCode::PageDown)));
                }
            }
            all.extend(v.iter().copied());
            report(&format!("move (j/k/PgDn) in {name}"), &size, v);
        }

        for (pane, name) in [('2', "services"), ('3', "tasks")] {
            b.untimed(&pane.to_string());
            let mut v = Vec::new();
            for _ in 0..8 * repeat {
                v.push(b.press(ch('/')));
                for c in "web".chars() {
                    v.push(b.press(ch(c)));
                }
                for _ in 0..3 {
                    v.push(b.press(key(KeyCode::Backspace)));
                }
                for c in "api".chars() {
                    v.push(b.press(ch(c)));
                }
                v.push(b.press(key(KeyCode::Esc)));
            }
            all.extend(v.iter().copied());
            report(&format!("filter (/web, bs, api, esc) in {name}"), &size, v);
        }

        for (pane, name) in [('1', "nodes"), ('2', "services"), ('3', "tasks")] {
            b.untimed(&pane.to_string());
            let mut v = Vec::new();
            for _ in 0..40 * repeat {
                v.push(b.press(ch('o')));
            }
            all.extend(v.iter().copied());
            report(&format!("sort (o) in {name}"), &size, v);
        }

        let mut v = Vec::new();
        for _ in 0..8 * repeat {
            for c in "12345670".chars() {
                v.push(b.press(ch(c)));
            }
        }
        all.extend(v.iter().copied());
        report("switch panes (1..7, 0)", &size, v);

        // the data changed since the pane was last shown: its rows are built again
        let services = cluster.services.clone();
        for c in "12345670".chars() {
            let mut v = Vec::new();
            for _ in 0..3 * repeat {
                b.untimed("7");
                let _ = update(
                    &mut b.state,
                    Msg::Engine(EngineMsg::Part(Part::Services(services.clone()))),
                );
                v.push(b.press(ch(c)));
            }
            after_change.extend(v.iter().copied());
            report(
                &format!("switch to pane {c} after a data change (rows rebuilt)"),
                &size,
                v,
            );
        }
        // a change to the tasks themselves (one task's new version): the tasks pane lists
        // them all, so its rows are built again whatever it keeps across other changes
        let mut v = Vec::new();
        for round in 0..3 * repeat {
            b.untimed("7");
            let mut t = cluster.tasks[round % cluster.tasks.len()].clone();
            if let Some(version) = t.version.as_mut() {
                version.index = Some(version.index.unwrap_or(0) + 1 + round as u64);
            }
            let delta = swarmtop::cluster::TaskDelta {
                upsert: vec![t],
                ..Default::default()
            };
            let _ = update(
                &mut b.state,
                Msg::Engine(EngineMsg::Part(Part::TaskDelta(delta))),
            );
            v.push(b.press(ch('3')));
        }
        after_change.extend(v.iter().copied());
        report(
            "switch to pane 3 after a task changed (rows rebuilt)",
            &size,
            v,
        );
    }
    report(
        &format!("**every key above** at {}", cluster_size.name),
        "both",
        all.clone(),
    );
    all.extend(after_change);
    report(
        &format!(
            "**every key, and the first switches after a change** at {}",
            cluster_size.name
        ),
        "both",
        all,
    );
    drop(sim);
}
