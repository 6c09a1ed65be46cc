//! The spec history's keys and the rollback dialog, on the lab's `docker service inspect` of a
//! service updated by the docker CLI (`fixtures::inspected_service`).

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::describe::{Describe, Shows, SpecRead};
use crate::msg::{Effect, Msg, SpecFor};
use crate::panes::Pane;
use crate::state::{Overlay, State};
use crate::update::update;
use swarmtop_model::cluster::fixtures::{inspected_service, sample};
use swarmtop_model::cluster::format::parse_time;
use swarmtop_model::cluster::spec_history::SpecSeen;
use swarmtop_model::feed::{EngineMsg, Part};
use swarmtop_ops::Op;
use swarmtop_settings::keymap::Keymap;

fn at(s: &str) -> DateTime<Utc> {
    parse_time(s).unwrap()
}

/// The sample cluster plus `web-20`'s service (`docker service update --image
/// swarmtest/busybox:2 --replicas 3 --env-add B=2 --env-add A=changed --publish-add 8080:80`),
/// named `api` here, selected in the services pane.
fn with_updated_service(keymap: Keymap) -> (State, String) {
    let mut s = State::new(
        "default".into(),
        "unix:///x".into(),
        keymap,
        at("2026-12-06T05:40:00Z"),
    );
    let mut c = sample();
    let mut raw = inspected_service("web-20");
    raw["Spec"]["Name"] = "api".into();
    raw["PreviousSpec"]["Name"] = "api".into();
    let id = raw["ID"].as_str().unwrap().to_string();
    c.upsert_service(serde_json::from_value(raw).unwrap());
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
    keys(&mut s, "2");
    let row = s.current().rows.position(&id).unwrap();
    s.current_mut().select(row);
    (s, id)
}

fn keys(s: &mut State, text: &str) -> Vec<Effect> {
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

/// What the engine answers to `GET /services/{id}` (the fixture, as inspected).
fn engine_read(id: &str) -> Result<Option<SpecSeen>, String> {
    let mut raw = inspected_service("web-20");
    raw["Spec"]["Name"] = "api".into();
    raw["PreviousSpec"]["Name"] = "api".into();
    assert_eq!(raw["ID"], id);
    Ok(SpecSeen::of_service(&raw))
}

fn describe(s: &State) -> &Describe {
    match &s.overlay {
        Some(Overlay::Describe(d)) => d,
        other => panic!("no describe: {:?}", other.as_ref().map(Overlay::name)),
    }
}

/// The view's text with its lines joined again (it is cut to the screen's width).
fn text(s: &State) -> String {
    describe(s)
        .lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn h_opens_the_history_and_names_each_change_of_the_last_update() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    let fx = keys(&mut s, "h");
    assert_eq!(
        fx,
        [Effect::ReadServiceSpec {
            service_id: id.clone(),
            then: SpecFor::History
        }]
    );
    assert_eq!(describe(&s).title, "history of service api");
    assert!(text(&s).contains("asking the engine"), "{}", text(&s));
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id.clone(),
            then: SpecFor::History,
            result: engine_read(&id),
        },
    );
    let t = text(&s);
    for want in [
        "only the last update is known",
        "the engine keeps one previous spec",
        "the spec when swarmtop first read it",
        "image: swarmtest/busybox:1 -> swarmtest/busybox:2",
        "replicas: 2 -> 3",
        "env A: 1 -> changed",
        "env B: (none) -> 2",
        "port 8080/tcp: (none) -> 8080:80/tcp (ingress)",
    ] {
        assert!(t.contains(want), "no {want:?} in\n{t}");
    }
    assert!(!t.contains("asking the engine"), "{t}");
    assert_eq!(
        describe(&s).shows,
        Shows::History {
            service_id: id,
            read: SpecRead::Read
        }
    );
    // Esc goes back to the pane
    keys(&mut s, "\x1b");
    assert!(s.overlay.is_none());
    assert_eq!(s.pane(), Pane::Services);
}

#[test]
fn updates_seen_while_running_are_listed_newest_first_with_their_time_and_version() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    let first = engine_read(&id).unwrap().unwrap();
    let mut second = first.clone();
    second.version += 7;
    second.previous = Some(first.spec.clone());
    second.spec["Mode"]["Replicated"]["Replicas"] = 5.into();
    let mut third = second.clone();
    third.version += 4;
    third.previous = Some(second.spec.clone());
    third.spec["TaskTemplate"]["ContainerSpec"]["Image"] = "swarmtest/busybox:3".into();
    for (when, seen) in [
        ("2026-12-06T05:41:00Z", first.clone()),
        ("2026-12-06T05:42:10Z", second.clone()),
        ("2026-12-06T05:43:20Z", third.clone()),
    ] {
        update(&mut s, Msg::Tick(at(when)));
        update(
            &mut s,
            Msg::Engine(EngineMsg::Part(Part::ServiceSpecs(vec![seen]))),
        );
    }
    update(&mut s, Msg::Tick(at("2026-12-06T05:45:20Z")));
    s.size = (100, 60);
    keys(&mut s, "h");
    let t = text(&s);
    let newest = t.find(&format!(
        "version {} · seen at 05:43:20 (2m ago)",
        third.version
    ));
    let middle = t.find(&format!(
        "version {} · seen at 05:42:10 (3m ago)",
        second.version
    ));
    let oldest = t.find(&format!(
        "version {} · seen at 05:41:00 (4m ago)",
        first.version
    ));
    assert!(
        newest < middle && middle < oldest && oldest.is_some(),
        "not newest first:\n{t}"
    );
    let image = t
        .find("image: swarmtest/busybox:2 -> swarmtest/busybox:3")
        .unwrap();
    let replicas = t.find("replicas: 3 -> 5").unwrap();
    assert!(newest < Some(image) && Some(image) < middle, "{t}");
    assert!(middle < Some(replicas) && Some(replicas) < oldest, "{t}");
    // a version seen again with the same spec (an update's state changed it) is no update
    let mut again = third.clone();
    again.version += 1;
    update(
        &mut s,
        Msg::Engine(EngineMsg::Part(Part::ServiceSpecs(vec![again]))),
    );
    assert_eq!(text(&s).matches("▸ version").count(), 3);
    // a spec that comes while the history is open is shown at once
    let mut fourth = third.clone();
    fourth.version += 9;
    fourth.spec["TaskTemplate"]["ContainerSpec"]["Env"] = serde_json::json!(["A=changed"]);
    update(
        &mut s,
        Msg::Engine(EngineMsg::Part(Part::ServiceSpecs(vec![fourth]))),
    );
    let t = text(&s);
    assert!(t.contains("env B: 2 -> (removed)"), "{t}");
    assert!(t.contains("env KEEP: x -> (removed)"), "{t}");
}

#[test]
fn a_services_describe_and_its_history_lead_to_each_other() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "d");
    assert_eq!(describe(&s).shows, Shows::Service(id.clone()));
    let fx = keys(&mut s, "h");
    assert!(
        matches!(fx.as_slice(), [Effect::ReadServiceSpec { .. }]),
        "{fx:?}"
    );
    assert_eq!(describe(&s).title, "history of service api");
    keys(&mut s, "d");
    assert_eq!(describe(&s).title, "service api");
    // the history of something that is not a service: h does nothing there
    keys(&mut s, "\x1b1d");
    assert_eq!(describe(&s).shows, Shows::Other);
    assert!(keys(&mut s, "h").is_empty());
    assert_eq!(describe(&s).shows, Shows::Other);
}

#[test]
fn the_history_key_is_h_and_under_vim_where_h_is_back_it_is_capital_h() {
    let (mut s, _) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "h");
    assert!(matches!(describe(&s).shows, Shows::History { .. }));
    let (mut s, _) = with_updated_service(Keymap::shipped("vim").unwrap());
    keys(&mut s, "H");
    assert!(matches!(describe(&s).shows, Shows::History { .. }));
    keys(&mut s, "\x1b");
    keys(&mut s, "\n");
    // drilled into the service's tasks: h goes back, as vim users expect
    assert_eq!(s.pane(), Pane::Tasks);
    keys(&mut s, "h");
    assert_eq!(s.pane(), Pane::Services);
    assert!(s.overlay.is_none());
}

#[test]
fn the_history_command_opens_the_selected_or_the_named_service() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    let fx = keys(&mut s, ":history\n");
    assert!(
        matches!(fx.as_slice(), [Effect::ReadServiceSpec { service_id, .. }] if *service_id == id),
        "{fx:?}"
    );
    keys(&mut s, "\x1b1:history web\n");
    assert_eq!(describe(&s).title, "history of service web");
    keys(&mut s, "\x1b:history nothing\n");
    let status = s.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("nothing"),
        "{status:?}"
    );
    // what was typed stays, to be fixed
    assert!(matches!(&s.overlay, Some(Overlay::Command(b)) if b == "history nothing"));
}

#[test]
fn a_failed_read_says_why_in_the_history() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "h");
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id,
            then: SpecFor::History,
            result: Err("the engine at x did not answer".into()),
        },
    );
    assert!(
        text(&s).contains("could not read api from the engine: the engine at x did not answer"),
        "{}",
        text(&s)
    );
}

fn dialog_lines(s: &State) -> Vec<String> {
    match &s.overlay {
        Some(Overlay::Confirm { ask, .. }) => ask.lines.clone(),
        other => panic!("no dialog: {:?}", other.as_ref().map(Overlay::name)),
    }
}

#[test]
fn rollback_reads_what_it_returns_to_and_names_each_change() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    let fx = keys(&mut s, "R");
    assert_eq!(
        fx,
        [Effect::ReadServiceSpec {
            service_id: id.clone(),
            then: SpecFor::Rollback
        }]
    );
    // nothing is asked before the engine said what the previous spec is
    assert!(s.overlay.is_none());
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id.clone(),
            then: SpecFor::Rollback,
            result: engine_read(&id),
        },
    );
    let lines = dialog_lines(&s);
    let all = lines.join("\n");
    assert_eq!(lines[0], "Roll api back to its previous spec?");
    for want in [
        "image: swarmtest/busybox:2 -> swarmtest/busybox:1",
        "replicas: 3 -> 2",
        "env A: changed -> 1",
        "env B: 2 -> (removed)",
        "port 8080/tcp: 8080:80/tcp (ingress) -> (removed)",
    ] {
        assert!(all.contains(want), "no {want:?} in\n{all}");
    }
    let fx = keys(&mut s, "y");
    assert_eq!(
        fx,
        [Effect::Run(Op::Rollback {
            service_id: id,
            service: "api".into()
        })]
    );
}

#[test]
fn without_a_previous_spec_there_is_nothing_to_roll_back_to_and_nothing_is_sent() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "R");
    let mut seen = engine_read(&id).unwrap().unwrap();
    seen.previous = None;
    let fx = update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id.clone(),
            then: SpecFor::Rollback,
            result: Ok(Some(seen)),
        },
    );
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.overlay.is_none(), "no dialog");
    let said = s.status.clone().unwrap().text;
    assert!(
        said.contains("api has no previous spec: nothing to roll back to"),
        "{said}"
    );
    // a read that failed: said, nothing sent
    keys(&mut s, "R");
    let fx = update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id,
            then: SpecFor::Rollback,
            result: Err("connection refused".into()),
        },
    );
    assert!(fx.is_empty() && s.overlay.is_none());
    let status = s.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(
        status.text.contains("connection refused") && status.text.contains("nothing was sent"),
        "{status:?}"
    );
}

#[test]
fn a_read_only_session_refuses_a_rollback_before_reading_anything() {
    let (mut s, _) = with_updated_service(Keymap::default_keymap());
    s.read_only = Some("--read-only".into());
    assert!(keys(&mut s, "R").is_empty());
    assert!(s.status.clone().unwrap().text.contains("read-only"));
    // the history is a read: it opens
    assert!(matches!(
        keys(&mut s, "h").as_slice(),
        [Effect::ReadServiceSpec { .. }]
    ));
}

#[test]
fn a_previous_spec_the_same_as_the_current_one_says_so() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "R");
    let mut seen = engine_read(&id).unwrap().unwrap();
    seen.previous = Some(seen.spec.clone());
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id,
            then: SpecFor::Rollback,
            result: Ok(Some(seen)),
        },
    );
    assert!(
        dialog_lines(&s)
            .iter()
            .any(|l| l.contains("no field differs"))
    );
}

#[test]
fn the_rollout_view_opens_the_history_of_the_service_it_follows() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "v");
    assert_eq!(s.pane(), Pane::Rollout);
    let fx = keys(&mut s, "h");
    assert_eq!(
        fx,
        [Effect::ReadServiceSpec {
            service_id: id,
            then: SpecFor::History
        }]
    );
    assert_eq!(describe(&s).title, "history of service api");
}

#[test]
fn the_history_is_cut_again_to_a_resized_screen() {
    let (mut s, id) = with_updated_service(Keymap::default_keymap());
    keys(&mut s, "h");
    update(
        &mut s,
        Msg::ServiceSpec {
            service_id: id.clone(),
            then: SpecFor::History,
            result: engine_read(&id),
        },
    );
    let widest = |s: &State| {
        describe(s)
            .lines
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    assert!(widest(&s) > 60, "{}", widest(&s));
    update(&mut s, Msg::Resize(60, 24));
    assert!(widest(&s) <= 58, "{:#?}", describe(&s).lines);
    // what it says is the same
    assert!(text(&s).contains("port 8080/tcp: (none) -> 8080:80/tcp (ingress)"));
}
