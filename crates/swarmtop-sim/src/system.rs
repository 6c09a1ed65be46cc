//! `/version`, `/info` and `/swarm` of the simulated manager.

use std::collections::HashMap;

use bollard::models::{
    ClusterInfo, LocalNodeState, ObjectVersion, PeerNode, SwarmInfo, SwarmSpec, SwarmSpecCaConfig,
    SwarmSpecDispatcher, SwarmSpecEncryptionConfig, SwarmSpecOrchestration, SwarmSpecRaft,
    SwarmSpecTaskDefaults, SystemInfo, SystemVersion, SystemVersionComponents,
    SystemVersionPlatform,
};

use super::http::{API_VERSION, ENGINE_VERSION, MIN_API_VERSION};
use super::model::{Model, node_hostname};
use super::time::rfc3339;

pub fn version() -> SystemVersion {
    SystemVersion {
        platform: Some(SystemVersionPlatform {
            name: "swarmtop simulated engine".into(),
        }),
        components: Some(vec![SystemVersionComponents {
            name: "Engine".into(),
            version: ENGINE_VERSION.into(),
            details: Some(HashMap::from([
                ("ApiVersion".to_string(), API_VERSION.to_string()),
                ("MinAPIVersion".to_string(), MIN_API_VERSION.to_string()),
                ("Os".to_string(), "linux".to_string()),
                ("Arch".to_string(), "amd64".to_string()),
            ])),
        }]),
        version: Some(ENGINE_VERSION.into()),
        api_version: Some(API_VERSION.into()),
        min_api_version: Some(MIN_API_VERSION.into()),
        git_commit: Some("sim".into()),
        go_version: Some("none".into()),
        os: Some("linux".into()),
        arch: Some("amd64".into()),
        kernel_version: Some("6.1.0-sim".into()),
        experimental: None,
        build_time: None,
    }
}

fn cluster_spec(retention: usize) -> SwarmSpec {
    SwarmSpec {
        name: Some("default".into()),
        labels: Some(HashMap::new()),
        orchestration: Some(SwarmSpecOrchestration {
            task_history_retention_limit: Some(retention as i64),
        }),
        raft: Some(SwarmSpecRaft {
            snapshot_interval: Some(10000),
            keep_old_snapshots: Some(0),
            log_entries_for_slow_followers: Some(500),
            election_tick: Some(10),
            heartbeat_tick: Some(1),
        }),
        dispatcher: Some(SwarmSpecDispatcher {
            heartbeat_period: Some(5_000_000_000),
        }),
        ca_config: Some(SwarmSpecCaConfig {
            node_cert_expiry: Some(7_776_000_000_000_000),
            ..Default::default()
        }),
        encryption_config: Some(SwarmSpecEncryptionConfig {
            auto_lock_managers: Some(false),
        }),
        task_defaults: Some(SwarmSpecTaskDefaults::default()),
    }
}

fn cluster_info(m: &Model) -> ClusterInfo {
    ClusterInfo {
        id: Some(m.cluster.id.clone()),
        version: Some(ObjectVersion { index: Some(10) }),
        created_at: Some(rfc3339(m.cluster.created)),
        updated_at: Some(rfc3339(m.cluster.created)),
        spec: Some(cluster_spec(m.retention)),
        tls_info: Some(m.cluster.tls.clone()),
        root_rotation_in_progress: Some(false),
        data_path_port: Some(4789),
        default_addr_pool: Some(vec!["10.0.0.0/8".into()]),
        subnet_size: Some(24),
    }
}

/// `GET /swarm` (what `docker swarm join-token` and `docker info` read).
pub fn swarm(m: &Model) -> serde_json::Value {
    let c = cluster_info(m);
    let mut v = serde_json::to_value(&c).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "JoinTokens".into(),
            serde_json::json!({
                "Worker": format!("SWMTKN-1-{}-{}", m.cluster.id, "worker0sim"),
                "Manager": format!("SWMTKN-1-{}-{}", m.cluster.id, "manager0sim"),
            }),
        );
    }
    v
}

/// `GET /info`: a manager of an active swarm.
pub fn info(m: &Model) -> SystemInfo {
    info_for(m, &m.local_node)
}

/// `GET /info` of one node's engine: its own node ID, and whether it is a manager.
pub fn info_for(m: &Model, node_id: &str) -> SystemInfo {
    let local = m.nodes.get(node_id);
    let manager = local.and_then(|n| n.spec.as_ref()).and_then(|s| s.role)
        == Some(bollard::models::NodeSpecRoleEnum::MANAGER);
    let hostname = local.map(node_hostname).unwrap_or("manager").to_string();
    let addr = local
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.addr.clone())
        .unwrap_or_default();
    let res = local
        .and_then(|n| n.description.as_ref())
        .and_then(|d| d.resources.as_ref());
    let remote: Vec<PeerNode> = m
        .managers()
        .map(|n| PeerNode {
            node_id: n.id.clone(),
            addr: n.manager_status.as_ref().and_then(|s| s.addr.clone()),
        })
        .collect();
    let containers = super::containers::on_node(m, node_id);
    let running = containers.iter().filter(|c| c.running).count() as i64;
    let all = containers.len() as i64;
    SystemInfo {
        id: Some(if node_id == m.local_node {
            format!("SIM:{}", m.cluster.id.to_uppercase())
        } else {
            format!(
                "SIM:{}",
                super::containers::hex64(node_id)[..32].to_uppercase()
            )
        }),
        containers: Some(all),
        containers_running: Some(running),
        containers_paused: Some(0),
        containers_stopped: Some(all - running),
        images: Some(0),
        driver: Some("overlay2".into()),
        name: Some(hostname),
        server_version: Some(ENGINE_VERSION.into()),
        operating_system: Some("swarmtop simulated engine".into()),
        os_type: Some("linux".into()),
        os_version: Some("".into()),
        architecture: Some("x86_64".into()),
        kernel_version: Some("6.1.0-sim".into()),
        ncpu: Some(res.and_then(|r| r.nano_cpus).unwrap_or(0) / 1_000_000_000),
        mem_total: Some(res.and_then(|r| r.memory_bytes).unwrap_or(0)),
        docker_root_dir: Some("/var/lib/docker".into()),
        logging_driver: Some("json-file".into()),
        labels: Some(Vec::new()),
        experimental_build: Some(false),
        live_restore_enabled: Some(false),
        // a worker's engine knows the managers, not the cluster (as dockerd says)
        swarm: Some(SwarmInfo {
            node_id: Some(node_id.to_string()),
            node_addr: Some(addr),
            local_node_state: Some(LocalNodeState::ACTIVE),
            control_available: Some(manager),
            error: Some(String::new()),
            remote_managers: Some(remote),
            nodes: manager.then_some(m.nodes.len() as i64),
            managers: manager.then_some(m.managers().count() as i64),
            cluster: manager.then(|| cluster_info(m)),
        }),
        warnings: Some(Vec::new()),
        ..Default::default()
    }
}
