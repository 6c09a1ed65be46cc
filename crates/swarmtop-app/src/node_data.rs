//! What the nodes' own engines said (reach, containers with health and image, usage), kept for
//! the views: the latest reading per task, sums per service and per node, and a few minutes of
//! history of each for the sparklines. What the screen asks of the nodes is `node_watch`'s.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};

use bollard_stubs::models::TaskState;
use swarmtop_model::cluster::problems::{Problem, find_with};
use swarmtop_model::cluster::{Cluster, Task, task_state};
use swarmtop_model::nodes::{
    ContainerFacts, Health, NodeMsg, NodeReach, NodeWatch, ReachState, Usage, Watched,
};

/// How far back the sparklines go.
pub const HISTORY_MINUTES: i64 = 5;
/// At most this many points per series, whatever the polling rate.
pub const HISTORY_POINTS: usize = 300;

/// One reading of a task, or a sum of readings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// CPU %; 100 is one CPU busy.
    pub cpu: f64,
    /// Memory in use, as `docker stats` counts it.
    pub mem: u64,
}

/// A bounded history of readings, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    points: VecDeque<(DateTime<Utc>, Point)>,
}

impl Series {
    fn push(&mut self, at: DateTime<Utc>, p: Point) {
        let from = at - Duration::minutes(HISTORY_MINUTES);
        while self
            .points
            .front()
            .is_some_and(|(t, _)| *t < from || self.points.len() >= HISTORY_POINTS)
        {
            self.points.pop_front();
        }
        // a second reading at the same moment (a round split in parts) replaces the first
        match self.points.back_mut() {
            Some((t, last)) if *t == at => *last = p,
            _ => self.points.push_back((at, p)),
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// CPU % in hundredths, oldest first (sparklines draw integers).
    pub fn cpu(&self) -> Vec<u64> {
        self.points
            .iter()
            .map(|(_, p)| (p.cpu * 100.0).round().max(0.0) as u64)
            .collect()
    }

    /// Memory in bytes, oldest first.
    pub fn mem(&self) -> Vec<u64> {
        self.points.iter().map(|(_, p)| p.mem).collect()
    }

    pub fn last(&self) -> Option<Point> {
        self.points.back().map(|(_, p)| *p)
    }
}

/// Usage summed over the running tasks read (of a service, or on a node).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sum {
    pub cpu: f64,
    pub mem: u64,
    pub tasks: usize,
}

/// The nodes' own data, as last reported.
#[derive(Debug, Default)]
pub struct NodeData {
    pub reach: Vec<NodeReach>,
    /// By task ID.
    pub containers: HashMap<String, ContainerFacts>,
    /// By task ID: the latest reading of each watched task.
    pub usage: HashMap<String, Usage>,
    /// The latest readings summed by service ID and by node ID.
    pub by_service: HashMap<String, Sum>,
    pub by_node: HashMap<String, Sum>,
    /// History by task, service and node ID.
    pub task_history: HashMap<String, Series>,
    pub service_history: HashMap<String, Series>,
    pub node_history: HashMap<String, Series>,
    /// What was last asked of the worker (sent again only when it changes).
    pub asked: NodeWatch,
    /// A digest of what `asked` was worked out from (`node_watch`): not worked out again while
    /// it stays.
    pub asked_key: Option<u64>,
    /// What came since the views were last settled (`State::catch_up`): readings (`Rows`), or
    /// containers too, whose health and images make problems (`Problems`).
    pub behind: Behind,
    /// When the views were last settled from what the nodes said: at most once a second, for
    /// each node answers on its own (200 nodes every 2 s are 100 messages a second).
    pub settled_at: Option<DateTime<Utc>>,
    /// Readings came since the sums were last worked out.
    new_readings: bool,
    /// The running tasks by task, service and node, for the cluster generation it was built
    /// from (`node_watch`): a key that moves the rows near the screen (j, a sort, a filter)
    /// looks up those rows instead of walking every task (12-15 ms a key at L).
    pub watch_index: Option<(u64, std::sync::Arc<WatchIndex>)>,
    /// Counts what the nodes said (a list whose rows show none of it is kept across it).
    pub generation: u64,
}

/// What the nodes' messages left to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Behind {
    #[default]
    Nothing,
    /// Figures or reach: the sums, the histories and the rows.
    Rows,
    /// Containers (health, image) too: the problems.
    Problems,
}

impl NodeData {
    /// Takes in what a node said (`now` dates its readings); the sums, histories and views
    /// follow when settled.
    pub fn apply(&mut self, msg: NodeMsg, now: DateTime<Utc>) {
        self.generation += 1;
        let behind = match msg {
            NodeMsg::Reach(r) => {
                self.reach = r;
                Behind::Rows
            }
            NodeMsg::Containers {
                node_id,
                containers,
            } => {
                let before = self
                    .containers
                    .values()
                    .filter(|c| c.node_id == node_id)
                    .count();
                // the same list as last time (the usual case) changes no problem
                let same = before == containers.len()
                    && containers
                        .iter()
                        .all(|c| self.containers.get(&c.task_id) == Some(c));
                self.containers.retain(|_, c| c.node_id != node_id);
                for c in containers {
                    self.containers.insert(c.task_id.clone(), c);
                }
                if same {
                    Behind::Nothing
                } else {
                    Behind::Problems
                }
            }
            NodeMsg::Usage(u) => {
                for x in u {
                    let p = point(&x);
                    self.task_history
                        .entry(x.task_id.clone())
                        .or_default()
                        .push(now, p);
                    self.usage.insert(x.task_id.clone(), x);
                }
                self.new_readings = true;
                Behind::Rows
            }
        };
        self.behind = self.behind.max(behind);
    }

    /// Sums the latest readings by service and node and adds them to their histories (`c`
    /// says which service each task is of); keeps the history of the tasks in `near` only.
    pub fn settle(&mut self, c: &Cluster, now: DateTime<Utc>, near: &HashSet<String>) {
        self.settled_at = Some(now);
        self.behind = Behind::Nothing;
        self.generation += 1;
        self.task_history.retain(|id, _| near.contains(id));
        if !std::mem::take(&mut self.new_readings) {
            return;
        }
        self.sum(c);
        for (id, s) in &self.by_service {
            let p = Point {
                cpu: s.cpu,
                mem: s.mem,
            };
            self.service_history
                .entry(id.clone())
                .or_default()
                .push(now, p);
        }
        for (id, s) in &self.by_node {
            let p = Point {
                cpu: s.cpu,
                mem: s.mem,
            };
            self.node_history
                .entry(id.clone())
                .or_default()
                .push(now, p);
        }
    }

    /// Forgets the readings and history of what is no longer watched (the screen moved on).
    pub fn keep_watched(&mut self, watch: &NodeWatch, c: &Cluster) {
        let watched: foldhash::HashSet<&str> =
            watch.usage.iter().map(|w| w.task_id.as_str()).collect();
        let whole: foldhash::HashSet<&str> = watch.whole_nodes.iter().map(String::as_str).collect();
        self.usage
            .retain(|id, u| watched.contains(id.as_str()) || whole.contains(u.node_id.as_str()));
        let usage = &self.usage;
        self.task_history
            .retain(|id, _| watched.contains(id.as_str()) || usage.contains_key(id));
        self.sum(c);
        let (services, nodes) = (&self.by_service, &self.by_node);
        self.service_history
            .retain(|id, _| services.contains_key(id));
        self.node_history.retain(|id, _| nodes.contains_key(id));
    }

    /// Sums the latest readings by service and by node.
    fn sum(&mut self, c: &Cluster) {
        let mut service_of: Option<foldhash::HashMap<&str, &str>> = None;
        self.by_service.clear();
        self.by_node.clear();
        for (task_id, u) in &self.usage {
            let p = point(u);
            add(self.by_node.entry(u.node_id.clone()).or_default(), p);
            let service = match self.containers.get(task_id) {
                Some(f) if !f.service_id.is_empty() => Some(f.service_id.as_str()),
                _ => service_of
                    .get_or_insert_with(|| task_services(c))
                    .get(task_id.as_str())
                    .copied(),
            };
            if let Some(s) = service {
                add(self.by_service.entry(s.to_string()).or_default(), p);
            }
        }
    }

    /// The latest reading of a task's container.
    pub fn task_point(&self, task_id: &str) -> Option<Point> {
        self.usage.get(task_id).map(point)
    }

    pub fn health(&self, task_id: &str) -> Health {
        self.containers
            .get(task_id)
            .map_or(Health::None, |c| c.health)
    }

    pub fn reach_of(&self, node_id: &str) -> Option<&NodeReach> {
        self.reach.iter().find(|r| r.node_id == node_id)
    }

    /// Why the node's engine cannot be reached, when it cannot.
    pub fn unreachable(&self, node_id: &str) -> Option<&str> {
        match &self.reach_of(node_id)?.state {
            ReachState::Failed(why) => Some(why),
            _ => None,
        }
    }
}

/// Every problem, worst first, with those the nodes' engines tell (health, image drift).
pub fn problems(c: &Cluster, now: DateTime<Utc>, nd: &NodeData) -> Vec<Problem> {
    let mut containers: Vec<&ContainerFacts> = nd.containers.values().collect();
    containers.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    find_with(c, now, &containers)
}

fn point(u: &Usage) -> Point {
    Point {
        cpu: u.sample.cpu_percent(),
        mem: u.sample.mem_used(),
    }
}

fn add(s: &mut Sum, p: Point) {
    s.cpu += p.cpu;
    s.mem += p.mem;
    s.tasks += 1;
}

/// Each task's service, for readings of containers not listed yet.
fn task_services(c: &Cluster) -> foldhash::HashMap<&str, &str> {
    c.tasks
        .iter()
        .filter_map(|t| Some((t.id.as_deref()?, t.service_id.as_deref()?)))
        .collect()
}

/// A CPU % as the usage columns write it: `0.25%`, `12.5%`, `250%`.
pub fn cpu_text(pct: f64) -> String {
    if pct < 10.0 {
        format!("{pct:.2}%")
    } else if pct < 100.0 {
        format!("{pct:.1}%")
    } else {
        format!("{pct:.0}%")
    }
}

/// What a usage cell says when there is no reading: `n/a` when the task's node cannot be
/// reached (why is in the reach view and describe), else nothing.
pub fn missing_text(nd: &NodeData, node_id: &str) -> &'static str {
    if nd.unreachable(node_id).is_some() {
        "n/a"
    } else {
        ""
    }
}

/// A running task whose container can be read.
pub fn watched(t: &Task) -> Option<Watched> {
    // a task whose healthcheck has not passed yet is `starting`, its container running: its
    // figures and health are what an operator asks about
    if !matches!(task_state(t), TaskState::RUNNING | TaskState::STARTING) {
        return None;
    }
    let container = t
        .status
        .as_ref()
        .and_then(|s| s.container_status.as_ref())
        .and_then(|c| c.container_id.clone())?;
    Some(Watched {
        task_id: t.id.clone()?,
        container_id: container,
        node_id: t.node_id.clone()?,
    })
}

/// The running tasks that can be watched, and where each is: built once per cluster
/// generation.
#[derive(Debug, Default)]
pub struct WatchIndex {
    pub running: Vec<Watched>,
    pub by_task: foldhash::HashMap<String, usize>,
    /// Every task of the service that can be watched.
    pub by_service: foldhash::HashMap<String, Vec<usize>>,
    pub by_node: foldhash::HashMap<String, Vec<usize>>,
    /// The nodes that run a task that can be watched, in order.
    pub nodes_running: Vec<String>,
}

impl WatchIndex {
    pub fn new(tasks: &[Task]) -> WatchIndex {
        let mut ix = WatchIndex::default();
        for t in tasks {
            let Some(w) = watched(t) else { continue };
            let i = ix.running.len();
            ix.by_task.insert(w.task_id.clone(), i);
            if let Some(s) = t.service_id.as_deref() {
                ix.by_service.entry(s.to_string()).or_default().push(i);
            }
            ix.by_node.entry(w.node_id.clone()).or_default().push(i);
            ix.running.push(w);
        }
        ix.nodes_running = ix.by_node.keys().cloned().collect();
        ix.nodes_running.sort();
        ix
    }

    pub fn pick<'a>(&self, at: impl Iterator<Item = &'a usize>) -> Vec<Watched> {
        at.filter_map(|&i| self.running.get(i).cloned()).collect()
    }
}
