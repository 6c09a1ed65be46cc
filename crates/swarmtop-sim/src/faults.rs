//! Faults on demand: added latency, error answers for chosen routes, and cutting every open
//! event and log stream. Nodes going down are a model change (`Sim::node_down`).

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// Which requests a rule applies to: an optional method and a path prefix, without the
/// `/vX.Y` prefix (`/tasks` matches `/v1.45/tasks?filters=...` and `/tasks/abc`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: String,
}

impl Route {
    pub fn new(method: Option<&str>, path: &str) -> Route {
        Route {
            method: method.map(str::to_string),
            path: path.to_string(),
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(self.path.as_str())
    }
}

/// Answer matching requests with this status and the engine's `{"message": ...}` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRule {
    #[serde(flatten)]
    pub route: Route,
    pub status: u16,
    #[serde(default = "default_message")]
    pub message: String,
    /// How many requests fail before the rule lapses; None = until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

fn default_message() -> String {
    "simulated failure".to_string()
}

/// Delay matching requests (before any answer, streams included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyRule {
    #[serde(flatten)]
    pub route: Route,
    pub millis: u64,
}

#[derive(Debug, Default)]
struct State {
    latency: Vec<LatencyRule>,
    errors: Vec<ErrorRule>,
    /// Service (name or ID) -> how many of its running slots fail their healthcheck.
    unhealthy: std::collections::HashMap<String, u32>,
}

pub struct Faults {
    state: Mutex<State>,
    cut: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            state: Mutex::default(),
            cut: watch::channel(0).0,
        }
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub delay: Duration,
    pub error: Option<(u16, String)>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every request waits this long (replaces earlier latency rules).
    pub fn set_latency(&self, d: Duration) {
        let mut s = self.lock();
        s.latency.clear();
        if !d.is_zero() {
            s.latency.push(LatencyRule {
                route: Route::default(),
                millis: d.as_millis() as u64,
            });
        }
    }

    pub fn add_latency(&self, rule: LatencyRule) {
        self.lock().latency.push(rule);
    }

    pub fn fail(&self, rule: ErrorRule) {
        self.lock().errors.push(rule);
    }

    /// Removes every latency, error and health rule (streams already cut stay cut).
    pub fn clear(&self) {
        let mut s = self.lock();
        s.latency.clear();
        s.errors.clear();
        s.unhealthy.clear();
    }

    /// The lowest `tasks` running slots of a service (name or ID) fail their healthcheck (when
    /// its template has one); 0 makes them all pass again. Over the service's own
    /// `swarmtop.sim.unhealthy` label.
    pub fn set_unhealthy(&self, service: &str, tasks: u32) {
        self.lock().unhealthy.insert(service.to_string(), tasks);
    }

    pub fn unhealthy_rules(&self) -> std::collections::HashMap<String, u32> {
        self.lock().unhealthy.clone()
    }

    /// Ends every open event and log stream now; later streams are unaffected.
    pub fn drop_streams(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    /// Streams watch this and end when it changes.
    pub fn stream_cut(&self) -> watch::Receiver<u64> {
        self.cut.subscribe()
    }

    pub fn rules(&self) -> (Vec<LatencyRule>, Vec<ErrorRule>) {
        let s = self.lock();
        (s.latency.clone(), s.errors.clone())
    }

    /// The delay and the error (if any) for a request; counts down limited rules.
    pub fn check(&self, method: &str, path: &str) -> Verdict {
        let mut s = self.lock();
        let delay = s
            .latency
            .iter()
            .filter(|r| r.route.matches(method, path))
            .map(|r| Duration::from_millis(r.millis))
            .max()
            .unwrap_or_default();
        let mut error = None;
        if let Some(i) = s.errors.iter().position(|r| r.route.matches(method, path)) {
            let r = &mut s.errors[i];
            error = Some((r.status, r.message.clone()));
            if let Some(t) = r.times.as_mut() {
                *t = t.saturating_sub(1);
                if *t == 0 {
                    s.errors.remove(i);
                }
            }
        }
        Verdict { delay, error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_match_routes_and_lapse() {
        let f = Faults::default();
        f.fail(ErrorRule {
            route: Route::new(Some("GET"), "/tasks"),
            status: 503,
            message: "busy".into(),
            times: Some(2),
        });
        assert_eq!(f.check("GET", "/nodes").error, None);
        assert_eq!(f.check("POST", "/tasks").error, None);
        assert_eq!(f.check("GET", "/tasks/x").error, Some((503, "busy".into())));
        assert!(f.check("GET", "/tasks").error.is_some());
        assert_eq!(f.check("GET", "/tasks").error, None);
    }

    #[test]
    fn latency_applies_to_matching_routes() {
        let f = Faults::default();
        f.add_latency(LatencyRule {
            route: Route::new(None, "/services"),
            millis: 50,
        });
        assert_eq!(f.check("GET", "/services").delay, Duration::from_millis(50));
        assert_eq!(f.check("GET", "/nodes").delay, Duration::ZERO);
        f.set_latency(Duration::from_millis(5));
        assert_eq!(f.check("GET", "/nodes").delay, Duration::from_millis(5));
        f.clear();
        assert_eq!(f.check("GET", "/nodes"), Verdict::default());
    }

    #[test]
    fn rules_read_from_json() {
        let r: ErrorRule = serde_json::from_str(r#"{"path":"/tasks","status":500}"#).unwrap();
        assert_eq!(r.message, "simulated failure");
        assert_eq!(r.route.method, None);
    }

    #[test]
    fn drop_streams_notifies_watchers() {
        let f = Faults::default();
        let rx = f.stream_cut();
        f.drop_streams();
        assert!(rx.has_changed().unwrap());
    }
}
