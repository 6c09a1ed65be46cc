//! The engine's event stream: a bounded history (for `since`) plus live subscribers, and the
//! `/events` filters. Only swarm-scoped events exist here, shaped as the engine sends them.

use std::collections::{HashMap, VecDeque};

use bollard::models::{EventActor, EventMessage, EventMessageScopeEnum, EventMessageTypeEnum};
use tokio::sync::broadcast;

use super::time::{Nanos, SECOND};

/// The engine keeps this many past events for `since` (moby's `eventsLimit`).
pub const HISTORY: usize = 256;

pub struct EventLog {
    history: VecDeque<EventMessage>,
    tx: broadcast::Sender<EventMessage>,
}

impl Default for EventLog {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(8192);
        EventLog {
            history: VecDeque::with_capacity(HISTORY),
            tx,
        }
    }
}

impl EventLog {
    pub fn publish(&mut self, ev: EventMessage) {
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(ev.clone());
        // no subscriber is not an error
        let _ = self.tx.send(ev);
    }

    /// Past events at or after `since`, and a receiver for every later one. Taken together
    /// under the model lock, so nothing falls between the two and nothing comes twice.
    pub fn subscribe(
        &self,
        since: Option<Nanos>,
    ) -> (Vec<EventMessage>, broadcast::Receiver<EventMessage>) {
        let past = match since {
            Some(s) => self
                .history
                .iter()
                .filter(|e| e.time_nano.unwrap_or(0) >= s)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        (past, self.tx.subscribe())
    }

    pub fn history(&self) -> impl Iterator<Item = &EventMessage> {
        self.history.iter()
    }
}

/// Builds a swarm event as the engine does (`Actor.Attributes` always carries `name`).
pub fn swarm_event(
    typ: EventMessageTypeEnum,
    action: &str,
    id: &str,
    attributes: HashMap<String, String>,
    at: Nanos,
) -> EventMessage {
    EventMessage {
        typ: Some(typ),
        action: Some(action.to_string()),
        actor: Some(EventActor {
            id: Some(id.to_string()),
            attributes: Some(attributes),
        }),
        scope: Some(EventMessageScopeEnum::SWARM),
        time: Some(at.div_euclid(SECOND)),
        time_nano: Some(at),
    }
}

/// The `/events` filters we honour: type, scope, event (action), and the object filters
/// (service, node, secret, config, network) by ID or name.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    filters: HashMap<String, Vec<String>>,
}

const ACCEPTED: &[&str] = &[
    "type",
    "scope",
    "event",
    "service",
    "node",
    "secret",
    "config",
    "network",
    "container",
    "image",
    "volume",
    "daemon",
    "plugin",
    "label",
];

impl EventFilter {
    pub fn new(filters: HashMap<String, Vec<String>>) -> Result<EventFilter, String> {
        for k in filters.keys() {
            if !ACCEPTED.contains(&k.as_str()) {
                return Err(format!("invalid filter '{k}'"));
            }
        }
        Ok(EventFilter { filters })
    }

    pub fn matches(&self, ev: &EventMessage) -> bool {
        let typ = ev.typ.map(|t| t.to_string()).unwrap_or_default();
        let scope = ev.scope.map(|s| s.to_string()).unwrap_or_default();
        let action = ev.action.as_deref().unwrap_or("");
        let id = ev
            .actor
            .as_ref()
            .and_then(|a| a.id.as_deref())
            .unwrap_or("");
        let name = ev
            .actor
            .as_ref()
            .and_then(|a| a.attributes.as_ref())
            .and_then(|a| a.get("name"))
            .map(String::as_str)
            .unwrap_or("");
        for (k, vals) in &self.filters {
            if vals.is_empty() {
                continue;
            }
            let ok = match k.as_str() {
                "type" => vals.iter().any(|v| v == &typ),
                "scope" => vals.iter().any(|v| v == &scope),
                "event" => vals.iter().any(|v| v == action),
                "service" | "node" | "secret" | "config" | "network" => {
                    typ == *k && vals.iter().any(|v| v == id || v == name)
                }
                // only swarm objects live here: container/image/... filters match nothing
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(typ: EventMessageTypeEnum, name: &str) -> EventMessage {
        swarm_event(
            typ,
            "update",
            "id1",
            HashMap::from([("name".into(), name.into())]),
            5 * SECOND,
        )
    }

    #[test]
    fn filters_by_type_and_object() {
        let f = EventFilter::new(HashMap::from([(
            "type".to_string(),
            vec!["service".to_string(), "node".to_string()],
        )]))
        .unwrap();
        assert!(f.matches(&ev(EventMessageTypeEnum::SERVICE, "web")));
        assert!(!f.matches(&ev(EventMessageTypeEnum::SECRET, "s")));
        let f = EventFilter::new(HashMap::from([(
            "service".to_string(),
            vec!["web".to_string()],
        )]))
        .unwrap();
        assert!(f.matches(&ev(EventMessageTypeEnum::SERVICE, "web")));
        assert!(!f.matches(&ev(EventMessageTypeEnum::NODE, "web")));
        assert!(EventFilter::new(HashMap::from([("bogus".to_string(), vec![])])).is_err());
    }

    #[test]
    fn history_is_bounded_and_since_filters() {
        let mut log = EventLog::default();
        for i in 0..(HISTORY + 10) {
            let mut e = ev(EventMessageTypeEnum::SERVICE, "web");
            e.time_nano = Some(i as i64);
            log.publish(e);
        }
        assert_eq!(log.history().count(), HISTORY);
        let (past, _rx) = log.subscribe(Some((HISTORY as i64) + 5));
        assert_eq!(past.len(), 5);
    }
}
