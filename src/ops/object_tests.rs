//! Secrets and configs through the one path (`Op::CreateObject`, `Op::RemoveObject`): each kind
//! keeps its words and reaches its own Engine API routes, against the simulated engine.

use crate::access::Gate;
use crate::connect::Endpoint;
use crate::engine::{Engine, load_cluster};
use crate::ops::{ObjectKind, Op, SecretBytes, run};
use swarmtop_sim::{PrivateDir, SeedSpec, Sim};

#[tokio::test]
async fn each_kind_is_created_and_removed_through_one_op_at_its_own_routes() {
    let sim = Sim::seeded(&SeedSpec {
        nodes: 1,
        managers: 1,
        services: 0,
        tasks_per_service: 0,
        history: 0,
        seed: 3,
    });
    let dir = PrivateDir::new("swarmtop-objects").unwrap();
    let sock = dir.path().join("docker.sock");
    let _server = sim.serve_unix(&sock).await.unwrap();
    let engine = Engine::connect(&Endpoint::unix_socket("lab", sock), &Gate::open())
        .await
        .unwrap();
    for (kind, word, route) in [
        (ObjectKind::Secret, "secret", "/secrets"),
        (ObjectKind::Config, "config", "/configs"),
    ] {
        let create = Op::CreateObject {
            kind,
            name: "app_key".into(),
            data: SecretBytes(b"k=v".to_vec()),
            labels: vec![("team".into(), "ops".into())],
        };
        assert_eq!(create.describe(), format!("create {word} app_key"));
        assert!(!format!("{create:?}").contains("k=v"));
        let before = sim.requests();
        run::run(&engine, &create).await.unwrap();
        let c = load_cluster(&engine).await.unwrap();
        let made = c.objects(kind);
        let o = made.iter().find(|o| o.name() == "app_key").unwrap();
        assert_eq!(o.labels().unwrap()["team"], "ops");
        // only a config's data is read back
        assert_eq!(o.data().is_some(), kind == ObjectKind::Config);
        let id = o.id().to_string();

        let remove = Op::RemoveObject {
            kind,
            id: id.clone(),
            name: "app_key".into(),
        };
        assert_eq!(remove.describe(), format!("remove {word} app_key"));
        run::run(&engine, &remove).await.unwrap();
        let c = load_cluster(&engine).await.unwrap();
        assert!(c.object(kind, &id).is_none());

        // the writes went to this kind's routes, once each
        let after = sim.requests();
        let sent = |key: &str| {
            after.get(key).copied().unwrap_or(0) - before.get(key).copied().unwrap_or(0)
        };
        assert_eq!(sent(&format!("POST {route}/create")), 1, "{after:?}");
        assert_eq!(sent(&format!("DELETE {route}/{{id}}")), 1, "{after:?}");
        let other = if route == "/secrets" {
            "/configs"
        } else {
            "/secrets"
        };
        assert_eq!(sent(&format!("POST {other}/create")), 0, "{after:?}");
        assert_eq!(sent(&format!("DELETE {other}/{{id}}")), 0, "{after:?}");
    }
}

/// A rotation against the simulated engine: the new secret is the old one's spec with the new
/// name and data (its stack label carried over), the services that used the old one point at
/// the new one, every other field and every other service as it was, and the old one stays.
#[tokio::test]
async fn a_rotation_moves_the_services_that_use_it_and_nothing_else() {
    use crate::engine::edit::{Target, read};
    use swarmtop_ops::rotate::{Rotation, users};

    let sim = Sim::seeded(&SeedSpec {
        nodes: 2,
        managers: 1,
        services: 8,
        tasks_per_service: 1,
        history: 0,
        seed: 7,
    });
    let dir = PrivateDir::new("swarmtop-rotate").unwrap();
    let sock = dir.path().join("docker.sock");
    let _server = sim.serve_unix(&sock).await.unwrap();
    let engine = Engine::connect(&Endpoint::unix_socket("lab", sock), &Gate::open())
        .await
        .unwrap();
    let c = load_cluster(&engine).await.unwrap();
    let old = c.objects(ObjectKind::Secret)[0];
    let (old_id, old_name) = (old.id().to_string(), old.name().to_string());
    let services = users(&c, ObjectKind::Secret, &old_id);
    assert!(
        services.len() >= 2,
        "the seed's api and db use it: {services:?}"
    );
    let mut before = Vec::new();
    for s in &c.services {
        let id = s.id.clone().unwrap();
        before.push((
            id.clone(),
            read(&engine, Target::Service(&id)).await.unwrap(),
        ));
    }
    let rotation = Rotation {
        kind: ObjectKind::Secret,
        old_id: old_id.clone(),
        old_name: old_name.clone(),
        name: format!("{old_name}.v2"),
        labels: vec![("rotated".into(), "yes".into())],
        services: services.clone(),
    };
    let report =
        crate::ops::rotation::rotate(&engine, &rotation, &SecretBytes(b"n3w".to_vec())).await;
    assert!(report.finished(), "{:?}", report.lines());
    let new_id = report.created.clone().unwrap();
    assert_eq!(report.moved.len(), services.len());

    let c = load_cluster(&engine).await.unwrap();
    let new = c.object(ObjectKind::Secret, &new_id).unwrap();
    assert_eq!(new.name(), format!("{old_name}.v2"));
    assert_eq!(new.labels().unwrap().get("rotated").unwrap(), "yes");
    assert_eq!(
        new.stack(),
        old.stack(),
        "the old one's labels carried over"
    );
    assert!(
        c.object(ObjectKind::Secret, &old_id).is_some(),
        "the old one stays"
    );
    for (id, was) in before {
        let now = read(&engine, Target::Service(&id)).await.unwrap();
        let mut want = serde_json::Value::Object(was.spec.clone());
        let used = services.iter().any(|(s, _)| *s == id);
        let refs = want.pointer_mut("/TaskTemplate/ContainerSpec/Secrets");
        if let Some(refs) = refs.and_then(|r| r.as_array_mut()) {
            for r in refs.iter_mut().filter(|r| r["SecretID"] == old_id.as_str()) {
                r["SecretID"] = new_id.clone().into();
                r["SecretName"] = format!("{old_name}.v2").into();
            }
        }
        assert_eq!(serde_json::Value::Object(now.spec), want, "{id}");
        assert_eq!(
            now.version > was.version,
            used,
            "{id}: written only if it used it"
        );
    }
}
