//! Following the logs of a service or a task. Lines carry the task and node they came from
//! (the engine's `details`), are parsed off the hot path of the UI, and the stream is resumed
//! after it ends (tasks replaced, connection lost) from a little before where it stopped: per
//! task, lines already seen are dropped, so nothing is doubled and nothing is lost, even when the
//! engine delivers a task's lines slightly out of time order.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::Duration;

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use super::client::Engine;
use super::error::from_bollard;
pub use swarmtop_model::feed::{LogEvent, LogLine, LogRequest, LogTarget, StreamKind};

/// Splits `<timestamp> <k=v,...> <message>` as the engine writes it with timestamps and details.
pub fn parse_line(raw: &str, stream: StreamKind) -> LogLine {
    let raw = raw.strip_suffix('\n').unwrap_or(raw);
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let (ts, rest) = match raw.split_once(' ') {
        Some((t, r)) => match DateTime::parse_from_rfc3339(t) {
            Ok(d) => (d.with_timezone(&Utc).timestamp_nanos_opt().unwrap_or(0), r),
            Err(_) => (0, raw),
        },
        None => (0, raw),
    };
    let mut task_id = String::new();
    let mut node_id = String::new();
    let mut text = rest;
    // details come first: comma-separated k=v with no spaces, then one space
    if let Some((details, msg)) = rest.split_once(' ').or(Some((rest, "")))
        && details.contains("com.docker.swarm.")
        && details.split(',').all(|kv| kv.contains('='))
    {
        for kv in details.split(',') {
            if let Some((k, v)) = kv.split_once('=') {
                match k {
                    "com.docker.swarm.task.id" => task_id = v.to_string(),
                    "com.docker.swarm.node.id" => node_id = v.to_string(),
                    _ => {}
                }
            }
        }
        text = msg;
    }
    LogLine {
        ts,
        task_id,
        node_id,
        stream,
        text: text.to_string(),
    }
}

/// How far apart in time a task's lines may arrive out of order. The engine stamps stdout and
/// stderr in two goroutines before writing them to one file, so a stderr line can follow a
/// stdout line stamped after it (seen under load: dropping "older" lines lost one).
const DISORDER_NANOS: i64 = 2_000_000_000;

/// Per task, the lines seen in the last few seconds of its time, so a resumed stream (which
/// repeats from `since_nanos`) skips what was delivered while lines out of order still pass.
#[derive(Debug, Default)]
struct Seen {
    newest: i64,
    /// Lines at or before this time were forgotten: a repeat, if they come again.
    floor: Option<i64>,
    /// (timestamp, hash of text) in arrival order, at most `SEEN_LINES`, none older than
    /// `newest - 2 * DISORDER_NANOS`
    order: VecDeque<(i64, u64)>,
    set: HashSet<(i64, u64)>,
}

/// Bounds the memory of a fast task: its disorder spans a few lines, not thousands.
const SEEN_LINES: usize = 4096;

impl Seen {
    fn accept(&mut self, ts: i64, text: &str) -> bool {
        if self.floor.is_some_and(|f| ts <= f) {
            return false;
        }
        let key = (ts, text_hash(text));
        if !self.set.insert(key) {
            return false;
        }
        self.order.push_back(key);
        self.newest = self.newest.max(ts);
        let keep_from = self.newest.saturating_sub(2 * DISORDER_NANOS);
        while let Some(&front) = self.order.front() {
            if front.0 >= keep_from && self.order.len() <= SEEN_LINES {
                break;
            }
            self.order.pop_front();
            self.set.remove(&front);
            self.floor = Some(self.floor.map_or(front.0, |f| f.max(front.0)));
        }
        true
    }
}

/// Remembers what each task sent, so a resumed stream skips what was delivered.
#[derive(Debug, Default)]
pub struct Resume {
    tasks: HashMap<String, Seen>,
}

fn text_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Resume {
    /// True if the line is new; records it.
    pub fn accept(&mut self, l: &LogLine) -> bool {
        if l.ts == 0 {
            return true;
        }
        // look up before `entry`: the task ID is cloned once per task, not once per line
        match self.tasks.get_mut(&l.task_id) {
            Some(seen) => seen.accept(l.ts, &l.text),
            None => self
                .tasks
                .entry(l.task_id.clone())
                .or_default()
                .accept(l.ts, &l.text),
        }
    }

    /// Where a resumed stream starts: a little before the oldest newest-line of the tasks (lines
    /// may arrive out of order by up to `DISORDER_NANOS`), but no more than five minutes before
    /// the newest line (a task quiet for longer has nothing in between).
    pub fn since_nanos(&self) -> Option<i64> {
        let oldest = self.tasks.values().map(|s| s.newest).min()?;
        let newest = self.tasks.values().map(|s| s.newest).max()?;
        Some((oldest - DISORDER_NANOS).max(newest - 300 * 1_000_000_000))
    }
}

fn options(req: &LogRequest) -> LogsOptions {
    LogsOptions {
        follow: req.follow,
        stdout: true,
        stderr: true,
        since: 0,
        until: 0,
        timestamps: true,
        tail: req.tail.to_string(),
    }
}

/// bollard's options cannot say `details` nor a sub-second `since`: rewrite the query of the
/// logs request with ours.
fn with_query(engine: &Engine, query: String) -> bollard::Docker {
    engine.docker.clone().with_request_modifier(move |mut req| {
        if req.uri().path().ends_with("/logs") {
            let uri = req.uri().clone();
            let mut parts = uri.into_parts();
            if let Some(pq) = parts.path_and_query.as_ref() {
                let new = format!("{}?{}", pq.path(), query);
                if let Ok(v) = new.parse() {
                    parts.path_and_query = Some(v);
                }
            }
            if let Ok(u) = hyper::Uri::from_parts(parts) {
                *req.uri_mut() = u;
            }
        }
        req
    })
}

fn query(req: &LogRequest, since_nanos: Option<i64>) -> String {
    // details are the swarm's labels of a service or task line; a container's own logs have
    // none to give (and a message would then be read as details)
    let details = match req.target {
        LogTarget::Container { .. } => 0,
        _ => 1,
    };
    let mut q = format!(
        "stdout=1&stderr=1&timestamps=1&details={details}&follow={}",
        if req.follow { 1 } else { 0 }
    );
    match since_nanos {
        Some(n) => {
            q.push_str(&format!(
                "&since={}.{:09}",
                n.div_euclid(1_000_000_000),
                n.rem_euclid(1_000_000_000)
            ));
        }
        None => {
            if let Some(s) = req.since {
                q.push_str(&format!("&since={s}"));
            } else {
                q.push_str(&format!("&tail={}", req.tail));
            }
        }
    }
    q
}

/// Streams the logs to `tx` until the receiver is dropped. Batches lines to keep the UI cheap.
/// `engines` is the session's engine: when the session moves to another manager (after a cut
/// or a crash of this one), the stream moves with it at once, instead of waiting on a silent
/// connection or retrying a dead one.
pub async fn follow(
    mut engines: watch::Receiver<Engine>,
    req: LogRequest,
    tx: mpsc::Sender<LogEvent>,
) {
    let mut resume = Resume::default();
    let mut failures = 0u32;
    let mut resumed = false;
    loop {
        let engine = engines.borrow_and_update().clone();
        let since = if resumed { resume.since_nanos() } else { None };
        let docker = with_query(&engine, query(&req, since));
        let stream = match &req.target {
            LogTarget::Service { id, .. } => docker.service_logs(id, Some(options(&req))).boxed(),
            LogTarget::Task { id, .. } => docker.task_logs(id, Some(options(&req))).boxed(),
            LogTarget::Container { container_id, .. } => {
                docker.logs(container_id, Some(options(&req))).boxed()
            }
        };
        let mut stream = stream.ready_chunks(512);
        if resumed && tx.send(LogEvent::Resumed).await.is_err() {
            return;
        }
        let mut got_any = false;
        let end = loop {
            let items = tokio::select! {
                items = stream.next() => items,
                changed = engines.changed() => match changed {
                    Ok(()) => break End::Moved,
                    // the session is over: nothing will move the stream again
                    Err(_) => return,
                },
            };
            match items {
                Some(items) => {
                    let mut batch = Vec::with_capacity(items.len());
                    let mut err = None;
                    for item in items {
                        match item {
                            Ok(out) => {
                                let (bytes, kind) = match &out {
                                    LogOutput::StdErr { message } => (message, StreamKind::Stderr),
                                    LogOutput::StdOut { message }
                                    | LogOutput::Console { message }
                                    | LogOutput::StdIn { message } => (message, StreamKind::Stdout),
                                };
                                let mut line = parse_line(&String::from_utf8_lossy(bytes), kind);
                                // a container's own lines carry no swarm details
                                if let LogTarget::Container {
                                    task_id, node_id, ..
                                } = &req.target
                                {
                                    line.task_id.clone_from(task_id);
                                    line.node_id.clone_from(node_id);
                                }
                                if resume.accept(&line) {
                                    batch.push(line);
                                }
                            }
                            Err(e) => {
                                err = Some(from_bollard(&engine.label(), &e));
                                break;
                            }
                        }
                    }
                    if !batch.is_empty() {
                        got_any = true;
                        if tx.send(LogEvent::Lines(batch)).await.is_err() {
                            return;
                        }
                    }
                    if let Some(e) = err {
                        // the engine refusing (log driver, no such task) is final, a
                        // broken connection is not
                        if !e.is_connection() && !got_any && !resumed {
                            let _ = tx.send(LogEvent::Failed(e.to_string())).await;
                            return;
                        }
                        break End::Broken(e.to_string());
                    }
                }
                None => break End::Broken("the log stream ended".to_string()),
            }
        };
        if !req.follow {
            return;
        }
        match end {
            End::Moved => {
                failures = 0;
                let to = engines.borrow().label();
                if tx.send(LogEvent::Moved { to }).await.is_err() {
                    return;
                }
            }
            End::Broken(reason) => {
                failures = if got_any { 0 } else { failures + 1 };
                let wait = super::watch::backoff(failures).min(Duration::from_secs(10));
                if tx
                    .send(LogEvent::Interrupted {
                        reason,
                        retry_in: wait,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
                // a move during the wait is followed at once
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    changed = engines.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let to = engines.borrow().label();
                        if tx.send(LogEvent::Moved { to }).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
        resumed = true;
    }
}

/// Why one request's stream stopped.
enum End {
    /// The session moved to another engine.
    Moved,
    /// It ended or failed; resumed after a wait.
    Broken(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamp_details_and_message() {
        let l = parse_line(
            "2026-11-22T20:27:59.449664146Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello world\n",
            StreamKind::Stdout,
        );
        assert_eq!(l.task_id, "t1");
        assert_eq!(l.node_id, "n1");
        assert_eq!(l.text, "hello world");
        assert_eq!(l.ts % 1_000_000_000, 449_664_146);
    }

    #[test]
    fn a_message_without_details_is_kept_whole() {
        let l = parse_line("2026-11-22T20:27:59Z plain text here", StreamKind::Stderr);
        assert_eq!(l.text, "plain text here");
        assert_eq!(l.stream, StreamKind::Stderr);
    }

    fn line(ts: i64, task: &str, text: &str) -> LogLine {
        LogLine {
            ts,
            task_id: task.into(),
            node_id: String::new(),
            stream: StreamKind::Stdout,
            text: text.into(),
        }
    }

    const S: i64 = 1_000_000_000;

    #[test]
    fn resume_drops_what_was_seen_per_task() {
        let mut r = Resume::default();
        assert!(r.accept(&line(10 * S, "a", "1")));
        assert!(r.accept(&line(20 * S, "a", "2")));
        assert!(r.accept(&line(15 * S, "b", "x")));
        // the resumed stream starts a little before the oldest newest line (b at 15 s)
        assert_eq!(r.since_nanos(), Some(15 * S - DISORDER_NANOS));
        assert!(!r.accept(&line(15 * S, "b", "x")));
        assert!(!r.accept(&line(20 * S, "a", "2")));
        assert!(!r.accept(&line(10 * S, "a", "1")), "long before: a repeat");
        assert!(
            r.accept(&line(20 * S, "a", "2b")),
            "same time, other text: new"
        );
        assert!(r.accept(&line(21 * S, "a", "3")));
    }

    #[test]
    fn a_line_stamped_before_the_previous_one_is_kept() {
        // stdout "n=5" stamped at .002 is written after stderr's NEEDLE stamped at .003
        let mut r = Resume::default();
        assert!(r.accept(&line(100 * S + 1_000_000, "a", "n=4")));
        assert!(r.accept(&line(100 * S + 3_000_000, "a", "NEEDLE")));
        assert!(r.accept(&line(100 * S + 2_000_000, "a", "n=5")));
        assert!(r.accept(&line(100 * S + 4_000_000, "a", "n=6")));
        // and a resume repeating all four skips them
        let since = r.since_nanos().unwrap();
        assert!(since < 100 * S + 1_000_000);
        for (ts, t) in [(1, "n=4"), (3, "NEEDLE"), (2, "n=5"), (4, "n=6")] {
            assert!(!r.accept(&line(100 * S + ts * 1_000_000, "a", t)), "{t}");
        }
        assert!(r.accept(&line(100 * S + 5_000_000, "a", "n=7")));
    }

    #[test]
    fn a_fast_task_is_remembered_in_bounded_memory() {
        let mut r = Resume::default();
        for i in 0..(3 * SEEN_LINES as i64) {
            assert!(r.accept(&line(S + i, "a", &format!("n={i}"))));
        }
        let seen = &r.tasks["a"];
        assert_eq!(seen.order.len(), SEEN_LINES);
        assert_eq!(seen.set.len(), SEEN_LINES);
        // forgotten lines are still recognised as repeats
        assert!(!r.accept(&line(S, "a", "n=0")));
        let last = 3 * SEEN_LINES as i64 - 1;
        assert!(!r.accept(&line(S + last, "a", &format!("n={last}"))));
    }

    /// Two simulated managers of one swarm (the same seed: the same IDs), each on its socket.
    async fn manager(
        dir: &swarmtop_sim::PrivateDir,
        name: &str,
    ) -> (swarmtop_sim::Sim, swarmtop_sim::SimServer, Engine) {
        use crate::connect::Endpoint;
        let sim = swarmtop_sim::Sim::seeded(&swarmtop_sim::SeedSpec {
            nodes: 2,
            managers: 1,
            services: 1,
            tasks_per_service: 2,
            history: 0,
            seed: 7,
        });
        sim.set_log_rate(20.0);
        let sock = dir.path().join(name);
        let server = sim.serve_unix(&sock).await.unwrap();
        let endpoint = Endpoint::unix_socket("test", sock);
        let engine = Engine::connect(&endpoint, &crate::access::Gate::open())
            .await
            .unwrap();
        (sim, server, engine)
    }

    fn log_requests(sim: &swarmtop_sim::Sim) -> u64 {
        sim.requests()
            .iter()
            .filter(|(k, _)| k.ends_with("/logs"))
            .map(|(_, n)| n)
            .sum()
    }

    async fn next(events: &mut mpsc::Receiver<LogEvent>) -> LogEvent {
        tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .expect("a log event within 30 s")
            .expect("the stream goes on")
    }

    #[tokio::test]
    async fn the_stream_moves_with_the_session_and_says_so() {
        let dir = swarmtop_sim::PrivateDir::new("swarmtop-logs-move").unwrap();
        let (a, _sa, ea) = manager(&dir, "a.sock").await;
        let (b, _sb, eb) = manager(&dir, "b.sock").await;
        let id = a.with(|m| m.services().next().map(|s| s.id().to_string()));
        let id = id.expect("a service");
        let (engines, rx) = watch::channel(ea);
        let (tx, mut events) = mpsc::channel(64);
        let req = LogRequest {
            target: LogTarget::Service {
                id,
                name: "s".into(),
            },
            since: None,
            tail: 10,
            follow: true,
        };
        let task = tokio::spawn(follow(rx, req, tx));
        while !matches!(next(&mut events).await, LogEvent::Lines(_)) {}
        // manager a stops answering (its streams hang, as in a network cut) and the session
        // moves to b: the stream follows at once, and says so
        a.faults().set_latency(Duration::from_secs(3600));
        engines.send_replace(eb.clone());
        let mut seen = Vec::new();
        loop {
            match next(&mut events).await {
                LogEvent::Lines(_) if seen.contains(&"moved") => break,
                LogEvent::Moved { to } => {
                    assert_eq!(to, eb.label());
                    seen.push("moved");
                }
                LogEvent::Resumed => seen.push("resumed"),
                LogEvent::Lines(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(seen, ["moved", "resumed"]);
        assert!(log_requests(&b) >= 1, "{:?}", b.requests());
        task.abort();
    }

    #[test]
    fn query_asks_for_details_and_precise_since() {
        let req = LogRequest {
            target: LogTarget::Service {
                id: "s".into(),
                name: "web".into(),
            },
            since: None,
            tail: 1000,
            follow: true,
        };
        assert_eq!(
            query(&req, None),
            "stdout=1&stderr=1&timestamps=1&details=1&follow=1&tail=1000"
        );
        assert!(
            query(&req, Some(1_700_000_000_000_000_001)).ends_with("&since=1700000000.000000001")
        );
    }
}
