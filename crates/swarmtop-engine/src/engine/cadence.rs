//! How often the worker asks the engine for what has no events, by the size of the swarm.
//!
//! A small swarm is cheap to read: everything is polled at the configured intervals, as the
//! UI shows it. A large one (from `Intervals::large_swarm` tasks that should run) costs its
//! manager real work per read (a 20,000-task list is 40 MB of JSON), so there the engine's
//! events drive the refreshes, changes in the running counts say which services' tasks to
//! re-read, and polling slows with the size: the idle cost stays a few requests a minute.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use bollard::models::Service;

use swarmtop_model::cluster::{
    service_counts, service_id, service_is_degraded, service_update_state,
};
use swarmtop_settings::config::Intervals;

/// The intervals in force for one swarm.
#[derive(Debug, Clone, PartialEq)]
pub struct Cadence {
    /// Large: tasks are read streamed and tracked, and refreshed by changes.
    pub large: bool,
    /// Services (running counts change without events).
    pub services: Duration,
    /// Nodes (a manager's reachability changes without events).
    pub nodes: Duration,
    /// A full reload behind the event stream.
    pub resync: Duration,
    /// Tasks on screen or of degraded services (small swarms), or of the view drilled into.
    pub tasks: Duration,
    /// Large: every task while the tasks pane shows them all.
    pub all_tasks: Duration,
    /// Large: the least time between two reads of the tasks of services whose counts changed.
    pub changed: Duration,
    /// Large: tasks of services being rolled out (no view on them).
    pub rolling: Duration,
    /// Events are gathered this long before refreshing.
    pub debounce: Duration,
}

fn scaled(per_item: Duration, items: u64, cap: Duration) -> Duration {
    per_item
        .saturating_mul(items.min(u32::MAX as u64) as u32)
        .min(cap)
}

impl Cadence {
    /// For a swarm of `services` services that should run `desired` tasks.
    pub fn new(iv: &Intervals, services: usize, desired: u64) -> Cadence {
        let large = desired >= iv.large_swarm as u64;
        if !large {
            return Cadence {
                large,
                services: iv
                    .services
                    .max(Duration::from_millis(services as u64 * 10))
                    .min(Duration::from_secs(20)),
                nodes: iv.services,
                resync: iv.resync,
                tasks: iv.tasks,
                all_tasks: iv.tasks,
                changed: iv.tasks,
                rolling: iv.tasks,
                debounce: iv.debounce,
            };
        }
        let ms = Duration::from_millis;
        Cadence {
            large,
            // 2,000 services: once a minute
            services: iv
                .services
                .max(scaled(ms(30), services as u64, Duration::from_secs(60))),
            // a node going down, coming back or changing role comes as an event; only a
            // manager's reachability does not (raft works it out when asked), so a lost
            // manager shows as Unreachable within 15 s, about when the swarm itself marks its
            // node down (three missed 5 s heartbeats), and idle costs 4 requests a minute
            nodes: iv.services.max(Duration::from_secs(15)),
            // 20,000 tasks: every 13 minutes (15 at most)
            resync: iv
                .resync
                .max(scaled(ms(40), desired, Duration::from_secs(15 * 60))),
            tasks: iv.tasks,
            all_tasks: iv
                .tasks
                .max(scaled(ms(1), desired, Duration::from_secs(20))),
            changed: iv
                .tasks
                .max(scaled(ms(3), desired, Duration::from_secs(60))),
            rolling: iv.tasks.max(Duration::from_secs(10)),
            // a burst of events (a node going down, a stack deployed) makes one refresh; still
            // well within the 2 s a change made elsewhere takes to show
            debounce: iv.debounce.max(Duration::from_secs(1)),
        }
    }
}

/// What the worker remembers of each service between two reads of them: enough to tell which
/// services' tasks changed without asking for the tasks.
type Fact = (u64, u64, u64, Option<String>, Option<String>);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFacts {
    /// (version, running, desired, update state, update message) by service ID.
    by_id: HashMap<String, Fact>,
    degraded: BTreeSet<String>,
    rolling: BTreeSet<String>,
    desired: u64,
}

impl ServiceFacts {
    pub fn of(services: &[Service]) -> ServiceFacts {
        let mut f = ServiceFacts::default();
        for s in services {
            let id = service_id(s).to_string();
            let (running, desired) = service_counts(s);
            let update = service_update_state(s);
            f.desired += desired;
            if service_is_degraded(s) {
                f.degraded.insert(id.clone());
            }
            if matches!(update.as_deref(), Some("updating" | "rollback_started")) {
                f.rolling.insert(id.clone());
            }
            let version = s.version.as_ref().and_then(|v| v.index).unwrap_or(0);
            let message = s.update_status.as_ref().and_then(|u| u.message.clone());
            f.by_id
                .insert(id, (version, running, desired, update, message));
        }
        f
    }

    /// Services whose spec version, counts or update state differ, or that came or went.
    pub fn changed_since(&self, old: &ServiceFacts) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .by_id
            .iter()
            .filter(|(id, v)| old.by_id.get(*id) != Some(v))
            .map(|(id, _)| id.clone())
            .collect();
        out.extend(
            old.by_id
                .keys()
                .filter(|id| !self.by_id.contains_key(*id))
                .cloned(),
        );
        out
    }

    pub fn degraded(&self) -> &BTreeSet<String> {
        &self.degraded
    }

    pub fn rolling(&self) -> &BTreeSet<String> {
        &self.rolling
    }

    /// Tasks that should run, summed over services.
    pub fn desired(&self) -> u64 {
        self.desired
    }

    pub fn services(&self) -> usize {
        self.by_id.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::cluster::fixtures::sample;

    #[test]
    fn small_swarms_poll_as_configured() {
        let iv = Intervals::default();
        let c = Cadence::new(&iv, 10, 30);
        assert!(!c.large);
        assert_eq!(c.services, Duration::from_secs(2));
        assert_eq!(c.tasks, iv.tasks);
        assert_eq!(c.resync, iv.resync);
        assert_eq!(c.debounce, iv.debounce);
    }

    #[test]
    fn large_swarms_poll_less_the_larger_they_are() {
        let iv = Intervals::default();
        let l = Cadence::new(&iv, 2000, 20_000);
        assert!(l.large);
        assert_eq!(l.services, Duration::from_secs(60));
        assert_eq!(l.resync, Duration::from_secs(800));
        assert_eq!(l.all_tasks, Duration::from_secs(20));
        assert_eq!(l.changed, Duration::from_secs(60));
        // idle: nodes four times a minute and services once make fewer than 6 requests
        assert_eq!(l.nodes, Duration::from_secs(15));
        let m = Cadence::new(&iv, 500, 5_000);
        assert!(m.large);
        assert_eq!(m.services, Duration::from_secs(15));
        assert_eq!(m.resync, Duration::from_secs(200));
        // never faster than configured
        let slow = Intervals {
            services: Duration::from_secs(120),
            resync: Duration::from_secs(3600),
            ..Intervals::default()
        };
        let l = Cadence::new(&slow, 2000, 20_000);
        assert_eq!(l.services, Duration::from_secs(120));
        assert_eq!(l.resync, Duration::from_secs(3600));
        // a change made elsewhere still shows within 2 s
        assert!(l.debounce < Duration::from_secs(2));
    }

    #[test]
    fn changed_services_are_found_from_counts() {
        let c = sample();
        let before = ServiceFacts::of(&c.services);
        assert_eq!(before.degraded().len(), 1);
        let mut services = c.services.clone();
        let id = services[0].id.clone().unwrap();
        services[0].service_status.as_mut().unwrap().running_tasks = Some(0);
        let removed = services.pop().unwrap().id.unwrap();
        let after = ServiceFacts::of(&services);
        let changed = after.changed_since(&before);
        assert!(changed.contains(&id), "{changed:?}");
        assert!(changed.contains(&removed), "{changed:?}");
        assert_eq!(changed.len(), 2);
        assert!(after.changed_since(&after).is_empty());
    }
}
