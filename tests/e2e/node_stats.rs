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
