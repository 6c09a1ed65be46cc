//! Issue 20: every swarm at a glance. Docker contexts made by the real docker CLI: the lab's
//! swarm (healthy, then with a node down), its worker's engine, an engine in no swarm, a port
//! nothing listens on; `swarmtop fleet` says each one's health, the figures as the docker CLI
//! counts them and the worst problem in the problems view's words; `:fleet` shows them at
//! 80x24 and Enter switches the session. With `SWARMTOP_LAB2_ENV` (a second lab's env file)
//! that second swarm is in the fleet too, healthy beside the one with a node down, and Enter
//! switches to it.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

/// A docker config directory with the fleet's contexts, made by the docker CLI.
struct Contexts {
    dir: tempfile::TempDir,
    xdg: tempfile::TempDir,
}

impl Contexts {
    fn new() -> Contexts {
        Contexts {
            dir: tempfile::tempdir().unwrap(),
            xdg: tempfile::tempdir().unwrap(),
        }
    }

    fn create(&self, name: &str, host: &str) {
        let out = Command::new(docker_cli())
            .arg("--config")
            .arg(self.dir.path())
            .args(["context", "create", name, "--docker"])
            .arg(format!("host={host}"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker context create {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DOCKER_CONFIG", self.dir.path().display().to_string()),
            ("XDG_CONFIG_HOME", self.xdg.path().display().to_string()),
        ]
    }

    fn swarmtop(&self, lab: &Lab) -> Command {
        let mut c = lab.swarmtop();
        for (k, v) in self.env() {
            c.env(k, v);
        }
        c
    }
}

/// A local port nothing listens on (taken and let go).
fn unused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The second lab, when one is given.
fn second_lab() -> Option<Lab> {
    std::env::var("SWARMTOP_LAB2_ENV").ok().map(|p| Lab::at(&p))
}

/// Restarts the crashed node and waits for it, whatever the test did.
struct Restart<'a>(&'a Lab, &'static str);

impl Drop for Restart<'_> {
    fn drop(&mut self) {
        let _ = self.0.sh(&["start", self.1]);
        let node = format!("node{}", self.1);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            eventually(Duration::from_secs(90), "the node back", || {
                let s = self
                    .0
                    .docker(&["node", "inspect", &node, "--format", "{{.Status.State}}"]);
                (String::from_utf8_lossy(&s.stdout).trim() == "ready").then_some(())
            })
        }));
    }
}

struct RmNode<'a>(&'a Lab);

impl Drop for RmNode<'_> {
    fn drop(&mut self) {
        let _ = self.0.sh(&["rmnode", "4"]);
    }
}

/// The fleet as JSON, by name.
fn fleet_json(c: &Contexts, lab: &Lab) -> Vec<Value> {
    let mut cmd = c.swarmtop(lab);
    cmd.args(["fleet", "--format", "json"]);
    let (ok, out, err) = run(&mut cmd);
    assert!(ok, "swarmtop fleet: {err}");
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn by_name<'a>(v: &'a [Value], name: &str) -> &'a Value {
    v.iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no line {name} in {v:?}"))
}

/// What the docker CLI says of a swarm: nodes, nodes down, managers, degraded services.
fn cli_counts(lab: &Lab) -> (u64, u64, u64, u64) {
    let nodes = lab.docker_json_lines(&["node", "ls", "--format", "{{json .}}"]);
    let down = nodes.iter().filter(|n| n["Status"] == "Down").count();
    let managers = nodes
        .iter()
        .filter(|n| n["ManagerStatus"].as_str().is_some_and(|s| !s.is_empty()))
        .count();
    let services = lab.docker_json_lines(&["service", "ls", "--format", "{{json .}}"]);
    let degraded = services
        .iter()
        .filter(|s| s["Mode"] == "replicated")
        .filter(|s| {
            let r = s["Replicas"].as_str().unwrap_or("0/0");
            let (run, want) = r.split_once('/').unwrap_or(("0", "0"));
            let want: u64 = want
                .split_whitespace()
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0);
            run.parse::<u64>().unwrap_or(0) < want
        })
        .count();
    (
        nodes.len() as u64,
        down as u64,
        managers as u64,
        degraded as u64,
    )
}

fn figures(line: &Value) -> (u64, u64, u64, u64) {
    let s = &line["swarm"];
    (
        s["nodes"].as_u64().unwrap(),
        s["nodes_down"].as_u64().unwrap(),
        s["managers"].as_u64().unwrap(),
        s["services_degraded"].as_u64().unwrap(),
    )
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn fleet_lists_each_context_with_its_swarms_health() {
    let lab = Lab::get();
    let lab2 = second_lab();
    let c = Contexts::new();
    c.create("lab", &lab.ssh_url());
    c.create("worker", &lab.var("LAB_N2"));
    assert!(lab.sh(&["addnode", "4"]), "lab.sh addnode 4");
    let _rm = RmNode(&lab);
    c.create(
        "plain",
        &format!("unix://{}/n4/docker.sock", lab.var("LAB_DIR")),
    );
    c.create("dead", &format!("tcp://127.0.0.1:{}", unused_port()));
    if let Some(l2) = &lab2 {
        c.create("lab2", &l2.manager());
    }

    // the swarm as it is: figures as the docker CLI counts them
    let v = fleet_json(&c, &lab);
    let names: Vec<&str> = v.iter().map(|l| l["name"].as_str().unwrap()).collect();
    let mut want = vec!["default", "dead", "lab"];
    if lab2.is_some() {
        want.push("lab2");
    }
    want.extend(["plain", "worker"]);
    assert_eq!(names, want, "default and every context, by name");
    let l = by_name(&v, "lab");
    assert_eq!(figures(l), cli_counts(&lab), "{l}");
    assert_eq!(l["swarm"]["nodes_down"], 0, "{l}");
    assert_eq!(l["endpoint"], lab.ssh_url());
    assert_eq!(
        l["swarm"]["engine"],
        lab.docker_ok(&["version", "--format", "{{.Server.Version}}"])
            .trim()
    );
    // an engine that answers but is no manager says what it is
    let w = by_name(&v, "worker");
    assert_eq!(w["state"], "not_a_manager", "{w}");
    assert!(
        w["reason"]
            .as_str()
            .unwrap()
            .starts_with("not a swarm manager: this engine is a worker"),
        "{w}"
    );
    let p = by_name(&v, "plain");
    assert_eq!(
        (p["state"].as_str(), p["reason"].as_str()),
        (Some("not_a_manager"), Some("not in a swarm")),
        "{p}"
    );
    let d = by_name(&v, "dead");
    assert_eq!(d["state"], "unreachable", "{d}");
    assert!(
        d["reason"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("connection refused"),
        "{d}"
    );

    // a node down: counted as the docker CLI counts it, the worst problem in the problems
    // view's words (the snapshot's first problem is that view's first line)
    assert!(lab.sh(&["crash", "3"]), "lab.sh crash 3");
    let _restart = Restart(&lab, "3");
    eventually(
        Duration::from_secs(90),
        "docker node ls says node3 is down",
        || (cli_counts(&lab).1 == 1).then_some(()),
    );
    let (v, first) = eventually(
        Duration::from_secs(60),
        "the fleet's worst problem and the problems view agree",
        || {
            let v = fleet_json(&c, &lab);
            let mut snap = c.swarmtop(&lab);
            snap.args(["--context", "lab", "snapshot", "--format", "json"]);
            let (ok, out, _) = run(&mut snap);
            let s: Value = serde_json::from_str(&out).ok().filter(|_| ok)?;
            let first = s["problems"][0]["text"].as_str()?.to_string();
            let worst = by_name(&v, "lab")["swarm"]["worst_problem"]["text"].clone();
            (worst == first.as_str()).then_some((v, first))
        },
    );
    let l = by_name(&v, "lab");
    assert_eq!(figures(l), cli_counts(&lab), "{l}");
    assert_eq!(l["swarm"]["nodes_down"], 1, "{l}");
    assert!(first.contains("node3"), "{first}");
    if let Some(l2) = &lab2 {
        let l = by_name(&v, "lab2");
        assert_eq!(figures(l), cli_counts(l2), "{l}");
        assert_eq!(l["swarm"]["nodes_down"], 0, "{l}");
    }

    // the table: one line each, the lab's with its node down
    let mut cmd = c.swarmtop(&lab);
    cmd.arg("fleet");
    let (ok, out, err) = run(&mut cmd);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), want.len() + 1, "{out}");
    let lab_line = line_with(&out, "ssh://").unwrap();
    assert!(lab_line.contains("3, 1 down"), "{out}");
    assert!(lab_line.contains(&first), "{out}");
    assert!(line_with(&out, "not in a swarm").is_some(), "{out}");
}

/// The program's child processes whose command line contains `needle` (ssh connections).
fn children_with(pid: u32, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid ...
        let ppid = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid != Some(pid) {
            continue;
        }
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(needle) {
            out.push(cmd);
        }
    }
    out
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn fleet_view_at_80x24_and_enter_switches_there() {
    let lab = Lab::get();
    let lab2 = second_lab();
    let c = Contexts::new();
    // the fleet reaches the lab over ssh by a name the session does not use: its ssh
    // processes are told apart from the session's own
    c.create(
        "lab",
        &format!("ssh://root@localhost:{}", lab.var("LAB_SSH_PORT")),
    );
    c.create("worker", &lab.var("LAB_N2"));
    c.create("dead", &format!("tcp://127.0.0.1:{}", unused_port()));
    c.create("home", &lab.manager());
    let target = match &lab2 {
        Some(l2) => {
            c.create("lab2", &l2.manager());
            "lab2"
        }
        None => "lab",
    };
    let mut env = c.env();
    env.push(("PATH", lab.ssh_path()));
    let t = Tmux::start(
        &format!("{} --context home", swarmtop_bin().display()),
        80,
        24,
        &env,
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&[":"]);
    t.type_text("fleet");
    t.send(&["Enter"]);
    let screen = t.wait_for(Duration::from_secs(30), "every line answered", |s| {
        s.contains("fleet (")
            && !s.contains("checking…")
            && s.contains("unreachable")
            && s.contains("no swarm")
    });
    // the session's own context is marked; each line says its health or why not
    let home = line_with(&screen, "*home").expect("the session's context marked");
    assert!(!home.contains("unreachable"), "{screen}");
    let lab_row = line_with(&screen, " lab ").expect("the lab's line");
    let (_, _, managers, _) = cli_counts(&lab);
    assert!(
        lab_row.contains(&format!("/{managers} ")) && !lab_row.contains("unreachable"),
        "the lab's managers as the docker CLI counts them: {screen}"
    );
    let worker = line_with(&screen, " worker").unwrap();
    assert!(worker.contains("not a swarm manag"), "{screen}");
    assert!(line_with(&screen, " dead").unwrap().contains("unreachable"));
    // every check is over: no ssh of the fleet's is left running
    let pid = t.program_pid().expect("swarmtop's pid");
    eventually(
        Duration::from_secs(20),
        "the fleet's ssh processes gone",
        || children_with(pid, "localhost").is_empty().then_some(()),
    );

    select_row(&t, target);
    t.send(&["Enter"]);
    let screen = t.wait_for(
        Duration::from_secs(30),
        "the header names the new context",
        |s| {
            s.lines()
                .next()
                .is_some_and(|h| h.contains(&format!("{target} ·")))
                && s.contains("● live")
        },
    );
    assert!(
        screen.contains("problems"),
        "lands on the problems: {screen}"
    );
    t.send(&["q"]);
}
