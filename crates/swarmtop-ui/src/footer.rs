//! The footer (key hints for the current pane, from the keymap) and the status/prompt line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use swarmtop_app::describe::Shows;
use swarmtop_app::state::{Conn, Overlay, Screen, State};
use swarmtop_model::feed::Failure;
use swarmtop_settings::keymap::{Action, Scope};
use swarmtop_settings::theme::Theme;

/// The actions a pane's footer advertises, most useful first.
pub fn hints(scope: Scope) -> &'static [Action] {
    match scope {
        Scope::Nodes => &[
            Action::Open,
            Action::Describe,
            Action::Drain,
            Action::Activate,
            Action::Filter,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
        // esc is known to all; what a service went through is not, so the history takes its
        // place at 80 columns
        Scope::Services => &[
            Action::Open,
            Action::Describe,
            Action::Scale,
            Action::Logs,
            Action::History,
            Action::Filter,
            Action::Help,
            Action::Quit,
        ],
        Scope::Logs => &[
            Action::Follow,
            Action::Timestamps,
            Action::Wrap,
            Action::Search,
            Action::NextMatch,
            Action::Since5m,
            Action::SaveLogs,
            Action::Back,
        ],
        Scope::Tasks => &[
            Action::Open,
            Action::Describe,
            Action::Shell,
            Action::Filter,
            Action::SortNext,
            Action::Back,
            Action::Help,
            Action::Quit,
        ],
        Scope::Problems | Scope::Stacks => &[
            Action::Open,
            Action::Describe,
            Action::Filter,
            Action::SortNext,
            Action::Back,
            Action::Help,
            Action::Quit,
        ],
        _ => &[
            Action::Open,
            Action::Describe,
            Action::Filter,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
    }
}

const DESCRIBE_HINTS: &[(Scope, Action)] = &[
    (Scope::Global, Action::Down),
    (Scope::Global, Action::PageDown),
    (Scope::Logs, Action::Search),
    (Scope::Logs, Action::NextMatch),
    (Scope::Logs, Action::PrevMatch),
    (Scope::Global, Action::Back),
];

/// Managers other than the one we were connected to, as `name addr`.
pub fn other_managers(state: &State) -> Vec<String> {
    use swarmtop_model::cluster::{node_hostname, node_id};
    let me = state
        .cluster
        .info
        .as_ref()
        .and_then(|i| i.swarm.as_ref())
        .and_then(|s| s.node_id.clone())
        .unwrap_or_default();
    state
        .cluster
        .nodes
        .iter()
        .filter(|n| node_id(n) != me)
        .filter_map(|n| {
            let addr = n.manager_status.as_ref()?.addr.clone()?;
            let host = addr
                .rsplit_once(':')
                .map(|(h, _)| h.to_string())
                .unwrap_or(addr);
            Some(format!("{} {host}", node_hostname(n)))
        })
        .collect()
}

pub fn draw_hints(f: &mut Frame, area: Rect, state: &State, theme: &Theme, scope: Scope) {
    // while the connection is lost, this line says why and when the next try is
    if let Conn::Lost {
        error,
        retry_at,
        failure,
        ..
    } = &state.conn
    {
        let retry = (*retry_at - state.now).num_seconds().max(0);
        let refresh = state.keymap.key_label(Scope::Global, Action::Refresh);
        // the engine answering with errors is not a lost connection: say which it is
        let what = match failure {
            Failure::Connection => "connection lost",
            Failure::Answered | Failure::NoLeader => "the engine answers with an error",
        };
        let mut text = format!(" {what}: {error} · retry in {retry}s ({refresh}: now)");
        // the swarm told us where its other managers are: offer them
        let others = other_managers(state);
        if !others.is_empty() {
            text.push_str(&format!(
                " · other managers: {} (:host URL)",
                others.join(", ")
            ));
        }
        f.render_widget(Paragraph::new(Span::styled(text, theme.status_error)), area);
        return;
    }
    let mut spans = Vec::new();
    if let Some(Overlay::Describe(d)) = &state.overlay {
        // a service's describe and its history lead to each other
        let other = match d.shows {
            Shows::Service(_) => Some((Scope::Services, Action::History)),
            Shows::History { .. } => Some((Scope::Global, Action::Describe)),
            Shows::Other => None,
            // a custom command's output: it can be stopped while it runs
            Shows::Output { running: true, .. } => Some((Scope::Global, Action::StopCommand)),
            Shows::Output { .. } => None,
        };
        for (sc, a) in DESCRIBE_HINTS.iter().chain(other.iter()) {
            let keys = state.keymap.key_label(*sc, *a);
            if keys.is_empty() {
                continue;
            }
            spans.push(Span::styled(format!(" {keys}"), theme.key));
            spans.push(Span::styled(format!(" {}", a.short_name()), theme.dim));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    for a in hints(scope) {
        let keys = state.keymap.key_label(scope, *a);
        // a read-only session does not offer what it would refuse
        if keys.is_empty() || (state.read_only.is_some() && a.changes_cluster()) {
            continue;
        }
        spans.push(Span::styled(format!(" {keys}"), theme.key));
        spans.push(Span::styled(format!(" {}", a.short_name()), theme.dim));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_status(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let line = match (&state.overlay, &state.screen) {
        (Some(Overlay::Command(buf)), _) => {
            let mut spans = vec![
                Span::styled(":", theme.prompt),
                Span::styled(format!("{buf}█"), theme.text),
            ];
            match state.status.as_ref().filter(|s| s.error) {
                Some(s) => spans.push(Span::styled(format!("  {}", s.text), theme.error)),
                // the commands a started name can still be (Tab completes what they share)
                None => {
                    let fits = swarmtop_app::command::complete(buf).choices;
                    if !buf.trim().is_empty() && fits.len() > 1 {
                        spans.push(Span::styled(format!("  {}", fits.join(" ")), theme.dim));
                    }
                }
            }
            Line::from(spans)
        }
        (Some(Overlay::Prompt(p)), _) => {
            // a pre-filled value shows as selected: typing replaces it
            let text_style = if p.prefilled && !p.text.is_empty() {
                theme.selected
            } else {
                theme.text
            };
            let mut spans = vec![
                Span::styled(format!("{} ", p.label), theme.prompt),
                Span::styled(p.text.clone(), text_style),
                Span::styled("█", theme.text),
            ];
            match &p.error {
                Some(e) => spans.push(Span::styled(format!("  {e}"), theme.error)),
                None => spans.push(Span::styled("  enter · esc cancels", theme.dim)),
            }
            Line::from(spans)
        }
        (Some(Overlay::Filter), _) => Line::from(vec![
            Span::styled("/", theme.prompt),
            Span::styled(format!("{}█", state.current().filter), theme.text),
            Span::styled("  enter keeps · esc clears", theme.dim),
        ]),
        (None, Screen::Logs(v)) if v.typing.is_some() => {
            let typed = v.typing.clone().unwrap_or_default();
            let mut spans = vec![
                Span::styled("/", theme.prompt),
                Span::styled(format!("{typed}█"), theme.text),
                Span::styled("  regex · enter searches · esc cancels", theme.dim),
            ];
            if let Some(s) = state.status.as_ref().filter(|s| s.error) {
                spans.push(Span::styled(format!("  {}", s.text), theme.error));
            }
            Line::from(spans)
        }
        (None, Screen::Logs(v)) if v.save.is_some() => match v.save.clone() {
            Some(swarmtop_app::logs::SavePrompt::Path(p)) => {
                let mut spans = vec![
                    Span::styled("save loaded lines to: ", theme.prompt),
                    Span::styled(format!("{p}█"), theme.text),
                ];
                if let Some(s) = state.status.as_ref().filter(|s| s.error) {
                    spans.push(Span::styled(format!("  {}", s.text), theme.error));
                }
                Line::from(spans)
            }
            Some(swarmtop_app::logs::SavePrompt::ConfirmOverwrite(p)) => Line::from(Span::styled(
                format!(" {p} exists: overwrite it? y = yes, any other key = choose another name"),
                theme.status_error,
            )),
            None => Line::default(),
        },
        _ => match &state.status {
            Some(s) if s.error => {
                Line::from(Span::styled(format!(" {}", s.text), theme.status_error))
            }
            Some(s) => Line::from(Span::styled(format!(" {}", s.text), theme.status)),
            None => Line::default(),
        },
    };
    f.render_widget(Paragraph::new(line), area);
}
