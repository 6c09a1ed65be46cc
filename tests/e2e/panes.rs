//! Issue 3: the panes agree with the docker CLI, and the problems view explains what is broken
//! (an unschedulable service, a crashing service, a dead node) in words.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// Undoes what a test planted: services, then other docker commands, then restarts a node.
pub struct Cleanup<'a> {
    pub lab: &'a Lab,
    pub services: Vec<String>,
    pub restart_node: Option<u8>,
    pub other: Vec<Vec<String>>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for s in &self.services {
            let _ = self.lab.docker(&["service", "rm", s]);
        }
        for args in &self.other {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = self.lab.docker(&a);
        }
        if let Some(n) = self.restart_node {
            let root = env!("CARGO_MANIFEST_DIR");
            let _ = Command::new(format!("{root}/tests/lab/lab.sh"))
                .args(["start", &n.to_string()])
                .env("LAB_DIR", self.lab.var("LAB_DIR"))
                .env("LAB_PREFIX", self.lab.var("LAB_PREFIX"))
                .env("LAB_SUBNET", self.lab.var("LAB_SUBNET"))
                .status();
            let _ = eventually_ok(Duration::from_secs(60), || {
                self.lab
                    .docker_ok(&[
                        "node",
                        "inspect",
                        &format!("node{n}"),
                        "--format",
                        "{{.Status.State}}",
                    ])
                    .trim()
                    == "ready"
            });
        }
    }
}

fn eventually_ok(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn problems_view_explains_what_is_broken() {
    let lab = Lab::get();
    let stuck = unique("stuck");
    let crashy = unique("crashy");
    let mut cleanup = Cleanup {
        lab: &lab,
        services: vec![stuck.clone(), crashy.clone()],
        restart_node: None,
        other: Vec::new(),
    };
    let img = lab.image(1);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &stuck,
        "--replicas",
        "2",
        "--constraint",
        "node.labels.zone==mars",
        &img,
        "sleep",
        "3600",
    ]);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &crashy,
        "--replicas",
        "1",
        "--restart-delay",
        "1s",
        &img,
        "sh",
        "-c",
        "echo boom; exit 3",
    ]);
    // a dead node: kill its dockerd (everything of that node dies with it)
    assert!(lab.sh(&["crash", "3"]), "lab.sh {:?}", &["crash", "3"]);
    cleanup.restart_node = Some(3);

    let t = start_on(&lab, 80, 24);
    t.send(&["0"]);
    let screen = t.wait_for(Duration::from_secs(60), "the three problems", |s| {
        s.contains(&format!("{stuck}: 0/2 running"))
            && s.contains(&format!("{crashy}: 0/1 running"))
            && s.contains("node3 is down")
    });
    // the header counts what is wrong
    assert!(screen.contains("crit"), "{screen}");
    assert!(screen.contains("1 down"), "{screen}");

    // each says why: walk the list and read the full text of each row under the table. The
    // crashing service's task may first land on the dead node: keep looking until it fails.
    let mut seen_stuck = false;
    let mut seen_crashy = false;
    let mut details = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while !(seen_stuck && seen_crashy) && Instant::now() < deadline {
        t.send(&["g"]);
        for _ in 0..6 {
            std::thread::sleep(Duration::from_millis(150));
            let s = t.capture();
            let detail: String = s
                .lines()
                .skip_while(|l| !l.starts_with('└'))
                .skip(1)
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            if detail.contains(&format!("{stuck}:")) {
                assert!(detail.contains("no suitable node"), "{detail}");
                seen_stuck = true;
            }
            if detail.contains(&format!("{crashy}:")) && detail.contains("non-zero exit (3)") {
                seen_crashy = true;
            }
            details.push(detail);
            t.send(&["j"]);
        }
    }
    assert!(
        seen_stuck,
        "the unschedulable service says why: {details:#?}"
    );
    assert!(
        seen_crashy,
        "the crashing service shows its exit code: {details:#?}"
    );

    // Enter on the stuck service opens its tasks with the scheduler's reason
    t.send(&["g"]);
    let screen = t.capture();
    let row = screen
        .lines()
        .position(|l| l.contains(&format!("{stuck}:")))
        .expect("stuck row");
    let first_row = screen.lines().position(|l| l.contains("SEV")).unwrap() + 1;
    for _ in first_row..row {
        t.send(&["j"]);
    }
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(10), &format!("tasks of {stuck}"));
    assert!(screen.contains("Pending"), "{screen}");
    t.send(&["q"]);
}

/// The names in the first column of the table on screen.
fn first_column(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains('↓') && !l.contains("NAME") && !l.contains("HOSTNAME"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .filter_map(|l| l.trim_matches('│').split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn panes_agree_with_the_docker_cli_and_follow_its_changes() {
    let lab = Lab::get();
    let web = unique("web");
    let secret = unique("sec");
    let config = unique("cfg");
    let net = unique("net");
    let stack = unique("stk");
    let _cleanup = Cleanup {
        lab: &lab,
        services: vec![web.clone()],
        restart_node: None,
        other: vec![
            vec!["stack".into(), "rm".into(), stack.clone()],
            vec!["secret".into(), "rm".into(), secret.clone()],
            vec!["config".into(), "rm".into(), config.clone()],
            vec!["network".into(), "rm".into(), net.clone()],
        ],
    };
    let img = lab.image(1);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &web,
        "--replicas",
        "2",
        "--stop-grace-period",
        "1s",
        &img,
        "sleep",
        "3600",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(&data, "x").unwrap();
    lab.docker_ok(&["secret", "create", &secret, data.to_str().unwrap()]);
    lab.docker_ok(&["config", "create", &config, data.to_str().unwrap()]);
    lab.docker_ok(&["network", "create", "-d", "overlay", &net]);
    let compose = dir.path().join("compose.yml");
    std::fs::write(
        &compose,
        format!(
            "version: '3.8'\nservices:\n  app:\n    image: {img}\n    command: [sleep, '3600']\n    stop_grace_period: 1s\n"
        ),
    )
    .unwrap();
    let out = Command::new(docker_cli())
        .args([
            "-H",
            &lab.manager(),
            "stack",
            "deploy",
            "--resolve-image",
            "never",
            "-c",
        ])
        .arg(&compose)
        .arg(&stack)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eventually(Duration::from_secs(60), "web running 2/2", || {
        lab.docker_ok(&[
            "service",
            "ls",
            "--filter",
            &format!("name={web}"),
            "--format",
            "{{.Replicas}}",
        ])
        .trim()
        .eq("2/2")
        .then_some(())
    });

    // every service settled as the CLI sees it, so the screen and the CLI are compared on
    // the same state (the stack's service was once still starting: 0/1 on screen, 1/1 later)
    eventually(
        Duration::from_secs(60),
        "every service at its replicas",
        || {
            lab.docker_ok(&["service", "ls", "--format", "{{.Replicas}}"])
                .lines()
                .all(|r| r.split_once('/').is_some_and(|(a, b)| a == b))
                .then_some(())
        },
    );
    let t = start_on(&lab, 200, 50);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // services: names and replicas as docker service ls says
    t.send(&["2"]);
    let cli: Vec<String> = lab
        .docker_ok(&["service", "ls", "--format", "{{.Name}} {{.Replicas}}"])
        .lines()
        .map(str::to_string)
        .collect();
    let screen = t.wait_for(
        Duration::from_secs(15),
        "every service as the CLI says",
        |s| {
            cli.iter().all(|l| {
                let (name, rep) = l.split_once(' ').unwrap_or((l, ""));
                line_with(s, name).is_some_and(|row| row.contains(rep))
            })
        },
    );
    for l in &cli {
        let (name, rep) = l.split_once(' ').unwrap();
        let row = line_with(&screen, name).unwrap_or_else(|| panic!("{name} on screen:\n{screen}"));
        assert!(row.contains(rep), "{name} {rep}: {row}");
    }
    assert_eq!(first_column(&screen).len(), cli.len(), "{screen}");

    // nodes: same hostnames and states
    t.send(&["1"]);
    let screen = t.wait_text(Duration::from_secs(5), "HOSTNAME");
    for l in lab
        .docker_ok(&[
            "node",
            "ls",
            "--format",
            "{{.Hostname}} {{.Status}} {{.Availability}}",
        ])
        .lines()
    {
        let parts: Vec<&str> = l.split_whitespace().collect();
        let row = line_with(&screen, parts[0]).unwrap();
        assert!(
            row.contains(parts[1]) && row.contains(parts[2]),
            "{l} vs {row}"
        );
    }

    // tasks of web: the rows of docker service ps
    t.send(&["2"]);
    t.wait_text(Duration::from_secs(5), "REPLICAS");
    t.send(&["/"]);
    t.type_text(&web);
    t.send(&["Enter", "Enter"]);
    let screen = t.wait_text(Duration::from_secs(10), &format!("tasks of {web}"));
    let ps = lab.docker_ok(&["service", "ps", &web, "--format", "{{.Name}} {{.Node}}"]);
    for l in ps.lines() {
        let (name, node) = l.split_once(' ').unwrap();
        let row = line_with(&screen, name).unwrap_or_else(|| panic!("{name}: {screen}"));
        assert!(row.contains(node), "{l}: {row}");
    }
    t.send(&["Escape", "Escape"]);

    // secrets, configs, networks, stacks: same names
    for (key, args) in [
        ("5", vec!["secret", "ls", "--format", "{{.Name}}"]),
        ("6", vec!["config", "ls", "--format", "{{.Name}}"]),
        (
            "7",
            vec![
                "network",
                "ls",
                "--filter",
                "scope=swarm",
                "--format",
                "{{.Name}}",
            ],
        ),
        ("4", vec!["stack", "ls", "--format", "{{.Name}}"]),
    ] {
        t.send(&[key]);
        std::thread::sleep(Duration::from_millis(300));
        let want = sorted(lab.docker_ok(&args).lines().map(str::to_string).collect());
        let screen = t.wait_for(
            Duration::from_secs(10),
            &format!("pane {key} = {want:?}"),
            |s| sorted(first_column(s)) == want,
        );
        assert!(!screen.contains("STALE"));
    }

    // a change made with the docker CLI appears: scale web to 3
    t.send(&["2"]);
    lab.docker_ok(&["service", "scale", "-d", &format!("{web}=3")]);
    let started = Instant::now();
    t.wait_for(Duration::from_secs(20), "web x/3", |s| {
        line_with(s, &web).is_some_and(|l| l.contains("/3"))
    });
    eprintln!("scale visible after {:?}", started.elapsed());
    t.send(&["q"]);
}
