//! `docker swarmtop`: swarmtop run by the real docker CLI as its plugin, installed by
//! `swarmtop install-plugin`, with docker's global options and context.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::{Lab, Tmux, docker_cli, eventually, run, swarmtop_bin};

/// A docker config directory with the plugin installed by `swarmtop install-plugin` (in its
/// default place, `$DOCKER_CONFIG/cli-plugins`).
fn config_with_plugin() -> tempfile::TempDir {
    let cfg = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(Command::new(swarmtop_bin())
        .env("DOCKER_CONFIG", cfg.path())
        .arg("install-plugin"));
    assert!(ok, "install-plugin: {err}");
    let link = cfg.path().join("cli-plugins/docker-swarmtop");
    assert!(
        out.contains(&link.display().to_string()),
        "says where: {out}"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        swarmtop_bin().canonicalize().unwrap()
    );
    cfg
}

fn docker(cfg: &Path) -> Command {
    let mut c = Command::new(docker_cli());
    c.env("DOCKER_CONFIG", cfg)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT");
    c
}

#[test]
fn the_docker_cli_lists_the_plugin_as_valid() {
    let cfg = config_with_plugin();
    let (ok, help, err) = run(docker(cfg.path()).arg("--help"));
    assert!(ok, "{err}");
    // a plugin whose metadata docker rejects is listed under "Invalid Plugins" instead
    assert!(!help.contains("Invalid Plugins"), "{help}");
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("swarmtop*"))
        .unwrap_or_else(|| panic!("docker --help lists swarmtop* as a plugin:\n{help}"));
    assert!(line.contains("A terminal UI for Docker Swarm"), "{line}");
    // the plugin's own help, under the name it is run by, however docker is asked
    for args in [
        &["swarmtop", "--help"][..],
        &["help", "swarmtop"],
        &["--help", "swarmtop"],
    ] {
        let (ok, out, err) = run(docker(cfg.path()).args(args));
        assert!(ok, "{args:?}: {err}");
        assert!(
            out.contains("Usage: docker swarmtop [OPTIONS]"),
            "{args:?}: {out}"
        );
    }
    let (ok, out, err) = run(docker(cfg.path()).args(["help", "swarmtop", "stack"]));
    assert!(ok, "{err}");
    assert!(out.contains("Usage: docker swarmtop stack"), "{out}");
    // a docker option it does not know is named, and nothing runs
    let (ok, _, err) = run(docker(cfg.path()).args(["swarmtop", "--bogus"]));
    assert!(!ok);
    assert!(err.contains("--bogus"), "{err}");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn docker_info_shows_the_plugin_valid() {
    let lab = Lab::get();
    let cfg = config_with_plugin();
    let (ok, out, err) = run(docker(cfg.path()).args(["-H", &lab.manager()]).args([
        "info",
        "--format",
        "{{json .ClientInfo.Plugins}}",
    ]));
    assert!(ok, "{err}");
    let plugins: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ours = plugins
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == "swarmtop")
        .unwrap_or_else(|| panic!("docker info lists swarmtop: {out}"));
    assert_eq!(ours.get("Err"), None, "docker finds nothing wrong: {ours}");
    assert_eq!(ours["SchemaVersion"], "0.1.0");
    assert_eq!(ours["Vendor"], "swarmtop");
    assert_eq!(ours["Version"], env!("CARGO_PKG_VERSION"));
}

/// `docker [OPTIONS] swarmtop snapshot` prints what `swarmtop [the same options] snapshot`
/// does, for each way docker is told where the engine is.
#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn docker_swarmtop_snapshot_is_swarmtop_snapshot() {
    let lab = Lab::get();
    let cfg = config_with_plugin();
    let c = cfg.path();
    let (ok, _, err) = run(docker(c)
        .args(["context", "create", "lab", "--docker"])
        .arg(format!("host={}", lab.manager())));
    assert!(ok, "{err}");
    let certs = lab.var("LAB_TLS_CERTS");
    let tls_flags: Vec<String> = [
        "-H".to_string(),
        lab.var("LAB_TLS"),
        "--tlsverify".into(),
        format!("--tlscacert={certs}/ca.pem"),
        "--tlscert".into(),
        format!("{certs}/cert.pem"),
        "--tlskey".into(),
        format!("{certs}/key.pem"),
    ]
    .into();
    let tls: Vec<&str> = tls_flags.iter().map(String::as_str).collect();
    let other = tempfile::tempdir().unwrap();
    let config_flag = format!("--config={}", c.display());
    let manager = lab.manager();
    // (docker's options, environment, what the header names)
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (vec!["--context", "lab"], vec![], "(lab)"),
        (vec!["-c", "lab"], vec![], "(lab)"),
        (vec!["-H", &manager], vec![], "(default)"),
        (tls.clone(), vec![], "(default)"),
        (vec![], vec![("DOCKER_CONTEXT", "lab")], "(lab)"),
        (vec![], vec![("DOCKER_HOST", &manager)], "(default)"),
        // the config directory named by docker's --config, not $DOCKER_CONFIG
        (
            vec![&config_flag, "--context", "lab"],
            vec![("DOCKER_CONFIG", other.path().to_str().unwrap())],
            "(lab)",
        ),
    ];
    for (opts, env, header) in &cases {
        // swarmtop alone reads the config directory from $DOCKER_CONFIG (`c`)
        let table = |cmd: &mut Command, plugin: bool| {
            for (k, v) in env {
                if plugin || *k != "DOCKER_CONFIG" {
                    cmd.env(k, v);
                }
            }
            let (ok, out, err) = run(cmd);
            assert!(ok, "{opts:?} {env:?}: {err}");
            out
        };
        let (plugin, standalone) = eventually(
            Duration::from_secs(30),
            "the same snapshot twice (the swarm settles)",
            || {
                let plugin = table(docker(c).args(opts).args(["swarmtop", "snapshot"]), true);
                let mine: Vec<&str> = opts
                    .iter()
                    .map(|o| if *o == config_flag { "" } else { o })
                    .filter(|o| !o.is_empty())
                    .collect();
                let standalone = table(
                    Command::new(swarmtop_bin())
                        .env("DOCKER_CONFIG", c)
                        .env_remove("DOCKER_HOST")
                        .env_remove("DOCKER_CONTEXT")
                        .args(&mine)
                        .arg("snapshot"),
                    false,
                );
                (plugin == standalone).then_some((plugin, standalone))
            },
        );
        assert_eq!(plugin, standalone);
        let first = plugin.lines().next().unwrap_or_default();
        assert!(first.contains(header), "{opts:?} {env:?}: {first}");
        assert!(
            plugin.contains("node1") && plugin.contains("node3"),
            "{plugin}"
        );
    }
    // docker's current context (`docker context use`)
    let (ok, _, err) = run(docker(c).args(["context", "use", "lab"]));
    assert!(ok, "{err}");
    let (ok, out, err) = run(docker(c).args(["swarmtop", "snapshot", "--format", "json"]));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["context"], "lab");
    assert_eq!(v["endpoint"], lab.manager().as_str());
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn docker_context_swarmtop_shows_the_labs_nodes() {
    let lab = Lab::get();
    let cfg = config_with_plugin();
    let c = cfg.path();
    let (ok, _, err) = run(docker(c)
        .args(["context", "create", "lab-ssh", "--docker"])
        .arg(format!("host={}", lab.ssh_url())));
    assert!(ok, "{err}");
    let t = Tmux::start(
        &format!("{} --context lab-ssh swarmtop", docker_cli()),
        80,
        24,
        &[
            ("PATH", lab.ssh_path()),
            ("DOCKER_CONFIG", c.display().to_string()),
        ],
    );
    let screen = t.wait_for(Duration::from_secs(30), "the lab's nodes, live", |s| {
        s.contains("● live") && s.contains("node1") && s.contains("node2") && s.contains("node3")
    });
    assert!(
        screen.contains("lab-ssh"),
        "the header names the context: {screen}"
    );
    assert!(screen.contains(&lab.ssh_url()), "{screen}");
    t.send(&["q"]);
    let screen = t.wait_text(Duration::from_secs(10), "[exit 0]");
    assert!(
        !screen.contains("node1"),
        "the alternate screen is gone: {screen}"
    );
}

/// Told to stop while its output is not a terminal, the docker CLI closes the socket it gave
/// the plugin and waits for it (forwarding no signal): swarmtop stops then.
#[test]
fn a_signal_to_docker_stops_the_plugin() {
    let cfg = config_with_plugin();
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sim.sock");
    let child = docker(cfg.path())
        .args(["swarmtop", "sim", "--socket"])
        .arg(&socket)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut docker = Docker(child);
    eventually(Duration::from_secs(30), "the plugin serving", || {
        socket.exists().then_some(())
    });
    assert!(docker.terminate(), "SIGTERM to docker");
    eventually(
        Duration::from_secs(30),
        "docker (and its plugin) ended",
        || docker.0.try_wait().unwrap(),
    );
}

/// The docker CLI we started; a test that fails leaves neither it nor its plugin running (the
/// CLI kills its plugin at its third signal).
struct Docker(std::process::Child);

impl Docker {
    fn terminate(&self) -> bool {
        // SAFETY: a signal to the child this test started
        #[allow(unsafe_code)]
        let r = unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        r == 0
    }
}

impl Drop for Docker {
    fn drop(&mut self) {
        for _ in 0..3 {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            self.terminate();
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.0.wait();
    }
}
