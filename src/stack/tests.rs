//! The stack code with what the compose crate leaves out: the real disk (`files::Disk`) and
//! the engine's wire format (`engine::wire`).

use std::path::Path;

use bollard::models::Service;

use super::convert::{Desired, convert};
use super::interpolate::Env;
use super::load::{Source, load_sources};
use super::plan::{Live, PlanOptions, make_plan};
use super::source::reconstruct;
use crate::files::{Disk, MemFiles};

fn src(name: &str, text: &str) -> Source {
    Source {
        name: name.into(),
        text: text.into(),
    }
}

fn desired(text: &str) -> Desired {
    let l = load_sources(
        &MemFiles::new(),
        &[src("s.yml", text)],
        Path::new("/"),
        &Env::new(),
    )
    .unwrap();
    convert(&MemFiles::new(), "st", &l).unwrap()
}

#[test]
#[allow(unsafe_code)] // mkfifo: a FIFO to refuse
fn an_env_file_that_is_a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("app.env");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let e = load_sources(
        &Disk,
        &[src(
            "s.yml",
            "services:\n  a:\n    image: x\n    env_file: app.env\n",
        )],
        dir.path(),
        &Env::new(),
    )
    .unwrap_err();
    assert!(
        e.message.contains("app.env: not a regular file (a FIFO)"),
        "{e:?}"
    );
    assert_eq!(e.line, Some(4));
}

/// The live service as the engine writes it (`Healthcheck`), read the way read_live does.
#[test]
fn healthchecks_are_compared_and_shown() {
    let file = "services:\n  web:\n    image: busybox:1\n    healthcheck:\n      test: [CMD, 'true']\n      interval: 5s\n      retries: 3\n";
    let d = desired(file);
    let mut raw = serde_json::json!({
        "ID": "id-web", "Version": {"Index": 7},
        "Spec": crate::engine::wire::to_engine(&d.services["st_web"]),
    });
    let live_hc = raw
        .pointer_mut("/Spec/TaskTemplate/ContainerSpec/Healthcheck")
        .expect("the engine's key");
    assert_eq!(live_hc["Interval"], 5_000_000_000i64);
    let same: Service = crate::engine::wire::from_engine(raw.clone()).unwrap();
    let live = Live {
        services: vec![same],
        ..Default::default()
    };
    let p = make_plan(d, &live, PlanOptions::default(), None);
    assert!(p.service_changes().is_empty(), "{}", p.render());
    // a changed interval and a disabled check are shown field by field
    let p = make_plan(
        desired(
            "services:\n  web:\n    image: busybox:1\n    healthcheck:\n      test: [CMD, 'true']\n      interval: 10s\n      retries: 3\n",
        ),
        &live,
        PlanOptions::default(),
        None,
    );
    assert!(
        p.render()
            .contains("TaskTemplate.ContainerSpec.HealthCheck.Interval: 5000000000 -> 10000000000"),
        "{}",
        p.render()
    );
    let p = make_plan(
        desired("services:\n  web:\n    image: busybox:1\n    healthcheck:\n      disable: true\n"),
        &live,
        PlanOptions::default(),
        None,
    );
    assert!(
        p.render()
            .contains("HealthCheck.Test: [\"CMD\",\"true\"] -> [\"NONE\"]"),
        "{}",
        p.render()
    );
}

/// The rebuilt file of a stack has the healthchecks the engine holds (it writes the key as
/// `Healthcheck`, which the model read as nothing before engine::wire).
#[test]
fn reconstructed_file_shows_healthchecks() {
    let svc = |name: &str, hc: serde_json::Value| -> Service {
        crate::engine::wire::from_engine(serde_json::json!({
                "ID": name, "Version": {"Index": 3},
                "Spec": {
                    "Name": format!("st_{name}"),
                    "Labels": {"com.docker.stack.namespace": "st", "com.docker.stack.image": "busybox:1"},
                    "TaskTemplate": {"ContainerSpec": {"Image": "busybox:1", "Healthcheck": hc}},
                    "Mode": {"Replicated": {"Replicas": 1}}
                }
            }))
            .unwrap()
    };
    let services = [
        svc(
            "web",
            serde_json::json!({"Test": ["CMD-SHELL", "wget -qO- localhost"], "Interval": 5_000_000_000i64, "Timeout": 2_000_000_000i64, "Retries": 3, "StartPeriod": 10_000_000_000i64}),
        ),
        svc("off", serde_json::json!({"Test": ["NONE"]})),
    ];
    let rebuilt = reconstruct("st", &services, &[], &[], &[]);
    let file: yaml_serde::Value = yaml_serde::from_str(&rebuilt).unwrap();
    let web = &file["services"]["web"]["healthcheck"];
    assert_eq!(
            web,
            &yaml_serde::from_str::<yaml_serde::Value>(
                "{test: [CMD-SHELL, wget -qO- localhost], interval: 5s, timeout: 2s, retries: 3, start_period: 10s}"
            )
            .unwrap(),
            "{rebuilt}"
        );
    assert_eq!(
        file["services"]["off"]["healthcheck"]["disable"],
        yaml_serde::Value::Bool(true),
        "{rebuilt}"
    );
}
