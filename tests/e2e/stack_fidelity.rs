//! A stack deploy is what `docker stack deploy` makes, and a redeploy of the same file by
//! either tool changes nothing. For every file of the e2e set (tests/stacks/*.yml) and the
//! public stack files (tests/stacks/public/*.yml), on one stack name in turn:
//! docker deploys, swarmtop redeploys (no service version moves), swarmtop redeploys again
//! (none moves); the stack is removed; swarmtop deploys it (every object equals what docker
//! made, field by field, and each spec as stored), swarmtop redeploys (no version moves), then
//! docker redeploys (docker always sends an update, so: every stored spec stays as it was).
//! Files that docker refuses are refused before anything is created, with file:line.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;
use crate::stacks::{
    Cleanup, assert_same, cli_deploy, ids, inspect, refused, stack_state, swarmtop_deploy,
};

/// Each service's spec exactly as the engine stores it: read from the API without
/// `insertDefaults` (which `docker service inspect` asks for, and which would hide the
/// difference between a field left out and the same field set to its default).
fn raw_specs(lab: &Lab, stack: &str) -> BTreeMap<String, Value> {
    use std::io::{Read, Write};
    let addr = lab.var("LAB_TCP");
    let addr = addr.trim_start_matches("tcp://");
    let filter = format!("{{\"label\":[\"com.docker.stack.namespace={stack}\"]}}");
    let query: String = filter
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let mut conn = std::net::TcpStream::connect(addr).expect("the lab's engine");
    write!(
        conn,
        "GET /services?filters={query} HTTP/1.0\r\nHost: docker\r\n\r\n"
    )
    .expect("request");
    let mut reply = String::new();
    conn.read_to_string(&mut reply).expect("reply");
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let list: Vec<Value> = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {reply}"));
    // objects made again after a removal have new IDs: name networks, drop secret/config IDs
    let net_names: BTreeMap<String, String> = lab
        .docker_ok(&[
            "network",
            "ls",
            "--no-trunc",
            "--format",
            "{{.ID}} {{.Name}}",
        ])
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    list.into_iter()
        .map(|s| {
            let mut spec = s["Spec"].clone();
            if let Some(nets) = spec
                .pointer_mut("/TaskTemplate/Networks")
                .and_then(Value::as_array_mut)
            {
                for n in nets {
                    let id = n["Target"].as_str().unwrap_or_default().to_string();
                    if let Some(name) = net_names.get(&id) {
                        n["Target"] = Value::from(name.clone());
                    }
                }
            }
            for (list, key) in [("Secrets", "SecretID"), ("Configs", "ConfigID")] {
                if let Some(refs) = spec
                    .pointer_mut(&format!("/TaskTemplate/ContainerSpec/{list}"))
                    .and_then(Value::as_array_mut)
                {
                    for r in refs.iter_mut().filter_map(Value::as_object_mut) {
                        r.remove(key);
                    }
                }
            }
            (spec["Name"].as_str().unwrap_or_default().to_string(), spec)
        })
        .collect()
}

/// A docker redeploy always sends an update (the version moves), so for docker the test is
/// that the stored specs are the same as before, field for field.
fn assert_same_specs(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
    what: &str,
) {
    assert!(!after.is_empty(), "{what}: the stack has no services");
    for (name, spec) in after {
        let was = before.get(name).cloned().unwrap_or(Value::Null);
        assert_eq!(
            &was, spec,
            "{what}: {name} changed\n  before: {was}\n  after:  {spec}"
        );
    }
}

/// Each service's spec version, by name.
fn service_versions(lab: &Lab, stack: &str) -> BTreeMap<String, u64> {
    inspect(lab, "service", &ids(lab, "service", stack))
        .into_iter()
        .map(|s| {
            (
                s["Spec"]["Name"].as_str().unwrap_or_default().to_string(),
                s["Version"]["Index"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The services whose version moved, with the spec docker shows now (to see what changed).
fn assert_unchanged(
    lab: &Lab,
    stack: &str,
    before: &BTreeMap<String, u64>,
    what: &str,
    output: &str,
) {
    let after = service_versions(lab, stack);
    assert!(!after.is_empty(), "{what}: the stack has no services");
    let moved: Vec<String> = after
        .iter()
        .filter(|(name, v)| before.get(*name) != Some(v))
        .map(|(name, v)| format!("{name}: {:?} -> {v}", before.get(name)))
        .collect();
    if !moved.is_empty() {
        let specs: Vec<String> = inspect(lab, "service", &ids(lab, "service", stack))
            .into_iter()
            .map(|s| {
                format!(
                    "{}\n  now:      {}\n  previous: {}",
                    s["Spec"]["Name"], s["Spec"], s["PreviousSpec"]
                )
            })
            .collect();
        panic!(
            "{what}: a redeploy of the same file updated services: {}\n{output}\n{}",
            moved.join(", "),
            specs.join("\n")
        );
    }
}

/// `docker stack rm`, then waits until nothing of the stack is left (its networks go last).
fn remove_stack(lab: &Lab, stack: &str) {
    let _ = lab.docker(&["stack", "rm", stack]);
    eventually(
        Duration::from_secs(180),
        &format!("stack {stack} removed"),
        || {
            let left: usize = ["service", "network", "secret", "config"]
                .iter()
                .map(|k| ids(lab, k, stack).len())
                .sum();
            if left > 0 {
                // a network still held by a task that was stopping: try again
                for n in ids(lab, "network", stack) {
                    let _ = lab.docker(&["network", "rm", &n]);
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            (left == 0).then_some(())
        },
    );
}

fn swarmtop_ok(lab: &Lab, stack: &str, files: &[&str], env: &[(&str, String)]) -> String {
    let (ok, out, err) = swarmtop_deploy(lab, stack, files, env, &[]);
    assert!(
        ok,
        "swarmtop stack deploy {stack} {files:?} failed: {err}\n{out}"
    );
    format!("{out}{err}")
}

/// The round trip described at the top, for one file (or several merged).
fn round_trip(lab: &Lab, files: &[&str], env: &dyn Fn(&str) -> Vec<(&'static str, String)>) {
    let stack = unique("fid");
    let _c = Cleanup {
        lab,
        stacks: vec![stack.clone()],
        networks: vec![],
        secrets: vec![],
    };
    let env = env(&stack);
    let what = files.join(" + ");

    cli_deploy(lab, &stack, files, &env);
    let docker_made = stack_state(lab, &stack, &[]);
    let docker_specs = raw_specs(lab, &stack);
    let v = service_versions(lab, &stack);
    let out = swarmtop_ok(lab, &stack, files, &env);
    assert_unchanged(
        lab,
        &stack,
        &v,
        &format!("{what}: docker, then swarmtop"),
        &out,
    );
    let out = swarmtop_ok(lab, &stack, files, &env);
    assert_unchanged(lab, &stack, &v, &format!("{what}: swarmtop again"), &out);

    remove_stack(lab, &stack);
    swarmtop_ok(lab, &stack, files, &env);
    let ours = stack_state(lab, &stack, &[]);
    assert_same(&docker_made, &ours, &what);
    let our_specs = raw_specs(lab, &stack);
    assert_same_specs(
        &docker_specs,
        &our_specs,
        &format!("{what}: as stored, docker's and swarmtop's"),
    );
    let v = service_versions(lab, &stack);
    let out = swarmtop_ok(lab, &stack, files, &env);
    assert_unchanged(lab, &stack, &v, &format!("{what}: swarmtop twice"), &out);
    cli_deploy(lab, &stack, files, &env);
    assert_same_specs(
        &our_specs,
        &raw_specs(lab, &stack),
        &format!("{what}: swarmtop, then docker"),
    );
    remove_stack(lab, &stack);
}

/// A swarm-scoped network and a secret that some files name as external.
struct Externals<'a> {
    cleanup: Cleanup<'a>,
    network: String,
    secret: String,
}

fn externals(lab: &Lab) -> Externals<'_> {
    let network = unique("shared");
    lab.docker_ok(&[
        "network",
        "create",
        "-d",
        "overlay",
        "--attachable",
        &network,
    ]);
    let secret = unique("outside");
    let mut child = Command::new(docker_cli())
        .args(["-H", &lab.manager(), "secret", "create", &secret, "-"])
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
    Externals {
        cleanup: Cleanup {
            lab,
            stacks: vec![],
            networks: vec![network.clone()],
            secrets: vec![secret.clone()],
        },
        network,
        secret,
    }
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn every_e2e_stack_redeploys_as_a_no_op_both_ways_and_equals_docker() {
    let lab = Lab::get();
    let ext = externals(&lab);
    let (net, secret) = (ext.network.clone(), ext.secret.clone());
    let env = move |stack: &str| -> Vec<(&'static str, String)> {
        vec![
            ("FROM_ENV", "from the environment".into()),
            ("HOST_PORT", "18080".into()),
            ("GREETING", "hello".into()),
            ("REPLICAS", "2".into()),
            ("TAG", "".into()),
            ("SHARED_NET", net.clone()),
            ("OUTSIDE_SECRET", secret.clone()),
            ("STACK_PREFIX", stack.to_string()),
        ]
    };
    // every file in the folder, so a new one is covered without being listed here
    let mut files: Vec<String> = std::fs::read_dir(stacks_dir())
        .expect("tests/stacks")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yml") && n != "override.yml")
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        if f == "base.yml" {
            round_trip(&lab, &["base.yml", "override.yml"], &env);
        } else {
            round_trip(&lab, &[f.as_str()], &env);
        }
    }
    drop(ext.cleanup);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn public_stack_files_redeploy_as_a_no_op_both_ways_and_equal_docker() {
    let lab = Lab::get();
    let ext = externals(&lab);
    let net = ext.network.clone();
    let env = move |_: &str| -> Vec<(&'static str, String)> {
        vec![
            ("USERNAME", "admin".into()),
            ("HASHED_PASSWORD", "apr1-hash".into()),
            ("DOMAIN", "traefik.example.com".into()),
            ("EMAIL", "ops@example.com".into()),
            ("TRAEFIK_NETWORK", net.clone()),
        ]
    };
    let mut files: Vec<String> = std::fs::read_dir(stacks_dir().join("public"))
        .expect("tests/stacks/public")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yml"))
        .map(|n| format!("public/{n}"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for f in &files {
        round_trip(&lab, &[f.as_str()], &env);
    }
    drop(ext.cleanup);
}

fn stacks_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stacks")
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn files_docker_refuses_are_refused_before_anything_is_created() {
    let lab = Lab::get();
    let head = "services:\n  web:\n    image: swarmtest/busybox:1\n    command: sleep 3600\n";
    // placed at the second item, line 7 (6 for deploy.labels)
    for (list, line) in [
        (
            "    extra_hosts:\n      - 'db:10.0.0.2'\n      - 'db:10.0.0.2'\n",
            ":7:",
        ),
        ("    environment:\n      - A=1\n      - A=1\n", ":7:"),
        ("    deploy:\n      labels: [a=1, a=1]\n", ":6:"),
        (
            "    ports:\n      - '18081:80'\n      - '18081:80'\n",
            ":7:",
        ),
    ] {
        refused(
            &lab,
            &format!("{head}{list}configs:\n  c:\n    file: /etc/hostname\n"),
            &[],
            line,
            true,
        );
    }
    refused(
        &lab,
        &format!(
            "{head}    networks: [proxy]\nnetworks:\n  proxy:\n    external: true\n    name: ${{PROXY_NET}}\n"
        ),
        &[],
        "external network proxy: its name \"${PROXY_NET}\" is empty because $PROXY_NET is not set",
        true,
    );

    // two -c files with different versions: docker's words, at the second file's version
    let stack = unique("bad");
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.yml");
    let b = dir.path().join("b.yml");
    std::fs::write(&a, format!("version: '3.7'\n{head}")).expect("write");
    std::fs::write(
        &b,
        "version: '3.3'\nservices:\n  web:\n    image: swarmtest/busybox:2\n",
    )
    .expect("write");
    let (pa, pb) = (a.display().to_string(), b.display().to_string());
    let (ok, out, err) = swarmtop_deploy(&lab, &stack, &[&pa, &pb], &[], &[]);
    assert!(!ok, "deployed: {out}");
    assert!(
        err.contains(&format!(
            "{pb}:1:1: version mismatched between two composefiles : 3.7 and 3.3"
        )),
        "{err}"
    );
    for kind in ["service", "secret", "config", "network"] {
        assert!(ids(&lab, kind, &stack).is_empty(), "{kind} created");
    }
    // and the docker CLI says the same
    let mut c = Command::new(docker_cli());
    c.args([
        "-H",
        &lab.manager(),
        "stack",
        "deploy",
        "-c",
        &pa,
        "-c",
        &pb,
        &stack,
    ]);
    let (ok, _, err) = run(&mut c);
    assert!(!ok);
    assert!(
        err.contains("version mismatched between two composefiles : 3.7 and 3.3"),
        "{err}"
    );
}
