//! The engine worker: owns the connection, loads the cluster, follows `/events` and refreshes
//! only what changed, polls what has no events (task states, running counts), and reconnects
//! with backoff. It talks to the UI only through messages.

use std::collections::BTreeSet;
use std::time::Duration;

use bollard::models::{EventMessage, EventMessageTypeEnum};
use bollard::query_parameters::EventsOptions;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::client::Engine;
use super::error::{EngineError, from_bollard};
use super::load::{TaskScope, load_cluster, task_filters};
use crate::cluster::{Cluster, TaskSet, service_id, service_is_degraded};
use crate::connect::Endpoint;

/// What the worker tells the UI.
#[derive(Debug, Clone)]
pub enum EngineMsg {
    /// Connected (again) to an engine; `switched_from` when it is another manager than before.
    Connected {
        endpoint: String,
        engine_version: String,
        api_version: String,
        switched_from: Option<String>,
    },
    /// A complete fresh view of the cluster.
    Loaded(Box<Cluster>),
    /// Part of the cluster, refreshed after events or a poll.
    Part(Part),
    /// A swarm event, for the event timeline.
    Event(Box<EventMessage>),
    /// The connection failed; the UI keeps the old data, marked stale.
    Lost { error: String, retry_in: Duration },
    /// A service being rolled out, re-read, with the tasks on its current spec.
    Rollout {
        service: Box<bollard::models::Service>,
        up_to_date: Vec<bollard::models::Task>,
    },
}

#[derive(Debug, Clone)]
pub enum Part {
    Nodes(Vec<bollard::models::Node>),
    Services(Vec<bollard::models::Service>),
    Tasks(TaskSet, Vec<bollard::models::Task>),
    Secrets(Vec<bollard::models::Secret>),
    Configs(Vec<bollard::models::Config>),
    Networks(Vec<bollard::models::Network>),
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

/// How often things without events are polled, and how often everything is reloaded.
#[derive(Debug, Clone)]
pub struct Intervals {
    pub tasks: Duration,
    pub services: Duration,
    pub resync: Duration,
    pub debounce: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            tasks: Duration::from_secs(2),
            services: Duration::from_secs(2),
            resync: Duration::from_secs(60),
            debounce: Duration::from_millis(100),
        }
    }
}

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
}

/// A poll that takes longer than this means the manager stopped answering (a network cut
/// sends no error): the data is marked stale and other managers are tried.
const POLL_DEADLINE: Duration = Duration::from_secs(10);

async fn within<T>(
    endpoint: &str,
    work: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    tokio::time::timeout(POLL_DEADLINE, work)
        .await
        .unwrap_or_else(|_| {
            Err(EngineError::Timeout {
                endpoint: endpoint.to_string(),
                secs: POLL_DEADLINE.as_secs(),
            })
        })
}

/// How far back the event timeline starts on the first connection.
pub const EVENT_HISTORY_SECS: i64 = 15 * 60;

enum Exit {
    Lost(EngineError),
    Closed,
}

impl Worker {
    pub async fn run(mut self) {
        let mut scope = TaskScope::None;
        let mut rollout: Option<String> = None;
        // events are followed from 15 minutes back at first, then from the last one seen, so a
        // reconnection leaves no gap (the UI drops the few seen twice)
        let mut events_since = chrono::Utc::now().timestamp() - EVENT_HISTORY_SECS;
        let mut failures = 0u32;
        // after a loss, the other managers are tried before the one that was lost
        let mut lost = false;
        loop {
            let before = self.current;
            let engine = match self.engine.take() {
                Some(e) => Ok(e),
                None => self.connect_any(lost).await,
            };
            let exit = match engine {
                Ok(engine) => {
                    let switched_from =
                        (self.current != before).then(|| self.endpoints[before].host.to_string());
                    let _ = self
                        .tx
                        .send(EngineMsg::Connected {
                            endpoint: engine.label(),
                            engine_version: engine.version.version.clone().unwrap_or_default(),
                            api_version: engine.api_version(),
                            switched_from,
                        })
                        .await;
                    if let Some(tx) = &self.engines {
                        let _ = tx.send(engine.clone());
                    }
                    self.live(
                        &engine,
                        &mut scope,
                        &mut rollout,
                        &mut failures,
                        &mut events_since,
                    )
                    .await
                }
                Err(e) => Exit::Lost(e),
            };
            match exit {
                Exit::Closed => return,
                Exit::Lost(e) => {
                    lost = true;
                    let wait = backoff(failures);
                    failures += 1;
                    if self
                        .tx
                        .send(EngineMsg::Lost {
                            error: e.to_string(),
                            retry_in: wait,
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
                                Some(EngineCmd::WatchTasks(s)) => scope = s,
                                Some(EngineCmd::WatchRollout(r)) => rollout = r,
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
        let first = if others_first { 1 } else { 0 };
        for step in first..first + n {
            let i = (self.current + step) % n;
            let Some(ep) = self.endpoints.get(i) else {
                break;
            };
            let attempt = async {
                let e = Engine::connect(ep).await?;
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

    async fn live(
        &mut self,
        engine: &Engine,
        scope: &mut TaskScope,
        rollout: &mut Option<String>,
        failures: &mut u32,
        events_since: &mut i64,
    ) -> Exit {
        let label = engine.label();
        // Subscribe from before the load so no change falls between the two.
        let since = (*events_since)
            .min(chrono::Utc::now().timestamp() - 2)
            .to_string();
        let cluster = match load_cluster(engine).await {
            Ok(c) => c,
            Err(e) => return Exit::Lost(e),
        };
        let mut degraded = degraded_ids(&cluster.services);
        let mut known_tasks = cluster.tasks.len();
        let mut service_poll = poll_interval(&self.intervals, cluster.services.len());
        if self
            .tx
            .send(EngineMsg::Loaded(Box::new(cluster)))
            .await
            .is_err()
        {
            return Exit::Closed;
        }
        *failures = 0;
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
        let mut events = engine.docker.events(Some(opts));
        let mut pending: BTreeSet<Kind> = BTreeSet::new();
        let mut flush_at: Option<Instant> = None;
        let mut next_resync = Instant::now() + self.intervals.resync;
        let mut next_services = Instant::now() + service_poll;
        let mut next_tasks = Instant::now() + self.intervals.tasks;
        let mut next_rollout = Instant::now();
        let far = Duration::from_secs(3600);

        loop {
            let flush = flush_at.unwrap_or_else(|| Instant::now() + far);
            let tasks_due = if *scope == TaskScope::None && degraded.is_empty() {
                Instant::now() + far
            } else {
                next_tasks
            };
            let rollout_due = if rollout.is_some() {
                next_rollout
            } else {
                Instant::now() + far
            };
            tokio::select! {
                _ = sleep_until(rollout_due) => {
                    if let Some(id) = rollout.clone() {
                        match within(&label, rollout_state(engine, &id)).await {
                            Ok(Some(m)) => {
                                if self.tx.send(m).await.is_err() {
                                    return Exit::Closed;
                                }
                            }
                            Ok(None) => *rollout = None,
                            Err(e) if e.is_connection() => return Exit::Lost(e),
                            Err(_) => {}
                        }
                    }
                    next_rollout = Instant::now() + ROLLOUT_POLL;
                }
                ev = events.next() => match ev {
                    Some(Ok(ev)) => {
                        if let Some(t) = ev.time {
                            *events_since = (*events_since).max(t);
                        }
                        if let Some(k) = kind_of(&ev) {
                            pending.insert(k);
                            flush_at.get_or_insert_with(|| Instant::now() + self.intervals.debounce);
                            // a service change usually changes its tasks too
                            if k == Kind::Services || k == Kind::Nodes {
                                next_tasks = next_tasks.min(Instant::now() + self.intervals.debounce * 5);
                            }
                        }
                        if self.tx.send(EngineMsg::Event(Box::new(ev))).await.is_err() {
                            return Exit::Closed;
                        }
                    }
                    Some(Err(e)) => return Exit::Lost(from_bollard(&label, &e)),
                    None => return Exit::Lost(EngineError::Unreachable {
                        endpoint: label.clone(),
                        detail: "the event stream ended".into(),
                    }),
                },
                _ = sleep_until(flush) => {
                    flush_at = None;
                    for k in std::mem::take(&mut pending) {
                        let refreshed = within(&label, async {
                            Ok::<_, EngineError>(self.refresh(engine, k).await)
                        })
                        .await
                        .and_then(|r| r);
                        match refreshed {
                            Ok(true) => {}
                            Ok(false) => return Exit::Closed,
                            Err(e) => return Exit::Lost(e),
                        }
                        if k == Kind::Services {
                            next_services = Instant::now() + service_poll;
                        }
                    }
                }
                _ = sleep_until(next_services) => {
                    match within(&label, engine.services()).await {
                        Ok(s) => {
                            service_poll = poll_interval(&self.intervals, s.len());
                            degraded = degraded_ids(&s);
                            if self.tx.send(EngineMsg::Part(Part::Services(s))).await.is_err() {
                                return Exit::Closed;
                            }
                        }
                        Err(e) if e.is_connection() => return Exit::Lost(e),
                        Err(_) => {}
                    }
                    next_services = Instant::now() + service_poll;
                }
                _ = sleep_until(tasks_due) => {
                    for set in task_sets(scope, &degraded, known_tasks) {
                        match within(&label, engine.tasks(task_filters(&set))).await {
                            Ok(t) => {
                                if set == TaskSet::All {
                                    known_tasks = t.len();
                                }
                                if self.tx.send(EngineMsg::Part(Part::Tasks(set, t))).await.is_err() {
                                    return Exit::Closed;
                                }
                            }
                            Err(e) if e.is_connection() => return Exit::Lost(e),
                            Err(_) => {}
                        }
                    }
                    next_tasks = Instant::now() + self.intervals.tasks;
                }
                _ = sleep_until(next_resync) => {
                    match load_cluster(engine).await {
                        Ok(c) => {
                            if self.tx.send(EngineMsg::Loaded(Box::new(c))).await.is_err() {
                                return Exit::Closed;
                            }
                        }
                        Err(e) => return Exit::Lost(e),
                    }
                    next_resync = Instant::now() + self.intervals.resync;
                }
                cmd = self.rx.recv() => match cmd {
                    None => return Exit::Closed,
                    Some(EngineCmd::Refresh) => next_resync = Instant::now(),
                    Some(EngineCmd::WatchTasks(s)) => {
                        if s != *scope {
                            *scope = s;
                            next_tasks = Instant::now();
                        }
                    }
                    Some(EngineCmd::WatchRollout(r)) => {
                        if r != *rollout {
                            *rollout = r;
                            next_rollout = Instant::now();
                        }
                    }
                },
            }
        }
    }

    /// Re-reads one kind; Ok(false) when the UI is gone.
    async fn refresh(&self, engine: &Engine, kind: Kind) -> Result<bool, EngineError> {
        let part = match kind {
            Kind::Nodes => Part::Nodes(engine.nodes().await?),
            Kind::Services => {
                // a created or scaled service changes tasks too: fetch them with it
                let services = engine.services().await?;
                let tasks = if services.len() <= 50 {
                    Some(engine.tasks(task_filters(&TaskSet::All)).await?)
                } else {
                    None
                };
                if self
                    .tx
                    .send(EngineMsg::Part(Part::Services(services)))
                    .await
                    .is_err()
                {
                    return Ok(false);
                }
                match tasks {
                    Some(t) => Part::Tasks(TaskSet::All, t),
                    None => return Ok(true),
                }
            }
            Kind::Secrets => Part::Secrets(engine.secrets().await?),
            Kind::Configs => Part::Configs(engine.configs().await?),
            Kind::Networks => Part::Networks(engine.networks().await?),
        };
        Ok(self.tx.send(EngineMsg::Part(part)).await.is_ok())
    }
}

/// A rollout on screen is followed every second, as `docker service update` does (5 per second
/// there; once a second is plenty for a person and cheap for the manager).
const ROLLOUT_POLL: Duration = Duration::from_secs(1);

/// The service and its tasks on the current spec (`_up-to-date`, the filter the docker CLI's
/// progress display uses). None when the service is gone.
async fn rollout_state(engine: &Engine, id: &str) -> Result<Option<EngineMsg>, EngineError> {
    let service = match engine.docker.inspect_service(id, None).await {
        Ok(s) => s,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {
            return Ok(None);
        }
        Err(e) => return Err(from_bollard(&engine.label(), &e)),
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

fn degraded_ids(services: &[bollard::models::Service]) -> Vec<String> {
    services
        .iter()
        .filter(|s| service_is_degraded(s))
        .map(|s| service_id(s).to_string())
        .collect()
}

/// Below this many tasks, one request for all of them is cheaper than being selective.
const SMALL_SWARM_TASKS: usize = 2000;

/// The task requests of one poll: what the UI shows, and the tasks of degraded services (the
/// problems view explains them). Small swarms simply fetch every task.
fn task_sets(scope: &TaskScope, degraded: &[String], known_tasks: usize) -> Vec<TaskSet> {
    if known_tasks < SMALL_SWARM_TASKS && *scope != TaskScope::None {
        return vec![TaskSet::All];
    }
    let mut services: Vec<String> = degraded.to_vec();
    let mut sets = Vec::new();
    match scope {
        TaskScope::All => return vec![TaskSet::All],
        TaskScope::Service(id) => {
            if !services.contains(id) {
                services.push(id.clone());
            }
        }
        TaskScope::Node(id) => sets.push(TaskSet::Node(id.clone())),
        TaskScope::None => {}
    }
    if !services.is_empty() {
        sets.push(TaskSet::Services(services));
    }
    sets
}

/// Running counts change without events, so services are polled; large swarms less often.
fn poll_interval(iv: &Intervals, services: usize) -> Duration {
    let scaled = Duration::from_millis(services as u64 * 10);
    iv.services.max(scaled).min(Duration::from_secs(20))
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
    fn polls_what_is_shown_and_what_is_degraded() {
        let d = vec!["bad".to_string()];
        let big = 50_000;
        assert_eq!(task_sets(&TaskScope::All, &d, big), vec![TaskSet::All]);
        assert_eq!(
            task_sets(&TaskScope::Service("web".into()), &d, big),
            vec![TaskSet::Services(vec!["bad".into(), "web".into()])]
        );
        assert_eq!(
            task_sets(&TaskScope::Node("n1".into()), &d, big),
            vec![
                TaskSet::Node("n1".into()),
                TaskSet::Services(vec!["bad".into()])
            ]
        );
        assert!(task_sets(&TaskScope::None, &[], big).is_empty());
        // a small swarm fetches everything in one request
        assert_eq!(
            task_sets(&TaskScope::Node("n1".into()), &d, 10),
            vec![TaskSet::All]
        );
    }

    #[test]
    fn big_swarms_are_polled_less() {
        let iv = Intervals::default();
        assert_eq!(poll_interval(&iv, 10), Duration::from_secs(2));
        assert_eq!(poll_interval(&iv, 2000), Duration::from_secs(20));
    }
}
