//! The rotation's preview of a secret at 80x24: every service that rolls with its target, uid,
//! gid and mode, and the keys; a preview taller than the screen scrolls with the keys in sight.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use swarmtop_app::state::State;
use swarmtop_app::{Msg, update};
use swarmtop_model::cluster::Cluster;
use swarmtop_model::cluster::fixtures::sample_secret_in_use;
use swarmtop_model::feed::EngineMsg;

use super::tests::{render, sample_state};

fn key(s: &mut State, code: KeyCode, m: KeyModifiers) {
    update(s, Msg::Key(KeyEvent::new(code, m)));
}

fn press(s: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        key(s, code, KeyModifiers::NONE);
    }
}

/// `R` on db_password in the secrets pane, a new value typed, ctrl-s.
fn preview_of(c: Cluster) -> State {
    let mut s = sample_state();
    update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c))));
    press(&mut s, "5R\t\t\tn3w-pa55");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(s.overlay_name(), Some("confirm"));
    s
}

#[test]
fn rotate_preview_80x24() {
    let s = preview_of(sample_secret_in_use());
    let out = render(&s, 80, 24);
    assert!(
        out.contains("web: file /etc/app/pw · uid 1000 · gid 1001 · mode 0400"),
        "{out}"
    );
    assert!(out.contains("y yes"), "{out}");
    assert!(
        !out.contains("n3w-pa55"),
        "the new secret is never shown: {out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn a_preview_taller_than_the_screen_scrolls_with_its_keys_in_sight() {
    let mut c = sample_secret_in_use();
    for i in 0..30 {
        let mut svc = c.services[0].clone();
        svc.id = Some(format!("s{i:024}"));
        if let Some(spec) = svc.spec.as_mut() {
            spec.name = Some(format!("svc{i:02}"));
        }
        c.services.push(svc);
    }
    let mut s = preview_of(c);
    let top = render(&s, 80, 24);
    assert!(
        top.contains("Rotate secret db_password to db_password.v2?"),
        "{top}"
    );
    assert!(top.contains("more lines: j/down k/up to scroll"), "{top}");
    assert!(top.contains("y yes"), "{top}");
    press(&mut s, "G");
    let end = render(&s, 80, 24);
    assert!(
        end.contains("svc29: file /etc/app/pw"),
        "the last service: {end}"
    );
    assert!(end.contains("y: do it · n or Esc: cancel"), "{end}");
    assert!(end.contains("(the end) k/up to scroll back"), "{end}");
    assert!(end.contains("y yes"), "{end}");
    insta::assert_snapshot!(end);
}
