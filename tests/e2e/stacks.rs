//! Stacks on the real swarm: every file under tests/stacks deployed once with `docker stack
//! deploy` and once with `swarmtop stack deploy` must give the same services, networks, secrets
//! and configs (after IDs, times, versions and the stack name are normalised). Redeploying an
//! unchanged file changes nothing; a changed file updates only what changed; bad files fail
//! with the place of the problem and leave nothing behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

const LABEL: &str = "com.docker.stack.namespace";

fn stacks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stacks")
}

/// Removes the named stacks (and extra objects) when the test ends, however it ends.
pub(crate) struct Cleanup<'a> {
    pub(crate) lab: &'a Lab,
    pub(crate) stacks: Vec<String>,
    pub(crate) networks: Vec<String>,
    pub(crate) secrets: Vec<String>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for s in &self.stacks {
            let _ = self.lab.docker(&["stack", "rm", s]);
        }
        for s in &self.secrets {
            let _ = self.lab.docker(&["secret", "rm", s]);
        }
        for n in &self.networks {
            // the stacks' tasks may still hold it for a moment
            for _ in 0..50 {
                if self.lab.docker(&["network", "rm", n]).status.success() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

pub(crate) fn cli_deploy(lab: &Lab, stack: &str, files: &[&str], env: &[(&str, String)]) {
    let mut c = Command::new(docker_cli());
    c.current_dir(stacks_dir()).args([
        "-H",
        &lab.manager(),
        "stack",
        "deploy",
        "--resolve-image",
        "never",
    ]);
    for f in files {
        c.args(["-c", f]);
    }
    c.arg(stack);
    for (k, v) in env {
        c.env(k, v);
    }
    let (ok, out, err) = run(&mut c);
    assert!(ok, "docker stack deploy {stack} failed: {err}\n{out}");
}

pub(crate) fn swarmtop_deploy(
    lab: &Lab,
    stack: &str,
    files: &[&str],
    env: &[(&str, String)],
    extra: &[&str],
) -> (bool, String, String) {
    let mut c = lab.swarmtop();
    c.current_dir(stacks_dir())
        .args([
            "-H",
            &lab.manager(),
            "stack",
            "deploy",
            "--resolve-image",
            "never",
        ])
        .args(extra);
    for f in files {
        c.args(["-c", f]);
    }
    c.arg(stack);
    for (k, v) in env {
        c.env(k, v);
    }
    run(&mut c)
}

pub(crate) fn ids(lab: &Lab, kind: &str, stack: &str) -> Vec<String> {
    let filter = format!("label={LABEL}={stack}");
    let mut args = vec![kind, "ls", "-q", "--filter", filter.as_str()];
    if kind == "network" {
        args.push("--no-trunc");
    }
    lab.docker_ok(&args)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

pub(crate) fn inspect(lab: &Lab, kind: &str, ids: &[String]) -> Vec<Value> {
    if ids.is_empty() {
        return Vec::new();
    }
    let mut args = vec![kind, "inspect"];
    args.extend(ids.iter().map(String::as_str));
    serde_json::from_str(&lab.docker_ok(&args)).expect("inspect json")
}

/// Everything the stack owns, as the docker CLI shows it, with what differs between two
/// deploys of the same file taken out: IDs, times, versions, runtime state, allocated subnets,
/// and the stack's name.
pub(crate) fn stack_state(
    lab: &Lab,
    stack: &str,
    same: &[(&str, &str)],
) -> BTreeMap<String, Value> {
    let net_names: BTreeMap<String, String> = lab
        .docker_ok(&[
            "network",
            "ls",
            "--no-trunc",
            "--format",
            "{{.ID}} {{.Name}}",
        ])
        .lines()
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect();
    let mut out = BTreeMap::new();
    for s in inspect(lab, "service", &ids(lab, "service", stack)) {
        let mut spec = s["Spec"].clone();
        if let Some(nets) = spec
            .pointer_mut("/TaskTemplate/Networks")
            .and_then(Value::as_array_mut)
        {
            for n in nets {
                let id = n["Target"].as_str().unwrap_or_default().to_string();
                n["Target"] = Value::from(net_names.get(&id).cloned().unwrap_or(id));
            }
        }
        for refs in ["Secrets", "Configs"] {
            if let Some(list) = spec
                .pointer_mut(&format!("/TaskTemplate/ContainerSpec/{refs}"))
                .and_then(Value::as_array_mut)
            {
                for r in list {
                    if let Some(o) = r.as_object_mut() {
                        o.remove("SecretID");
                        o.remove("ConfigID");
                    }
                }
            }
        }
        out.insert(
            format!("service {}", s["Spec"]["Name"].as_str().unwrap_or_default()),
            spec,
        );
    }
    for mut n in inspect(lab, "network", &ids(lab, "network", stack)) {
        let o = n.as_object_mut().expect("network object");
        for k in ["Id", "Created", "Containers", "Peers", "Services"] {
            o.remove(k);
        }
        if let Some(opts) = o.get_mut("Options").and_then(Value::as_object_mut) {
            opts.remove("com.docker.network.driver.overlay.vxlanid_list");
        }
        if let Some(cfgs) = o
            .get_mut("IPAM")
            .and_then(|i| i.get_mut("Config"))
            .and_then(Value::as_array_mut)
        {
            for c in cfgs {
                if let Some(c) = c.as_object_mut() {
                    c.remove("Gateway");
                    let subnet = c
                        .get("Subnet")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    if !same.iter().any(|(a, b)| subnet == *a || subnet == *b) {
                        c.insert("Subnet".into(), Value::from("(allocated)"));
                    }
                }
            }
        }
        out.insert(
            format!("network {}", n["Name"].as_str().unwrap_or_default()),
            n,
        );
    }
    for kind in ["secret", "config"] {
        for mut x in inspect(lab, kind, &ids(lab, kind, stack)) {
            if x["Spec"]["Labels"]
                .get("io.swarmtop.stack.source")
                .is_some()
            {
                continue;
            }
            let o = x.as_object_mut().expect("object");
            for k in ["ID", "Version", "CreatedAt", "UpdatedAt"] {
                o.remove(k);
            }
            out.insert(
                format!("{kind} {}", x["Spec"]["Name"].as_str().unwrap_or_default()),
                x,
            );
        }
    }
    // the stack's name, and values the test had to make different per stack, made equal
    let mut text = serde_json::to_string_pretty(&out).expect("json");
    for (a, b) in same {
        text = text.replace(b, a);
    }
    text = text.replace(stack, "STACK");
    let mut out: BTreeMap<String, Value> = serde_json::from_str(&text).expect("json");
    // both tools sort these lists by full name, which holds the stack's name: sort again
    for spec in out.values_mut() {
        for (list, key) in [
            ("/TaskTemplate/Networks", "Target"),
            ("/TaskTemplate/ContainerSpec/Secrets", "SecretName"),
            ("/TaskTemplate/ContainerSpec/Configs", "ConfigName"),
        ] {
            if let Some(items) = spec.pointer_mut(list).and_then(Value::as_array_mut) {
                items.sort_by_key(|i| (i[key].to_string(), i["File"]["Name"].to_string()));
            }
        }
    }
    out
}

fn versions(lab: &Lab, stack: &str) -> BTreeMap<String, u64> {
    let mut v = BTreeMap::new();
    for kind in ["service", "secret", "config"] {
        for x in inspect(lab, kind, &ids(lab, kind, stack)) {
            v.insert(
                format!("{kind} {}", x["Spec"]["Name"].as_str().unwrap_or_default()),
                x["Version"]["Index"].as_u64().unwrap_or_default(),
            );
        }
    }
    v
}

pub(crate) fn assert_same(
    cli: &BTreeMap<String, Value>,
    ours: &BTreeMap<String, Value>,
    what: &str,
) {
    if cli != ours {
        let a = serde_json::to_string_pretty(cli).unwrap_or_default();
        let b = serde_json::to_string_pretty(ours).unwrap_or_default();
        let diff: Vec<String> = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .take(20)
            .map(|(i, (x, y))| format!("line {i}:\n  docker:   {x}\n  swarmtop: {y}"))
            .collect();
        panic!(
            "{what}: swarmtop's stack differs from docker's:\n{}\n--- docker ---\n{a}\n--- swarmtop ---\n{b}",
            diff.join("\n")
        );
    }
    assert!(!cli.is_empty(), "{what}: the stack has no objects");
}

/// Deploys `files` with both tools under two names and compares; returns the two names.
fn parity(
    lab: &Lab,
    files: &[&str],
    env: impl Fn(&str) -> Vec<(&'static str, String)>,
    same: impl Fn(&str, &str) -> Vec<(String, String)>,
    cleanup: &mut Cleanup,
) -> (String, String) {
    let (a, b) = (unique("cli"), unique("st"));
    cleanup.stacks.push(a.clone());
    cleanup.stacks.push(b.clone());
    cli_deploy(lab, &a, files, &env(&a));
    let (ok, out, err) = swarmtop_deploy(lab, &b, files, &env(&b), &[]);
    assert!(ok, "swarmtop stack deploy {b} failed: {err}\n{out}");
    let pairs = same(&a, &b);
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(x, y)| (x.as_str(), y.as_str()))
        .collect();
    let cli = stack_state(lab, &a, &pairs);
    let ours = stack_state(lab, &b, &pairs);
    assert_same(&cli, &ours, &files.join(" + "));
    (a, b)
}

fn no_env(_: &str) -> Vec<(&'static str, String)> {
    vec![("FROM_ENV", "from the environment".into())]
}

fn nothing_same(_: &str, _: &str) -> Vec<(String, String)> {
    Vec::new()
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn basic_services_match_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    parity(&lab, &["basic.yml"], no_env, nothing_same, &mut c);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn deploy_settings_match_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    parity(&lab, &["deploy.yml"], no_env, nothing_same, &mut c);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn networks_match_docker_stack_deploy() {
    let lab = Lab::get();
    let shared = unique("shared");
    lab.docker_ok(&[
        "network",
        "create",
        "-d",
        "overlay",
        "--attachable",
        &shared,
    ]);
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![shared.clone()],
        secrets: vec![],
    };
    let subnet = |stack: &str| {
        if stack.starts_with("cli") {
            "10.231.1.0/24"
        } else {
            "10.231.2.0/24"
        }
    };
    let sh = shared.clone();
    parity(
        &lab,
        &["networks.yml"],
        move |stack| {
            vec![
                ("SHARED_NET", sh.clone()),
                ("BACKEND_SUBNET", subnet(stack).to_string()),
            ]
        },
        |_, _| vec![("10.231.1.0/24".into(), "10.231.2.0/24".into())],
        &mut c,
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn secrets_and_configs_match_docker_stack_deploy() {
    let lab = Lab::get();
    let outside = unique("outside");
    let mut child = Command::new(docker_cli())
        .args(["-H", &lab.manager(), "secret", "create", &outside, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("docker secret create");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"from outside").expect("write");
    }
    assert!(child.wait().expect("wait").success());
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![outside.clone()],
    };
    let o = outside.clone();
    parity(
        &lab,
        &["files.yml"],
        move |stack| {
            vec![
                ("OUTSIDE_SECRET", o.clone()),
                ("STACK_PREFIX", stack.to_string()),
            ]
        },
        nothing_same,
        &mut c,
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn mounts_ports_and_options_match_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    parity(
        &lab,
        &["mounts.yml"],
        |_| vec![("HOST_PORT", "18080".into())],
        nothing_same,
        &mut c,
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn anchors_and_interpolation_match_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    parity(
        &lab,
        &["anchors.yml"],
        |_| {
            vec![
                ("GREETING", "hello".into()),
                ("REPLICAS", "2".into()),
                ("TAG", "".into()),
            ]
        },
        nothing_same,
        &mut c,
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn ignored_keys_warn_and_still_match_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    let (_, ours) = parity(&lab, &["ignored.yml"], no_env, nothing_same, &mut c);
    let (ok, out, err) = swarmtop_deploy(&lab, &ours, &["ignored.yml"], &[], &["--dry-run"]);
    assert!(ok, "{err}");
    assert!(out.contains("`build` is ignored by swarm"), "{out}");
    assert!(out.contains("`container_name` is ignored"), "{out}");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn several_files_merge_like_docker_stack_deploy() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    parity(
        &lab,
        &["base.yml", "override.yml"],
        no_env,
        nothing_same,
        &mut c,
    );
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn redeploy_changes_nothing_and_a_change_updates_only_that_service() {
    let lab = Lab::get();
    let stack = unique("re");
    let _cleanup = Cleanup {
        lab: &lab,
        stacks: vec![stack.clone()],
        networks: vec![],
        secrets: vec![],
    };
    let env = [("WEB_TAG", "1".to_string())];
    let (ok, out, err) = swarmtop_deploy(&lab, &stack, &["redeploy.yml"], &env, &[]);
    assert!(ok, "first deploy: {err}\n{out}");
    let before = versions(&lab, &stack);
    assert_eq!(
        before.len(),
        5,
        "two services, a secret, a config, the stored file: {before:?}"
    );

    let (ok, out, err) = swarmtop_deploy(&lab, &stack, &["redeploy.yml"], &env, &[]);
    assert!(ok, "{err}");
    assert!(out.contains("nothing to change"), "{out}");
    assert_eq!(
        versions(&lab, &stack),
        before,
        "an unchanged redeploy changed versions"
    );

    let env = [("WEB_TAG", "2".to_string())];
    let (ok, out, err) = swarmtop_deploy(&lab, &stack, &["redeploy.yml"], &env, &["--dry-run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("~ update service {stack}_web")),
        "{out}"
    );
    assert!(
        out.contains(
            "TaskTemplate.ContainerSpec.Image: swarmtest/busybox:1 -> swarmtest/busybox:2"
        ),
        "{out}"
    );
    assert_eq!(
        versions(&lab, &stack),
        before,
        "--dry-run changed something"
    );
    let (ok, _, err) = swarmtop_deploy(&lab, &stack, &["redeploy.yml"], &env, &[]);
    assert!(ok, "{err}");
    let after = versions(&lab, &stack);
    for (name, v) in &before {
        if *name == format!("service {stack}_web") {
            assert!(after[name] > *v, "{name} was not updated");
        } else {
            assert_eq!(
                after.get(name),
                Some(v),
                "{name} changed but its part of the file did not"
            );
        }
    }
    let image = lab.docker_ok(&[
        "service",
        "inspect",
        "-f",
        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
        &format!("{stack}_web"),
    ]);
    assert_eq!(image.trim(), "swarmtest/busybox:2");
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn stored_file_comes_back_and_stack_rm_removes_everything() {
    let lab = Lab::get();
    let stack = unique("src");
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![stack.clone()],
        networks: vec![],
        secrets: vec![],
    };
    let (ok, _, err) = swarmtop_deploy(&lab, &stack, &["basic.yml"], &[], &[]);
    assert!(ok, "{err}");
    let mut f = lab.swarmtop();
    f.args(["-H", &lab.manager(), "stack", "file", &stack]);
    let (ok, out, err) = run(&mut f);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        std::fs::read_to_string(stacks_dir().join("basic.yml")).expect("read")
    );
    let mut rm = lab.swarmtop();
    rm.args(["-H", &lab.manager(), "stack", "rm", &stack]);
    let (ok, out, err) = run(&mut rm);
    assert!(ok, "{err}\n{out}");
    assert!(
        out.contains("Removed config"),
        "the stored file is removed too: {out}"
    );
    assert!(out.contains("Removed network"), "{out}");
    // removed from the swarm; a node may list its local copy of an overlay network for a
    // moment after that (seen on dockerd 26), so the listing is given a few seconds
    for kind in ["service", "secret", "config", "network"] {
        eventually(
            Duration::from_secs(15),
            &format!("no {kind} of {stack} left"),
            || ids(&lab, kind, &stack).is_empty().then_some(()),
        );
    }
    c.stacks.clear();
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_cli_deployed_stack_gets_a_reconstructed_file_that_deploys_the_same() {
    let lab = Lab::get();
    let mut c = Cleanup {
        lab: &lab,
        stacks: vec![],
        networks: vec![],
        secrets: vec![],
    };
    let (cli, _) = parity(&lab, &["deploy.yml"], no_env, nothing_same, &mut c);
    let mut f = lab.swarmtop();
    f.args(["-H", &lab.manager(), "stack", "file", &cli]);
    let (ok, text, err) = run(&mut f);
    assert!(ok, "{err}");
    assert!(text.starts_with("# Reconstructed by swarmtop"), "{text}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rebuilt.yml");
    std::fs::write(&path, &text).expect("write");
    let again = unique("rb");
    c.stacks.push(again.clone());
    let (ok, out, err) = swarmtop_deploy(&lab, &again, &[&path.display().to_string()], &[], &[]);
    assert!(ok, "{err}\n{out}\n{text}");
    assert_same(
        &stack_state(&lab, &cli, &[]),
        &stack_state(&lab, &again, &[]),
        "reconstructed deploy.yml",
    );
}

/// A bad file: one line on stderr naming the file and the place, and nothing in the swarm.
pub(crate) fn refused(lab: &Lab, text: &str, env: &[(&str, String)], expect: &str, placed: bool) {
    let stack = unique("bad");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yml");
    std::fs::write(&path, text).expect("write");
    let p = path.display().to_string();
    let (ok, out, err) = swarmtop_deploy(lab, &stack, &[&p], env, &[]);
    assert!(!ok, "a bad file was deployed: {out}");
    let err = err.trim();
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.contains(expect), "{err}");
    assert_eq!(err.contains(&format!("{p}:")), placed, "{err}");
    for kind in ["service", "secret", "config", "network"] {
        assert!(
            ids(lab, kind, &stack).is_empty(),
            "{kind}s of {stack} were created from a bad file"
        );
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn bad_files_name_the_place_and_deploy_nothing() {
    let lab = Lab::get();
    let ok_head = "services:\n  web:\n    image: swarmtest/busybox:1\n";
    let secrets_ok = "secrets:\n  s:\n    file: /etc/hostname\n";
    refused(
        &lab,
        &format!("{ok_head}    command: [sleep\n{secrets_ok}"),
        &[],
        "invalid YAML",
        true,
    );
    refused(
        &lab,
        &format!("{ok_head}    replicas: 2\n{secrets_ok}"),
        &[],
        ":4:5: unknown key `replicas` in services.web",
        true,
    );
    refused(
        &lab,
        &format!("{secrets_ok}services:\n  web:\n    command: sleep 1\n    secrets: [s]\n"),
        &[],
        ":5:3: service web has no image",
        true,
    );
    refused(
        &lab,
        &format!(
            "{ok_head}    environment:\n      DB: ${{DB_PASSWORD:?set DB_PASSWORD}}\n{secrets_ok}"
        ),
        &[],
        ":5:7: required variable DB_PASSWORD is not set: set DB_PASSWORD",
        true,
    );
    refused(
        &lab,
        &format!("{ok_head}    secrets: [s]\nsecrets:\n  s:\n    file: ./missing.txt\n"),
        &[],
        ":7:5: secret s: file",
        true,
    );
    refused(
        &lab,
        &format!("{ok_head}    networks: [nope]\nnetworks:\n  nope:\n    external: true\n"),
        &[],
        "does not exist",
        false,
    );
}
