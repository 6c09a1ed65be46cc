//! What flows between the engine worker and the UI: the worker's messages, the UI's commands,
//! and log streams. Plain data, so the app core can read and answer them without depending on
//! the crate that holds the Docker client.

use std::time::Duration;

use bollard_stubs::models::EventMessage;

use crate::cluster::{Cluster, TaskDelta, TaskSet};

/// What the worker tells the UI.
#[derive(Debug, Clone)]
pub enum EngineMsg {
    /// Connected (again) to an engine.
    Connected {
        endpoint: String,
        engine_version: String,
        api_version: String,
        /// The manager that stopped answering, when this is another one.
        switched_from: Option<String>,
        /// Why nothing may be changed through this connection (its transport's gate).
        read_only: Option<String>,
    },
    /// A fresh view of the cluster's objects. It carries no tasks: the UI keeps the tasks it
    /// has, and they are refreshed on their own (`Part::Tasks`, `Part::TaskDelta`).
    Loaded(Box<Cluster>),
    /// Part of the cluster, refreshed after events or a poll.
    Part(Part),
    /// The manager answered its regular poll (the nodes, sent before this when they changed):
    /// the data is as fresh as now, and the next answer is due within `every`. A large swarm
    /// is asked seldom and its answers mostly change nothing: the header calls its data old
    /// only past this.
    Answered { every: Duration },
    /// A swarm event, for the event timeline.
    Event(Box<EventMessage>),
    /// The connection failed, or the engine answered polls with errors; the UI keeps the old
    /// data, marked stale, and says why.
    Lost {
        error: String,
        retry_in: Duration,
        failure: Failure,
    },
    /// A service being rolled out, re-read, with the tasks on its current spec.
    Rollout {
        service: Box<bollard_stubs::models::Service>,
        up_to_date: Vec<crate::cluster::Task>,
    },
    /// What the nodes' own engines said (the per-node worker).
    Node(crate::nodes::NodeMsg),
}

#[derive(Debug, Clone)]
pub enum Part {
    Nodes(Vec<bollard_stubs::models::Node>),
    Services(Vec<bollard_stubs::models::Service>),
    /// Every task of the set, replacing the ones the UI has of it (small swarms).
    Tasks(TaskSet, Vec<crate::cluster::Task>),
    /// What changed in the tasks the UI holds (large swarms).
    TaskDelta(TaskDelta),
    Secrets(Vec<bollard_stubs::models::Secret>),
    Configs(Vec<bollard_stubs::models::Config>),
    Networks(Vec<bollard_stubs::models::Network>),
    /// Services whose spec changed while swarmtop watched, as the engine wrote them (the
    /// spec history).
    ServiceSpecs(Vec<crate::cluster::spec_history::SpecSeen>),
}

/// What the UI asks of the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineCmd {
    /// Reload everything now.
    Refresh,
    /// The tasks the UI shows; polled while set.
    WatchTasks(TaskScope),
    /// Follow one service's rollout closely (every second), or stop.
    WatchRollout(Option<String>),
}

/// Which tasks the UI is looking at. Tasks have no swarm events, so they are polled, and only
/// for what the user looks at (plus degraded services): fetching cost must not grow with what
/// is off-screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskScope {
    #[default]
    None,
    /// What the nodes and problems views need: every task that should run (counts per node,
    /// tasks left on dead nodes), recent failures, the tasks of degraded services.
    Summary,
    /// Every task, history included (the tasks pane).
    All,
    Service(String),
    Node(String),
}

/// Why the data on screen stopped being refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Nothing answered (refused, cut, timed out).
    Connection,
    /// The engine answered, with an error.
    Answered,
    /// The engine answered that the swarm has no leader: a majority of managers is gone.
    NoLeader,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    Service {
        id: String,
        name: String,
    },
    Task {
        id: String,
        name: String,
    },
    /// A task's container, read from its node's own engine.
    Container {
        node_id: String,
        container_id: String,
        task_id: String,
        name: String,
    },
}

impl LogTarget {
    pub fn name(&self) -> &str {
        match self {
            LogTarget::Service { name, .. }
            | LogTarget::Task { name, .. }
            | LogTarget::Container { name, .. } => name,
        }
    }
}

/// What to load first: the last `tail` lines, or everything since a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub target: LogTarget,
    /// Unix seconds; None: from the tail.
    pub since: Option<i64>,
    pub tail: u32,
    pub follow: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    Stdout,
    Stderr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Nanoseconds since the epoch (0 when the engine sent no timestamp).
    pub ts: i64,
    pub task_id: String,
    pub node_id: String,
    pub stream: StreamKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogEvent {
    Lines(Vec<LogLine>),
    /// The stream ended or failed and will be resumed; shown as a marker line.
    Interrupted {
        reason: String,
        retry_in: Duration,
    },
    Resumed,
    /// The session moved to another manager (or reconnected): the stream follows it there,
    /// from the last line received.
    Moved {
        to: String,
    },
    /// The engine cannot serve these logs (e.g. the log driver); no retry.
    Failed(String),
}

/// One wording for every refusal of a write (read-only sessions, contexts, transports).
pub fn refusal(why: &str, what: &str) -> String {
    format!("read-only ({why}): {what} refused, nothing was changed")
}
