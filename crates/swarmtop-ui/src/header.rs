//! The two header lines: where we are connected, the engine, live/stale; and the cluster's
//! health in one line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use swarmtop_app::state::{Conn, State};
use swarmtop_model::cluster::format::ago;
use swarmtop_model::feed::Failure;
use swarmtop_settings::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    // live/stale comes first so it survives truncation on narrow terminals
    let conn = match &state.conn {
        Conn::Connecting => Span::styled(" connecting… ", theme.header_stale),
        Conn::Live => Span::styled(" ● live ", theme.header_live),
        Conn::Lost { since, .. } => {
            let age = state
                .data_at
                .map(|d| (state.now - d).num_seconds())
                .unwrap_or_else(|| (state.now - *since).num_seconds());
            Span::styled(format!(" ○ STALE {age}s "), theme.header_stale)
        }
    };
    let mut top = vec![
        Span::styled(" swarmtop ", theme.header_live),
        conn,
        Span::styled(
            format!(" {} · {} ", state.context, state.endpoint),
            theme.header,
        ),
    ];
    if !state.engine_version.is_empty() {
        top.push(Span::styled(
            format!(
                "│ engine {} API {} ",
                state.engine_version, state.api_version
            ),
            theme.header,
        ));
    }
    if state.read_only.is_some() {
        top.push(Span::styled("│ read-only ", theme.header));
    }
    f.render_widget(
        Paragraph::new(Line::from(top)).style(theme.header),
        Rect { height: 1, ..area },
    );
    if area.height > 1 {
        f.render_widget(
            Paragraph::new(summary_line(state, theme, area.width)),
            Rect {
                y: area.y + 1,
                height: 1,
                ..area
            },
        );
    }
}

/// `nodes 3 (1 down, 1 drained) · services 12 (2 degraded) · managers 3/3, quorum 2`, in short
/// words (`svc`, `mgr 3/3 q2`) when that does not fit `width`, so the managers stay in sight at 80
/// columns.
pub fn summary_line<'a>(state: &State, theme: &Theme, width: u16) -> Line<'a> {
    let long = summary_words(state, theme, false);
    if long.width() <= width as usize {
        long
    } else {
        summary_words(state, theme, true)
    }
}

fn summary_words<'a>(state: &State, theme: &Theme, short: bool) -> Line<'a> {
    if state.data_at.is_none() {
        return Line::from(Span::styled(" loading the cluster…", theme.dim));
    }
    let s = state.cluster.summary();
    let mut spans = Vec::new();
    let (crit, warn) = state.problem_counts;
    if crit + warn > 0 {
        let key = state.keymap.key_label(
            swarmtop_settings::keymap::Scope::Global,
            swarmtop_settings::keymap::Action::PaneProblems,
        );
        let style = if crit > 0 { theme.error } else { theme.warn };
        let text = match (crit, warn) {
            (0, w) => format!("{w} warn"),
            (c, 0) => format!("{c} crit"),
            (c, w) => format!("{c} crit {w} warn"),
        };
        // <0> as k9s writes a key: "(0)" read as a count of something
        spans.push(Span::styled(format!(" ⚠ {text} "), style));
        spans.push(Span::styled(format!("<{key}>"), theme.key));
        spans.push(Span::styled(" ·", style));
    }
    spans.push(Span::styled(format!(" nodes {}", s.nodes), theme.text));
    let mut notes = Vec::new();
    if s.nodes_down > 0 {
        notes.push(Span::styled(format!("{} down", s.nodes_down), theme.error));
    }
    if s.nodes_drained > 0 {
        notes.push(Span::styled(
            format!("{} drained", s.nodes_drained),
            theme.warn,
        ));
    }
    if !notes.is_empty() {
        spans.push(Span::styled(" (", theme.text));
        for (i, n) in notes.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(", ", theme.text));
            }
            spans.push(n);
        }
        spans.push(Span::styled(")", theme.text));
    }
    spans.push(Span::styled(" · ", theme.dim));
    let (services, degraded) = if short {
        ("svc", "degr")
    } else {
        ("services", "degraded")
    };
    spans.push(Span::styled(
        format!("{services} {}", s.services),
        theme.text,
    ));
    if s.services_degraded > 0 {
        spans.push(Span::styled(
            format!(" ({} {degraded})", s.services_degraded),
            theme.error,
        ));
    }
    spans.push(Span::styled(" · ", theme.dim));
    let lost = s.manager_losses_survivable();
    let mgr_style = if lost < 0 {
        theme.error
    } else if lost == 0 && s.managers > 1 {
        theme.warn
    } else {
        theme.text
    };
    // with one manager the quorum is trivially 1: say it only when it tells something
    let (r, n, q) = (s.managers_reachable, s.managers, s.quorum());
    // the engine said so: the counts read before are no longer the truth
    if let Conn::Lost {
        failure: Failure::NoLeader,
        ..
    } = state.conn
    {
        let text = if short {
            format!("mgr ?/{n} NO LEADER")
        } else {
            format!("managers ?/{n}: NO LEADER (quorum lost?)")
        };
        spans.push(Span::styled(text, theme.error));
        return Line::from(spans);
    }
    let managers = match (s.managers > 1, short) {
        (true, false) => format!("managers {r}/{n}, quorum {q}"),
        (true, true) => format!("mgr {r}/{n} q{q}"),
        (false, false) => format!("managers {r}/{n}"),
        (false, true) => format!("mgr {r}/{n}"),
    };
    spans.push(Span::styled(managers, mgr_style));
    if let Some(secs) = state.data_age_worth_saying() {
        spans.push(Span::styled(format!(" · data {}", ago(secs)), theme.dim));
    }
    Line::from(spans)
}
