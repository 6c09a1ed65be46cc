//! Foundation: every transport, docker contexts, the snapshot against the docker CLI, the TUI
//! in tmux, and the clear one-line errors.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

fn snapshot_json(lab: &Lab, args: &[&str]) -> Value {
    let mut c = lab.swarmtop();
    c.args(args).args(["snapshot", "--format", "json"]);
    let (ok, out, err) = run(&mut c);
    assert!(ok, "swarmtop {args:?} snapshot failed: {err}");
    serde_json::from_str(&out).expect("snapshot json")
}

fn node_ids(v: &Value) -> BTreeSet<String> {
    v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn cli_node_ids(lab: &Lab) -> BTreeSet<String> {
    lab.docker_ok(&["node", "ls", "-q"])
        .lines()
        .map(str::to_string)
        .collect()
}

fn create_service(lab: &Lab, name: &str, extra: &[&str]) {
    let mut args = vec![
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        name,
        "--stop-grace-period",
        "1s",
    ];
    args.extend_from_slice(extra);
    let img = lab.image(1);
    args.push(&img);
    args.extend_from_slice(&["sleep", "3600"]);
    lab.docker_ok(&args);
}

fn running_tasks(lab: &Lab, svc: &str) -> usize {
    lab.docker_ok(&[
        "service",
        "ps",
        svc,
        "--filter",
        "desired-state=running",
        "--format",
        "{{.CurrentState}}",
    ])
    .lines()
    .filter(|l| l.starts_with("Running"))
    .count()
}

struct RemoveServices<'a>(&'a Lab, Vec<String>);
impl Drop for RemoveServices<'_> {
    fn drop(&mut self) {
        for s in &self.1 {
            let _ = self.0.docker(&["service", "rm", s]);
        }
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn snapshot_matches_the_docker_cli() {
    let lab = Lab::get();
    let web = unique("web");
    let stuck = unique("stuck");
    let _cleanup = RemoveServices(&lab, vec![web.clone(), stuck.clone()]);
    create_service(&lab, &web, &["--replicas", "3"]);
    create_service(&lab, &stuck, &["--constraint", "node.labels.nowhere==true"]);
    eventually(Duration::from_secs(60), "3 running tasks", || {
        (running_tasks(&lab, &web) == 3).then_some(())
    });

    let snap = snapshot_json(&lab, &["--host", &lab.manager()]);

    // nodes: ids, hostnames, roles, availability, status, manager status
    let cli_nodes = lab.docker_json_lines(&["node", "ls", "--format", "{{json .}}"]);
    assert_eq!(snap["nodes"].as_array().unwrap().len(), cli_nodes.len());
    for cn in &cli_nodes {
        let id = cn["ID"].as_str().unwrap();
        let sn = snap["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap_or_else(|| panic!("node {id} missing from the snapshot"));
        assert_eq!(sn["hostname"], cn["Hostname"]);
        let eq = |a: &Value, b: &Value| {
            a.as_str()
                .unwrap_or("")
                .eq_ignore_ascii_case(b.as_str().unwrap_or(""))
        };
        assert!(eq(&sn["status"], &cn["Status"]), "{sn} vs {cn}");
        assert!(eq(&sn["availability"], &cn["Availability"]), "{sn} vs {cn}");
        assert!(
            eq(&sn["manager_status"], &cn["ManagerStatus"]),
            "{sn} vs {cn}"
        );
        let role = lab.docker_ok(&["node", "inspect", id, "--format", "{{.Spec.Role}}"]);
        assert_eq!(sn["role"].as_str().unwrap(), role.trim());
    }

    // services: ids, names, mode, replicas, image
    let cli_svcs = lab.docker_json_lines(&["service", "ls", "--format", "{{json .}}"]);
    for name in [&web, &stuck] {
        let cs = cli_svcs
            .iter()
            .find(|s| s["Name"] == name.as_str())
            .expect("service in docker service ls");
        let ss = snap["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name.as_str())
            .expect("service in snapshot");
        assert!(
            ss["id"]
                .as_str()
                .unwrap()
                .starts_with(cs["ID"].as_str().unwrap())
        );
        assert_eq!(ss["mode"], cs["Mode"]);
        assert_eq!(ss["image"], cs["Image"]);
        let replicas = format!("{}/{}", ss["replicas_running"], ss["replicas_desired"]);
        assert_eq!(replicas, cs["Replicas"].as_str().unwrap());
    }

    // tasks: ids, names, nodes, desired and current state, error
    for name in [&web, &stuck] {
        let cli_tasks = lab.docker_json_lines(&[
            "service",
            "ps",
            "--no-trunc",
            name,
            "--format",
            "{{json .}}",
        ]);
        assert!(!cli_tasks.is_empty());
        for ct in cli_tasks {
            let id = ct["ID"].as_str().unwrap();
            let st = snap["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == id)
                .unwrap_or_else(|| panic!("task {id} missing from the snapshot"));
            let cli_name = ct["Name"]
                .as_str()
                .unwrap()
                .trim_start_matches("\\_ ")
                .trim();
            assert_eq!(st["name"].as_str().unwrap(), cli_name);
            assert_eq!(st["node"], ct["Node"]);
            assert!(
                st["desired_state"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case(ct["DesiredState"].as_str().unwrap())
            );
            let cur = ct["CurrentState"].as_str().unwrap().to_lowercase();
            assert!(
                cur.starts_with(st["state"].as_str().unwrap()),
                "{cur} vs {}",
                st["state"]
            );
            let cli_err = ct["Error"].as_str().unwrap().trim_matches('"');
            assert_eq!(st["error"].as_str().unwrap(), cli_err);
        }
    }
    // the unschedulable task says why
    let stuck_task = snap["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{stuck}."))
        })
        .expect("stuck task");
    assert_eq!(stuck_task["state"], "pending");
    assert!(
        stuck_task["error"]
            .as_str()
            .unwrap()
            .contains("no suitable node"),
        "{stuck_task}"
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn every_transport_reaches_the_manager() {
    let lab = Lab::get();
    let want = cli_node_ids(&lab);
    let certs = lab.var("LAB_TLS_CERTS");
    let tls = lab.var("LAB_TLS");
    let ca = format!("{certs}/ca.pem");
    let cert = format!("{certs}/cert.pem");
    let key = format!("{certs}/key.pem");
    let (unix, tcp, ssh) = (lab.var("LAB_N1"), lab.var("LAB_TCP"), lab.ssh_url());
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("unix", vec!["-H", &unix]),
        ("tcp", vec!["-H", &tcp]),
        (
            "tls",
            vec![
                "-H",
                &tls,
                "--tlsverify",
                "--tlscacert",
                &ca,
                "--tlscert",
                &cert,
                "--tlskey",
                &key,
            ],
        ),
        ("ssh", vec!["-H", &ssh]),
    ];
    for (what, args) in cases {
        let v = snapshot_json(&lab, &args);
        assert_eq!(node_ids(&v), want, "{what}");
        assert_eq!(
            v["engine"]["version"],
            lab.var("LAB_ENGINE_VERSION").as_str(),
            "{what}"
        );
    }
    // DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, as the docker CLI reads them
    let mut c = lab.swarmtop();
    c.env("DOCKER_HOST", &tls)
        .env("DOCKER_TLS_VERIFY", "1")
        .env("DOCKER_CERT_PATH", &certs)
        .args(["snapshot", "--format", "json"]);
    let (ok, out, err) = run(&mut c);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(node_ids(&v), want);
    assert!(v["endpoint"].as_str().unwrap().starts_with("tcp://"));
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn docker_contexts_written_by_the_docker_cli() {
    let lab = Lab::get();
    let want = cli_node_ids(&lab);
    let cfg = tempfile::tempdir().unwrap();
    let certs = lab.var("LAB_TLS_CERTS");
    let ctx_cli = |args: &[&str]| {
        let out = Command::new(docker_cli())
            .env("DOCKER_CONFIG", cfg.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ctx_cli(&[
        "context",
        "create",
        "lab-tls",
        "--docker",
        &format!(
            "host={},ca={certs}/ca.pem,cert={certs}/cert.pem,key={certs}/key.pem",
            lab.var("LAB_TLS")
        ),
    ]);
    ctx_cli(&[
        "context",
        "create",
        "lab-ssh",
        "--docker",
        &format!("host={}", lab.ssh_url()),
    ]);

    let snap = |env: &[(&str, &str)], args: &[&str]| -> Value {
        let mut c = lab.swarmtop();
        c.env("DOCKER_CONFIG", cfg.path());
        for (k, v) in env {
            c.env(k, v);
        }
        c.args(args).args(["snapshot", "--format", "json"]);
        let (ok, out, err) = run(&mut c);
        assert!(ok, "{env:?} {args:?}: {err}");
        serde_json::from_str(&out).unwrap()
    };
    let v = snap(&[], &["--context", "lab-tls"]);
    assert_eq!(v["context"], "lab-tls");
    assert_eq!(node_ids(&v), want);
    let v = snap(&[("DOCKER_CONTEXT", "lab-ssh")], &[]);
    assert_eq!(v["context"], "lab-ssh");
    assert!(v["endpoint"].as_str().unwrap().starts_with("ssh://"));
    assert_eq!(node_ids(&v), want);
    // currentContext, set by `docker context use`
    ctx_cli(&["context", "use", "lab-tls"]);
    let v = snap(&[], &[]);
    assert_eq!(v["context"], "lab-tls");
    // --context beats DOCKER_HOST, as in the CLI
    let v = snap(
        &[("DOCKER_HOST", "unix:///nonexistent.sock")],
        &["--context", "lab-ssh"],
    );
    assert_eq!(v["context"], "lab-ssh");
}

fn one_line_error(lab: &Lab, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut c = lab.swarmtop();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).arg("snapshot");
    let (ok, out, err) = run(&mut c);
    assert!(!ok, "{args:?} should fail");
    assert!(out.is_empty(), "nothing on stdout: {out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].starts_with("swarmtop: "), "{err}");
    lines[0].to_string()
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_worker_is_refused_with_the_way_to_a_manager() {
    let lab = Lab::get();
    let worker = lab.var("LAB_N2");
    let e = one_line_error(&lab, &[], &["-H", &worker]);
    assert!(
        e.contains(&format!("{worker} is not a swarm manager")),
        "{e}"
    );
    assert!(
        e.contains(&format!("{}.11", lab.var("LAB_SUBNET"))),
        "names the manager: {e}"
    );
    assert!(e.contains("--host or --context"), "{e}");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn bad_endpoints_give_one_clear_line() {
    let lab = Lab::get();
    let e = one_line_error(&lab, &[], &["-H", "unix:///nonexistent/docker.sock"]);
    assert!(e.contains("no socket at /nonexistent/docker.sock"), "{e}");
    let e = one_line_error(&lab, &[], &["-H", "tcp://127.0.0.1:1"]);
    assert!(
        e.contains("tcp://127.0.0.1:1") && e.contains("connection refused"),
        "{e}"
    );
    let port = lab.var("LAB_SSH_PORT");
    let e = one_line_error(
        &lab,
        &[],
        &["-H", &format!("ssh://nobody@127.0.0.1:{port}")],
    );
    assert!(
        e.contains("exit status 255") && e.contains("Permission denied"),
        "{e}"
    );
    let e = one_line_error(&lab, &[], &["-H", "ssh://-oProxyCommand=id"]);
    assert!(e.contains("begins with '-'"), "{e}");
    let e = one_line_error(&lab, &[], &["--context", "no-such-context"]);
    assert!(e.contains("context \"no-such-context\" not found"), "{e}");
    let e = one_line_error(&lab, &[], &["--context", "x", "-H", "tcp://h"]);
    assert!(e.contains("either specify --host or --context"), "{e}");
    let certs = lab.var("LAB_TLS_CERTS");
    let e = one_line_error(
        &lab,
        &[],
        &[
            "-H",
            &lab.var("LAB_TLS"),
            "--tlsverify",
            "--tlscacert",
            &format!("{certs}/cert.pem"),
        ],
    );
    assert!(e.contains("TLS handshake failed"), "{e}");
    let e = one_line_error(&lab, &[], &["-H", &lab.var("LAB_TLS")]);
    assert!(e.contains("expects TLS"), "{e}");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn tui_over_ssh_shows_the_nodes_live() {
    let lab = Lab::get();
    let bin = swarmtop_bin();
    let t = Tmux::start(
        &format!("{} --host {}", bin.display(), lab.ssh_url()),
        80,
        24,
        &[("PATH", lab.ssh_path())],
    );
    let screen = t.wait_for(Duration::from_secs(30), "the nodes, live", |s| {
        s.contains("● live") && s.contains("node1") && s.contains("node2") && s.contains("node3")
    });
    // the header names the endpoint and the engine, and counts nodes and managers
    assert!(screen.contains(&lab.ssh_url()), "{screen}");
    assert!(screen.contains("nodes 3"), "{screen}");
    assert!(screen.contains("managers 1/1"), "{screen}");
    let leader = line_with(&screen, "node1").unwrap();
    assert!(
        leader.contains("Leader") && leader.contains("Ready"),
        "{leader}"
    );

    // a change made with the docker CLI shows up
    lab.docker_ok(&["node", "update", "--availability", "drain", "node3"]);
    let started = Instant::now();
    let screen = t.wait_for(Duration::from_secs(15), "node3 drained", |s| {
        line_with(s, "node3").is_some_and(|l| l.contains("Drain"))
    });
    eprintln!("drain visible after {:?}", started.elapsed());
    assert!(screen.contains("1 drained"), "{screen}");
    lab.docker_ok(&["node", "update", "--availability", "active", "node3"]);
    t.wait_for(Duration::from_secs(15), "node3 active again", |s| {
        line_with(s, "node3").is_some_and(|l| l.contains("Active"))
    });

    t.send(&["q"]);
    let screen = t.wait_text(Duration::from_secs(10), "[exit 0]");
    assert!(
        !screen.contains("node1"),
        "the alternate screen is gone: {screen}"
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn tui_startup_error_leaves_the_terminal_clean() {
    let bin = swarmtop_bin();
    let t = Tmux::start(
        &format!("{} --host unix:///nonexistent.sock", bin.display()),
        200,
        24,
        &[],
    );
    let screen = t.wait_text(Duration::from_secs(20), "[exit 1]");
    assert!(
        screen.contains("swarmtop: cannot reach the engine at unix:///nonexistent.sock"),
        "{screen}"
    );
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        2,
        "only the error and the exit status: {screen}"
    );
}

/// A plain-TCP relay to the manager's socket that the test can cut.
fn relay(lab: &Lab, port: u16) -> Child {
    let sock = lab.var("LAB_N1").trim_start_matches("unix://").to_string();
    let child = Command::new("socat")
        .arg(format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"))
        .arg(format!("UNIX-CONNECT:{sock}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("socat");
    eventually(Duration::from_secs(5), "relay listening", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    child
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn tui_marks_data_stale_when_the_connection_drops_and_recovers() {
    let lab = Lab::get();
    let port = 23750 + (std::process::id() % 200) as u16;
    let mut r = relay(&lab, port);
    let bin = swarmtop_bin();
    let t = Tmux::start(
        &format!("{} --host tcp://127.0.0.1:{port}", bin.display()),
        100,
        24,
        &[],
    );
    t.wait_for(Duration::from_secs(30), "live nodes", |s| {
        s.contains("● live") && s.contains("node3")
    });
    // cut the connection: kill the relay and every connection it forked
    let _ = Command::new("pkill")
        .args(["-f", &format!("TCP-LISTEN:{port},")])
        .status();
    let _ = r.wait();
    let screen = t.wait_for(Duration::from_secs(30), "stale marker", |s| {
        s.contains("STALE") && s.contains("connection lost")
    });
    assert!(
        screen.contains("node3"),
        "the last data stays on screen: {screen}"
    );
    assert!(screen.contains("[stale]"), "{screen}");
    let mut r = relay(&lab, port);
    t.wait_for(Duration::from_secs(40), "live again", |s| {
        s.contains("● live") && !s.contains("STALE")
    });
    t.send(&["q"]);
    t.wait_text(Duration::from_secs(10), "[exit 0]");
    let _ = r.kill();
    let _ = r.wait();
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn snapshot_table_lists_what_docker_lists() {
    let lab = Lab::get();
    let mut c = lab.swarmtop();
    c.args(["-H", &lab.manager(), "snapshot"]);
    let (ok, out, err) = run(&mut c);
    assert!(ok, "{err}");
    let mut sections = BTreeMap::new();
    let mut cur = String::new();
    for l in out.lines() {
        if [
            "NODES", "SERVICES", "TASKS", "STACKS", "SECRETS", "CONFIGS", "NETWORKS",
        ]
        .contains(&l)
        {
            cur = l.to_string();
        } else if !cur.is_empty() && !l.is_empty() {
            sections
                .entry(cur.clone())
                .or_insert_with(Vec::new)
                .push(l.to_string());
        }
    }
    for id in cli_node_ids(&lab) {
        assert!(
            sections["NODES"].iter().any(|l| l.starts_with(&id)),
            "{id} in {out}"
        );
    }
}

/// The snapshot carries the problems view's words, in both formats: a service that cannot be
/// placed says why (its constraint), worst first.
#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn snapshot_says_the_problems_in_words() {
    let lab = Lab::get();
    let name = unique("nowhere");
    create_service(&lab, &name, &["--constraint", "node.labels.zone==mars"]);
    let v = eventually(Duration::from_secs(30), "the pending task seen", || {
        let v = snapshot_json(&lab, &["-H", &lab.manager()]);
        let found = v["problems"].as_array()?.iter().any(|p| {
            p["object"] == format!("service {name}")
                && p["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("node.labels.zone==mars"))
        });
        found.then_some(v)
    });
    let p = v["problems"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["object"] == format!("service {name}")))
        .cloned()
        .unwrap_or_default();
    assert_eq!(p["severity"], "critical", "none of its replicas runs: {p}");
    assert!(
        p["text"].as_str().unwrap_or("").contains("0/1 running"),
        "{p}"
    );
    let mut c = lab.swarmtop();
    c.args(["-H", &lab.manager(), "snapshot"]);
    let (ok, out, err) = run(&mut c);
    assert!(ok, "{err}");
    let problems: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "PROBLEMS")
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        problems
            .iter()
            .any(|l| l.contains(&format!("service {name}")) && l.contains("node.labels.zone==mars")),
        "{out}"
    );
    lab.docker_ok(&["service", "rm", &name]);
}
