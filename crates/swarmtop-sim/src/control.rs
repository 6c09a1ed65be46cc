//! The simulator's own HTTP control, under `/_sim` (no engine has these paths): faults, node
//! failures, speed, log rate and request counts, for tests and scripts.
//!
//! | request | effect |
//! |---|---|
//! | `GET /_sim/stats` | request counts per route (`node_requests`: per node socket), connections per socket, object counts |
//! | `GET /_sim/faults` | the active latency and error rules |
//! | `POST /_sim/latency?ms=N[&path=/tasks][&method=GET]` | delay requests (all, or matching) |
//! | `POST /_sim/errors` body `{"path":"/tasks","status":500,"message":"...","times":3}` | fail requests |
//! | `POST /_sim/clear` | remove latency and error rules |
//! | `POST /_sim/drop-streams` | end every open event and log stream |
//! | `POST /_sim/nodes/{id or hostname}/down` and `/up` | a node stops or resumes heartbeats |
//! | `POST /_sim/unhealthy?service=S&tasks=N` | the lowest N running slots of S fail their healthcheck |
//! | `POST /_sim/speed?x=F` | the simulated swarm runs F times faster |
//! | `POST /_sim/log-rate?lines=F` | each task writes F log lines per second |

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bollard::models::TaskState;

use super::faults::{ErrorRule, LatencyRule, Route};
use super::http::{Reply, empty, error, json};
use super::shared::Shared;
use super::time;

pub(crate) fn handle(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    q: &HashMap<String, String>,
    body: &[u8],
) -> Reply {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<f64>().ok());
    match (method, segs.as_slice()) {
        ("GET", ["stats"]) => {
            let m = shared.model();
            let running = m
                .tasks()
                .filter(|t| t.state() == TaskState::RUNNING)
                .count();
            let pending = m
                .tasks()
                .filter(|t| t.state() == TaskState::PENDING)
                .count();
            json(
                200,
                &serde_json::json!({
                    "requests": shared.requests(),
                    "node_requests": shared.node_requests(),
                    "connections": shared.connections(),
                    "nodes": m.nodes().count(),
                    "services": m.services().count(),
                    "tasks": m.tasks().count(),
                    "tasks_running": running,
                    "tasks_pending": pending,
                    "index": m.index(),
                    "speed": m.speed,
                    "log_rate": m.log_rate,
                }),
            )
        }
        ("GET", ["faults"]) => {
            let (latency, errors) = shared.faults.rules();
            json(
                200,
                &serde_json::json!({ "latency": latency, "errors": errors }),
            )
        }
        ("POST", ["latency"]) => match num("ms") {
            Some(ms) if ms >= 0.0 => {
                match q.get("path") {
                    Some(p) => shared.faults.add_latency(LatencyRule {
                        route: Route::new(q.get("method").map(String::as_str), p),
                        millis: ms as u64,
                    }),
                    None => shared.faults.set_latency(Duration::from_millis(ms as u64)),
                }
                empty(204)
            }
            _ => error(400, "latency needs ms=N"),
        },
        ("POST", ["errors"]) => match serde_json::from_slice::<ErrorRule>(body) {
            Ok(rule) => {
                shared.faults.fail(rule);
                empty(204)
            }
            Err(e) => error(400, &format!("invalid error rule: {e}")),
        },
        ("POST", ["clear"]) => {
            shared.faults.clear();
            empty(204)
        }
        ("POST", ["drop-streams"]) => {
            shared.faults.drop_streams();
            empty(204)
        }
        ("POST", ["nodes", key, which @ ("down" | "up")]) => {
            match shared
                .model()
                .set_node_down(key, *which == "down", time::now())
            {
                Ok(()) => empty(204),
                Err(e) => error(e.status(), &e.to_string()),
            }
        }
        ("POST", ["unhealthy"]) => match (q.get("service"), num("tasks")) {
            (Some(svc), Some(n)) if n >= 0.0 => {
                shared.faults.set_unhealthy(svc, n as u32);
                empty(204)
            }
            _ => error(400, "unhealthy needs service=S&tasks=N"),
        },
        ("POST", ["speed"]) => match num("x") {
            Some(x) if x > 0.0 => {
                shared.model().speed = x;
                empty(204)
            }
            _ => error(400, "speed needs x=F (> 0)"),
        },
        ("POST", ["log-rate"]) => match num("lines") {
            Some(x) if x >= 0.0 => {
                shared.model().log_rate = x;
                empty(204)
            }
            _ => error(400, "log-rate needs lines=F (>= 0)"),
        },
        _ => error(404, "page not found"),
    }
}
