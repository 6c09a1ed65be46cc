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
    let headings = form.fields.iter().filter(|f| f.section.is_some()).count() as u16;
    let field_rows = form.fields.len() as u16 * 2 + headings;
    let rows = field_rows + content_rows + 4;
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
    // not fit (the service form has 25 fields in groups, an 80x24 terminal room for 9), each
    // field takes one line, its note shown only when focused or refused, and the list scrolls
    // to the focused field: Tab never moves into a field nobody sees
    let room = inner.height.saturating_sub(content_rows + 2);
    let spacious = field_rows <= room;
    let [fields_area, content_area, foot] = Layout::vertical([
        Constraint::Length(room.min(field_rows)),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(inner);

    let label_w = form.fields.iter().map(|f| f.label.len()).max().unwrap_or(0) + 1;
    let mut lines = Vec::new();
    let mut focus_line = 0;
    let mut focus_end = 0;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▸ " } else { "  " };
        // a value wider than the dialog shows its end while typed (where the cursor is), its
        // start otherwise, and says it goes on
        let room = (fields_area.width as usize).saturating_sub(2 + label_w);
        let chars = field.value.chars().count();
        let value = match field.kind {
            FieldKind::Choice(_) => format!("◂ {} ▸", field.value),
            FieldKind::Text if focused && chars + 1 > room && room > 2 => {
                let tail: String = field.value.chars().skip(chars + 2 - room).collect();
                format!("…{tail}█")
            }
            FieldKind::Text if focused => format!("{}█", field.value),
            FieldKind::Text if chars > room && room > 1 => {
                let head: String = field.value.chars().take(room - 1).collect();
                format!("{head}…")
            }
            FieldKind::Text => field.value.clone(),
        };
        if let Some(section) = field.section {
            lines.push(Line::from(Span::styled(
                format!("── {section} ──"),
                theme.title,
            )));
        }
        if focused {
            focus_line = lines.len();
        }
        lines.push(Line::from(vec![
            Span::styled(marker, theme.key),
            Span::styled(format!("{:<label_w$}", field.label), theme.column_header),
            Span::styled(value, if focused { theme.selected } else { theme.text }),
        ]));
        match &field.error {
            // why a field was refused is read whole: wrapped, never cut at the border
            Some(e) => {
                let width = (fields_area.width as usize).saturating_sub(4).max(20);
                for part in wrap(e, width) {
                    lines.push(Line::from(Span::styled(format!("    {part}"), theme.error)));
                }
            }
            None if focused => lines.push(Line::from(Span::styled(
                format!("    {}", field.hint),
                theme.dim,
            ))),
            None if spacious => lines.push(Line::default()),
            None => {}
        }
        if focused {
            focus_end = lines.len();
        }
    }
    let height = fields_area.height as usize;
    // the focused field and its note in view
    let offset = focus_end
        .saturating_sub(height)
        .min(focus_line)
        .min(lines.len().saturating_sub(height));
    // where the focus is, when not every field is in view
    let position = (lines.len() > height).then(|| {
        let more = match (offset > 0, offset + height < lines.len()) {
            (true, true) => " ↑↓",
            (true, false) => " ↑",
            (false, true) => " ↓",
            (false, false) => "",
        };
        format!("   field {} of {}{more}", form.focus + 1, form.fields.len())
    });
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
        Span::styled(position.unwrap_or_default(), theme.dim),
    ]));
    f.render_widget(Paragraph::new(foot_lines), foot);
}

/// `text` in lines of at most `width` characters, broken between words where it can be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let have = line.chars().count();
            let need = word.chars().count() + usize::from(have > 0);
            if have + need <= width {
                if have > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if have > 0 {
                out.push(std::mem::take(&mut line));
                continue;
            }
            // one word longer than a line: cut it
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            out.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn notes_wrap_between_words_and_cut_only_a_word_longer_than_a_line() {
        assert_eq!(
            super::wrap("a bind mount needs a source", 12),
            vec!["a bind mount", "needs a", "source"]
        );
        assert_eq!(
            super::wrap("abcdefghij xy", 4),
            vec!["abcd", "efgh", "ij", "xy"]
        );
        assert_eq!(super::wrap("", 4), vec![""]);
    }
}
