//! Custom commands (config.yaml `commands:`) against the lab: a background command shows the
//! selected task's service and node as the docker CLI names them, a long one is stopped, a
//! foreground one takes the terminal and gives it back, and a read-only session refuses a
//! command not marked safe and runs a safe one.

use std::time::Duration;

use crate::common::*;

const CONFIG: &str = "\
commands:
  - name: where
    key: W
    panes: [tasks, services]
    command: echo svc={service} node={node}
  - name: long
    key: L
    panes: [tasks]
    command: echo started; sleep 600
  - name: hello
    key: Y
    panes: [tasks]
    command: echo hi-from-fg; read x
    mode: foreground
  - name: harmless
    key: Z
    panes: [tasks]
    command: echo safe-{service}
    safe: true
";

struct Remove<'a>(&'a Lab, String);

impl Drop for Remove<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

fn start(lab: &Lab, xdg: &std::path::Path, flags: &str) -> Tmux {
    let t = Tmux::start(
        &format!(
            "{} --host {} {flags}",
            swarmtop_bin().display(),
            lab.manager()
        ),
        100,
        30,
        &[("XDG_CONFIG_HOME", xdg.display().to_string())],
    );
    t.wait_text(Duration::from_secs(30), "● live");
    t
}

fn on_task(t: &Tmux, svc: &str) {
    t.send(&["3"]);
    t.wait_text(Duration::from_secs(10), "┌ tasks");
    select_row(t, svc);
    t.wait_for(Duration::from_secs(60), "the task running", |s| {
        line_with(s, svc).is_some_and(|l| l.contains("Running"))
    });
}

#[test]
#[ignore]
fn custom_commands_fill_the_rows_names_run_in_both_modes_and_obey_read_only() {
    let lab = Lab::get();
    let svc = unique("cmd");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--constraint",
        "node.hostname==node2",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let _cleanup = Remove(&lab, svc.clone());
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("swarmtop")).unwrap();
    std::fs::write(xdg.path().join("swarmtop/config.yaml"), CONFIG).unwrap();

    let t = start(&lab, xdg.path(), "");
    on_task(&t, &svc);
    // the docker CLI says where the task runs
    let node = eventually(Duration::from_secs(30), "the task's node", || {
        let out = lab.docker_ok(&[
            "service",
            "ps",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}}",
            &svc,
        ]);
        out.lines()
            .next()
            .map(|l| l.trim().to_string())
            .filter(|n| !n.is_empty())
    });
    assert_eq!(node, "node2");

    // background: the output view with the row's names, and how it ended
    t.send(&["W"]);
    let screen = t.wait_text(Duration::from_secs(20), "[exit 0]");
    let want = format!("svc={svc} node={node}");
    assert!(screen.lines().any(|l| l.contains(&want)), "{screen}");
    assert!(screen.contains("where · exit 0"), "{screen}");
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    t.wait_text(Duration::from_secs(10), "┌ tasks");

    // a long one is stopped with ctrl-k, and its process group is gone
    t.send(&["L"]);
    t.wait_text(Duration::from_secs(20), "started");
    t.send(&["C-k"]);
    let screen = t.wait_text(Duration::from_secs(20), "[stopped");
    assert!(screen.contains("long · stopped"), "{screen}");
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));

    // foreground: the terminal is the command's until it ends, then swarmtop's again
    t.send(&["Y"]);
    t.wait_for(Duration::from_secs(20), "the command's own line", |s| {
        s.lines().any(|l| l.trim() == "hi-from-fg")
    });
    assert!(!t.alternate_screen(), "the command has the normal screen");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(20), "hello ended (exit 0)");
    assert!(t.alternate_screen(), "swarmtop has its screen back");
    assert!(
        screen.contains("┌ tasks") && !screen.contains("hi-from-fg"),
        "{screen}"
    );
    // and it still takes keys
    t.send(&["W"]);
    t.wait_text(Duration::from_secs(20), "[exit 0]");
    drop(t);

    // read-only: the command not marked safe is refused, the safe one runs
    let t = start(&lab, xdg.path(), "--read-only");
    on_task(&t, &svc);
    t.send(&["W"]);
    let screen = t.wait_text(Duration::from_secs(10), "the command where refused");
    assert!(!screen.contains(&want), "{screen}");
    t.send(&["Z"]);
    let screen = t.wait_text(Duration::from_secs(20), "[exit 0]");
    assert!(
        screen.lines().any(|l| l.contains(&format!("safe-{svc}"))),
        "{screen}"
    );
}
