//! `update`: the only place state changes. Keys become actions through the keymap; engine
//! messages replace data and rebuild the affected panes.

use chrono::Duration as ChronoDuration;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::panes::Pane;
use super::state::{Conn, Mode, State};
use super::{Effect, Msg};
use crate::engine::{EngineCmd, EngineMsg, Part};
use crate::keymap::{Action, Key, Scope};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) => on_key(state, k),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Msg::Engine(m) => {
            on_engine(state, m);
            Vec::new()
        }
    }
}

fn on_engine(state: &mut State, m: EngineMsg) {
    match m {
        EngineMsg::Connected {
            endpoint,
            engine_version,
            api_version,
        } => {
            state.endpoint = endpoint;
            state.engine_version = engine_version;
            state.api_version = api_version;
            if matches!(state.conn, Conn::Lost { .. }) {
                state.info("reconnected");
            }
        }
        EngineMsg::Loaded(c) => {
            state.cluster = *c;
            state.conn = Conn::Live;
            state.data_at = Some(state.now);
            state.rebuild_all();
        }
        EngineMsg::Part(p) => {
            state.data_at = Some(state.now);
            match p {
                Part::Nodes(n) => state.cluster.nodes = n,
                Part::Services(s) => state.cluster.services = s,
                Part::Tasks(_, t) => state.cluster.tasks = t,
                Part::Secrets(s) => state.cluster.secrets = s,
                Part::Configs(c) => state.cluster.configs = c,
                Part::Networks(n) => state.cluster.networks = n,
            }
            state.rebuild_all();
        }
        EngineMsg::Event(_) => {}
        EngineMsg::Lost { error, retry_in } => {
            let since = match &state.conn {
                Conn::Lost { since, .. } => *since,
                _ => state.now,
            };
            state.conn = Conn::Lost {
                error,
                since,
                retry_at: state.now
                    + ChronoDuration::from_std(retry_in).unwrap_or(ChronoDuration::seconds(1)),
            };
        }
    }
}

pub fn scope_of(pane: Pane) -> Scope {
    match pane {
        Pane::Problems => Scope::Problems,
        Pane::Nodes => Scope::Nodes,
        Pane::Services => Scope::Services,
        Pane::Tasks => Scope::Tasks,
        Pane::Stacks => Scope::Stacks,
        Pane::Secrets => Scope::Secrets,
        Pane::Configs => Scope::Configs,
        Pane::Networks => Scope::Networks,
    }
}

fn on_key(state: &mut State, k: KeyEvent) -> Vec<Effect> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // ctrl-c always quits, whatever has the keyboard
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    match state.mode.clone() {
        Mode::Help => {
            state.mode = Mode::Normal;
            Vec::new()
        }
        Mode::Command(buf) => on_command_key(state, buf, k),
        Mode::Filter => {
            on_filter_key(state, k);
            Vec::new()
        }
        Mode::Normal => {
            let Some(key) = Key::from_event(&k) else {
                return Vec::new();
            };
            match state.keymap.action(scope_of(state.pane), &key) {
                Some(a) => run_action(state, a),
                None => Vec::new(),
            }
        }
    }
}

/// Runs one named action in the current pane.
pub fn run_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_height() as isize;
    let pane = state.pane;
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help => state.mode = Mode::Help,
        Action::Command => state.mode = Mode::Command(String::new()),
        Action::Filter => state.mode = Mode::Filter,
        Action::Up => state.list_mut(pane).move_by(-1),
        Action::Down => state.list_mut(pane).move_by(1),
        Action::PageUp => state.list_mut(pane).move_by(-page),
        Action::PageDown => state.list_mut(pane).move_by(page),
        Action::Top => state.list_mut(pane).select(0),
        Action::Bottom => {
            let n = state.list(pane).rows.len();
            state.list_mut(pane).select(n.saturating_sub(1));
        }
        Action::Back => {
            let l = state.list_mut(pane);
            if !l.filter.is_empty() {
                l.filter.clear();
                state.rebuild(pane);
            }
        }
        Action::SortNext => {
            let ncols = pane.columns().len().max(1);
            let l = state.list_mut(pane);
            l.sort_col = (l.sort_col + 1) % ncols;
            let title = pane
                .columns()
                .get(state.list(pane).sort_col)
                .map(|c| c.title);
            state.rebuild(pane);
            if let Some(t) = title {
                state.info(format!("sorted by {t}"));
            }
        }
        Action::SortReverse => {
            let l = state.list_mut(pane);
            l.reverse = !l.reverse;
            state.rebuild(pane);
        }
        Action::Refresh => {
            state.info("reloading from the engine");
            return vec![Effect::Engine(EngineCmd::Refresh)];
        }
        Action::PaneProblems => return switch_pane(state, Pane::Problems),
        Action::PaneNodes => return switch_pane(state, Pane::Nodes),
        Action::PaneServices => return switch_pane(state, Pane::Services),
        Action::PaneTasks => return switch_pane(state, Pane::Tasks),
        Action::PaneStacks => return switch_pane(state, Pane::Stacks),
        Action::PaneSecrets => return switch_pane(state, Pane::Secrets),
        Action::PaneConfigs => return switch_pane(state, Pane::Configs),
        Action::PaneNetworks => return switch_pane(state, Pane::Networks),
        other => state.info(format!("{} is not available yet", other.name())),
    }
    let h = state.page_height();
    state.list_mut(pane).scroll_into_view(h);
    Vec::new()
}

fn switch_pane(state: &mut State, pane: Pane) -> Vec<Effect> {
    if !pane.available() {
        state.info(format!("the {} pane is not available yet", pane.name()));
        return Vec::new();
    }
    state.pane = pane;
    state.rebuild(pane);
    Vec::new()
}

fn on_command_key(state: &mut State, mut buf: String, k: KeyEvent) -> Vec<Effect> {
    match k.code {
        KeyCode::Esc => {
            state.mode = Mode::Normal;
            Vec::new()
        }
        KeyCode::Enter => run_command(state, buf),
        KeyCode::Backspace => {
            if buf.pop().is_none() {
                state.mode = Mode::Normal;
            } else {
                state.mode = Mode::Command(buf);
            }
            Vec::new()
        }
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
            buf.push(c);
            state.mode = Mode::Command(buf);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// `:q`, `:nodes` ... Unknown commands keep the prompt and its text so it can be fixed.
fn run_command(state: &mut State, buf: String) -> Vec<Effect> {
    let cmd = buf.trim();
    let word = cmd.split_whitespace().next().unwrap_or("");
    match word {
        "" => {
            state.mode = Mode::Normal;
            Vec::new()
        }
        "q" | "quit" | "q!" => {
            state.quit = true;
            vec![Effect::Quit]
        }
        w => {
            if let Some(p) = Pane::from_name(w) {
                state.mode = Mode::Normal;
                return switch_pane(state, p);
            }
            state.error(format!(
                "unknown command :{w} (try :nodes, :services, :tasks, :q)"
            ));
            state.mode = Mode::Command(buf);
            Vec::new()
        }
    }
}

fn on_filter_key(state: &mut State, k: KeyEvent) {
    let pane = state.pane;
    match k.code {
        KeyCode::Esc => {
            state.list_mut(pane).filter.clear();
            state.mode = Mode::Normal;
        }
        KeyCode::Enter => state.mode = Mode::Normal,
        KeyCode::Backspace => {
            state.list_mut(pane).filter.pop();
        }
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
            state.list_mut(pane).filter.push(c);
        }
        _ => return,
    }
    state.rebuild(pane);
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::cluster::fixtures::sample;
    use crate::keymap::Keymap;

    fn key(c: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

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

    #[test]
    fn loaded_data_makes_the_state_live() {
        let s = loaded();
        assert_eq!(s.conn, Conn::Live);
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
    }

    #[test]
    fn cursor_follows_the_object_across_refreshes() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('j')));
        assert_eq!(
            s.list(Pane::Nodes).selected_id.as_deref(),
            Some("n2bbbbbbbbbbbbbbbbbbbbbbb")
        );
        let mut c = sample();
        c.nodes.reverse();
        update(&mut s, Msg::Engine(EngineMsg::Part(Part::Nodes(c.nodes))));
        let l = s.list(Pane::Nodes);
        assert_eq!(l.selected_id.as_deref(), Some("n2bbbbbbbbbbbbbbbbbbbbbbb"));
        assert_eq!(l.rows[l.selected].id, "n2bbbbbbbbbbbbbbbbbbbbbbb");
    }

    #[test]
    fn filter_narrows_and_esc_clears() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('/')));
        for c in "node3".chars() {
            update(&mut s, key(KeyCode::Char(c)));
        }
        assert_eq!(s.list(Pane::Nodes).rows.len(), 1);
        update(&mut s, key(KeyCode::Esc));
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
        assert_eq!(s.mode, Mode::Normal);
    }

    #[test]
    fn q_quits_and_lost_connection_keeps_data() {
        let mut s = loaded();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Lost {
                error: "connection refused".into(),
                retry_in: std::time::Duration::from_secs(2),
            }),
        );
        assert!(s.is_stale());
        assert_eq!(s.list(Pane::Nodes).rows.len(), 3);
        assert_eq!(update(&mut s, key(KeyCode::Char('q'))), vec![Effect::Quit]);
    }

    #[test]
    fn unknown_command_keeps_what_was_typed() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char(':')));
        for c in "nodez".chars() {
            update(&mut s, key(KeyCode::Char(c)));
        }
        update(&mut s, key(KeyCode::Enter));
        assert_eq!(s.mode, Mode::Command("nodez".into()));
        assert!(s.status.as_ref().unwrap().error);
        assert!(s.status.as_ref().unwrap().text.contains(":nodez"));
    }

    #[test]
    fn sort_by_next_column() {
        let mut s = loaded();
        update(&mut s, key(KeyCode::Char('o'))); // STATUS
        let first = &s.list(Pane::Nodes).rows[0];
        assert_eq!(first.id, "n3ccccccccccccccccccccccc"); // "down" < "ready"
    }
}
