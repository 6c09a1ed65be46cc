//! `draw(&State)`: pure rendering, no I/O. One module per part of the screen.

pub mod describe;
pub mod dialog;
pub mod editor;
pub mod footer;
pub mod form;
pub mod header;
pub mod help;
pub mod logs;
pub mod map;
pub mod popup;
pub mod spark;
pub mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use swarmtop_app::panes::Pane;
use swarmtop_app::state::{Conn, Overlay, Screen, State};
use swarmtop_settings::theme::Theme;

/// Draws the whole screen with the theme in force (`State.theme`: the one `:ctx` switches to).
pub fn draw(f: &mut Frame, state: &State) {
    let theme = &state.theme;
    let area = f.area();
    let [head, body, hints, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(f, head, state, theme);
    // the screen, unless describe covers it
    match (&state.overlay, &state.screen) {
        (Some(Overlay::Describe(d)), _) => describe::draw(f, body, d, theme),
        (_, Screen::Editor(ed)) => editor::draw(f, body, ed, &state.keymap, theme),
        (_, Screen::Logs(v)) => logs::draw(f, body, v, theme),
        (_, Screen::Panes) if state.pane() == Pane::Map => map::draw(f, body, state, theme),
        (_, Screen::Panes) => draw_pane(f, body, state, theme),
    }
    let scope = match state.screen {
        Screen::Logs(_) => swarmtop_settings::keymap::Scope::Logs,
        _ => state.pane().scope(),
    };
    footer::draw_hints(f, hints, state, theme, scope);
    footer::draw_status(f, status, state, theme);
    // the popups over it; the one-line ones are the status line's (`footer`)
    match &state.overlay {
        Some(Overlay::Help(h)) => help::draw(f, area, state, h.offset, theme, scope),
        Some(Overlay::Confirm { ask, .. }) => {
            dialog::draw(f, area, ask, state.dialog_scroll, &state.keymap, theme)
        }
        Some(Overlay::Join(j)) => dialog::draw_join(f, area, j, &state.keymap, theme),
        Some(Overlay::Form(form_state)) => form::draw(f, area, form_state, theme),
        Some(Overlay::Command(_) | Overlay::Filter | Overlay::Prompt(_) | Overlay::Describe(_))
        | None => {}
    }
}

/// Lines `text` takes when wrapped at word boundaries to `width` columns (a word longer than
/// the width is cut, as ratatui's wrap cuts it).
fn wrapped_lines(text: &str, width: u16) -> usize {
    let width = width.max(1) as usize;
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.chars().count();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else if w <= width {
            lines += 1;
            used = w;
        } else {
            // a long word fills lines of its own
            lines += usize::from(used > 0) + (w - 1) / width;
            used = (w - 1) % width + 1;
        }
    }
    lines
}

fn draw_pane(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let pane = state.pane();
    let list = state.current();
    let mut title = format!(" {} ", state.view.title(&state.cluster));
    if list.filter.is_empty() {
        title.push_str(&format!("({}) ", list.total));
    } else {
        title.push_str(&format!(
            "({} of {}) /{} ",
            list.rows.len(),
            list.total,
            list.filter
        ));
        // nothing held it as typed: the rows shown match it loosely
        if list.rows.fuzzy() {
            title.push_str("(fuzzy) ");
        }
    }
    if state.is_stale() && state.data_at.is_some() {
        title.push_str("[stale] ");
    }
    // the full text of the selected row's growing column (a problem, a task error), which a
    // narrow terminal cuts
    let detail = pane
        .columns()
        .iter()
        .position(|c| c.grow)
        .filter(|_| {
            matches!(
                pane,
                Pane::Problems | Pane::Tasks | Pane::Reach | Pane::Events | Pane::Fleet
            )
        })
        .and_then(|i| {
            list.selected_row()
                .and_then(|r| r.cells.get(i).map(|c| c.search_text().to_string()))
        })
        .filter(|t| !t.is_empty());
    // the rollout view says where the update stands above its slots
    let area = if let (Pane::Rollout, swarmtop_app::panes::Drill::Service(sid)) =
        (pane, &state.view.drill)
    {
        let [top, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
        f.render_widget(Paragraph::new(rollout_summary(state, sid, theme)), top);
        rest
    } else {
        area
    };
    // the selected row's last minutes, one line under the list
    let area = match spark::selected_series(state) {
        Some((series, cpus)) if area.height > 8 => {
            let [a, s] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
            spark::draw(f, s, series, cpus, theme);
            a
        }
        _ => area,
    };
    // as many lines as the whole text takes (a reason cut before its constraint did not
    // answer), up to 4, the list keeping most of the pane
    let (area, detail_area) = match &detail {
        Some(text) if area.height > 8 => {
            let lines = wrapped_lines(&format!("▸ {text}"), area.width).clamp(1, 4);
            let lines = lines.min(area.height.saturating_sub(6).max(1) as usize) as u16;
            let [a, d] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(lines)]).areas(area);
            (a, Some(d))
        }
        _ => (area, None),
    };
    if let (Some(text), Some(d)) = (&detail, detail_area) {
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("▸ ", theme.key),
                Span::styled(text.clone(), theme.text),
            ]))
            .wrap(Wrap { trim: true }),
            d,
        );
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

fn rollout_summary<'a>(state: &State, sid: &str, theme: &Theme) -> Vec<Line<'a>> {
    use swarmtop_app::panes::rollout::progress;
    use swarmtop_settings::keymap::{Action, Scope};
    let Some(p) = progress(&state.cluster, sid, state.up_to_date.get(sid), state.now) else {
        return vec![Line::from(Span::styled(" the service is gone", theme.warn))];
    };
    let what = match p.state.as_str() {
        "rollback_started" | "rollback_paused" | "rollback_completed" => {
            "rollback to the previous spec"
        }
        "no update yet" => "no update has run",
        _ => "rolling update",
    };
    let style = match p.state.as_str() {
        "paused" | "rollback_paused" => theme.error,
        "updating" | "rollback_started" => theme.warn,
        "completed" | "rollback_completed" => theme.ok,
        _ => theme.text,
    };
    let converged = p.done == p.total && p.total > 0;
    let rollback = state.keymap.key_label(Scope::Services, Action::Rollback);
    vec![
        Line::from(vec![
            Span::styled(format!(" {what}: "), theme.text),
            Span::styled(format!("{} ", p.state), style),
            Span::styled(
                if p.message.is_empty() {
                    String::new()
                } else {
                    format!("— {}", p.message)
                },
                theme.text,
            ),
        ]),
        Line::from(vec![
            Span::styled(
                format!(" {}/{} slots done", p.done, p.total),
                if converged { theme.ok } else { theme.text },
            ),
            Span::styled(
                if converged && matches!(p.state.as_str(), "updating" | "rollback_started") {
                    " · all running: verifying they stay up (monitor)".to_string()
                } else {
                    String::new()
                },
                theme.dim,
            ),
            Span::styled(format!(" · {rollback}",), theme.key),
            Span::styled(" rolls back", theme.dim),
        ]),
    ]
}

#[cfg(test)]
mod custom_tests;
#[cfg(test)]
mod fleet_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod node_tests;
#[cfg(test)]
mod rotate_tests;
#[cfg(test)]
mod theme_tests;

#[cfg(test)]
pub(crate) mod tests {
    use chrono::Utc;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use swarmtop_app::{Msg, update};
    use swarmtop_model::cluster::fixtures::{NOW, sample};
    use swarmtop_model::cluster::format::parse_time;
    use swarmtop_model::feed::EngineMsg;
    use swarmtop_settings::keymap::Keymap;

    pub fn render(state: &State, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, state)).unwrap();
        screen_text(t.backend().buffer())
    }

    /// What a test terminal shows, a line per row, trailing blanks cut: what a person reads.
    pub fn screen_text(buf: &ratatui::buffer::Buffer) -> String {
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
                switched_from: None,
                read_only: None,
            }),
        );
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(sample()))));
        s
    }

    /// A large swarm at rest is asked every 15 s and its answers change nothing. The header
    /// counted "data N ago" from the last answer that changed something and said "data 12
    /// seconds ago" while all was live. It counts from the last answer, and says the age only
    /// once the next answer is late.
    #[test]
    fn the_data_age_counts_from_the_last_answer_and_shows_once_one_is_late() {
        let mut s = sample_state();
        let answered = |s: &mut State, every: u64| {
            let m = EngineMsg::Answered {
                every: std::time::Duration::from_secs(every),
            };
            update(s, Msg::Engine(m));
        };
        let tick = |s: &mut State, secs: i64| {
            let later = s.now + chrono::Duration::seconds(secs);
            update(s, Msg::Tick(later));
        };
        // a small swarm, asked every 2 s: an answer 12 s late is worth saying
        answered(&mut s, 2);
        tick(&mut s, 12);
        assert!(render(&s, 160, 24).contains("· data 12 seconds ago"));
        // a large one, asked every 15 s: 12 s after its last answer all is well
        answered(&mut s, 15);
        tick(&mut s, 12);
        let out = render(&s, 160, 24);
        assert!(!out.contains("· data"), "{out}");
        assert!(out.contains("● live"), "{out}");
        // its next answer is late
        tick(&mut s, 9);
        let out = render(&s, 160, 24);
        assert!(out.contains("· data 21 seconds ago"), "{out}");
    }

    /// `/node` holds as typed; `/nd3` matches node3 only loosely, and the title says so.
    #[test]
    fn a_filter_found_only_fuzzily_says_so() {
        let mut s = sample_state();
        press(&mut s, "1/node\n");
        let out = render(&s, 80, 24);
        assert!(out.contains("(3 of 3) /node "), "{out}");
        assert!(!out.contains("(fuzzy)"), "{out}");
        press(&mut s, "\x1b/nd3\n");
        let out = render(&s, 80, 24);
        assert!(out.contains("(1 of 3) /nd3 (fuzzy)"), "{out}");
    }

    #[test]
    fn wrapped_lines_counts_as_words_wrap() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("abc def", 7), 1);
        assert_eq!(wrapped_lines("abc defg", 7), 2);
        assert_eq!(wrapped_lines("abcdefghijklmno", 5), 3);
        assert_eq!(wrapped_lines("ab abcdefghij", 5), 3);
    }

    /// A problem's whole reason shows under the list at 80x24, the constraint at its end too
    /// (two lines cut it).
    #[test]
    fn the_selected_problems_whole_reason_shows_at_80x24() {
        let mut s = sample_state();
        press(&mut s, "0j");
        let out = render(&s, 80, 24);
        let text = s
            .problems()
            .iter()
            .find(|p| p.key.ends_with(":replicas"))
            .unwrap()
            .text
            .clone();
        let under: String = out
            .lines()
            .skip_while(|l| !l.starts_with('└'))
            .skip(1)
            .take(4)
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(under.contains(&text), "{text}\n{out}");
    }

    /// `:ctx prod` with a theme set for prod: the screen is drawn in that theme (drawing once
    /// read a theme fixed at start while the switch set the state's).
    #[test]
    fn the_command_line_shows_the_commands_a_started_name_can_be() {
        let mut s = sample_state();
        for c in ":se".chars() {
            update(
                &mut s,
                Msg::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Char(c),
                    crossterm::event::KeyModifiers::NONE,
                )),
            );
        }
        let screen = render(&s, 80, 24);
        let last = screen.lines().last().unwrap_or_default();
        assert_eq!(last, ":se█  services secrets");
        update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('r'),
                crossterm::event::KeyModifiers::NONE,
            )),
        );
        assert_eq!(
            render(&s, 80, 24).lines().last().unwrap_or_default(),
            ":ser█"
        );
    }

    #[test]
    fn a_context_switch_draws_in_that_contexts_theme() {
        let switched_to = |theme: &str| {
            let mut s = sample_state();
            let flags = swarmtop_settings::config::Flags {
                theme: Some(theme.into()),
                ..Default::default()
            };
            let settings = swarmtop_settings::config::Files::builtin().resolve("prod", &flags);
            let want = settings.theme.clone();
            update(
                &mut s,
                Msg::Switched {
                    context: "prod".into(),
                    settings: Box::new(settings),
                    read_only: None,
                },
            );
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| draw(f, &s)).unwrap();
            (t.backend().buffer().clone(), want)
        };
        let (red, red_theme) = switched_to("red-alert");
        let (plain, plain_theme) = switched_to("default");
        assert_ne!(
            red_theme.header, plain_theme.header,
            "the two themes must differ"
        );
        let text = |b: &ratatui::buffer::Buffer| -> String {
            b.content().iter().map(|c| c.symbol()).collect()
        };
        assert_eq!(text(&red), text(&plain), "the same screen");
        assert_eq!(red[(0, 0)].style().bg, red_theme.header.bg);
        assert_eq!(plain[(0, 0)].style().bg, plain_theme.header.bg);
    }

    /// Footers offered `D drain` in a read-only session, which refuses it.
    #[test]
    fn a_read_only_footer_offers_no_write() {
        let footer = |read_only: bool| {
            let mut s = sample_state();
            if read_only {
                s.read_only = Some("--read-only".into());
            }
            let out = render(&s, 120, 24);
            out.lines().rev().nth(1).unwrap_or_default().to_string()
        };
        let writable = footer(false);
        assert!(
            writable.contains("drain") && writable.contains("activate"),
            "{writable}"
        );
        let ro = footer(true);
        assert!(!ro.contains("drain") && !ro.contains("activate"), "{ro}");
        assert!(ro.contains("describe") && ro.contains("help"), "{ro}");
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
                failure: swarmtop_model::feed::Failure::Connection,
            }),
        );
        let out = render(&s, 120, 10);
        assert!(out.contains("STALE"), "{out}");
        assert!(out.contains("[stale]"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn no_leader_replaces_the_manager_counts_and_says_the_engine_answered() {
        let mut s = sample_state();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Lost {
                error: "the swarm has no leader right now (…)".into(),
                retry_in: std::time::Duration::from_secs(4),
                failure: swarmtop_model::feed::Failure::NoLeader,
            }),
        );
        let out = render(&s, 160, 10);
        assert!(out.contains("STALE"), "{out}");
        assert!(out.contains("managers ?/1: NO LEADER"), "{out}");
        assert!(!out.contains("managers 1/1"), "{out}");
        assert!(
            out.contains("the engine answers with an error: the swarm has no leader"),
            "{out}"
        );
        // at 80 columns too
        let out = render(&s, 80, 10);
        assert!(out.contains("NO LEADER"), "{out}");
    }

    fn press(s: &mut State, keys: &str) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\t' => KeyCode::Tab,
                c => KeyCode::Char(c),
            };
            update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        }
    }

    #[test]
    fn every_pane_80x24() {
        for (key, name) in [
            ("0", "problems"),
            ("2", "services"),
            ("3", "tasks"),
            ("4", "stacks"),
            ("5", "secrets"),
            ("6", "configs"),
            ("7", "networks"),
        ] {
            let mut s = sample_state();
            press(&mut s, key);
            let out = render(&s, 80, 24);
            insta::assert_snapshot!(format!("pane_{name}_80x24"), out);
        }
    }

    /// `S` on a task: the line to type the command in, `sh` to start from, the task named.
    #[test]
    fn exec_prompt_80x24() {
        let mut s = sample_state();
        for t in &mut s.cluster.tasks {
            let id = t.id.clone().unwrap_or_default();
            if let Some(st) = t.status.as_mut() {
                st.container_status = Some(bollard_stubs::models::ContainerStatus {
                    container_id: Some(format!("c-{id}")),
                    ..Default::default()
                });
            }
        }
        press(&mut s, "3");
        let selected = s.current().selected_id.clone().unwrap();
        press(&mut s, "S");
        let out = render(&s, 80, 24);
        let last = out.lines().rev().find(|l| !l.is_empty()).unwrap();
        assert!(last.starts_with("run in "), "{out}");
        assert!(last.contains(&selected[..12]), "{out}");
        assert!(last.contains(": sh█"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn service_tasks_show_slot_history() {
        let mut s = sample_state();
        press(&mut s, "2j"); // services sorted by name: monitor, shop_api, web
        press(&mut s, "\n");
        let out = render(&s, 100, 16);
        assert!(out.contains("tasks of shop_api"), "{out}");
        assert!(out.contains("no suitable node"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn node_tasks_say_where_replacements_run() {
        let mut s = sample_state();
        press(&mut s, "G\n"); // node3, the down one
        let out = render(&s, 140, 12);
        assert!(out.contains("tasks on node3"), "{out}");
        let row = out.lines().find(|l| l.contains("web.3")).unwrap();
        assert!(row.contains("node2"), "web.3 now runs on node2: {row}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn describe_a_service_80x24() {
        let mut s = sample_state();
        press(&mut s, "2Gd");
        let out = render(&s, 80, 24);
        assert!(out.contains("service web"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn drain_confirmation_80x24() {
        let mut s = sample_state();
        press(&mut s, "1D");
        insta::assert_snapshot!(render(&s, 80, 24));
    }

    #[test]
    fn a_long_question_keeps_its_keys_at_80x24() {
        let mut s = sample_state();
        press(&mut s, "1D");
        // as long as a big deploy plan's question is
        let Some(Overlay::Confirm { ask, .. }) = &mut s.overlay else {
            panic!("no dialog");
        };
        let first = ask.lines[0].clone();
        ask.lines
            .extend((0..40).map(|i| format!("  update service shop_svc{i}: image a -> b")));
        let out = render(&s, 80, 24);
        assert!(out.contains("y yes"), "the keys are cut off:\n{out}");
        assert!(out.contains("more lines"), "{out}");
        assert!(out.contains(&first), "{out}");
    }

    #[test]
    fn rolling_update_form_80x24() {
        let mut s = sample_state();
        press(&mut s, "2Gu");
        insta::assert_snapshot!(render(&s, 80, 24));
    }

    #[test]
    fn new_secret_form_masks_the_content() {
        let mut s = sample_state();
        press(&mut s, "5n");
        press(&mut s, "pw\t\t\thunter2");
        let out = render(&s, 80, 24);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("•••••••"), "{out}");
    }

    #[test]
    fn rollout_view_80x24() {
        let mut s = sample_state();
        let up: Vec<swarmtop_model::cluster::Task> = s
            .cluster
            .tasks
            .iter()
            .filter(|t| t.id.as_deref() == Some("t1aaaaaaaaaaaaaaaaaaaaaaa"))
            .cloned()
            .collect();
        let svc = s.cluster.services[0].clone();
        update(
            &mut s,
            Msg::Engine(EngineMsg::Rollout {
                service: Box::new(svc),
                up_to_date: up,
            }),
        );
        press(&mut s, "2Gv");
        let out = render(&s, 80, 24);
        assert!(out.contains("1/3 slots done"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn map_80x24_and_50_nodes() {
        let mut s = sample_state();
        update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(':'),
                crossterm::event::KeyModifiers::NONE,
            )),
        );
        press(&mut s, "map\n");
        let out = render(&s, 80, 24);
        assert!(out.contains("node1") && out.contains("web.1"), "{out}");
        assert!(
            out.contains("(no node)"),
            "the pending task has its own column: {out}"
        );
        insta::assert_snapshot!(out);
        // 50 nodes: columns keep their width and scroll
        let mut c = s.cluster.clone();
        let template = c.nodes[1].clone();
        let mut nodes = c.nodes.clone();
        for i in 4..=50 {
            let mut n = template.clone();
            n.id = Some(format!("extra{i:02}xxxxxxxxxxxxxxxxxxx"));
            n.description.as_mut().unwrap().hostname = Some(format!("node{i}"));
            nodes.push(n);
        }
        c.set_nodes(nodes);
        s.cluster = c;
        let out = render(&s, 80, 24);
        assert!(out.contains("nodes 1-5 of 51"), "{out}");
        press_code(&mut s, crossterm::event::KeyCode::Right);
        let out = render(&s, 80, 24);
        assert!(out.contains("nodes 2-6 of 51"), "{out}");
    }

    fn press_code(s: &mut State, code: crossterm::event::KeyCode) {
        update(
            s,
            Msg::Key(crossterm::event::KeyEvent::new(
                code,
                crossterm::event::KeyModifiers::NONE,
            )),
        );
    }

    #[test]
    fn info_view_lists_the_swarm() {
        let mut s = sample_state();
        s.cluster.info = Some(
            serde_json::from_value(serde_json::json!({
                "Swarm": {"NodeID": "n1", "ControlAvailable": true, "Cluster": {"ID": "abc"}}
            }))
            .unwrap(),
        );
        press(&mut s, ":info\n");
        let out = render(&s, 80, 24);
        assert!(out.contains("swarm info"), "{out}");
        assert!(out.contains("Engine versions: MIXED"), "{out}");
    }

    #[test]
    fn join_dialog_shows_the_command() {
        let mut s = sample_state();
        update(
            &mut s,
            Msg::Join(Ok(swarmtop_app::join::JoinView {
                manager: false,
                command: "docker swarm join --token SWMTKN-1-abc 10.0.0.11:2377".into(),
            })),
        );
        let out = render(&s, 100, 24);
        assert!(
            out.contains("docker swarm join --token SWMTKN-1-abc 10.0.0.11:2377"),
            "{out}"
        );
        insta::assert_snapshot!(out);
        // c copies, any other key closes and the token is gone from the state
        let fx = update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('c'),
                crossterm::event::KeyModifiers::NONE,
            )),
        );
        assert!(matches!(fx.as_slice(), [swarmtop_app::Effect::Copy(t)] if t.contains("SWMTKN")));
        // copied, it closes (the next keys are not the dialog's) and says so
        assert_eq!(s.overlay_name(), None);
        let said = s
            .status
            .as_ref()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert!(said.starts_with("copied"), "{said}");
    }

    #[test]
    fn a_real_join_token_is_drawn_whole_on_its_own_line() {
        let token = format!("SWMTKN-1-{}-{}", "4".repeat(50), "d".repeat(25));
        let mut s = sample_state();
        update(
            &mut s,
            Msg::Join(Ok(swarmtop_app::join::JoinView {
                manager: true,
                command: format!("docker swarm join --token {token} 10.0.0.11:2377"),
            })),
        );
        let out = render(&s, 100, 24);
        assert!(
            out.lines().any(|l| l.contains(&token)),
            "the token is broken across lines:\n{out}"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn new_service_form_80x24() {
        let mut s = sample_state();
        press(&mut s, "2n");
        insta::assert_snapshot!(render(&s, 80, 24));
    }

    #[test]
    fn new_service_form_at_its_healthcheck_80x24() {
        let mut s = sample_state();
        press(&mut s, "2n");
        // BackTab from the first field: the last one, the list scrolled to it
        update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::BackTab,
                crossterm::event::KeyModifiers::SHIFT,
            )),
        );
        let out = render(&s, 80, 24);
        assert!(out.contains("▸ health start period"), "{out}");
        assert!(out.contains("── labels and healthcheck ──"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn a_refused_mount_says_why_in_full_at_80x24() {
        let mut s = sample_state();
        press(&mut s, "2n");
        let Some(Overlay::Form(form)) = &mut s.overlay else {
            panic!("no form");
        };
        for (label, value) in [
            ("name", "newsvc"),
            ("image", "busybox:1"),
            (
                "mounts",
                "type=volume,src=data,dst=/data; type=bind,dst=/srv/www/htdocs",
            ),
        ] {
            let i = form.fields.iter().position(|f| f.label == label).unwrap();
            form.fields[i].value = value.into();
        }
        update(
            &mut s,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('s'),
                crossterm::event::KeyModifiers::CONTROL,
            )),
        );
        let out = render(&s, 80, 24);
        // the field, what was typed, and the whole reason, wrapped inside the dialog
        assert!(out.contains("▸ mounts"), "{out}");
        assert!(out.contains("type=bind,dst=/srv/www/htdocs"), "{out}");
        assert!(out.contains("src=/path/on/the/node"), "{out}");
        assert!(out.contains("ctrl-s submit"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn every_field_of_the_service_form_is_seen_at_80x24() {
        let mut s = sample_state();
        press(&mut s, "2n");
        let Some(Overlay::Form(form)) = &s.overlay else {
            panic!("no form");
        };
        let labels: Vec<String> = form.fields.iter().map(|f| f.label.to_string()).collect();
        for (i, label) in labels.iter().enumerate() {
            // at 80x24, and on the smaller terminals operators use too
            for (w, h) in [(80, 24), (60, 20)] {
                let out = render(&s, w, h);
                // the focused field is on screen, and so are the keys
                assert!(
                    out.lines().any(|l| l.contains(&format!("▸ {label}"))),
                    "field {i} ({label}) not shown at {w}x{h}:\n{out}"
                );
                assert!(out.contains("ctrl-s submit"), "{out}");
            }
            press(&mut s, "\t");
        }
        assert!(labels.len() >= 25, "{labels:?}");
    }

    #[test]
    fn help_overlay_lists_node_keys() {
        let mut s = sample_state();
        s.overlay = Some(Overlay::Help(Default::default()));
        let out = render(&s, 80, 24);
        assert!(out.contains("drain the node"), "{out}");
        insta::assert_snapshot!(out);
    }
}
