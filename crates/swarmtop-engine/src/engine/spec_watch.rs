//! What the worker remembers of each service's spec, to tell the UI of a spec that changed
//! while swarmtop runs (the spec history): its version and a hash of the spec, not the spec
//! (a large swarm's specs would be megabytes). A version that moved without the spec changing
//! (an update's state, a task count) is not a change.
//!
//! The hash is of the spec's bytes as the engine wrote them, read without parsing the spec:
//! the engine writes the same spec the same way (Go writes a struct's fields in order and a
//! map's keys sorted). Should two writings of one spec ever differ, the history drops a spec
//! equal to the last one it keeps (`SpecHistory::observe`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use swarmtop_model::cluster::spec_history::SpecSeen;

#[derive(Debug, Default)]
pub struct SpecWatch {
    /// (version, hash of the spec) by service ID.
    known: HashMap<String, (u64, u64)>,
}

/// What is read of a service to watch it: the rest of its bytes are skipped.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "ID", borrow)]
    id: Cow<'a, str>,
    #[serde(rename = "Version")]
    version: Option<Version>,
    #[serde(rename = "Spec", borrow)]
    spec: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Version {
    #[serde(rename = "Index")]
    index: u64,
}

fn hash_of(spec: Option<&RawValue>) -> u64 {
    let mut h = DefaultHasher::new();
    spec.map(RawValue::get).unwrap_or("").hash(&mut h);
    h.finish()
}

/// One look at the whole list of services, an element at a time.
pub struct Look<'w> {
    watch: &'w mut SpecWatch,
    ids: HashSet<String>,
    changed: Vec<SpecSeen>,
}

impl SpecWatch {
    /// Starts a look at the engine's list of every service; [`Look::service`] takes each
    /// service's bytes, [`Look::end`] returns the services whose spec changed since the last
    /// look. One seen for the first time is remembered, not returned: its spec did not change
    /// while swarmtop looked. Services gone are forgotten at the end.
    pub fn begin(&mut self) -> Look<'_> {
        Look {
            watch: self,
            ids: HashSet::new(),
            changed: Vec::new(),
        }
    }
}

impl Look<'_> {
    /// One service of the list, as the engine wrote it.
    pub fn service(&mut self, bytes: &[u8]) {
        let Ok(head) = serde_json::from_slice::<Head>(bytes) else {
            return;
        };
        let Some(version) = head.version.map(|v| v.index) else {
            return;
        };
        let id = head.id.into_owned();
        // the version moves with every change: only then is the spec hashed
        match self.watch.known.get_mut(&id) {
            Some((v, _)) if *v == version => {}
            Some((v, hash)) => {
                *v = version;
                let now = hash_of(head.spec);
                if now != *hash {
                    *hash = now;
                    let raw = serde_json::from_slice::<Value>(bytes).ok();
                    self.changed
                        .extend(raw.as_ref().and_then(SpecSeen::of_service));
                }
            }
            None => {
                let hash = hash_of(head.spec);
                self.watch.known.insert(id.clone(), (version, hash));
            }
        }
        self.ids.insert(id);
    }

    /// The services whose spec changed; those not in this list are forgotten.
    pub fn end(self) -> Vec<SpecSeen> {
        let ids = self.ids;
        self.watch.known.retain(|id, _| ids.contains(id));
        self.changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A look at a whole list held as a value, service by service as the worker reads it.
    impl SpecWatch {
        fn look(&mut self, services: &Value) -> Vec<SpecSeen> {
            let mut look = self.begin();
            for raw in services.as_array().into_iter().flatten() {
                look.service(&serde_json::to_vec(raw).unwrap());
            }
            look.end()
        }
    }

    fn list(version: u64, image: &str, state: &str) -> Value {
        json!([{
            "ID": "s1", "Version": {"Index": version},
            "Spec": {"Name": "web", "TaskTemplate": {"ContainerSpec": {"Image": image}}},
            "PreviousSpec": {"Name": "web", "TaskTemplate": {"ContainerSpec": {"Image": "a:0"}}},
            "UpdateStatus": {"State": state}
        }])
    }

    #[test]
    fn only_a_spec_that_changed_is_told() {
        let mut w = SpecWatch::default();
        // what was there at the start did not change while swarmtop looked
        assert!(w.look(&list(10, "a:1", "completed")).is_empty());
        assert!(w.look(&list(10, "a:1", "completed")).is_empty());
        let seen = w.look(&list(12, "a:2", "updating"));
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].version, 12);
        assert_eq!(
            seen[0].spec["TaskTemplate"]["ContainerSpec"]["Image"],
            "a:2"
        );
        // the update's state moved the version, not the spec
        assert!(w.look(&list(13, "a:2", "completed")).is_empty());
        // gone, then back as new: remembered again, not a change
        assert!(w.look(&json!([])).is_empty());
        assert!(w.look(&list(20, "a:3", "completed")).is_empty());
    }
}
