//! Every op through a closed read-only gate: refused before anything is sent, at the
//! transport (the gate is the engine crate's; the ops are here).

use std::collections::BTreeMap;

use crate::access::*;
use crate::cluster::{service_id, service_name};
use crate::connect::Endpoint;
use crate::engine::{Engine, EngineError};
use crate::ops::{Availability, ObjectKind, Op, SecretBytes, run};
use swarmtop_sim::{PrivateDir, SeedSpec, Sim};

/// The gate in the real transport, against the simulated engine on a unix socket: with it
/// closed, writes through bollard and through the raw client both fail without reaching the
/// engine, and reads still work.
#[tokio::test]
async fn a_closed_gate_sends_only_reads() {
    let sim = Sim::seeded(&SeedSpec {
        nodes: 2,
        managers: 1,
        services: 1,
        tasks_per_service: 1,
        history: 0,
        seed: 5,
    });
    let dir = PrivateDir::new("swarmtop-gate").unwrap();
    let sock = dir.path().join("docker.sock");
    let _server = sim.serve_unix(&sock).await.unwrap();
    let ep = Endpoint::unix_socket("prod", sock);
    let gate = Gate::new(
        &Access::read_only(Because::Context {
            context: "prod".into(),
            file: "config.yaml".into(),
        }),
        BTreeMap::new(),
        None,
    );
    let engine = Engine::connect(&ep, &gate).await.unwrap();
    engine.require_manager().await.unwrap();
    let before = engine.services().await.unwrap();
    let s = &before[0];
    let nodes = engine.nodes().await.unwrap();
    let secret = engine.secrets().await.unwrap().remove(0);
    let ops = [
        // raw: read, patched, written with the version read
        Op::Scale {
            service_id: service_id(s).into(),
            service: service_name(s).into(),
            replicas: 7,
        },
        Op::SetAvailability {
            node_id: nodes[0].id.clone().unwrap(),
            node: "n".into(),
            availability: Availability::Drain,
        },
        // bollard's own calls
        Op::CreateObject {
            kind: ObjectKind::Secret,
            name: "x".into(),
            data: SecretBytes(b"v".to_vec()),
            labels: Vec::new(),
        },
        Op::RemoveService {
            service_id: service_id(s).into(),
            service: service_name(s).into(),
        },
        // raw: the old one read, the new one's create refused, no service touched
        Op::RotateObject {
            rotation: crate::ops::Rotation {
                kind: ObjectKind::Secret,
                old_id: secret.id.clone().unwrap(),
                old_name: "pw".into(),
                name: "x".into(),
                labels: Vec::new(),
                services: vec![(service_id(s).into(), service_name(s).into())],
            },
            data: SecretBytes(b"v".to_vec()),
        },
    ];
    for op in &ops {
        let e = run::run(&engine, op).await.unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("read-only (context prod is read_only in config.yaml)"),
            "{op:?}: {text}"
        );
    }
    let e = crate::engine::edit::edit(
        &engine,
        crate::engine::edit::Target::Node(nodes[0].id.as_deref().unwrap()),
        &[],
        |_, _| Ok(()),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, EngineError::ReadOnly(_)), "{e:?}");
    // nothing changed, and reading still works
    let after = engine.services().await.unwrap();
    assert_eq!(
        serde_json::to_value(&before).unwrap(),
        serde_json::to_value(&after).unwrap()
    );
    assert!(
        engine.secrets().await.unwrap().iter().all(|s| s
            .spec
            .as_ref()
            .and_then(|x| x.name.as_deref())
            != Some("x"))
    );

    // the same engine through an open gate writes (the test can fail)
    let open = Engine::connect(&ep, &Gate::open()).await.unwrap();
    run::run(&open, &ops[0]).await.unwrap();
}
