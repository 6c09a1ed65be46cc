//! The per-node worker: reaches each node's own engine (containers, stats, exec live there,
//! not on the manager) and polls only what the screen asked for (`NodeWatch`). Lazy: a node is
//! connected when something needs it, one connection per node, reused, closed when idle;
//! bounded: a few nodes at once, a few requests per node; honest: a node that cannot be reached
//! says why once (in the reach table) and is tried again later, and nothing else waits for it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::access::Gate;
use crate::connect::node_reach::{self, Reach, ReachSettings, ReachSource};
use crate::connect::{Endpoint, HostUrl};
use crate::engine::{Engine, EngineError};
use swarmtop_model::nodes::{
    ContainerFacts, NodeFacts, NodeMsg, NodeReach, NodeWatch, ReachState, Usage, Watched,
};
use swarmtop_model::stats::Sample;

/// How often the watched containers are read.
pub const ROUND: Duration = Duration::from_secs(2);
/// A node's container list (health, images) is read at most this often: the problems view asks
/// every node that runs tasks, and a list every round cost 60 % of a core at 200 nodes.
pub const LIST_EVERY: Duration = Duration::from_secs(10);
/// A node nothing needed for this long has its connection closed.
pub const IDLE: Duration = Duration::from_secs(60);
/// A node that could not be reached is tried again after this.
pub const RETRY: Duration = Duration::from_secs(30);
/// Nodes worked on at once, and requests at once on one node.
pub const NODES_AT_ONCE: usize = 8;
pub const PER_NODE: usize = 4;
/// A connection (ssh, TLS) that takes longer is given up, and the node said unreachable.
pub const CONNECT_DEADLINE: Duration = Duration::from_secs(15);
/// Docker contexts are asked which node they are for this long, once per session.
pub const PROBE_DEADLINE: Duration = Duration::from_secs(5);

/// What the worker starts from.
pub struct NodeSetup {
    /// The manager the session is on, and its connection (reused for its own node).
    pub session: Engine,
    pub settings: ReachSettings,
    /// The docker CLI's contexts (other than the session's), to learn which node each is.
    pub contexts: Vec<Endpoint>,
    /// Read-only follows the session to every node.
    pub gate: Gate,
}

/// What the runtime asks of the worker.
pub enum NodeRequest {
    Watch(NodeWatch),
    /// A node's engine, connected, for an action on one of its containers.
    Engine(String, oneshot::Sender<Result<Engine, String>>),
}

struct Slot {
    facts: NodeFacts,
    reach: Option<Result<Reach, String>>,
    engine: Option<Engine>,
    state: ReachState,
    last_needed: Instant,
    retry_at: Option<Instant>,
    connecting: bool,
    busy: bool,
    /// The next round may not start before this: one round per `ROUND`, however often the
    /// watch changes or a round ends.
    next_round: Option<Instant>,
    /// When its container list was last asked for.
    listed_at: Option<Instant>,
    /// Its running swarm containers, by its last list: what a whole-node watch reads.
    running: Vec<Watched>,
    waiters: Vec<oneshot::Sender<Result<Engine, String>>>,
}

/// What the session learned once: its own node, and which context is which node.
struct Known {
    session_node: String,
    contexts: BTreeMap<String, (String, HostUrl)>,
    context_endpoints: HashMap<String, Endpoint>,
}

enum Done {
    Prepared(Known),
    Connected(String, Box<Result<Engine, String>>),
    Round {
        node: String,
        containers: Option<Result<Vec<ContainerFacts>, EngineError>>,
        usage: Vec<(Watched, Result<Sample, EngineError>)>,
    },
}

/// Runs until the request channel closes.
pub async fn run(
    setup: NodeSetup,
    mut rx: mpsc::UnboundedReceiver<NodeRequest>,
    // unbounded: the worker never waits on its reader (the runtime does not read while a shell
    // runs, and that shell waits on this worker for its node's engine)
    tx: mpsc::UnboundedSender<NodeMsg>,
) {
    let mut w = Worker {
        setup,
        tx,
        watch: NodeWatch::default(),
        slots: HashMap::new(),
        known: None,
        preparing: false,
        prev: HashMap::new(),
        limit: Arc::new(Semaphore::new(NODES_AT_ONCE)),
        last_reach: Vec::new(),
        watch_gen: Arc::new(AtomicU64::new(0)),
    };
    let (dtx, mut drx) = mpsc::channel::<Done>(64);
    let mut tick = tokio::time::interval(ROUND);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            r = rx.recv() => match r {
                None => return,
                Some(NodeRequest::Watch(wt)) => {
                    // only a different watch ends the readings under way
                    if wt.usage != w.watch.usage || wt.whole_nodes != w.watch.whole_nodes {
                        w.watch_gen.fetch_add(1, Ordering::Relaxed);
                    }
                    w.watch = wt;
                    w.sync_slots();
                    w.step(&dtx);
                }
                Some(NodeRequest::Engine(node, reply)) => w.engine_for(node, reply, &dtx),
            },
            d = drx.recv() => {
                if let Some(d) = d {
                    w.done(d).await;
                    w.step(&dtx);
                }
            }
            _ = tick.tick() => w.step(&dtx),
        }
        w.send_reach().await;
    }
}

struct Worker {
    setup: NodeSetup,
    tx: mpsc::UnboundedSender<NodeMsg>,
    watch: NodeWatch,
    slots: HashMap<String, Slot>,
    known: Option<Known>,
    preparing: bool,
    /// The last reading of each container: (CPU total, system total), for CPU %.
    prev: HashMap<String, (u64, u64)>,
    limit: Arc<Semaphore>,
    last_reach: Vec<NodeReach>,
    /// Counts the screen's watches: a round reads only while the watch it started for holds.
    watch_gen: Arc<AtomicU64>,
}

impl Worker {
    /// Slots for the nodes the swarm lists; facts kept current.
    fn sync_slots(&mut self) {
        let listed: HashSet<&str> = self.watch.nodes.iter().map(|n| n.id.as_str()).collect();
        self.slots
            .retain(|id, s| listed.contains(id.as_str()) || !s.waiters.is_empty());
        for n in &self.watch.nodes {
            let slot = self.slots.entry(n.id.clone()).or_insert_with(|| Slot {
                facts: n.clone(),
                reach: None,
                engine: None,
                state: ReachState::Unused,
                last_needed: Instant::now(),
                retry_at: None,
                connecting: false,
                busy: false,
                next_round: None,
                listed_at: None,
                running: Vec::new(),
                waiters: Vec::new(),
            });
            if slot.facts != *n {
                // a node that moved is reached again from what the swarm says now
                slot.facts = n.clone();
                slot.reach = None;
                slot.engine = None;
                slot.state = ReachState::Unused;
            }
        }
        // watched containers that left: their previous readings go too
        let mut watched: HashSet<&str> = self
            .watch
            .usage
            .iter()
            .map(|w| w.container_id.as_str())
            .collect();
        for n in &self.watch.whole_nodes {
            if let Some(slot) = self.slots.get(n) {
                watched.extend(slot.running.iter().map(|w| w.container_id.as_str()));
            }
        }
        self.prev.retain(|c, _| watched.contains(c.as_str()));
    }

    /// Nodes something on screen needs now.
    fn needed(&self) -> HashSet<String> {
        let mut out: HashSet<String> = self.watch.usage.iter().map(|w| w.node_id.clone()).collect();
        out.extend(self.watch.containers_of.iter().cloned());
        out.extend(self.watch.whole_nodes.iter().cloned());
        if self.watch.probe_all {
            out.extend(self.watch.nodes.iter().map(|n| n.id.clone()));
        }
        out
    }

    /// Starts what is due: learning the session's node and the contexts (once), connections,
    /// rounds; closes idle connections.
    fn step(&mut self, dtx: &mpsc::Sender<Done>) {
        let needed = self.needed();
        let waiting = self.slots.values().any(|s| !s.waiters.is_empty());
        if needed.is_empty() && !waiting {
            self.close_idle(&needed);
            return;
        }
        let Some(known) = &self.known else {
            self.prepare(dtx);
            return;
        };
        let now = Instant::now();
        for (id, slot) in self.slots.iter_mut() {
            let wanted = needed.contains(id) || !slot.waiters.is_empty();
            if !wanted {
                continue;
            }
            slot.last_needed = now;
            if slot.reach.is_none() {
                slot.reach = Some(reach_of(&slot.facts, &self.setup, known));
            }
            if slot.engine.is_none() {
                if slot.connecting || slot.retry_at.is_some_and(|t| t > now) {
                    continue;
                }
                match slot.reach.clone() {
                    Some(Ok(r)) if r.source == ReachSource::Session => {
                        slot.engine = Some(self.setup.session.clone());
                        slot.state = ReachState::Reached {
                            engine: self
                                .setup
                                .session
                                .version
                                .version
                                .clone()
                                .unwrap_or_default(),
                        };
                        for w in slot.waiters.drain(..) {
                            let _ = w.send(Ok(self.setup.session.clone()));
                        }
                    }
                    Some(Ok(r)) => {
                        slot.connecting = true;
                        slot.state = ReachState::Connecting;
                        let ep = endpoint_of(&r, &self.setup.session.endpoint, known);
                        let gate = self.setup.gate.clone();
                        let name = slot.facts.hostname.clone();
                        let node = id.clone();
                        let dtx = dtx.clone();
                        let limit = self.limit.clone();
                        tokio::spawn(async move {
                            let _permit = limit.acquire_owned().await;
                            let r = connect(&ep, &gate, &name).await;
                            let _ = dtx.send(Done::Connected(node, Box::new(r))).await;
                        });
                    }
                    Some(Err(why)) => {
                        slot.state = ReachState::Failed(why.clone());
                        slot.retry_at = Some(now + RETRY);
                        for w in slot.waiters.drain(..) {
                            let _ = w.send(Err(why.clone()));
                        }
                    }
                    None => {}
                }
                continue;
            }
            if slot.busy || !needed.contains(id) || slot.next_round.is_some_and(|t| t > now) {
                continue;
            }
            // the tick that is due a little early still starts the round
            slot.next_round = Some(now + ROUND - ROUND / 8);
            let Some(engine) = slot.engine.clone() else {
                continue;
            };
            let watched: Vec<(Watched, Option<(u64, u64)>)> = self
                .watch
                .usage
                .iter()
                .filter(|w| w.node_id == *id)
                .map(|w| (w.clone(), self.prev.get(&w.container_id).copied()))
                .collect();
            // a whole node: its running containers as last listed (a new list, when this
            // round makes one, replaces them), with their previous readings
            let whole = self.watch.whole_nodes.contains(id).then(|| Whole {
                prev: slot
                    .running
                    .iter()
                    .filter_map(|w| {
                        Some((w.container_id.clone(), *self.prev.get(&w.container_id)?))
                    })
                    .collect(),
                running: slot.running.clone(),
            });
            let list =
                (self.watch.containers_of.contains(id) || whole.is_some() || self.watch.probe_all)
                    && slot
                        .listed_at
                        .is_none_or(|t| now.duration_since(t) >= LIST_EVERY);
            if list {
                slot.listed_at = Some(now);
            }
            slot.busy = true;
            let node = id.clone();
            let dtx = dtx.clone();
            let limit = self.limit.clone();
            let watch_gen = (
                self.watch_gen.clone(),
                self.watch_gen.load(Ordering::Relaxed),
            );
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await;
                let d = round(&engine, node, list, watched, whole, watch_gen).await;
                let _ = dtx.send(d).await;
            });
        }
        self.close_idle(&needed);
    }

    fn prepare(&mut self, dtx: &mpsc::Sender<Done>) {
        if self.preparing {
            return;
        }
        self.preparing = true;
        let session = self.setup.session.clone();
        let contexts = self.setup.contexts.clone();
        let gate = self.setup.gate.clone();
        let dtx = dtx.clone();
        tokio::spawn(async move {
            let known = learn(&session, contexts, &gate).await;
            let _ = dtx.send(Done::Prepared(known)).await;
        });
    }

    fn close_idle(&mut self, needed: &HashSet<String>) {
        let now = Instant::now();
        for (id, slot) in self.slots.iter_mut() {
            if slot.engine.is_some()
                && !needed.contains(id)
                && !slot.busy
                && now.duration_since(slot.last_needed) > IDLE
            {
                // the hyper pool closes with the last clone: its ssh processes end
                slot.engine = None;
                slot.state = ReachState::Unused;
            }
        }
    }

    fn engine_for(
        &mut self,
        node: String,
        reply: oneshot::Sender<Result<Engine, String>>,
        dtx: &mpsc::Sender<Done>,
    ) {
        let Some(slot) = self.slots.get_mut(&node) else {
            let _ = reply.send(Err(format!(
                "node {node} is not in the swarm's node list (yet)"
            )));
            return;
        };
        if let Some(e) = &slot.engine {
            let _ = reply.send(Ok(e.clone()));
            return;
        }
        // an action asks now: a failed node is tried again at once
        slot.retry_at = None;
        slot.waiters.push(reply);
        self.step(dtx);
    }

    async fn done(&mut self, d: Done) {
        match d {
            Done::Prepared(k) => {
                self.known = Some(k);
                self.preparing = false;
            }
            Done::Connected(node, r) => {
                let Some(slot) = self.slots.get_mut(&node) else {
                    return;
                };
                slot.connecting = false;
                match *r {
                    Ok(e) => {
                        slot.state = ReachState::Reached {
                            engine: e.version.version.clone().unwrap_or_default(),
                        };
                        slot.retry_at = None;
                        for w in slot.waiters.drain(..) {
                            let _ = w.send(Ok(e.clone()));
                        }
                        slot.engine = Some(e);
                    }
                    Err(why) => {
                        slot.state = ReachState::Failed(why.clone());
                        slot.retry_at = Some(Instant::now() + RETRY);
                        for w in slot.waiters.drain(..) {
                            let _ = w.send(Err(why.clone()));
                        }
                    }
                }
            }
            Done::Round {
                node,
                containers,
                usage,
            } => {
                let mut lost = None;
                if let Some(slot) = self.slots.get_mut(&node) {
                    slot.busy = false;
                }
                if let Some(c) = containers {
                    match c {
                        Ok(containers) => {
                            if let Some(slot) = self.slots.get_mut(&node) {
                                slot.running = running_of(&containers);
                            }
                            let _ = self.tx.send(NodeMsg::Containers {
                                node_id: node.clone(),
                                containers,
                            });
                        }
                        Err(e) if e.is_connection() => lost = Some(e.to_string()),
                        Err(_) => {}
                    }
                }
                let mut out = Vec::new();
                for (w, r) in usage {
                    match r {
                        Ok(s) => {
                            self.prev
                                .insert(w.container_id.clone(), (s.cpu_total, s.system));
                            out.push(Usage {
                                task_id: w.task_id,
                                container_id: w.container_id,
                                node_id: w.node_id,
                                sample: s,
                            });
                        }
                        Err(e) if e.is_connection() => lost = Some(e.to_string()),
                        // a container that just ended: nothing to show for it
                        Err(_) => {}
                    }
                }
                if !out.is_empty() {
                    let _ = self.tx.send(NodeMsg::Usage(out));
                }
                if let (Some(why), Some(slot)) = (lost, self.slots.get_mut(&node)) {
                    // the connection broke: said once, tried again later
                    slot.engine = None;
                    slot.state = ReachState::Failed(format!("{}: {why}", slot.facts.hostname));
                    slot.retry_at = Some(Instant::now() + RETRY);
                }
            }
        }
    }

    /// The reach table, when it changed.
    async fn send_reach(&mut self) {
        let mut rows: Vec<NodeReach> = self
            .watch
            .nodes
            .iter()
            .filter_map(|n| self.slots.get(&n.id))
            .map(|s| {
                let (endpoint, source) = match &s.reach {
                    Some(Ok(r)) => (reach_text(r), r.source.words()),
                    _ => (String::new(), String::new()),
                };
                let state = match (&s.reach, &s.state) {
                    (Some(Err(why)), _) => ReachState::Failed(why.clone()),
                    (_, st) => st.clone(),
                };
                NodeReach {
                    node_id: s.facts.id.clone(),
                    hostname: s.facts.hostname.clone(),
                    endpoint,
                    source,
                    state,
                }
            })
            .collect();
        rows.sort_by(|a, b| a.hostname.cmp(&b.hostname));
        if rows != self.last_reach {
            self.last_reach = rows.clone();
            let _ = self.tx.send(NodeMsg::Reach(rows));
        }
    }
}

/// `ssh://root@10.0.0.3 via ssh://admin@mgr`.
fn reach_text(r: &Reach) -> String {
    match &r.jump {
        Some(j) => format!("{} via {}", r.url, HostUrl::Ssh(j.clone())),
        None => r.url.to_string(),
    }
}

fn reach_of(facts: &NodeFacts, setup: &NodeSetup, known: &Known) -> Result<Reach, String> {
    node_reach::reach(
        node_reach::NodeFacts {
            id: &facts.id,
            hostname: &facts.hostname,
            addr: &facts.addr,
        },
        &setup.session.endpoint.host,
        &known.session_node,
        &setup.settings,
        &known.contexts,
    )
}

/// The endpoint to connect to: a context's own (with its TLS), or the URL with the session's
/// TLS when it is tcp (a template `tcp://{addr}:2376` uses the context's certificates).
fn endpoint_of(r: &Reach, session: &Endpoint, known: &Known) -> Endpoint {
    if let ReachSource::Context(name) = &r.source
        && let Some(ep) = known.context_endpoints.get(name)
    {
        return ep.clone();
    }
    Endpoint {
        context: session.context.clone(),
        tls: session.tls.clone().filter(|_| r.url.is_tcp()),
        host: r.url.clone(),
        source: session.source,
        jump: r.jump.clone(),
    }
}

async fn connect(ep: &Endpoint, gate: &Gate, name: &str) -> Result<Engine, String> {
    match tokio::time::timeout(CONNECT_DEADLINE, Engine::connect(ep, gate)).await {
        Ok(Ok(e)) => Ok(e),
        Ok(Err(e)) => Err(format!("{name}: {}", short_error(&e))),
        Err(_) => Err(format!(
            "{name}: {} did not answer within {} s",
            ep.host,
            CONNECT_DEADLINE.as_secs()
        )),
    }
}

/// An engine error without the "cannot reach the engine at URL" wrapping when the detail says
/// it all (`ssh: ... Permission denied (publickey)`).
fn short_error(e: &EngineError) -> String {
    match e {
        EngineError::Unreachable { endpoint, detail } => match ssh_said(detail) {
            Some(said) => format!("ssh: {said}"),
            None => format!("{endpoint}: {detail}"),
        },
        other => other.to_string(),
    }
}

/// What ssh itself said, from `ssh to URL failed (exit status 255): root@host: Permission
/// denied (publickey).`: `Permission denied (publickey)`.
fn ssh_said(detail: &str) -> Option<String> {
    let rest = detail.strip_prefix("ssh to ")?;
    let (_, said) = rest.split_once("): ")?;
    // ssh puts `user@host: ` before its own words
    let said = match said.split_once(": ") {
        Some((who, words)) if !who.contains(' ') => words,
        _ => said,
    };
    Some(said.trim().trim_end_matches('.').to_string())
}

/// The session's own node, and which docker context is which node (each asked at once, with a
/// deadline; a context that does not answer is simply not used).
async fn learn(session: &Engine, contexts: Vec<Endpoint>, gate: &Gate) -> Known {
    let session_node = session.node_id().await.unwrap_or_default();
    let answers = futures_util::stream::iter(contexts.into_iter().map(|ep| {
        let gate = gate.clone();
        async move {
            let r = tokio::time::timeout(PROBE_DEADLINE, async {
                let e = Engine::connect(&ep, &gate).await?;
                e.node_id().await
            })
            .await;
            match r {
                Ok(Ok(id)) if !id.is_empty() => Some((id, ep)),
                _ => None,
            }
        }
    }))
    .buffer_unordered(8)
    .collect::<Vec<_>>()
    .await;
    let mut known = Known {
        session_node,
        contexts: BTreeMap::new(),
        context_endpoints: HashMap::new(),
    };
    for (id, ep) in answers.into_iter().flatten() {
        known
            .contexts
            .entry(id)
            .or_insert_with(|| (ep.context.clone(), ep.host.clone()));
        known.context_endpoints.insert(ep.context.clone(), ep);
    }
    known
}

/// What a round reads on a whole node: its running containers as last listed, and their
/// previous readings.
struct Whole {
    running: Vec<Watched>,
    prev: HashMap<String, (u64, u64)>,
}

/// The running swarm containers of a node's list, as the watch names containers.
fn running_of(containers: &[ContainerFacts]) -> Vec<Watched> {
    containers
        .iter()
        .filter(|c| c.state == "running" && !c.task_id.is_empty())
        .map(|c| Watched {
            task_id: c.task_id.clone(),
            container_id: c.container_id.clone(),
            node_id: c.node_id.clone(),
        })
        .collect()
}

/// One round on one node: its container list (when asked) and a reading of each watched
/// container (for a whole node, each of its running containers), a few at a time. The first
/// reading of a container waits for the engine's second sample (about a second) so its CPU %
/// is right at once; later ones are instant and use the previous reading.
async fn round(
    engine: &Engine,
    node: String,
    list: bool,
    mut watched: Vec<(Watched, Option<(u64, u64)>)>,
    whole: Option<Whole>,
    (watch_gen, asked_in): (Arc<AtomicU64>, u64),
) -> Done {
    let containers = if list {
        Some(engine.swarm_containers(&node).await)
    } else {
        None
    };
    if let Some(whole) = whole {
        let running = match &containers {
            Some(Ok(listed)) => running_of(listed),
            _ => whole.running,
        };
        let named: HashSet<String> = watched
            .iter()
            .map(|(w, _)| w.container_id.clone())
            .collect();
        for w in running {
            if !named.contains(&w.container_id) {
                let prev = whole.prev.get(&w.container_id).copied();
                watched.push((w, prev));
            }
        }
    }
    let watch_gen = &watch_gen;
    let usage = futures_util::stream::iter(watched.into_iter().map(|(w, prev)| async move {
        // the screen moved on (another pane, other rows): what it no longer shows is not read;
        // a round of first readings (a second each) went on for the old screen for minutes
        if watch_gen.load(Ordering::Relaxed) != asked_in {
            return (w, Err(EngineError::Other("no longer watched".into())));
        }
        let r = match prev {
            None => engine.container_stats(&w.container_id).await,
            Some((cpu, system)) => {
                engine
                    .container_stats_now(&w.container_id)
                    .await
                    .map(|mut s| {
                        s.pre_cpu_total = cpu;
                        s.pre_system = system;
                        s
                    })
            }
        };
        (w, r)
    }))
    .buffer_unordered(PER_NODE)
    .collect::<Vec<_>>()
    .await;
    Done::Round {
        node,
        containers,
        usage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ssh_refusal_is_said_in_sshs_own_words() {
        let e = EngineError::Unreachable {
            endpoint: "ssh://root@10.0.0.3".into(),
            detail: "ssh to ssh://root@10.0.0.3 failed (exit status 255): root@10.0.0.3: \
                     Permission denied (publickey)."
                .into(),
        };
        assert_eq!(short_error(&e), "ssh: Permission denied (publickey)");
        let e = EngineError::Unreachable {
            endpoint: "ssh://root@10.0.0.3".into(),
            detail: "ssh to ssh://root@10.0.0.3 failed (exit status 255): ssh: connect to host \
                     10.0.0.3 port 22: Connection refused"
                .into(),
        };
        assert_eq!(
            short_error(&e),
            "ssh: connect to host 10.0.0.3 port 22: Connection refused"
        );
        let e = EngineError::Unreachable {
            endpoint: "unix:///x.sock".into(),
            detail: "no such file".into(),
        };
        assert_eq!(short_error(&e), "unix:///x.sock: no such file");
    }
}
