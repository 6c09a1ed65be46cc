//! The simulated swarm's reactions, driven with virtual time (no sleeping).

use std::collections::{BTreeSet, HashMap};

use bollard::models::{
    EventMessage, EventMessageTypeEnum, NodeSpec, NodeSpecAvailabilityEnum, ServiceSpec,
    ServiceSpecMode, ServiceSpecModeReplicated, ServiceSpecUpdateConfig,
    ServiceSpecUpdateConfigFailureActionEnum, ServiceUpdateStatusStateEnum, TaskSpec,
    TaskSpecContainerSpec, TaskSpecPlacement, TaskState,
};

use crate::model::{LABEL_EXIT_CODE, Model, SimError, TaskQuery};
use crate::seed;
use crate::time::{Nanos, SECOND};

const T0: Nanos = 1_800_000_000 * SECOND;

fn lab() -> Model {
    seed::lab(3, 7, T0)
}

fn spec(name: &str, image: &str, replicas: i64) -> ServiceSpec {
    ServiceSpec {
        name: Some(name.into()),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some(image.into()),
                args: Some(vec!["sleep".into(), "3600".into()]),
                ..Default::default()
            }),
            ..Default::default()
        }),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated {
                replicas: Some(replicas),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn global(name: &str) -> ServiceSpec {
    ServiceSpec {
        mode: Some(ServiceSpecMode {
            global: Some(HashMap::new()),
            ..Default::default()
        }),
        ..spec(name, "img:1", 0)
    }
}

fn version(m: &Model, svc: &str) -> u64 {
    m.service(svc)
        .unwrap()
        .service
        .version
        .as_ref()
        .unwrap()
        .index
        .unwrap()
}

fn node_version(m: &Model, node: &str) -> u64 {
    m.node(node)
        .unwrap()
        .version
        .as_ref()
        .unwrap()
        .index
        .unwrap()
}

fn with_replicas(m: &Model, svc: &str, n: i64) -> ServiceSpec {
    let mut s = m.service(svc).unwrap().spec().clone();
    s.mode = Some(ServiceSpecMode {
        replicated: Some(ServiceSpecModeReplicated { replicas: Some(n) }),
        ..Default::default()
    });
    s
}

fn with_image(m: &Model, svc: &str, image: &str) -> ServiceSpec {
    let mut s = m.service(svc).unwrap().spec().clone();
    s.task_template
        .as_mut()
        .unwrap()
        .container_spec
        .as_mut()
        .unwrap()
        .image = Some(image.into());
    s
}

/// (slot, node hostname, state, desired, image) of a service's tasks.
fn tasks(m: &Model, svc: &str) -> Vec<(i64, String, TaskState, TaskState, String)> {
    let id = m.service(svc).unwrap().id().to_string();
    let mut v: Vec<_> = m
        .tasks_of_service(&id)
        .map(|t| {
            let host = t
                .node()
                .and_then(|n| m.node(n).ok())
                .map(|n| crate::model::node_hostname(n).to_string())
                .unwrap_or_default();
            let image = t
                .spec
                .container_spec
                .as_ref()
                .unwrap()
                .image
                .clone()
                .unwrap();
            (
                t.task.slot.unwrap_or(0),
                host,
                t.state(),
                t.desired(),
                image,
            )
        })
        .collect();
    v.sort();
    v
}

fn running(m: &Model, svc: &str) -> usize {
    tasks(m, svc)
        .iter()
        .filter(|t| t.2 == TaskState::RUNNING && t.3 == TaskState::RUNNING)
        .count()
}

fn events_of(m: &Model, typ: EventMessageTypeEnum) -> Vec<HashMap<String, String>> {
    m.events()
        .history()
        .filter(|e: &&EventMessage| e.typ == Some(typ))
        .map(|e| {
            let mut a = e.actor.clone().unwrap().attributes.unwrap();
            a.insert("_action".into(), e.action.clone().unwrap());
            a
        })
        .collect()
}

#[test]
fn a_new_service_starts_and_spreads() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 3), T0).unwrap();
    let t = tasks(&m, "web");
    assert!(t.iter().all(|t| t.2 == TaskState::ASSIGNED), "{t:?}");
    m.advance(T0 + 5 * SECOND);
    let t = tasks(&m, "web");
    assert_eq!(running(&m, "web"), 3, "{t:?}");
    let nodes: BTreeSet<_> = t.iter().map(|t| t.1.clone()).collect();
    assert_eq!(nodes.len(), 3, "one per node: {t:?}");
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    assert_eq!(ev.len(), 1);
    assert_eq!(
        (ev[0]["_action"].as_str(), ev[0]["name"].as_str()),
        ("create", "web")
    );
    // every running task has a container
    let id = m.service("web").unwrap().id().to_string();
    for t in m.tasks_of_service(&id) {
        let c = t
            .task
            .status
            .as_ref()
            .unwrap()
            .container_status
            .as_ref()
            .unwrap();
        assert_eq!(c.container_id.as_ref().unwrap().len(), 64);
    }
}

#[test]
fn scale_adds_and_removes_slots() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 3), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let v = version(&m, "web");
    let s = with_replicas(&m, "web", 5);
    m.update_service("web", v, s, false, T0 + 10 * SECOND)
        .unwrap();
    m.advance(T0 + 15 * SECOND);
    assert_eq!(running(&m, "web"), 5);
    let v = version(&m, "web");
    let s = with_replicas(&m, "web", 2);
    m.update_service("web", v, s, false, T0 + 20 * SECOND)
        .unwrap();
    m.advance(T0 + 25 * SECOND);
    let t = tasks(&m, "web");
    assert_eq!(t.len(), 2, "slots above 2 are gone: {t:?}");
    assert_eq!(t.iter().map(|t| t.0).collect::<Vec<_>>(), vec![1, 2]);
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    let scale = ev.last().unwrap();
    assert_eq!(scale["replicas.old"], "5");
    assert_eq!(scale["replicas.new"], "2");
    assert!(
        !scale.contains_key("updatestate.new"),
        "a scale is no rolling update"
    );
    let st = m.service_status(m.service("web").unwrap());
    assert_eq!((st.running_tasks, st.desired_tasks), (Some(2), Some(2)));
}

#[test]
fn drain_moves_tasks_away() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 3), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let v = node_version(&m, "node2");
    let mut ns: NodeSpec = m.node("node2").unwrap().spec.clone().unwrap();
    ns.availability = Some(NodeSpecAvailabilityEnum::DRAIN);
    m.update_node("node2", v, ns, T0 + 10 * SECOND).unwrap();
    m.advance(T0 + 20 * SECOND);
    let t = tasks(&m, "web");
    assert_eq!(running(&m, "web"), 3, "{t:?}");
    assert!(
        t.iter()
            .filter(|t| t.1 == "node2")
            .all(|t| t.2 == TaskState::SHUTDOWN && t.3 == TaskState::SHUTDOWN),
        "{t:?}"
    );
    assert!(
        t.iter().any(|t| t.1 == "node2"),
        "the old task stays in history"
    );
    let ev = events_of(&m, EventMessageTypeEnum::NODE);
    let drain = ev.last().unwrap();
    assert_eq!(drain["name"], "node2");
    assert_eq!(drain["availability.old"], "active");
    assert_eq!(drain["availability.new"], "drain");
}

#[test]
fn a_down_node_keeps_its_tasks_running_until_it_returns() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 3), T0).unwrap();
    m.create_service(global("agent"), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    m.set_node_down("node3", true, T0 + 10 * SECOND).unwrap();
    m.advance(T0 + 20 * SECOND);
    let t = tasks(&m, "web");
    // as the engine shows it: Shutdown desired, still Running, and a replacement elsewhere
    let on3: Vec<_> = t.iter().filter(|t| t.1 == "node3").collect();
    assert_eq!(on3.len(), 1, "{t:?}");
    assert_eq!(
        (on3[0].2, on3[0].3),
        (TaskState::RUNNING, TaskState::SHUTDOWN)
    );
    assert_eq!(running(&m, "web"), 3);
    let st = m.service_status(m.service("web").unwrap());
    assert_eq!(
        (st.running_tasks, st.desired_tasks),
        (Some(4), Some(3)),
        "the engine counts 4/3"
    );
    let g = m.service_status(m.service("agent").unwrap());
    assert_eq!(
        (g.running_tasks, g.desired_tasks),
        (Some(3), Some(2)),
        "global: 3/2"
    );
    let ev = events_of(&m, EventMessageTypeEnum::NODE);
    let down = ev.last().unwrap();
    assert_eq!(
        (down["state.old"].as_str(), down["state.new"].as_str()),
        ("ready", "down")
    );
    assert!(
        m.set_node_down("node1", true, T0).is_err(),
        "the sim is node1"
    );

    m.set_node_down("node3", false, T0 + 30 * SECOND).unwrap();
    m.advance(T0 + 40 * SECOND);
    // its container died with the node: reported failed, exit code 255
    let t = tasks(&m, "web");
    let old: Vec<_> = t.iter().filter(|t| t.1 == "node3").collect();
    assert!(old.iter().all(|t| t.2 == TaskState::FAILED), "{t:?}");
    let id = m.service_id("web").unwrap();
    let failed = m
        .tasks_of_service(&id)
        .find(|t| t.state() == TaskState::FAILED)
        .unwrap();
    let st = failed.task.status.as_ref().unwrap();
    assert_eq!(st.err.as_deref(), Some("task: non-zero exit (255)"));
    assert_eq!(st.container_status.as_ref().unwrap().exit_code, Some(255));
    assert_eq!(
        running(&m, "agent"),
        3,
        "the global service is back on node3"
    );
}

#[test]
fn updates_roll_slot_by_slot_and_report_their_state() {
    let mut m = lab();
    let mut s = spec("web", "img:1", 3);
    s.update_config = Some(ServiceSpecUpdateConfig {
        parallelism: Some(1),
        delay: Some(10 * SECOND),
        ..Default::default()
    });
    m.create_service(s, T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let v = version(&m, "web");
    let s = with_image(&m, "web", "img:2");
    m.update_service("web", v, s, false, T0 + 10 * SECOND)
        .unwrap();
    m.advance(T0 + 13 * SECOND);
    let t = tasks(&m, "web");
    let new: Vec<_> = t.iter().filter(|t| t.4 == "img:2").collect();
    assert_eq!(new.len(), 1, "one slot at a time: {t:?}");
    assert_eq!(
        m.service("web").unwrap().update_state(),
        Some(ServiceUpdateStatusStateEnum::UPDATING)
    );
    m.advance(T0 + 60 * SECOND);
    let t = tasks(&m, "web");
    assert_eq!(
        t.iter()
            .filter(|t| t.3 == TaskState::RUNNING && t.4 == "img:2")
            .count(),
        3,
        "{t:?}"
    );
    assert_eq!(
        t.iter().filter(|t| t.4 == "img:1").count(),
        3,
        "history kept"
    );
    let svc = m.service("web").unwrap();
    assert_eq!(
        svc.update_state(),
        Some(ServiceUpdateStatusStateEnum::COMPLETED)
    );
    let previous = svc.previous.as_ref().unwrap();
    assert_eq!(crate::model::image_of(previous), "img:1");

    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    let n = ev.len();
    assert_eq!(ev[n - 3]["image.old"], "img:1");
    assert_eq!(ev[n - 3]["image.new"], "img:2");
    assert_eq!(ev[n - 2]["updatestate.new"], "updating");
    assert!(!ev[n - 2].contains_key("updatestate.old"));
    assert_eq!(ev[n - 1]["updatestate.old"], "updating");
    assert_eq!(ev[n - 1]["updatestate.new"], "completed");
}

#[test]
fn rollback_returns_to_the_previous_spec() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 2), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let v = version(&m, "web");
    assert!(matches!(
        m.update_service("web", v, spec("web", "x", 1), true, T0),
        Err(SimError::Internal(e)) if e.contains("does not have a previous spec")
    ));
    let s = with_image(&m, "web", "img:2");
    m.update_service("web", v, s, false, T0 + 10 * SECOND)
        .unwrap();
    m.advance(T0 + 60 * SECOND);
    let v = version(&m, "web");
    let current = m.service("web").unwrap().spec().clone();
    m.update_service("web", v, current, true, T0 + 70 * SECOND)
        .unwrap();
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    let rb = ev.last().unwrap();
    assert_eq!(rb["image.new"], "img:1");
    assert_eq!(rb["updatestate.old"], "completed");
    assert_eq!(rb["updatestate.new"], "rollback_started");
    m.advance(T0 + 120 * SECOND);
    let svc = m.service("web").unwrap();
    assert_eq!(svc.image(), "img:1");
    assert_eq!(
        crate::model::image_of(svc.previous.as_ref().unwrap()),
        "img:2"
    );
    assert_eq!(
        svc.update_state(),
        Some(ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED)
    );
    let t = tasks(&m, "web");
    assert!(
        t.iter()
            .filter(|t| t.3 == TaskState::RUNNING)
            .all(|t| t.4 == "img:1"),
        "{t:?}"
    );
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    assert_eq!(ev.last().unwrap()["updatestate.new"], "rollback_completed");
}

#[test]
fn stale_versions_are_out_of_sequence() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 1), T0).unwrap();
    let v = version(&m, "web");
    let s = with_replicas(&m, "web", 2);
    m.update_service("web", v, s.clone(), false, T0).unwrap();
    let e = m.update_service("web", v, s, false, T0).unwrap_err();
    assert_eq!(e.status(), 500);
    assert_eq!(
        e.to_string(),
        "rpc error: code = Unknown desc = update out of sequence"
    );
    let ns = m.node("node2").unwrap().spec.clone().unwrap();
    let e = m.update_node("node2", 1, ns, T0).unwrap_err();
    assert!(e.to_string().contains("update out of sequence"));
    let e = m.create_service(spec("web", "img:1", 1), T0).unwrap_err();
    assert_eq!(e.status(), 409);
}

#[test]
fn a_crashing_service_fails_and_restarts_with_exit_codes() {
    let mut m = lab();
    let mut s = spec("crash", "img:1", 1);
    s.task_template
        .as_mut()
        .unwrap()
        .container_spec
        .as_mut()
        .unwrap()
        .args = Some(vec!["sh".into(), "-c".into(), "exit 3".into()]);
    m.create_service(s, T0).unwrap();
    m.advance(T0 + 10 * 60 * SECOND);
    let id = m.service("crash").unwrap().id().to_string();
    let all: Vec<_> = m.tasks_of_service(&id).collect();
    assert!(
        all.len() <= 5,
        "the task reaper keeps 5 per slot: {}",
        all.len()
    );
    let failed: Vec<_> = all
        .iter()
        .filter(|t| t.state() == TaskState::FAILED)
        .collect();
    assert!(failed.len() >= 3, "{}", failed.len());
    let st = failed[0].task.status.as_ref().unwrap();
    assert_eq!(st.err.as_deref(), Some("task: non-zero exit (3)"));
    assert_eq!(st.container_status.as_ref().unwrap().exit_code, Some(3));
    assert_eq!(failed[0].desired(), TaskState::SHUTDOWN);
    // the replacement waits out the restart delay in "ready"
    assert!(all.iter().filter(|t| t.is_active()).count() == 1);
}

#[test]
fn unsatisfiable_constraints_leave_tasks_pending_until_a_node_fits() {
    let mut m = lab();
    let mut s = spec("gpu", "img:1", 2);
    s.task_template.as_mut().unwrap().placement = Some(TaskSpecPlacement {
        constraints: Some(vec!["node.labels.gpu==true".into()]),
        ..Default::default()
    });
    m.create_service(s, T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let t = tasks(&m, "gpu");
    assert!(t.iter().all(|t| t.2 == TaskState::PENDING), "{t:?}");
    let id = m.service("gpu").unwrap().id().to_string();
    let err = m
        .tasks_of_service(&id)
        .next()
        .unwrap()
        .task
        .status
        .clone()
        .unwrap()
        .err
        .unwrap();
    assert_eq!(
        err,
        "no suitable node (scheduling constraints not satisfied on 3 nodes)"
    );
    let st = m.service_status(m.service("gpu").unwrap());
    assert_eq!((st.running_tasks, st.desired_tasks), (Some(0), Some(2)));

    let v = node_version(&m, "node2");
    let mut ns = m.node("node2").unwrap().spec.clone().unwrap();
    ns.labels = Some(HashMap::from([("gpu".into(), "true".into())]));
    m.update_node("node2", v, ns, T0 + 10 * SECOND).unwrap();
    m.advance(T0 + 20 * SECOND);
    assert_eq!(running(&m, "gpu"), 2);
    assert!(tasks(&m, "gpu").iter().all(|t| t.1 == "node2"));
}

#[test]
fn a_failing_update_pauses() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 2), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let v = version(&m, "web");
    let mut s = with_image(&m, "web", "img:bad");
    s.task_template
        .as_mut()
        .unwrap()
        .container_spec
        .as_mut()
        .unwrap()
        .labels = Some(HashMap::from([(
        LABEL_EXIT_CODE.to_string(),
        "1".to_string(),
    )]));
    s.update_config = Some(ServiceSpecUpdateConfig {
        failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::PAUSE),
        ..Default::default()
    });
    m.update_service("web", v, s, false, T0 + 10 * SECOND)
        .unwrap();
    m.advance(T0 + 30 * SECOND);
    let svc = m.service("web").unwrap();
    assert_eq!(
        svc.update_state(),
        Some(ServiceUpdateStatusStateEnum::PAUSED)
    );
    let msg = svc
        .service
        .update_status
        .as_ref()
        .unwrap()
        .message
        .clone()
        .unwrap();
    assert!(
        msg.starts_with("update paused due to failure or early termination of task"),
        "{msg}"
    );
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    assert!(
        ev.iter()
            .any(|e| e.get("updatestate.new").map(String::as_str) == Some("paused"))
    );
}

#[test]
fn global_services_follow_the_nodes() {
    let mut m = lab();
    m.create_service(global("agent"), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    assert_eq!(running(&m, "agent"), 3);
    let v = node_version(&m, "node3");
    let mut ns = m.node("node3").unwrap().spec.clone().unwrap();
    ns.availability = Some(NodeSpecAvailabilityEnum::DRAIN);
    m.update_node("node3", v, ns, T0 + 10 * SECOND).unwrap();
    m.advance(T0 + 20 * SECOND);
    assert_eq!(
        running(&m, "agent"),
        2,
        "no replacement elsewhere for a global task"
    );
    let st = m.service_status(m.service("agent").unwrap());
    assert_eq!(st.desired_tasks, Some(2));
}

#[test]
fn removing_a_service_removes_its_tasks() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 2), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    m.remove_service("web", T0 + 10 * SECOND).unwrap();
    m.advance(T0 + 20 * SECOND);
    assert_eq!(m.tasks().count(), 0);
    let ev = events_of(&m, EventMessageTypeEnum::SERVICE);
    assert_eq!(ev.last().unwrap()["_action"], "remove");
    assert!(m.service("web").is_err());
}

#[test]
fn task_queries_use_the_filters() {
    let mut m = lab();
    m.create_service(spec("web", "img:1", 3), T0).unwrap();
    m.create_service(spec("api", "img:1", 2), T0).unwrap();
    m.advance(T0 + 5 * SECOND);
    let web = m.service_id("web").unwrap();
    let q = TaskQuery {
        services: vec![web.clone()],
        ..Default::default()
    };
    assert_eq!(m.list_tasks(&q).len(), 3);
    let node1 = m.node_id("node1").unwrap();
    let q = TaskQuery {
        nodes: vec![node1.clone()],
        ..Default::default()
    };
    assert!(
        m.list_tasks(&q)
            .iter()
            .all(|t| t.node() == Some(node1.as_str()))
    );
    let v = version(&m, "web");
    let s = with_replicas(&m, "web", 1);
    m.update_service("web", v, s, false, T0 + 10 * SECOND)
        .unwrap();
    let q = TaskQuery {
        services: vec![web.clone()],
        desired: vec![TaskState::RUNNING],
        ..Default::default()
    };
    assert_eq!(m.list_tasks(&q).len(), 1);
    let q = TaskQuery {
        name_prefixes: vec!["web.1.".into()],
        ..Default::default()
    };
    assert_eq!(m.list_tasks(&q).len(), 1);
    let all = m.list_tasks(&TaskQuery::default());
    let ids: Vec<_> = all.iter().map(|t| t.id()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "listed in ID order, like the engine");
}

#[test]
fn speed_shortens_simulated_durations() {
    let mut m = lab();
    m.speed = 100.0;
    let mut s = spec("web", "img:1", 3);
    s.update_config = Some(ServiceSpecUpdateConfig {
        parallelism: Some(1),
        delay: Some(100 * SECOND),
        ..Default::default()
    });
    m.create_service(s, T0).unwrap();
    m.advance(T0 + SECOND);
    assert_eq!(running(&m, "web"), 3);
    let v = version(&m, "web");
    let s = with_image(&m, "web", "img:2");
    m.update_service("web", v, s, false, T0 + SECOND).unwrap();
    // 300 s of delays at 100x
    m.advance(T0 + 5 * SECOND);
    assert_eq!(
        m.service("web").unwrap().update_state(),
        Some(ServiceUpdateStatusStateEnum::COMPLETED)
    );
}
