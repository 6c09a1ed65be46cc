//! The two streaming endpoints: `/events` (history since a time, then live, filtered) and
//! service/task logs (history with tail/since, then followed). Each stream is a task feeding
//! the response body; it ends when the client goes away, `until` passes, or the streams are
//! cut on purpose (`Faults::drop_streams`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use super::events::EventFilter;
use super::http::{Reply, parse_filters, sim_error, stream};
use super::logs::{LogRequest, Source, collect};
use super::model::{Model, SimError};
use super::shared::Shared;
use super::time::{self, Nanos, parse_api_time};

/// How often a followed log is topped up.
const LOG_TICK: Duration = Duration::from_millis(100);

fn api_time(q: &HashMap<String, String>, key: &str) -> Result<Option<Nanos>, SimError> {
    match q.get(key).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_api_time(s)
            .map(Some)
            .ok_or_else(|| SimError::Invalid(format!("invalid value for {key:?}: {s:?}"))),
    }
}

fn deadline(until: Option<Nanos>, now: Nanos) -> Option<Instant> {
    until.map(|u| Instant::now() + Duration::from_nanos((u - now).max(0) as u64))
}

async fn sleep_until_opt(d: Option<Instant>) {
    match d {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// `GET /events`.
pub(crate) fn events(shared: &Arc<Shared>, q: &HashMap<String, String>) -> Reply {
    let prepared = (|| {
        let filter = EventFilter::new(parse_filters(q)?).map_err(SimError::Invalid)?;
        Ok::<_, SimError>((filter, api_time(q, "since")?, api_time(q, "until")?))
    })();
    let (filter, since, until) = match prepared {
        Ok(p) => p,
        Err(e) => return sim_error(&e),
    };
    let now = time::now();
    let (past, mut rx) = shared.model().events().subscribe(since);
    let mut cut = shared.faults.stream_cut();
    cut.borrow_and_update();
    let (tx, body) = mpsc::channel::<Bytes>(256);
    let encode = |ev: &bollard::models::EventMessage| {
        let mut b = serde_json::to_vec(ev).unwrap_or_default();
        b.push(b'\n');
        Bytes::from(b)
    };
    let end = deadline(until, now);
    tokio::spawn(async move {
        for ev in past {
            if until.is_some_and(|u| ev.time_nano.unwrap_or(0) > u) {
                return;
            }
            if filter.matches(&ev) && tx.send(encode(&ev)).await.is_err() {
                return;
            }
        }
        if until.is_some_and(|u| u <= now) {
            return;
        }
        loop {
            tokio::select! {
                r = rx.recv() => match r {
                    Ok(ev) => {
                        if until.is_some_and(|u| ev.time_nano.unwrap_or(0) > u) {
                            return;
                        }
                        if filter.matches(&ev) && tx.send(encode(&ev)).await.is_err() {
                            return;
                        }
                    }
                    // a slow reader misses events, as with the engine
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = cut.changed() => return,
                _ = sleep_until_opt(end) => return,
                _ = tx.closed() => return,
            }
        }
    });
    stream(Some("application/json"), body)
}

/// Whose logs.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Service(String),
    Task(String),
}

fn sources(m: &Model, target: &Target) -> Result<Vec<Source>, SimError> {
    match target {
        Target::Service(id) => {
            let id = m.service_id(id)?;
            Ok(m.tasks_of_service(&id)
                .filter_map(|t| Source::of(m, t))
                .collect())
        }
        Target::Task(id) => {
            let t = m.task(id)?;
            Ok(Source::of(m, t).into_iter().collect())
        }
    }
}

/// `GET /services/{id}/logs` and `GET /tasks/{id}/logs`.
pub(crate) fn logs(
    shared: &Arc<Shared>,
    q: &HashMap<String, String>,
    target: Target,
    api: (u32, u32),
) -> Reply {
    let req = match LogRequest::parse(q) {
        Ok(r) => r,
        Err(e) => return sim_error(&e),
    };
    // resolve the target now: an unknown service or task is a 404, not an empty stream
    let target = {
        let m = shared.model();
        let resolved = match &target {
            Target::Service(k) => m.service_id(k).map(Target::Service),
            Target::Task(k) => m.task(k).map(|t| Target::Task(t.id().to_string())),
        };
        match resolved {
            Ok(t) => t,
            Err(e) => return sim_error(&e),
        }
    };
    let now = time::now();
    let upto = req.until.map_or(now, |u| u.min(now));
    let mut first = Vec::new();
    {
        let m = shared.model();
        if let Ok(srcs) = sources(&m, &target) {
            collect(
                &srcs,
                &req,
                req.since.unwrap_or(i64::MIN),
                upto,
                req.tail,
                &mut first,
            );
        }
    }
    let mut cut = shared.faults.stream_cut();
    cut.borrow_and_update();
    let (tx, body) = mpsc::channel::<Bytes>(64);
    let weak = Arc::downgrade(shared);
    let end = deadline(req.until, now);
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        if !req.follow || req.until.is_some_and(|u| u <= now) {
            return;
        }
        let mut last = upto;
        let mut tick = tokio::time::interval(LOG_TICK);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = cut.changed() => return,
                _ = sleep_until_opt(end) => return,
                _ = tx.closed() => return,
            }
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let now = time::now();
            let upto = req.until.map_or(now, |u| u.min(now));
            let mut chunk = Vec::new();
            let finished = {
                let m = shared.model();
                match sources(&m, &target) {
                    Ok(srcs) => {
                        collect(&srcs, &req, last, upto, None, &mut chunk);
                        // a task's log ends with its container; a service's goes on
                        matches!(target, Target::Task(_))
                            && srcs.iter().all(|s| s.stopped.is_some_and(|st| st < upto))
                    }
                    Err(_) => true,
                }
            };
            last = upto;
            if !chunk.is_empty() && tx.send(Bytes::from(chunk)).await.is_err() {
                return;
            }
            if finished {
                return;
            }
        }
    });
    // since API 1.42 the engine names the framing it uses
    let ct = if api >= (1, 42) {
        "application/vnd.docker.multiplexed-stream"
    } else {
        "application/vnd.docker.raw-stream"
    };
    stream(Some(ct), body)
}
