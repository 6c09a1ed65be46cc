//! The help overlay, generated from the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::state::State;
use crate::keymap::Scope;
use crate::theme::Theme;

/// Help lines for the global scope and the current pane's scope.
pub fn lines<'a>(state: &State, theme: &Theme, scope: Scope) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    for s in [scope, Scope::Global] {
        let rows: Vec<_> = state
            .keymap
            .table()
            .into_iter()
            .filter(|(sc, _, _)| *sc == s)
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push(Line::from(Span::styled(s.name().to_string(), theme.title)));
        for (_, action, keys) in rows {
            let keys = keys
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<12}"), theme.key),
                Span::styled(action.describe().to_string(), theme.text),
            ]));
        }
        if s == scope && scope != Scope::Global {
            out.push(Line::default());
        }
        if scope == Scope::Global {
            break;
        }
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, scope: Scope) {
    let w = area.width.saturating_sub(4).min(72);
    let h = area.height.saturating_sub(2);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1,
        width: w,
        height: h,
    };
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" keys (any key closes) ", theme.title));
    f.render_widget(
        Paragraph::new(lines(state, theme, scope))
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
