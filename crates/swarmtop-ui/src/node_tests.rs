//! The nodes' own figures on screen: usage and health columns, the top and reach views and
//! the selected row's sparklines, at 80x24 and wider.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use swarmtop_app::state::State;
use swarmtop_app::{Msg, update};
use swarmtop_model::feed::EngineMsg;
use swarmtop_model::nodes::{ContainerFacts, Health, NodeMsg, NodeReach, ReachState, Usage};
use swarmtop_model::stats::Sample;

use super::tests::{render, sample_state};

const N1: &str = "n1aaaaaaaaaaaaaaaaaaaaaaa";
const N2: &str = "n2bbbbbbbbbbbbbbbbbbbbbbb";
const N3: &str = "n3ccccccccccccccccccccccc";
const WEB: &str = "s1webwebwebwebwebwebwebwe";
const API: &str = "s2apiapiapiapiapiapiapiap";
const MON: &str = "s3monmonmonmonmonmonmonmo";

fn press(s: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

/// A node's message, and the second after it (the views settle at most once a second).
fn node(s: &mut State, m: NodeMsg) {
    update(s, Msg::Engine(EngineMsg::Node(m)));
    let next = s.now + Duration::seconds(1);
    update(s, Msg::Tick(next));
}

fn reading(task: &str, node: &str, cpu: f64, mib: u64) -> Usage {
    Usage {
        task_id: task.into(),
        container_id: format!("c-{task}"),
        node_id: node.into(),
        sample: Sample {
            cpu_total: 1_000 + (cpu * 100.0) as u64,
            pre_cpu_total: 1_000,
            system: 20_000,
            pre_system: 10_000,
            online_cpus: 1,
            mem_usage: mib << 20,
            mem_limit: 1 << 30,
            net_rx: 1_500 * mib,
            net_tx: 700 * mib,
            blk_read: 4_096,
            blk_write: 81_920,
            pids: 3,
            ..Default::default()
        },
    }
}

fn facts(task: &str, node: &str, service: &str, image: &str, health: Health) -> ContainerFacts {
    ContainerFacts {
        container_id: format!("c-{task}"),
        node_id: node.into(),
        task_id: task.into(),
        service_id: service.into(),
        image_id: image.into(),
        state: "running".into(),
        health,
    }
}

/// The sample swarm with node1 reached, node2 refusing swarmtop (after it listed its
/// containers), node3 down; a minute of readings (web.1 getting busier), health, and web on
/// two images.
///
/// `keys` are pressed first: a task's history is kept while its row is near the screen, so
/// the tasks and top views are opened before the readings come.
fn reached(keys: &str) -> State {
    let mut s = sample_state();
    press(&mut s, keys);
    let reach = |id: &str, host: &str, addr: &str, state: ReachState| NodeReach {
        node_id: id.into(),
        hostname: host.into(),
        endpoint: format!("ssh://root@{addr}"),
        source: "node_template ssh://root@{addr}".into(),
        state,
    };
    node(
        &mut s,
        NodeMsg::Reach(vec![
            reach(
                N1,
                "node1",
                "10.0.0.11",
                ReachState::Reached {
                    engine: "20.10.24".into(),
                },
            ),
            reach(
                N2,
                "node2",
                "10.0.0.12",
                ReachState::Failed("node2: ssh: Permission denied (publickey)".into()),
            ),
            reach(N3, "node3", "10.0.0.13", ReachState::Unused),
        ]),
    );
    node(
        &mut s,
        NodeMsg::Containers {
            node_id: N1.into(),
            containers: vec![
                facts(
                    "t1aaaaaaaaaaaaaaaaaaaaaaa",
                    N1,
                    WEB,
                    "sha256:1111111111112222",
                    Health::Unhealthy,
                ),
                facts(
                    "t5aaaaaaaaaaaaaaaaaaaaaaa",
                    N1,
                    API,
                    "sha256:5555555555556666",
                    Health::Starting,
                ),
                facts(
                    "t8aaaaaaaaaaaaaaaaaaaaaaa",
                    N1,
                    MON,
                    "sha256:8888888888889999",
                    Health::None,
                ),
            ],
        },
    );
    // node2 listed its containers before it stopped answering
    node(
        &mut s,
        NodeMsg::Containers {
            node_id: N2.into(),
            containers: vec![
                facts(
                    "t2aaaaaaaaaaaaaaaaaaaaaaa",
                    N2,
                    WEB,
                    "sha256:3333333333334444",
                    Health::Healthy,
                ),
                facts(
                    "t3aaaaaaaaaaaaaaaaaaaaaaa",
                    N2,
                    WEB,
                    "sha256:3333333333334444",
                    Health::Healthy,
                ),
            ],
        },
    );
    for i in 0..30u32 {
        s.now += Duration::seconds(1);
        let f = f64::from(i);
        node(
            &mut s,
            NodeMsg::Usage(vec![
                reading("t1aaaaaaaaaaaaaaaaaaaaaaa", N1, 2.0 * f, 40 + u64::from(i)),
                reading("t5aaaaaaaaaaaaaaaaaaaaaaa", N1, 0.5, 300),
                reading("t8aaaaaaaaaaaaaaaaaaaaaaa", N1, 130.0 - f, 900),
            ]),
        );
    }
    s
}

#[test]
fn tasks_with_usage_health_and_the_selected_tasks_sparklines_80x24() {
    let mut s = reached("3");
    // web.1, the busy one
    press(&mut s, "ggjjjjj");
    let out = render(&s, 80, 24);
    assert!(out.contains("unhealthy") && out.contains("n/a"), "{out}");
    assert!(out.contains("▸ cpu"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn tasks_with_usage_wide() {
    let s = reached("3");
    insta::assert_snapshot!(render(&s, 140, 16));
}

#[test]
fn services_and_nodes_with_usage_80x24() {
    let mut s = reached("");
    press(&mut s, "2");
    insta::assert_snapshot!("services_with_usage_80x24", render(&s, 80, 24));
    press(&mut s, "1");
    let out = render(&s, 80, 24);
    assert!(out.contains("/2") && out.contains("n/a"), "{out}");
    insta::assert_snapshot!("nodes_with_usage_80x24", out);
}

#[test]
fn the_top_view_80x24_and_wide() {
    let s = reached("8");
    insta::assert_snapshot!("top_80x24", render(&s, 80, 24));
    insta::assert_snapshot!("top_wide", render(&s, 140, 14));
}

#[test]
fn the_reach_view_80x24() {
    let mut s = reached("");
    press(&mut s, ":reach\n");
    // node2, whose refusal is also written out whole under the list
    press(&mut s, "j");
    let out = render(&s, 80, 24);
    assert!(out.contains("Permission denied"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn problems_with_health_and_image_drift_80x24() {
    let mut s = reached("");
    press(&mut s, "0");
    let out = render(&s, 80, 24);
    assert!(out.contains("unhealthy"), "{out}");
    insta::assert_snapshot!(out);
}
