//! Issue 15, guard rails: names resolve as the docker CLI resolves them, read-only holds on every
//! write path, every write from the TUI asks first, label edits change only what was edited. The
//! docker CLI is the judge of what changed.

use std::time::Duration;

use crate::common::*;

/// Removes the service when the test ends, however it ends.
struct Service<'a>(&'a Lab, String);
impl Drop for Service<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

fn service<'a>(lab: &'a Lab, prefix: &str, replicas: u32) -> Service<'a> {
    let name = unique(prefix);
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &name,
        "--replicas",
        &replicas.to_string(),
        "--stop-grace-period",
        "1s",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    Service(lab, name)
}

fn replicas(lab: &Lab, svc: &str) -> String {
    lab.docker_ok(&[
        "service",
        "inspect",
        svc,
        "--format",
        "{{.Spec.Mode.Replicated.Replicas}}",
    ])
    .trim()
    .to_string()
}

fn availabilities(lab: &Lab) -> String {
    lab.docker_ok(&["node", "ls", "--format", "{{.Hostname}} {{.Availability}}"])
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn an_empty_or_ambiguous_name_changes_nothing() {
    let lab = Lab::get();
    let svc = service(&lab, "gn", 2);
    let nodes_before = availabilities(&lab);
    let (ok, _, err) = run(lab
        .swarmtop()
        .args(["-H", &lab.manager(), "service", "scale", "=0"]));
    assert!(!ok);
    assert!(err.contains("empty service name in \"=0\""), "{err}");
    let (ok, _, err) = run(lab
        .swarmtop()
        .args(["-H", &lab.manager(), "node", "drain", ""]));
    assert!(!ok);
    assert!(err.contains("empty node name"), "{err}");
    assert_eq!(replicas(&lab, &svc.1), "2");
    assert_eq!(availabilities(&lab), nodes_before);
    // `self` is the node swarmtop is connected to, as in the docker CLI
    let me = lab.docker_ok(&[
        "node",
        "inspect",
        "self",
        "--format",
        "{{.Description.Hostname}}",
    ]);
    let (ok, out, err) =
        run(lab
            .swarmtop()
            .args(["-H", &lab.manager(), "node", "activate", "self"]));
    assert!(ok, "{err}");
    assert!(out.contains(me.trim()), "{out}");
}

/// A swarmtop config directory and a docker CLI config with the contexts `prod` (the lab's
/// first manager, read-only in config.yaml) and `dev` (its second manager: the same swarm).
struct Configs {
    xdg: tempfile::TempDir,
    docker: tempfile::TempDir,
}

const PROD_READ_ONLY: &str =
    "theme: mono\ncontexts:\n  prod:\n    read_only: true\n  dev:\n    theme: light\n";

impl Configs {
    fn new(lab: &Lab, config_yaml: &str) -> Configs {
        let xdg = tempfile::tempdir().expect("tempdir");
        let docker = tempfile::tempdir().expect("tempdir");
        let c = Configs { xdg, docker };
        c.write_config(config_yaml);
        for (name, host) in [("prod", lab.var("LAB_N1")), ("dev", lab.var("LAB_N2"))] {
            let out = std::process::Command::new(docker_cli())
                .arg("--config")
                .arg(c.docker.path())
                .args(["context", "create", name, "--docker"])
                .arg(format!("host={host}"))
                .output()
                .expect("docker context create");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        c
    }

    fn config_file(&self) -> std::path::PathBuf {
        self.xdg.path().join("swarmtop/config.yaml")
    }

    fn write_config(&self, text: &str) {
        let p = self.config_file();
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write config.yaml");
    }

    fn swarmtop(&self, lab: &Lab) -> std::process::Command {
        let mut c = lab.swarmtop();
        c.env("XDG_CONFIG_HOME", self.xdg.path())
            .env("DOCKER_CONFIG", self.docker.path());
        c
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("XDG_CONFIG_HOME", self.xdg.path().display().to_string()),
            ("DOCKER_CONFIG", self.docker.path().display().to_string()),
        ]
    }
}

/// What the swarm looks like to the docker CLI, for "nothing changed": every service, node,
/// secret and stack, and the version of `svc` (any write to it moves it).
fn swarm_state(lab: &Lab, svc: &str) -> String {
    [
        lab.docker_ok(&[
            "service",
            "ls",
            "--format",
            "{{.Name}} {{.Mode}} {{.Image}}",
        ]),
        lab.docker_ok(&[
            "node",
            "ls",
            "--format",
            "{{.Hostname}} {{.Availability}} {{.ManagerStatus}}",
        ]),
        lab.docker_ok(&["secret", "ls", "--format", "{{.Name}}"]),
        lab.docker_ok(&["stack", "ls"]),
        lab.docker_ok(&["service", "inspect", "--format", "{{.Version.Index}}", svc]),
    ]
    .join("\n")
}

/// Every write subcommand through `args` (connection flags first): all refused, with `why` in
/// the message, and the swarm as it was.
fn every_write_is_refused(lab: &Lab, c: &Configs, conn: &[&str], svc: &str, why: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "s3cret").expect("write");
    let compose = dir.path().join("stack.yml");
    std::fs::write(
        &compose,
        format!(
            "services:\n  web:\n    image: {}\n    command: sleep 3600\n",
            lab.image(1)
        ),
    )
    .expect("write");
    let new_svc = unique("gnew");
    let stack = unique("gst");
    let secret_name = unique("gsec");
    let image = lab.image(1);
    let scale = format!("{svc}=4");
    let writes: Vec<Vec<&str>> = vec![
        vec!["service", "scale", &scale],
        vec!["service", "update", "--force", svc],
        vec!["service", "update", "--image", &image, svc],
        vec!["service", "rollback", svc],
        vec![
            "service",
            "create",
            "--name",
            &new_svc,
            "--replicas",
            "1",
            &image,
        ],
        vec!["secret", "create", &secret_name, secret.to_str().unwrap()],
        vec!["node", "pause", "node2"],
        vec!["node", "drain", "node2"],
        vec!["node", "activate", "node2"],
        vec!["node", "demote", "node3"],
        vec!["stack", "deploy", "-c", compose.to_str().unwrap(), &stack],
        vec!["stack", "rm", &stack],
    ];
    let before = swarm_state(lab, svc);
    for w in &writes {
        let (ok, out, err) = run(c.swarmtop(lab).args(conn).args(w));
        assert!(!ok, "{w:?} went through: {out}");
        assert!(err.contains("read-only ("), "{w:?}: {err}");
        assert!(err.contains(why), "{w:?}: {err}");
        assert!(err.contains("refused"), "{w:?}: {err}");
    }
    assert_eq!(swarm_state(lab, svc), before);
}

#[test]
#[ignore = "needs the lab swarm (3 managers): run scripts/test.sh"]
fn three_managers_read_only_holds_for_every_subcommand_and_follows_the_swarm() {
    let lab = Lab::get();
    let svc = service(&lab, "gro", 2);
    let c = Configs::new(&lab, PROD_READ_ONLY);
    let config = c.config_file().display().to_string();

    // read-only from config.yaml, said with its source
    every_write_is_refused(
        &lab,
        &c,
        &["-c", "prod"],
        &svc.1,
        &format!("context prod is read_only in {config}"),
    );
    // the flag too, for a context that is not read-only in config.yaml
    every_write_is_refused(
        &lab,
        &c,
        &["-c", "dev", "--read-only"],
        &svc.1,
        "--read-only",
    );

    // reading through prod reaches the swarm: from then on the swarm is read-only by any name
    let (ok, _, err) = run(c.swarmtop(&lab).args(["-c", "prod", "snapshot"]));
    assert!(ok, "{err}");
    every_write_is_refused(
        &lab,
        &c,
        &["-c", "dev"],
        &svc.1,
        "it was reached through read-only context prod",
    );
    every_write_is_refused(
        &lab,
        &c,
        &["-H", &lab.var("LAB_N3")],
        &svc.1,
        "it was reached through read-only context prod",
    );

    // config.yaml broken after the prod block (a duplicated key): prod stays read-only, and
    // it is said
    c.write_config(&format!("{PROD_READ_ONLY}theme: light\n"));
    let (ok, _, err) =
        run(c
            .swarmtop(&lab)
            .args(["-c", "prod", "service", "scale", &format!("{}=4", svc.1)]));
    assert!(!ok);
    assert!(err.contains("cannot be read whole"), "{err}");
    assert!(
        err.contains("context prod was read-only in its last good reading"),
        "{err}"
    );
    assert!(
        err.contains("warning:") && err.contains("context prod stay read-only"),
        "{err}"
    );
    assert_eq!(replicas(&lab, &svc.1), "2");

    // prod no longer read-only in a good reading: the swarm is forgotten, writes go through
    c.write_config("contexts:\n  prod: {}\n");
    let (ok, _, err) =
        run(c
            .swarmtop(&lab)
            .args(["-c", "dev", "service", "scale", &format!("{}=3", svc.1)]));
    assert!(ok, "{err}");
    assert_eq!(replicas(&lab, &svc.1), "3");
}

#[test]
#[ignore = "needs the lab swarm (3 managers): run scripts/test.sh"]
fn three_managers_a_read_only_session_stays_read_only_after_host_and_hides_the_manager_token() {
    let lab = Lab::get();
    let c = Configs::new(&lab, PROD_READ_ONLY);
    let before = availabilities(&lab);
    let t = Tmux::start(
        &format!("{} -c prod", swarmtop_bin().display()),
        200,
        30,
        &c.env(),
    );
    let screen = t.wait_text(Duration::from_secs(30), "● live");
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("read-only"),
        "{screen}"
    );
    // another manager of the same swarm, by a URL: the session stays read-only
    let n2 = lab.var("LAB_N2");
    t.send(&[":"]);
    t.type_text(&format!("host {n2}"));
    t.send(&["Enter"]);
    let screen = t.wait_for(Duration::from_secs(30), "live on node 2", |s| {
        let header = s.lines().next().unwrap_or_default();
        header.contains(&n2) && s.contains("● live")
    });
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("read-only"), "{screen}");
    // the manager join token is not shown
    t.send(&[":"]);
    t.type_text("join manager");
    t.send(&["Enter"]);
    let screen = t.wait_text(
        Duration::from_secs(10),
        "showing the manager join token refused",
    );
    assert!(!screen.contains("SWMTKN"), "{screen}");
    // a write key is refused, naming why
    t.send(&["1"]);
    select_row(&t, "node2");
    t.send(&["p"]);
    let screen = t.wait_text(Duration::from_secs(10), "pause refused");
    assert!(
        screen.contains("this session is read-only (context prod is read_only in"),
        "{screen}"
    );
    assert_eq!(availabilities(&lab), before);
}

fn node2_labels(lab: &Lab) -> serde_json::Value {
    let out = lab.docker_ok(&[
        "node",
        "inspect",
        "node2",
        "--format",
        "{{json .Spec.Labels}}",
    ]);
    serde_json::from_str(out.trim()).expect("labels json")
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_label_edit_changes_only_what_was_edited() {
    let lab = Lab::get();
    struct Unlabel<'a>(&'a Lab);
    impl Drop for Unlabel<'_> {
        fn drop(&mut self) {
            for k in ["zones", "pad", "other", "disk"] {
                let _ = self.0.docker(&["node", "update", "--label-rm", k, "node2"]);
            }
        }
    }
    let _undo = Unlabel(&lab);
    lab.docker_ok(&[
        "node",
        "update",
        "--label-add",
        "zones=eu-1,eu-2",
        "--label-add",
        "pad=  padded  ",
        "node2",
    ]);
    let before = node2_labels(&lab);
    let t = start_on(&lab, 160, 30);
    t.send(&["1"]);
    select_row(&t, "node2");
    // Enter without an edit changes nothing
    t.send(&["L"]);
    t.wait_text(Duration::from_secs(5), "labels of node2");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "labels of node2: nothing changed");
    assert_eq!(node2_labels(&lab), before);
    // one label added; meanwhile another operator adds one: both stay, the others whole
    t.send(&["L"]);
    t.wait_text(Duration::from_secs(5), "labels of node2");
    t.type_text("disk=ssd, fast");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "label disk: (none) -> ssd, fast");
    lab.docker_ok(&["node", "update", "--label-add", "other=x", "node2"]);
    t.send(&["y"]);
    let want = serde_json::json!({
        "zones": "eu-1,eu-2",
        "pad": "  padded  ",
        "other": "x",
        "disk": "ssd, fast",
    });
    eventually(
        Duration::from_secs(20),
        "the label in docker node inspect",
        || (node2_labels(&lab) == want).then_some(()),
    );
    t.send(&["q"]);
}

/// No lab needed: the URL is refused before anything runs.
#[test]
fn an_ssh_user_with_shell_characters_never_reaches_ssh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("ssh-ran");
    let fake = dir.path().join("ssh");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\ntouch '{}'\nexit 255\n", marker.display()),
    )
    .expect("write");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for url in [
        "ssh://$(touch${IFS}pwnx)@127.0.0.1",
        "ssh://a;id@127.0.0.1",
        "ssh://-oProxyCommand=id@127.0.0.1",
    ] {
        let (ok, _, err) = run(std::process::Command::new(swarmtop_bin())
            .args(["-H", url, "snapshot"])
            .env("PATH", &path)
            .env("XDG_CONFIG_HOME", dir.path())
            .env("DOCKER_CONFIG", dir.path())
            .current_dir(dir.path()));
        assert!(!ok, "{url}");
        assert!(err.contains("user name"), "{url}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
    assert!(!marker.exists(), "ssh was started");
    assert!(!dir.path().join("pwnx").exists());
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn headless_output_escapes_control_characters() {
    let lab = Lab::get();
    let name = unique("gesc");
    // a stack name from a label someone set by hand: an OSC title sequence and a C1 CSI
    let evil = "ev\x1b]0;pwned\x07il\u{9b}2J";
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &name,
        "--label",
        &format!("com.docker.stack.namespace={evil}"),
        "--container-label",
        &format!("note={evil}"),
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let _svc = Service(&lab, name.clone());
    for args in [
        vec!["snapshot"],
        vec!["snapshot", "--format", "json"],
        vec!["stack", "ls"],
    ] {
        let (ok, out, err) = run(lab.swarmtop().args(["-H", &lab.manager()]).args(&args));
        assert!(ok, "{args:?}: {err}");
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} printed a control character: {out:?}"
        );
        assert!(
            out.contains("ev\\u001b]0;pwned\\u0007il\\u009b2J"),
            "{args:?}: {out}"
        );
        if args.contains(&"json") {
            let v: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
            assert!(v.to_string().contains("pwned"));
        }
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_signal_gives_the_conventional_exit_status() {
    let lab = Lab::get();
    for (signal, status) in [("TERM", 143), ("HUP", 129)] {
        let t = start_on(&lab, 120, 30);
        let pid = t.program_pid().expect("swarmtop's pid");
        let ok = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok);
        let screen = t.wait_text(Duration::from_secs(20), "[exit ");
        assert!(
            screen.contains(&format!("[exit {status}]")),
            "SIG{signal}: {screen}"
        );
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_host_typo_or_a_dead_target_leaves_the_connection_as_it_is() {
    let lab = Lab::get();
    let t = start_on(&lab, 160, 30);
    let header = |s: &str| s.lines().next().unwrap_or_default().to_string();
    let before = header(&t.capture());
    assert!(before.contains(&lab.manager()), "{before}");
    // trailing junk: an error, the line kept to be fixed
    t.send(&[":"]);
    t.type_text("host ssh://a@b c");
    t.send(&["Enter"]);
    t.wait_text(Duration::from_secs(5), "what follows it is not understood");
    t.send(&["Escape"]);
    // a URL that parses but where nothing answers
    t.send(&[":"]);
    t.type_text("host tcp://127.0.0.1:1");
    t.send(&["Enter"]);
    let screen = t.wait_text(Duration::from_secs(30), "cannot switch");
    assert_eq!(header(&screen), before, "{screen}");
    t.send(&["Escape"]);
    // still connected: a change made now shows up
    let svc = service(&lab, "gtypo", 1);
    t.send(&["2"]);
    t.wait_text(Duration::from_secs(30), &svc.1);
    let screen = t.capture();
    assert!(screen.contains("● live"), "{screen}");
    assert_eq!(header(&screen), before);
}
