//! Issue 18: a service's spec history (what each update changed) and what a rollback returns
//! to, at 80x24 on the real swarm, with updates made by the docker CLI and the docker CLI as
//! the judge of where the rollback left the service.

use std::time::Duration;

use crate::common::*;

/// The service as the engine holds it: `GET /services/NAME` on the manager's socket.
/// `docker service inspect` writes the engine's defaults into `Spec` (it asks with
/// `insertDefaults`), which would hide a default written by a rollback.
fn inspect(lab: &Lab, name: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let url = lab.var("LAB_N1");
    let path = url
        .strip_prefix("unix://")
        .expect("LAB_N1 is a unix socket");
    let mut s = std::os::unix::net::UnixStream::connect(path).expect("the manager's socket");
    write!(s, "GET /services/{name} HTTP/1.0\r\nHost: docker\r\n\r\n").expect("request");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "{head}"
    );
    serde_json::from_str(body).expect("a service as JSON")
}

struct Remove<'a>(&'a Lab, String);
impl Drop for Remove<'_> {
    fn drop(&mut self) {
        let _ = self.0.docker(&["service", "rm", &self.1]);
    }
}

/// The history view's text as one line (it is cut to the screen's width): what a person reads.
fn history_text(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn the_history_names_each_change_and_a_rollback_returns_to_the_spec_before() {
    let lab = Lab::get();
    let svc = unique("hist");
    // its twin is updated and rolled back by the docker CLI alone: the oracle
    let twin = unique("histcli");
    for name in [&svc, &twin] {
        lab.docker_ok(&[
            "service",
            "create",
            "-d",
            "--no-resolve-image",
            "--name",
            name,
            "--replicas",
            "1",
            "--env",
            "A=1",
            "--env",
            "KEEP=x",
            "--stop-grace-period",
            "1s",
            &lab.image(1),
            "sleep",
            "3600",
        ]);
    }
    let _rm = (Remove(&lab, svc.clone()), Remove(&lab, twin.clone()));
    let created = inspect(&lab, &svc);
    let twin_created = inspect(&lab, &twin);
    let t = start_on(&lab, 80, 24);
    t.send(&["2"]);
    select_row(&t, &svc);

    // never updated: the engine keeps no previous spec, and the view says so
    t.send(&["h"]);
    t.wait_text(
        Duration::from_secs(10),
        &format!("history of service {svc}"),
    );
    t.wait_for(Duration::from_secs(10), "no spec before it", |s| {
        history_text(s).contains("the service has not been updated since it was created")
    });
    t.send(&["Escape"]);

    // an update by the docker CLI while swarmtop runs: image tag, replicas, env
    for name in [&svc, &twin] {
        lab.docker_ok(&[
            "service",
            "update",
            "-d",
            "--no-resolve-image",
            "--image",
            &lab.image(2),
            "--replicas",
            "2",
            "--env-add",
            "B=2",
            "--env-add",
            "A=changed",
            name,
        ]);
    }
    let updated = inspect(&lab, &svc);
    let twin_updated = inspect(&lab, &twin);
    t.send(&["h"]);
    let image_change = format!("image: {} -> {}", lab.image(1), lab.image(2));
    let screen = t.wait_for(Duration::from_secs(20), "the update in the history", |s| {
        history_text(s).contains(&image_change)
    });
    let text = history_text(&screen);
    for want in [
        "replicas: 1 -> 2",
        "env A: 1 -> changed",
        "env B: (none) -> 2",
        "only the last update is known (the engine keeps one previous spec)",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{screen}");
    }
    // the update as swarmtop saw it come: the version it first saw it at (the update's
    // state moves the version on by itself) and when
    let seen_at: u64 = text
        .split("▸ version ")
        .nth(1)
        .and_then(|rest| rest.split_once(" · seen at "))
        .and_then(|(v, _)| v.parse().ok())
        .unwrap_or_else(|| panic!("no \"▸ version N · seen at\" in:\n{screen}"));
    let first = created["Version"]["Index"].as_u64().unwrap();
    let now = inspect(&lab, &svc)["Version"]["Index"].as_u64().unwrap();
    assert!(
        seen_at > first && seen_at <= now,
        "version {seen_at} is not the update's ({first} < v <= {now}):\n{screen}"
    );
    // KEEP did not change: not listed
    assert!(!text.contains("env KEEP"), "{screen}");
    assert!(screen.contains("esc back"), "{screen}");
    t.send(&["Escape"]);

    // the rollback dialog names what it returns to
    t.send(&["R"]);
    let screen = t.wait_text(
        Duration::from_secs(10),
        &format!("Roll {svc} back to its previous spec?"),
    );
    let text = history_text(&screen);
    for want in [
        format!("image: {} -> {}", lab.image(2), lab.image(1)),
        "replicas: 2 -> 1".to_string(),
        "env A: changed -> 1".to_string(),
        "env B: 2 -> (removed)".to_string(),
    ] {
        assert!(text.contains(&want), "no {want:?} in the dialog:\n{screen}");
    }
    assert!(screen.contains("y yes"), "{screen}");
    t.send(&["y"]);

    // the service is back: its whole spec is the one it had before the update, and the
    // update's is the previous one
    let rolled_back = |name: &str| {
        eventually(Duration::from_secs(30), "the rollback", || {
            let now = inspect(&lab, name);
            let state = now["UpdateStatus"]["State"].as_str().unwrap_or("");
            state.starts_with("rollback").then_some(now)
        })
    };
    let back = rolled_back(&svc);
    assert_eq!(
        back["Spec"], created["Spec"],
        "the rolled back spec differs from the one before the update"
    );
    assert_eq!(back["PreviousSpec"], updated["Spec"]);
    // as `docker service rollback` leaves its twin
    lab.docker_ok(&["service", "rollback", "-d", &twin]);
    let oracle = rolled_back(&twin);
    assert_eq!(oracle["Spec"], twin_created["Spec"]);
    assert_eq!(oracle["PreviousSpec"], twin_updated["Spec"]);
    // and alike, the name aside and the order of the variables the CLI's --env-add wrote (it
    // takes them from a Go map: the order differs from one update to the next)
    let alike = |v: &serde_json::Value| {
        let mut v = v.clone();
        for part in ["Spec", "PreviousSpec"] {
            v[part]["Name"] = "x".into();
            if let Some(env) = v[part]["TaskTemplate"]["ContainerSpec"]["Env"].as_array_mut() {
                env.sort_by_key(|e| e.to_string());
            }
        }
        (v["Spec"].clone(), v["PreviousSpec"].clone())
    };
    assert_eq!(
        alike(&back),
        alike(&oracle),
        "not as the docker CLI's rollback"
    );

    // the history lists both updates seen this session, the rollback first
    t.send(&["h"]);
    let back_change = format!("image: {} -> {}", lab.image(2), lab.image(1));
    let screen = t.wait_for(
        Duration::from_secs(20),
        "the rollback in the history",
        |s| {
            let text = history_text(s);
            let (newest, older) = (text.find(&back_change), text.find(&image_change));
            newest.is_some() && older.is_some() && newest < older
        },
    );
    assert_eq!(screen.matches("seen at").count(), 2, "{screen}");
    t.send(&["Escape"]);
    t.send(&["q"]);
}

#[test]
#[ignore = "needs the lab swarm: run scripts/test.sh"]
fn a_service_never_updated_has_nothing_to_roll_back_to() {
    let lab = Lab::get();
    let svc = unique("histnone");
    lab.docker_ok(&[
        "service",
        "create",
        "-d",
        "--no-resolve-image",
        "--name",
        &svc,
        "--replicas",
        "0",
        &lab.image(1),
        "sleep",
        "3600",
    ]);
    let _rm = Remove(&lab, svc.clone());
    let before = inspect(&lab, &svc);
    let t = start_on(&lab, 80, 24);
    t.send(&["2"]);
    select_row(&t, &svc);
    t.send(&["R"]);
    t.wait_text(
        Duration::from_secs(10),
        &format!("{svc} has no previous spec: nothing to roll back to"),
    );
    // nothing was sent: the service is as it was
    assert_eq!(inspect(&lab, &svc), before);
    t.send(&["q"]);
}
