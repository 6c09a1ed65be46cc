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
