//! A shell in a task's container from the tasks pane (issue "Node reach": `s` opens `sh` over
//! the engine's exec API; the TUI steps aside and comes back with its screen).

use std::time::Duration;

use crate::common::*;

struct Remove<'a>(&'a Lab, String);

impl Drop for Remove<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

/// A service of one task on node `n` (1-based); its task's container ID once it runs.
fn service_on(lab: &Lab, svc: &str, n: u8) -> String {
    let constraint = format!("node.hostname==node{n}");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        svc,
        "--constraint",
        &constraint,
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    eventually(Duration::from_secs(60), "the task's container", || {
        let id = lab.docker_ok(&[
            "service",
            "ps",
            "-q",
            "--no-trunc",
            "--filter",
            "desired-state=running",
            svc,
        ]);
        let task = id.lines().next()?.trim().to_string();
        let st = lab.docker_ok(&["inspect", "--format", "{{json .Status}}", &task]);
        let st: serde_json::Value = serde_json::from_str(st.trim()).ok()?;
        let c = st["ContainerStatus"]["ContainerID"].as_str()?;
        (st["State"] == "running" && !c.is_empty()).then(|| c.to_string())
    })
}

/// The tasks pane with the service's task selected.
fn on_its_task(t: &Tmux, svc: &str) {
    t.send(&["3"]);
    t.wait_text(Duration::from_secs(10), "┌ tasks");
    select_row(t, svc);
    t.wait_for(Duration::from_secs(30), "the task running", |s| {
        line_with(s, svc).is_some_and(|l| l.contains("Running"))
    });
}

/// The shell's own lines (what the TUI does not draw): the output of `cmd`, once it shows.
fn run_in_shell(t: &Tmux, cmd: &str, want: &str) -> String {
    t.type_text(cmd);
    t.send(&["Enter"]);
    t.wait_for(Duration::from_secs(20), &format!("{cmd} -> {want}"), |s| {
        s.lines().any(|l| l.trim() == want)
    })
}

#[test]
#[ignore]
fn a_shell_in_a_task_runs_there_follows_the_size_and_gives_the_screen_back() {
    let lab = Lab::get();
    let svc = unique("shell");
    let container = service_on(&lab, &svc, 1);
    let _cleanup = Remove(&lab, svc.clone());
    let t = start_on(&lab, 100, 30);
    on_its_task(&t, &svc);

    t.send(&["s"]);
    t.wait_for(Duration::from_secs(30), "the shell's prompt", |s| {
        s.contains(&format!("swarmtop: sh in {svc}.1.")) && s.contains("/ #")
    });
    assert!(!t.alternate_screen(), "the shell has the normal screen");
    // the container's hostname is its ID's first 12 characters
    run_in_shell(&t, "hostname", &container[..12]);
    run_in_shell(&t, "stty size", "30 100");
    t.resize(90, 26);
    // the new size reaches the container through an exec resize sent on SIGWINCH: on a busy
    // machine a `stty size` typed at once can run before it lands, so it is asked again
    let mut resized = false;
    for _ in 0..5 {
        t.type_text("stty size");
        t.send(&["Enter"]);
        let seen = t.wait_for_or_none(Duration::from_secs(4), |s| {
            s.lines().any(|l| l.trim() == "26 90")
        });
        if seen {
            resized = true;
            break;
        }
    }
    assert!(
        resized,
        "the container never saw the new size:\n{}",
        t.capture()
    );
    // ctrl-c reaches the container (it stops the sleep there), not swarmtop
    t.type_text("sleep 600");
    t.send(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    t.send(&["C-c"]);
    run_in_shell(&t, "echo still-$((40+2))", "still-42");

    t.type_text("exit 3");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(20), "┌ tasks");
    assert!(t.alternate_screen(), "swarmtop has its screen back");
    assert!(
        screen.contains(&format!("shell in {svc}.1.")) && screen.contains("ended (exit 3)"),
        "{screen}"
    );
    // the whole screen is swarmtop's again, at the new size: the shell's lines are gone
    assert!(line_with(&screen, &svc).is_some(), "{screen}");
    assert!(!screen.contains("/ #"), "{screen}");
    assert!(!screen.contains("still-42"), "{screen}");

    // ctrl-p ctrl-q leaves, as with docker exec -it
    t.send(&["s"]);
    t.wait_for(Duration::from_secs(30), "the shell again", |s| {
        s.contains("/ #")
    });
    t.send(&["C-p"]);
    t.send(&["C-q"]);
    let screen = t.wait_text(Duration::from_secs(20), "ended (left with ctrl-p ctrl-q)");
    assert!(
        screen.contains("┌ tasks") && t.alternate_screen(),
        "{screen}"
    );

    // the container killed under the shell: the process ended, and how
    t.send(&["s"]);
    t.wait_for(Duration::from_secs(30), "the shell again", |s| {
        s.contains("/ #")
    });
    lab.docker_ok(&["kill", &container]);
    let screen = t.wait_text(Duration::from_secs(30), "ended (exit 137)");
    assert!(
        screen.contains("┌ tasks") && t.alternate_screen(),
        "{screen}"
    );

    // and it still takes keys
    t.send(&["2"]);
    t.wait_text(Duration::from_secs(10), "┌ services");
}

/// `S`: a command typed in the prompt runs as words, without a shell; one that cannot be run
/// says why (the runtime's words, which it wrote on the screen that went away).
#[test]
#[ignore]
fn exec_runs_the_typed_command_and_says_why_one_cannot_run() {
    let lab = Lab::get();
    let svc = unique("shellexec");
    service_on(&lab, &svc, 1);
    let _cleanup = Remove(&lab, svc.clone());
    let t = start_on(&lab, 100, 30);
    on_its_task(&t, &svc);

    t.send(&["S"]);
    t.wait_for(Duration::from_secs(10), "the exec prompt", |s| {
        s.contains(&format!("run in {svc}.1.")) && s.contains(": sh█")
    });
    t.send(&["C-u"]);
    t.type_text("sh -c 'echo typed-$((6*7)); read x; exit 5'");
    t.send(&["Enter"]);
    t.wait_for(Duration::from_secs(30), "the command's output", |s| {
        s.lines().any(|l| l.trim() == "typed-42")
    });
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(20), "ended (exit 5)");

    t.send(&["S"]);
    t.wait_text(Duration::from_secs(10), ": sh█");
    t.send(&["C-u"]);
    t.type_text("no-such-command");
    t.send(&["Enter"]);
    let screen = t.wait_for(Duration::from_secs(30), "why it could not run", |s| {
        s.contains("ended (exit 12")
    });
    let line = line_with(&screen, "ended (exit 12").unwrap();
    assert!(
        line.contains("no-such-command") || line.contains("not found"),
        "{screen}"
    );
    assert!(t.alternate_screen(), "{screen}");
}

/// The connection to the engine cut while the shell runs (packets dropped, no error ever comes
/// back): nothing answers the keys, and ctrl-p ctrl-q is the way back to swarmtop.
#[test]
#[ignore]
fn a_shell_whose_connection_is_cut_is_left_with_ctrl_p_ctrl_q() {
    let lab = Lab::get();
    let svc = unique("shellcut");
    service_on(&lab, &svc, 1);
    let _cleanup = Remove(&lab, svc.clone());
    struct Heal<'a>(&'a Lab);
    impl Drop for Heal<'_> {
        fn drop(&mut self) {
            self.0.sh(&["heal", "1"]);
        }
    }
    let certs = lab.var("LAB_TLS_CERTS");
    let t = Tmux::start(
        &format!(
            "{} --host {} --tlsverify --tlscacert {certs}/ca.pem --tlscert {certs}/cert.pem --tlskey {certs}/key.pem",
            swarmtop_bin().display(),
            lab.var("LAB_TLS")
        ),
        100,
        30,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    on_its_task(&t, &svc);
    t.send(&["s"]);
    t.wait_for(Duration::from_secs(30), "the shell's prompt", |s| {
        s.contains("/ #")
    });
    run_in_shell(&t, "echo before-$((1+1))", "before-2");
    assert!(lab.sh(&["cut", "1"]), "lab.sh cut 1");
    let _heal = Heal(&lab);
    t.type_text("echo after-$((2+2))");
    t.send(&["Enter"]);
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !t.capture().contains("after-4"),
        "the cut lets nothing through"
    );
    t.send(&["C-p"]);
    t.send(&["C-q"]);
    let screen = t.wait_text(Duration::from_secs(10), "ended (left with ctrl-p ctrl-q)");
    assert!(t.alternate_screen(), "{screen}");
}

/// A task on another node: its engine is reached as the node reach says (here: ssh through
/// the manager the session is on, as a jump host), the hijacked stream over `ssh ... docker
/// system dial-stdio`.
#[test]
#[ignore]
fn a_shell_on_another_node_goes_over_ssh_through_the_manager() {
    let lab = Lab::get();
    let svc = unique("shell2");
    let container = service_on(&lab, &svc, 2);
    let _cleanup = Remove(&lab, svc.clone());
    let t = Tmux::start(
        &format!("{} --host {}", swarmtop_bin().display(), lab.ssh_url()),
        100,
        30,
        &[
            ("PATH", lab.ssh_path()),
            ("DOCKER_CONFIG", "/nonexistent-swarmtop-e2e".to_string()),
        ],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    on_its_task(&t, &svc);
    t.send(&["s"]);
    t.wait_for(Duration::from_secs(60), "the shell's prompt", |s| {
        s.contains("/ #")
    });
    run_in_shell(&t, "hostname", &container[..12]);
    t.type_text("exit");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(20), "ended (exit 0)");
    assert!(screen.contains("┌ tasks"), "{screen}");
}

#[test]
#[ignore]
fn read_only_refuses_a_shell_and_starts_nothing() {
    let lab = Lab::get();
    let svc = unique("shellro");
    let container = service_on(&lab, &svc, 1);
    let _cleanup = Remove(&lab, svc.clone());
    let t = Tmux::start(
        &format!(
            "{} --read-only --host {}",
            swarmtop_bin().display(),
            lab.manager()
        ),
        100,
        30,
        &[],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    on_its_task(&t, &svc);
    for key in ["s", "S"] {
        t.send(&[key]);
        let name = if key == "s" { "shell" } else { "exec" };
        let screen = t.wait_text(
            Duration::from_secs(10),
            &format!("read-only (--read-only): {name} refused, nothing was changed"),
        );
        assert!(t.alternate_screen(), "{screen}");
        assert!(!screen.contains("run in "), "no prompt: {screen}");
    }
    // nothing was created in the container
    let execs = lab.docker_ok(&["inspect", "--format", "{{json .ExecIDs}}", &container]);
    assert_eq!(execs.trim(), "null", "no exec was created");
}

/// The hijacked exec stream over every transport the session can use to the manager's own
/// node: plain tcp and TLS (unix and ssh are above).
#[test]
#[ignore]
fn a_shell_over_tcp_and_tls() {
    let lab = Lab::get();
    let svc = unique("shelltcp");
    let container = service_on(&lab, &svc, 1);
    let _cleanup = Remove(&lab, svc.clone());
    let certs = lab.var("LAB_TLS_CERTS");
    let tls = format!(
        "--host {} --tlsverify --tlscacert {certs}/ca.pem --tlscert {certs}/cert.pem --tlskey {certs}/key.pem",
        lab.var("LAB_TLS")
    );
    for (what, args) in [
        ("tcp", format!("--host {}", lab.var("LAB_TCP"))),
        ("tls", tls),
    ] {
        let t = Tmux::start(
            &format!("{} {args}", swarmtop_bin().display()),
            100,
            30,
            &[],
        );
        t.wait_text(Duration::from_secs(30), "● live");
        on_its_task(&t, &svc);
        t.send(&["s"]);
        t.wait_for(
            Duration::from_secs(30),
            &format!("{what}: the shell's prompt"),
            |s| s.contains("/ #"),
        );
        run_in_shell(&t, "hostname", &container[..12]);
        t.type_text("exit");
        t.send(&["Enter"]);
        let screen = t.wait_text(Duration::from_secs(20), "ended (exit 0)");
        assert!(screen.contains("┌ tasks"), "{what}: {screen}");
    }
}
