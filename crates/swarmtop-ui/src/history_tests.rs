//! A service's spec history and the rollback dialog at 80x24: what each update changed, field
//! by field, and what a rollback returns to, with their keys in view.

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use swarmtop_app::msg::SpecFor;
use swarmtop_app::state::State;
use swarmtop_app::{Msg, update};
use swarmtop_model::cluster::fixtures::inspected_service;
use swarmtop_model::cluster::spec_history::SpecSeen;
use swarmtop_model::feed::{EngineMsg, Part};

use super::tests::{render, sample_state};

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

/// The sample swarm plus the lab's `rich` service (nearly every option changed by one
/// `docker service update`), selected in the services pane; the engine's read of it.
fn with_rich() -> (State, SpecSeen) {
    let mut s = sample_state();
    let raw = inspected_service("rich-20");
    let mut c = s.cluster.clone();
    c.upsert_service(serde_json::from_value(raw.clone()).unwrap());
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
    press(&mut s, "2");
    let id = raw["ID"].as_str().unwrap();
    let row = s.current().rows.position(id).unwrap();
    s.current_mut().select(row);
    (s, SpecSeen::of_service(&raw).unwrap())
}

#[test]
fn the_history_of_a_service_at_80x24() {
    let (mut s, read) = with_rich();
    // seen while running: scaled, then a new image
    let mut scaled = read.clone();
    scaled.version += 5;
    scaled.spec["Mode"]["Replicated"]["Replicas"] = 6.into();
    let mut image = scaled.clone();
    image.version += 3;
    image.spec["TaskTemplate"]["ContainerSpec"]["Image"] = "swarmtest/busybox:3".into();
    let now = s.now;
    let last = image.clone();
    for (after, seen) in [(1, read.clone()), (2, scaled), (3, image)] {
        update(&mut s, Msg::Tick(now + Duration::minutes(after)));
        update(
            &mut s,
            Msg::Engine(EngineMsg::Part(Part::ServiceSpecs(vec![seen]))),
        );
    }
    update(&mut s, Msg::Tick(now + Duration::minutes(5)));
    press(&mut s, "h");
    // the engine's answer: the spec last seen
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: read.service_id.clone(),
            then: SpecFor::History,
            result: Ok(Some(last)),
        },
    );
    let out = render(&s, 80, 24);
    assert!(out.contains("history of service rich"), "{out}");
    assert!(out.contains("seen at 12:03:00 (2m ago)"), "{out}");
    assert!(
        out.contains("image: swarmtest/busybox:2 -> swarmtest/busybox:3"),
        "{out}"
    );
    // its keys stay in view: scroll, search, back, and the service's describe
    for key in ["pgdn", "/ search", "esc back", "d describe"] {
        assert!(out.contains(key), "no {key:?}:\n{out}");
    }
    insta::assert_snapshot!(out);
    // the rest is a page down: the first update seen, field by field
    press(&mut s, "G");
    let out = render(&s, 80, 24);
    assert!(out.contains("forced restarts (--force): 0 -> 1"), "{out}");
}

#[test]
fn the_rollback_dialog_at_80x24() {
    let (mut s, read) = with_rich();
    press(&mut s, "R");
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: read.service_id.clone(),
            then: SpecFor::Rollback,
            result: Ok(Some(read)),
        },
    );
    let out = render(&s, 80, 24);
    assert!(
        out.contains("Roll rich back to its previous spec?"),
        "{out}"
    );
    assert!(
        out.contains("image: swarmtest/busybox:2 -> swarmtest/busybox:1"),
        "{out}"
    );
    assert!(out.contains("replicas: 4 -> 2"), "{out}");
    // more changes than the screen has lines: cut, with the keys in view
    assert!(out.contains("more lines"), "{out}");
    assert!(out.contains("y yes") && out.contains("esc no"), "{out}");
    insta::assert_snapshot!(out);
}
