//! Log ingestion and rendering: `cargo bench --bench logs`.
//! Parses 1,000,000 lines in the engine's format (timestamp, details, message; some with colour
//! codes) into a 50,000-line ring, then draws frames of the logs view while lines stream in.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use swarmtop::app::logs::{DEFAULT_CAPACITY, LogView};
use swarmtop::engine::logs::{LogTarget, StreamKind, parse_line};
use swarmtop::theme::Theme;

/// 1,000,000 lines under `cargo bench`; 20,000 in the smoke run `cargo test --all-targets` makes.
fn lines_to_run() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        20_000
    }
}

fn raw(i: usize) -> String {
    let task = i % 5;
    let msg = if i.is_multiple_of(10) {
        format!("\x1b[32mINFO\x1b[0m request {i} served in {} ms", i % 97)
    } else {
        format!(
            "worker {task} processed item {i} status=ok bytes={}",
            i * 7 % 4096
        )
    };
    format!(
        "2026-11-22T12:{:02}:{:02}.{:09}Z com.docker.swarm.node.id=node{task},com.docker.swarm.service.id=svc,com.docker.swarm.task.id=task{task} {msg}\n",
        (i / 60_000) % 60,
        (i / 1000) % 60,
        i % 1_000_000_000
    )
}

fn main() {
    let lines = lines_to_run();
    let input: Vec<String> = (0..lines).map(raw).collect();
    let target = LogTarget::Service {
        id: "svc".into(),
        name: "web".into(),
    };

    // 1. ingestion alone: parse + sanitise + ring
    let mut view = LogView::new(target.clone(), DEFAULT_CAPACITY);
    let start = Instant::now();
    for chunk in input.chunks(512) {
        let lines = chunk
            .iter()
            .map(|l| parse_line(l, StreamKind::Stdout))
            .collect();
        view.ingest(lines, |t, n| format!("web.{t}@{n}"));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "ingest: {lines} lines in {secs:.3} s = {:.0} lines/s (ring {} lines, {} dropped)",
        lines as f64 / secs,
        view.lines.len(),
        view.dropped
    );

    // 2. streaming: batches of 2,000 lines, a frame drawn after each (120x40, following)
    let theme = Theme::default_theme();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut view = LogView::new(target, DEFAULT_CAPACITY);
    let mut frames = Vec::new();
    let start = Instant::now();
    for chunk in input.chunks(2_000) {
        let lines = chunk
            .iter()
            .map(|l| parse_line(l, StreamKind::Stdout))
            .collect();
        view.ingest(lines, |t, n| format!("web.{t}@{n}"));
        let f0 = Instant::now();
        term.draw(|f| swarmtop::ui::logs::draw(f, f.area(), &view, &theme))
            .expect("draw");
        frames.push(f0.elapsed().as_secs_f64() * 1000.0);
    }
    let secs = start.elapsed().as_secs_f64();
    frames.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let p = |q: f64| frames[((frames.len() as f64 - 1.0) * q) as usize];
    println!(
        "streaming with a frame every 2,000 lines: {:.0} lines/s; frame time p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} frames)",
        lines as f64 / secs,
        p(0.5),
        p(0.99),
        p(1.0),
        frames.len()
    );
}
