//! Key-press-to-frame latency in the stack editor: `cargo bench --bench editor`.
//!
//! Two files are opened in the editor (no swarm needed: the editor does no I/O of its own):
//! - **1 MB**: a stack of 2,600 ordinary services (image, command, environment, deploy);
//! - **nested 100 KB**: one service and an `x-` extension block nested 60 levels deep, repeated
//!   until the file is 100 KB (the shape that made the old check slowest per byte).
//!
//! Each sample is one key: `update` with the key, then `ui::draw` on a 120x40 `TestBackend`,
//! timed together. Typing: 40 characters, Enter, 10 backspaces (x `BENCH_REPEAT`), in the
//! middle of the file; then a 20 KB bracketed paste delivered as one event (x3). Also timed
//! apart: the compose check of the whole text (what used to run on every key, now in the
//! background after a pause in typing).
//!
//! `BENCH_REPEAT=N` multiplies the samples (default 1; the old code took seconds per key on
//! the nested file). p50, p99 and max in ms.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod common;

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::*;
use swarmtop::app::{Msg, State, update};
use swarmtop::keymap::Keymap;
use swarmtop::stack::interpolate::Env;
use swarmtop::stack::load::{Source, check_sources};

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// About `bytes` of ordinary services.
fn big_stack(bytes: usize) -> String {
    let mut s = String::from("version: \"3.8\"\nservices:\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "  svc{i}:\n    image: registry.example.com/team/app{i}:1.{i}\n    command: [\"sleep\", \"3600\"]\n    environment:\n      MODE: production\n      INDEX: \"{i}\"\n      URL: http://svc{i}.internal:8080/api\n    deploy:\n      replicas: 2\n      labels:\n        team: ops\n      update_config:\n        parallelism: 1\n        delay: 5s\n    networks: [back]\n"
        ));
        i += 1;
    }
    s.push_str("networks:\n  back:\n    driver: overlay\n");
    s
}

/// One service and `x-` blocks nested `depth` levels, repeated up to about `bytes`.
fn nested_stack(bytes: usize, depth: usize) -> String {
    let mut s = String::from("version: \"3.8\"\nservices:\n  web:\n    image: busybox\n");
    let mut block = 0;
    while s.len() < bytes {
        s.push_str(&format!("x-block{block}:\n"));
        for d in 1..=depth {
            s.push_str(&"  ".repeat(d));
            s.push_str(&format!("level{d}:\n"));
        }
        s.push_str(&"  ".repeat(depth + 1));
        s.push_str("leaf: value\n");
        block += 1;
    }
    s
}

struct Bench {
    state: State,
    term: Terminal<TestBackend>,
}

impl Bench {
    fn open(text: &str) -> Bench {
        let mut state = State::new(
            "default".into(),
            "unix:///sim".into(),
            Keymap::default_keymap(),
            Utc::now(),
        );
        let _ = update(&mut state, Msg::Resize(120, 40));
        let _ = update(
            &mut state,
            Msg::FileOpened {
                path: PathBuf::from("/tmp/bench/big.yml"),
                stack: "big".into(),
                result: Ok(Some(text.to_string())),
            },
        );
        Bench {
            state,
            term: Terminal::new(TestBackend::new(120, 40)).unwrap(),
        }
    }

    fn press(&mut self, m: Msg) -> f64 {
        let t0 = Instant::now();
        let _ = update(&mut self.state, m);
        let state = &self.state;
        self.term.draw(|f| swarmtop::ui::draw(f, state)).unwrap();
        t0.elapsed().as_secs_f64() * 1000.0
    }
}

fn report(what: &str, v: Vec<f64>) {
    let s = Stats::new(v);
    println!(
        "| {what} | {} | {:.2} | {:.2} | {:.2} |",
        s.0.len(),
        s.median(),
        s.p(0.99),
        s.max()
    );
}

fn main() {
    let repeat = env_usize("BENCH_REPEAT", 1);
    let (big, nested) = if smoke() {
        (big_stack(20_000), nested_stack(5_000, 20))
    } else {
        (big_stack(1_000_000), nested_stack(100_000, 60))
    };
    println!("\n# key press to frame in the stack editor — {}", machine());
    println!("| file | samples | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, text) in [
        (format!("{} KB stack, typing", big.len() / 1000), &big),
        (
            format!("{} KB nested, typing", nested.len() / 1000),
            &nested,
        ),
    ] {
        let mut b = Bench::open(text);
        // to the middle of the file
        let lines = text.lines().count();
        for _ in 0..lines / 2 {
            let _ = update(&mut b.state, key(KeyCode::Down));
        }
        let _ = update(&mut b.state, key(KeyCode::End));
        let mut samples = Vec::new();
        for _ in 0..repeat {
            for c in "  # a comment typed in the middle ......".chars() {
                samples.push(b.press(key(KeyCode::Char(c))));
            }
            samples.push(b.press(key(KeyCode::Enter)));
            for _ in 0..10 {
                samples.push(b.press(key(KeyCode::Backspace)));
            }
        }
        report(&name, samples);
        // a 20 KB bracketed paste, as one event
        let mut paste = String::new();
        let mut i = 0;
        while paste.len() < 20_000 {
            paste.push_str(&format!(
                "# pasted line {i} ..............................\n"
            ));
            i += 1;
        }
        let pastes: Vec<f64> = (0..3 * repeat)
            .map(|_| b.press(Msg::Paste(paste.clone())))
            .collect();
        report(&format!("{name}: a 20 KB paste"), pastes);
        // the check of the whole text, as the editor runs it
        let mut checks = Vec::new();
        for _ in 0..3 {
            let src = [Source {
                name: "big.yml".into(),
                text: text.clone(),
            }];
            let t0 = Instant::now();
            let _ = check_sources(&src, std::path::Path::new("/tmp"), &Env::new());
            checks.push(ms(t0.elapsed()));
        }
        report(&format!("{name}: the compose check alone"), checks);
    }
}
