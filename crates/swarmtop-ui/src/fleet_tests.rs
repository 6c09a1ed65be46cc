//! `:fleet` on screen: every swarm in one line, answers coming one by one, at 80x24 and wide;
//! Enter switches the session, answers of an earlier check are dropped.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use swarmtop_app::msg::Effect;
use swarmtop_app::panes::Pane;
use swarmtop_app::state::State;
use swarmtop_app::{Msg, update};
use swarmtop_model::cluster::fixtures::{NOW, sample};
use swarmtop_model::cluster::format::parse_time;
use swarmtop_model::fleet::{Health, Line, Status, Via};

use super::tests::{render, sample_state};

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn command(s: &mut State, line: &str) -> Vec<Effect> {
    key(s, KeyCode::Char(':'));
    for c in line.chars() {
        key(s, KeyCode::Char(c));
    }
    key(s, KeyCode::Enter)
}

fn line(name: &str, endpoint: &str, status: Status) -> Line {
    Line {
        name: name.into(),
        endpoint: endpoint.into(),
        via: Via::Context(name.into()),
        status,
    }
}

fn healthy() -> Health {
    Health {
        nodes: 5,
        nodes_down: 0,
        managers: 3,
        managers_reachable: 3,
        services: 12,
        degraded: 0,
        worst: None,
        engine: "26.1.5".into(),
    }
}

/// `:fleet` opened: its check's generation.
fn open(s: &mut State) -> u64 {
    let fx = command(s, "fleet");
    let generation = fx
        .iter()
        .find_map(|e| match e {
            Effect::CheckFleet(g) => Some(*g),
            _ => None,
        })
        .expect(":fleet starts a check");
    assert_eq!(s.pane(), Pane::Fleet);
    generation
}

/// Five swarms: the session's own (the sample, a node down and a service short), a healthy
/// one, one still being checked, a worker, one that does not answer.
fn fleet_state() -> State {
    let mut s = sample_state();
    let g = open(&mut s);
    let now = parse_time(NOW).unwrap_or_else(Utc::now);
    let sample_health = Health::of(&sample(), "20.10.24", now);
    update(
        &mut s,
        Msg::FleetLines(
            g,
            vec![
                line("default", "unix:///var/run/docker.sock", Status::Checking),
                line("prod", "ssh://ops@prod-mgr-1", Status::Checking),
                line("staging", "ssh://ops@stg-mgr-1", Status::Checking),
                line("edge-worker", "tcp://10.0.9.21:2376", Status::Checking),
                line("old-lab", "ssh://root@10.9.9.9", Status::Checking),
            ],
        ),
    );
    let answers = [
        (0, Status::Swarm(Box::new(sample_health))),
        (1, Status::Swarm(Box::new(healthy()))),
        (
            3,
            Status::NotManager(
                "not a swarm manager: this engine is a worker (managers at 10.0.9.11)".into(),
            ),
        ),
        (
            4,
            Status::Unreachable("ssh: connect to host 10.9.9.9 port 22: No route to host".into()),
        ),
    ];
    for (index, status) in answers {
        update(
            &mut s,
            Msg::FleetAnswer {
                generation: g,
                index,
                status,
            },
        );
    }
    s
}

#[test]
fn fleet_80x24() {
    let s = fleet_state();
    let out = render(&s, 80, 24);
    // a person reads each swarm's state, the session's own marked, and the worst problem of
    // the selected line in full under the list
    assert!(out.contains("*default"), "{out}");
    assert!(out.contains("checking…"), "{out}");
    assert!(out.contains("unreachable"), "{out}");
    insta::assert_snapshot!("fleet_80x24", out);
}

#[test]
fn fleet_wide() {
    let s = fleet_state();
    let out = render(&s, 180, 16);
    assert!(out.contains("3/3") && out.contains("at risk"), "{out}");
    assert!(
        out.contains("not a swarm manager: this engine is a worker"),
        "{out}"
    );
    assert!(out.contains("No route to host"), "{out}");
    insta::assert_snapshot!("fleet_wide", out);
}

#[test]
fn answers_of_an_earlier_check_are_dropped() {
    let mut s = fleet_state();
    let old = s.fleet.generation;
    let g = open(&mut s);
    assert_ne!(g, old);
    assert!(s.fleet.lines.is_empty(), "a new check starts from nothing");
    update(
        &mut s,
        Msg::FleetLines(
            g,
            vec![line("prod", "ssh://ops@prod-mgr-1", Status::Checking)],
        ),
    );
    update(
        &mut s,
        Msg::FleetAnswer {
            generation: old,
            index: 0,
            status: Status::Unreachable("late".into()),
        },
    );
    assert_eq!(s.fleet.lines[0].status, Status::Checking);
}

#[test]
fn enter_switches_to_the_line_and_lands_on_its_problems() {
    let mut s = fleet_state();
    // the session's own line: nothing to switch
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    key(&mut s, KeyCode::Down);
    let fx = key(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Switch {
            context: Some("prod".into()),
            host: None,
        }]
    );
    let settings = swarmtop_settings::config::Files::builtin().resolve("prod", &Default::default());
    update(
        &mut s,
        Msg::Switched {
            context: "prod".into(),
            settings: Box::new(settings),
            read_only: None,
        },
    );
    assert_eq!(s.context, "prod");
    assert_eq!(s.pane(), Pane::Problems);
    let said = s
        .status
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    assert!(said.contains("switched to context prod"), "{said}");
}

#[test]
fn a_line_by_url_switches_by_host() {
    let mut s = sample_state();
    let g = open(&mut s);
    let mut edge = line("edge", "ssh://root@edge-1", Status::Checking);
    edge.via = Via::Host("ssh://root@edge-1".into());
    update(&mut s, Msg::FleetLines(g, vec![edge]));
    let fx = key(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Switch {
            context: None,
            host: Some("ssh://root@edge-1".into()),
        }]
    );
}
