//! Issue 9: swarmtop survives what happens during incidents. These need a lab with THREE
//! managers (scripts/test.sh starts one for them); the event load test uses the simulator.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn three_managers() -> Lab {
    let lab = Lab::get();
    assert_eq!(
        lab.var("LAB_MANAGERS"),
        "3",
        "the resilience tests need a lab with 3 managers: LAB_MANAGERS=3 tests/lab/lab.sh up"
    );
    lab
}

#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn moves_to_the_fallback_manager_when_the_first_stops() {
    let lab = three_managers();
    let (n1, n2) = (lab.var("LAB_N1"), lab.var("LAB_N2"));
    struct Restart<'a>(&'a Lab);
    impl Drop for Restart<'_> {
        fn drop(&mut self) {
            let _ = self.0.sh(&["start", "1"]);
        }
    }
    let t = Tmux::start(
        &format!("{} --host {n1} --host {n2}", swarmtop_bin().display()),
        160,
        30,
        &[],
    );
    t.wait_for(Duration::from_secs(30), "live on node1", |s| {
        s.contains("● live") && s.contains(&n1)
    });
    assert!(lab.sh(&["stop", "1"]));
    let restart = Restart(&lab);
    let stopped = Instant::now();
    t.wait_for(Duration::from_secs(30), "moved to node2", |s| {
        s.contains(&n2) && s.contains("moved to")
    });
    eprintln!(
        "moved to the fallback manager {:?} after the stop",
        stopped.elapsed()
    );
    // it keeps showing the cluster, and once a new leader is elected, node1 as down
    t.send(&["1"]);
    t.wait_for(Duration::from_secs(90), "node1 shown down, live", |s| {
        s.contains("● live") && line_with(s, "node1").is_some_and(|l| l.contains("Down"))
    });
    assert!(lab.sh(&["start", "1"]));
    // started again: nothing left for the guard to do
    std::mem::forget(restart);
    t.wait_for(Duration::from_secs(90), "node1 ready again", |s| {
        line_with(s, "node1").is_some_and(|l| l.contains("Ready"))
    });
    // and back: node1's engine, restarted, takes over when node2 stops in turn
    assert!(lab.sh(&["stop", "2"]));
    struct Restart2<'a>(&'a Lab);
    impl Drop for Restart2<'_> {
        fn drop(&mut self) {
            let _ = self.0.sh(&["start", "2"]);
        }
    }
    let _restart2 = Restart2(&lab);
    t.wait_for(Duration::from_secs(30), "moved back to node1", |s| {
        s.contains(&format!("moved to {n1}"))
    });
    t.send(&["q"]);
}

#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn a_network_cut_is_noticed_and_the_fallback_manager_takes_over() {
    let lab = three_managers();
    let (tls, n2) = (lab.var("LAB_TLS"), lab.var("LAB_N2"));
    let certs = lab.var("LAB_TLS_CERTS");
    struct Heal<'a>(&'a Lab);
    impl Drop for Heal<'_> {
        fn drop(&mut self) {
            let _ = self.0.sh(&["heal", "1"]);
        }
    }
    let t = Tmux::start(
        &format!("{} --host {tls} --host {n2}", swarmtop_bin().display()),
        160,
        30,
        &[
            ("DOCKER_TLS_VERIFY", "1".to_string()),
            ("DOCKER_CERT_PATH", certs),
        ],
    );
    t.wait_for(Duration::from_secs(30), "live on node1 over TLS", |s| {
        s.contains("● live") && s.contains(&tls)
    });
    // packets dropped: no error ever comes back, only silence
    assert!(lab.sh(&["cut", "1"]));
    let _heal = Heal(&lab);
    let cut = Instant::now();
    let screen = t.wait_for(Duration::from_secs(60), "moved to node2", |s| {
        s.contains(&n2) && s.contains("moved to")
    });
    eprintln!(
        "moved to the fallback manager {:?} after the cut",
        cut.elapsed()
    );
    assert!(screen.contains("stopped answering"), "{screen}");
    // the cluster is still shown, live, from node2
    t.wait_for(Duration::from_secs(30), "live with nodes", |s| {
        s.contains("● live") && line_with(s, "node3").is_some()
    });
    t.send(&["q"]);
}

/// The pids of `ssh` processes started by `parent`.
fn ssh_children(parent: u32) -> Vec<u32> {
    let out = Command::new("pgrep")
        .args(["-P", &parent.to_string(), "-x", "ssh"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn over_ssh_it_reconnects_when_ssh_dies() {
    let lab = three_managers();
    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.ssh_url()),
        140,
        30,
        &[("PATH", lab.ssh_path())],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    let pid = t.program_pid().expect("swarmtop's pid");
    let before = eventually(Duration::from_secs(10), "ssh processes", || {
        let v = ssh_children(pid);
        (!v.is_empty()).then_some(v)
    });
    for p in &before {
        let _ = Command::new("kill").args(["-9", &p.to_string()]).status();
    }
    // reconnected: new ssh processes, and a change made now shows up
    eventually(Duration::from_secs(30), "new ssh processes", || {
        let now = ssh_children(pid);
        (!now.is_empty() && now.iter().all(|p| !before.contains(p))).then_some(())
    });
    lab.docker_ok(&["node", "update", "--label-add", "ssh-test=1", "node2"]);
    lab.docker_ok(&["node", "update", "--availability", "pause", "node2"]);
    t.send(&["1"]);
    t.wait_for(Duration::from_secs(30), "node2 paused, live", |s| {
        s.contains("● live") && line_with(s, "node2").is_some_and(|l| l.contains("Pause"))
    });
    lab.docker_ok(&[
        "node",
        "update",
        "--availability",
        "active",
        "--label-rm",
        "ssh-test",
        "node2",
    ]);
    t.send(&["q"]);
}

#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn no_secret_value_in_anything_swarmtop_writes() {
    let lab = three_managers();
    let v1 = format!("tui-secret-{}", unique("v"));
    let v2 = format!("cli-secret-{}", unique("v"));
    let (s1, s2) = (unique("ts"), unique("cs"));
    let work = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let log = work.path().join("swarmtop.log");
    let mut seen = String::new();

    // 1. the TUI: a secret from the form, with a debug log
    let t = Tmux::start(
        &format!(
            "cd {} && {} --log-file {} --host {}",
            work.path().display(),
            swarmtop_bin().display(),
            log.display(),
            lab.manager()
        ),
        120,
        36,
        &[("XDG_STATE_HOME", state.path().display().to_string())],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&["5", "n"]);
    t.wait_text(Duration::from_secs(5), "new secret");
    t.type_text(&s1);
    t.send(&["Tab", "Tab", "Tab"]);
    t.type_text(&v1);
    seen.push_str(&t.capture());
    t.send(&["C-r"]); // shown while typing, on request: the one moment it may be on screen
    t.send(&["C-r"]);
    seen.push_str(&t.capture());
    t.send(&["C-s"]);
    seen.push_str(&t.wait_text(Duration::from_secs(5), "secret: (none) ->"));
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "secret created", || {
        lab.docker(&["secret", "inspect", &s1])
            .status
            .success()
            .then_some(())
    });
    t.send(&["Escape"]);
    for key in ["5", "2", "1", "3", "0"] {
        t.send(&[key]);
        std::thread::sleep(Duration::from_millis(300));
        seen.push_str(&t.capture());
    }
    t.send(&["5", "/"]);
    t.type_text(&s1);
    t.send(&["Enter", "d"]);
    std::thread::sleep(Duration::from_millis(500));
    seen.push_str(&t.capture());
    t.send(&["Escape", "q"]);
    t.wait_text(Duration::from_secs(10), "[exit");
    seen.push_str(&t.capture());

    // 2. the subcommand, reading the value from stdin
    let mut c = lab.swarmtop();
    c.args([
        "--log-file",
        log.to_str().unwrap(),
        "--host",
        &lab.manager(),
        "secret",
        "create",
        &s2,
        "-",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(v2.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    seen.push_str(&String::from_utf8_lossy(&out.stdout));
    seen.push_str(&String::from_utf8_lossy(&out.stderr));

    // 3. snapshots
    for format in ["json", "table"] {
        let mut c = lab.swarmtop();
        c.args(["--host", &lab.manager(), "snapshot", "--format", format]);
        let (ok, o, e) = run(&mut c);
        assert!(ok, "{e}");
        assert!(
            o.contains(&s1) && o.contains(&s2),
            "the secrets are listed by name"
        );
        seen.push_str(&o);
        seen.push_str(&e);
    }

    // 4. every file swarmtop wrote
    let mut files = Vec::new();
    for root in [work.path(), state.path()] {
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
    }
    assert!(
        files.iter().any(|f| f == &log),
        "the log was written: {files:?}"
    );
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains(&format!("create secret {s1}")),
        "{log_text}"
    );
    for f in &files {
        seen.push_str(&String::from_utf8_lossy(&std::fs::read(f).unwrap()));
    }
    for v in [&v1, &v2] {
        assert!(
            !seen.contains(v.as_str()),
            "a secret value was written somewhere"
        );
    }
    let _ = lab.docker(&["secret", "rm", &s1]);
    let _ = lab.docker(&["secret", "rm", &s2]);
}

/// A simulator served from a thread of its own, for as long as the test holds it.
struct SimThread {
    sim: swarmtop_sim::Sim,
    socket: std::path::PathBuf,
    stop: Option<std::sync::mpsc::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl SimThread {
    fn start() -> SimThread {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("sim.sock");
        let sim = swarmtop_sim::Sim::seeded(&swarmtop_sim::seed::SeedSpec::small());
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let (s2, p2) = (sim.clone(), socket.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async move {
                let _server = s2.serve_unix(&p2).await.unwrap();
                s2.start_clock();
                ready_tx.send(()).unwrap();
                // serve until the test ends
                tokio::task::spawn_blocking(move || {
                    let _ = stop_rx.recv();
                })
                .await
                .ok();
            });
        });
        ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        SimThread {
            sim,
            socket,
            stop: Some(stop_tx),
            _dir: dir,
        }
    }
}

impl Drop for SimThread {
    fn drop(&mut self) {
        self.stop.take();
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn five_thousand_events_in_a_minute_none_lost_memory_bounded() {
    let sim = SimThread::start();
    let t = Tmux::start(
        &format!(
            "{} --host unix://{}",
            swarmtop_bin().display(),
            sim.socket.display()
        ),
        140,
        30,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&[":"]);
    t.type_text("events");
    t.send(&["Enter", "/"]);
    t.type_text("loadtest");
    t.send(&["Enter"]);
    let pid = t.program_pid().unwrap();
    let rss_before = rss_kib(pid);

    // a service whose labels change 5,000 times: 5,000 swarm events, within a minute
    let id = sim.sim.with(|m| {
        let spec = bollard::models::ServiceSpec {
            name: Some("loadtest".into()),
            mode: Some(bollard::models::ServiceSpecMode {
                replicated: Some(bollard::models::ServiceSpecModeReplicated { replicas: Some(0) }),
                ..Default::default()
            }),
            task_template: Some(bollard::models::TaskSpec {
                container_spec: Some(bollard::models::TaskSpecContainerSpec {
                    image: Some("busybox:1".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        m.create_service(spec, swarmtop_sim::time::now()).unwrap()
    });
    let started = Instant::now();
    for i in 0..5000 {
        sim.sim.with(|m| {
            let s = m.services().find(|s| s.id() == id).unwrap();
            let version = s
                .service
                .version
                .as_ref()
                .and_then(|v| v.index)
                .unwrap_or(0);
            let mut spec = s.spec().clone();
            spec.labels = Some(HashMap::from([("n".to_string(), i.to_string())]));
            m.update_service(&id, version, spec, false, swarmtop_sim::time::now())
                .unwrap();
        });
        if i % 100 == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "fired within a minute"
    );
    // every one arrives: 5,000 updates and the create
    let screen = t.wait_for(Duration::from_secs(60), "5001 loadtest events", |s| {
        s.contains("events (5001 of ")
    });
    assert!(screen.contains("service loadtest updated"), "{screen}");
    let rss_after = rss_kib(pid);
    eprintln!("RSS {rss_before} KiB before, {rss_after} KiB after 5,000 events");
    assert!(
        rss_after < 200 * 1024,
        "memory stays bounded: {rss_after} KiB"
    );
    t.send(&["q"]);
}

/// Starts lab nodes again when the test ends, however it ends, and waits for the swarm to have
/// its managers back (later tests need them).
struct StartAgain<'a>(&'a Lab, &'static [&'static str]);

impl Drop for StartAgain<'_> {
    fn drop(&mut self) {
        for n in self.1 {
            let _ = self.0.sh(&["start", n]);
        }
        let back = Instant::now();
        while back.elapsed() < Duration::from_secs(90) {
            let out = self
                .0
                .docker(&["node", "ls", "--format", "{{.ManagerStatus}}"]);
            let text = String::from_utf8_lossy(&out.stdout);
            if out.status.success() && !text.contains("Unreachable") {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// `docker node ls` on node1 (the connected manager): its answer, or its error.
fn cli_node_ls(lab: &Lab) -> String {
    let out = lab.docker(&[
        "node",
        "ls",
        "--format",
        "{{.Hostname}} {{.Status}} {{.ManagerStatus}}",
    ]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Waits until `docker node ls` on node1 says node N is unreachable, whatever its status
/// (Ready or already Down), or, with `or_no_leader`, that there is no leader any more. Panics
/// with the CLI's last answer: a CI run once timed out here with nothing to go on.
fn cli_shows_unreachable(lab: &Lab, n: &str, or_no_leader: bool) {
    let host = format!("node{n} ");
    let start = Instant::now();
    loop {
        let out = cli_node_ls(lab);
        let unreachable = out
            .lines()
            .any(|l| l.starts_with(&host) && l.ends_with(" Unreachable"));
        if unreachable || (or_no_leader && out.contains("does not have a leader")) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "node{n} stopped 60 s ago and the CLI does not show it unreachable; it says:\n{out}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Issue 15: the header said "managers 3/3" for ~14 s after a manager stopped (the docker CLI
/// said Unreachable at once), and "● live · managers 3/3" for ~27 s after the quorum was lost.
/// The engine works a manager's reachability out when asked, without an event: nodes are now
/// polled, and a poll the engine answers with an error makes the data stale, in words. No
/// timing is asserted beyond "a few poll periods after the CLI shows it".
#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn lost_managers_and_a_lost_quorum_show_in_the_header_soon_after_the_cli() {
    let lab = three_managers();
    let n1 = lab.var("LAB_N1");
    // polls every 2 s: this is four of them, the old code took five or more
    let soon = Duration::from_secs(8);
    let t = Tmux::start(
        &format!("{} --host {n1}", swarmtop_bin().display()),
        160,
        30,
        &[],
    );
    t.wait_for(Duration::from_secs(30), "live, 3 managers", |s| {
        s.contains("● live") && s.contains("managers 3/3")
    });
    // first a manager that is not the leader (no election: only its reachability changes)
    let ls = cli_node_ls(&lab);
    let (first, second) = if ls.contains("node3 Ready Leader") {
        ("2", "3")
    } else {
        ("3", "2")
    };
    let _again = StartAgain(&lab, &["2", "3"]);
    assert!(lab.sh(&["stop", first]), "node{first} did not stop");
    cli_shows_unreachable(&lab, first, false);
    let cli = Instant::now();
    t.wait_for(soon, "managers 2/3 soon after the CLI", |s| {
        s.contains("managers 2/3")
    });
    eprintln!("one manager lost: header {:?} after the CLI", cli.elapsed());

    // the second one: no quorum. A leader still answers for about ten seconds (the stopped
    // managers unreachable), then steps down; from then on every read is answered "The swarm
    // does not have a leader"
    assert!(lab.sh(&["stop", second]), "node{second} did not stop");
    cli_shows_unreachable(&lab, second, true);
    let cli = Instant::now();
    // the leader itself gone: nothing can say 1/3, and reads hang during the election
    t.wait_for(
        soon,
        "managers 1/3, no leader or stale soon after the CLI",
        |s| s.contains("managers 1/3") || s.contains("NO LEADER") || s.contains("STALE"),
    );
    eprintln!(
        "two managers lost: header {:?} after the CLI",
        cli.elapsed()
    );
    eventually(
        Duration::from_secs(90),
        "the CLI says there is no leader",
        || {
            cli_node_ls(&lab)
                .contains("does not have a leader")
                .then_some(())
        },
    );
    let cli = Instant::now();
    // a read that hangs while the leader steps down counts after 10 s (POLL_DEADLINE)
    let screen = t.wait_for(Duration::from_secs(30), "no leader, stale", |s| {
        s.contains("NO LEADER") && s.contains("STALE") && !s.contains("● live")
    });
    eprintln!("quorum lost: header {:?} after the CLI", cli.elapsed());
    assert!(screen.contains("the swarm has no leader"), "{screen}");
    assert!(!screen.contains("managers 3/3"), "{screen}");

    // the managers come back: live again, all three reachable
    drop(_again);
    t.wait_for(Duration::from_secs(60), "live again, 3 managers", |s| {
        s.contains("● live") && s.contains("managers 3/3")
    });
    t.send(&["q"]);
}

struct RemoveService<'a>(&'a Lab, String);
impl Drop for RemoveService<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

/// The highest `n=N` on screen.
fn highest_n(screen: &str) -> Option<u64> {
    screen
        .split("n=")
        .skip(1)
        .filter_map(|r| r.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .max()
}

/// Issue 15: after a crash of the connected manager the session moved but the log view
/// retried the dead socket every 10 s (after a cut it said "streaming" with no lines for 89 s).
/// The stream now follows the session to the new manager, says so, and goes on.
#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn logs_follow_the_session_when_the_manager_crashes() {
    let lab = three_managers();
    let (n1, n2) = (lab.var("LAB_N1"), lab.var("LAB_N2"));
    let svc = unique("follow");
    let _rm = RemoveService(&lab, svc.clone());
    // on node3, so the crash of node1 does not stop the writer
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--constraint",
        "node.hostname==node3",
        &lab.image(1),
        "sh",
        "-c",
        "i=0; while true; do i=$((i+1)); echo n=$i; sleep 0.3; done",
    ]);
    let t = Tmux::start(
        &format!("{} --host {n1} --host {n2}", swarmtop_bin().display()),
        140,
        30,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&["2", "/"]);
    t.type_text(&svc);
    t.send(&["Enter", "l"]);
    let before = t.wait_for(Duration::from_secs(60), "log lines", |s| {
        highest_n(s).is_some_and(|n| n > 3)
    });
    let n_before = highest_n(&before).unwrap_or(0);
    assert!(lab.sh(&["crash", "1"]));
    let _again = StartAgain(&lab, &["1"]);
    t.wait_for(
        Duration::from_secs(60),
        "the log view follows the move",
        |s| s.contains(&format!("the session is now on {n2}")),
    );
    // and lines written after the crash come in, from node2
    let after = t.wait_for(Duration::from_secs(60), "newer lines after the move", |s| {
        highest_n(s).is_some_and(|n| n > n_before + 20)
    });
    assert!(!after.contains("resuming in 10s"), "{after}");
    t.send(&["q"]);
}

/// Issue 15: a scale sent while the connection to the manager was cut failed after the 30 s
/// request timeout and was not retried after the session moved. Now it stops waiting when the
/// session moves and, a scale being safe to repeat (it sets a value, against the version
/// read), is sent once more on the new manager.
#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn a_scale_in_flight_during_a_cut_is_sent_again_on_the_new_manager() {
    let lab = three_managers();
    let (tls, n2) = (lab.var("LAB_TLS"), lab.var("LAB_N2"));
    let certs = lab.var("LAB_TLS_CERTS");
    struct Heal<'a>(&'a Lab);
    impl Drop for Heal<'_> {
        fn drop(&mut self) {
            let _ = self.0.sh(&["heal", "1"]);
        }
    }
    let svc = unique("inflight");
    let _rm = RemoveService(&lab, svc.clone());
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "1",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let t = Tmux::start(
        &format!("{} --host {tls} --host {n2}", swarmtop_bin().display()),
        160,
        30,
        &[
            ("DOCKER_TLS_VERIFY", "1".to_string()),
            ("DOCKER_CERT_PATH", certs),
        ],
    );
    t.wait_for(Duration::from_secs(30), "live on node1 over TLS", |s| {
        s.contains("● live") && s.contains(&tls)
    });
    t.send(&["2"]);
    select_row(&t, &svc);
    t.send(&["s"]);
    t.wait_text(Duration::from_secs(5), &format!("scale {svc} to:"));
    t.send(&["C-u"]);
    t.type_text("3");
    t.send(&["Enter"]);
    // every write asks first, with from -> to
    t.wait_text(Duration::from_secs(5), "-> 3");
    // the cut comes first: the scale's requests go into silence
    assert!(lab.sh(&["cut", "1"]));
    let _heal = Heal(&lab);
    let sent = Instant::now();
    t.send(&["y"]);
    let screen = t.wait_for(Duration::from_secs(60), "sent again on node2", |s| {
        s.contains(&format!("sent again on {n2}"))
    });
    eprintln!("scale done on node2 {:?} after it was sent", sent.elapsed());
    assert!(!screen.contains("failed"), "{screen}");
    eventually(Duration::from_secs(30), "3 replicas asked", || {
        let r = lab.docker_ok(&[
            "service",
            "inspect",
            &svc,
            "--format",
            "{{.Spec.Mode.Replicated.Replicas}}",
        ]);
        (r.trim() == "3").then_some(())
    });
    t.send(&["q"]);
}

/// `docker -H HOST ARGS`: stdout, or "" when it fails.
fn docker_on(host: &str, args: &[&str]) -> String {
    let out = Command::new(docker_cli())
        .arg("-H")
        .arg(host)
        .args(args)
        .output()
        .expect("run docker");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Issue 15: a deploy from the editor cut by a crash said only "deploy failed"; what was
/// already created was only in the log file. Now the swarm is read again where the session
/// moved, the editor says what is in place and what is not, and `y` deploys the rest.
#[test]
#[ignore = "needs a 3-manager lab swarm: run scripts/test.sh"]
fn a_deploy_cut_by_a_crash_says_what_was_done_and_deploys_the_rest_again() {
    const SERVICES: usize = 60;
    let lab = three_managers();
    let (n1, n2) = (lab.var("LAB_N1"), lab.var("LAB_N2"));
    let stack = unique("cut");
    struct RemoveStack(String, String);
    impl Drop for RemoveStack {
        fn drop(&mut self) {
            let _ = docker_on(&self.0, &["stack", "rm", &self.1]);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut text = String::from("version: \"3.8\"\nservices:\n");
    for i in 0..SERVICES {
        text.push_str(&format!(
            "  s{i:02}:\n    image: {}\n    command: [\"sleep\", \"3600\"]\n    deploy:\n      replicas: 0\n",
            lab.image(1)
        ));
    }
    std::fs::write(dir.path().join(format!("{stack}.yml")), text).unwrap();
    let t = Tmux::start(
        &format!(
            "cd {} && {} --host {n1} --host {n2}",
            dir.path().display(),
            swarmtop_bin().display()
        ),
        160,
        40,
        &[("XDG_STATE_HOME", state.path().display().to_string())],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t.send(&[":"]);
    t.type_text(&format!("edit {stack}.yml"));
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(10), "ok: the file is valid");
    t.send(&["C-g"]);
    t.wait_text(Duration::from_secs(30), "deploy?");
    let _rm = RemoveStack(n2.clone(), stack.clone());
    t.send(&["y"]);
    // the first services are there: the connected manager crashes in the middle
    let filter = format!("label=com.docker.stack.namespace={stack}");
    eventually(Duration::from_secs(30), "the deploy under way", || {
        let n = docker_on(&n2, &["service", "ls", "-q", "--filter", &filter])
            .lines()
            .count();
        (n >= 1).then_some(())
    });
    assert!(lab.sh(&["crash", "1"]));
    let _again = StartAgain(&lab, &["1"]);
    let screen = t.wait_text(Duration::from_secs(120), "the deploy was cut off");
    let there = docker_on(&n2, &["service", "ls", "-q", "--filter", &filter])
        .lines()
        .count();
    assert!(
        there < SERVICES,
        "the crash came after the deploy ({there} services): nothing was cut\n{screen}"
    );
    // "read again from HOST: D done, L not done", then the lists (scrolled with j/k)
    let summary = line_with(&screen, &format!("read again from {n2}:"))
        .unwrap_or_else(|| panic!("no account read from node2:\n{screen}"));
    assert!(!summary.contains(" 0 not done"), "{screen}");
    assert!(screen.contains("+ created service"), "{screen}");
    // deploy the rest: every service is there
    t.send(&["y"]);
    eventually(Duration::from_secs(120), "every service deployed", || {
        let n = docker_on(&n2, &["service", "ls", "-q", "--filter", &filter])
            .lines()
            .count();
        (n == SERVICES).then_some(())
    });
    t.send(&["Escape"]);
}
