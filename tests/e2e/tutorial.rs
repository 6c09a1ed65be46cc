//! Issue 10: what the Swarm tutorials do, from swarmtop's keyboard, judged by the docker CLI:
//! node labels with a constrained service, joining a fresh machine with the command `:join`
//! shows, removing a crashed node, creating a service from the form, `:info` against
//! `docker info`.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

struct Undo<'a>(&'a Lab, Vec<Vec<String>>);
impl Drop for Undo<'_> {
    fn drop(&mut self) {
        for a in &self.1 {
            let args: Vec<&str> = a.iter().map(String::as_str).collect();
            let _ = self.0.docker(&args);
        }
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_label_set_from_the_keyboard_places_a_constrained_service() {
    let lab = Lab::get();
    let svc = unique("zoned");
    let _undo = Undo(
        &lab,
        vec![
            vec!["service".into(), "rm".into(), svc.clone()],
            vec![
                "node".into(),
                "update".into(),
                "--label-rm".into(),
                "zone".into(),
                "node2".into(),
            ],
        ],
    );
    let t = start_on(&lab, 120, 30);
    t.send(&["1"]);
    select_row(&t, "node2");
    t.send(&["L"]);
    t.wait_text(Duration::from_secs(5), "labels of node2");
    t.send(&["C-u"]);
    t.type_text("zone=blue");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "label zone: (none) -> blue");
    t.send(&["y"]);
    eventually(
        Duration::from_secs(20),
        "label in docker node inspect",
        || {
            let l = lab.docker_ok(&[
                "node",
                "inspect",
                "node2",
                "--format",
                "{{index .Spec.Labels \"zone\"}}",
            ]);
            (l.trim() == "blue").then_some(())
        },
    );
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "2",
        "--stop-grace-period",
        "1s",
        "--constraint",
        "node.labels.zone==blue",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    eventually(Duration::from_secs(60), "both tasks on node2", || {
        let ps = lab.docker_ok(&[
            "service",
            "ps",
            &svc,
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}} {{.CurrentState}}",
        ]);
        let rows: Vec<&str> = ps.lines().collect();
        (rows.len() == 2 && rows.iter().all(|r| r.starts_with("node2 Running"))).then_some(())
    });
    // the drain preview knows the label: draining node2 would leave them pending
    t.send(&["D"]);
    let screen = t.wait_text(Duration::from_secs(10), "WOULD STAY PENDING");
    assert!(
        screen.contains("constraint node.labels.zone==blue"),
        "{screen}"
    );
    t.send(&["n", "q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn join_a_fresh_machine_with_the_shown_command_then_remove_it_when_it_crashes() {
    let lab = Lab::get();
    assert!(lab.sh(&["addnode", "4"]), "lab.sh addnode 4");
    struct RmNode<'a>(&'a Lab);
    impl Drop for RmNode<'_> {
        fn drop(&mut self) {
            let _ = self.0.docker(&["node", "rm", "--force", "node4"]);
            let _ = self.0.sh(&["rmnode", "4"]);
        }
    }
    let _rm = RmNode(&lab);
    let node4 = format!("unix://{}/n4/docker.sock", lab.var("LAB_DIR"));

    let t = start_on(&lab, 160, 30);
    t.send(&[":"]);
    t.type_text("join worker");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(15), "docker swarm join --token");
    // the command wraps in the dialog: its words are the token and the address after it
    let words_on_screen: Vec<&str> = screen
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    let token = words_on_screen
        .iter()
        .find(|w| w.starts_with("SWMTKN-"))
        .expect("a token on screen");
    let addr = words_on_screen
        .iter()
        .find(|w| w.ends_with(":2377"))
        .expect("the manager address on screen");
    let cmd = format!("docker swarm join --token {token} {addr}");
    let words: Vec<&str> = cmd.split_whitespace().collect();
    assert_eq!(&words[..4], ["docker", "swarm", "join", "--token"], "{cmd}");
    assert!(words[4].starts_with("SWMTKN-"), "{cmd}");
    // run exactly that on the new machine
    let out = Command::new(docker_cli())
        .arg("-H")
        .arg(&node4)
        .args(&words[1..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.send(&["Escape"]);
    eventually(Duration::from_secs(30), "node4 ready", || {
        lab.docker_ok(&["node", "ls", "--format", "{{.Hostname}} {{.Status}}"])
            .lines()
            .any(|l| l == "node4 Ready")
            .then_some(())
    });
    t.send(&["1"]);
    t.wait_for(Duration::from_secs(15), "node4 in the nodes pane", |s| {
        line_with(s, "node4").is_some()
    });

    // it crashes; once down, ctrl-d removes it without force
    assert!(lab.sh(&["crash", "4"]));
    t.wait_for(Duration::from_secs(60), "node4 down", |s| {
        line_with(s, "node4").is_some_and(|l| l.contains("Down"))
    });
    // someone promoted it while it was down (an incident's attempt to get a manager back):
    // a manager in its spec only, which the engine removes as a worker
    lab.docker_ok(&["node", "promote", "node4"]);
    select_row(&t, "node4");
    t.send(&["C-d"]);
    t.wait_text(Duration::from_secs(5), "Remove node node4 from the swarm?");
    t.wait_text(Duration::from_secs(5), "promoted while down");
    t.send(&["y"]);
    eventually(
        Duration::from_secs(30),
        "node4 gone from docker node ls",
        || {
            (!lab
                .docker_ok(&["node", "ls", "--format", "{{.Hostname}}"])
                .lines()
                .any(|l| l == "node4"))
            .then_some(())
        },
    );
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_service_created_from_the_form_equals_docker_service_create() {
    let lab = Lab::get();
    let ours = unique("form");
    let theirs = unique("cli");
    let sec = unique("fsec");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s");
    std::fs::write(&f, "x").unwrap();
    lab.docker_ok(&["secret", "create", &sec, f.to_str().unwrap()]);
    let _undo = Undo(
        &lab,
        vec![
            vec!["service".into(), "rm".into(), ours.clone()],
            vec!["service".into(), "rm".into(), theirs.clone()],
            vec!["secret".into(), "rm".into(), sec.clone()],
        ],
    );
    let t = start_on(&lab, 120, 40);
    t.send(&["2", "n"]);
    t.wait_text(Duration::from_secs(5), "new service");
    let fields: [&str; 13] = [
        &ours,
        &lab.image(1),
        "", // mode: replicated (a choice)
        "2",
        "sleep 3600",
        "A=1 B=two",
        "18090:80 host:18091:81/udp",
        "node.role==worker",
        "2",
        "3s",
        &sec,
        "",
        "", // restart: set below
    ];
    for (i, v) in fields.iter().enumerate() {
        if !v.is_empty() {
            t.send(&["C-u"]);
            t.type_text(v);
        }
        if i == 12 {
            t.send(&["Right"]); // any -> on-failure
        }
        if i < 12 {
            t.send(&["Tab"]);
        }
    }
    t.send(&["C-s"]);
    // the spec is shown before it is sent
    let screen = t.wait_text(
        Duration::from_secs(5),
        &format!("Create service {ours} with this spec?"),
    );
    assert!(screen.contains("TaskTemplate"), "{screen}");
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "created", || {
        lab.docker(&["service", "inspect", &ours])
            .status
            .success()
            .then_some(())
    });
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &theirs,
        "--replicas",
        "2",
        "--env",
        "A=1",
        "--env",
        "B=two",
        "--publish",
        "18092:80",
        "--publish",
        "mode=host,published=18093,target=81,protocol=udp",
        "--constraint",
        "node.role==worker",
        "--update-parallelism",
        "2",
        "--update-delay",
        "3s",
        "--secret",
        &sec,
        "--restart-condition",
        "on-failure",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let spec = |name: &str| -> Value {
        let out = lab.docker_ok(&["service", "inspect", name, "--format", "{{json .Spec}}"]);
        let mut v: Value = serde_json::from_str(&out).unwrap();
        v["Name"] = Value::Null;
        // the two services publish different ports (they share the ingress)
        for p in v["EndpointSpec"]["Ports"].as_array_mut().unwrap() {
            p["PublishedPort"] = Value::Null;
        }
        v
    };
    assert_eq!(
        spec(&ours),
        spec(&theirs),
        "swarmtop's form vs docker service create"
    );
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn info_matches_docker_info() {
    let lab = Lab::get();
    let out = lab.docker_ok(&["info", "--format", "{{json .Swarm}}"]);
    let sw: Value = serde_json::from_str(&out).unwrap();
    let t = start_on(&lab, 140, 40);
    t.send(&[":"]);
    t.type_text("info");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(10), "swarm info");
    let c = &sw["Cluster"];
    let spec = &c["Spec"];
    for want in [
        format!("cluster ID: {}", c["ID"].as_str().unwrap()),
        format!("managers: {}", sw["Managers"]),
        format!("nodes: {}", sw["Nodes"]),
        format!("snapshot interval: {}", spec["Raft"]["SnapshotInterval"]),
        format!("heartbeat tick: {}", spec["Raft"]["HeartbeatTick"]),
        format!("election tick: {}", spec["Raft"]["ElectionTick"]),
        format!(
            "Task history retention limit: {}",
            spec["Orchestration"]["TaskHistoryRetentionLimit"]
        ),
        format!("Data path port: {}", c["DataPathPort"]),
    ] {
        assert!(screen.contains(&want), "{want:?} not on screen:\n{screen}");
    }
    assert!(
        screen.contains("root CA certificate expires: 20"),
        "{screen}"
    );
    t.send(&["q"]);
}
