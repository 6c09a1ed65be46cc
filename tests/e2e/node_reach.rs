//! Node reach as an operator meets it (issue "Node reach"): connected with `ssh://root@manager`
//! and no settings, every node's engine is reached over ssh through the manager (`ssh -J`);
//! the tasks pane shows each task's CPU, memory and health as `docker stats` on that node says;
//! describe says why a task is unhealthy; a task's own container logs come from its node; the
//! lab's node3 refuses the key and says so, in `:reach` and nowhere else.

use std::time::Duration;

use crate::common::*;

struct Remove<'a>(&'a Lab, Vec<String>);

impl Drop for Remove<'_> {
    fn drop(&mut self) {
        for s in &self.1 {
            let _ = self.0.docker(&["service", "rm", s]);
        }
    }
}

/// The container of the running task of `svc`, and its node's number (1-based).
fn container_of(lab: &Lab, svc: &str) -> (String, u8) {
    eventually(
        Duration::from_secs(90),
        &format!("a running task of {svc}"),
        || {
            let ids = lab.docker_ok(&["service", "ps", "-q", "-f", "desired-state=running", svc]);
            let t = ids.split_whitespace().next()?.to_string();
            let out = lab.docker(&[
                "inspect",
                "--format",
                "{{.Status.State}} {{.Status.ContainerStatus.ContainerID}} {{.NodeID}}",
                &t,
            ]);
            let f = String::from_utf8_lossy(&out.stdout).to_string();
            let f: Vec<&str> = f.split_whitespace().collect();
            // a task with a healthcheck is `starting` until its check first passes
            if f.len() != 3 || !["running", "starting"].contains(&f[0]) {
                return None;
            }
            let host = lab.docker_ok(&[
                "node",
                "inspect",
                "--format",
                "{{.Description.Hostname}}",
                f[2],
            ]);
            let n = host.trim().trim_start_matches("node").parse().ok()?;
            Some((f[1].to_string(), n))
        },
    )
}

/// The figure cells of the row of `name` (`12.3%`, `1.2MiB`, ...).
fn row_of<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(name))
}

fn cpu_cell(row: &str) -> Option<f64> {
    row.split_whitespace()
        .find_map(|w| w.trim_end_matches('│').strip_suffix('%')?.parse().ok())
}

/// The nodes pane's CPU cell, `12%/2`: the share of the node's CPUs its tasks use.
fn node_cpu_share(row: &str) -> Option<f64> {
    row.split_whitespace()
        .find_map(|w| w.split_once("%/")?.0.parse().ok())
}

fn docker_cpu(lab: &Lab, node: u8, container: &str) -> f64 {
    let out = lab.docker_on(
        node,
        &[
            "stats",
            "--no-stream",
            "--format",
            "{{.CPUPerc}}",
            container,
        ],
    );
    out.trim().trim_end_matches('%').parse().unwrap_or(-1.0)
}

#[test]
#[ignore]
fn usage_health_and_container_logs_from_every_node_and_an_unreachable_one_says_why() {
    let lab = Lab::get();
    let denied = lab.var("LAB_SSH_DENIED_NODE");
    assert_eq!(denied, "node3", "the lab's last node refuses the key");
    let burn = unique("burn");
    let idle = unique("idle");
    let sick = unique("sick");
    let far = unique("far");
    let _cleanup = Remove(
        &lab,
        vec![burn.clone(), idle.clone(), sick.clone(), far.clone()],
    );
    let on = |n: &str| format!("node.hostname=={n}");
    let create = |name: &str, node: &str, extra: &[&str], cmd: &str| {
        let c = on(node);
        let mut args = vec![
            "service",
            "create",
            "-d",
            "--no-resolve-image",
            "--name",
            name,
            "--constraint",
            &c,
        ];
        args.extend_from_slice(extra);
        let image = lab.image(1);
        args.extend_from_slice(&[&image, "sh", "-c", cmd]);
        lab.docker_ok(&args);
    };
    // capped at half a CPU, so what it gets does not depend on how busy the machine is
    create(
        &burn,
        "node2",
        &["--limit-cpu", "0.5"],
        "while :; do :; done",
    );
    create(&idle, "node2", &[], "echo idle-says-hello; sleep 3600");
    create(
        &sick,
        "node2",
        &[
            "--health-cmd",
            "echo probe-failed-here; exit 1",
            "--health-interval",
            "1s",
            // failing, but not yet as often as it may: swarm kills an unhealthy task at once,
            // so the question an operator has is about this one, still starting
            "--health-retries",
            "10000",
        ],
        "sleep 3600",
    );
    create(&far, "node3", &[], "sleep 3600");
    let (burn_c, burn_n) = container_of(&lab, &burn);
    let (idle_c, idle_n) = container_of(&lab, &idle);
    container_of(&lab, &sick);
    container_of(&lab, &far);
    assert_eq!((burn_n, idle_n), (2, 2));

    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.ssh_url()),
        160,
        40,
        &[
            ("PATH", lab.ssh_path()),
            (
                "XDG_CONFIG_HOME",
                std::env::temp_dir()
                    .join("swarmtop-e2e-no-config")
                    .display()
                    .to_string(),
            ),
        ],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&["3"]);

    // the CPU-burning task and the idle one, as docker stats on node2 says (sampled a moment
    // apart on a shared machine: a busy loop is busy in both, by about as much; an idle one
    // near nothing)
    let screen = t.wait_for(
        Duration::from_secs(60),
        "figures for the tasks on node2",
        |s| {
            let b = row_of(s, &burn).and_then(cpu_cell);
            let i = row_of(s, &idle).and_then(cpu_cell);
            b.is_some_and(|b| b > 5.0) && i.is_some()
        },
    );
    // on a loaded machine one interval can starve the loop (a CI run read 8.9 % here while
    // docker stats read 49 % a moment later): the figures are compared again, each time
    // side by side, until they agree or 30 s have passed
    let mut screen = screen;
    let mut tries = 0;
    let (ours_burn, theirs_burn) = loop {
        let ours = row_of(&screen, &burn).and_then(cpu_cell).unwrap_or(0.0);
        let theirs = docker_cpu(&lab, 2, &burn_c);
        let agree = (5.0..=60.0).contains(&theirs)
            && (5.0..=60.0).contains(&ours)
            && (ours - theirs).abs() < 35.0;
        tries += 1;
        if agree || tries == 15 {
            break (ours, theirs);
        }
        std::thread::sleep(Duration::from_secs(2));
        screen = t.capture();
    };
    let ours_idle = row_of(&screen, &idle).and_then(cpu_cell).unwrap();
    let theirs_idle = docker_cpu(&lab, 2, &idle_c);
    assert!(
        (5.0..=60.0).contains(&theirs_burn)
            && (5.0..=60.0).contains(&ours_burn)
            && (ours_burn - theirs_burn).abs() < 35.0,
        "burn: ours {ours_burn}%, docker stats {theirs_burn}% ({tries} tries)"
    );
    assert!(
        ours_idle < 5.0 && theirs_idle < 5.0,
        "idle: ours {ours_idle}%, docker stats {theirs_idle}%"
    );
    // the idle task's memory, as docker stats writes it
    let mem = lab.docker_on(
        2,
        &["stats", "--no-stream", "--format", "{{.MemUsage}}", &idle_c],
    );
    let used = mem.split(" / ").next().unwrap().trim().to_string();
    t.wait_for(
        Duration::from_secs(20),
        "the idle task's memory as docker says",
        |s| row_of(s, &idle).is_some_and(|r| r.split_whitespace().any(|w| w == used)),
    );

    // the nodes pane: node2's sum holds the busy task (the pane names nodes; node2's worker
    // finds their containers in node2's own list), node3's figures are n/a
    t.send(&["1"]);
    t.wait_for(
        Duration::from_secs(60),
        "node2's CPU share in the nodes pane",
        |s| {
            row_of(s, "node2")
                .and_then(node_cpu_share)
                .is_some_and(|c| c >= 2.0)
                && row_of(s, "node3").is_some_and(|r| r.contains("n/a"))
        },
    );
    t.send(&["3"]);
    std::thread::sleep(Duration::from_millis(400));

    // the task whose check fails says so in its row, and describe says why in the check's
    // own words
    t.wait_for(Duration::from_secs(60), "the sick task's health", |s| {
        row_of(s, &sick).is_some_and(|r| r.contains("starting"))
    });
    select_row(&t, &sick);
    t.send(&["d"]);
    t.wait_for(
        Duration::from_secs(30),
        "the last check's output in describe",
        |s| {
            s.contains("health: starting")
                && s.contains("failing_streak: ")
                && !s.contains("failing_streak: 0")
                && s.contains("exit 1: probe-failed-here")
        },
    );
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(400));
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(400));

    // the task on node3: its figures are n/a, the rest went on (back on screen after the
    // filter, node2's tasks are read again)
    t.wait_for(
        Duration::from_secs(60),
        "node3's task marked unreachable, node2's read",
        |s| {
            row_of(s, &far).is_some_and(|r| r.contains("n/a"))
                && row_of(s, &burn).and_then(cpu_cell).is_some()
        },
    );

    // a task's own container logs, read from node2 through the manager
    select_row(&t, &idle);
    t.send(&["C"]);
    t.wait_for(
        Duration::from_secs(30),
        "the container's own log line",
        |s| s.contains("container on node2") && s.contains("idle-says-hello"),
    );
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(400));

    // a shell in the task on node3: refused in ssh's words at once, swarmtop goes on (it froze
    // once: the worker waited on the runtime, which waited on the shell, which waited on it)
    t.send(&["Escape"]); // the filter of the last selection
    std::thread::sleep(Duration::from_millis(400));
    select_row(&t, &far);
    t.send(&["s"]);
    t.wait_for(Duration::from_secs(30), "the shell's refusal", |s| {
        s.contains("node3: ssh: Permission denied (publickey)") && s.contains("shell in far")
    });
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(400));

    // :reach says how each node is reached, and node3's refusal in ssh's words
    t.send(&[":"]);
    t.type_text("reach");
    t.send(&["Enter"]);
    // node1 was not needed before (no task of the test runs there): the view asks for it
    let screen = t.wait_for(Duration::from_secs(60), "every node in :reach", |s| {
        s.contains("node3: ssh: Permission denied (publickey)")
            && line_with(s, "node1").is_some_and(|l| l.contains("reached"))
    });
    let node1 = line_with(&screen, "node1").unwrap_or_default();
    assert!(node1.contains("the session's own node"), "{screen}");
    let node2 = line_with(&screen, "node2").unwrap_or_default();
    assert!(
        node2.contains("ssh through the manager") && node2.contains("reached"),
        "{screen}"
    );
    assert!(node2.contains(" via ssh://root@127.0.0.1"), "{screen}");
}
