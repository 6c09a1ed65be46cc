//! A form over the screen: one line per field (label, value, why it was refused), and for new
//! secrets and configs a text box for the content, masked for secrets until revealed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use swarmtop_app::form::{FieldKind, Form};
use swarmtop_settings::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let content_rows: u16 = if form.content.is_some() { 8 } else { 0 };
    let rows = form.fields.len() as u16 * 2 + content_rows + 4;
    let w = area.width.saturating_sub(4).min(90);
    let h = rows.min(area.height.saturating_sub(2)).max(6);
    let r = Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(form.title(), theme.title));
    let inner = block.inner(r);
    f.render_widget(block, r);
    // the fields get what the content box and the key line leave; when two lines a field do
    // not fit (the service form has 13 fields, an 80x24 terminal room for 9), each field takes
    // one line, its note shown only when focused or refused, and the list scrolls to the
    // focused field: Tab never moves into a field nobody sees
    let room = inner.height.saturating_sub(content_rows + 2);
    let spacious = form.fields.len() as u16 * 2 <= room;
    let [fields_area, content_area, foot] = Layout::vertical([
        Constraint::Length(room.min(form.fields.len() as u16 * 2)),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(inner);

    let label_w = form.fields.iter().map(|f| f.label.len()).max().unwrap_or(0) + 1;
    let mut lines = Vec::new();
    let mut focus_line = 0;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▸ " } else { "  " };
        let value = match field.kind {
            FieldKind::Choice(_) => format!("◂ {} ▸", field.value),
            FieldKind::Text if focused => format!("{}█", field.value),
            FieldKind::Text => field.value.clone(),
        };
        if focused {
            focus_line = lines.len();
        }
        lines.push(Line::from(vec![
            Span::styled(marker, theme.key),
            Span::styled(format!("{:<label_w$}", field.label), theme.column_header),
            Span::styled(value, if focused { theme.selected } else { theme.text }),
        ]));
        let note = match &field.error {
            Some(e) => Some(Span::styled(format!("    {e}"), theme.error)),
            None if focused => Some(Span::styled(format!("    {}", field.hint), theme.dim)),
            None => None,
        };
        match note {
            Some(n) => lines.push(Line::from(n)),
            None if spacious => lines.push(Line::default()),
            None => {}
        }
    }
    let height = fields_area.height as usize;
    // the focused field and its note in view
    let offset = (focus_line + 2)
        .saturating_sub(height)
        .min(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(shown), fields_area);

    if let Some(ta) = &form.content {
        let focused = form.focus == form.fields.len();
        let title = if form.is_secret() {
            if form.revealed {
                " content (shown; ctrl-r hides) "
            } else {
                " content (hidden; ctrl-r shows) "
            }
        } else {
            " content "
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { theme.key } else { theme.border })
            .title(Span::styled(title, theme.dim));
        let inner = block.inner(content_area);
        f.render_widget(block, content_area);
        f.render_widget(ta, inner);
    }

    let mut foot_lines = Vec::new();
    if let Some(e) = &form.error {
        foot_lines.push(Line::from(Span::styled(e.clone(), theme.error)));
    } else {
        foot_lines.push(Line::default());
    }
    foot_lines.push(Line::from(vec![
        Span::styled("tab", theme.key),
        Span::styled(" next  ", theme.dim),
        Span::styled("ctrl-s", theme.key),
        Span::styled(" submit  ", theme.dim),
        Span::styled("esc", theme.key),
        Span::styled(" cancel", theme.dim),
    ]));
    f.render_widget(Paragraph::new(foot_lines), foot);
}
