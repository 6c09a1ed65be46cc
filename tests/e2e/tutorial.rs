//! Issue 10: what the Swarm tutorials do, from swarmtop's keyboard, judged by the docker CLI:
//! node labels with a constrained service, joining a fresh machine with the command `:join`
//! shows, removing a crashed node, creating a service from the form (networks, mounts, limits,
//! labels and a healthcheck too), `:info` against `docker info`.

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
    // as a person would, press D once swarmtop itself counts them on node2: the preview is
    // worked out from the tasks swarmtop has (a CI run pressed it a moment before they came)
    t.wait_for(
        Duration::from_secs(30),
        "the nodes pane counts 2 tasks on node2",
        |s| s.lines().any(|l| node_row_tasks(l, "node2") == Some(2)),
    );
    // the drain preview knows the label: draining node2 would leave them pending
    t.send(&["D"]);
    let screen = t.wait_text(Duration::from_secs(10), "WOULD STAY PENDING");
    assert!(
        screen.contains("constraint node.labels.zone==blue"),
        "{screen}"
    );
    t.send(&["n", "q"]);
}

/// The TASKS figure of `node`'s row in the nodes pane: the word after the engine version (a
/// worker's MANAGER column is empty).
fn node_row_tasks(line: &str, node: &str) -> Option<u32> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    if words.first() != Some(&node) {
        return None;
    }
    let engine = words
        .iter()
        .position(|w| w.starts_with(|c: char| c.is_ascii_digit()) && w.contains('.'))?;
    words.get(engine + 1)?.parse().ok()
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
    // two overlays, typed out of order: the CLI sends them sorted by ID
    let (net_a, net_b) = (unique("fneta"), unique("fnetb"));
    let vol = unique("fvol");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s");
    std::fs::write(&f, "x").unwrap();
    lab.docker_ok(&["secret", "create", &sec, f.to_str().unwrap()]);
    lab.docker_ok(&["network", "create", "-d", "overlay", &net_a]);
    lab.docker_ok(&["network", "create", "-d", "overlay", "--attachable", &net_b]);
    let _undo = Undo(
        &lab,
        vec![
            vec!["service".into(), "rm".into(), ours.clone()],
            vec!["service".into(), "rm".into(), theirs.clone()],
            vec!["secret".into(), "rm".into(), sec.clone()],
            vec!["network".into(), "rm".into(), net_a.clone()],
            vec!["network".into(), "rm".into(), net_b.clone()],
        ],
    );
    let bind = "type=bind,src=/tmp,dst=/hosttmp,ro,bind-propagation=rslave";
    let volume = format!("type=volume,src={vol},dst=/data,volume-nocopy,volume-label=tier=web");
    let tmpfs = "type=tmpfs,dst=/scratch,tmpfs-size=64m,tmpfs-mode=1770";
    let mounts = format!("{bind}; {volume}; {tmpfs}");
    let networks = format!("{net_b}, {net_a}");
    let t = start_on(&lab, 120, 40);
    t.send(&["2", "n"]);
    t.wait_text(Duration::from_secs(5), "new service");
    let fields: [&str; 25] = [
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
        &networks,
        &mounts,
        "0.5",
        "512M",
        "1/4",
        "64m",
        r#"tier=web team="on call""#,
        "true",
        "30s",
        "5s",
        "3",
        "1m",
    ];
    for (i, v) in fields.iter().enumerate() {
        if !v.is_empty() {
            t.send(&["C-u"]);
            t.type_text(v);
        }
        if i == 12 {
            t.send(&["Right"]); // any -> on-failure
        }
        if i + 1 < fields.len() {
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
        "--network",
        &net_b,
        "--network",
        &net_a,
        "--mount",
        bind,
        "--mount",
        &volume,
        "--mount",
        tmpfs,
        "--limit-cpu",
        "0.5",
        "--limit-memory",
        "512M",
        "--reserve-cpu",
        "1/4",
        "--reserve-memory",
        "64m",
        "--label",
        "tier=web",
        "--label",
        "team=on call",
        "--health-cmd",
        "true",
        "--health-interval",
        "30s",
        "--health-timeout",
        "5s",
        "--health-retries",
        "3",
        "--health-start-period",
        "1m",
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
    let (a, b) = (spec(&ours), spec(&theirs));
    // what this test is about is there at all (equal nulls would prove nothing)
    let tt = &a["TaskTemplate"];
    assert_eq!(tt["Networks"].as_array().map(Vec::len), Some(2), "{a:#}");
    assert_eq!(
        tt["ContainerSpec"]["Mounts"].as_array().map(Vec::len),
        Some(3),
        "{a:#}"
    );
    assert_eq!(tt["Resources"]["Limits"]["NanoCPUs"], 500_000_000, "{a:#}");
    assert_eq!(a["Labels"]["team"], "on call", "{a:#}");
    assert_eq!(tt["ContainerSpec"]["Healthcheck"]["Retries"], 3, "{a:#}");
    assert_eq!(a, b, "swarmtop's form vs docker service create");
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn swarmtop_service_create_with_the_same_flags_equals_docker_service_create() {
    let lab = Lab::get();
    let ours = unique("clicreate");
    let theirs = unique("dockercreate");
    let net = unique("cnet");
    lab.docker_ok(&["network", "create", "-d", "overlay", &net]);
    let _undo = Undo(
        &lab,
        vec![
            vec!["service".into(), "rm".into(), ours.clone()],
            vec!["service".into(), "rm".into(), theirs.clone()],
            vec!["network".into(), "rm".into(), net.clone()],
        ],
    );
    let flags = [
        "--network",
        &net,
        "--mount",
        "type=volume,dst=/data,volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs",
        "--mount",
        "type=tmpfs,dst=/t,tmpfs-size=1m",
        "--limit-cpu",
        "0.5",
        "--limit-memory",
        "512M",
        "--reserve-cpu",
        "0.001",
        "--reserve-memory",
        "1.5g",
        "--label",
        "tier=api",
        "--label",
        "team=on call",
        "--health-cmd",
        "true",
        "--health-timeout",
        "500ms",
        "--health-start-period",
        "1m30s",
    ];
    let out = lab
        .swarmtop()
        .args([
            "--host",
            &lab.manager(),
            "service",
            "create",
            "--name",
            &ours,
        ])
        .args(flags)
        .args([&lab.image(1), "sleep", "3600"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut args = vec![
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &theirs,
    ];
    args.extend(flags);
    let image = lab.image(1);
    args.extend([image.as_str(), "sleep", "3600"]);
    lab.docker_ok(&args);
    let spec = |name: &str| -> Value {
        let out = lab.docker_ok(&["service", "inspect", name, "--format", "{{json .Spec}}"]);
        let mut v: Value = serde_json::from_str(&out).unwrap();
        v["Name"] = Value::Null;
        v
    };
    let (a, b) = (spec(&ours), spec(&theirs));
    assert_eq!(
        a["TaskTemplate"]["ContainerSpec"]["Mounts"][0]["VolumeOptions"]["DriverConfig"]["Name"],
        "local",
        "{a:#}"
    );
    assert_eq!(a, b, "swarmtop service create vs docker service create");
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
