//! The engine worker: owns the connection, loads the cluster, follows `/events` and refreshes
//! only what changed, polls what has no events (task states, running counts), and reconnects
//! with backoff. It talks to the UI only through messages.
//!
//! The first frame needs no task: the objects are loaded and sent first, and the tasks follow.
//! How tasks are read and how often anything is polled depends on the swarm's size (see
//! [`Cadence`]): a small swarm is simply polled; a large one is refreshed by its events and by
//! the changes its running counts show, its tasks are read streamed and only changes reach the
//! UI (see [`Tracker`]).

use std::collections::BTreeSet;
use std::time::Duration;

use bollard::models::{EventMessage, EventMessageTypeEnum};
use bollard::query_parameters::EventsOptions;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::cadence::{Cadence, ServiceFacts};
use super::client::Engine;
use super::error::{EngineError, Failure, from_bollard};
use super::load::{load_objects_watched, task_filters, tracked_tasks};
use super::spec_watch::SpecWatch;
use super::tracker::{Keep, Tracker};
use crate::connect::Endpoint;
use swarmtop_model::cluster::TaskSet;
use swarmtop_model::cluster::problems::FAILURE_WINDOW_MINUTES;
use swarmtop_model::cluster::spec_history::SpecSeen;
use swarmtop_model::feed::TaskScope;
pub use swarmtop_model::feed::{EngineCmd, EngineMsg, Part};

/// A setting (config.yaml `refresh`), so it lives with the settings.
pub use swarmtop_settings::config::Intervals;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Nodes,
    Services,
    Secrets,
    Configs,
    Networks,
}

fn kind_of(ev: &EventMessage) -> Option<Kind> {
    match ev.typ? {
        EventMessageTypeEnum::NODE => Some(Kind::Nodes),
        EventMessageTypeEnum::SERVICE => Some(Kind::Services),
        EventMessageTypeEnum::SECRET => Some(Kind::Secrets),
        EventMessageTypeEnum::CONFIG => Some(Kind::Configs),
        EventMessageTypeEnum::NETWORK => Some(Kind::Networks),
        _ => None,
    }
}

/// The node of a node event that moves tasks (drained, gone down or back): its tasks, and the
/// services that ran there, are re-read.
fn moving_node(ev: &EventMessage) -> Option<String> {
    if ev.typ? != EventMessageTypeEnum::NODE {
        return None;
    }
    let actor = ev.actor.as_ref()?;
    let attrs = actor.attributes.as_ref();
    let attr = |k: &str| attrs.and_then(|a| a.get(k)).map(String::as_str);
    let moves = attr("state.new").is_some()
        || attr("availability.new") == Some("drain")
        || attr("availability.old") == Some("drain")
        || matches!(ev.action.as_deref(), Some("remove"));
    moves.then(|| actor.id.clone()).flatten()
}

/// Backoff after failures: 1 s, 2 s, 4 s ... capped at 30 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(5)).min(Duration::from_secs(30))
}

pub struct Worker {
    /// Managers to use, in order of preference (`--host` given several times): when the one
    /// in use is lost, the others are tried.
    pub endpoints: Vec<Endpoint>,
    /// The index in `endpoints` in use.
    pub current: usize,
    /// Each engine connected to, for what else talks to it (log streams, actions).
    pub engines: Option<mpsc::UnboundedSender<Engine>>,
    pub tx: mpsc::Sender<EngineMsg>,
    pub rx: mpsc::Receiver<EngineCmd>,
    pub intervals: Intervals,
    /// An already connected engine to start with (the one the start-up check made).
    pub engine: Option<Engine>,
    /// What every connection of this worker may send (`crate::access`).
    pub gate: crate::access::Gate,
}

/// A poll that takes longer than this means the manager stopped answering (a network cut
/// sends no error): the data is marked stale and other managers are tried.
const POLL_DEADLINE: Duration = Duration::from_secs(10);
/// The same for reading everything (a resync, every task of a large swarm), which takes longer.
const LOAD_DEADLINE: Duration = Duration::from_secs(60);

/// `work`, or a lost connection if it takes longer than `limit`.
async fn within(
    label: &str,
    limit: Duration,
    work: impl std::future::Future<Output = Step>,
) -> Step {
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(Exit::Lost(EngineError::Timeout {
            endpoint: label.to_string(),
            secs: limit.as_secs(),
        }))
    })
}

/// How far back the event timeline starts on the first connection.
pub const EVENT_HISTORY_SECS: i64 = 15 * 60;

enum Exit {
    Lost(EngineError),
    Closed,
}

/// What outlives a connection.
struct Kept {
    scope: TaskScope,
    rollout: Option<String>,
    failures: u32,
    /// Events are followed from 15 minutes back at first, then from the last one seen, so a
    /// reconnection leaves no gap (the UI drops the few seen twice).
    events_since: i64,
    /// The tasks the UI holds, for a large swarm.
    tracker: Tracker,
    /// The services' specs as last seen (version and hash), kept across reconnections so a
    /// change made meanwhile is told.
    specs: SpecWatch,
}

impl Worker {
    pub async fn run(mut self) {
        let mut first = self.engine.take();
        let mut kept = Kept {
            scope: TaskScope::None,
            rollout: None,
            failures: 0,
            events_since: chrono::Utc::now().timestamp() - EVENT_HISTORY_SECS,
            tracker: Tracker::default(),
            specs: SpecWatch::default(),
        };
        // after a loss, the other managers are tried before the one that was lost
        let mut lost = false;
        // the manager whose data the UI shows, to say "moved" when another one answers
        let mut announced = Some(self.current);
        loop {
            let engine = match first.take() {
                Some(e) => Ok(e),
                None => self.connect_any(lost).await,
            };
            let exit = match engine {
                Ok(engine) => {
                    let switched_from = announced
                        .filter(|&a| a != self.current)
                        .and_then(|a| self.endpoints.get(a))
                        .map(|e| e.host.to_string());
                    let moved = switched_from.is_some();
                    let hello = EngineMsg::Connected {
                        endpoint: engine.label(),
                        engine_version: engine.version.version.clone().unwrap_or_default(),
                        api_version: engine.api_version(),
                        switched_from,
                        read_only: engine.read_only().map(str::to_string),
                    };
                    // a move is said at once (the header names where we are, even while a
                    // new leader is being elected there); a reconnection to the same manager
                    // only once it answers
                    let hello = if moved {
                        if self.tx.send(hello).await.is_err() {
                            return;
                        }
                        if let Some(engines) = &self.engines {
                            let _ = engines.send(engine.clone());
                        }
                        announced = Some(self.current);
                        None
                    } else {
                        Some(hello)
                    };
                    let mut live = Live {
                        engine: &engine,
                        tx: &self.tx,
                        intervals: &self.intervals,
                        kept: &mut kept,
                        hello,
                        engines: self.engines.as_ref(),
                    };
                    let exit = live.run(&mut self.rx).await;
                    if live.hello.is_none() {
                        announced = Some(self.current);
                    }
                    exit
                }
                Err(e) => Exit::Lost(e),
            };
            match exit {
                Exit::Closed => return,
                Exit::Lost(e) => {
                    lost = true;
                    let failure = e.failure();
                    let mut wait = backoff(kept.failures);
                    if failure != Failure::Connection {
                        // the engine answers: asking again soon costs little, and shows the
                        // swarm back (a leader elected) within seconds
                        wait = wait.min(ANSWERED_RETRY);
                    }
                    kept.failures += 1;
                    if self
                        .tx
                        .send(EngineMsg::Lost {
                            error: e.to_string(),
                            retry_in: wait,
                            failure,
                        })
                        .await
                        .is_err()
                    {
                        return;
                    }
                    // wait, but keep listening: a Refresh retries at once
                    let deadline = Instant::now() + wait;
                    loop {
                        tokio::select! {
                            _ = sleep_until(deadline) => break,
                            cmd = self.rx.recv() => match cmd {
                                None => return,
                                Some(EngineCmd::WatchTasks(s)) => kept.scope = s,
                                Some(EngineCmd::WatchRollout(r)) => kept.rollout = r,
                                Some(EngineCmd::Refresh) => break,
                            }
                        }
                    }
                }
            }
        }
    }

    /// Connects to the manager in use or, failing that, to the next one that answers as a
    /// manager; with `others_first`, the one in use is tried last. With others to try, a dead
    /// one is given less time.
    async fn connect_any(&mut self, others_first: bool) -> Result<Engine, EngineError> {
        let n = self.endpoints.len().max(1);
        let deadline = if n > 1 {
            Duration::from_secs(8)
        } else {
            Duration::from_secs(40)
        };
        let mut last = None;
        let first = usize::from(others_first);
        for step in first..first + n {
            let i = (self.current + step) % n;
            let Some(ep) = self.endpoints.get(i) else {
                break;
            };
            let attempt = async {
                let e = Engine::connect(ep, &self.gate).await?;
                e.require_manager().await?;
                Ok::<_, EngineError>(e)
            };
            match tokio::time::timeout(deadline, attempt).await {
                Ok(Ok(e)) => {
                    self.current = i;
                    return Ok(e);
                }
                Ok(Err(e)) => last = Some(e),
                Err(_) => {
                    last = Some(EngineError::Timeout {
                        endpoint: ep.host.to_string(),
                        secs: deadline.as_secs(),
                    })
                }
            }
        }
        Err(last.unwrap_or_else(|| EngineError::Other("no endpoint to connect to".into())))
    }
}

/// The longest wait before asking again an engine that answered with an error.
const ANSWERED_RETRY: Duration = Duration::from_secs(4);

/// One connection's work.
struct Live<'a> {
    engine: &'a Engine,
    tx: &'a mpsc::Sender<EngineMsg>,
    intervals: &'a Intervals,
    kept: &'a mut Kept,
    /// `Connected` to the manager already shown, sent once it has answered the first load: an
    /// engine that accepts the connection but cannot answer (no leader) is not announced as
    /// "reconnected" on every try.
    hello: Option<EngineMsg>,
    engines: Option<&'a mpsc::UnboundedSender<Engine>>,
}

/// When each kind of work is next due, and what is waiting for it.
struct Plan {
    cadence: Cadence,
    facts: ServiceFacts,
    /// Kinds named by events, refreshed together after the debounce.
    pending: BTreeSet<Kind>,
    flush: Option<Instant>,
    resync: Instant,
    services: Instant,
    /// Node polls: a manager's reachability changes without an event.
    nodes: Instant,
    /// The nodes as last sent to the UI: an unchanged list is not sent again.
    nodes_seen: Vec<bollard::models::Node>,
    /// Task polls: small swarms' tasks on screen and of degraded services; large swarms' view
    /// drilled into and services being rolled out.
    tasks: Instant,
    /// Small: the next task poll reads every task (after a load).
    all_tasks_next: bool,
    /// Large: every task, read streamed.
    overview: Option<Instant>,
    /// The `overview` due is the tasks pane's periodic read (dropped when the pane goes).
    overview_for_pane: bool,
    /// Small: how many tasks the last read of them all found (history included).
    tasks_seen: usize,
    /// Large: services and nodes whose tasks changed, read together.
    changed_services: BTreeSet<String>,
    changed_nodes: BTreeSet<String>,
    changed: Option<Instant>,
    last_changed: Option<Instant>,
    rollout: Instant,
}

const FAR: Duration = Duration::from_secs(3600);

/// The nodes poll is the regular answer of every swarm, large or small.
fn answered(cadence: &Cadence) -> EngineMsg {
    EngineMsg::Answered {
        every: cadence.nodes,
    }
}

type Step = Result<(), Exit>;

impl Live<'_> {
    async fn send(&self, m: EngineMsg) -> Step {
        self.tx.send(m).await.map_err(|_| Exit::Closed)
    }

    /// The specs that changed, for the spec history (nothing when none did).
    async fn send_specs(&self, specs: Vec<SpecSeen>) -> Step {
        if specs.is_empty() {
            return Ok(());
        }
        self.send(EngineMsg::Part(Part::ServiceSpecs(specs))).await
    }

    fn keep(&self, facts: &ServiceFacts) -> Keep {
        Keep {
            scope: self.kept.scope.clone(),
            degraded: facts.degraded().iter().cloned().collect(),
            failures_since: chrono::Utc::now().timestamp() - FAILURE_WINDOW_MINUTES * 60,
        }
    }

    async fn run(&mut self, rx: &mut mpsc::Receiver<EngineCmd>) -> Exit {
        let label = self.engine.label();
        // Subscribe from before the load so no change falls between the two.
        let since = self
            .kept
            .events_since
            .min(chrono::Utc::now().timestamp() - 2)
            .to_string();
        let (cluster, specs) = match load_objects_watched(self.engine, &mut self.kept.specs).await {
            Ok(loaded) => loaded,
            Err(e) => return Exit::Lost(e),
        };
        let facts = ServiceFacts::of(&cluster.services);
        let cadence = Cadence::new(self.intervals, facts.services(), facts.desired());
        if let Some(hello) = self.hello.take() {
            if let Err(e) = self.send(hello).await {
                return e;
            }
            if let Some(engines) = self.engines {
                let _ = engines.send(self.engine.clone());
            }
        }
        let nodes_seen = cluster.nodes.clone();
        if let Err(e) = self.send(EngineMsg::Loaded(Box::new(cluster))).await {
            return e;
        }
        if let Err(e) = self.send_specs(specs).await {
            return e;
        }
        if let Err(e) = self.send(answered(&cadence)).await {
            return e;
        }
        self.kept.failures = 0;
        let now = Instant::now();
        let mut plan = Plan {
            pending: BTreeSet::new(),
            flush: None,
            resync: now + cadence.resync,
            services: now + cadence.services,
            nodes: now + cadence.nodes,
            nodes_seen,
            // the first frame did not wait for tasks: read them now
            tasks: now,
            all_tasks_next: !cadence.large,
            overview: cadence.large.then_some(now),
            overview_for_pane: false,
            tasks_seen: 0,
            changed_services: BTreeSet::new(),
            changed_nodes: BTreeSet::new(),
            changed: None,
            last_changed: None,
            rollout: now,
            cadence,
            facts,
        };
        if !plan.cadence.large {
            // a swarm that was large before the reconnection starts over
            self.kept.tracker = Tracker::default();
        }
        let opts = EventsOptions {
            since: Some(since),
            until: None,
            filters: Some(
                [
                    (
                        "type".to_string(),
                        ["node", "service", "secret", "config", "network"]
                            .map(String::from)
                            .to_vec(),
                    ),
                    ("scope".to_string(), vec!["swarm".to_string()]),
                ]
                .into(),
            ),
        };
        let mut events = self.engine.docker.events(Some(opts));

        loop {
            let now = Instant::now();
            let flush = plan.flush.unwrap_or(now + FAR);
            let tasks_due = if self.tasks_wanted(&plan) {
                plan.tasks
            } else {
                now + FAR
            };
            let rollout_due = if self.kept.rollout.is_some() {
                plan.rollout
            } else {
                now + FAR
            };
            let overview = plan.overview.unwrap_or(now + FAR);
            let changed = plan.changed.unwrap_or(now + FAR);
            let (short, long) = (POLL_DEADLINE, LOAD_DEADLINE);
            let step = tokio::select! {
                _ = sleep_until(rollout_due) => within(&label, short, self.follow_rollout(&mut plan)).await,
                ev = events.next() => match ev {
                    Some(Ok(ev)) => self.on_event(&mut plan, ev).await,
                    Some(Err(e)) => Err(Exit::Lost(from_bollard(&label, &e))),
                    None => Err(Exit::Lost(EngineError::Unreachable {
                        endpoint: label.clone(),
                        detail: "the event stream ended".into(),
                    })),
                },
                _ = sleep_until(flush) => within(&label, short, self.flush(&mut plan)).await,
                _ = sleep_until(plan.services) => within(&label, short, self.poll_services(&mut plan)).await,
                _ = sleep_until(plan.nodes) => within(&label, short, self.poll_nodes(&mut plan)).await,
                _ = sleep_until(tasks_due) => within(&label, short, self.poll_tasks(&mut plan)).await,
                _ = sleep_until(overview) => within(&label, long, self.read_all_tasks(&mut plan)).await,
                _ = sleep_until(changed) => within(&label, long, self.read_changed(&mut plan)).await,
                _ = sleep_until(plan.resync) => within(&label, long, self.resync(&mut plan)).await,
                cmd = rx.recv() => match cmd {
                    None => Err(Exit::Closed),
                    Some(c) => self.on_command(&mut plan, c).await,
                },
            };
            if let Err(exit) = step {
                return exit;
            }
        }
    }

    /// Is there anything for the periodic task poll to read?
    fn tasks_wanted(&self, plan: &Plan) -> bool {
        if plan.cadence.large {
            matches!(self.kept.scope, TaskScope::Service(_) | TaskScope::Node(_))
                || !plan.facts.rolling().is_empty()
        } else {
            plan.all_tasks_next
                || self.kept.scope != TaskScope::None
                || !plan.facts.degraded().is_empty()
        }
    }

    async fn follow_rollout(&mut self, plan: &mut Plan) -> Step {
        if let Some(id) = self.kept.rollout.clone() {
            match rollout_state(self.engine, &id).await {
                Ok(Some(m)) => self.send(m).await?,
                Ok(None) => self.kept.rollout = None,
                Err(e) if e.poll_failed() => return Err(Exit::Lost(e)),
                Err(_) => {}
            }
        }
        plan.rollout = Instant::now() + ROLLOUT_POLL;
        Ok(())
    }

    async fn on_event(&mut self, plan: &mut Plan, ev: EventMessage) -> Step {
        if let Some(t) = ev.time {
            self.kept.events_since = self.kept.events_since.max(t);
        }
        if let Some(k) = kind_of(&ev) {
            plan.pending.insert(k);
            plan.flush
                .get_or_insert_with(|| Instant::now() + plan.cadence.debounce);
            if let Some(node) = moving_node(&ev) {
                plan.changed_nodes.insert(node);
            }
            // a service or node change usually changes tasks too
            if !plan.cadence.large && (k == Kind::Services || k == Kind::Nodes) {
                plan.tasks = plan.tasks.min(Instant::now() + self.intervals.debounce * 5);
            }
        }
        self.send(EngineMsg::Event(Box::new(ev))).await
    }

    /// Refreshes what the events named.
    async fn flush(&mut self, plan: &mut Plan) -> Step {
        plan.flush = None;
        for k in std::mem::take(&mut plan.pending) {
            let e = self.engine;
            let part = match k {
                Kind::Nodes => {
                    let nodes = e.nodes().await.map_err(Exit::Lost)?;
                    plan.nodes_seen = nodes.clone();
                    // the services that ran on a node that moved its tasks
                    let moved: Vec<String> = plan.changed_nodes.iter().cloned().collect();
                    for n in &moved {
                        plan.changed_services
                            .extend(self.kept.tracker.services_on(n));
                    }
                    if !plan.cadence.large {
                        plan.changed_nodes.clear();
                    }
                    Part::Nodes(nodes)
                }
                Kind::Services => {
                    let (services, specs) = e
                        .services_watched(&mut self.kept.specs)
                        .await
                        .map_err(Exit::Lost)?;
                    self.services_read(plan, &services);
                    // a created or scaled service changes tasks too: small swarms fetch them
                    let tasks = if !plan.cadence.large && services.len() <= 50 {
                        Some(
                            e.tasks(task_filters(&TaskSet::All))
                                .await
                                .map_err(Exit::Lost)?,
                        )
                    } else {
                        None
                    };
                    self.send(EngineMsg::Part(Part::Services(services))).await?;
                    self.send_specs(specs).await?;
                    match tasks {
                        Some(t) => Part::Tasks(TaskSet::All, t),
                        None => continue,
                    }
                }
                Kind::Secrets => Part::Secrets(e.secrets().await.map_err(Exit::Lost)?),
                Kind::Configs => Part::Configs(e.configs().await.map_err(Exit::Lost)?),
                Kind::Networks => Part::Networks(e.networks().await.map_err(Exit::Lost)?),
            };
            self.send(EngineMsg::Part(part)).await?;
        }
        self.schedule_changed(plan);
        Ok(())
    }

    /// After services were read: what changed, what is degraded, how often to poll now.
    fn services_read(&mut self, plan: &mut Plan, services: &[bollard::models::Service]) {
        let facts = ServiceFacts::of(services);
        let size = facts.desired().max(plan.tasks_seen as u64);
        let cadence = Cadence::new(self.intervals, facts.services(), size);
        if cadence.large {
            let changed = facts.changed_since(&plan.facts);
            plan.changed_services.extend(changed);
        }
        plan.facts = facts;
        self.set_cadence(plan, cadence);
    }

    fn set_cadence(&mut self, plan: &mut Plan, cadence: Cadence) {
        if cadence.large != plan.cadence.large {
            // the swarm crossed the size line: read its tasks the new way, from scratch
            self.kept.tracker = Tracker::default();
            plan.overview = cadence.large.then(Instant::now);
            plan.overview_for_pane = false;
            plan.all_tasks_next = !cadence.large;
            plan.tasks = Instant::now();
            plan.tasks_seen = 0;
        }
        plan.services = Instant::now() + cadence.services;
        plan.cadence = cadence;
    }

    /// Nodes have events, but a manager's reachability (what `docker node ls` shows as
    /// Unreachable within seconds) is worked out when asked, and changes without one.
    async fn poll_nodes(&mut self, plan: &mut Plan) -> Step {
        let nodes = self.engine.nodes().await;
        plan.nodes = Instant::now() + plan.cadence.nodes;
        match nodes {
            Ok(n) => {
                if n != plan.nodes_seen {
                    plan.nodes_seen = n.clone();
                    self.send(EngineMsg::Part(Part::Nodes(n))).await?;
                }
                self.send(answered(&plan.cadence)).await
            }
            Err(e) if e.poll_failed() => Err(Exit::Lost(e)),
            Err(_) => Ok(()),
        }
    }

    async fn poll_services(&mut self, plan: &mut Plan) -> Step {
        match self.engine.services_watched(&mut self.kept.specs).await {
            Ok((s, specs)) => {
                let before = plan.facts.clone();
                self.services_read(plan, &s);
                // a large swarm at rest: nothing to redraw (no spec, count or update changed)
                if !(plan.cadence.large && plan.facts == before) {
                    self.send(EngineMsg::Part(Part::Services(s))).await?;
                }
                self.send_specs(specs).await?;
                if plan.cadence.large {
                    // recovered services' history goes, newly degraded ones' is read
                    self.prune(plan).await?;
                }
                self.schedule_changed(plan);
            }
            Err(e) if e.poll_failed() => return Err(Exit::Lost(e)),
            Err(_) => plan.services = Instant::now() + plan.cadence.services,
        }
        Ok(())
    }

    /// Large: the tasks of changed services are read together, at most once per
    /// `cadence.changed` (soon after a quiet spell).
    fn schedule_changed(&mut self, plan: &mut Plan) {
        if !plan.cadence.large
            || plan.changed.is_some()
            || (plan.changed_services.is_empty() && plan.changed_nodes.is_empty())
        {
            return;
        }
        let soon = Instant::now() + Duration::from_secs(2);
        let allowed = plan
            .last_changed
            .map(|t| t + plan.cadence.changed)
            .unwrap_or(soon);
        plan.changed = Some(soon.max(allowed));
    }

    /// Small: what the view shows and degraded services; large: the view drilled into and
    /// services being rolled out.
    async fn poll_tasks(&mut self, plan: &mut Plan) -> Step {
        let large = plan.cadence.large;
        let sets = if large {
            let mut sets = Vec::new();
            match &self.kept.scope {
                TaskScope::Service(id) => sets.push(TaskSet::Services(vec![id.clone()])),
                TaskScope::Node(id) => sets.push(TaskSet::Node(id.clone())),
                _ => {}
            }
            let rolling: Vec<String> = plan.facts.rolling().iter().cloned().collect();
            if !rolling.is_empty() {
                sets.push(TaskSet::Services(rolling));
            }
            sets
        } else if std::mem::take(&mut plan.all_tasks_next) {
            vec![TaskSet::All]
        } else {
            let degraded: Vec<String> = plan.facts.degraded().iter().cloned().collect();
            small_task_sets(&self.kept.scope, &degraded)
        };
        for set in sets {
            if large {
                self.read_tracked(plan, &set).await?;
            } else {
                match self.engine.tasks(task_filters(&set)).await {
                    Ok(t) => {
                        let all = set == TaskSet::All;
                        let n = t.len();
                        self.send(EngineMsg::Part(Part::Tasks(set, t))).await?;
                        if all && n >= self.intervals.large_swarm {
                            // history makes this swarm large after all
                            plan.tasks_seen = n;
                            let cadence =
                                Cadence::new(self.intervals, plan.facts.services(), n as u64);
                            self.set_cadence(plan, cadence);
                            return Ok(());
                        }
                    }
                    Err(e) if e.poll_failed() => return Err(Exit::Lost(e)),
                    Err(_) => {}
                }
            }
        }
        let drilled = matches!(self.kept.scope, TaskScope::Service(_) | TaskScope::Node(_));
        plan.tasks = Instant::now()
            + if large && !drilled {
                plan.cadence.rolling
            } else {
                plan.cadence.tasks
            };
        Ok(())
    }

    /// Large: one streamed read of `set`, its changes sent to the UI.
    async fn read_tracked(&mut self, plan: &Plan, set: &TaskSet) -> Step {
        let keep = self.keep(&plan.facts);
        match tracked_tasks(self.engine, set, &mut self.kept.tracker, &keep).await {
            Ok(d) if d.is_empty() => Ok(()),
            Ok(d) => self.send(EngineMsg::Part(Part::TaskDelta(d))).await,
            Err(e) if e.poll_failed() => Err(Exit::Lost(e)),
            Err(_) => Ok(()),
        }
    }

    /// Large: every task (after a load, and while the tasks pane shows them all).
    async fn read_all_tasks(&mut self, plan: &mut Plan) -> Step {
        plan.overview = None;
        self.read_tracked(plan, &TaskSet::All).await?;
        // everything was just read: nothing is waiting for a change any more
        plan.changed_services.clear();
        plan.changed_nodes.clear();
        plan.changed = None;
        plan.overview_for_pane = self.kept.scope == TaskScope::All;
        if plan.overview_for_pane {
            plan.overview = Some(Instant::now() + plan.cadence.all_tasks);
        }
        Ok(())
    }

    async fn read_changed(&mut self, plan: &mut Plan) -> Step {
        plan.changed = None;
        plan.last_changed = Some(Instant::now());
        let services: Vec<String> = std::mem::take(&mut plan.changed_services)
            .into_iter()
            .collect();
        let nodes = std::mem::take(&mut plan.changed_nodes);
        // past a few hundred services, one read of everything is cheaper than a huge filter
        if services.len() > MAX_FILTERED_SERVICES {
            return self.read_all_tasks(plan).await;
        }
        if !services.is_empty() {
            self.read_tracked(plan, &TaskSet::Services(services))
                .await?;
        }
        for n in nodes {
            self.read_tracked(plan, &TaskSet::Node(n)).await?;
        }
        Ok(())
    }

    /// Large: sends the removal of tasks the UI no longer needs (nothing is asked of the
    /// engine); newly degraded services' tasks are read with the changed ones.
    async fn prune(&mut self, plan: &mut Plan) -> Step {
        let keep = self.keep(&plan.facts);
        let d = self.kept.tracker.prune(&keep);
        if !d.is_empty() {
            self.send(EngineMsg::Part(Part::TaskDelta(d))).await?;
        }
        Ok(())
    }

    async fn resync(&mut self, plan: &mut Plan) -> Step {
        let (cluster, specs) = load_objects_watched(self.engine, &mut self.kept.specs)
            .await
            .map_err(Exit::Lost)?;
        self.services_read(plan, &cluster.services);
        plan.nodes_seen = cluster.nodes.clone();
        self.send(EngineMsg::Loaded(Box::new(cluster))).await?;
        self.send_specs(specs).await?;
        if plan.cadence.large {
            plan.overview = Some(Instant::now());
            plan.overview_for_pane = false;
        } else {
            plan.all_tasks_next = true;
            plan.tasks = Instant::now();
        }
        plan.resync = Instant::now() + plan.cadence.resync;
        Ok(())
    }

    async fn on_command(&mut self, plan: &mut Plan, cmd: EngineCmd) -> Step {
        match cmd {
            EngineCmd::Refresh => plan.resync = Instant::now(),
            EngineCmd::WatchTasks(s) => {
                if s != self.kept.scope {
                    self.kept.scope = s;
                    plan.tasks = Instant::now();
                    if plan.cadence.large {
                        // what the old view alone wanted goes; the new view is read now
                        self.prune(plan).await?;
                        if self.kept.scope == TaskScope::All {
                            plan.overview = Some(Instant::now());
                        } else if plan.overview_for_pane {
                            plan.overview = None;
                            plan.overview_for_pane = false;
                        }
                    }
                }
            }
            EngineCmd::WatchRollout(r) => {
                if r != self.kept.rollout {
                    self.kept.rollout = r;
                    plan.rollout = Instant::now();
                }
            }
        }
        Ok(())
    }
}

/// Above this many services whose tasks changed, every task is read at once instead.
const MAX_FILTERED_SERVICES: usize = 200;

/// A small swarm's task requests of one poll: what the UI shows, and the tasks of degraded
/// services (the problems view explains them). Every task in one request when any is shown.
fn small_task_sets(scope: &TaskScope, degraded: &[String]) -> Vec<TaskSet> {
    match scope {
        TaskScope::All | TaskScope::Summary => return vec![TaskSet::All],
        TaskScope::Service(_) | TaskScope::Node(_) => return vec![TaskSet::All],
        TaskScope::None => {}
    }
    if degraded.is_empty() {
        Vec::new()
    } else {
        vec![TaskSet::Services(degraded.to_vec())]
    }
}

/// A rollout on screen is followed every second, as `docker service update` does (5 per second
/// there; once a second is plenty for a person and cheap for the manager).
const ROLLOUT_POLL: Duration = Duration::from_secs(1);

/// The service and its tasks on the current spec (`_up-to-date`, the filter the docker CLI's
/// progress display uses). None when the service is gone.
async fn rollout_state(engine: &Engine, id: &str) -> Result<Option<EngineMsg>, EngineError> {
    let Some(service) = engine.service(id).await? else {
        return Ok(None);
    };
    let filters = std::collections::HashMap::from([
        ("service".to_string(), vec![id.to_string()]),
        ("_up-to-date".to_string(), vec!["true".to_string()]),
    ]);
    let up_to_date = engine.tasks(filters).await?;
    Ok(Some(EngineMsg::Rollout {
        service: Box::new(service),
        up_to_date,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(10), Duration::from_secs(30));
    }

    #[test]
    fn small_swarms_read_every_task_when_any_is_shown() {
        let d = vec!["bad".to_string()];
        for s in [
            TaskScope::All,
            TaskScope::Summary,
            TaskScope::Service("web".into()),
            TaskScope::Node("n1".into()),
        ] {
            assert_eq!(small_task_sets(&s, &d), vec![TaskSet::All], "{s:?}");
        }
        // nothing shown: the degraded services only
        assert_eq!(
            small_task_sets(&TaskScope::None, &d),
            vec![TaskSet::Services(vec!["bad".into()])]
        );
        assert!(small_task_sets(&TaskScope::None, &[]).is_empty());
    }

    fn node_event(attrs: &[(&str, &str)], action: &str) -> EventMessage {
        EventMessage {
            typ: Some(EventMessageTypeEnum::NODE),
            action: Some(action.into()),
            actor: Some(bollard::models::EventActor {
                id: Some("n1".into()),
                attributes: Some(
                    attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn node_events_that_move_tasks() {
        let drained = node_event(&[("availability.new", "drain")], "update");
        assert_eq!(moving_node(&drained).as_deref(), Some("n1"));
        let down = node_event(&[("state.old", "ready"), ("state.new", "down")], "update");
        assert_eq!(moving_node(&down).as_deref(), Some("n1"));
        let paused = node_event(&[("availability.new", "pause")], "update");
        assert_eq!(moving_node(&paused), None);
        let labelled = node_event(&[("name", "n1")], "update");
        assert_eq!(moving_node(&labelled), None);
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod watch_tests;
