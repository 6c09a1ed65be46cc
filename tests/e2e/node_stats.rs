//! A task's container figures read from its node's engine, as `docker stats` gives them: the
//! docker CLI is the oracle (issue "Node reach": figures as `docker stats` computes them).

use std::time::Duration;

use crate::common::*;
use swarmtop::access::Gate;
use swarmtop::connect::Endpoint;
use swarmtop::engine::Engine;

struct Remove<'a>(&'a Lab, String);

impl Drop for Remove<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

#[test]
#[ignore]
fn a_tasks_figures_equal_docker_stats() {
    let lab = Lab::get();
    let svc = unique("stats");
    // on the manager's own node: its engine is the one the session holds
    let node = lab.docker_ok(&["info", "--format", "{{.Swarm.NodeID}}"]);
    let constraint = format!("node.id=={}", node.trim());
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--constraint",
        &constraint,
        &lab.image(1),
        "sh",
        "-c",
        // a little memory and a file written, then idle: figures that hold still
        "head -c 3000000 /dev/zero > /tmp/blob; sleep 3600",
    ]);
    let _cleanup = Remove(&lab, svc.clone());
    let label = format!("label=com.docker.swarm.service.name={svc}");
    let container = eventually(Duration::from_secs(60), "the task's container", || {
        let id = lab.docker_ok(&["ps", "-q", "--filter", &label]);
        let id = id.trim();
        (!id.is_empty()).then(|| id.to_string())
    });

    let socket = lab.manager();
    let path = socket.trim_start_matches("unix://");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = rt
        .block_on(Engine::connect(
            &Endpoint::unix_socket("lab", path),
            &Gate::open(),
        ))
        .expect("connect to the manager's engine");

    // both read it one after the other; an idle container's figures match on some round
    let mut last = None;
    for _ in 0..15 {
        let ours = rt
            .block_on(engine.container_stats(&container))
            .expect("stats from the engine");
        let theirs = lab.docker_ok(&[
            "stats",
            "--no-stream",
            "--format",
            "{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.NetIO}}|{{.BlockIO}}|{{.PIDs}}",
            &container,
        ]);
        let theirs: Vec<String> = theirs.trim().split('|').map(str::to_string).collect();
        let ours = ours.columns().to_vec();
        // CPU moves from one reading to the next: both say the container is idle
        let idle = |c: &str| {
            c.trim_end_matches('%')
                .parse::<f64>()
                .is_ok_and(|p| p < 5.0)
        };
        if ours[1..] == theirs[1..] && idle(&ours[0]) && idle(&theirs[0]) {
            assert!(ours[1].contains(" / "), "{ours:?}");
            return;
        }
        last = Some((ours, theirs));
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("swarmtop's figures never matched docker stats: (ours, docker's) = {last:?}");
}

/// The per-node worker reads each node's containers from that node's own engine: the session's
/// node through the session, node2 through its `nodes:` entry; node3's entry points nowhere,
/// and it says so, once, while the others go on.
#[test]
#[ignore]
fn each_nodes_containers_come_from_its_own_engine_and_an_unreachable_one_says_why() {
    use std::collections::{BTreeMap, HashMap};
    use swarmtop_engine::connect::node_reach::ReachSettings;
    use swarmtop_engine::nodes::{NodeRequest, NodeSetup, run};
    use swarmtop_model::nodes::{NodeFacts, NodeMsg, NodeWatch, ReachState, Watched};

    let lab = Lab::get();
    let svc = unique("everynode");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--mode",
        "global",
        "--name",
        &svc,
        &lab.image(1),
        "sh",
        "-c",
        // nothing written: the page cache would move figures between two readings
        "sleep 3600",
    ]);
    let _cleanup = Remove(&lab, svc.clone());
    let nodes: Vec<NodeFacts> = lab
        .docker_ok(&["node", "ls", "-q"])
        .split_whitespace()
        .map(|id| {
            let f = lab.docker_ok(&[
                "node",
                "inspect",
                "--format",
                "{{.Description.Hostname}} {{.Status.Addr}}",
                id,
            ]);
            let mut f = f.split_whitespace();
            NodeFacts {
                id: id.to_string(),
                hostname: f.next().unwrap().to_string(),
                addr: f.next().unwrap_or("").to_string(),
            }
        })
        .collect();
    let hostname_of: HashMap<String, String> = nodes
        .iter()
        .map(|n| (n.id.clone(), n.hostname.clone()))
        .collect();
    // every node's task running, with its container
    let watched: Vec<Watched> = eventually(
        Duration::from_secs(90),
        "a running task on every node",
        || {
            let ids = lab.docker_ok(&["service", "ps", "-q", "-f", "desired-state=running", &svc]);
            let tasks: Vec<Watched> = ids
                .split_whitespace()
                .filter_map(|t| {
                    // a task not started yet has no ContainerStatus: asked again
                    let out = lab.docker(&[
                        "inspect",
                        "--format",
                        "{{.Status.State}} {{.Status.ContainerStatus.ContainerID}} {{.NodeID}}",
                        t,
                    ]);
                    let f = String::from_utf8_lossy(&out.stdout).to_string();
                    let f: Vec<&str> = f.split_whitespace().collect();
                    (f.len() == 3 && f[0] == "running").then(|| Watched {
                        task_id: t.to_string(),
                        container_id: f[1].to_string(),
                        node_id: f[2].to_string(),
                    })
                })
                .collect();
            (tasks.len() == nodes.len()).then_some(tasks)
        },
    );

    // a new container's memory shrinks for some seconds (the page cache of its start moves to
    // inactive): wait until docker reads the same twice, so both sides read a still figure
    for w in &watched {
        let n: u8 = hostname_of[&w.node_id]
            .trim_start_matches("node")
            .parse()
            .unwrap();
        if n == 3 {
            continue;
        }
        let read = || {
            lab.docker_on(
                n,
                &[
                    "stats",
                    "--no-stream",
                    "--format",
                    "{{.MemUsage}}",
                    &w.container_id,
                ],
            )
        };
        let mut last = read();
        eventually(
            Duration::from_secs(60),
            "the container's memory to hold still",
            || {
                std::thread::sleep(Duration::from_secs(2));
                let now = read();
                let still = now == last;
                last = now;
                still.then_some(())
            },
        );
    }

    let socket = lab.manager();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let session = rt
        .block_on(Engine::connect(
            &Endpoint::unix_socket("lab", socket.trim_start_matches("unix://")),
            &Gate::open(),
        ))
        .expect("connect to the manager's engine");
    let mut settings = ReachSettings {
        nodes: BTreeMap::new(),
        template: None,
    };
    settings.nodes.insert("node2".into(), lab.var("LAB_N2"));
    settings
        .nodes
        .insert("node3".into(), "unix:///nonexistent/docker.sock".into());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (mtx, mut mrx) = tokio::sync::mpsc::unbounded_channel();
    let setup = NodeSetup {
        session,
        settings,
        contexts: Vec::new(),
        gate: Gate::open(),
    };
    let watch = NodeWatch {
        nodes: nodes.clone(),
        usage: watched.clone(),
        containers_of: nodes.iter().map(|n| n.id.clone()).collect(),
        whole_nodes: Vec::new(),
        probe_all: false,
    };
    let (reach, containers, usage) = rt.block_on(async {
        let worker = tokio::spawn(run(setup, rx, mtx));
        tx.send(NodeRequest::Watch(watch)).unwrap();
        let mut reach = Vec::new();
        let mut containers = HashMap::new();
        let mut usage: HashMap<String, Vec<swarmtop_model::stats::Sample>> = HashMap::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while tokio::time::Instant::now() < deadline {
            let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(5), mrx.recv()).await else {
                continue;
            };
            match m {
                NodeMsg::Reach(r) => reach = r,
                NodeMsg::Containers {
                    node_id,
                    containers: c,
                } => {
                    containers.insert(node_id, c);
                }
                NodeMsg::Usage(u) => {
                    for x in u {
                        usage.entry(x.task_id).or_default().push(x.sample);
                    }
                }
            }
            let two_rounds = usage.len() == 2 && usage.values().all(|v| v.len() >= 2);
            let node3_said = reach
                .iter()
                .any(|r| r.hostname == "node3" && matches!(r.state, ReachState::Failed(_)));
            if two_rounds && containers.len() == 2 && node3_said {
                break;
            }
        }
        worker.abort();
        (reach, containers, usage)
    });

    // node3 says why, in words that name it and its setting's endpoint
    let node3 = reach
        .iter()
        .find(|r| r.hostname == "node3")
        .expect("node3 in the reach table");
    match &node3.state {
        ReachState::Failed(why) => {
            assert!(why.starts_with("node3: "), "{why}");
            assert!(why.contains("/nonexistent/docker.sock"), "{why}");
        }
        other => panic!("node3 should be unreachable: {other:?}"),
    }
    assert_eq!(node3.source, "config.yaml nodes.node3");
    let node1 = reach.iter().find(|r| r.hostname == "node1").unwrap();
    assert_eq!(node1.source, "the session's own node");
    assert!(
        matches!(node1.state, ReachState::Reached { .. }),
        "{node1:?}"
    );
    let node2 = reach.iter().find(|r| r.hostname == "node2").unwrap();
    assert_eq!(node2.endpoint, lab.var("LAB_N2"));
    assert!(
        matches!(node2.state, ReachState::Reached { .. }),
        "{node2:?}"
    );

    for w in &watched {
        let host = &hostname_of[&w.node_id];
        if host == "node3" {
            assert!(!usage.contains_key(&w.task_id), "no figures from node3");
            assert!(!containers.contains_key(&w.node_id));
            continue;
        }
        let n: u8 = host.trim_start_matches("node").parse().unwrap();
        // the container list of that node has this task, with the image docker says it runs
        let listed = containers[&w.node_id]
            .iter()
            .find(|c| c.task_id == w.task_id)
            .unwrap_or_else(|| panic!("{host}'s list has task {}", w.task_id));
        assert_eq!(listed.container_id, w.container_id);
        assert_eq!(listed.state, "running");
        let image = lab.docker_on(n, &["inspect", "--format", "{{.Image}}", &w.container_id]);
        assert_eq!(listed.image_id, image.trim(), "{host}");
        // memory as docker stats on that node says it: an idle container's figure still moves
        // by a page now and then, so the latest readings agree within 2 % (the exact formula
        // and format are a_tasks_figures_equal_docker_stats's), and the PIDs exactly
        let ours = samples_last(&usage[&w.task_id]);
        let theirs = lab.docker_on(
            n,
            &[
                "stats",
                "--no-stream",
                "--format",
                "{{.MemUsage}}|{{.PIDs}}",
                &w.container_id,
            ],
        );
        let (mem, pids) = theirs.trim().split_once('|').unwrap();
        let used = bytes_of(mem.split(" / ").next().unwrap());
        let ours_used = bytes_of(ours[1].split(" / ").next().unwrap());
        assert!(
            (ours_used - used).abs() <= used * 0.02,
            "{host}: ours {}, docker's {mem}",
            ours[1]
        );
        assert_eq!(ours[5], pids, "{host}");
        let samples = &usage[&w.task_id];
        // the later readings work out CPU from swarmtop's previous one: an idle container
        let cpu = samples.last().unwrap().cpu_percent();
        assert!((0.0..5.0).contains(&cpu), "{host}: {cpu}");
    }
}

fn samples_last(s: &[swarmtop_model::stats::Sample]) -> [String; 6] {
    s.last().expect("a reading").columns()
}

/// `1.074MiB` -> bytes.
fn bytes_of(text: &str) -> f64 {
    let units = [
        ("GiB", 1024.0 * 1024.0 * 1024.0),
        ("MiB", 1024.0 * 1024.0),
        ("KiB", 1024.0),
        ("B", 1.0),
    ];
    for (u, f) in units {
        if let Some(n) = text.trim().strip_suffix(u) {
            return n.parse::<f64>().expect("a number") * f;
        }
    }
    panic!("not a size: {text}")
}
