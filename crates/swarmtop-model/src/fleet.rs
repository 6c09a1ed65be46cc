//! Every swarm at a glance (`:fleet`, `swarmtop fleet`): one line per docker context (or per
//! entry of config.yaml's `fleet:`) with its swarm's health, worked out from what was read of it
//! by the same code the problems view uses, so the words are the same.

use bollard_stubs::models::{LocalNodeState, SystemInfo};
use chrono::{DateTime, Utc};

use crate::cluster::Cluster;
use crate::cluster::problems::{self, Severity};

/// A swarm's health in figures and its worst problem, from one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub nodes: usize,
    pub nodes_down: usize,
    pub managers: usize,
    pub managers_reachable: usize,
    pub services: usize,
    /// Replicated services running fewer tasks than desired.
    pub degraded: usize,
    /// The first line of the problems view, if it has one.
    pub worst: Option<Worst>,
    /// The engine's version (`26.1.5`).
    pub engine: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worst {
    pub severity: Severity,
    /// As the problems view says it.
    pub text: String,
    /// How many problems there are in all.
    pub of: usize,
}

impl Health {
    /// The health of `c` as read at `now` (the problems' time windows count back from it).
    pub fn of(c: &Cluster, engine: &str, now: DateTime<Utc>) -> Health {
        let s = c.summary();
        let found = problems::find(c, now);
        Health {
            nodes: s.nodes,
            nodes_down: s.nodes_down,
            managers: s.managers,
            managers_reachable: s.managers_reachable,
            services: s.services,
            degraded: s.services_degraded,
            worst: found.first().map(|p| Worst {
                severity: p.severity,
                text: p.text.clone(),
                of: found.len(),
            }),
            engine: engine.to_string(),
        }
    }

    /// Under NODES: "3" or "3, 1 down".
    pub fn nodes_text(&self) -> String {
        match self.nodes_down {
            0 => self.nodes.to_string(),
            d => format!("{}, {d} down", self.nodes),
        }
    }

    /// Under MGR: "2/3", managers reachable of the managers in the raft.
    pub fn managers_text(&self) -> String {
        format!("{}/{}", self.managers_reachable, self.managers)
    }

    /// Under QUORUM: "ok"; "at risk" when one more manager loss would lose it;
    /// "LOST".
    pub fn quorum_text(&self) -> &'static str {
        match self.quorum() {
            Quorum::Lost => "LOST",
            Quorum::Edge => "at risk",
            Quorum::Ok => "ok",
        }
    }

    pub fn quorum(&self) -> Quorum {
        let need = self.managers / 2 + 1;
        if self.managers_reachable < need {
            Quorum::Lost
        } else if self.managers_reachable == need {
            Quorum::Edge
        } else {
            Quorum::Ok
        }
    }

    /// Under DEGRADED: "0", or "2 of 9" services.
    pub fn degraded_text(&self) -> String {
        match self.degraded {
            0 => "0".to_string(),
            d => format!("{d} of {}", self.services),
        }
    }

    /// The worst problem in words, or "no problems".
    pub fn worst_text(&self) -> String {
        match &self.worst {
            None => "no problems".to_string(),
            Some(w) if w.of > 1 => format!("{} (+{} more)", w.text, w.of - 1),
            Some(w) => w.text.clone(),
        }
    }

    /// How bad the swarm is, as one word's worth: its worst problem's severity, or none.
    pub fn severity(&self) -> Option<Severity> {
        self.worst.as_ref().map(|w| w.severity)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quorum {
    Ok,
    /// Exactly the quorum is reachable: one more loss stops every change.
    Edge,
    Lost,
}

/// Where a line's answer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Checking,
    Swarm(Box<Health>),
    /// It answered, but it is no swarm manager ("not in a swarm", "not a swarm manager: this
    /// engine is a worker").
    NotManager(String),
    /// It did not answer, or not in time: why, in the transport's own words.
    Unreachable(String),
}

impl Status {
    /// The state column: "ok", "CRIT", "not a manager", "unreachable", "checking…".
    pub fn word(&self) -> &'static str {
        match self {
            Status::Checking => "checking…",
            Status::Swarm(h) => match h.severity() {
                None | Some(Severity::Info) => "ok",
                Some(Severity::Warning) => "WARN",
                Some(Severity::Critical) => "CRIT",
            },
            Status::NotManager(_) => "no swarm",
            Status::Unreachable(_) => "unreachable",
        }
    }
}

/// One line of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The context's name, or the config entry's.
    pub name: String,
    /// Where it points (`ssh://root@mgr-1`), as the endpoint says it.
    pub endpoint: String,
    /// How to switch to it.
    pub via: Via,
    pub status: Status,
}

/// What Enter on a line switches to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Context(String),
    Host(String),
}

/// The columns' words for a line: state, nodes, managers, quorum, degraded, worst (the last
/// the reason when there is no swarm to describe).
pub fn cells(status: &Status) -> [String; 6] {
    let word = status.word().to_string();
    match status {
        Status::Swarm(h) => [
            word,
            h.nodes_text(),
            h.managers_text(),
            h.quorum_text().to_string(),
            h.degraded_text(),
            h.worst_text(),
        ],
        Status::Checking => [word, "".into(), "".into(), "".into(), "".into(), "".into()],
        Status::NotManager(why) | Status::Unreachable(why) => [
            word,
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            why.clone(),
        ],
    }
}

/// Why an engine that answered is no swarm manager, from its `/info`; `None` for a manager of
/// an active swarm.
pub fn not_manager(info: &SystemInfo) -> Option<String> {
    let swarm = info.swarm.clone().unwrap_or_default();
    match swarm.local_node_state.unwrap_or(LocalNodeState::INACTIVE) {
        LocalNodeState::ACTIVE => {}
        LocalNodeState::LOCKED => {
            return Some("the swarm is locked: `docker swarm unlock` there first".into());
        }
        LocalNodeState::INACTIVE | LocalNodeState::EMPTY => return Some("not in a swarm".into()),
        other => return Some(format!("not in a swarm (its swarm state is {other})")),
    }
    if swarm.control_available == Some(true) {
        return None;
    }
    let managers: Vec<String> = swarm
        .remote_managers
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.addr)
        .map(|a| a.rsplit_once(':').map(|(h, _)| h.to_string()).unwrap_or(a))
        .collect();
    let at = if managers.is_empty() {
        String::new()
    } else {
        format!(" (managers at {})", managers.join(", "))
    };
    Some(format!("not a swarm manager: this engine is a worker{at}"))
}

/// A transport's or engine's words, made short for one line: the first line, and without the
/// endpoint the line already names ("cannot reach the engine at ssh://x: " is said by the row).
pub fn short_reason(text: &str, endpoint: &str) -> String {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut s = first.trim().to_string();
    for prefix in [
        format!("cannot reach the engine at {endpoint}: "),
        format!("the engine at {endpoint} "),
    ] {
        if let Some(rest) = s.strip_prefix(&prefix) {
            s = rest.to_string();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::{NOW, sample};

    fn now() -> DateTime<Utc> {
        NOW.parse().unwrap()
    }

    #[test]
    fn the_sample_swarm_in_one_line() {
        let c = sample();
        let h = Health::of(&c, "20.10.24", now());
        assert_eq!(h.nodes_text(), "3, 1 down");
        assert_eq!(h.managers_text(), "1/1");
        // one manager of one: losing it loses the quorum
        assert_eq!(h.quorum_text(), "at risk");
        assert_eq!(h.degraded_text(), "1 of 3");
        // the worst problem is the problems view's first line, word for word
        let first = problems::find(&c, now()).remove(0);
        let w = h.worst.clone().unwrap();
        assert_eq!(
            (w.severity, w.text.as_str()),
            (first.severity, first.text.as_str())
        );
        assert!(
            h.worst_text().starts_with(&first.text),
            "{}",
            h.worst_text()
        );
        assert!(h.worst_text().contains("more)"), "{}", h.worst_text());
        assert_eq!(Status::Swarm(Box::new(h)).word(), first.severity.label());
    }

    #[test]
    fn quorum_in_words() {
        let h = |managers, reachable| Health {
            nodes: managers,
            nodes_down: managers - reachable,
            managers,
            managers_reachable: reachable,
            services: 0,
            degraded: 0,
            worst: None,
            engine: String::new(),
        };
        assert_eq!(h(3, 3).quorum_text(), "ok");
        assert_eq!(h(3, 2).quorum_text(), "at risk");
        assert_eq!(h(3, 1).quorum_text(), "LOST");
        assert_eq!(h(5, 4).quorum_text(), "ok");
        assert_eq!(h(2, 1).quorum_text(), "LOST");
        assert_eq!(h(3, 3).managers_text(), "3/3");
        assert_eq!(h(3, 3).worst_text(), "no problems");
        assert_eq!(Status::Swarm(Box::new(h(3, 3))).word(), "ok");
    }

    #[test]
    fn a_healthy_swarm_says_so() {
        let mut c = sample();
        // node3 back and ready, every service at its replicas
        let mut nodes = c.nodes.clone();
        nodes.truncate(2);
        c.set_nodes(nodes);
        let mut services = c.services.clone();
        services.retain(|s| s.spec.as_ref().and_then(|x| x.name.as_deref()) == Some("web"));
        c.set_services(services);
        c.tasks
            .retain(|t| t.service_id.as_deref() == Some("s1webwebwebwebwebwebwebwe"));
        let h = Health::of(&c, "20.10.24", now());
        assert_eq!(h.nodes_text(), "2");
        assert_eq!(h.degraded_text(), "0");
        let found = problems::find(&c, now());
        assert!(
            found.iter().all(|p| p.severity == Severity::Info),
            "{found:?}"
        );
        assert_eq!(Status::Swarm(Box::new(h)).word(), "ok");
    }

    #[test]
    fn an_engine_that_is_no_manager_says_what_it_is() {
        use bollard_stubs::models::{PeerNode, SwarmInfo};
        let info = |state, control, managers: &[&str]| SystemInfo {
            swarm: Some(SwarmInfo {
                local_node_state: Some(state),
                control_available: Some(control),
                remote_managers: Some(
                    managers
                        .iter()
                        .map(|a| PeerNode {
                            addr: Some(a.to_string()),
                            node_id: None,
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(not_manager(&info(LocalNodeState::ACTIVE, true, &[])), None);
        assert_eq!(
            not_manager(&info(LocalNodeState::ACTIVE, false, &["10.0.0.11:2377"])).unwrap(),
            "not a swarm manager: this engine is a worker (managers at 10.0.0.11)"
        );
        assert_eq!(
            not_manager(&info(LocalNodeState::INACTIVE, false, &[])).unwrap(),
            "not in a swarm"
        );
        assert_eq!(
            not_manager(&SystemInfo::default()).unwrap(),
            "not in a swarm"
        );
        assert!(
            not_manager(&info(LocalNodeState::LOCKED, false, &[]))
                .unwrap()
                .contains("locked")
        );
    }

    #[test]
    fn reasons_are_short_and_do_not_repeat_the_endpoint() {
        assert_eq!(
            short_reason(
                "cannot reach the engine at ssh://root@x: ssh: connect to host x port 22: Connection refused\nmore",
                "ssh://root@x"
            ),
            "ssh: connect to host x port 22: Connection refused"
        );
        assert_eq!(
            short_reason(
                "the engine at tcp://h:1 did not answer within 5 s",
                "tcp://h:1"
            ),
            "did not answer within 5 s"
        );
        let c = cells(&Status::Unreachable("no socket at /x".into()));
        assert_eq!(c[0], "unreachable");
        assert_eq!(c[5], "no socket at /x");
    }
}
