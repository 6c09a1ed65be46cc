//! What the worker remembers of each service's spec, to tell the UI of a spec that changed
//! while swarmtop runs (the spec history): its version and a hash of the spec, not the spec
//! (a large swarm's specs would be megabytes). A version that moved without the spec changing
//! (an update's state, a task count) is not a change.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use swarmtop_model::cluster::spec_history::{SpecSeen, spec_hash};

#[derive(Debug, Default)]
pub struct SpecWatch {
    /// (version, hash of the spec) by service ID.
    known: HashMap<String, (u64, u64)>,
}

impl SpecWatch {
    /// Looks at the engine's JSON of every service (a whole list): returns the services whose
    /// spec changed since the last look. One seen for the first time is remembered, not
    /// returned: its spec did not change while swarmtop looked. Services gone are forgotten.
    pub fn look(&mut self, services: &Value) -> Vec<SpecSeen> {
        let mut changed = Vec::new();
        let mut ids = HashSet::new();
        for raw in services.as_array().into_iter().flatten() {
            let (Some(id), Some(version)) = (
                raw.get("ID").and_then(Value::as_str),
                raw.pointer("/Version/Index").and_then(Value::as_u64),
            ) else {
                continue;
            };
            ids.insert(id.to_string());
            // the version moves with every change: only then is the spec hashed
            match self.known.get_mut(id) {
                Some((v, _)) if *v == version => {}
                Some((v, hash)) => {
                    *v = version;
                    let now = raw.get("Spec").map(spec_hash).unwrap_or(0);
                    if now != *hash {
                        *hash = now;
                        changed.extend(SpecSeen::of_service(raw));
                    }
                }
                None => {
                    let hash = raw.get("Spec").map(spec_hash).unwrap_or(0);
                    self.known.insert(id.to_string(), (version, hash));
                }
            }
        }
        self.known.retain(|id, _| ids.contains(id));
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
