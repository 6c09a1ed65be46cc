//! Rolling updates and rollbacks: slots are replaced in batches of `parallelism` (stop-first
//! or start-first), the next batch waits for the last to run plus `delay`, each new task is
//! watched for `monitor` and a failure applies the failure action (pause, rollback, continue).
//! The update state moves updating → completed (or paused, rollback_started → ...), each move
//! an event.

use std::collections::VecDeque;

use bollard::models::{
    ServiceSpecUpdateConfigFailureActionEnum, ServiceSpecUpdateConfigOrderEnum,
    ServiceUpdateStatusStateEnum, TaskState,
};

use super::model::{Model, Rollout, SlotKey, Timer};
use super::time::{Nanos, SECOND};

/// swarmkit's default update monitor period: a task failing this soon after it started
/// fails the update.
const DEFAULT_MONITOR: Nanos = 5 * SECOND;

impl Model {
    /// Starts rolling the service's slots onto its current template.
    pub(crate) fn start_rollout(&mut self, sid: &str, rollback: bool, now: Nanos) {
        let Some(svc) = self.services.get(sid) else {
            return;
        };
        let spec = svc.spec();
        let (parallelism, delay, monitor, order, action) = if rollback {
            let c = spec.rollback_config.clone().unwrap_or_default();
            (
                c.parallelism,
                c.delay,
                c.monitor,
                c.order.map(|o| o.to_string()),
                c.failure_action.map(|a| a.to_string()),
            )
        } else {
            let c = spec.update_config.clone().unwrap_or_default();
            (
                c.parallelism,
                c.delay,
                c.monitor,
                c.order.map(|o| o.to_string()),
                c.failure_action.map(|a| a.to_string()),
            )
        };
        let generation = svc.generation;
        let mut queue: Vec<SlotKey> = self
            .tasks_of_service(sid)
            .filter(|t| t.is_active() && t.generation != generation)
            .map(|t| t.slot_key())
            .collect();
        queue.sort();
        queue.dedup();
        let rollout_gen = self.next_index();
        let rollout = Rollout {
            rollback,
            queue: queue.into_iter().collect::<VecDeque<_>>(),
            in_flight: Vec::new(),
            watching: Vec::new(),
            next_batch_at: now,
            parallelism: match parallelism.unwrap_or(1) {
                p if p <= 0 => usize::MAX,
                p => p as usize,
            },
            delay: delay.unwrap_or(0).max(0),
            monitor: monitor.unwrap_or(DEFAULT_MONITOR).max(0),
            start_first: order.as_deref()
                == Some(ServiceSpecUpdateConfigOrderEnum::START_FIRST.as_ref()),
            failure_action: action
                .unwrap_or_else(|| ServiceSpecUpdateConfigFailureActionEnum::PAUSE.to_string()),
            generation: rollout_gen,
        };
        if let Some(s) = self.services.get_mut(sid) {
            s.rollout = Some(rollout);
        }
        self.schedule(now, Timer::Rollout(sid.to_string(), rollout_gen));
    }

    /// Moves a rollout on: ends monitor windows that passed, starts the next batch once the
    /// previous one runs and the delay is over, and completes when every slot is updated and
    /// watched long enough.
    pub(crate) fn rollout_step(&mut self, sid: &str, generation: u64, now: Nanos) {
        let Some(svc) = self.services.get_mut(sid) else {
            return;
        };
        let template_gen = svc.generation;
        let Some(r) = svc.rollout.as_mut().filter(|r| r.generation == generation) else {
            return;
        };
        r.watching.retain(|(_, until)| *until > now);
        if !r.in_flight.is_empty() {
            return;
        }
        if r.queue.is_empty() {
            if r.watching.is_empty() {
                self.finish_rollout(sid, now);
            }
            return;
        }
        if now < r.next_batch_at {
            return;
        }
        let (parallelism, start_first) = (r.parallelism, r.start_first);
        let mut batch: Vec<(String, Option<String>)> = Vec::new();
        while batch.len() < parallelism {
            let Some(slot) = self
                .services
                .get_mut(sid)
                .and_then(|s| s.rollout.as_mut())
                .and_then(|r| r.queue.pop_front())
            else {
                break;
            };
            let old = self
                .tasks_of_service(sid)
                .find(|t| t.is_active() && t.slot_key() == slot && t.generation != template_gen)
                .map(|t| t.id().to_string());
            let Some(old) = old else {
                continue;
            };
            if start_first {
                if let Some(new) = self.new_task(sid, slot, TaskState::RUNNING, now) {
                    batch.push((new, Some(old)));
                }
            } else {
                self.stop_task(&old, TaskState::SHUTDOWN, now);
                if let Some(new) = self.new_task(sid, slot, TaskState::RUNNING, now) {
                    batch.push((new, None));
                }
            }
        }
        let Some(r) = self.services.get_mut(sid).and_then(|s| s.rollout.as_mut()) else {
            return;
        };
        if batch.is_empty() {
            // nothing left to replace: finish once the watched tasks are past their window
            if r.watching.is_empty() {
                self.finish_rollout(sid, now);
            }
            return;
        }
        r.in_flight = batch;
    }

    pub(crate) fn finish_rollout(&mut self, sid: &str, now: Nanos) {
        let Some(r) = self.services.get_mut(sid).and_then(|s| s.rollout.take()) else {
            return;
        };
        let (state, msg) = if r.rollback {
            (
                ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED,
                "rollback completed",
            )
        } else {
            (ServiceUpdateStatusStateEnum::COMPLETED, "update completed")
        };
        self.set_update_status(sid, state, msg, now);
    }

    /// A task reached running: the rollout stops its predecessor (start-first), watches it for
    /// the monitor period, and schedules the next batch after the delay.
    pub(crate) fn on_running(&mut self, tid: &str, now: Nanos) {
        let Some(sid) = self.tasks.get(tid).map(|t| t.service().to_string()) else {
            return;
        };
        let monitor_end;
        let next_at;
        let generation;
        let old;
        {
            let speed_after = |d: Nanos| self.after(d);
            let Some(r) = self.services.get(&sid).and_then(|s| s.rollout.as_ref()) else {
                return;
            };
            if !r.in_flight.iter().any(|(t, _)| t == tid) {
                return;
            }
            monitor_end = now + speed_after(r.monitor);
            next_at = now + speed_after(r.delay);
            generation = r.generation;
        }
        {
            let Some(r) = self.services.get_mut(&sid).and_then(|s| s.rollout.as_mut()) else {
                return;
            };
            let Some(pos) = r.in_flight.iter().position(|(t, _)| t == tid) else {
                return;
            };
            old = r.in_flight.remove(pos).1;
            r.watching.push((tid.to_string(), monitor_end));
            if r.in_flight.is_empty() {
                r.next_batch_at = next_at;
            }
        }
        if let Some(old) = old {
            self.stop_task(&old, TaskState::SHUTDOWN, now);
        }
        self.schedule(next_at, Timer::Rollout(sid.clone(), generation));
        self.schedule(monitor_end, Timer::Rollout(sid, generation));
    }

    /// A task failed; if it was part of a rollout, apply the failure action. Returns whether
    /// it was.
    pub(crate) fn on_failed(&mut self, tid: &str, now: Nanos) -> bool {
        let Some(sid) = self.tasks.get(tid).map(|t| t.service().to_string()) else {
            return false;
        };
        let Some(r) = self.services.get_mut(&sid).and_then(|s| s.rollout.as_mut()) else {
            return false;
        };
        let in_flight = r.in_flight.iter().position(|(t, _)| t == tid);
        let watched = r.watching.iter().position(|(t, _)| t == tid);
        if in_flight.is_none() && watched.is_none() {
            return false;
        }
        let rollback = r.rollback;
        match r.failure_action.as_str() {
            "continue" => {
                if let Some(i) = in_flight {
                    r.in_flight.remove(i);
                }
                r.watching.retain(|(t, _)| t != tid);
                let generation = r.generation;
                if r.in_flight.is_empty() {
                    r.next_batch_at = now + (r.delay as f64 / self.speed.max(1e-9)) as Nanos;
                    let at = r.next_batch_at;
                    self.schedule(at, Timer::Rollout(sid, generation));
                }
            }
            "rollback" if !rollback => {
                let version = self
                    .services
                    .get(&sid)
                    .and_then(|s| s.service.version.as_ref())
                    .and_then(|v| v.index)
                    .unwrap_or(0);
                let spec = self
                    .services
                    .get(&sid)
                    .map(|s| s.spec().clone())
                    .unwrap_or_default();
                let _ = self.update_service(&sid, version, spec, true, now);
                if let Some(s) = self.services.get_mut(&sid)
                    && let Some(u) = s.service.update_status.as_mut()
                {
                    u.message = Some(format!(
                        "update rolled back due to failure or early termination of task {tid}"
                    ));
                }
            }
            _ => {
                if let Some(s) = self.services.get_mut(&sid) {
                    s.rollout = None;
                }
                let state = if rollback {
                    ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED
                } else {
                    ServiceUpdateStatusStateEnum::PAUSED
                };
                self.set_update_status(
                    &sid,
                    state,
                    &format!("update paused due to failure or early termination of task {tid}"),
                    now,
                );
            }
        }
        true
    }
}
