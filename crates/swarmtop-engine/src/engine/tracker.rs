//! The tasks of a large swarm, kept in step with the UI by changes only.
//!
//! A 20,000-task swarm answers `GET /tasks` with tens of megabytes, and a task as bollard
//! builds it takes a few kilobytes. So for large swarms each task of an answer is parsed into
//! the few fields swarmtop shows ([`SlimTask`]), the tasks the UI needs are kept (every task
//! that should run, recent failures, the tasks of degraded services and of what is on screen:
//! [`Keep`]), and only what changed since the last answer goes to the UI ([`TaskDelta`]): an
//! unchanged task (same version) costs a parse and nothing else, and the UI changes its tasks in
//! place instead of holding two copies.

use std::collections::{HashMap, HashSet};

use bollard::models::{ObjectVersion, TaskState, TaskStatus};
use serde::Deserialize;

pub use swarmtop_model::cluster::TaskDelta;
use swarmtop_model::cluster::format::parse_time;
use swarmtop_model::cluster::{Task, TaskSet};
use swarmtop_model::feed::TaskScope;

/// The fields of a task swarmtop uses; the rest of the engine's answer is skipped unread.
#[derive(Debug, Deserialize)]
pub struct SlimTask {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    #[serde(rename = "Version")]
    pub version: Option<ObjectVersion>,
    #[serde(rename = "CreatedAt")]
    pub created_at: Option<String>,
    #[serde(rename = "UpdatedAt")]
    pub updated_at: Option<String>,
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "Spec")]
    spec: Option<SlimSpec>,
    #[serde(rename = "ServiceID")]
    pub service_id: Option<String>,
    #[serde(rename = "Slot")]
    pub slot: Option<i64>,
    #[serde(rename = "NodeID")]
    pub node_id: Option<String>,
    #[serde(rename = "Status")]
    pub status: Option<TaskStatus>,
    #[serde(rename = "DesiredState")]
    pub desired_state: Option<TaskState>,
}

#[derive(Debug, Deserialize)]
struct SlimSpec {
    #[serde(rename = "ContainerSpec")]
    container_spec: Option<SlimContainer>,
}

#[derive(Debug, Deserialize)]
struct SlimContainer {
    #[serde(rename = "Image")]
    image: Option<String>,
}

impl SlimTask {
    fn version(&self) -> u64 {
        self.version.as_ref().and_then(|v| v.index).unwrap_or(0)
    }

    fn active(&self) -> bool {
        self.desired_state.unwrap_or(TaskState::NEW) <= TaskState::RUNNING
    }

    /// When it failed or was rejected (unix seconds), if it did.
    fn failed_at(&self) -> Option<i64> {
        let st = self.status.as_ref()?;
        match st.state {
            Some(TaskState::FAILED | TaskState::REJECTED) => st
                .timestamp
                .as_deref()
                .and_then(parse_time)
                .map(|t| t.timestamp())
                // a failure without a time counts as recent
                .or(Some(i64::MAX)),
            _ => None,
        }
    }

    /// The task as the cluster keeps it: no spec, only its image.
    pub fn into_task(self) -> Task {
        Task {
            id: self.id,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            name: self.name,
            image: self
                .spec
                .and_then(|s| s.container_spec)
                .and_then(|c| c.image),
            service_id: self.service_id,
            slot: self.slot,
            node_id: self.node_id,
            status: self.status,
            desired_state: self.desired_state,
            ..Default::default()
        }
    }
}

/// Which tasks the UI holds for a large swarm.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    /// What is on screen.
    pub scope: TaskScope,
    /// Services below their replicas: their history explains why.
    pub degraded: HashSet<String>,
    /// Failures at or after this time (unix seconds) are problems.
    pub failures_since: i64,
}

impl Keep {
    fn keeps(&self, service: &str, node: &str, active: bool, failed_at: Option<i64>) -> bool {
        active
            || failed_at.is_some_and(|t| t >= self.failures_since)
            || self.degraded.contains(service)
            || match &self.scope {
                TaskScope::All => true,
                TaskScope::Service(id) => id == service,
                TaskScope::Node(id) => id == node,
                TaskScope::Summary | TaskScope::None => false,
            }
    }
}

/// What is known of a task the UI holds.
#[derive(Debug, Clone, Copy)]
struct Known {
    version: u64,
    service: u32,
    node: u32,
    active: bool,
    failed_at: Option<i64>,
    /// The answer it was last seen in.
    pass: u32,
}

/// Service and node IDs, each stored once.
#[derive(Debug, Default)]
struct Names {
    all: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.all.len() as u32;
        self.all.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
    fn get(&self, i: u32) -> &str {
        self.all.get(i as usize).map(String::as_str).unwrap_or("")
    }
}

/// The tasks the UI holds, by ID, as far as deciding what changed needs.
#[derive(Debug, Default)]
pub struct Tracker {
    known: HashMap<String, Known>,
    names: Names,
    pass: u32,
    /// Nothing was sent yet: the first answer replaces whatever the UI has.
    started: bool,
}

impl Tracker {
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Starts reading one answer.
    pub fn begin(&mut self) -> TaskDelta {
        self.pass = self.pass.wrapping_add(1);
        TaskDelta {
            replace_all: !self.started,
            ..Default::default()
        }
    }

    /// One task of the answer: kept (and sent when new or changed), or dropped.
    pub fn offer(&mut self, t: SlimTask, keep: &Keep, out: &mut TaskDelta) {
        let Some(id) = t.id.as_deref() else {
            return;
        };
        let service = t.service_id.as_deref().unwrap_or("");
        let node = t.node_id.as_deref().unwrap_or("");
        let (active, failed_at) = (t.active(), t.failed_at());
        if !keep.keeps(service, node, active, failed_at) {
            if self.known.remove(id).is_some() && !out.replace_all {
                out.remove.push(id.to_string());
            }
            return;
        }
        let version = t.version();
        let pass = self.pass;
        if let Some(k) = self.known.get_mut(id)
            && k.version == version
        {
            k.pass = pass;
            if out.replace_all {
                out.upsert.push(t.into_task());
            }
            return;
        }
        let known = Known {
            version,
            service: self.names.intern(service),
            node: self.names.intern(node),
            active,
            failed_at,
            pass,
        };
        self.known.insert(id.to_string(), known);
        out.upsert.push(t.into_task());
    }

    /// The answer to `set` is complete: the tasks of `set` the UI holds that did not come back
    /// are gone.
    pub fn end(&mut self, set: &TaskSet, out: &mut TaskDelta) {
        self.started = true;
        let pass = self.pass;
        let services: HashSet<u32> = match set {
            TaskSet::Services(ids) => ids
                .iter()
                .filter_map(|s| self.names.index.get(s).copied())
                .collect(),
            _ => HashSet::new(),
        };
        let node = match set {
            TaskSet::Node(id) => self.names.index.get(id).copied(),
            _ => None,
        };
        let covered = |k: &Known| match set {
            TaskSet::All => true,
            TaskSet::Services(_) => services.contains(&k.service),
            TaskSet::Node(_) => Some(k.node) == node,
        };
        let gone: Vec<String> = self
            .known
            .iter()
            .filter(|(_, k)| k.pass != pass && covered(k))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            self.known.remove(&id);
            if !out.replace_all {
                out.remove.push(id);
            }
        }
    }

    /// Without asking the engine: the tasks the UI holds that `keep` no longer wants (the view
    /// changed, a service recovered, a failure aged out).
    pub fn prune(&mut self, keep: &Keep) -> TaskDelta {
        let names = &self.names;
        let gone: Vec<String> = self
            .known
            .iter()
            .filter(|(_, k)| {
                !keep.keeps(
                    names.get(k.service),
                    names.get(k.node),
                    k.active,
                    k.failed_at,
                )
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in &gone {
            self.known.remove(id);
        }
        TaskDelta {
            remove: gone,
            ..Default::default()
        }
    }

    /// Services with a task that should run on `node`: a node drained or lost moves them.
    pub fn services_on(&self, node: &str) -> Vec<String> {
        let Some(n) = self.names.index.get(node) else {
            return Vec::new();
        };
        let ids: HashSet<u32> = self
            .known
            .values()
            .filter(|k| k.node == *n && k.active)
            .map(|k| k.service)
            .collect();
        let mut v: Vec<String> = ids
            .into_iter()
            .map(|i| self.names.get(i).to_string())
            .collect();
        v.sort();
        v
    }
}

/// Parses one element of a task list into its kept fields.
pub fn parse(element: &[u8]) -> Result<SlimTask, serde_json::Error> {
    serde_json::from_slice(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(
        id: &str,
        version: u64,
        service: &str,
        node: &str,
        desired: &str,
        state: &str,
    ) -> SlimTask {
        let json = serde_json::json!({
            "ID": id, "Version": {"Index": version}, "ServiceID": service, "NodeID": node,
            "Slot": 1, "DesiredState": desired,
            "Status": {"State": state, "Timestamp": "2026-11-22T12:00:00Z", "Err": "boom"},
            "Spec": {"ContainerSpec": {"Image": "web:1", "Env": ["A=1"]}, "Placement": {}},
            "Labels": {}, "NetworksAttachments": []
        });
        parse(json.to_string().as_bytes()).unwrap()
    }

    fn keep() -> Keep {
        Keep {
            failures_since: parse_time("2026-11-22T11:00:00Z").unwrap().timestamp(),
            ..Default::default()
        }
    }

    fn ids(tasks: &[Task]) -> Vec<&str> {
        tasks.iter().map(|t| t.id.as_deref().unwrap()).collect()
    }

    #[test]
    fn slim_tasks_keep_what_is_shown() {
        let t = task("t1", 3, "s1", "n1", "running", "failed").into_task();
        assert_eq!(t.id.as_deref(), Some("t1"));
        assert_eq!(swarmtop_model::cluster::task_image(&t), "web:1");
        assert_eq!(swarmtop_model::cluster::task_error(&t), "boom");
        assert_eq!(swarmtop_model::cluster::task_state(&t), TaskState::FAILED);
        assert_eq!(t.node_id.as_deref(), Some("n1"));
        // the rest of the spec is not kept
        assert!(t.spec.is_none());
    }

    #[test]
    fn the_first_answer_replaces_then_only_changes_go() {
        let mut tr = Tracker::default();
        let k = keep();
        let mut d = tr.begin();
        tr.offer(task("a", 1, "s1", "n1", "running", "running"), &k, &mut d);
        tr.offer(task("b", 1, "s1", "n2", "running", "running"), &k, &mut d);
        // history of a healthy service is not kept
        tr.offer(
            task("old", 1, "s1", "n2", "shutdown", "shutdown"),
            &k,
            &mut d,
        );
        tr.end(&TaskSet::All, &mut d);
        assert!(d.replace_all);
        assert_eq!(ids(&d.upsert), vec!["a", "b"]);

        // nothing changed: nothing to send
        let mut d = tr.begin();
        tr.offer(task("a", 1, "s1", "n1", "running", "running"), &k, &mut d);
        tr.offer(task("b", 1, "s1", "n2", "running", "running"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        assert!(d.is_empty(), "{d:?}");

        // b changed, a is gone, c is new
        let mut d = tr.begin();
        tr.offer(task("b", 2, "s1", "n2", "running", "running"), &k, &mut d);
        tr.offer(task("c", 1, "s2", "n1", "running", "pending"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        assert!(!d.replace_all);
        assert_eq!(ids(&d.upsert), vec!["b", "c"]);
        assert_eq!(d.remove, vec!["a".to_string()]);
    }

    #[test]
    fn a_filtered_answer_only_removes_what_it_covers() {
        let mut tr = Tracker::default();
        let k = keep();
        let mut d = tr.begin();
        tr.offer(task("a", 1, "s1", "n1", "running", "running"), &k, &mut d);
        tr.offer(task("b", 1, "s2", "n1", "running", "running"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        // asked for s1's tasks only: b (of s2) stays though it did not come back
        let mut d = tr.begin();
        tr.end(&TaskSet::Services(vec!["s1".into()]), &mut d);
        assert_eq!(d.remove, vec!["a".to_string()]);
        assert_eq!(tr.len(), 1);
        let mut d = tr.begin();
        tr.end(&TaskSet::Node("n1".into()), &mut d);
        assert_eq!(d.remove, vec!["b".to_string()]);
    }

    #[test]
    fn recent_failures_degraded_services_and_the_view_are_kept() {
        let mut tr = Tracker::default();
        let mut k = keep();
        let mut d = tr.begin();
        // failed an hour ago or less: a problem; shut down history: not kept
        tr.offer(task("f", 1, "s1", "n1", "shutdown", "failed"), &k, &mut d);
        tr.offer(task("h", 1, "s2", "n1", "shutdown", "shutdown"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        assert_eq!(ids(&d.upsert), vec!["f"]);

        k.degraded.insert("s2".into());
        let mut d = tr.begin();
        tr.offer(task("h", 1, "s2", "n1", "shutdown", "shutdown"), &k, &mut d);
        tr.end(&TaskSet::Services(vec!["s2".into()]), &mut d);
        assert_eq!(ids(&d.upsert), vec!["h"]);

        // s2 recovers: its history goes without asking the engine
        k.degraded.clear();
        let d = tr.prune(&k);
        assert_eq!(d.remove, vec!["h".to_string()]);

        // the tasks pane wants everything (f did not come back: it is gone)
        k.scope = TaskScope::All;
        let mut d = tr.begin();
        tr.offer(task("h", 1, "s2", "n1", "shutdown", "shutdown"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        assert_eq!(ids(&d.upsert), vec!["h"]);
        assert_eq!(d.remove, vec!["f".to_string()]);
        // failures age out
        k.scope = TaskScope::Summary;
        k.failures_since = i64::MAX - 1;
        let mut gone = tr.prune(&k).remove;
        gone.sort();
        assert_eq!(gone, vec!["h".to_string()]);
    }

    #[test]
    fn services_on_a_node() {
        let mut tr = Tracker::default();
        let k = keep();
        let mut d = tr.begin();
        tr.offer(task("a", 1, "s1", "n1", "running", "running"), &k, &mut d);
        tr.offer(task("b", 1, "s2", "n1", "running", "running"), &k, &mut d);
        tr.offer(task("c", 1, "s3", "n2", "running", "running"), &k, &mut d);
        tr.end(&TaskSet::All, &mut d);
        assert_eq!(
            tr.services_on("n1"),
            vec!["s1".to_string(), "s2".to_string()]
        );
        assert!(tr.services_on("nx").is_empty());
    }
}
