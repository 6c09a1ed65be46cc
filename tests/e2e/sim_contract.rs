//! The simulator against the real engine: the same scenario runs on the lab swarm and on a
//! lab-shaped simulated swarm, and what the unmodified docker CLI shows (and the JSON keys the
//! API answers with) must agree. Tests that need the lab are ignored by a plain `cargo test`;
//! the others run the docker CLI, swarmtop and tmux against the simulator alone (no root).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use swarmtop_sim::{PrivateDir, SeedSpec, Sim, SimServer, seed, time};

use crate::common::*;

/// A simulated swarm served from this test process.
struct SimSwarm {
    server: Option<SimServer>,
    sim: Sim,
    _rt: tokio::runtime::Runtime,
    _dir: PrivateDir,
}

impl SimSwarm {
    fn serve(sim: Sim) -> SimSwarm {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = PrivateDir::new("swarmtop-e2e-sim").expect("temp dir");
        let sock = dir.path().join("docker.sock");
        let server = rt.block_on(sim.serve_unix(&sock)).expect("serve");
        SimSwarm {
            server: Some(server),
            sim,
            _rt: rt,
            _dir: dir,
        }
    }

    /// Shaped like the lab: node1 (manager), node2, node3; simulated time 10x.
    fn lab_like() -> SimSwarm {
        let sim = Sim::new(seed::lab(3, 11, time::now()));
        sim.set_speed(10.0);
        SimSwarm::serve(sim)
    }

    fn host(&self) -> String {
        self.server
            .as_ref()
            .map(|s| s.host().to_string())
            .unwrap_or_default()
    }
}

impl Drop for SimSwarm {
    fn drop(&mut self) {
        self.server.take();
    }
}

/// The docker CLIs on this machine: Debian's 20.10 and a recent one, when present.
fn docker_clis() -> Vec<String> {
    let mut v: Vec<String> = ["/usr/bin/docker", "/usr/local/bin/docker"]
        .iter()
        .filter(|p| Path::new(p).exists())
        .map(|p| p.to_string())
        .collect();
    if v.is_empty() {
        let which = Command::new("sh")
            .args(["-c", "command -v docker"])
            .output();
        if let Ok(o) = which
            && o.status.success()
        {
            v.push(String::from_utf8_lossy(&o.stdout).trim().to_string());
        }
    }
    assert!(
        !v.is_empty(),
        "no docker CLI found: these tests run the unmodified docker CLI (apt-get install docker.io)"
    );
    v
}

fn docker_with(cli: &str, host: &str, args: &[&str]) -> Output {
    Command::new(cli)
        .arg("-H")
        .arg(host)
        .args(args)
        .env(
            "DOCKER_CONFIG",
            std::env::temp_dir().join("swarmtop-e2e-empty-docker-config"),
        )
        .stdin(Stdio::null())
        .output()
        .expect("run docker")
}

fn dk(host: &str, args: &[&str]) -> String {
    let cli = docker_clis().pop().unwrap_or_else(docker_cli);
    let out = docker_with(&cli, host, args);
    assert!(
        out.status.success(),
        "docker -H {host} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dk_json(host: &str, args: &[&str]) -> Vec<Value> {
    dk(host, args)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("docker json line"))
        .collect()
}

/// One HTTP/1.0 GET on a unix socket: the raw JSON the API answers.
fn api_get(host: &str, path: &str) -> Value {
    let sock = host.trim_start_matches("unix://");
    let mut s = UnixStream::connect(sock).expect("connect");
    write!(s, "GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n").expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers");
    serde_json::from_slice(&out[split + 4..]).expect("json body")
}

/// Every key path with a non-null value; data maps (labels, options) count as leaves.
fn key_paths(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, val) in m {
                    if val.is_null() {
                        continue;
                    }
                    let p = format!("{prefix}.{k}");
                    out.insert(p.clone());
                    if !matches!(k.as_str(), "Labels" | "Options" | "DriverOpts" | "Details") {
                        walk(val, &p, out);
                    }
                }
            }
            Value::Array(a) => {
                for x in a {
                    walk(x, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(x) => x.clone(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The first word of "Running 5 seconds ago".
fn state_word(v: &Value) -> String {
    s(v, "CurrentState")
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    eventually(Duration::from_secs(120), what, || f().then_some(()));
}

/// The scenario's services, named uniquely on the lab.
struct Names {
    web: String,
    stuck: String,
    crash: String,
}

impl Names {
    fn new() -> Names {
        Names {
            web: unique("web"),
            stuck: unique("stuck"),
            crash: unique("crash"),
        }
    }

    /// The role a real name stands for, so both runs read alike.
    fn role(&self, name: &str) -> String {
        for (real, role) in [
            (&self.web, "web"),
            (&self.stuck, "stuck"),
            (&self.crash, "crash"),
        ] {
            if let Some(rest) = name.strip_prefix(real.as_str()) {
                return format!("{role}{rest}");
            }
        }
        name.to_string()
    }
}

/// `service ps` rows as (name, desired, state, error, image), sorted.
fn ps_rows(
    host: &str,
    names: &Names,
    svc: &str,
    extra: &[&str],
) -> Vec<(String, String, String, String, String)> {
    let mut args = vec!["service", "ps", svc, "--no-trunc", "--format", "{{json .}}"];
    args.extend_from_slice(extra);
    let mut rows: Vec<_> = dk_json(host, &args)
        .iter()
        .map(|r| {
            // with --no-trunc the CLI prints the error quoted
            let err = s(r, "Error");
            let err = err
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .unwrap_or(&err)
                .to_string();
            (
                names.role(&s(r, "Name")),
                s(r, "DesiredState"),
                state_word(r),
                err,
                s(r, "Image"),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn running_on(host: &str, svc: &str) -> Vec<String> {
    dk_json(
        host,
        &[
            "service",
            "ps",
            svc,
            "--filter",
            "desired-state=running",
            "--format",
            "{{json .}}",
        ],
    )
    .iter()
    .filter(|r| state_word(r) == "Running")
    .map(|r| s(r, "Node"))
    .collect()
}

fn update_state(host: &str, svc: &str) -> String {
    dk(
        host,
        &[
            "service",
            "inspect",
            svc,
            "--format",
            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
        ],
    )
    .trim()
    .to_string()
}

/// Everything the scenario observed, in forms that do not depend on IDs or timing.
#[derive(Debug, Default, PartialEq)]
struct Observed {
    node_keys: BTreeSet<String>,
    nodes: Vec<(String, String, String, String, String, String)>,
    ls_keys: BTreeSet<String>,
    ls: BTreeMap<String, (String, String, String, String)>,
    ps_keys: BTreeSet<String>,
    ps_web: Vec<(String, String, String, String, String)>,
    ps_stuck: Vec<(String, String, String, String, String)>,
    crash_failed: (String, String, String, String),
    ps_web_updated: Vec<(String, String, String, String, String)>,
    update_status: (String, String),
    ps_web_rolled_back: Vec<(String, String, String, String, String)>,
    rollback_status: (String, String),
    events: Vec<BTreeMap<String, String>>,
    node_paths_manager: BTreeSet<String>,
    node_paths_worker: BTreeSet<String>,
    service_paths: BTreeSet<String>,
    task_paths: BTreeSet<String>,
    swarm_info_paths: BTreeSet<String>,
    drained: (String, usize, bool),
    drain_event: BTreeMap<String, String>,
}

fn create(host: &str, name: &str, image: &str, extra: &[&str], cmd: &[&str]) {
    let mut args = vec![
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        name,
        "--stop-grace-period",
        "1s",
        "--update-delay",
        "1s",
        "--update-monitor",
        "1s",
    ];
    args.extend_from_slice(extra);
    args.push(image);
    args.extend_from_slice(cmd);
    dk(host, &args);
}

/// Runs the scenario on the engine at `host` (a lab-shaped 3-node swarm, node1 the manager).
fn scenario(host: &str, api: &str, image1: &str, image2: &str) -> Observed {
    let names = Names::new();
    struct Cleanup<'a>(&'a str, Vec<String>);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let mut args = vec!["service".to_string(), "rm".to_string()];
            args.extend(self.1.iter().cloned());
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = docker_with(&docker_cli_for_cleanup(), self.0, &refs);
            let _ = docker_with(
                &docker_cli_for_cleanup(),
                self.0,
                &["node", "update", "--availability", "active", "node3"],
            );
        }
    }
    let _cleanup = Cleanup(
        host,
        vec![names.web.clone(), names.stuck.clone(), names.crash.clone()],
    );
    let since = (time::now() / time::SECOND - 1).to_string();
    let mut o = Observed::default();

    create(
        host,
        &names.web,
        image1,
        &["--replicas", "2"],
        &["sleep", "3600"],
    );
    create(
        host,
        &names.stuck,
        image1,
        &["--constraint", "node.labels.nowhere==true"],
        &["sleep", "3600"],
    );
    create(host, &names.crash, image1, &[], &["sh", "-c", "exit 3"]);
    wait_until("web runs 2 tasks", || {
        running_on(host, &names.web).len() == 2
    });
    wait_until("crash has failed", || {
        ps_rows(host, &names, &names.crash, &[])
            .iter()
            .any(|r| r.2 == "Failed")
    });
    wait_until("stuck is pending", || {
        ps_rows(host, &names, &names.stuck, &[])
            .iter()
            .any(|r| r.2 == "Pending")
    });

    let nodes = dk_json(host, &["node", "ls", "--format", "{{json .}}"]);
    o.node_keys = nodes
        .iter()
        .flat_map(|n| n.as_object().unwrap().keys().cloned())
        .collect();
    o.nodes = nodes
        .iter()
        .map(|n| {
            (
                s(n, "Hostname"),
                s(n, "Status"),
                s(n, "Availability"),
                s(n, "ManagerStatus"),
                s(n, "TLSStatus"),
                s(n, "Self"),
            )
        })
        .collect();
    o.nodes.sort();

    let ls = dk_json(host, &["service", "ls", "--format", "{{json .}}"]);
    o.ls_keys = ls
        .iter()
        .flat_map(|n| n.as_object().unwrap().keys().cloned())
        .collect();
    for r in &ls {
        let name = s(r, "Name");
        if ![&names.web, &names.stuck, &names.crash].contains(&&name) {
            continue;
        }
        let mut replicas = s(r, "Replicas");
        if name == names.crash {
            // it runs for an instant between restarts
            replicas = format!("?/{}", replicas.split('/').nth(1).unwrap_or(""));
        }
        o.ls.insert(
            names.role(&name),
            (s(r, "Mode"), replicas, s(r, "Image"), s(r, "Ports")),
        );
    }

    let ps = dk_json(
        host,
        &["service", "ps", &names.web, "--format", "{{json .}}"],
    );
    o.ps_keys = ps
        .iter()
        .flat_map(|n| n.as_object().unwrap().keys().cloned())
        .collect();
    o.ps_web = ps_rows(host, &names, &names.web, &[]);
    o.ps_stuck = ps_rows(host, &names, &names.stuck, &[]);
    let failed = ps_rows(
        host,
        &names,
        &names.crash,
        &["--filter", "desired-state=shutdown"],
    );
    let f = failed
        .iter()
        .find(|r| r.2 == "Failed")
        .expect("a failed crash task");
    o.crash_failed = (f.1.clone(), f.2.clone(), f.3.clone(), f.4.clone());

    // scale, then a rolling update
    dk(
        host,
        &["service", "scale", "-d", &format!("{}=3", names.web)],
    );
    wait_until("web runs 3 tasks", || {
        running_on(host, &names.web).len() == 3
    });
    dk(
        host,
        &["service", "update", "-d", "--image", image2, &names.web],
    );
    let settled = |o: &str| {
        update_state(host, &names.web) == o
            && ps_rows(host, &names, &names.web, &[]).iter().all(|r| {
                (r.1 == "Running" && r.2 == "Running") || (r.1 == "Shutdown" && r.2 == "Shutdown")
            })
    };
    wait_until("the update completes", || settled("completed"));
    o.ps_web_updated = ps_rows(host, &names, &names.web, &[]);
    let status = |svc: &str| {
        let v = dk(
            host,
            &[
                "service",
                "inspect",
                svc,
                "--format",
                "{{json .UpdateStatus}}",
            ],
        );
        let v: Value = serde_json::from_str(v.trim()).unwrap_or_default();
        (s(&v, "State"), s(&v, "Message"))
    };
    o.update_status = status(&names.web);
    dk(host, &["service", "rollback", "-d", &names.web]);
    wait_until("the rollback completes", || settled("rollback_completed"));
    o.ps_web_rolled_back = ps_rows(host, &names, &names.web, &[]);
    o.rollback_status = status(&names.web);

    // the raw API: the same keys for equivalent objects
    let all_nodes = api_get(host, &format!("/v{api}/nodes"));
    for n in all_nodes.as_array().unwrap() {
        if n["ManagerStatus"].is_object() {
            o.node_paths_manager = key_paths(n);
        } else {
            o.node_paths_worker = key_paths(n);
        }
    }
    let services = api_get(host, &format!("/v{api}/services?status=true"));
    let web = services
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["Spec"]["Name"] == names.web.as_str())
        .expect("web in /services");
    o.service_paths = key_paths(web);
    let filter = format!("%7B%22service%22%3A%5B%22{}%22%5D%7D", names.web);
    let tasks = api_get(host, &format!("/v{api}/tasks?filters={filter}"));
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Status"]["State"] == "running")
        .expect("a running web task");
    o.task_paths = key_paths(task);
    o.swarm_info_paths = key_paths(&api_get(host, &format!("/v{api}/info"))["Swarm"]);

    // drain node3: its tasks move
    dk(
        host,
        &["node", "update", "--availability", "drain", "node3"],
    );
    wait_until("web leaves node3", || {
        let on = running_on(host, &names.web);
        on.len() == 3 && !on.iter().any(|n| n == "node3")
    });
    let n3 = dk_json(
        host,
        &[
            "node",
            "ls",
            "--filter",
            "name=node3",
            "--format",
            "{{json .}}",
        ],
    );
    let on = running_on(host, &names.web);
    o.drained = (
        s(&n3[0], "Availability"),
        on.len(),
        on.iter().any(|n| n == "node3"),
    );
    dk(
        host,
        &["node", "update", "--availability", "active", "node3"],
    );

    let until = (time::now() / time::SECOND + 1).to_string();
    let evs = dk_json(
        host,
        &[
            "events",
            "--since",
            &since,
            "--until",
            &until,
            "--filter",
            "scope=swarm",
            "--format",
            "{{json .}}",
        ],
    );
    for e in &evs {
        let attrs: BTreeMap<String, String> = e["Actor"]["Attributes"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let name = attrs.get("name").cloned().unwrap_or_default();
        if e["Type"] == "service" && name == names.web && attrs.len() > 1 {
            let mut a = attrs.clone();
            a.remove("name");
            a.insert("action".into(), s(e, "Action"));
            o.events.push(a);
        }
        if e["Type"] == "node"
            && name == "node3"
            && attrs.get("availability.new").map(String::as_str) == Some("drain")
        {
            o.drain_event = attrs;
        }
    }
    o
}

fn docker_cli_for_cleanup() -> String {
    docker_clis().pop().unwrap_or_else(docker_cli)
}

/// The values the scenario must show, engine or simulator (what the lab engine showed).
fn check_scenario(o: &Observed, image1: &str, image2: &str) {
    let node = |h: &str, mgr: &str, me: bool| {
        (
            h.to_string(),
            "Ready".to_string(),
            "Active".to_string(),
            mgr.to_string(),
            "Ready".to_string(),
            me.to_string(),
        )
    };
    assert_eq!(
        o.nodes,
        vec![
            node("node1", "Leader", true),
            node("node2", "", false),
            node("node3", "", false)
        ]
    );
    let row = |mode: &str, rep: &str| {
        (
            mode.to_string(),
            rep.to_string(),
            image1.to_string(),
            String::new(),
        )
    };
    assert_eq!(o.ls["web"], row("replicated", "2/2"));
    assert_eq!(o.ls["stuck"], row("replicated", "0/1"));
    assert_eq!(o.ls["crash"], row("replicated", "?/1"));
    let ps = |name: &str, desired: &str, state: &str, err: &str, image: &str| {
        (
            name.to_string(),
            desired.to_string(),
            state.to_string(),
            err.to_string(),
            image.to_string(),
        )
    };
    assert_eq!(
        o.ps_web,
        vec![
            ps("web.1", "Running", "Running", "", image1),
            ps("web.2", "Running", "Running", "", image1)
        ]
    );
    assert_eq!(
        o.ps_stuck,
        vec![ps(
            "stuck.1",
            "Running",
            "Pending",
            "no suitable node (scheduling constraints not satisfied on 3 nodes)",
            image1
        )]
    );
    assert_eq!(
        o.crash_failed,
        (
            "Shutdown".to_string(),
            "Failed".to_string(),
            "task: non-zero exit (3)".to_string(),
            image1.to_string()
        )
    );
    let mut updated = Vec::new();
    for slot in 1..=3 {
        updated.push(ps(&format!("web.{slot}"), "Running", "Running", "", image2));
        updated.push(ps(
            &format!("web.{slot}"),
            "Shutdown",
            "Shutdown",
            "",
            image1,
        ));
    }
    updated.sort();
    assert_eq!(o.ps_web_updated, updated);
    assert_eq!(
        o.update_status,
        ("completed".to_string(), "update completed".to_string())
    );
    let mut rolled = Vec::new();
    for slot in 1..=3 {
        rolled.push(ps(&format!("web.{slot}"), "Running", "Running", "", image1));
        rolled.push(ps(
            &format!("web.{slot}"),
            "Shutdown",
            "Shutdown",
            "",
            image1,
        ));
        rolled.push(ps(
            &format!("web.{slot}"),
            "Shutdown",
            "Shutdown",
            "",
            image2,
        ));
    }
    rolled.sort();
    assert_eq!(o.ps_web_rolled_back, rolled);
    assert_eq!(
        o.rollback_status,
        (
            "rollback_completed".to_string(),
            "rollback completed".to_string()
        )
    );
    assert_eq!(o.drained, ("Drain".to_string(), 3, false));
    assert_eq!(
        o.drain_event.get("availability.old").map(String::as_str),
        Some("active")
    );
    let ev = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        o.events,
        vec![
            ev(&[
                ("action", "update"),
                ("replicas.old", "2"),
                ("replicas.new", "3")
            ]),
            ev(&[
                ("action", "update"),
                ("image.old", image1),
                ("image.new", image2)
            ]),
            ev(&[("action", "update"), ("updatestate.new", "updating")]),
            ev(&[
                ("action", "update"),
                ("updatestate.old", "updating"),
                ("updatestate.new", "completed")
            ]),
            ev(&[
                ("action", "update"),
                ("image.old", image2),
                ("image.new", image1),
                ("updatestate.old", "completed"),
                ("updatestate.new", "rollback_started"),
            ]),
            ev(&[
                ("action", "update"),
                ("updatestate.old", "rollback_started"),
                ("updatestate.new", "rollback_completed")
            ]),
        ]
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn sim_contract_same_scenario_same_answers() {
    let lab = Lab::get();
    let api = lab.var("LAB_API_VERSION");
    let (i1, i2) = (lab.image(1), lab.image(2));
    let on_lab = scenario(&lab.manager(), &api, &i1, &i2);
    let sim = SimSwarm::lab_like();
    let on_sim = scenario(&sim.host(), &api, &i1, &i2);
    // the docker CLI's columns
    assert_eq!(on_sim.node_keys, on_lab.node_keys);
    assert_eq!(on_sim.ls_keys, on_lab.ls_keys);
    assert_eq!(on_sim.ps_keys, on_lab.ps_keys);
    // what the engine showed is what the simulator shows
    check_scenario(&on_lab, &i1, &i2);
    check_scenario(&on_sim, &i1, &i2);
    // and the raw API objects have the same keys
    let diff = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
        (
            a.difference(b).cloned().collect::<Vec<_>>(),
            b.difference(a).cloned().collect::<Vec<_>>(),
        )
    };
    for (what, sim_keys, lab_keys) in [
        (
            "manager node",
            &on_sim.node_paths_manager,
            &on_lab.node_paths_manager,
        ),
        (
            "worker node",
            &on_sim.node_paths_worker,
            &on_lab.node_paths_worker,
        ),
        ("service", &on_sim.service_paths, &on_lab.service_paths),
        ("task", &on_sim.task_paths, &on_lab.task_paths),
        (
            "/info Swarm",
            &on_sim.swarm_info_paths,
            &on_lab.swarm_info_paths,
        ),
    ] {
        let (only_sim, only_lab) = diff(sim_keys, lab_keys);
        assert!(
            only_sim.is_empty() && only_lab.is_empty(),
            "{what}: keys only the simulator has: {only_sim:?}; only the engine has: {only_lab:?}"
        );
    }
}

/// The scenario on the simulator alone, checked against what the lab engine showed.
#[test]
fn sim_scenario_shows_what_the_engine_shows() {
    let sim = SimSwarm::lab_like();
    let o = scenario(
        &sim.host(),
        "1.45",
        "swarmtest/busybox:1",
        "swarmtest/busybox:2",
    );
    check_scenario(&o, "swarmtest/busybox:1", "swarmtest/busybox:2");
    // the docker CLI's JSON columns, as it prints them for the lab engine
    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        o.node_keys,
        keys(&[
            "Availability",
            "EngineVersion",
            "Hostname",
            "ID",
            "ManagerStatus",
            "Self",
            "Status",
            "TLSStatus"
        ])
    );
    assert_eq!(
        o.ls_keys,
        keys(&["ID", "Image", "Mode", "Name", "Ports", "Replicas"])
    );
    assert_eq!(
        o.ps_keys,
        keys(&[
            "CurrentState",
            "DesiredState",
            "Error",
            "ID",
            "Image",
            "Name",
            "Node",
            "Ports"
        ])
    );
}

/// Both docker CLIs (20.10 and a recent one) list what the simulator holds.
#[test]
fn sim_docker_cli_lists_nodes_services_and_tasks() {
    let spec = SeedSpec {
        nodes: 7,
        managers: 3,
        services: 24,
        tasks_per_service: 2,
        history: 1,
        seed: 5,
    };
    let sim = SimSwarm::serve(Sim::seeded(&spec));
    let host = sim.host();
    let (hosts, names): (BTreeSet<String>, BTreeSet<String>) = sim.sim.with(|m| {
        (
            m.nodes()
                .map(|n| swarmtop_sim::model::node_hostname(n).to_string())
                .collect(),
            m.services().map(|s| s.name().to_string()).collect(),
        )
    });
    for cli in docker_clis() {
        let run = |args: &[&str]| {
            let out = docker_with(&cli, &host, args);
            assert!(
                out.status.success(),
                "{cli} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let table = run(&["node", "ls"]);
        assert!(table.starts_with("ID "), "{cli}: {table}");
        let rows: Vec<&str> = table.lines().skip(1).collect();
        assert_eq!(rows.len(), 7, "{cli}: {table}");
        assert_eq!(
            rows.iter().filter(|r| r.contains(" * ")).count(),
            1,
            "one node is us: {table}"
        );
        assert_eq!(
            rows.iter().filter(|r| r.contains("Leader")).count(),
            1,
            "{table}"
        );
        assert_eq!(
            rows.iter().filter(|r| r.contains("Reachable")).count(),
            2,
            "{table}"
        );
        let listed: BTreeSet<String> = run(&["node", "ls", "--format", "{{.Hostname}}"])
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(listed, hosts, "{cli}");

        let svc = run(&["service", "ls", "--format", "{{.Name}} {{.Replicas}}"]);
        let listed: BTreeSet<String> = svc
            .lines()
            .map(|l| l.split(' ').next().unwrap_or("").to_string())
            .collect();
        assert_eq!(listed, names, "{cli}");
        assert!(svc.lines().all(|l| l.ends_with(" 2/2")), "{cli}: {svc}");

        let name = names.iter().next().unwrap();
        let ps = run(&["service", "ps", name]);
        let rows: Vec<&str> = ps.lines().skip(1).collect();
        assert_eq!(rows.len(), 4, "2 running and 2 earlier tasks: {ps}");
        assert_eq!(
            rows.iter().filter(|r| r.contains(" \\_ ")).count(),
            2,
            "history indented: {ps}"
        );
        assert!(
            rows.iter().any(|r| r.contains(&format!("{name}.1 "))),
            "{ps}"
        );
    }
}

/// `swarmtop snapshot | head`: the reader closes the pipe after a line, long before the
/// snapshot of 10,000 tasks ends. swarmtop stops quietly, with success, as other tools do (it
/// panicked on the broken pipe).
#[test]
fn sim_snapshot_into_a_pipe_closed_early_ends_quietly() {
    let sim = SimSwarm::serve(Sim::seeded(&SeedSpec::medium()));
    let mut child = Command::new(swarmtop_bin())
        .args(["--host", &sim.host(), "snapshot", "--format", "json"])
        .env(
            "DOCKER_CONFIG",
            std::env::temp_dir().join("swarmtop-e2e-empty-docker-config"),
        )
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("swarmtop runs");
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("the snapshot begins");
    drop(stdout);
    let out = child.wait_with_output().expect("swarmtop ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        first.starts_with(b"{"),
        "{}",
        String::from_utf8_lossy(&first)
    );
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(err.is_empty(), "nothing said on stderr: {err}");
}

/// swarmtop's real snapshot, through the normal connection code, against a medium cluster.
#[test]
fn sim_snapshot_counts_match_the_simulator() {
    let sim = SimSwarm::serve(Sim::seeded(&SeedSpec::medium()));
    let mut c = Command::new(swarmtop_bin());
    c.args(["--host", &sim.host(), "snapshot", "--format", "json"])
        .env(
            "DOCKER_CONFIG",
            std::env::temp_dir().join("swarmtop-e2e-empty-docker-config"),
        )
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null());
    let (ok, out, err) = run(&mut c);
    assert!(ok, "snapshot failed: {err}");
    let v: Value = serde_json::from_str(&out).expect("snapshot json");
    let (nodes, services, tasks, secrets, configs, networks) = sim.sim.with(|m| {
        (
            m.nodes().count(),
            m.services().count(),
            m.tasks().count(),
            m.secrets().count(),
            m.configs().count(),
            m.networks().count(),
        )
    });
    assert_eq!((nodes, services, tasks), (50, 500, 10_000));
    assert_eq!(v["nodes"].as_array().unwrap().len(), nodes);
    assert_eq!(v["services"].as_array().unwrap().len(), services);
    assert_eq!(v["tasks"].as_array().unwrap().len(), tasks);
    assert_eq!(v["secrets"].as_array().unwrap().len(), secrets);
    assert_eq!(v["configs"].as_array().unwrap().len(), configs);
    assert_eq!(v["networks"].as_array().unwrap().len(), networks);
    assert_eq!(v["swarm"]["managers"], 3);
    assert_eq!(v["swarm"]["services_degraded"], 0);
    assert_eq!(
        v["stacks"].as_array().unwrap().len(),
        63,
        "500 services in stacks of 8"
    );
    assert!(
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["replicas_running"] == 10 && s["replicas_desired"] == 10),
        "every service 10/10"
    );
    assert!(
        v["engine"]["version"]
            .as_str()
            .unwrap()
            .contains("swarmtop-sim")
    );
    let requests = sim.sim.requests();
    assert_eq!(requests.get("GET /tasks"), Some(&1), "{requests:?}");
}

/// `swarmtop --demo` in a terminal: the down node is on screen, in a `demo` context.
#[test]
fn sim_demo_shows_the_node_down() {
    let bin = swarmtop_bin();
    let t = Tmux::start(&format!("{} --demo", bin.display()), 120, 30, &[]);
    let screen = t.wait_for(Duration::from_secs(60), "the demo cluster, live", |s| {
        s.contains("● live") && s.contains("wrk-4")
    });
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains(" demo · unix://"), "{screen}");
    let down = line_with(&screen, "wrk-4").unwrap_or("");
    assert!(down.contains("Down"), "wrk-4 is down: {screen}");
    assert!(screen.contains("nodes 8 (1 down)"), "{screen}");
    assert!(
        line_with(&screen, "wrk-1").unwrap_or("").contains("Ready"),
        "{screen}"
    );
    t.send(&["q"]);
    let after = t.wait_text(Duration::from_secs(20), "[exit ");
    assert!(after.contains("[exit 0]"), "{after}");
}

/// `swarmtop sim` serves a generated cluster to the docker CLI until stopped.
#[test]
fn sim_subcommand_serves_until_stopped() {
    let dir = PrivateDir::new("swarmtop-e2e-simcmd").expect("dir");
    let sock = dir.path().join("sim.sock");
    let mut child = Command::new(swarmtop_bin())
        .args(["sim", "--socket"])
        .arg(&sock)
        .args([
            "--nodes",
            "5",
            "--managers",
            "1",
            "--services",
            "7",
            "--tasks-per-service",
            "2",
            "--seed",
            "3",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn swarmtop sim");
    let start = Instant::now();
    while !sock.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no socket at {}",
            sock.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let host = format!("unix://{}", sock.display());
    let nodes = dk(&host, &["node", "ls", "-q"]);
    let services = dk(&host, &["service", "ls", "-q"]);
    // each node's own engine beside it, answering as that node
    let names = dk(&host, &["node", "ls", "--format", "{{.Hostname}} {{.ID}}"]);
    let (name, id) = names.lines().last().unwrap().split_once(' ').unwrap();
    let node_sock = dir.path().join("nodes").join(format!("{name}.sock"));
    while !node_sock.exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "no node socket");
        std::thread::sleep(Duration::from_millis(50));
    }
    let info = api_get(&format!("unix://{}", node_sock.display()), "/info");
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(nodes.lines().count(), 5);
    assert_eq!(services.lines().count(), 7);
    assert_eq!(info["Swarm"]["NodeID"], id.trim());
    // the config.yaml line that points swarmtop at them
    let printed = String::from_utf8_lossy(&out.stdout);
    let want = format!(
        "node_template: unix://{}/{{hostname}}.sock",
        dir.path().join("nodes").display()
    );
    assert!(printed.lines().any(|l| l == want), "{printed}");
}

/// What a node going down looks like, in forms that do not depend on IDs or timing.
#[derive(Debug, PartialEq)]
struct NodeDown {
    status: String,
    web_replicas: String,
    agent_replicas: String,
    web_rows: Vec<(String, String, String, String, String)>,
    event: BTreeMap<String, String>,
    after_return: Vec<(String, String, String, String, String)>,
}

/// Node3 stops (the lab: its dockerd is killed; the simulator: `node_down`), the swarm reacts,
/// then node3 comes back.
fn node_down_scenario(host: &str, image: &str, down: &dyn Fn(), up: &dyn Fn()) -> NodeDown {
    let names = Names::new();
    let agent = unique("agent");
    struct Cleanup<'a>(&'a str, Vec<String>);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            for s in &self.1 {
                let _ = docker_with(&docker_cli_for_cleanup(), self.0, &["service", "rm", s]);
            }
        }
    }
    let _cleanup = Cleanup(host, vec![names.web.clone(), agent.clone()]);
    let since = (time::now() / time::SECOND - 1).to_string();
    create(
        host,
        &names.web,
        image,
        &["--replicas", "3"],
        &["sleep", "3600"],
    );
    create(
        host,
        &agent,
        image,
        &["--mode", "global"],
        &["sleep", "3600"],
    );
    wait_until("web on every node", || {
        let mut on = running_on(host, &names.web);
        on.sort();
        on == ["node1", "node2", "node3"]
    });
    wait_until("agent on every node", || {
        running_on(host, &agent).len() == 3
    });
    down();
    wait_until("node3 down", || {
        dk(
            host,
            &["node", "inspect", "node3", "--format", "{{.Status.State}}"],
        )
        .trim()
            == "down"
    });
    // the replacement runs elsewhere; the old task still reads Running, desired Shutdown
    wait_until("web replaced", || {
        let on = running_on(host, &names.web);
        on.len() == 3 && !on.iter().any(|n| n == "node3")
    });
    let replicas = |svc: &str| {
        dk_json(
            host,
            &[
                "service",
                "ls",
                "--filter",
                &format!("name={svc}"),
                "--format",
                "{{json .}}",
            ],
        )
        .iter()
        .find(|r| s(r, "Name") == svc)
        .map(|r| s(r, "Replicas"))
        .unwrap_or_default()
    };
    let node3 = dk_json(
        host,
        &[
            "node",
            "ls",
            "--filter",
            "name=node3",
            "--format",
            "{{json .}}",
        ],
    );
    let mut o = NodeDown {
        status: s(&node3[0], "Status"),
        web_replicas: replicas(&names.web),
        agent_replicas: replicas(&agent),
        web_rows: ps_rows(host, &names, &names.web, &[]),
        event: BTreeMap::new(),
        after_return: Vec::new(),
    };
    let until = (time::now() / time::SECOND + 1).to_string();
    for e in dk_json(
        host,
        &[
            "events",
            "--since",
            &since,
            "--until",
            &until,
            "--filter",
            "type=node",
            "--format",
            "{{json .}}",
        ],
    ) {
        let attrs = &e["Actor"]["Attributes"];
        if attrs["name"] == "node3" && attrs["state.new"] == "down" {
            o.event = attrs
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default();
        }
    }
    up();
    wait_until("node3 back", || {
        dk(
            host,
            &["node", "inspect", "node3", "--format", "{{.Status.State}}"],
        )
        .trim()
            == "ready"
    });
    wait_until("node3's old task reported stopped", || {
        ps_rows(host, &names, &names.web, &[])
            .iter()
            .all(|r| !(r.1 == "Shutdown" && r.2 == "Running"))
    });
    o.after_return = ps_rows(host, &names, &names.web, &[]);
    o
}

fn check_node_down(o: &NodeDown, image: &str) {
    assert_eq!(o.status, "Down");
    assert_eq!(
        o.web_replicas, "4/3",
        "the engine still counts the task on the down node"
    );
    assert_eq!(o.agent_replicas, "3/2", "global: the same");
    let row = |slot: &str, desired: &str, state: &str| {
        (
            slot.to_string(),
            desired.to_string(),
            state.to_string(),
            String::new(),
            image.to_string(),
        )
    };
    let mut running: Vec<_> = o
        .web_rows
        .iter()
        .filter(|r| r.1 == "Running")
        .cloned()
        .collect();
    running.sort();
    assert_eq!(
        running,
        vec![
            row("web.1", "Running", "Running"),
            row("web.2", "Running", "Running"),
            row("web.3", "Running", "Running")
        ]
    );
    let stale: Vec<_> = o.web_rows.iter().filter(|r| r.1 == "Shutdown").collect();
    assert_eq!(stale.len(), 1, "{:?}", o.web_rows);
    assert_eq!(
        (stale[0].1.as_str(), stale[0].2.as_str()),
        ("Shutdown", "Running")
    );
    assert_eq!(o.event.get("state.old").map(String::as_str), Some("ready"));
    // its container died with the node
    let returned: Vec<_> = o
        .after_return
        .iter()
        .filter(|r| r.1 == "Shutdown")
        .collect();
    assert_eq!(returned.len(), 1, "{:?}", o.after_return);
    assert_eq!(
        (returned[0].2.as_str(), returned[0].3.as_str()),
        ("Failed", "task: non-zero exit (255)"),
        "{:?}",
        o.after_return
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn sim_contract_a_node_going_down() {
    let lab = Lab::get();
    let image = lab.image(1);
    let lab_sh = |verb: &str| assert!(lab.sh(&[verb, "3"]), "lab.sh {verb} 3");
    let on_lab = node_down_scenario(&lab.manager(), &image, &|| lab_sh("crash"), &|| {
        lab_sh("start")
    });
    let sim = SimSwarm::lab_like();
    let on_sim = node_down_scenario(
        &sim.host(),
        &image,
        &|| sim.sim.node_down("node3").expect("node down"),
        &|| sim.sim.node_up("node3").expect("node up"),
    );
    check_node_down(&on_lab, &image);
    check_node_down(&on_sim, &image);
    assert_eq!(
        on_sim.event.keys().collect::<Vec<_>>(),
        on_lab.event.keys().collect::<Vec<_>>()
    );
}

/// A simulated swarm serving its manager and each node's own engine, and what the node worker
/// is started with against it (the nodes reached through `node_template`).
struct NodeWorkerSim {
    rt: tokio::runtime::Runtime,
    sim: Sim,
    nodes: swarmtop_sim::NodeSockets,
    facts: Vec<swarmtop_model::nodes::NodeFacts>,
    setup: Option<swarmtop_engine::nodes::NodeSetup>,
    _server: swarmtop_sim::SimServer,
    _dir: PrivateDir,
}

impl NodeWorkerSim {
    fn start(name: &str, spec: &SeedSpec) -> NodeWorkerSim {
        use swarmtop::access::Gate;
        use swarmtop::connect::Endpoint;
        use swarmtop::engine::Engine;
        use swarmtop_engine::connect::node_reach::ReachSettings;
        use swarmtop_engine::nodes::NodeSetup;
        use swarmtop_model::nodes::NodeFacts;

        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = PrivateDir::new(name).expect("dir");
        let sock = dir.path().join("docker.sock");
        let sim = Sim::seeded(spec);
        let (server, nodes) = rt.block_on(async {
            (
                sim.serve_unix(&sock).await.expect("serve"),
                sim.serve_nodes(dir.path().join("nodes"))
                    .await
                    .expect("serve nodes"),
            )
        });
        let facts: Vec<NodeFacts> = sim.with(|m| {
            m.nodes()
                .map(|n| NodeFacts {
                    id: n.id.clone().unwrap(),
                    hostname: n.description.as_ref().unwrap().hostname.clone().unwrap(),
                    addr: n.status.as_ref().unwrap().addr.clone().unwrap_or_default(),
                })
                .collect()
        });
        let session = rt
            .block_on(Engine::connect(
                &Endpoint::unix_socket("sim", &sock),
                &Gate::open(),
            ))
            .expect("connect to the simulated manager");
        let setup = NodeSetup {
            session,
            settings: ReachSettings {
                nodes: BTreeMap::new(),
                template: Some(nodes.template()),
            },
            contexts: Vec::new(),
            gate: Gate::open(),
        };
        NodeWorkerSim {
            rt,
            sim,
            nodes,
            facts,
            setup: Some(setup),
            _server: server,
            _dir: dir,
        }
    }
}

/// swarmtop's per-node worker against the simulator's node sockets (`node_template`, as
/// `swarmtop sim` prints it): each node's containers and figures come from its own engine (the
/// manager's through the session), and a node that is down is said to be unreachable, in
/// words that name it, while the others report.
#[test]
fn sim_node_worker_reads_each_nodes_engine_and_a_down_one_fails() {
    use std::collections::HashMap;
    use swarmtop_engine::nodes::{NodeRequest, run};
    use swarmtop_model::nodes::{NodeMsg, NodeWatch, ReachState, Watched};

    let mut w = NodeWorkerSim::start(
        "swarmtop-e2e-nodes",
        &SeedSpec {
            nodes: 3,
            managers: 1,
            services: 8,
            tasks_per_service: 3,
            history: 0,
            seed: 7,
        },
    );
    let setup = w.setup.take().expect("setup");
    let (rt, sim, nodes, facts) = (&w.rt, &w.sim, &w.nodes, &w.facts);
    let manager = sim.with(|m| m.local_node.clone());
    let up = facts.iter().find(|f| f.id != manager).unwrap().clone();
    let down = facts
        .iter()
        .find(|f| f.id != manager && f.id != up.id)
        .unwrap()
        .clone();
    let watched: Vec<Watched> = sim.with(|m| {
        m.tasks()
            .filter(|t| t.state() == bollard::models::TaskState::RUNNING)
            .filter(|t| t.node() == Some(manager.as_str()) || t.node() == Some(up.id.as_str()))
            .map(|t| Watched {
                task_id: t.id().to_string(),
                container_id: t
                    .task
                    .status
                    .as_ref()
                    .unwrap()
                    .container_status
                    .as_ref()
                    .unwrap()
                    .container_id
                    .clone()
                    .unwrap(),
                node_id: t.node().unwrap().to_string(),
            })
            .collect()
    });
    assert!(watched.iter().any(|w| w.node_id == manager));
    assert!(watched.iter().any(|w| w.node_id == up.id));
    sim.node_down(&down.hostname).unwrap();
    // the node's socket follows within a moment: refused, as a dead node's engine
    let down_sock = nodes.socket(&down.hostname);
    wait_until("the down node's socket refuses", || {
        UnixStream::connect(&down_sock)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
    });

    let watch = NodeWatch {
        nodes: facts.clone(),
        usage: watched.clone(),
        containers_of: facts.iter().map(|f| f.id.clone()).collect(),
        whole_nodes: Vec::new(),
        probe_all: false,
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (mtx, mut mrx) = tokio::sync::mpsc::unbounded_channel();
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
            let two_rounds = usage.len() == watched.len() && usage.values().all(|v| v.len() >= 2);
            let down_said = reach.iter().any(|r: &swarmtop_model::nodes::NodeReach| {
                r.node_id == down.id && matches!(r.state, ReachState::Failed(_))
            });
            if two_rounds && containers.len() == 2 && down_said {
                break;
            }
        }
        // then one round per ROUND on a node, however quickly its engine answers: over a
        // while, at most a reading per watched container per round (a slow machine only
        // makes fewer)
        let stats_on_up = || {
            sim.node_requests()
                .get(&up.hostname)
                .and_then(|r| r.get("GET /containers/{id}/stats").copied())
                .unwrap_or(0)
        };
        let before = stats_on_up();
        let t0 = tokio::time::Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            let _ = tokio::time::timeout(Duration::from_millis(200), mrx.recv()).await;
        }
        let read = stats_on_up() - before;
        let rounds = (t0.elapsed().as_secs_f64() / swarmtop_engine::nodes::ROUND.as_secs_f64())
            .ceil() as u64
            + 1;
        let n_up = watched.iter().filter(|w| w.node_id == up.id).count() as u64;
        assert!(
            read <= rounds * n_up,
            "{read} readings of {n_up} containers in {:?}: rounds run back to back",
            t0.elapsed()
        );
        worker.abort();
        (reach, containers, usage)
    });

    let row = |id: &str| reach.iter().find(|r| r.node_id == id).unwrap().clone();
    let d = row(&down.id);
    match &d.state {
        ReachState::Failed(why) => {
            assert!(why.starts_with(&format!("{}: ", down.hostname)), "{why}");
            assert!(why.contains(&*down_sock.to_string_lossy()), "{why}");
        }
        other => panic!(
            "{} is down and should be unreachable: {other:?}",
            down.hostname
        ),
    }
    assert_eq!(d.source, "config.yaml node_template");
    let u = row(&up.id);
    assert!(matches!(u.state, ReachState::Reached { .. }), "{u:?}");
    assert_eq!(
        u.endpoint,
        format!("unix://{}", nodes.socket(&up.hostname).display())
    );
    let m = row(&manager);
    assert_eq!(m.source, "the session's own node");
    assert!(matches!(m.state, ReachState::Reached { .. }), "{m:?}");
    assert!(!containers.contains_key(&down.id));

    for w in &watched {
        let listed = containers[&w.node_id]
            .iter()
            .find(|c| c.task_id == w.task_id)
            .unwrap_or_else(|| panic!("{}'s list has task {}", w.node_id, w.task_id));
        assert_eq!(listed.container_id, w.container_id);
        assert_eq!(listed.state, "running");
        assert!(listed.image_id.starts_with("sha256:"), "{listed:?}");
        // CPU from swarmtop's previous reading: the service's steady rate
        let service = sim.with(|m| m.task(&w.task_id).unwrap().service().to_string());
        let want = swarmtop_sim::containers::Rates::of(&service, &w.task_id).cores * 100.0;
        let got = usage[&w.task_id].last().unwrap().cpu_percent();
        assert!(
            (got - want).abs() <= want * 0.05 + 0.01,
            "{}: {got} % vs {want} %",
            w.task_id
        );
        assert!(usage[&w.task_id].last().unwrap().mem_usage > 0);
    }
    // the worker's requests: on the worker's own socket, on the manager's for its own node,
    // none on the down node's
    let per_node = sim.node_requests();
    let on_up = &per_node[&up.hostname];
    let n_up = watched.iter().filter(|w| w.node_id == up.id).count() as u64;
    assert!(on_up["GET /containers/json"] >= 1, "{on_up:?}");
    assert!(on_up["GET /containers/{id}/stats"] >= 2 * n_up, "{on_up:?}");
    assert!(!per_node.contains_key(&down.hostname), "{per_node:?}");
    assert!(sim.requests()["GET /containers/json"] >= 1);
}

/// The nodes pane names nodes, not tasks (`NodeWatch::whole_nodes`): the worker finds each
/// node's running swarm containers in the node's own list and reads every one of them, the
/// same figures a watch naming each task gets.
#[test]
fn sim_node_worker_reads_every_running_container_of_a_whole_node() {
    use std::collections::{BTreeSet, HashMap};
    use swarmtop_engine::nodes::{NodeRequest, run};
    use swarmtop_model::nodes::{NodeMsg, NodeWatch};

    let mut w = NodeWorkerSim::start(
        "swarmtop-e2e-whole",
        &SeedSpec {
            nodes: 3,
            managers: 1,
            services: 6,
            tasks_per_service: 3,
            history: 2,
            seed: 11,
        },
    );
    let setup = w.setup.take().expect("setup");
    let (rt, sim, facts) = (&w.rt, &w.sim, &w.facts);
    let manager = sim.with(|m| m.local_node.clone());
    let other = facts.iter().find(|f| f.id != manager).unwrap().id.clone();
    let whole = vec![manager.clone(), other.clone()];
    // what the swarm says runs there (earlier tasks of the same slots are not running)
    let running: BTreeSet<String> = sim.with(|m| {
        m.tasks()
            .filter(|t| t.state() == bollard::models::TaskState::RUNNING)
            .filter(|t| t.node().is_some_and(|n| whole.iter().any(|w| w == n)))
            .map(|t| t.id().to_string())
            .collect()
    });
    assert!(running.len() >= 4, "{running:?}");

    let watch = NodeWatch {
        nodes: facts.clone(),
        usage: Vec::new(),
        whole_nodes: whole.clone(),
        containers_of: whole.clone(),
        probe_all: false,
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (mtx, mut mrx) = tokio::sync::mpsc::unbounded_channel();
    let usage = rt.block_on(async {
        let worker = tokio::spawn(run(setup, rx, mtx));
        tx.send(NodeRequest::Watch(watch)).unwrap();
        let mut usage: HashMap<String, Vec<(String, swarmtop_model::stats::Sample)>> =
            HashMap::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while tokio::time::Instant::now() < deadline {
            let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(5), mrx.recv()).await else {
                continue;
            };
            if let NodeMsg::Usage(u) = m {
                for x in u {
                    usage
                        .entry(x.task_id)
                        .or_default()
                        .push((x.node_id, x.sample));
                }
            }
            if usage.len() >= running.len() && usage.values().all(|v| v.len() >= 2) {
                break;
            }
        }
        worker.abort();
        usage
    });
    let read: BTreeSet<String> = usage.keys().cloned().collect();
    assert_eq!(
        read, running,
        "every running task of the two nodes, no other"
    );
    for (task, readings) in &usage {
        let (node, last) = readings.last().unwrap();
        let t_node = sim.with(|m| m.task(task).unwrap().node().unwrap().to_string());
        assert_eq!(*node, t_node, "{task} read on its own node");
        let service = sim.with(|m| m.task(task).unwrap().service().to_string());
        let want = swarmtop_sim::containers::Rates::of(&service, task).cores * 100.0;
        let got = last.cpu_percent();
        assert!(
            (got - want).abs() <= want * 0.05 + 0.01,
            "{task}: {got} % vs {want} %"
        );
    }
}
