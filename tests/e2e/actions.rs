//! Issue 5: operator actions from the keyboard against the real swarm, with the docker CLI as
//! the judge: drain/activate, promote/demote (and the quorum guard), scale, a rolling update
//! through the form with its live rollout view, rollback, a secret from the form.

use std::time::Duration;

use crate::common::*;

fn inspect(lab: &Lab, what: &str, name: &str, format: &str) -> String {
    lab.docker_ok(&[what, "inspect", name, "--format", format])
        .trim()
        .to_string()
}

struct Restore<'a>(&'a Lab, Vec<Vec<&'static str>>);
impl Drop for Restore<'_> {
    fn drop(&mut self) {
        for args in &self.1 {
            let _ = self.0.docker(args);
        }
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn drain_and_activate_a_node() {
    let lab = Lab::get();
    let svc = unique("dr");
    let _restore = Restore(
        &lab,
        vec![vec!["node", "update", "--availability", "active", "node2"]],
    );
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "3",
        "--stop-grace-period",
        "1s",
        "--placement-pref",
        "spread=node.id",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let _rm = Restore(&lab, vec![]);
    eventually(Duration::from_secs(60), "3 running", || {
        let ps = lab.docker_ok(&[
            "service",
            "ps",
            &svc,
            "--filter",
            "desired-state=running",
            "--format",
            "{{.CurrentState}}",
        ]);
        (ps.lines().filter(|l| l.starts_with("Running")).count() == 3).then_some(())
    });
    let t = start_on(&lab, 120, 36);
    t.send(&["1"]);
    select_row(&t, "node2");
    t.send(&["D"]);
    // the confirmation says what would move
    let screen = t.wait_text(Duration::from_secs(5), "drain node2");
    assert!(screen.contains("moves"), "{screen}");
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "node2 drained", || {
        (inspect(&lab, "node", "node2", "{{.Spec.Availability}}") == "drain").then_some(())
    });
    eventually(
        Duration::from_secs(60),
        "no task of the service left on node2",
        || {
            let ps = lab.docker_ok(&[
                "service",
                "ps",
                &svc,
                "--filter",
                "desired-state=running",
                "--format",
                "{{.Node}} {{.CurrentState}}",
            ]);
            let on2 = ps.lines().any(|l| l.starts_with("node2 "));
            let running = ps.lines().filter(|l| l.contains("Running")).count();
            (!on2 && running == 3).then_some(())
        },
    );
    t.wait_for(Duration::from_secs(10), "Drain shown", |s| {
        line_with(s, "node2").is_some_and(|l| l.contains("Drain"))
    });
    // every write asks, with what changes
    t.send(&["a"]);
    t.wait_text(Duration::from_secs(5), "availability: drain -> active");
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "node2 active", || {
        (inspect(&lab, "node", "node2", "{{.Spec.Availability}}") == "active").then_some(())
    });
    t.send(&["q"]);
    let _ = lab.docker(&["service", "rm", &svc]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn promote_and_demote_with_the_quorum_guard() {
    let lab = Lab::get();
    let _restore = Restore(&lab, vec![vec!["node", "demote", "node3"]]);
    let t = start_on(&lab, 120, 36);
    t.send(&["1"]);
    // the only manager cannot be demoted
    select_row(&t, "node1");
    t.send(&["-"]);
    t.wait_text(
        Duration::from_secs(5),
        "demote refused: node1 is the only manager",
    );
    assert_eq!(inspect(&lab, "node", "node1", "{{.Spec.Role}}"), "manager");

    t.send(&["Escape"]);
    select_row(&t, "node3");
    t.send(&["+"]);
    t.wait_text(Duration::from_secs(5), "Promote node3 to manager?");
    t.send(&["y"]);
    eventually(Duration::from_secs(30), "node3 is a manager", || {
        (inspect(&lab, "node", "node3", "{{.Spec.Role}}") == "manager").then_some(())
    });
    eventually(Duration::from_secs(60), "node3 reachable", || {
        let r = inspect(
            &lab,
            "node",
            "node3",
            "{{if .ManagerStatus}}{{.ManagerStatus.Reachability}}{{end}}",
        );
        (r == "reachable").then_some(())
    });
    // two managers: the header says so; demoting one of two is allowed (quorum 1 after)
    t.wait_text(Duration::from_secs(15), "managers 2/2");
    t.send(&["-"]);
    let screen = t.wait_text(Duration::from_secs(5), "Demote node3 to worker?");
    assert!(
        screen.contains("now: 2 of 2 managers reachable"),
        "{screen}"
    );
    t.send(&["y"]);
    // right after a promote the engine may still refuse a demote: the status line says so,
    // and pressing the key again (as a person would) works once raft has settled
    let tries = std::cell::Cell::new(0);
    t.wait_for(Duration::from_secs(90), "node3 a worker", |s| {
        if inspect(&lab, "node", "node3", "{{.Spec.Role}}") == "worker" {
            return true;
        }
        if s.contains("demote node3 to worker failed") && tries.get() < 5 {
            tries.set(tries.get() + 1);
            std::thread::sleep(Duration::from_secs(3));
            t.send(&["-"]);
            std::thread::sleep(Duration::from_millis(300));
            t.send(&["y"]);
        }
        false
    });
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn scale_roll_out_with_the_form_and_roll_back() {
    let lab = Lab::get();
    let svc = unique("ro");
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
        "--update-monitor",
        "1s",
        "--rollback-monitor",
        "1s",
        "--rollback-parallelism",
        "0",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let t = start_on(&lab, 120, 36);
    t.send(&["2"]);
    select_row(&t, &svc);

    // scale to 5, after a refused answer that keeps what was typed; the prompt holds today's
    // count (2), and what is typed replaces it (it was appended: `s 5` asked for 25)
    t.send(&["s"]);
    t.wait_text(Duration::from_secs(5), &format!("scale {svc} to: 2"));
    t.type_text("lots");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "\"lots\" is not a whole number");
    t.send(&["C-u"]);
    t.type_text("5");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "replicas: 2 -> 5");
    t.send(&["y"]);
    eventually(Duration::from_secs(60), "5/5 in docker service ls", || {
        let r = lab.docker_ok(&[
            "service",
            "ls",
            "--filter",
            &format!("name={svc}"),
            "--format",
            "{{.Replicas}}",
        ]);
        (r.trim() == "5/5").then_some(())
    });

    // the rolling update form: image :2, parallelism 1, delay 0s
    t.send(&["u"]);
    t.wait_text(Duration::from_secs(5), &format!("rolling update of {svc}"));
    t.send(&["C-u"]);
    t.type_text(&lab.image(2));
    t.send(&["Tab", "C-u"]);
    t.type_text("1");
    t.send(&["Tab", "C-u"]);
    t.type_text("0s");
    t.send(&["C-s"]);
    t.wait_text(Duration::from_secs(5), &format!("-> {}", lab.image(2)));
    t.send(&["y"]);
    // the rollout view follows it, slot by slot
    let screen = t.wait_text(Duration::from_secs(15), &format!("rollout of {svc}"));
    assert!(screen.contains("PROGRESS"), "{screen}");
    t.wait_text(Duration::from_secs(120), "5/5 slots done");
    eventually(Duration::from_secs(60), "update completed", || {
        (inspect(
            &lab,
            "service",
            &svc,
            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
        ) == "completed")
            .then_some(())
    });
    assert_eq!(
        inspect(
            &lab,
            "service",
            &svc,
            "{{.Spec.TaskTemplate.ContainerSpec.Image}}"
        ),
        lab.image(2)
    );
    assert_eq!(
        inspect(&lab, "service", &svc, "{{.Spec.UpdateConfig.Parallelism}}"),
        "1"
    );

    // rollback is one key away in the rollout view
    t.send(&["R"]);
    t.wait_text(Duration::from_secs(5), &format!("Roll {svc} back"));
    t.send(&["y"]);
    t.wait_text(Duration::from_secs(20), "rollback to the previous spec");
    eventually(Duration::from_secs(120), "rollback completed", || {
        (inspect(
            &lab,
            "service",
            &svc,
            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
        ) == "rollback_completed")
            .then_some(())
    });
    assert_eq!(
        inspect(
            &lab,
            "service",
            &svc,
            "{{.Spec.TaskTemplate.ContainerSpec.Image}}"
        ),
        lab.image(1)
    );
    t.send(&["q"]);
    let _ = lab.docker(&["service", "rm", &svc]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn create_a_secret_from_the_form_without_showing_it() {
    let lab = Lab::get();
    let name = unique("sec");
    let value = "correct-horse-battery-staple";
    let _rm = Restore(&lab, vec![]);
    let t = start_on(&lab, 120, 36);
    t.send(&["5", "n"]);
    t.wait_text(Duration::from_secs(5), "new secret");
    t.type_text(&name);
    t.send(&["Tab"]);
    t.type_text("team=ops");
    t.send(&["Tab", "Tab"]);
    t.type_text(value);
    let screen = t.capture();
    assert!(!screen.contains(value), "typed secret is masked: {screen}");
    t.send(&["C-s"]);
    let screen = t.wait_text(Duration::from_secs(5), &format!("secret: (none) -> {name}"));
    assert!(
        !screen.contains(value),
        "the dialog shows no value: {screen}"
    );
    t.send(&["y"]);
    eventually(
        Duration::from_secs(20),
        "the secret in docker secret ls",
        || {
            lab.docker_ok(&["secret", "ls", "--format", "{{.Name}}"])
                .lines()
                .any(|l| l == name)
                .then_some(())
        },
    );
    assert_eq!(
        inspect(&lab, "secret", &name, "{{index .Spec.Labels \"team\"}}"),
        "ops"
    );
    // on screen: its name, never its value, even in describe
    t.wait_text(Duration::from_secs(10), &name);
    select_row(&t, &name);
    t.send(&["d"]);
    let screen = t.wait_text(Duration::from_secs(5), "data is never shown");
    assert!(!screen.contains(value));
    // the same name again is refused, with what was typed kept
    t.send(&["Escape", "Escape", "n"]);
    t.type_text(&name);
    t.send(&["Tab", "Tab", "Tab"]);
    t.type_text("x");
    t.send(&["C-s"]);
    let screen = t.wait_text(Duration::from_secs(5), "exists already");
    assert!(screen.contains(&name), "{screen}");
    t.send(&["Escape", "q"]);
    let _ = lab.docker(&["secret", "rm", &name]);
}
