//! The incident drill at 80x24: faults planted on the lab (a node dies, a service cannot be
//! placed, one crash-loops, one was just updated), and each question an on-call operator asks
//! first is answered on screen, in words, within two keys of launch.

use std::time::Duration;

use crate::common::*;
use crate::panes::Cleanup;

/// The pane's rows and the detail under it (the selected row's whole text), as seen.
fn after_keys(lab: &Lab, keys: &[&str], what: &str, pred: impl Fn(&str) -> bool) -> String {
    after_reading(lab, |_| true, keys, what, pred)
}

/// [`after_keys`], the keys pressed once the screen says `ready` (what a person reads before
/// pressing them: the header's count of the problems the keys go through).
fn after_reading(
    lab: &Lab,
    ready: impl Fn(&str) -> bool,
    keys: &[&str],
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    assert!(keys.len() <= 2, "{what}: more than two keys");
    let t = start_on(lab, 80, 24);
    t.wait_for(
        Duration::from_secs(60),
        &format!("{what}: the header"),
        ready,
    );
    for k in keys {
        t.send(&[k]);
        std::thread::sleep(Duration::from_millis(300));
    }
    let screen = t.wait_for(Duration::from_secs(60), what, &pred);
    t.send(&["C-c"]);
    screen
}

/// The text under the table: the selected problem's whole reason, wrapped.
fn detail(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.starts_with('└'))
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn five_incident_questions_within_two_keys_at_80x24() {
    let lab = Lab::get();
    // named so that they lead the problems among equals (ordered by object)
    let crashy = unique("aacrash");
    let stuck = unique("abstuck");
    let web = unique("acweb");
    let mut cleanup = Cleanup {
        lab: &lab,
        services: vec![crashy.clone(), stuck.clone(), web.clone()],
        restart_node: None,
        other: Vec::new(),
    };
    let (img1, img2) = (lab.image(1), lab.image(2));
    let create = |args: &[&str]| {
        let mut a = vec![
            "service",
            "create",
            "-d",
            "--no-resolve-image",
            "--stop-grace-period",
            "1s",
        ];
        a.extend_from_slice(args);
        lab.docker_ok(&a);
    };
    // web runs everywhere, then is updated: what changed is an image
    create(&["--name", &web, "--mode", "global", &img1, "sleep", "3600"]);
    eventually(Duration::from_secs(60), "web on every node", || {
        let n = lab
            .docker_ok(&[
                "service",
                "ps",
                &web,
                "--filter",
                "desired-state=running",
                "--format",
                "{{.CurrentState}}",
            ])
            .lines()
            .filter(|l| l.starts_with("Running"))
            .count();
        (n == 3).then_some(())
    });
    lab.docker_ok(&[
        "service",
        "update",
        "-d",
        "--no-resolve-image",
        "--image",
        &img2,
        &web,
    ]);
    // node3 dies
    assert!(lab.sh(&["crash", "3"]), "lab.sh crash 3");
    cleanup.restart_node = Some(3);
    eventually(Duration::from_secs(60), "node3 down", || {
        (lab.docker_ok(&["node", "inspect", "node3", "--format", "{{.Status.State}}"])
            .trim()
            == "down")
            .then_some(())
    });
    create(&[
        "--name",
        &stuck,
        "--replicas",
        "2",
        "--constraint",
        "node.labels.zone==mars",
        &img1,
        "sleep",
        "3600",
    ]);
    create(&[
        "--name",
        &crashy,
        "--restart-delay",
        "1s",
        &img1,
        "sh",
        "-c",
        "echo boom; exit 3",
    ]);
    eventually(
        Duration::from_secs(60),
        "the crash-looping service failed",
        || {
            lab.docker_ok(&["service", "ps", &crashy, "--format", "{{.Error}}"])
                .contains("non-zero exit (3)")
                .then_some(())
        },
    );

    // 1. Is anything broken, how badly? The header says it at launch, before any key.
    let screen = after_keys(&lab, &[], "the header's summary", |s| {
        s.contains("crit") && s.contains("1 down")
    });
    let header = screen.lines().nth(1).unwrap_or("");
    assert!(header.contains("<0>"), "the key to the problems: {header}");

    // 2. Why does the crashing service not run? `0`: first among the critical ones, with its
    // exit code and how often it failed
    // the two critical ones counted: the crash loop is critical while its task is caught
    // running too, so which is first does not change under the keys
    let both_critical = |s: &str| s.lines().nth(1).is_some_and(|h| h.contains("2 crit"));
    let screen = after_reading(
        &lab,
        both_critical,
        &["0"],
        "the crashing service's reason",
        |s| {
            let d = detail(s);
            d.contains(&format!("{crashy}:")) && d.contains("non-zero exit (3)")
        },
    );
    let d = detail(&screen);
    // between two failures its task may be caught running: then it is said crash-looping
    assert!(
        d.contains("0/1 running") || d.contains("crash-looping"),
        "{d}"
    );
    assert!(d.contains("failed"), "{d}");

    // 3. Why is the stuck service not at its replicas? `0 j`: the constraint, the answer
    let screen = after_reading(
        &lab,
        both_critical,
        &["0", "j"],
        "the stuck service's reason",
        |s| detail(s).contains(&format!("{stuck}:")),
    );
    let d = detail(&screen);
    assert!(d.contains("0/2 running"), "{d}");
    assert!(d.contains("node.labels.zone==mars"), "{d}");

    // 4. What changed in the last 15 minutes? `9`: the update, image from and to
    let tag = |i: &str| i.rsplit(':').next().unwrap_or("").to_string();
    let screen = after_keys(&lab, &["9"], "the image update in the events", |s| {
        s.lines().any(|l| {
            l.contains(&format!("service {web} updated"))
                && l.contains(&format!(":{} → ", tag(&img1)))
        })
    });
    assert!(
        screen.lines().any(|l| l.contains(&format!(
            "service {web} updated: image {img1} → :{}",
            tag(&img2)
        ))),
        "{screen}"
    );

    // 5. Which node is down, and what ran there? `1`: node3 Down; `2`: the service that
    // had a task there does not count it
    let screen = after_keys(&lab, &["1"], "node3 down", |s| {
        line_with(s, "node3").is_some_and(|l| l.contains("Down"))
    });
    assert!(
        line_with(&screen, "node1").is_some_and(|l| l.contains("Ready")),
        "{screen}"
    );
    let screen = after_keys(&lab, &["2"], "web's task on the dead node", |s| {
        line_with(s, &web).is_some_and(|l| l.contains("down"))
    });
    let line = line_with(&screen, &web).unwrap_or("");
    assert!(!line.contains("3/3"), "not counted as running: {line}");
}

/// A subnet that runs out: tasks wait in NEW with no error from the engine (moby#43052); the
/// problems view names the network and why, and Enter shows it among the networks.
#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_network_out_of_addresses_is_named() {
    let lab = Lab::get();
    let net = unique("tiny");
    let svc = unique("crowd");
    // dropped last: the network goes once the service's tasks are gone
    struct RmNetwork<'a>(&'a Lab, String);
    impl Drop for RmNetwork<'_> {
        fn drop(&mut self) {
            for _ in 0..30 {
                if self.0.docker(&["network", "rm", &self.1]).status.success() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
    let _net = RmNetwork(&lab, net.clone());
    let _cleanup = Cleanup {
        lab: &lab,
        services: vec![svc.clone()],
        restart_node: None,
        other: Vec::new(),
    };
    // 5 addresses: the VIP and four tasks take them, two tasks wait
    lab.docker_ok(&[
        "network",
        "create",
        "-d",
        "overlay",
        "--subnet",
        "10.231.7.0/29",
        &net,
    ]);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--name",
        &svc,
        "--network",
        &net,
        "--replicas",
        "6",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    eventually(Duration::from_secs(60), "tasks waiting in NEW", || {
        lab.docker_ok(&["service", "ps", &svc, "--format", "{{.CurrentState}}"])
            .lines()
            .any(|l| l.starts_with("New"))
            .then_some(())
    });
    let t = start_on(&lab, 80, 24);
    t.send(&["0"]);
    let screen = t.wait_for(Duration::from_secs(30), "the network's problem", |s| {
        s.contains(&format!(
            "network {net} (10.231.7.0/29) is out of addresses"
        ))
    });
    assert!(screen.contains("wait in NEW"), "{screen}");
    // Enter: the network, selected in the networks pane
    let row = screen
        .lines()
        .position(|l| l.contains(&format!("network {net} (")))
        .unwrap();
    let first = screen.lines().position(|l| l.contains("SEV")).unwrap() + 1;
    for _ in first..row {
        t.send(&["j"]);
    }
    t.send(&["Enter"]);
    let screen = t.wait_for(Duration::from_secs(10), "the networks pane", |s| {
        s.lines()
            .any(|l| l.starts_with('┌') && l.contains("networks"))
    });
    t.send(&["d"]);
    t.wait_text(Duration::from_secs(10), "10.231.7.0/29");
    drop(screen);
}
