//! `draw(&State)`: pure rendering, no I/O. One module per part of the screen.

pub mod footer;
pub mod header;
pub mod help;
pub mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::state::{Conn, Mode, State};
use crate::app::update::scope_of;
use crate::theme::Theme;

pub fn draw(f: &mut Frame, state: &State, theme: &Theme) {
    let area = f.area();
    let [head, body, hints, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(f, head, state, theme);
    draw_pane(f, body, state, theme);
    let scope = scope_of(state.pane);
    footer::draw_hints(f, hints, state, theme, scope);
    footer::draw_status(f, status, state, theme);
    if state.mode == Mode::Help {
        help::draw(f, area, state, theme, scope);
    }
}

fn draw_pane(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let pane = state.pane;
    let list = state.list(pane);
    let mut title = format!(" {} ", pane.name());
    if list.filter.is_empty() {
        title.push_str(&format!("({}) ", list.total));
    } else {
        title.push_str(&format!(
            "({} of {}) /{} ",
            list.rows.len(),
            list.total,
            list.filter
        ));
    }
    if state.is_stale() && state.data_at.is_some() {
        title.push_str("[stale] ");
    }
    let empty = match (&state.conn, state.data_at) {
        (Conn::Connecting, None) => "connecting…",
        (_, None) => "no data yet",
        _ if !list.filter.is_empty() => "nothing matches the filter (esc clears it)",
        _ => "none",
    };
    table::draw_table(
        f,
        area,
        theme,
        &table::TableView {
            title,
            columns: pane.columns(),
            list,
            now: state.now,
            empty_text: empty,
            sort_col: list.sort_col,
            reverse: list.reverse,
        },
    );
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::{Msg, update};
    use crate::cluster::fixtures::{NOW, sample};
    use crate::cluster::format::parse_time;
    use crate::engine::EngineMsg;
    use crate::keymap::Keymap;

    pub fn render(state: &State, w: u16, h: u16) -> String {
        let theme = Theme::default_theme();
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, state, &theme)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn sample_state() -> State {
        let now = parse_time(NOW).unwrap_or_else(Utc::now);
        let mut s = State::new(
            "default".into(),
            "unix:///var/run/docker.sock".into(),
            Keymap::default_keymap(),
            now,
        );
        update(
            &mut s,
            Msg::Engine(EngineMsg::Connected {
                endpoint: "unix:///var/run/docker.sock".into(),
                engine_version: "20.10.24".into(),
                api_version: "1.41".into(),
            }),
        );
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(sample()))));
        s
    }

    #[test]
    fn nodes_pane_80x24() {
        insta::assert_snapshot!(render(&sample_state(), 80, 24));
    }

    #[test]
    fn nodes_pane_wide() {
        insta::assert_snapshot!(render(&sample_state(), 140, 12));
    }

    #[test]
    fn stale_header() {
        let mut s = sample_state();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Lost {
                error: "cannot reach the engine: connection refused".into(),
                retry_in: std::time::Duration::from_secs(4),
            }),
        );
        let out = render(&s, 120, 10);
        assert!(out.contains("STALE"), "{out}");
        assert!(out.contains("[stale]"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn help_overlay_lists_node_keys() {
        let mut s = sample_state();
        s.mode = Mode::Help;
        let out = render(&s, 80, 24);
        assert!(out.contains("drain the node"), "{out}");
        insta::assert_snapshot!(out);
    }
}
