//! A service's specs over time, as far as swarmtop can know them. The engine keeps one previous
//! spec per service (`PreviousSpec`): from before the session only the last update is known.
//! While swarmtop runs, every spec it sees replace another is remembered (in memory, bounded),
//! so the history view can list several updates, newest first, each with what it changed
//! (`spec_diff`).

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A service's spec as the engine wrote it (raw: nothing bollard does not know is lost), with
/// the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecSeen {
    pub service_id: String,
    /// `Version.Index` when it was read.
    pub version: u64,
    /// The service's `UpdatedAt` when it was read.
    pub updated_at: Option<String>,
    pub spec: Value,
    /// `PreviousSpec`: what a rollback returns to; `None` for a service never updated.
    pub previous: Option<Value>,
}

impl SpecSeen {
    /// From the engine's JSON of one service (`GET /services/{id}`, or one of the list).
    pub fn of_service(raw: &Value) -> Option<SpecSeen> {
        let spec = raw.get("Spec").filter(|s| s.is_object())?.clone();
        Some(SpecSeen {
            service_id: raw.get("ID")?.as_str()?.to_string(),
            version: raw.pointer("/Version/Index")?.as_u64()?,
            updated_at: raw
                .get("UpdatedAt")
                .and_then(Value::as_str)
                .map(str::to_string),
            spec,
            previous: raw.get("PreviousSpec").filter(|p| p.is_object()).cloned(),
        })
    }
}

/// How swarmtop came to know a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// swarmtop saw it replace the spec before it, at this time.
    Seen(DateTime<Utc>),
    /// It was already the service's spec when swarmtop first read it; `updated_at` is the
    /// engine's `UpdatedAt` then (the last change of the service, its update's state included).
    Found { updated_at: Option<String> },
}

/// Where an observation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// The engine worker saw the spec change.
    Change,
    /// Read on request (the history view, a rollback): maybe a spec that was there before.
    Read,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpecVersion {
    pub version: u64,
    pub spec: Value,
    pub origin: Origin,
    /// When it was kept, among all services' versions: the oldest goes first.
    order: u64,
}

/// One update: the spec before it (`None`: not known) and after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Update<'a> {
    pub version: u64,
    pub origin: &'a Origin,
    pub before: Option<&'a Value>,
    pub after: &'a Value,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Kept {
    /// The spec before the oldest version kept (the engine's previous spec when the service
    /// was first seen, or a version let go to stay within bounds).
    before_oldest: Option<Value>,
    /// Oldest first.
    versions: VecDeque<SpecVersion>,
}

/// The specs seen this session, by service ID.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpecHistory {
    services: HashMap<String, Kept>,
    next: u64,
    total: usize,
}

impl SpecHistory {
    /// At most this many versions of one service...
    pub const PER_SERVICE: usize = 16;
    /// ... and of all services together (a spec is a few kilobytes).
    pub const KEPT: usize = 256;

    /// Takes in a spec read from the engine; true when it was new (a change to show).
    pub fn observe(&mut self, seen: SpecSeen, how: Observed, now: DateTime<Utc>) -> bool {
        let order = self.next;
        let kept = self.services.entry(seen.service_id).or_default();
        let origin = match kept.versions.back() {
            Some(last) if last.spec == seen.spec => return false,
            // a read answered after a newer spec came: it is not a change (versions only grow)
            Some(last) if seen.version < last.version => return false,
            Some(_) => Origin::Seen(now),
            None => {
                kept.before_oldest = seen.previous;
                match how {
                    Observed::Change => Origin::Seen(now),
                    Observed::Read => Origin::Found {
                        updated_at: seen.updated_at,
                    },
                }
            }
        };
        kept.versions.push_back(SpecVersion {
            version: seen.version,
            spec: seen.spec,
            origin,
            order,
        });
        self.next += 1;
        self.total += 1;
        if kept.versions.len() > Self::PER_SERVICE {
            Self::let_go_oldest(kept);
            self.total -= 1;
        }
        while self.total > Self::KEPT {
            if !self.let_go_oldest_of_all() {
                break;
            }
        }
        true
    }

    fn let_go_oldest(kept: &mut Kept) {
        if let Some(v) = kept.versions.pop_front() {
            kept.before_oldest = Some(v.spec);
        }
    }

    fn let_go_oldest_of_all(&mut self) -> bool {
        let oldest = self
            .services
            .iter()
            .filter_map(|(id, k)| k.versions.front().map(|v| (v.order, id.clone())))
            .min();
        let Some((_, id)) = oldest else {
            return false;
        };
        if let Some(kept) = self.services.get_mut(&id) {
            Self::let_go_oldest(kept);
            self.total -= 1;
            if kept.versions.is_empty() {
                self.services.remove(&id);
            }
        }
        true
    }

    /// The updates known of a service, newest first.
    pub fn updates(&self, service_id: &str) -> Vec<Update<'_>> {
        let Some(kept) = self.services.get(service_id) else {
            return Vec::new();
        };
        let mut out: Vec<Update> = kept
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| Update {
                version: v.version,
                origin: &v.origin,
                before: match i {
                    0 => kept.before_oldest.as_ref(),
                    _ => kept.versions.get(i - 1).map(|p| &p.spec),
                },
                after: &v.spec,
            })
            .collect();
        out.reverse();
        out
    }

    /// Versions kept, of every service.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seen(id: &str, version: u64, image: &str, previous: Option<&str>) -> SpecSeen {
        let spec = |i: &str| json!({"Name": id, "TaskTemplate": {"ContainerSpec": {"Image": i}}});
        SpecSeen {
            service_id: id.into(),
            version,
            updated_at: Some("2026-11-22T11:30:00Z".into()),
            spec: spec(image),
            previous: previous.map(spec),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        crate::cluster::format::parse_time(s).unwrap()
    }

    fn image(v: &Value) -> &str {
        v.pointer("/TaskTemplate/ContainerSpec/Image")
            .and_then(Value::as_str)
            .unwrap()
    }

    #[test]
    fn a_spec_read_first_is_the_last_update_the_engine_knows() {
        let mut h = SpecHistory::default();
        assert!(h.observe(
            seen("web", 10, "a:2", Some("a:1")),
            Observed::Read,
            at("2026-11-22T12:00:00Z")
        ));
        let u = h.updates("web");
        assert_eq!(u.len(), 1);
        assert_eq!(image(u[0].before.unwrap()), "a:1");
        assert_eq!(image(u[0].after), "a:2");
        assert_eq!(
            u[0].origin,
            &Origin::Found {
                updated_at: Some("2026-11-22T11:30:00Z".into())
            }
        );
    }

    #[test]
    fn updates_seen_are_listed_newest_first_each_against_the_one_before() {
        let mut h = SpecHistory::default();
        h.observe(
            seen("web", 10, "a:2", Some("a:1")),
            Observed::Read,
            at("2026-11-22T12:00:00Z"),
        );
        // the same spec again (an update's state changed the version): nothing new
        assert!(!h.observe(
            seen("web", 11, "a:2", Some("a:1")),
            Observed::Change,
            at("2026-11-22T12:00:30Z")
        ));
        assert!(h.observe(
            seen("web", 14, "a:3", Some("a:2")),
            Observed::Change,
            at("2026-11-22T12:01:00Z")
        ));
        // two updates between two reads: the change is from the last spec seen
        assert!(h.observe(
            seen("web", 20, "a:5", Some("a:4")),
            Observed::Change,
            at("2026-11-22T12:02:00Z")
        ));
        let u = h.updates("web");
        let pairs: Vec<(u64, &str, &str)> = u
            .iter()
            .map(|u| (u.version, image(u.before.unwrap()), image(u.after)))
            .collect();
        assert_eq!(
            pairs,
            [(20, "a:3", "a:5"), (14, "a:2", "a:3"), (10, "a:1", "a:2")]
        );
        assert_eq!(u[0].origin, &Origin::Seen(at("2026-11-22T12:02:00Z")));
        assert_eq!(h.len(), 3);
        // a read that answers late, with an older spec, is not an update back to it
        assert!(!h.observe(
            seen("web", 14, "a:3", Some("a:2")),
            Observed::Read,
            at("2026-11-22T12:03:00Z")
        ));
        assert_eq!(h.len(), 3);
    }

    #[test]
    fn a_change_seen_first_has_the_engines_previous_spec_before_it() {
        let mut h = SpecHistory::default();
        h.observe(
            seen("api", 7, "b:2", Some("b:1")),
            Observed::Change,
            at("2026-11-22T12:00:00Z"),
        );
        let u = h.updates("api");
        assert_eq!(image(u[0].before.unwrap()), "b:1");
        assert_eq!(u[0].origin, &Origin::Seen(at("2026-11-22T12:00:00Z")));
        // never updated: nothing before it
        h.observe(
            seen("new", 3, "c:1", None),
            Observed::Read,
            at("2026-11-22T12:00:00Z"),
        );
        assert_eq!(h.updates("new")[0].before, None);
        assert!(h.updates("gone").is_empty());
    }

    #[test]
    fn memory_is_bounded_per_service_and_in_all() {
        let now = at("2026-11-22T12:00:00Z");
        let mut h = SpecHistory::default();
        for i in 0..(SpecHistory::PER_SERVICE as u64 + 5) {
            h.observe(
                seen("web", i, &format!("a:{i}"), None),
                Observed::Change,
                now,
            );
        }
        let u = h.updates("web");
        assert_eq!(u.len(), SpecHistory::PER_SERVICE);
        // the oldest kept still says what it changed: from the version let go
        let oldest = u.last().unwrap();
        assert_eq!(image(oldest.after), "a:5");
        assert_eq!(image(oldest.before.unwrap()), "a:4");
        for s in 0..40 {
            for i in 0..10 {
                h.observe(
                    seen(&format!("s{s}"), i, &format!("x:{i}"), None),
                    Observed::Change,
                    now,
                );
            }
        }
        assert_eq!(h.len(), SpecHistory::KEPT);
        // the oldest went: web's first
        assert!(h.updates("web").is_empty());
        assert_eq!(h.updates("s39").len(), 10);
    }

    #[test]
    fn a_spec_is_read_from_the_engines_json() {
        let raw = json!({
            "ID": "abc", "Version": {"Index": 63}, "UpdatedAt": "2026-12-06T05:28:53Z",
            "Spec": {"Name": "web"}, "PreviousSpec": {"Name": "web", "Labels": {"a": "1"}}
        });
        let s = SpecSeen::of_service(&raw).unwrap();
        assert_eq!((s.service_id.as_str(), s.version), ("abc", 63));
        assert_eq!(s.previous.unwrap()["Labels"]["a"], "1");
        assert!(SpecSeen::of_service(&json!({"ID": "x"})).is_none());
    }
}
