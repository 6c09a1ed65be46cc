//! Each node's own engine on its socket (`Sim::serve_nodes`), read over raw HTTP: the shapes
//! swarmtop's per-node worker and the docker CLI read, per endpoint.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use bollard::models::TaskState;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::demo::{DOWN_NODE, DRIFTING_SERVICE, UNHEALTHY_SERVICE, UPDATING_SERVICE};
use crate::model::node_hostname;
use crate::{NodeSockets, PrivateDir, Sim, SimServer};

struct Running {
    sim: Sim,
    _server: SimServer,
    nodes: NodeSockets,
    _dir: PrivateDir,
}

async fn start(sim: Sim) -> Running {
    let dir = PrivateDir::new("swarmtop-sim-nodes").unwrap();
    let server = sim
        .serve_unix(dir.path().join("docker.sock"))
        .await
        .unwrap();
    let nodes = sim.serve_nodes(dir.path().join("nodes")).await.unwrap();
    Running {
        sim,
        _server: server,
        nodes,
        _dir: dir,
    }
}

/// One HTTP/1.0 GET: (status, headers, body).
async fn raw(sock: &Path, path: &str) -> std::io::Result<(u16, String, Vec<u8>)> {
    // a node the scenario adds gets its socket at the next sync: a busy machine may ask first
    let mut tries = 0;
    let mut s = loop {
        match tokio::net::UnixStream::connect(sock).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 50 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other?,
        }
    };
    let req = format!("GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await?;
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Ok((status, head, out[split + 4..].to_vec()))
}

async fn get(sock: &Path, path: &str) -> (u16, Value) {
    let (status, _, body) = raw(sock, path).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Node ID -> running (task, container).
type Placed = HashMap<String, Vec<(String, String)>>;

/// Node ID -> hostname, and the running tasks' (task, container) per node ID.
fn placed(sim: &Sim) -> (HashMap<String, String>, Placed) {
    sim.with(|m| {
        let hosts = m
            .nodes()
            .map(|n| (n.id.clone().unwrap(), node_hostname(n).to_string()))
            .collect();
        let mut running: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for t in m.tasks().filter(|t| t.state() == TaskState::RUNNING) {
            let cid = t
                .task
                .status
                .as_ref()
                .unwrap()
                .container_status
                .as_ref()
                .unwrap()
                .container_id
                .clone()
                .unwrap();
            running
                .entry(t.node().unwrap().to_string())
                .or_default()
                .push((t.id().to_string(), cid));
        }
        (hosts, running)
    })
}

fn service_id(sim: &Sim, name: &str) -> String {
    sim.with(|m| m.service(name).unwrap().id().to_string())
}

const SWARM_CONTAINERS: &str =
    "/v1.45/containers/json?all=1&filters=%7B%22label%22%3A%5B%22com.docker.swarm.task.id%22%5D%7D";

#[tokio::test]
async fn each_node_answers_as_itself() {
    let r = start(Sim::demo()).await;
    let (hosts, _) = placed(&r.sim);
    let roles: HashMap<String, bool> = r.sim.with(|m| {
        m.nodes()
            .map(|n| {
                (
                    n.id.clone().unwrap(),
                    n.manager_status.is_some()
                        && n.spec.as_ref().unwrap().role
                            == Some(bollard::models::NodeSpecRoleEnum::MANAGER),
                )
            })
            .collect()
    });
    for (id, host) in &hosts {
        if host == DOWN_NODE {
            continue;
        }
        let sock = r.nodes.socket(host);
        let (status, head, body) = raw(&sock, "/_ping").await.unwrap();
        assert_eq!((status, body.as_slice()), (200, b"OK".as_slice()));
        let want = if roles[id] {
            "active/manager"
        } else {
            "active/worker"
        };
        assert!(
            head.to_ascii_lowercase()
                .contains(&format!("swarm: {want}")),
            "{head}"
        );
        let (status, info) = get(&sock, "/v1.45/info").await;
        assert_eq!(status, 200);
        assert_eq!(info["Swarm"]["NodeID"], id.as_str(), "{host}");
        assert_eq!(info["Swarm"]["LocalNodeState"], "active");
        assert_eq!(info["Swarm"]["ControlAvailable"], roles[id], "{host}");
        assert_eq!(info["Name"], host.as_str());
        let (status, v) = get(&sock, "/version").await;
        assert_eq!(status, 200);
        assert!(v["ApiVersion"].is_string());
        // the swarm API: a manager's engine serves it, a worker's refuses it as dockerd does
        let (status, v) = get(&sock, "/v1.45/services").await;
        if roles[id] {
            assert_eq!(status, 200, "{host}");
            assert!(v.as_array().is_some_and(|a| !a.is_empty()));
        } else {
            assert_eq!(status, 503, "{host}");
            assert!(
                v["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("This node is not a swarm manager."),
                "{v}"
            );
        }
    }
    assert!(
        r.nodes.template().ends_with("/nodes/{hostname}.sock")
            && r.nodes.template().starts_with("unix:///"),
        "{}",
        r.nodes.template()
    );
}

#[tokio::test]
async fn a_nodes_containers_are_the_tasks_placed_on_it() {
    let r = start(Sim::demo()).await;
    let (hosts, running) = placed(&r.sim);
    let mut seen = 0;
    for (node, host) in &hosts {
        if host == DOWN_NODE {
            continue;
        }
        let sock = r.nodes.socket(host);
        let (status, list) = get(&sock, SWARM_CONTAINERS).await;
        assert_eq!(status, 200, "{host}");
        let list = list.as_array().unwrap().clone();
        // every task that started on this node, running or not, and none of another node
        let want: BTreeSet<String> = r.sim.with(|m| {
            m.tasks_on_node(node)
                .filter(|t| t.started.is_some())
                .filter_map(|t| {
                    t.task
                        .status
                        .as_ref()?
                        .container_status
                        .as_ref()?
                        .container_id
                        .clone()
                })
                .collect()
        });
        let got: BTreeSet<String> = list
            .iter()
            .map(|c| c["Id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{host}");
        for c in &list {
            let labels = &c["Labels"];
            assert_eq!(labels["com.docker.swarm.node.id"], node.as_str());
            let task = labels["com.docker.swarm.task.id"].as_str().unwrap();
            let (svc, cid, state) = r.sim.with(|m| {
                let t = m.task(task).unwrap();
                (
                    t.service().to_string(),
                    t.task
                        .status
                        .as_ref()
                        .unwrap()
                        .container_status
                        .as_ref()
                        .unwrap()
                        .container_id
                        .clone()
                        .unwrap(),
                    t.state(),
                )
            });
            assert_eq!(labels["com.docker.swarm.service.id"], svc.as_str());
            assert_eq!(c["Id"], cid.as_str());
            assert!(c["Image"].as_str().unwrap().contains(':'), "{c}");
            let image_id = c["ImageID"].as_str().unwrap();
            assert!(
                image_id.starts_with("sha256:") && image_id.len() == 71,
                "{c}"
            );
            let status = c["Status"].as_str().unwrap();
            if state == TaskState::RUNNING {
                assert_eq!(c["State"], "running");
                assert!(status.starts_with("Up "), "{status}");
            } else {
                assert_eq!(c["State"], "exited");
                assert!(status.starts_with("Exited ("), "{status}");
            }
        }
        // without all=1, only the running ones
        let (_, only) = get(&sock, "/containers/json").await;
        let n_running = running.get(node).map_or(0, Vec::len);
        assert_eq!(only.as_array().unwrap().len(), n_running, "{host}");
        seen += list.len();
    }
    assert!(seen > 20, "{seen} containers in the demo");
    // the manager's socket is a node too: its own containers
    let mgr = r.sim.with(|m| m.local_node.clone());
    let host = &hosts[&mgr];
    let (_, via_manager) = get(&r._dir.path().join("docker.sock"), "/containers/json?all=1").await;
    let (_, via_node) = get(&r.nodes.socket(host), "/containers/json?all=1").await;
    assert_eq!(via_manager, via_node);
    // a filter the engine does not know is refused in its words
    let (status, v) = get(
        &r.nodes.socket(host),
        "/containers/json?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D",
    )
    .await;
    assert_eq!(
        (status, v["message"].as_str()),
        (400, Some("Invalid filter 'colour'"))
    );
}

#[tokio::test]
async fn health_shows_in_the_list_and_in_inspect() {
    let r = start(Sim::demo()).await;
    let (hosts, _) = placed(&r.sim);
    let api = service_id(&r.sim, UNHEALTHY_SERVICE);
    let web = service_id(&r.sim, UPDATING_SERVICE);
    let mut words: HashMap<&str, usize> = HashMap::new();
    let mut sick = Vec::new();
    for host in hosts.values().filter(|h| *h != DOWN_NODE) {
        let sock = r.nodes.socket(host);
        let (_, list) = get(&sock, "/containers/json").await;
        for c in list.as_array().unwrap() {
            let svc = c["Labels"]["com.docker.swarm.service.id"].as_str().unwrap();
            let status = c["Status"].as_str().unwrap();
            if svc == api {
                if status.ends_with("(unhealthy)") {
                    words
                        .entry("unhealthy")
                        .and_modify(|n| *n += 1)
                        .or_insert(1);
                    sick.push((sock.clone(), c["Id"].as_str().unwrap().to_string()));
                } else if status.ends_with("(healthy)") {
                    words.entry("healthy").and_modify(|n| *n += 1).or_insert(1);
                }
            }
            if svc == web && !status.contains("(") {
                panic!("shop_web has a healthcheck: {status}");
            }
        }
    }
    assert_eq!(words.get("unhealthy"), Some(&1), "{words:?}");
    assert_eq!(words.get("healthy"), Some(&3), "{words:?}");
    let (sock, id) = &sick[0];
    let (status, c) = get(sock, &format!("/v1.45/containers/{}/json", &id[..12])).await;
    assert_eq!(status, 200);
    assert_eq!(c["Id"], id.as_str());
    let h = &c["State"]["Health"];
    assert_eq!(h["Status"], "unhealthy");
    assert!(h["FailingStreak"].as_i64().unwrap() >= 3, "{h}");
    let log = h["Log"].as_array().unwrap();
    assert_eq!(log.len(), 5);
    for e in log {
        assert_eq!(e["ExitCode"], 1);
        assert!(e["Output"].as_str().unwrap().contains("Connection refused"));
        assert!(e["Start"].as_str().unwrap() < e["End"].as_str().unwrap());
    }
    assert_eq!(c["State"]["Running"], true);
    assert_eq!(c["Config"]["Healthcheck"]["Test"][0], "CMD-SHELL");
    // the fault clears: every task passes again
    r.sim.faults().set_unhealthy(UNHEALTHY_SERVICE, 0);
    let (_, c) = get(sock, &format!("/containers/{id}/json")).await;
    assert_eq!(c["State"]["Health"]["Status"], "healthy");
    assert_eq!(c["State"]["Health"]["FailingStreak"], 0);
    // an unknown container is the engine's 404
    let (status, v) = get(sock, "/containers/nope/json").await;
    assert_eq!(
        (status, v["message"].as_str()),
        (404, Some("No such container: nope"))
    );
}

#[tokio::test]
async fn a_drifting_service_runs_two_image_ids() {
    let r = start(Sim::demo()).await;
    let (hosts, _) = placed(&r.sim);
    let cart = service_id(&r.sim, DRIFTING_SERVICE);
    let mut ids = BTreeSet::new();
    let mut images = BTreeSet::new();
    for host in hosts.values().filter(|h| *h != DOWN_NODE) {
        let (_, list) = get(&r.nodes.socket(host), "/containers/json").await;
        for c in list.as_array().unwrap() {
            if c["Labels"]["com.docker.swarm.service.id"] == cart.as_str() {
                ids.insert(c["ImageID"].as_str().unwrap().to_string());
                images.insert(c["Image"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(ids.len(), 2, "{ids:?}");
}

/// CPU % as `docker stats` works it out.
fn cpu_percent(v: &Value) -> f64 {
    let d = |k: &str| {
        v["cpu_stats"][k]["total_usage"].as_f64().unwrap_or(0.0)
            - v["precpu_stats"][k]["total_usage"].as_f64().unwrap_or(0.0)
    };
    let cpu = d("cpu_usage");
    let sys = v["cpu_stats"]["system_cpu_usage"].as_f64().unwrap()
        - v["precpu_stats"]["system_cpu_usage"]
            .as_f64()
            .unwrap_or(0.0);
    cpu / sys * v["cpu_stats"]["online_cpus"].as_f64().unwrap() * 100.0
}

#[tokio::test]
async fn stats_top_and_logs_of_a_container() {
    let r = start(Sim::demo()).await;
    let (hosts, running) = placed(&r.sim);
    // a node with two running tasks of different services
    let (node, tasks) = running
        .iter()
        .find(|(n, ts)| {
            hosts[*n] != DOWN_NODE && {
                let svcs: BTreeSet<String> = r.sim.with(|m| {
                    ts.iter()
                        .map(|(t, _)| m.task(t).unwrap().service().to_string())
                        .collect()
                });
                svcs.len() >= 2
            }
        })
        .unwrap();
    let sock = r.nodes.socket(&hosts[node]);
    let ncpu = r.sim.with(|m| {
        m.node(node)
            .unwrap()
            .description
            .as_ref()
            .unwrap()
            .resources
            .as_ref()
            .unwrap()
            .nano_cpus
            .unwrap()
            / 1_000_000_000
    });
    let (_, cid) = &tasks[0];
    // one-shot: at once, no earlier sample
    let (status, v) = get(
        &sock,
        &format!("/v1.45/containers/{cid}/stats?stream=false&one-shot=true"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["id"], cid.as_str());
    assert_eq!(v["precpu_stats"]["cpu_usage"]["total_usage"], 0);
    assert!(v["precpu_stats"]["system_cpu_usage"].is_null());
    assert_eq!(v["preread"], "0001-01-01T00:00:00Z");
    assert!(v["cpu_stats"]["cpu_usage"]["total_usage"].as_u64().unwrap() > 0);
    assert_eq!(v["cpu_stats"]["online_cpus"], ncpu);
    let mem = &v["memory_stats"];
    assert!(mem["usage"].as_u64().unwrap() > 0);
    assert!(mem["usage"].as_u64().unwrap() <= mem["limit"].as_u64().unwrap());
    assert!(mem["stats"]["inactive_file"].as_u64().unwrap() < mem["usage"].as_u64().unwrap());
    assert!(v["networks"]["eth0"]["rx_bytes"].as_u64().is_some());
    assert_eq!(
        v["blkio_stats"]["io_service_bytes_recursive"][0]["op"],
        "read"
    );
    assert!(v["pids_stats"]["current"].as_u64().unwrap() >= 1);
    // stream=false: the engine's second sample, a second after the first
    let (_, a) = get(&sock, &format!("/containers/{cid}/stats?stream=false")).await;
    let pre = a["precpu_stats"]["cpu_usage"]["total_usage"]
        .as_u64()
        .unwrap();
    let now = a["cpu_stats"]["cpu_usage"]["total_usage"].as_u64().unwrap();
    assert!(pre > 0 && pre < now, "{pre} {now}");
    assert_ne!(a["preread"], "0001-01-01T00:00:00Z");
    // steady per service, different between services
    let pct = |s: &str, t: &str| crate::containers::Rates::of(s, t).cores * 100.0;
    let want: Vec<f64> = r.sim.with(|m| {
        tasks
            .iter()
            .map(|(t, _)| pct(m.task(t).unwrap().service(), t))
            .collect()
    });
    let got = cpu_percent(&a);
    assert!(
        (got - want[0]).abs() < 0.01 * want[0].max(1.0),
        "{got} vs {}",
        want[0]
    );

    let (status, top) = get(&sock, &format!("/containers/{cid}/top")).await;
    assert_eq!(status, 200);
    assert_eq!(top["Titles"][1], "PID");
    assert!(!top["Processes"].as_array().unwrap().is_empty());

    let (status, head, body) = raw(
        &sock,
        &format!("/containers/{cid}/logs?stdout=1&stderr=1&tail=3"),
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    assert!(head.contains("multiplexed-stream"), "{head}");
    let mut frames = 0;
    let mut rest = body.as_slice();
    while rest.len() >= 8 {
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        rest = &rest[8 + len..];
        frames += 1;
    }
    assert_eq!(frames, 3);

    // an exited container: zero figures, and top refuses
    let exited = r.sim.with(|m| {
        m.tasks_on_node(node)
            .find(|t| t.started.is_some() && t.state() != TaskState::RUNNING)
            .and_then(|t| {
                t.task
                    .status
                    .as_ref()?
                    .container_status
                    .as_ref()?
                    .container_id
                    .clone()
            })
    });
    let had_exited = exited.is_some();
    if let Some(x) = exited {
        let (status, _) = get(&sock, &format!("/containers/{x}/top")).await;
        assert_eq!(status, 409);
        let (_, v) = get(
            &sock,
            &format!("/containers/{x}/stats?stream=false&one-shot=1"),
        )
        .await;
        assert_eq!(v["read"], "0001-01-01T00:00:00Z");
    }
    // counted per node socket, by route
    let counts = r.sim.node_requests();
    let c = &counts[&hosts[node]];
    assert_eq!(c["GET /containers/{id}/stats"], 2 + u64::from(had_exited));
    assert!(c["GET /containers/{id}/top"] >= 1);
    assert_eq!(c["GET /containers/{id}/logs"], 1);
    assert!(r.sim.connections()[&hosts[node]].accepted >= 4);
}

#[tokio::test]
async fn a_down_node_refuses_and_comes_back() {
    let r = start(Sim::demo()).await;
    // down from the start: refused, as a dead engine
    let err = raw(&r.nodes.socket(DOWN_NODE), "/_ping").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
    // up again: it answers
    r.sim.node_up(DOWN_NODE).unwrap();
    let sock = r.nodes.socket(DOWN_NODE);
    let mut answered = false;
    for _ in 0..100 {
        if let Ok((200, _, _)) = raw(&sock, "/_ping").await {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "{DOWN_NODE} did not come back");
    // another goes down: refused from then on
    r.sim.node_down("wrk-2").unwrap();
    let sock = r.nodes.socket("wrk-2");
    let mut refused = None;
    for _ in 0..100 {
        if let Err(e) = raw(&sock, "/_ping").await {
            refused = Some(e.kind());
            // a connection made while its server was being dropped is reset, not refused
            // (seen once in CI): what comes after must be refused
            if e.kind() == std::io::ErrorKind::ConnectionRefused {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refused, Some(std::io::ErrorKind::ConnectionRefused));
}
