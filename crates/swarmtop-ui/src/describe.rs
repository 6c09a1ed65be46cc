//! The describe view: YAML of one object, with search matches highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use swarmtop_app::describe::Describe;
use swarmtop_settings::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, d: &Describe, theme: &Theme) {
    let mut title = format!(" {} ", d.title);
    if !d.search.is_empty() {
        if d.matches.is_empty() {
            title.push_str(&format!("· /{} no match ", d.search));
        } else {
            title.push_str(&format!(
                "· /{} {}/{} ",
                d.search,
                d.current + 1,
                d.matches.len()
            ));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let needle = d.search.to_lowercase();
    let current_line = d.matches.get(d.current).copied();
    let lines: Vec<Line> = d
        .lines
        .iter()
        .enumerate()
        .skip(d.offset)
        .take(inner.height as usize)
        .map(|(i, l)| highlight(l, &needle, Some(i) == current_line, theme))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// Marks every occurrence of `needle` (case-insensitive) in a line.
fn highlight<'a>(line: &str, needle: &str, current: bool, theme: &Theme) -> Line<'a> {
    if needle.is_empty() {
        return Line::from(Span::styled(line.to_string(), theme.text));
    }
    let lower = line.to_lowercase();
    // lowercasing can change byte lengths outside ASCII: only highlight when it did not
    if lower.len() != line.len() {
        return Line::from(Span::styled(line.to_string(), theme.text));
    }
    let mark = if current {
        theme.selected.add_modifier(Modifier::BOLD)
    } else {
        theme.warn.add_modifier(Modifier::REVERSED)
    };
    let mut spans = Vec::new();
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(needle) {
        let start = pos + i;
        let end = start + needle.len();
        if start > pos {
            spans.push(Span::styled(line[pos..start].to_string(), theme.text));
        }
        spans.push(Span::styled(line[start..end].to_string(), mark));
        pos = end;
    }
    if pos < line.len() {
        spans.push(Span::styled(line[pos..].to_string(), theme.text));
    }
    Line::from(spans)
}
