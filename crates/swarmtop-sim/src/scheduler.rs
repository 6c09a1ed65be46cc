//! How the simulated swarm reacts: the orchestrator keeps each slot filled (scale, drain, a
//! node going down), the scheduler places tasks (or leaves them pending with swarmkit's
//! explanation), tasks walk new → assigned → preparing → starting → running, crash and restart
//! after the restart delay (rolling updates are in `rollout.rs`). Every
//! duration is divided by `Model::speed`; time only moves when `advance` is called, so tests
//! can drive it without sleeping.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bollard::models::{
    ContainerStatus, NodeSpecAvailabilityEnum, NodeState, PortStatus, Reachability, Task, TaskSpec,
    TaskSpecRestartPolicyConditionEnum, TaskState, TaskStatus,
};

use super::model::{Model, SimError, SimTask, SlotKey, Timer};
use super::placement::{Needs, Refusal, explain, node_takes_tasks};
use super::time::{MILLI, Nanos, SECOND, rfc3339};

/// One step of a task's start-up (assigned → preparing → ready → starting → running).
const START_STEP: Nanos = 250 * MILLI;
/// How long a container takes to stop.
const STOP_TIME: Nanos = 500 * MILLI;
/// swarmkit's default restart delay.
const RESTART_DELAY: Nanos = 5 * SECOND;
/// At most this many timers per `advance`, so an absurd speed cannot hang the caller.
const MAX_TIMERS_PER_ADVANCE: usize = 200_000;

/// A task made directly in a given state (seeding and demo history), bypassing the scheduler.
#[derive(Debug, Clone)]
pub struct TaskSeed {
    pub service: String,
    pub slot: SlotKey,
    pub node: Option<String>,
    pub spec: Arc<TaskSpec>,
    pub generation: u64,
    pub state: TaskState,
    pub desired: TaskState,
    pub created: Nanos,
    /// When it reached `state`.
    pub at: Nanos,
    pub started: Option<Nanos>,
    pub err: Option<String>,
    pub exit_code: Option<i64>,
}

fn message_for(state: TaskState) -> &'static str {
    match state {
        TaskState::NEW => "created",
        TaskState::PENDING => "pending task scheduling",
        TaskState::ASSIGNED => "scheduler assigned task to node",
        TaskState::ACCEPTED => "accepted",
        TaskState::PREPARING => "preparing",
        TaskState::READY => "prepared",
        TaskState::STARTING => "starting",
        TaskState::RUNNING | TaskState::FAILED => "started",
        TaskState::COMPLETE => "finished",
        TaskState::SHUTDOWN => "shutdown",
        TaskState::REJECTED => "rejected",
        TaskState::REMOVE => "removed",
        TaskState::ORPHANED => "orphaned",
        TaskState::ALLOCATED => "allocated",
    }
}

impl Model {
    /// A duration of the simulated swarm in wall-clock terms.
    pub(crate) fn after(&self, d: Nanos) -> Nanos {
        let speed = if self.speed > 0.0 { self.speed } else { 1.0 };
        (d as f64 / speed) as Nanos
    }

    pub(crate) fn schedule(&mut self, at: Nanos, t: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, t)));
    }

    /// When the next timer is due, if any.
    pub fn next_due(&self) -> Option<Nanos> {
        self.timers.peek().map(|Reverse((at, _, _))| *at)
    }

    /// Runs everything due up to `now`: task steps, exits, restarts, rollout batches, and
    /// another placement attempt for pending tasks when nodes or load changed.
    pub fn advance(&mut self, now: Nanos) {
        let mut budget = MAX_TIMERS_PER_ADVANCE;
        while budget > 0 {
            let due = match self.timers.peek() {
                Some(Reverse((at, _, _))) if *at <= now => *at,
                _ => break,
            };
            let Some(Reverse((_, _, timer))) = self.timers.pop() else {
                break;
            };
            budget -= 1;
            self.fire(timer, due);
            if self.pending_dirty {
                self.retry_pending(due);
            }
        }
        if self.pending_dirty {
            self.retry_pending(now);
        }
    }

    fn fire(&mut self, timer: Timer, now: Nanos) {
        match timer {
            Timer::Advance(t) => self.step_task(&t, now),
            Timer::Release(t) => self.release(&t, now),
            Timer::Exit(t, code) => self.exit_task(&t, code, now),
            Timer::Stopped(t) => self.stopped(&t, now),
            Timer::Rollout(s, generation) => self.rollout_step(&s, generation, now),
        }
    }

    // ---- placement ------------------------------------------------------------------------

    fn node_is_up(&self, id: &str) -> bool {
        self.nodes
            .get(id)
            .and_then(|n| n.status.as_ref())
            .and_then(|s| s.state)
            == Some(NodeState::READY)
    }

    /// The node for a new task of `service`: spread by the service's own tasks first, then by
    /// all tasks; or swarmkit's explanation of why none fits.
    fn choose_node(&self, service: &str, needs: &Needs) -> Result<String, String> {
        let mut same: HashMap<&str, u32> = HashMap::new();
        for t in self.tasks_of_service(service) {
            if let Some(n) = t.counted_on.as_deref() {
                *same.entry(n).or_default() += 1;
            }
        }
        let mut best: Option<(u32, u32, &String)> = None;
        let mut refusals: Vec<Refusal> = Vec::new();
        for (id, node) in &self.nodes {
            let load = self.load.get(id).copied().unwrap_or_default();
            let s = same.get(id.as_str()).copied().unwrap_or(0);
            match needs.check(node, &load, s) {
                Some(r) => refusals.push(r),
                None => {
                    let key = (s, load.tasks, id);
                    if best.is_none_or(|b| key < b) {
                        best = Some(key);
                    }
                }
            }
        }
        match best {
            Some((_, _, id)) => Ok(id.clone()),
            None if refusals.is_empty() => Err("no suitable node".to_string()),
            None => Err(explain(&refusals)),
        }
    }

    /// Counts (or stops counting) an active task against its node's load.
    fn count(&mut self, tid: &str, on: bool) {
        let Some(t) = self.tasks.get_mut(tid) else {
            return;
        };
        let needs = Needs::of(&t.spec);
        if on {
            if t.counted_on.is_some() {
                return;
            }
            let Some(node) = t.task.node_id.clone() else {
                return;
            };
            let l = self.load.entry(node.clone()).or_default();
            l.tasks += 1;
            l.nano_cpus += needs.nano_cpus;
            l.memory += needs.memory;
            t.counted_on = Some(node);
        } else if let Some(node) = t.counted_on.take() {
            if let Some(l) = self.load.get_mut(&node) {
                l.tasks = l.tasks.saturating_sub(1);
                l.nano_cpus -= needs.nano_cpus;
                l.memory -= needs.memory;
            }
            self.pending_dirty = true;
        }
    }

    /// Places a new (or pending) task, or leaves it pending with the reason.
    fn assign(&mut self, tid: &str, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        let needs = Needs::of(&t.spec);
        let target = match t.node() {
            // a global service's task belongs to its node
            Some(n) => match self.nodes.get(n) {
                Some(node) => {
                    let load = self.load.get(n).copied().unwrap_or_default();
                    match needs.check(node, &load, 0) {
                        None => Ok(n.to_string()),
                        Some(r) => Err(explain(&[r])),
                    }
                }
                None => Err("no suitable node".to_string()),
            },
            None => self.choose_node(t.service(), &needs),
        };
        match target {
            Ok(node) => {
                self.pending.remove(tid);
                self.by_node
                    .entry(node.clone())
                    .or_default()
                    .insert(tid.to_string());
                if let Some(t) = self.tasks.get_mut(tid) {
                    t.task.node_id = Some(node);
                }
                self.set_status(tid, TaskState::ASSIGNED, now, |s| s.err = None);
                self.count(tid, true);
                self.schedule(
                    now + self.after(START_STEP),
                    Timer::Advance(tid.to_string()),
                );
            }
            Err(why) => {
                self.pending.insert(tid.to_string());
                let changed = self.tasks.get(tid).is_some_and(|t| {
                    t.state() != TaskState::PENDING
                        || t.task.status.as_ref().and_then(|s| s.err.as_deref())
                            != Some(why.as_str())
                });
                if changed {
                    self.set_status(tid, TaskState::PENDING, now, |s| s.err = Some(why));
                }
            }
        }
    }

    fn retry_pending(&mut self, now: Nanos) {
        self.pending_dirty = false;
        let ids: Vec<String> = self.pending.iter().cloned().collect();
        for tid in ids {
            let active = self
                .tasks
                .get(&tid)
                .is_some_and(|t| t.is_active() && t.state() == TaskState::PENDING);
            if active {
                self.assign(&tid, now);
            } else {
                self.pending.remove(&tid);
            }
        }
        // placing tasks changes load but frees nothing: no need to go round again
        self.pending_dirty = false;
    }

    // ---- task lifecycle -------------------------------------------------------------------

    fn set_status(
        &mut self,
        tid: &str,
        state: TaskState,
        now: Nanos,
        f: impl FnOnce(&mut TaskStatus),
    ) {
        let idx = self.next_index();
        if let Some(t) = self.tasks.get_mut(tid) {
            t.task.version = Some(bollard::models::ObjectVersion { index: Some(idx) });
            t.task.updated_at = Some(rfc3339(now));
            let s = t.task.status.get_or_insert_with(Default::default);
            s.state = Some(state);
            s.message = Some(message_for(state).to_string());
            s.timestamp = Some(rfc3339(now));
            f(s);
        }
    }

    fn set_desired(&mut self, tid: &str, desired: TaskState, now: Nanos) {
        let idx = self.next_index();
        if let Some(t) = self.tasks.get_mut(tid) {
            t.task.desired_state = Some(desired);
            t.task.version = Some(bollard::models::ObjectVersion { index: Some(idx) });
            t.task.updated_at = Some(rfc3339(now));
        }
        if desired > TaskState::RUNNING {
            self.count(tid, false);
        }
    }

    fn insert_task(&mut self, t: SimTask) {
        let id = t.id().to_string();
        self.by_service
            .entry(t.service().to_string())
            .or_default()
            .insert(id.clone());
        if let Some(n) = t.node() {
            self.by_node
                .entry(n.to_string())
                .or_default()
                .insert(id.clone());
        }
        self.tasks.insert(id, t);
    }

    pub(crate) fn delete_task(&mut self, tid: &str) {
        self.count(tid, false);
        if let Some(t) = self.tasks.remove(tid) {
            if let Some(set) = self.by_service.get_mut(t.service()) {
                set.remove(tid);
                if set.is_empty() && !self.services.contains_key(t.service()) {
                    self.by_service.remove(t.service());
                }
            }
            if let Some(n) = t.node()
                && let Some(set) = self.by_node.get_mut(n)
            {
                set.remove(tid);
            }
        }
        self.pending.remove(tid);
    }

    /// A new task for a slot of a service, placed at once if a node fits.
    pub(crate) fn new_task(
        &mut self,
        sid: &str,
        slot: SlotKey,
        desired: TaskState,
        now: Nanos,
    ) -> Option<String> {
        let svc = self.services.get(sid)?;
        let spec = svc.template.clone();
        let generation = svc.generation;
        let id = self.rng.id();
        let idx = self.next_index();
        let (slot_no, node) = match &slot {
            SlotKey::Slot(n) => (Some(*n), None),
            SlotKey::Node(n) => (None, Some(n.clone())),
        };
        let task = Task {
            id: Some(id.clone()),
            version: Some(bollard::models::ObjectVersion { index: Some(idx) }),
            created_at: Some(rfc3339(now)),
            updated_at: Some(rfc3339(now)),
            labels: Some(HashMap::new()),
            service_id: Some(sid.to_string()),
            slot: slot_no,
            node_id: node,
            status: Some(TaskStatus {
                timestamp: Some(rfc3339(now)),
                state: Some(TaskState::NEW),
                message: Some(message_for(TaskState::NEW).to_string()),
                port_status: Some(PortStatus::default()),
                ..Default::default()
            }),
            desired_state: Some(desired),
            ..Default::default()
        };
        self.insert_task(SimTask {
            task,
            spec,
            generation,
            started: None,
            stopped: None,
            counted_on: None,
        });
        self.assign(&id, now);
        self.reap_slot(sid, &slot);
        Some(id)
    }

    /// Makes a task in a given state directly (seeding, demo history).
    pub fn seed_task(&mut self, s: TaskSeed) -> String {
        let id = self.rng.id();
        let idx = self.next_index();
        let (slot_no, node) = match &s.slot {
            SlotKey::Slot(n) => (Some(*n), s.node.clone()),
            SlotKey::Node(n) => (None, Some(n.clone())),
        };
        let started = s
            .started
            .filter(|_| s.state >= TaskState::RUNNING && node.is_some());
        let container = started.map(|_| ContainerStatus {
            container_id: Some(self.rng.hex(64)),
            pid: Some(if s.state == TaskState::RUNNING {
                self.rng.range(1000, 60000)
            } else {
                0
            }),
            exit_code: Some(s.exit_code.unwrap_or(0)),
        });
        let task = Task {
            id: Some(id.clone()),
            version: Some(bollard::models::ObjectVersion { index: Some(idx) }),
            created_at: Some(rfc3339(s.created)),
            updated_at: Some(rfc3339(s.at)),
            labels: Some(HashMap::new()),
            service_id: Some(s.service.clone()),
            slot: slot_no,
            node_id: node,
            status: Some(TaskStatus {
                timestamp: Some(rfc3339(s.at)),
                state: Some(s.state),
                message: Some(message_for(s.state).to_string()),
                err: s.err.clone(),
                container_status: container,
                port_status: Some(PortStatus::default()),
            }),
            desired_state: Some(s.desired),
            ..Default::default()
        };
        let stopped = (s.state > TaskState::RUNNING).then_some(s.at);
        self.insert_task(SimTask {
            task,
            spec: s.spec,
            generation: s.generation,
            started,
            stopped,
            counted_on: None,
        });
        if s.desired <= TaskState::RUNNING {
            self.count(&id, true);
            if s.state == TaskState::PENDING {
                self.pending.insert(id.clone());
            }
        }
        id
    }

    /// Keeps at most `retention` tasks per slot, dropping the oldest finished ones (the task
    /// reaper).
    fn reap_slot(&mut self, sid: &str, slot: &SlotKey) {
        let mut in_slot: Vec<(String, String, bool)> = self
            .tasks_of_service(sid)
            .filter(|t| &t.slot_key() == slot)
            .map(|t| {
                let done = !t.is_active() && t.state() > TaskState::RUNNING;
                (
                    t.task.created_at.clone().unwrap_or_default(),
                    t.id().to_string(),
                    done,
                )
            })
            .collect();
        if in_slot.len() <= self.retention.max(1) {
            return;
        }
        in_slot.sort();
        let mut excess = in_slot.len() - self.retention.max(1);
        for (_, id, done) in in_slot {
            if excess == 0 {
                break;
            }
            if done {
                self.delete_task(&id);
                excess -= 1;
            }
        }
    }

    /// One start-up step; a task on a down node or no longer wanted does not move.
    fn step_task(&mut self, tid: &str, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        if !t.is_active() || !t.node().is_some_and(|n| self.node_is_up(n)) {
            return;
        }
        let desired = t.desired();
        let next = match t.state() {
            TaskState::ASSIGNED | TaskState::ACCEPTED => TaskState::PREPARING,
            TaskState::PREPARING => TaskState::READY,
            TaskState::READY if desired == TaskState::RUNNING => TaskState::STARTING,
            TaskState::STARTING => TaskState::RUNNING,
            _ => return,
        };
        if next == TaskState::RUNNING {
            let cid = self.rng.hex(64);
            let pid = self.rng.range(1000, 60000);
            self.set_status(tid, next, now, |s| {
                s.container_status = Some(ContainerStatus {
                    container_id: Some(cid),
                    pid: Some(pid),
                    exit_code: Some(0),
                });
            });
            let svc = self
                .tasks
                .get(tid)
                .map(|t| t.service().to_string())
                .unwrap_or_default();
            if let Some(t) = self.tasks.get_mut(tid) {
                t.started = Some(now);
            }
            if let Some(fate) = self.services.get(&svc).map(|s| s.fate)
                && let Some(code) = fate.exit_code
            {
                // ±25 %, from the task ID: replicas of a crashing service do not die in step
                let quarter = (fate.run_for / 4).max(1);
                let jitter = (super::rng::hash(tid) % (2 * quarter as u64)) as Nanos - quarter;
                self.schedule(
                    now + self.after(fate.run_for + jitter),
                    Timer::Exit(tid.to_string(), code),
                );
            }
            self.on_running(tid, now);
        } else {
            self.set_status(tid, next, now, |_| {});
            if next != TaskState::READY || desired == TaskState::RUNNING {
                self.schedule(
                    now + self.after(START_STEP),
                    Timer::Advance(tid.to_string()),
                );
            }
        }
    }

    /// The restart delay is over: a ready task may start.
    fn release(&mut self, tid: &str, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        if t.desired() != TaskState::READY {
            return;
        }
        let ready = t.state() == TaskState::READY;
        self.set_desired(tid, TaskState::RUNNING, now);
        if ready {
            self.schedule(now, Timer::Advance(tid.to_string()));
        }
    }

    /// The container exits: the task fails (or completes) and its slot restarts per policy.
    fn exit_task(&mut self, tid: &str, code: i64, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        if t.state() != TaskState::RUNNING
            || !t.is_active()
            || !t.node().is_some_and(|n| self.node_is_up(n))
        {
            return;
        }
        let sid = t.service().to_string();
        let slot = t.slot_key();
        let policy = t.spec.restart_policy.clone().unwrap_or_default();
        let state = if code == 0 {
            TaskState::COMPLETE
        } else {
            TaskState::FAILED
        };
        self.set_status(tid, state, now, |s| {
            if code != 0 {
                s.err = Some(format!("task: non-zero exit ({code})"));
            }
            if let Some(c) = s.container_status.as_mut() {
                c.exit_code = Some(code);
                c.pid = Some(0);
            }
        });
        if let Some(t) = self.tasks.get_mut(tid) {
            t.stopped = Some(now);
        }
        self.set_desired(tid, TaskState::SHUTDOWN, now);
        self.on_failed(tid, now);
        let restart = match policy.condition {
            Some(TaskSpecRestartPolicyConditionEnum::NONE) => false,
            Some(TaskSpecRestartPolicyConditionEnum::ON_FAILURE) => code != 0,
            _ => true,
        };
        let max = policy.max_attempts.unwrap_or(0);
        let Some(svc) = self.services.get_mut(&sid) else {
            return;
        };
        let attempts = svc.restarts.entry(slot.clone()).or_default();
        if !restart || (max > 0 && i64::from(*attempts) >= max) {
            // the slot stays empty: the orchestrator does not refill it
            return;
        }
        *attempts += 1;
        if !self.slot_wanted(&sid, &slot) {
            return;
        }
        let delay = policy.delay.unwrap_or(RESTART_DELAY);
        if let Some(new) = self.new_task(&sid, slot, TaskState::READY, now) {
            self.schedule(now + self.after(delay), Timer::Release(new));
        }
    }

    /// Is this slot still part of the service (within replicas; an eligible node)?
    fn slot_wanted(&self, sid: &str, slot: &SlotKey) -> bool {
        let Some(svc) = self.services.get(sid) else {
            return false;
        };
        match slot {
            SlotKey::Slot(n) => svc.replicas().is_some_and(|r| *n <= r),
            SlotKey::Node(node) => self
                .nodes
                .get(node)
                .is_some_and(|n| Needs::of(&svc.template).allows(n)),
        }
    }

    /// Stops a task: desired state shutdown (or remove), then the container stops — unless its
    /// node is down, where it keeps its last state as the engine shows it.
    pub(crate) fn stop_task(&mut self, tid: &str, desired: TaskState, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        let state = t.state();
        let node_up = t.node().is_some_and(|n| self.node_is_up(n));
        if t.desired() < desired {
            self.set_desired(tid, desired, now);
        }
        self.pending.remove(tid);
        if state < TaskState::ASSIGNED {
            self.set_status(tid, TaskState::SHUTDOWN, now, |_| {});
            if desired == TaskState::REMOVE {
                self.delete_task(tid);
            }
        } else if state > TaskState::RUNNING {
            if desired == TaskState::REMOVE {
                self.delete_task(tid);
            }
        } else if node_up {
            self.schedule(now + self.after(STOP_TIME), Timer::Stopped(tid.to_string()));
        }
    }

    fn stopped(&mut self, tid: &str, now: Nanos) {
        let Some(t) = self.tasks.get(tid) else {
            return;
        };
        if t.is_active() || t.state() > TaskState::RUNNING {
            return;
        }
        let remove = t.desired() == TaskState::REMOVE;
        self.set_status(tid, TaskState::SHUTDOWN, now, |_| {});
        if let Some(t) = self.tasks.get_mut(tid) {
            t.stopped = Some(now);
        }
        if remove {
            self.delete_task(tid);
        }
    }

    // ---- orchestration --------------------------------------------------------------------

    /// Makes the service's tasks match its spec: fill empty slots, remove slots above the
    /// replica count; for a global service one task per eligible node.
    pub(crate) fn reconcile(&mut self, sid: &str, now: Nanos) {
        let Some(svc) = self.services.get(sid) else {
            return;
        };
        if svc.is_global() {
            let needs = Needs::of(&svc.template);
            let mut active: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for t in self.tasks_of_service(sid).filter(|t| t.is_active()) {
                if let Some(n) = t.node() {
                    active
                        .entry(n.to_string())
                        .or_default()
                        .push(t.id().to_string());
                }
            }
            let wanted: Vec<String> = self
                .nodes
                .iter()
                .filter(|(_, n)| needs.allows(n))
                .map(|(id, _)| id.clone())
                .collect();
            for node in &wanted {
                if !active.contains_key(node) {
                    self.new_task(sid, SlotKey::Node(node.clone()), TaskState::RUNNING, now);
                }
            }
            for (node, tids) in active {
                let keep = self.nodes.get(&node).is_some_and(|n| {
                    // a paused node keeps what it runs; drained or unfit nodes do not
                    let paused = n.spec.as_ref().and_then(|s| s.availability)
                        == Some(NodeSpecAvailabilityEnum::PAUSE);
                    needs.allows(n)
                        || (paused && needs.constraints_ok(n))
                        || !self.node_is_up(&node)
                });
                if !keep {
                    for t in tids {
                        self.stop_task(&t, TaskState::SHUTDOWN, now);
                    }
                }
            }
        } else {
            let replicas = svc.replicas().unwrap_or(0);
            let mut active: BTreeMap<i64, Vec<String>> = BTreeMap::new();
            for t in self.tasks_of_service(sid).filter(|t| t.is_active()) {
                if let SlotKey::Slot(n) = t.slot_key() {
                    active.entry(n).or_default().push(t.id().to_string());
                }
            }
            for slot in 1..=replicas {
                if !active.contains_key(&slot) {
                    self.new_task(sid, SlotKey::Slot(slot), TaskState::RUNNING, now);
                }
            }
            for (slot, tids) in active {
                if slot > replicas {
                    for t in tids {
                        self.stop_task(&t, TaskState::REMOVE, now);
                    }
                }
            }
        }
    }

    fn reconcile_all(&mut self, only_global: bool, now: Nanos) {
        let ids: Vec<String> = self
            .services
            .values()
            .filter(|s| !only_global || s.is_global())
            .map(|s| s.id().to_string())
            .collect();
        for id in ids {
            self.reconcile(&id, now);
        }
    }

    /// After a node's spec changed: drain moves its tasks away, constraints that no longer
    /// hold stop tasks, and a node taking tasks again gets pending ones and global ones.
    pub(crate) fn node_changed(&mut self, nid: &str, now: Nanos) {
        let Some(node) = self.nodes.get(nid).cloned() else {
            return;
        };
        let drained = node.spec.as_ref().and_then(|s| s.availability)
            == Some(NodeSpecAvailabilityEnum::DRAIN);
        let active: Vec<(String, String, bool)> = self
            .tasks_on_node(nid)
            .filter(|t| t.is_active())
            .map(|t| {
                let fits = Needs::of(&t.spec).constraints_ok(&node);
                (t.id().to_string(), t.service().to_string(), fits)
            })
            .collect();
        let mut touched: Vec<String> = Vec::new();
        for (tid, sid, fits) in active {
            if drained || !fits {
                self.stop_task(&tid, TaskState::SHUTDOWN, now);
                touched.push(sid);
            }
        }
        touched.sort();
        touched.dedup();
        for sid in touched {
            self.reconcile(&sid, now);
        }
        if node_takes_tasks(&node) {
            self.retry_pending(now);
            self.reconcile_all(true, now);
        }
    }

    /// A node dies (or comes back). Down: its tasks are marked for shutdown but keep their last
    /// state, and replacements are scheduled elsewhere. Up: the tasks that were running are
    /// reported failed with exit code 255 (their containers died with the node, as the lab's
    /// engine reports after a crash), and pending and global tasks may use the node again.
    pub fn set_node_down(&mut self, key: &str, down: bool, now: Nanos) -> Result<(), SimError> {
        let id = self.node_id(key)?;
        if down && id == self.local_node {
            return Err(SimError::Invalid(
                "the simulator answers as this manager: it cannot go down".into(),
            ));
        }
        let is_down = !self.node_is_up(&id);
        if is_down == down {
            return Ok(());
        }
        self.edit_node(&id, now, |n| {
            let st = n.status.get_or_insert_with(Default::default);
            st.state = Some(if down {
                NodeState::DOWN
            } else {
                NodeState::READY
            });
            st.message = if down {
                Some("heartbeat failure".into())
            } else {
                None
            };
            if let Some(m) = n.manager_status.as_mut() {
                m.reachability = Some(if down {
                    Reachability::UNREACHABLE
                } else {
                    Reachability::REACHABLE
                });
            }
        });
        let tasks: Vec<(String, String, bool, TaskState)> = self
            .tasks_on_node(&id)
            .map(|t| {
                (
                    t.id().to_string(),
                    t.service().to_string(),
                    t.is_active(),
                    t.state(),
                )
            })
            .collect();
        if down {
            let mut touched: Vec<String> = Vec::new();
            for (tid, sid, active, _) in tasks {
                if active {
                    self.set_desired(&tid, TaskState::SHUTDOWN, now);
                    touched.push(sid);
                }
            }
            touched.sort();
            touched.dedup();
            for sid in touched {
                self.reconcile(&sid, now);
            }
        } else {
            for (tid, _, active, state) in tasks {
                if !active && state == TaskState::RUNNING {
                    // its container died with the node: the agent reports it as it finds it
                    self.set_status(&tid, TaskState::FAILED, now, |s| {
                        s.err = Some("task: non-zero exit (255)".into());
                        if let Some(c) = s.container_status.as_mut() {
                            c.exit_code = Some(255);
                            c.pid = Some(0);
                        }
                    });
                    if let Some(t) = self.tasks.get_mut(&tid) {
                        t.stopped = Some(now);
                    }
                    if self
                        .tasks
                        .get(&tid)
                        .is_some_and(|t| t.desired() == TaskState::REMOVE)
                    {
                        self.delete_task(&tid);
                    }
                } else if !active && state < TaskState::RUNNING {
                    self.set_status(&tid, TaskState::SHUTDOWN, now, |_| {});
                    if let Some(t) = self.tasks.get_mut(&tid) {
                        t.stopped = Some(now);
                    }
                    if self
                        .tasks
                        .get(&tid)
                        .is_some_and(|t| t.desired() == TaskState::REMOVE)
                    {
                        self.delete_task(&tid);
                    }
                } else if active && state < TaskState::RUNNING {
                    // it was starting when the node went away: carry on
                    self.schedule(now, Timer::Advance(tid));
                }
            }
            self.retry_pending(now);
            self.reconcile_all(true, now);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
