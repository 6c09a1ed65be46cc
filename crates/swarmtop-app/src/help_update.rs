//! The help overlay's keys: moving keys (up, down, page, top, bottom) scroll it; any other key
//! closes it. What it shows is `help`.

use crossterm::event::KeyEvent;

use super::help::HelpState;
use super::msg::Effect;
use super::state::{Overlay, Screen, State};
use swarmtop_settings::keymap::{Action, Key, Scope};

/// The scope whose keys the overlay shows first: the screen's under it (the logs view's,
/// the editor's, or the pane's).
pub fn scope(state: &State) -> Scope {
    match state.screen {
        Screen::Logs(_) => Scope::Logs,
        Screen::Editor(_) => Scope::Editor,
        Screen::Panes => state.pane().scope(),
    }
}

/// The rows for what is on screen: the keys ([`rows`]), and in a pane the custom commands that
/// run there (in a read-only session only those marked safe), before the `:` commands.
pub fn rows_in(state: &State) -> Vec<super::help::HelpRow> {
    let scope = scope(state);
    let writes = state.read_only.is_none();
    let mut out = super::help::rows(&state.keymap, scope, writes);
    if !matches!(state.screen, Screen::Panes) {
        return out;
    }
    let pane = state.pane().name();
    let custom: Vec<super::help::HelpRow> = state
        .commands
        .iter()
        .filter(|c| c.applies_to(pane) && (writes || c.safe))
        .map(|c| super::help::HelpRow::Custom {
            key: c.key.to_string(),
            name: c.name.clone(),
            about: c.description.clone(),
        })
        .collect();
    if custom.is_empty() {
        return out;
    }
    let at = out
        .iter()
        .position(|r| *r == super::help::HelpRow::CommandsTitle)
        .map(|i| i.saturating_sub(1))
        .unwrap_or(out.len());
    let mut block = vec![
        super::help::HelpRow::Blank,
        super::help::HelpRow::CustomTitle,
    ];
    block.extend(custom);
    out.splice(at..at, block);
    out
}

/// Rows of help that fit inside the overlay at the current terminal size (the overlay leaves a
/// line above and below, and has a border).
pub fn visible_rows(state: &State) -> usize {
    (state.size.1 as usize).saturating_sub(4).max(1)
}

/// The furthest the overlay scrolls: the last row at the bottom.
pub fn max_offset(state: &State) -> usize {
    rows_in(state).len().saturating_sub(visible_rows(state))
}

/// A key while the help overlay is open (scrolled to `help`).
pub fn on_key(state: &mut State, mut help: HelpState, k: KeyEvent) -> Vec<Effect> {
    let action = Key::from_event(&k).and_then(|key| state.keymap.action(Scope::Global, &key));
    let page = visible_rows(state) as isize;
    let max = max_offset(state);
    let delta = match action {
        Some(Action::Up) => -1,
        Some(Action::Down) => 1,
        Some(Action::PageUp) => -page,
        Some(Action::PageDown) => page,
        Some(Action::Top) => isize::MIN / 2,
        Some(Action::Bottom) => isize::MAX / 2,
        // any other key closes it, back to the screen under it
        _ => return Vec::new(),
    };
    let next = (help.offset as isize).saturating_add(delta);
    help.offset = next.clamp(0, max as isize) as usize;
    state.overlay = Some(Overlay::Help(help));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::help::{HelpRow, rows};
    use crate::{Msg, update};
    use swarmtop_settings::keymap::Keymap;

    fn press(s: &mut State, c: KeyCode) {
        update(s, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    }

    fn offset(s: &State) -> usize {
        match &s.overlay {
            Some(Overlay::Help(h)) => h.offset,
            _ => panic!("help is not open: {:?}", s.overlay_name()),
        }
    }

    fn state(keymap: Keymap) -> State {
        let mut s = State::new("default".into(), "unix:///x".into(), keymap, Utc::now());
        s.size = (80, 24);
        s
    }

    #[test]
    fn moving_keys_scroll_within_bounds_and_other_keys_close() {
        let mut s = state(Keymap::default_keymap());
        press(&mut s, KeyCode::Char('?'));
        assert_eq!(s.overlay_name(), Some("help"));
        press(&mut s, KeyCode::Char('k'));
        assert_eq!(offset(&s), 0, "cannot scroll above the top");
        press(&mut s, KeyCode::Char('j'));
        press(&mut s, KeyCode::Down);
        assert_eq!(offset(&s), 2);
        press(&mut s, KeyCode::Char('G'));
        let max = max_offset(&s);
        assert!(max > 0, "the default nodes help overflows 80x24");
        assert_eq!(offset(&s), max);
        press(&mut s, KeyCode::PageDown);
        assert_eq!(offset(&s), max, "cannot scroll past the end");
        press(&mut s, KeyCode::Char('x'));
        assert_eq!(s.overlay_name(), None);
        press(&mut s, KeyCode::Char('?'));
        assert_eq!(offset(&s), 0, "opens at the top again");
        press(&mut s, KeyCode::Esc);
        assert_eq!(s.overlay_name(), None);
    }

    #[test]
    fn scrolling_follows_the_keymap() {
        let mut s = state(Keymap::shipped("vim").unwrap());
        press(&mut s, KeyCode::Char('?'));
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        );
        assert_eq!(offset(&s), visible_rows(&s).min(max_offset(&s)));
        // vim has no arrow keys: down closes the overlay
        press(&mut s, KeyCode::Down);
        assert_eq!(s.overlay_name(), None);
    }

    #[test]
    fn a_read_only_session_is_not_shown_the_keys_that_write() {
        let writes = |rows: &[HelpRow]| {
            rows.iter()
                .filter(
                    |r| matches!(r, HelpRow::Binding { action, .. } if action.changes_cluster()),
                )
                .count()
        };
        for scope in [Scope::Nodes, Scope::Services, Scope::Stacks, Scope::Secrets] {
            let all = rows(&Keymap::default_keymap(), scope, true);
            assert!(writes(&all) > 0, "{scope:?} has writes to hide");
            let shown = rows(&Keymap::default_keymap(), scope, false);
            assert_eq!(writes(&shown), 0, "{scope:?}");
            assert!(shown.iter().any(|r| matches!(
                r,
                HelpRow::Binding {
                    action: Action::Describe,
                    ..
                }
            )));
        }
    }

    #[test]
    fn rows_list_the_scope_then_global() {
        let r = rows(&Keymap::default_keymap(), Scope::Nodes, true);
        assert_eq!(r[0], HelpRow::Title(Scope::Nodes));
        assert!(r.contains(&HelpRow::Title(Scope::Global)));
        assert!(r.contains(&HelpRow::Binding {
            keys: "D".into(),
            action: Action::Drain
        }));
        let g = rows(&Keymap::default_keymap(), Scope::Global, true);
        assert_eq!(
            g.iter().filter(|r| matches!(r, HelpRow::Title(_))).count(),
            1
        );
    }
}
