//! A small, fixed cluster for unit and snapshot tests, written as the engine's JSON.

use serde_json::json;

use super::Cluster;

/// Fixed "now" for tests that show ages.
pub const NOW: &str = "2026-11-22T12:00:00Z";

pub fn sample() -> Cluster {
    let nodes = json!([
        {"ID": "n1aaaaaaaaaaaaaaaaaaaaaaa", "Version": {"Index": 10},
         "Spec": {"Role": "manager", "Availability": "active", "Labels": {"zone": "eu"}},
         "Description": {"Hostname": "node1", "Engine": {"EngineVersion": "20.10.24"},
                         "Resources": {"NanoCPUs": 2000000000i64, "MemoryBytes": 4294967296i64}},
         "Status": {"State": "ready", "Addr": "10.0.0.11"},
         "ManagerStatus": {"Leader": true, "Reachability": "reachable", "Addr": "10.0.0.11:2377"}},
        {"ID": "n2bbbbbbbbbbbbbbbbbbbbbbb", "Version": {"Index": 11},
         "Spec": {"Role": "worker", "Availability": "active"},
         "Description": {"Hostname": "node2", "Engine": {"EngineVersion": "20.10.24"},
                         "Resources": {"NanoCPUs": 2000000000i64, "MemoryBytes": 2147483648i64}},
         "Status": {"State": "ready", "Addr": "10.0.0.12"}},
        {"ID": "n3ccccccccccccccccccccccc", "Version": {"Index": 12},
         "Spec": {"Role": "worker", "Availability": "drain"},
         "Description": {"Hostname": "node3", "Engine": {"EngineVersion": "26.1.5"},
                         "Resources": {"NanoCPUs": 4000000000i64, "MemoryBytes": 8589934592i64}},
         "Status": {"State": "down", "Addr": "10.0.0.13", "Message": "heartbeat failure"}}
    ]);
    let services = json!([
        {"ID": "s1webwebwebwebwebwebwebwe", "Version": {"Index": 20},
         "CreatedAt": "2026-11-22T11:00:00Z", "UpdatedAt": "2026-11-22T11:30:00Z",
         "Spec": {"Name": "web", "Mode": {"Replicated": {"Replicas": 3}},
                  "TaskTemplate": {"ContainerSpec": {"Image": "swarmtest/busybox:1"}},
                  "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}},
         "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]},
         "ServiceStatus": {"RunningTasks": 3, "DesiredTasks": 3}},
        {"ID": "s2apiapiapiapiapiapiapiap", "Version": {"Index": 21},
         "CreatedAt": "2026-11-22T11:10:00Z", "UpdatedAt": "2026-11-22T11:55:00Z",
         "Spec": {"Name": "shop_api", "Labels": {"com.docker.stack.namespace": "shop"},
                  "Mode": {"Replicated": {"Replicas": 3}},
                  "TaskTemplate": {"ContainerSpec": {"Image": "swarmtest/busybox:2@sha256:0123456789abcdef"},
                                   "Placement": {"Constraints": ["node.labels.zone==us"]}}},
         "UpdateStatus": {"State": "updating", "Message": "update in progress"},
         "ServiceStatus": {"RunningTasks": 1, "DesiredTasks": 3}},
        {"ID": "s3monmonmonmonmonmonmonmo", "Version": {"Index": 22},
         "Spec": {"Name": "monitor", "Mode": {"Global": {}},
                  "TaskTemplate": {"ContainerSpec": {"Image": "swarmtest/busybox:1"}}},
         "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 2}}
    ]);
    let task = |id: &str,
                svc: &str,
                slot: i64,
                node: &str,
                state: &str,
                desired: &str,
                err: Option<&str>,
                exit: Option<i64>,
                ts: &str| {
        let mut status = json!({"State": state, "Timestamp": ts, "Message": state});
        if let Some(e) = err {
            status["Err"] = json!(e);
        }
        if let Some(c) = exit {
            status["ContainerStatus"] = json!({"ExitCode": c});
        }
        let mut t = json!({"ID": id, "ServiceID": svc, "NodeID": node, "DesiredState": desired,
            "Status": status, "CreatedAt": ts, "UpdatedAt": ts,
            "Spec": {"ContainerSpec": {"Image": "swarmtest/busybox:1"}}});
        if slot > 0 {
            t["Slot"] = json!(slot);
        }
        t
    };
    let tasks = json!([
        task(
            "t1aaaaaaaaaaaaaaaaaaaaaaa",
            "s1webwebwebwebwebwebwebwe",
            1,
            "n1aaaaaaaaaaaaaaaaaaaaaaa",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:30:00Z"
        ),
        task(
            "t2aaaaaaaaaaaaaaaaaaaaaaa",
            "s1webwebwebwebwebwebwebwe",
            2,
            "n2bbbbbbbbbbbbbbbbbbbbbbb",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:30:00Z"
        ),
        task(
            "t3aaaaaaaaaaaaaaaaaaaaaaa",
            "s1webwebwebwebwebwebwebwe",
            3,
            "n2bbbbbbbbbbbbbbbbbbbbbbb",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:31:00Z"
        ),
        task(
            "t4aaaaaaaaaaaaaaaaaaaaaaa",
            "s1webwebwebwebwebwebwebwe",
            3,
            "n3ccccccccccccccccccccccc",
            "shutdown",
            "shutdown",
            None,
            Some(137),
            "2026-11-22T11:29:00Z"
        ),
        task(
            "t5aaaaaaaaaaaaaaaaaaaaaaa",
            "s2apiapiapiapiapiapiapiap",
            1,
            "n1aaaaaaaaaaaaaaaaaaaaaaa",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:55:00Z"
        ),
        task(
            "t6aaaaaaaaaaaaaaaaaaaaaaa",
            "s2apiapiapiapiapiapiapiap",
            2,
            "",
            "pending",
            "running",
            Some("no suitable node (scheduling constraints not satisfied on 3 nodes)"),
            None,
            "2026-11-22T11:56:00Z"
        ),
        task(
            "t7aaaaaaaaaaaaaaaaaaaaaaa",
            "s2apiapiapiapiapiapiapiap",
            3,
            "n2bbbbbbbbbbbbbbbbbbbbbbb",
            "failed",
            "shutdown",
            Some("task: non-zero exit (1)"),
            Some(1),
            "2026-11-22T11:57:00Z"
        ),
        task(
            "t8aaaaaaaaaaaaaaaaaaaaaaa",
            "s3monmonmonmonmonmonmonmo",
            0,
            "n1aaaaaaaaaaaaaaaaaaaaaaa",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:00:00Z"
        ),
        task(
            "t9aaaaaaaaaaaaaaaaaaaaaaa",
            "s3monmonmonmonmonmonmonmo",
            0,
            "n2bbbbbbbbbbbbbbbbbbbbbbb",
            "running",
            "running",
            None,
            None,
            "2026-11-22T11:00:00Z"
        )
    ]);
    let secrets = json!([
        {"ID": "sec1xxxxxxxxxxxxxxxxxxxxx", "CreatedAt": "2026-11-22T10:00:00Z", "UpdatedAt": "2026-11-22T10:00:00Z",
         "Spec": {"Name": "db_password", "Labels": {}}}
    ]);
    let configs = json!([
        {"ID": "cfg1xxxxxxxxxxxxxxxxxxxxx", "CreatedAt": "2026-11-22T10:00:00Z", "UpdatedAt": "2026-11-22T10:00:00Z",
         "Spec": {"Name": "shop_nginx", "Labels": {"com.docker.stack.namespace": "shop"}}}
    ]);
    let networks = json!([
        {"Id": "net1xxxxxxxxxxxxxxxxxxxxx", "Name": "shop_default", "Driver": "overlay", "Scope": "swarm",
         "Labels": {"com.docker.stack.namespace": "shop"}},
        {"Id": "ingressxxxxxxxxxxxxxxxxxx", "Name": "ingress", "Driver": "overlay", "Scope": "swarm", "Ingress": true}
    ]);
    Cluster::new(
        None,
        serde_json::from_value(nodes).expect("fixture nodes"),
        serde_json::from_value(services).expect("fixture services"),
        serde_json::from_value::<Vec<bollard_stubs::models::Task>>(tasks)
            .expect("fixture tasks")
            .into_iter()
            .map(super::Task::from)
            .collect(),
        serde_json::from_value(secrets).expect("fixture secrets"),
        serde_json::from_value(configs).expect("fixture configs"),
        serde_json::from_value(networks).expect("fixture networks"),
    )
}

/// The sample cluster with its secret db_password in use: `web` mounts it with its own target,
/// uid, gid and mode, `shop_api` with the docker CLI's defaults, `monitor` not at all (the
/// rotation's preview and report).
pub fn sample_secret_in_use() -> Cluster {
    let mut c = sample();
    let secret = "sec1xxxxxxxxxxxxxxxxxxxxx";
    let refs = [
        json!({"File": {"Name": "/etc/app/pw", "UID": "1000", "GID": "1001", "Mode": 256},
               "SecretID": secret, "SecretName": "db_password"}),
        json!({"File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 292},
               "SecretID": secret, "SecretName": "db_password"}),
    ];
    for (svc, r) in c.services.iter_mut().zip(refs) {
        if let Some(cs) = svc
            .spec
            .as_mut()
            .and_then(|s| s.task_template.as_mut())
            .and_then(|t| t.container_spec.as_mut())
        {
            cs.secrets = Some(vec![serde_json::from_value(r).expect("fixture secret")]);
        }
    }
    c
}

/// `docker service inspect` of a service after `docker service create` and one `docker service
/// update`, captured on the lab (`testdata/README.md` has the commands): `web-20` and `web-26`
/// (image, replicas, env, a port; dockerd 20.10 and 26), `rich-20` and `rich-26` (nearly every
/// option changed).
pub fn inspected_service(name: &str) -> serde_json::Value {
    let text = match name {
        "web-20" => include_str!("testdata/service-web-20.json"),
        "web-26" => include_str!("testdata/service-web-26.json"),
        "rich-20" => include_str!("testdata/service-rich-20.json"),
        "rich-26" => include_str!("testdata/service-rich-26.json"),
        other => panic!("no inspected service {other}"),
    };
    let list: serde_json::Value = serde_json::from_str(text).expect("fixture service");
    list[0].clone()
}
