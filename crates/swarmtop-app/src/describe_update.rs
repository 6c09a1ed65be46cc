//! The describe view's keys (what it shows is `describe`): scrolling, searching, showing a
//! config's data.

use crossterm::event::KeyEvent;

use super::describe::{self, Describe, Shows};
use super::line_input::{LineKey, edit_line};
use super::msg::Effect;
use super::panes::{Pane, View};
use super::state::{Overlay, State};
use swarmtop_settings::keymap::{Action, Key, Scope};

pub fn describe(state: &mut State) {
    let Some(id) = state.current().selected_id.clone() else {
        state.info("nothing selected");
        return;
    };
    let (view, id) = match state.pane() {
        Pane::Events => match event_object(state, &id) {
            Ok(found) => found,
            Err(why) => return state.info(why),
        },
        _ => (state.view.clone(), id),
    };
    match describe::build(&state.cluster, &state.node_data, &view, &id, state.now) {
        Some(d) => state.overlay = Some(Overlay::Describe(Box::new(d))),
        None => state.info("that object is gone"),
    }
}

/// An event's object: the pane that lists objects of its kind, and the event's actor ID, by
/// which the object is found there (a node's name in an event is not what nodes are keyed by).
fn event_object(state: &State, key: &str) -> Result<(View, String), String> {
    let ev = state
        .events
        .iter()
        .find(|e| e.key == key)
        .ok_or("that event is no longer kept")?;
    let pane = match ev.kind {
        "node" => Pane::Nodes,
        "service" => Pane::Services,
        "secret" => Pane::Secrets,
        "config" => Pane::Configs,
        "network" => Pane::Networks,
        other => return Err(format!("a {other} event has no object to describe")),
    };
    Ok((View::top(pane), ev.actor.clone()))
}

pub fn on_describe_key(state: &mut State, mut d: Describe, k: KeyEvent) -> Vec<Effect> {
    let h = state.page_height();
    if let Some(mut typed) = d.typing.take() {
        match edit_line(&mut typed, &k) {
            LineKey::Cancel => {}
            LineKey::Submit => d.set_search(&typed, h),
            LineKey::Edited | LineKey::BackspaceOnEmpty | LineKey::Other => d.typing = Some(typed),
        }
        state.overlay = Some(Overlay::Describe(Box::new(d)));
        return Vec::new();
    }
    let action = Key::from_event(&k).and_then(|key| {
        state
            .keymap
            .action(Scope::Logs, &key)
            .filter(|a| matches!(a, Action::Search | Action::NextMatch | Action::PrevMatch))
            // a service's history is one key away from its describe, and back
            .or_else(|| {
                state
                    .keymap
                    .action(Scope::Services, &key)
                    .filter(|a| *a == Action::History && d.shows.service().is_some())
            })
            .or_else(|| state.keymap.action(Scope::Global, &key))
    });
    match (action, &d.shows) {
        (Some(Action::History), Shows::Service(id)) => {
            let id = id.clone();
            return super::spec_history::open(state, &id);
        }
        (Some(Action::Describe), Shows::History { service_id, .. }) => {
            match describe::service(&state.cluster, service_id) {
                Some(desc) => state.overlay = Some(Overlay::Describe(Box::new(desc))),
                None => state.info("that service is gone"),
            }
            return Vec::new();
        }
        _ => {}
    }
    // a custom command's output: the stop key stops it; closing the view while it runs does too
    if let Shows::Output { id, running: true } = d.shows {
        match action {
            Some(Action::StopCommand) => {
                state.overlay = Some(Overlay::Describe(Box::new(d)));
                return vec![Effect::StopCommand(id)];
            }
            Some(Action::Back | Action::Quit | Action::Describe) => {
                state.info("the command was stopped (its view was closed)");
                return vec![Effect::StopCommand(id)];
            }
            _ => {}
        }
    }
    match action {
        Some(Action::Back)
        | Some(Action::Quit)
        | Some(Action::Describe)
        | Some(Action::History) => {
            state.overlay = None;
            return Vec::new();
        }
        Some(Action::Up) => d.scroll(-1, h),
        Some(Action::Down) => d.scroll(1, h),
        Some(Action::PageUp) => d.scroll(-(h as isize), h),
        Some(Action::PageDown) => d.scroll(h as isize, h),
        Some(Action::Top) => d.offset = 0,
        Some(Action::Bottom) => d.scroll(isize::MAX / 2, h),
        Some(Action::Search) | Some(Action::Filter) => d.typing = Some(String::new()),
        Some(Action::NextMatch) => d.next_match(true, h),
        Some(Action::PrevMatch) => d.next_match(false, h),
        Some(Action::ShowData) if !d.toggle_data() => {
            state.info("only a config's data can be shown (secret data never is)");
        }
        _ => {}
    }
    state.overlay = Some(Overlay::Describe(Box::new(d)));
    Vec::new()
}
