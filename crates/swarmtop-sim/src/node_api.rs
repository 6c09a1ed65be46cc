//! What a node's own engine answers besides the swarm API: its containers (list, inspect,
//! stats, top, logs), and `/_ping`, `/version` and `/info` as that node. A worker's engine
//! refuses the swarm API as dockerd does (503); a manager's serves it like the manager socket.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::containers::{self, Container};
use super::http::{Reply, error, flag, json, parse_filters, sim_error, stream, text};
use super::model::{Model, SimError};
use super::shared::{Shared, Who};
use super::streams::{self, Target};
use super::system;
use super::time::{self, Nanos, SECOND};

/// The engine's sampling interval: `stream=false` without `one-shot` waits for its second
/// sample, so `precpu_stats` is a second older than `cpu_stats`.
pub const STATS_INTERVAL: Duration = Duration::from_secs(1);

/// dockerd's answer to a swarm request on a worker.
pub const NOT_A_MANAGER: &str = "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

fn is_manager(m: &Model, node: &str) -> bool {
    m.node(node)
        .ok()
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.role)
        == Some(bollard::models::NodeSpecRoleEnum::MANAGER)
}

/// `/_ping`, `/version`, `/info` as the node; on a worker, 503 for the swarm API.
pub(crate) fn own(shared: &Arc<Shared>, node: &str, method: &str, path: &str) -> Option<Reply> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let manager = is_manager(&shared.model(), node);
    match (method, segs.as_slice()) {
        ("GET" | "HEAD", ["_ping"]) => {
            let swarm = if manager {
                "active/manager"
            } else {
                "active/worker"
            };
            let headers = [
                ("Cache-Control", "no-cache, no-store, must-revalidate"),
                ("Pragma", "no-cache"),
                ("Swarm", swarm),
            ];
            Some(text(
                200,
                if method == "HEAD" { "" } else { "OK" },
                &headers,
            ))
        }
        ("GET", ["version"]) => Some(json(200, &system::version())),
        ("GET", ["info"]) => Some(json(200, &system::info_for(&shared.model(), node))),
        _ if manager => None,
        _ => Some(error(503, NOT_A_MANAGER)),
    }
}

/// The container routes of `node`'s engine; None for other paths.
pub(crate) async fn containers(
    shared: &Arc<Shared>,
    who: &Who,
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    api: (u32, u32),
) -> Option<Reply> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segs.first() != Some(&"containers") {
        return None;
    }
    // the manager is a node too: its own containers
    let node = match who {
        Who::Manager => shared.model().local_node.clone(),
        Who::Node { id, .. } => id.clone(),
    };
    let node = node.as_str();
    let now = time::now();
    let reply = match (method, segs.as_slice()) {
        ("GET", ["containers", "json"]) => {
            let m = shared.model();
            let r = parse_filters(q)
                .and_then(|f| containers::list(&m, &shared.faults, node, flag(q, "all"), &f, now));
            match r {
                Ok(v) => json(200, &v),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["containers", id, "json"]) => {
            let m = shared.model();
            match containers::find(&m, node, id) {
                Ok(c) => json(200, &containers::inspect(&m, &shared.faults, &c, now)),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["containers", id, "top"]) => {
            let m = shared.model();
            match containers::find(&m, node, id).and_then(|c| containers::top(&c)) {
                Ok(v) => json(200, &v),
                Err(e) => sim_error(&e),
            }
        }
        ("GET", ["containers", id, "stats"]) => stats(shared, node, id, q).await,
        ("GET", ["containers", id, "logs"]) => {
            let task = {
                let m = shared.model();
                containers::find(&m, node, id).map(|c| c.task.id().to_string())
            };
            match task {
                Ok(t) => streams::logs(shared, q, Target::Task(t), api),
                Err(e) => sim_error(&e),
            }
        }
        _ => error(404, "page not found"),
    };
    Some(reply)
}

/// One reading of container `key` at `at` (`pre`: the earlier sample), or why not.
fn reading(
    shared: &Shared,
    node: &str,
    key: &str,
    at: Nanos,
    pre: Option<Nanos>,
) -> Result<Vec<u8>, SimError> {
    let m = shared.model();
    let c: Container<'_> = containers::find(&m, node, key)?;
    let mut b = serde_json::to_vec(&containers::stats(&m, &c, at, pre))
        .map_err(|e| SimError::Internal(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

/// `GET /containers/{id}/stats`: streamed every second by default; `stream=false` answers
/// once after the engine's second sample; with `one-shot=true` at once, without precpu.
async fn stats(shared: &Arc<Shared>, node: &str, key: &str, q: &HashMap<String, String>) -> Reply {
    let streamed = q.get("stream").is_none_or(|_| flag(q, "stream"));
    let now = time::now();
    // an unknown container is a 404 at once
    if let Err(e) = reading(shared, node, key, now, None) {
        return sim_error(&e);
    }
    if !streamed {
        if flag(q, "one-shot") {
            return match reading(shared, node, key, now, None) {
                Ok(b) => super::http::raw_json(200, b),
                Err(e) => sim_error(&e),
            };
        }
        tokio::time::sleep(STATS_INTERVAL).await;
        let at = time::now();
        return match reading(shared, node, key, at, Some(at - SECOND)) {
            Ok(b) => super::http::raw_json(200, b),
            Err(e) => sim_error(&e),
        };
    }
    let (tx, body) = mpsc::channel::<Bytes>(4);
    let weak = Arc::downgrade(shared);
    let (node, key) = (node.to_string(), key.to_string());
    let mut cut = shared.faults.stream_cut();
    cut.borrow_and_update();
    tokio::spawn(async move {
        let mut pre = None;
        loop {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let at = time::now();
            let Ok(b) = reading(&shared, &node, &key, at, pre) else {
                return;
            };
            drop(shared);
            if tx.send(Bytes::from(b)).await.is_err() {
                return;
            }
            pre = Some(at);
            tokio::select! {
                _ = tokio::time::sleep(STATS_INTERVAL) => {}
                _ = cut.changed() => return,
                _ = tx.closed() => return,
            }
        }
    });
    stream(Some("application/json"), body)
}

#[cfg(test)]
#[path = "node_api_tests.rs"]
mod tests;
