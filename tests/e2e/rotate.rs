//! Rotating a secret and a config from the keyboard on the lab, checked with the docker CLI:
//! the services that used the old one reference the new one with the same target, uid, gid and
//! mode, every other field of their specs as it was, a service that did not use it untouched,
//! their tasks restarted with the new data, and the old one removed when the offer is taken.

use std::time::Duration;

use serde_json::Value;

use super::common::*;

/// Removes what a test made, whatever happened.
struct Cleanup<'a>(&'a Lab, Vec<Vec<String>>);
impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for args in &self.1 {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = self.0.docker(&args);
        }
    }
}

/// `docker inspect --type KIND NAME`, whole.
fn inspect(lab: &Lab, kind: &str, name: &str) -> Value {
    let text = lab.docker_ok(&["inspect", "--type", kind, name]);
    let mut v: Vec<Value> = serde_json::from_str(&text).expect("inspect json");
    v.remove(0)
}

/// Waits until the service runs its tasks (1/1 here).
fn running(lab: &Lab, svc: &str) {
    let want = format!("{svc} 1/1");
    eventually(Duration::from_secs(60), &format!("{svc} running"), || {
        let out = lab.docker_ok(&[
            "service",
            "ls",
            "--filter",
            &format!("name={svc}"),
            "--format",
            "{{.Name}} {{.Replicas}}",
        ]);
        out.lines().any(|l| l.trim() == want).then_some(())
    });
}

/// The container of a running task of `svc` (placed on the manager here) whose spec
/// references the object `id` of `kind` (a rolling update has old and new tasks for a while).
fn running_task_on(lab: &Lab, svc: &str, kind: &str, id: &str) -> Option<String> {
    let (list, id_key) = match kind {
        "secret" => ("Secrets", "SecretID"),
        _ => ("Configs", "ConfigID"),
    };
    let tasks = lab.docker_ok(&["service", "ps", svc, "--format", "{{.ID}}"]);
    tasks.lines().find_map(|task| {
        let t = inspect(lab, "task", task.trim());
        let uses = t["Spec"]["ContainerSpec"][list]
            .as_array()?
            .iter()
            .any(|r| r[id_key] == id);
        (t["Status"]["State"] == "running" && uses)
            .then(|| t["Status"]["ContainerStatus"]["ContainerID"].as_str())
            .flatten()
            .map(str::to_string)
    })
}

/// `spec` with every reference to `old_id` pointed at `new_id` / `new_name`, as the rotation
/// must leave it (and nothing else).
fn moved(spec: &Value, kind: &str, old_id: &str, new_id: &str, new_name: &str) -> Value {
    let (list, id_key, name_key) = match kind {
        "secret" => ("Secrets", "SecretID", "SecretName"),
        _ => ("Configs", "ConfigID", "ConfigName"),
    };
    let mut want = spec.clone();
    let cs = &mut want["TaskTemplate"]["ContainerSpec"];
    if let Some(refs) = cs[list].as_array_mut() {
        for r in refs.iter_mut().filter(|r| r[id_key] == old_id) {
            r[id_key] = Value::from(new_id);
            r[name_key] = Value::from(new_name);
        }
    }
    if cs["Privileges"]["CredentialSpec"]["Config"] == old_id {
        cs["Privileges"]["CredentialSpec"]["Config"] = Value::from(new_id);
    }
    want
}

/// In the pane of `kind`, `R` on `old`, the new data typed or a file named, ctrl-s: the
/// preview (returned), checked to name `expect` lines.
/// Where the new data comes from in the form.
enum Data<'a> {
    Typed(&'a str),
    File(&'a std::path::Path),
}

fn rotate_from_the_keyboard(
    t: &Tmux,
    pane: &str,
    old: &str,
    data: Data,
    expect: &[String],
) -> String {
    t.send(&[pane]);
    t.wait_text(Duration::from_secs(10), old);
    select_row(t, old);
    t.send(&["R"]);
    t.wait_text(Duration::from_secs(5), "its new version");
    // the name proposed is kept; Tab to the file, or on to the content
    match data {
        Data::Typed(value) => {
            t.send(&["Tab", "Tab", "Tab"]);
            t.type_text(value);
        }
        Data::File(path) => {
            t.send(&["Tab", "Tab"]);
            t.type_text(path.to_str().unwrap());
        }
    }
    t.send(&["C-s"]);
    let screen = t.wait_text(Duration::from_secs(5), &format!("will roll to {old}.v2"));
    for line in expect {
        assert!(
            screen.contains(line.as_str()),
            "{line:?} not in the preview:\n{screen}"
        );
    }
    assert!(screen.contains("y yes"), "{screen}");
    screen
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn rotate_a_secret_moves_every_service_keeping_target_uid_gid_mode() {
    let lab = Lab::get();
    let secret = unique("rotpw");
    let new_name = format!("{secret}.v2");
    let (a, b, c) = (unique("rota"), unique("rotb"), unique("rotc"));
    let mut undo: Vec<Vec<String>> = [&a, &b, &c]
        .iter()
        .map(|s| vec!["service".into(), "rm".into(), s.to_string()])
        .collect();
    undo.push(vec!["secret".into(), "rm".into(), secret.clone()]);
    undo.push(vec!["secret".into(), "rm".into(), new_name.clone()]);
    let _cleanup = Cleanup(&lab, undo);
    let data = write_temp("old-value");
    let data = data.to_str().unwrap();
    lab.docker_ok(&["secret", "create", "--label", "team=db", &secret, data]);
    let image = lab.image(1);
    let on_manager = "node.role==manager";
    let custom = format!("source={secret},target=/etc/app/pw,uid=1000,gid=1001,mode=0400");
    let default = format!("source={secret}");
    for (svc, refs) in [(&a, Some(&default)), (&b, Some(&custom)), (&c, None)] {
        let mut args = vec![
            "service",
            "create",
            "-d",
            "--name",
            svc,
            "--constraint",
            on_manager,
            "--update-order",
            "start-first",
            "--label",
            "keep=me",
        ];
        if let Some(r) = refs {
            args.extend(["--secret", r]);
        }
        args.extend([image.as_str(), "sleep", "1d"]);
        lab.docker_ok(&args);
    }
    for svc in [&a, &b, &c] {
        running(&lab, svc);
    }
    let old_id = inspect(&lab, "secret", &secret)["ID"]
        .as_str()
        .unwrap()
        .to_string();
    let before: Vec<Value> = [&a, &b, &c]
        .iter()
        .map(|s| inspect(&lab, "service", s))
        .collect();

    let t = start_on(&lab, 80, 24);
    rotate_from_the_keyboard(
        &t,
        "5",
        &secret,
        Data::Typed("new-value"),
        &[
            format!("{a}: file {secret} · uid 0 · gid 0 · mode 0444"),
            format!("{b}: file /etc/app/pw · uid 1000 · gid 1001 · mode 0400"),
        ],
    );
    let screen = t.capture();
    assert!(
        !screen.contains(&format!("{c}:")),
        "{c} does not use it:\n{screen}"
    );
    assert!(
        !screen.contains("new-value"),
        "the secret never shows:\n{screen}"
    );
    t.send(&["y"]);
    let screen = t.wait_text(
        Duration::from_secs(60),
        &format!("remove the old secret {secret}?"),
    );
    assert!(screen.contains("No service uses"), "{screen}");

    // the docker CLI: both services reference the new secret, the rest of each spec as it was
    let new = inspect(&lab, "secret", &new_name);
    let new_id = new["ID"].as_str().unwrap().to_string();
    assert_eq!(new["Spec"]["Labels"]["team"], "db", "labels carried over");
    for (i, svc) in [&a, &b].iter().enumerate() {
        let after = inspect(&lab, "service", svc);
        let want = moved(&before[i]["Spec"], "secret", &old_id, &new_id, &new_name);
        assert_eq!(after["Spec"], want, "{svc}: only the reference changed");
        // (not PreviousSpec against the spec read: the engine keeps it without the defaults
        // the CLI filled in, after `docker service update` too)
        assert!(
            after["Version"]["Index"].as_u64() > before[i]["Version"]["Index"].as_u64(),
            "{svc}: updated"
        );
    }
    assert_eq!(
        inspect(&lab, "service", &c),
        before[2],
        "{c} untouched (its version too)"
    );

    // the tasks restarted with the new secret, at the same place with the same owner and mode
    for (svc, path, owner) in [
        (&a, format!("/run/secrets/{secret}"), "0 0 444"),
        (&b, "/etc/app/pw".to_string(), "1000 1001 400"),
    ] {
        let container = eventually(
            Duration::from_secs(90),
            &format!("{svc} on the new secret"),
            || running_task_on(&lab, svc, "secret", &new_id),
        );
        let data = lab.docker_on(1, &["exec", &container, "cat", &path]);
        assert_eq!(data, "new-value", "{svc}: {path}");
        let stat = lab.docker_on(
            1,
            &["exec", &container, "stat", "-L", "-c", "%u %g %a", &path],
        );
        assert_eq!(stat.trim(), owner, "{svc}: {path}");
    }

    // the offered removal removes the old secret
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "the old secret removed", || {
        (!lab
            .docker_ok(&["secret", "ls", "--format", "{{.Name}}"])
            .lines()
            .any(|l| l == secret))
        .then_some(())
    });
    assert!(
        lab.docker(&["secret", "inspect", &new_name])
            .status
            .success()
    );
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn rotate_a_config_from_a_file_moves_its_file_and_its_credential_spec() {
    let lab = Lab::get();
    let config = unique("rotcfg");
    let new_name = format!("{config}.v2");
    let (a, b) = (unique("rotf"), unique("rotcred"));
    let undo = vec![
        vec!["service".into(), "rm".into(), a.clone()],
        vec!["service".into(), "rm".into(), b.clone()],
        vec!["config".into(), "rm".into(), config.clone()],
        vec!["config".into(), "rm".into(), new_name.clone()],
    ];
    let _cleanup = Cleanup(&lab, undo);
    let data = write_temp("listen 80");
    lab.docker_ok(&["config", "create", &config, data.to_str().unwrap()]);
    let image = lab.image(1);
    let file = format!("source={config},target=/etc/app.conf,uid=33,gid=33,mode=0440");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--name",
        &a,
        "--constraint",
        "node.role==manager",
        "--config",
        &file,
        &image,
        "sleep",
        "1d",
    ]);
    // a config as a credential spec: a runtime reference and Privileges.CredentialSpec.Config
    let cred = format!("config://{config}");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--name",
        &b,
        "--constraint",
        "node.role==manager",
        "--credential-spec",
        &cred,
        &image,
        "sleep",
        "1d",
    ]);
    // (a Linux engine rejects the credential spec's tasks: only its spec is checked)
    running(&lab, &a);
    let old_id = inspect(&lab, "config", &config)["ID"]
        .as_str()
        .unwrap()
        .to_string();
    let before: Vec<Value> = [&a, &b]
        .iter()
        .map(|s| inspect(&lab, "service", s))
        .collect();

    let t = start_on(&lab, 80, 24);
    rotate_from_the_keyboard(
        &t,
        "6",
        &config,
        Data::File(&write_temp("listen 8080")),
        &[
            format!("{a}: file /etc/app.conf · uid 33 · gid 33 · mode 0440"),
            format!("{b}: credential spec (runtime, no file)"),
        ],
    );
    t.send(&["y"]);
    t.wait_text(
        Duration::from_secs(60),
        &format!("remove the old config {config}?"),
    );
    let new_id = inspect(&lab, "config", &new_name)["ID"]
        .as_str()
        .unwrap()
        .to_string();
    for (i, svc) in [&a, &b].iter().enumerate() {
        let after = inspect(&lab, "service", svc);
        let want = moved(&before[i]["Spec"], "config", &old_id, &new_id, &new_name);
        assert_eq!(after["Spec"], want, "{svc}: only the references changed");
    }
    let container = eventually(
        Duration::from_secs(90),
        "the file service on the new config",
        || running_task_on(&lab, &a, "config", &new_id),
    );
    assert_eq!(
        lab.docker_on(1, &["exec", &container, "cat", "/etc/app.conf"]),
        "listen 8080"
    );
    t.send(&["y"]);
    eventually(Duration::from_secs(20), "the old config removed", || {
        (!lab.docker(&["config", "inspect", &config]).status.success()).then_some(())
    });
    t.send(&["q"]);
}

/// A file holding `text`, for `docker secret create NAME FILE` to read.
fn write_temp(text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(unique("rotate-data"));
    std::fs::write(&p, text).expect("write temp file");
    p
}
