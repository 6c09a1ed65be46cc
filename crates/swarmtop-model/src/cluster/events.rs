//! Swarm events in words: "service api updated: image busybox:1 → :2", "node node3 is
//! down". The engine's attributes say what changed (`image.old`/`image.new`, ...).

use std::collections::HashMap;

use bollard_stubs::models::{EventMessage, EventMessageTypeEnum};
use chrono::{DateTime, TimeZone, Utc};

use super::format::image_short;

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub time: DateTime<Utc>,
    /// Nanosecond time plus action and actor: the same event seen twice (history and live
    /// stream overlap) has the same key.
    pub key: String,
    pub kind: &'static str,
    pub object: String,
    /// The engine's ID of the object (the actor): how it is found among the cluster's.
    pub actor: String,
    pub text: String,
    /// Something went wrong (node down, rollback): shown in warning colours.
    pub alarming: bool,
}

fn kind(ev: &EventMessage) -> &'static str {
    match ev.typ {
        Some(EventMessageTypeEnum::NODE) => "node",
        Some(EventMessageTypeEnum::SERVICE) => "service",
        Some(EventMessageTypeEnum::SECRET) => "secret",
        Some(EventMessageTypeEnum::CONFIG) => "config",
        Some(EventMessageTypeEnum::NETWORK) => "network",
        Some(EventMessageTypeEnum::CONTAINER) => "container",
        _ => "other",
    }
}

fn change(attrs: &HashMap<String, String>, key: &str) -> Option<(String, String)> {
    let old = attrs.get(&format!("{key}.old"))?;
    let new = attrs.get(&format!("{key}.new"))?;
    Some((old.clone(), new.clone()))
}

/// `repo:1 → :2` when only the tag moved (the new tag fits in 80 columns that way), else both
/// whole.
fn image_change(old: &str, new: &str) -> String {
    let (o, n) = (image_short(old), image_short(new));
    // the tag is after the last ':' that follows the last '/' (a registry's port is not one)
    let split = |i: &str| -> (String, String) {
        let slash = i.rfind('/').map_or(0, |p| p + 1);
        match i[slash..].rfind(':') {
            Some(c) => (i[..slash + c].to_string(), i[slash + c..].to_string()),
            None => (i.to_string(), String::new()),
        }
    };
    let ((orepo, _), (nrepo, ntag)) = (split(o), split(n));
    if orepo == nrepo && !ntag.is_empty() {
        format!("{o} → {ntag}")
    } else {
        format!("{o} → {n}")
    }
}

/// One event as a row of the timeline.
pub fn describe(ev: &EventMessage) -> EventRow {
    let nanos = ev
        .time_nano
        .or_else(|| ev.time.map(|t| t * 1_000_000_000))
        .unwrap_or(0);
    let time = Utc.timestamp_nanos(nanos);
    let kind = kind(ev);
    let action = ev.action.clone().unwrap_or_default();
    let empty = HashMap::new();
    let actor = ev.actor.as_ref();
    let attrs = actor.and_then(|a| a.attributes.as_ref()).unwrap_or(&empty);
    let id = actor.and_then(|a| a.id.clone()).unwrap_or_default();
    let name = attrs.get("name").cloned().unwrap_or_else(|| id.clone());
    let mut alarming = false;

    let text = match (kind, action.as_str()) {
        (_, "create") => format!("{kind} {name} created"),
        (_, "remove") => format!("{kind} {name} removed"),
        ("service", "update") => {
            let mut parts = Vec::new();
            if let Some((o, n)) = change(attrs, "image") {
                parts.push(format!("image {}", image_change(&o, &n)));
            }
            if let Some((o, n)) = change(attrs, "replicas") {
                parts.push(format!("replicas {o} → {n}"));
            }
            if let Some((_, n)) = change(attrs, "updatestate") {
                if n.starts_with("rollback") || n == "paused" {
                    alarming = true;
                }
                let words = match n.as_str() {
                    "updating" => "rolling update started".to_string(),
                    "completed" => "rolling update completed".to_string(),
                    "paused" => "rolling update PAUSED".to_string(),
                    "rollback_started" => "rollback started".to_string(),
                    "rollback_paused" => "rollback PAUSED".to_string(),
                    "rollback_completed" => "rollback completed".to_string(),
                    other => format!("update state {other}"),
                };
                parts.push(words);
            }
            if parts.is_empty() {
                format!("service {name} updated")
            } else {
                format!("service {name} updated: {}", parts.join(", "))
            }
        }
        ("node", "update") => {
            let mut parts = Vec::new();
            if let Some((_, n)) = change(attrs, "state") {
                if n != "ready" {
                    alarming = true;
                }
                parts.push(format!("is {n}"));
            }
            if let Some((o, n)) = change(attrs, "availability") {
                parts.push(format!("availability {o} → {n}"));
            }
            if let Some((o, n)) = change(attrs, "role") {
                parts.push(match n.as_str() {
                    "manager" => "promoted to manager".to_string(),
                    "worker" => "demoted to worker".to_string(),
                    _ => format!("role {o} → {n}"),
                });
            }
            if parts.is_empty() {
                format!("node {name} updated")
            } else {
                format!("node {name} {}", parts.join(", "))
            }
        }
        (_, a) => format!("{kind} {name} {a}"),
    };
    EventRow {
        time,
        key: format!("{nanos}:{kind}:{action}:{id}"),
        kind,
        object: name,
        actor: id,
        text,
        alarming,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(v: serde_json::Value) -> EventMessage {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn service_image_update_in_words() {
        let e = ev(
            json!({"Type": "service", "Action": "update", "time": 1, "timeNano": 1_000_000_000i64,
            "Actor": {"ID": "s1", "Attributes": {"name": "api", "image.old": "busybox:1@sha256:abc", "image.new": "busybox:2@sha256:def"}}}),
        );
        assert_eq!(
            describe(&e).text,
            "service api updated: image busybox:1 → :2"
        );
    }

    #[test]
    fn an_image_change_keeps_what_moved() {
        assert_eq!(
            image_change("reg:5000/team/api:1.4", "reg:5000/team/api:1.5"),
            "reg:5000/team/api:1.4 → :1.5"
        );
        assert_eq!(image_change("api:1", "other:1"), "api:1 → other:1");
        // no tag: the whole name, never a registry port taken for a tag
        assert_eq!(
            image_change("reg:5000/api", "reg:5000/api:2"),
            "reg:5000/api → :2"
        );
        assert_eq!(
            image_change("api:2", "reg:5000/api"),
            "api:2 → reg:5000/api"
        );
    }

    #[test]
    fn scale_and_update_state() {
        let e = ev(json!({"Type": "service", "Action": "update",
            "Actor": {"ID": "s1", "Attributes": {"name": "api", "replicas.old": "3", "replicas.new": "5"}}}));
        assert_eq!(describe(&e).text, "service api updated: replicas 3 → 5");
        let e = ev(json!({"Type": "service", "Action": "update",
            "Actor": {"ID": "s1", "Attributes": {"name": "api", "updatestate.old": "updating", "updatestate.new": "rollback_started"}}}));
        let r = describe(&e);
        assert_eq!(r.text, "service api updated: rollback started");
        assert!(r.alarming);
    }

    #[test]
    fn node_down_and_drain() {
        let e = ev(json!({"Type": "node", "Action": "update",
            "Actor": {"ID": "n3", "Attributes": {"name": "node3", "state.old": "ready", "state.new": "down"}}}));
        let r = describe(&e);
        assert_eq!(r.text, "node node3 is down");
        assert!(r.alarming);
        let e = ev(json!({"Type": "node", "Action": "update",
            "Actor": {"ID": "n3", "Attributes": {"name": "node3", "availability.old": "active", "availability.new": "drain"}}}));
        assert_eq!(describe(&e).text, "node node3 availability active → drain");
    }

    #[test]
    fn secret_created() {
        let e = ev(
            json!({"Type": "secret", "Action": "create", "Actor": {"ID": "x", "Attributes": {"name": "db_pw"}}}),
        );
        assert_eq!(describe(&e).text, "secret db_pw created");
    }
}
