//! The swarm section of `docker info`, in words (`:info`): identity, managers and nodes, raft
//! and dispatcher timings, the CA (node certificate lifetime and when the root CA expires),
//! task history, address pools, autolock, and the engine versions in use (mixed ones flagged).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::format::{ago, parse_time};
use super::{Cluster, node_engine_version, node_hostname};

fn duration(ns: i64) -> String {
    crate::duration::short(ns)
}

/// When the PEM certificate expires.
pub fn cert_expiry(pem: &str) -> Option<DateTime<Utc>> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).ok()?;
    let cert = p.parse_x509().ok()?;
    DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
}

fn in_words(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let when = t.format("%Y-%m-%d %H:%M UTC");
    if secs < 0 {
        format!("{when} (EXPIRED {})", ago(-secs))
    } else {
        let days = secs / 86_400;
        format!("{when} (in {days} days)")
    }
}

/// The lines of the info view.
pub fn lines(c: &Cluster, now: DateTime<Utc>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(swarm) = c.info.as_ref().and_then(|i| i.swarm.as_ref()) else {
        out.push("no swarm information yet".into());
        return out;
    };
    let cluster = swarm.cluster.as_ref();
    let spec = cluster.and_then(|c| c.spec.as_ref());
    let s = c.summary();
    out.push("Swarm".into());
    out.push(format!(
        "  cluster ID: {}",
        cluster.and_then(|c| c.id.clone()).unwrap_or_default()
    ));
    if let Some(created) = cluster.and_then(|c| c.created_at.as_deref()) {
        let when = parse_time(created)
            .map(|t| {
                format!(
                    "{} ({})",
                    t.format("%Y-%m-%d %H:%M UTC"),
                    ago((now - t).num_seconds())
                )
            })
            .unwrap_or_else(|| created.to_string());
        out.push(format!("  created: {when}"));
    }
    out.push(format!(
        "  this node: {} ({}), {}",
        swarm.node_id.clone().unwrap_or_default(),
        swarm.node_addr.clone().unwrap_or_default(),
        if swarm.control_available == Some(true) {
            "a manager"
        } else {
            "a worker"
        }
    ));
    out.push(format!(
        "  managers: {} ({} reachable, quorum {}) · nodes: {} ({} ready)",
        s.managers,
        s.managers_reachable,
        s.quorum(),
        s.nodes,
        s.nodes_ready
    ));
    if let Some(r) = spec.and_then(|s| s.raft.as_ref()) {
        out.push("Raft".into());
        out.push(format!(
            "  snapshot interval: {} · keep old snapshots: {} · log entries for slow followers: {}",
            r.snapshot_interval.unwrap_or(0),
            r.keep_old_snapshots.unwrap_or(0),
            r.log_entries_for_slow_followers.unwrap_or(0)
        ));
        out.push(format!(
            "  heartbeat tick: {} · election tick: {}",
            r.heartbeat_tick.unwrap_or(0),
            r.election_tick.unwrap_or(0)
        ));
    }
    if let Some(d) = spec.and_then(|s| s.dispatcher.as_ref()) {
        out.push(format!(
            "Dispatcher heartbeat period: {}",
            duration(d.heartbeat_period.unwrap_or(0))
        ));
    }
    out.push("CA".into());
    if let Some(ca) = spec.and_then(|s| s.ca_config.as_ref()) {
        out.push(format!(
            "  node certificate expiry: {}",
            duration(ca.node_cert_expiry.unwrap_or(0))
        ));
        let external = ca.external_cas.as_ref().map(|v| v.len()).unwrap_or(0);
        if external > 0 {
            out.push(format!("  external CAs: {external}"));
        }
    }
    match cluster
        .and_then(|c| c.tls_info.as_ref())
        .and_then(|t| t.trust_root.as_deref())
        .and_then(cert_expiry)
    {
        Some(t) => out.push(format!(
            "  root CA certificate expires: {}",
            in_words(t, now)
        )),
        None => out.push("  root CA certificate expires: unknown".into()),
    }
    if cluster.and_then(|c| c.root_rotation_in_progress) == Some(true) {
        out.push("  root CA rotation in progress".into());
    }
    if let Some(o) = spec.and_then(|s| s.orchestration.as_ref()) {
        out.push(format!(
            "Task history retention limit: {}",
            o.task_history_retention_limit.unwrap_or(0)
        ));
    }
    if let Some(pools) = cluster.and_then(|c| c.default_addr_pool.as_ref()) {
        out.push(format!(
            "Default address pool: {} · subnet size: {}",
            pools.join(", "),
            cluster.and_then(|c| c.subnet_size).unwrap_or(0)
        ));
    }
    if let Some(p) = cluster.and_then(|c| c.data_path_port) {
        out.push(format!("Data path port: {p}"));
    }
    let autolock = spec
        .and_then(|s| s.encryption_config.as_ref())
        .and_then(|e| e.auto_lock_managers)
        .unwrap_or(false);
    out.push(format!(
        "Autolock managers: {}",
        if autolock { "yes" } else { "no" }
    ));
    // engine versions across nodes
    let mut versions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &c.nodes {
        versions
            .entry(node_engine_version(n))
            .or_default()
            .push(node_hostname(n));
    }
    if versions.len() > 1 {
        out.push(format!(
            "Engine versions: MIXED ({} versions in use)",
            versions.len()
        ));
    } else {
        out.push("Engine versions: all nodes the same".into());
    }
    for (v, nodes) in versions {
        out.push(format!("  {v}: {}", nodes.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::{NOW, sample};

    #[test]
    fn mixed_engine_versions_are_flagged() {
        let mut c = sample();
        c.info = Some(serde_json::from_value(serde_json::json!({
            "Swarm": {"NodeID": "n1", "NodeAddr": "10.0.0.11", "ControlAvailable": true,
                      "Cluster": {"ID": "abc", "Spec": {"Raft": {"SnapshotInterval": 10000, "ElectionTick": 10, "HeartbeatTick": 1},
                                                        "Dispatcher": {"HeartbeatPeriod": 5000000000i64},
                                                        "CAConfig": {"NodeCertExpiry": 7776000000000000i64},
                                                        "Orchestration": {"TaskHistoryRetentionLimit": 5}},
                                  "DefaultAddrPool": ["10.0.0.0/8"], "SubnetSize": 24, "DataPathPort": 4789}}
        })).unwrap());
        let text = lines(&c, parse_time(NOW).unwrap()).join("\n");
        assert!(text.contains("cluster ID: abc"), "{text}");
        assert!(text.contains("snapshot interval: 10000"), "{text}");
        assert!(text.contains("Dispatcher heartbeat period: 5s"), "{text}");
        assert!(text.contains("node certificate expiry: 2160h"), "{text}");
        assert!(text.contains("Task history retention limit: 5"), "{text}");
        assert!(text.contains("MIXED (2 versions in use)"), "{text}");
        assert!(text.contains("26.1.5: node3"), "{text}");
    }
}
