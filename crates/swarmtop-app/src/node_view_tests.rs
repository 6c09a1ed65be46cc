//! What a user sees of the nodes' own engines: usage and health cells, the top and reach
//! views, the problems they add, describe, and what the screen asks the worker to poll.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::msg::Effect;
use crate::panes::Pane;
use crate::state::State;
use crate::{Msg, update};
use swarmtop_model::cluster::fixtures::sample;
use swarmtop_model::feed::EngineMsg;
use swarmtop_model::nodes::{
    ContainerFacts, Health, NodeMsg, NodeReach, NodeWatch, ReachState, Usage,
};
use swarmtop_model::stats::Sample;
use swarmtop_settings::keymap::Keymap;

const WEB1: &str = "t1aaaaaaaaaaaaaaaaaaaaaaa";
const WEB2: &str = "t2aaaaaaaaaaaaaaaaaaaaaaa";
const WEB3: &str = "t3aaaaaaaaaaaaaaaaaaaaaaa";
const API1: &str = "t5aaaaaaaaaaaaaaaaaaaaaaa";
const MON1: &str = "t8aaaaaaaaaaaaaaaaaaaaaaa";
const N1: &str = "n1aaaaaaaaaaaaaaaaaaaaaaa";
const N2: &str = "n2bbbbbbbbbbbbbbbbbbbbbbb";
const WEB: &str = "s1webwebwebwebwebwebwebwe";

fn loaded() -> State {
    let mut s = State::new(
        "default".into(),
        "unix:///x".into(),
        Keymap::default_keymap(),
        Utc::now(),
    );
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(sample()))));
    s
}

/// The running tasks with their containers, as the engine lists them.
fn with_containers(s: &mut State) {
    let mut c = s.cluster.clone();
    for t in &mut c.tasks {
        let id = t.id.clone().unwrap_or_default();
        if let Some(st) = t.status.as_mut()
            && st.state == Some(bollard_stubs::models::TaskState::RUNNING)
        {
            st.container_status = Some(bollard_stubs::models::ContainerStatus {
                container_id: Some(format!("c-{id}")),
                ..Default::default()
            });
        }
    }
    update(s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
}

fn key(s: &mut State, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        fx.extend(update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }
    fx
}

/// A reading of `cpu` % of one CPU and `mib` MiB in use of a 1 GiB limit.
pub fn reading(task: &str, node: &str, cpu: f64, mib: u64) -> Usage {
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
            net_rx: 1_500,
            net_tx: 2_000,
            blk_read: 0,
            blk_write: 4_096,
            pids: 3,
            ..Default::default()
        },
    }
}

pub fn facts(task: &str, node: &str, service: &str, image: &str, health: Health) -> ContainerFacts {
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

/// A node's message, and the second after it (the views settle at most once a second).
fn node_msg(s: &mut State, m: NodeMsg) -> Vec<Effect> {
    let mut fx = update(s, Msg::Engine(EngineMsg::Node(m)));
    let next = s.now + chrono::Duration::seconds(1);
    fx.extend(update(s, Msg::Tick(next)));
    fx
}

fn usage_round(s: &mut State) {
    node_msg(
        s,
        NodeMsg::Usage(vec![
            reading(WEB1, N1, 12.5, 12),
            reading(WEB2, N2, 25.0, 100),
            reading(MON1, N1, 5.0, 2),
        ]),
    );
}

/// The cells of the row with `id` in the view on screen, as shown.
fn cells(s: &State, id: &str) -> Vec<String> {
    let row = s.current().rows.iter().find(|r| r.id == id);
    row.map(|r| {
        r.cells
            .iter()
            .map(|c| c.search_text().to_string())
            .collect()
    })
    .unwrap_or_default()
}

fn cell(s: &State, id: &str, title: &str) -> String {
    let col = s
        .pane()
        .columns()
        .iter()
        .position(|c| c.title == title)
        .unwrap_or_else(|| panic!("no column {title}"));
    cells(s, id)[col].clone()
}

#[test]
fn the_tasks_pane_shows_each_running_tasks_cpu_memory_and_health() {
    let mut s = loaded();
    key(&mut s, "3");
    usage_round(&mut s);
    node_msg(
        &mut s,
        NodeMsg::Containers {
            node_id: N1.into(),
            containers: vec![facts(WEB1, N1, WEB, "sha256:aaa", Health::Healthy)],
        },
    );
    assert_eq!(cell(&s, WEB1, "CPU"), "12.5%");
    assert_eq!(cell(&s, WEB1, "MEM"), "12MiB");
    assert_eq!(cell(&s, WEB1, "HEALTH"), "healthy");
    assert_eq!(cell(&s, MON1, "CPU"), "5.00%");
    // not read yet: empty, not zero
    assert_eq!(cell(&s, API1, "CPU"), "");
    assert_eq!(cell(&s, WEB3, "HEALTH"), "");
    // sorted by CPU as numbers: `o` to the CPU column, `O` busiest first
    key(&mut s, "oooo");
    assert_eq!(s.current().sort_col, Some(3));
    key(&mut s, "O");
    let first: Vec<&str> = s.current().rows.ids(0, 3).collect();
    assert_eq!(first, [WEB2, WEB1, MON1]);
}

#[test]
fn services_and_nodes_sum_their_running_tasks() {
    let mut s = loaded();
    key(&mut s, "2");
    usage_round(&mut s);
    assert_eq!(cell(&s, WEB, "CPU"), "37.5%");
    assert_eq!(cell(&s, WEB, "MEM"), "112MiB");
    key(&mut s, "1");
    // node1: web.1 and monitor, 17.5% of one CPU of its 2
    assert_eq!(cell(&s, N1, "CPU"), "9%/2");
    assert_eq!(cell(&s, N1, "MEMORY"), "14MiB/4GiB");
    // node3 has nothing read: its capacity alone
    assert_eq!(cell(&s, "n3ccccccccccccccccccccccc", "CPU"), "4");
    assert_eq!(cell(&s, "n3ccccccccccccccccccccccc", "MEMORY"), "8.0 GiB");
}

#[test]
fn an_unreachable_node_says_so_in_its_cells_and_why_in_describe_and_reach() {
    let mut s = loaded();
    let why = "node2: ssh: Permission denied (publickey)";
    node_msg(
        &mut s,
        NodeMsg::Reach(vec![
            NodeReach {
                node_id: N1.into(),
                hostname: "node1".into(),
                endpoint: "ssh://root@10.0.0.11".into(),
                source: "template ssh://root@{addr}".into(),
                state: ReachState::Reached {
                    engine: "20.10.24".into(),
                },
            },
            NodeReach {
                node_id: N2.into(),
                hostname: "node2".into(),
                endpoint: "ssh://root@10.0.0.12".into(),
                source: "template ssh://root@{addr}".into(),
                state: ReachState::Failed(why.into()),
            },
        ]),
    );
    key(&mut s, "3");
    assert_eq!(cell(&s, WEB2, "CPU"), "n/a");
    assert_eq!(cell(&s, WEB1, "CPU"), "");
    key(&mut s, "1");
    assert_eq!(cell(&s, N2, "CPU"), "n/a");
    key(&mut s, "jd");
    let text = match &s.overlay {
        Some(crate::state::Overlay::Describe(d)) => d.lines.join("\n"),
        _ => panic!("no describe"),
    };
    assert!(
        text.contains(&format!("cannot be reached: {why}")),
        "{text}"
    );
    key(&mut s, "\x1b");
    key(&mut s, ":reach\n");
    assert_eq!(s.pane(), Pane::Reach);
    assert_eq!(
        cells(&s, N1),
        [
            "node1",
            "ssh://root@10.0.0.11",
            "template ssh://root@{addr}",
            "reached, engine 20.10.24"
        ]
    );
    assert_eq!(cell(&s, N2, "STATE"), why);
    assert_eq!(
        cell(&s, "n3ccccccccccccccccccccccc", "STATE"),
        "not needed yet"
    );
}

#[test]
fn unhealthy_tasks_and_image_drift_are_problems_in_words() {
    let mut s = loaded();
    let before = s.problem_counts.1;
    node_msg(
        &mut s,
        NodeMsg::Containers {
            node_id: N1.into(),
            containers: vec![facts(
                WEB1,
                N1,
                WEB,
                "sha256:1111111111112222",
                Health::Healthy,
            )],
        },
    );
    node_msg(
        &mut s,
        NodeMsg::Containers {
            node_id: N2.into(),
            containers: vec![
                facts(WEB2, N2, WEB, "sha256:3333333333334444", Health::Unhealthy),
                facts(WEB3, N2, WEB, "sha256:3333333333334444", Health::Healthy),
            ],
        },
    );
    assert_eq!(s.problem_counts.1, before + 2);
    key(&mut s, "0");
    let texts: Vec<String> = s
        .current()
        .rows
        .iter()
        .map(|r| cells(&s, &r.id)[2].clone())
        .collect();
    assert!(
        texts.contains(&"web.2 is unhealthy on node2: its healthcheck fails".to_string()),
        "{texts:?}"
    );
    assert!(
        texts.contains(
            &"web runs 2 different images for swarmtest/busybox:1: 111111111111 on node1; 333333333333 on node2 (a tag pulled at different times; pin a digest)"
                .to_string()
        ),
        "{texts:?}"
    );
    // describe of the task says its health in words
    key(&mut s, "3");
    let pos = s.current().rows.position(WEB2).unwrap();
    s.current_mut().select(pos);
    key(&mut s, "d");
    let text = match &s.overlay {
        Some(crate::state::Overlay::Describe(d)) => d.lines.join("\n"),
        _ => panic!("no describe"),
    };
    assert!(text.contains("unhealthy: its healthcheck fails"), "{text}");
    assert_eq!(cell(&s, WEB2, "HEALTH"), "unhealthy");
}

#[test]
fn the_top_view_lists_running_tasks_busiest_first_and_enter_goes_to_the_task() {
    let mut s = loaded();
    key(&mut s, "8");
    assert_eq!(s.pane(), Pane::Top);
    usage_round(&mut s);
    let ids: Vec<&str> = s.current().rows.ids(0, usize::MAX).collect();
    assert_eq!(&ids[..3], [WEB2, WEB1, MON1]);
    // every running task is listed, read or not
    assert_eq!(ids.len(), 6);
    assert_eq!(
        cells(&s, WEB2),
        [
            "web.2",
            "web",
            "node2",
            "25.00%",
            "100MiB",
            "9.77%",
            "1.5kB / 2kB",
            "0B / 4.1kB",
            "3"
        ]
    );
    // `o` cycles the sort
    key(&mut s, "o");
    assert_eq!(s.current().sort_col, Some(4));
    key(&mut s, "ooooooooo");
    assert_eq!(s.current().sort_col, Some(3));
    key(&mut s, "g\n");
    assert_eq!(s.pane(), Pane::Tasks);
    assert_eq!(s.current().selected_id.as_deref(), Some(WEB2));
    // back, and `l` opens its logs
    key(&mut s, "\x1b");
    assert_eq!(s.pane(), Pane::Top);
    key(&mut s, "l");
    assert!(s.logs().is_some());
}

fn asked(fx: &[Effect]) -> Option<NodeWatch> {
    fx.iter().rev().find_map(|e| match e {
        Effect::WatchNodes(w) => Some(w.clone()),
        _ => None,
    })
}

fn tasks_of(w: &NodeWatch) -> Vec<&str> {
    w.usage.iter().map(|w| w.task_id.as_str()).collect()
}

#[test]
fn usage_is_asked_only_for_what_is_on_screen() {
    let mut s = loaded();
    with_containers(&mut s);
    // the nodes pane names the nodes near the screen that run tasks (node3 runs nothing):
    // their worker reads each of their running containers, no task is named
    let w = s.node_data.asked.clone();
    assert_eq!(w.whole_nodes, [N1, N2]);
    assert_eq!(w.containers_of, [N1, N2]);
    assert!(w.usage.is_empty());
    // the tasks pane: its running tasks
    key(&mut s, "3");
    let w = s.node_data.asked.clone();
    assert_eq!(
        tasks_of(&w),
        [WEB1, WEB2, WEB3, API1, MON1, "t9aaaaaaaaaaaaaaaaaaaaaaa"]
    );
    assert_eq!(w.containers_of, [N1, N2]);
    assert!(w.whole_nodes.is_empty());
    assert!(!w.probe_all);
    // the services pane: the running tasks of the services on screen (all three here); the
    // tasks of one service: only its own
    key(&mut s, "2");
    assert_eq!(s.node_data.asked.usage.len(), 6);
    let w = asked(&key(&mut s, "jj\n")).unwrap();
    assert_eq!(tasks_of(&w), [WEB1, WEB2, WEB3]);
    // the nodes pane: node3 runs nothing; a node's tasks
    key(&mut s, "1");
    let w = s.node_data.asked.clone();
    assert_eq!(w.containers_of, [N1, N2]);
    // a pane without figures asks for none; the reach view probes every node
    let w = asked(&key(&mut s, "5")).unwrap();
    assert!(w.usage.is_empty() && w.containers_of.is_empty());
    let w = asked(&key(&mut s, ":reach\n")).unwrap();
    assert!(w.probe_all && w.usage.is_empty());
    assert_eq!(w.nodes.len(), 3);
    // nothing changed: nothing sent again, and readings do not make it work it out again
    assert!(asked(&key(&mut s, "j")).is_none());
    let w = asked(&key(&mut s, "8")).unwrap();
    assert_eq!(w.usage.len(), 6);
    assert!(
        asked(&node_msg(
            &mut s,
            NodeMsg::Usage(vec![reading(WEB1, N1, 1.0, 1)])
        ))
        .is_none()
    );
}

#[test]
fn a_long_tasks_list_asks_for_the_rows_near_the_screen_only() {
    let mut s = loaded();
    let mut c = s.cluster.clone();
    let template = c.tasks[0].clone();
    for i in 0..200 {
        let mut t = template.clone();
        t.id = Some(format!("x{i:04}"));
        t.slot = Some(100 + i);
        if let Some(st) = t.status.as_mut() {
            st.container_status = Some(bollard_stubs::models::ContainerStatus {
                container_id: Some(format!("c{i}")),
                ..Default::default()
            });
        }
        c.tasks.push(t);
    }
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
    let page = s.page_height();
    let w = asked(&key(&mut s, "3")).unwrap();
    assert!(
        w.usage.len() <= 3 * page && !w.usage.is_empty(),
        "{}",
        w.usage.len()
    );
    // scrolling row by row within a page works nothing out again
    key(&mut s, &"j".repeat(2 * page));
    assert_eq!(s.current().offset, page + 1);
    let before = s.node_data.asked_key;
    key(&mut s, "jj");
    assert_eq!(s.current().offset, page + 3);
    assert_eq!(s.node_data.asked_key, before);
    // paging down moves what is asked
    key(&mut s, "G");
    let last = s.current().selected_id.clone().unwrap();
    let w = s.node_data.asked.clone();
    assert!(tasks_of(&w).contains(&last.as_str()));
    assert!(!tasks_of(&w).contains(&"x0000"));
}

#[test]
fn history_is_kept_per_task_service_and_node_and_bounded() {
    let mut s = loaded();
    key(&mut s, "3");
    for i in 0..400 {
        s.now += chrono::Duration::seconds(1);
        node_msg(
            &mut s,
            NodeMsg::Usage(vec![reading(WEB1, N1, f64::from(i % 50), 10)]),
        );
    }
    let nd = &s.node_data;
    let t = &nd.task_history[WEB1];
    // five minutes at one reading every 2 s
    assert!(t.len() <= 151 && t.len() >= 149, "{}", t.len());
    assert_eq!(nd.service_history[WEB].len(), t.len());
    assert_eq!(nd.node_history[N1].mem().last(), Some(&(10 << 20)));
}

#[test]
fn many_node_answers_within_a_second_rebuild_the_views_once() {
    let mut s = loaded();
    key(&mut s, "3");
    update(
        &mut s,
        Msg::Engine(EngineMsg::Node(NodeMsg::Usage(vec![reading(
            WEB1, N1, 1.0, 1,
        )]))),
    );
    let settled = s.data_gen;
    assert_eq!(cell(&s, WEB1, "CPU"), "1.00%");
    // the other nodes answer in the same second: kept, shown at the next tick
    update(
        &mut s,
        Msg::Engine(EngineMsg::Node(NodeMsg::Usage(vec![reading(
            WEB2, N2, 2.0, 1,
        )]))),
    );
    update(
        &mut s,
        Msg::Engine(EngineMsg::Node(NodeMsg::Usage(vec![reading(
            MON1, N1, 3.0, 1,
        )]))),
    );
    assert_eq!(s.data_gen, settled);
    assert_eq!(cell(&s, WEB2, "CPU"), "");
    let next = s.now + chrono::Duration::seconds(1);
    update(&mut s, Msg::Tick(next));
    assert_eq!(s.data_gen, settled + 1);
    assert_eq!(cell(&s, WEB2, "CPU"), "2.00%");
    assert_eq!(cell(&s, MON1, "CPU"), "3.00%");
    // the same containers again change no problem and rebuild nothing
    let c = || NodeMsg::Containers {
        node_id: N1.into(),
        containers: vec![facts(WEB1, N1, WEB, "sha256:a", Health::Healthy)],
    };
    node_msg(&mut s, c());
    let after = s.data_gen;
    node_msg(&mut s, c());
    assert_eq!(s.data_gen, after);
}

#[test]
fn the_top_view_reads_every_task_but_keeps_history_only_near_the_screen() {
    let mut s = loaded();
    let mut c = s.cluster.clone();
    let template = c.tasks[0].clone();
    for i in 0..200 {
        let mut t = template.clone();
        t.id = Some(format!("x{i:04}"));
        t.slot = Some(100 + i);
        if let Some(st) = t.status.as_mut() {
            st.container_status = Some(bollard_stubs::models::ContainerStatus {
                container_id: Some(format!("c{i}")),
                ..Default::default()
            });
        }
        c.tasks.push(t);
    }
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
    key(&mut s, "8");
    assert_eq!(
        s.node_data.asked.usage.len(),
        200,
        "every running task with a container"
    );
    let all: Vec<Usage> = (0..200)
        .map(|i| reading(&format!("x{i:04}"), N1, f64::from(i), 1))
        .collect();
    for _ in 0..3 {
        node_msg(&mut s, NodeMsg::Usage(all.clone()));
    }
    let page = s.page_height();
    assert_eq!(s.node_data.usage.len(), 200);
    assert!(s.node_data.task_history.len() <= 3 * page);
    // the busiest, on top, has its minutes
    // the cursor on the first row stays on the busiest
    let top = s.current().selected_id.clone().unwrap();
    assert_eq!(top, "x0199");
    // its history from when it came near the screen: the first reading sorted it there
    assert_eq!(s.node_data.task_history[&top].len(), 2);
}

#[test]
fn the_nodes_pane_sums_what_the_worker_read_of_whole_nodes() {
    let mut s = loaded();
    with_containers(&mut s);
    key(&mut s, "1");
    assert_eq!(s.node_data.asked.whole_nodes, [N1, N2]);
    // readings of tasks the UI never named (the node's own list found them) are kept and
    // summed by node; a node no longer near the screen lets its readings go
    node_msg(
        &mut s,
        NodeMsg::Usage(vec![
            reading(WEB1, N1, 10.0, 10),
            reading("found-on-n1", N1, 5.0, 6),
            reading(WEB2, N2, 20.0, 100),
        ]),
    );
    let n1 = s.node_data.by_node.get(N1).expect("node1 summed");
    assert!((n1.cpu - 15.0).abs() < 0.01, "{n1:?}");
    assert_eq!(n1.mem, 16 << 20);
    // another pane asks for other things: the whole-node readings are forgotten
    key(&mut s, "5");
    assert!(s.node_data.by_node.is_empty());
}
