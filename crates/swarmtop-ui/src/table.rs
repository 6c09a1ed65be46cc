//! The list table shared by all panes: draws only the rows in view, sizes columns to what is
//! visible, and drops low-priority columns first when the terminal is narrow.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell as TCell, Row as TRow, Table};

use swarmtop_app::rows::{Column, Tone, Value};
use swarmtop_app::state::ListState;
use swarmtop_model::cluster::format::age_since;
use swarmtop_settings::theme::Theme;

pub fn tone_style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Normal => theme.text,
        Tone::Dim => theme.dim,
        Tone::Ok => theme.ok,
        Tone::Warn => theme.warn,
        Tone::Bad => theme.error,
    }
}

fn cell_text(v: &Value, now: DateTime<Utc>) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Age(t) => match t {
            Some(t) => age_since(*t, now),
            None => "-".into(),
        },
    }
}

/// Picks the columns that fit `width` and their widths. Returns (column index, width) pairs.
/// Columns less important than the growing one (error text, problem text, image) are dropped
/// before it is narrowed; it then takes whatever width is left, up to what its content needs.
pub fn fit_columns(columns: &[Column], natural: &[u16], width: u16) -> Vec<(usize, u16)> {
    let mut out: Vec<(usize, u16)> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (i, natural[i].clamp(c.min, c.max).min(width)))
        .collect();
    let grow = columns.iter().position(|c| c.grow);
    let used = |out: &[(usize, u16)]| -> u16 {
        out.iter().map(|c| c.1).sum::<u16>() + out.len().saturating_sub(1) as u16
    };
    while used(&out) > width && out.len() > 1 {
        let over = used(&out) - width;
        // the least important column other than the growing one (rightmost on ties)
        let candidate = out
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| Some(*i) != grow)
            .max_by_key(|(p, (i, _))| (columns[*i].priority, *p))
            .map(|(p, (i, _))| (p, *i));
        let grow_pos = grow.and_then(|g| out.iter().position(|(i, _)| *i == g));
        match (candidate, grow_pos) {
            (Some((p, i)), Some(_))
                if columns[i].priority > grow.map(|g| columns[g].priority).unwrap_or(0) =>
            {
                out.remove(p);
            }
            (_, Some(gp)) if out[gp].1 > columns[out[gp].0].min => {
                let min = columns[out[gp].0].min;
                out[gp].1 = out[gp].1.saturating_sub(over).max(min);
            }
            (Some((p, _)), _) => {
                out.remove(p);
            }
            (None, Some(gp)) => {
                out[gp].1 = out[gp].1.saturating_sub(over).max(1);
                break;
            }
            (None, None) => break,
        }
    }
    let used_now = used(&out);
    if used_now > width
        && let Some(last) = out.last_mut()
    {
        last.1 = last.1.saturating_sub(used_now - width).max(1);
    }
    // a column dropped after the growing one was narrowed leaves room: it takes it back
    let used_now = used(&out);
    if let Some(g) = grow
        && let Some(gp) = out.iter().position(|(i, _)| *i == g)
        && used_now < width
    {
        let want = natural[g].clamp(columns[g].min, columns[g].max);
        out[gp].1 = want.min(out[gp].1 + (width - used_now)).max(out[gp].1);
    }
    out
}

pub struct TableView<'a> {
    pub title: String,
    pub columns: &'a [Column],
    pub list: &'a ListState,
    pub now: DateTime<Utc>,
    pub empty_text: &'a str,
    pub sort_col: Option<usize>,
    pub reverse: bool,
}

pub fn draw_table(f: &mut Frame, area: Rect, theme: &Theme, v: &TableView) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(v.title.clone(), theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let body = inner.height.saturating_sub(1) as usize;
    let mut start = v.list.offset.min(v.list.rows.len());
    // a strip under the list (details, sparklines) can make it shorter than a page: the
    // cursor's row stays in view
    if body > 0 && v.list.selected >= start + body {
        start = v.list.selected + 1 - body;
    }
    // only the rows in view are looked at: drawing does not grow with the list
    let visible: Vec<swarmtop_app::rows::Row> = v.list.rows.window(start, body).collect();

    if visible.is_empty() {
        let msg = Line::from(Span::styled(v.empty_text.to_string(), theme.dim));
        f.render_widget(
            msg,
            Rect {
                y: inner.y + 1,
                height: 1,
                ..inner
            },
        );
    }

    let texts: Vec<Vec<String>> = visible
        .iter()
        .map(|r| r.cells.iter().map(|c| cell_text(&c.value, v.now)).collect())
        .collect();
    let natural: Vec<u16> = v
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let w = texts
                .iter()
                .map(|r| r.get(i).map(|s| s.chars().count()).unwrap_or(0))
                .max()
                .unwrap_or(0)
                .max(c.title.len() + 1);
            w.min(u16::MAX as usize) as u16
        })
        .collect();
    // columns of blanks that may stay blank (figures no node gave) take no width
    let kept: Vec<usize> = (0..v.columns.len())
        .filter(|&i| {
            !v.columns[i].hide_empty
                || texts
                    .iter()
                    .any(|r| r.get(i).is_some_and(|t| !t.is_empty()))
        })
        .collect();
    let kept_columns: Vec<Column> = kept.iter().map(|&i| v.columns[i]).collect();
    let kept_natural: Vec<u16> = kept.iter().map(|&i| natural[i]).collect();
    let fitted: Vec<(usize, u16)> = fit_columns(&kept_columns, &kept_natural, inner.width)
        .into_iter()
        .map(|(k, w)| (kept[k], w))
        .collect();

    let header = TRow::new(fitted.iter().map(|(i, _)| {
        let mut t = v.columns[*i].title.to_string();
        if Some(*i) == v.sort_col {
            t.push(if v.reverse { '↑' } else { '↓' });
        }
        TCell::from(t)
    }))
    .style(theme.column_header);

    let rows = visible
        .iter()
        .zip(texts.iter())
        .enumerate()
        .map(|(n, (row, text))| {
            let selected = start + n == v.list.selected;
            let cells = fitted.iter().map(|(i, _)| {
                let t = text.get(*i).cloned().unwrap_or_default();
                let tone = row.cells.get(*i).map(|c| c.tone).unwrap_or(Tone::Normal);
                TCell::from(t).style(tone_style(theme, tone))
            });
            let r = TRow::new(cells);
            if selected { r.style(theme.selected) } else { r }
        });
    let widths: Vec<Constraint> = fitted.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    f.render_widget(table, inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_app::rows::col;

    #[test]
    fn narrow_terminals_drop_low_priority_columns() {
        let cols = [
            col("NAME", 4, 30, 1),
            col("STATE", 5, 10, 2),
            col("ID", 12, 25, 9),
        ];
        let fit = fit_columns(&cols, &[10, 7, 25], 30);
        let kept: Vec<usize> = fit.iter().map(|c| c.0).collect();
        assert_eq!(kept, vec![0, 1]);
        let total: u16 = fit.iter().map(|c| c.1).sum::<u16>() + 1;
        assert!(total <= 30);
    }

    /// Narrowed first, then a column of its rank dropped: the growing column takes the room
    /// that leaves (a blank strip stayed at the right of the tasks pane).
    #[test]
    fn a_growing_column_takes_back_what_a_dropped_one_leaves() {
        let cols = [
            col("NAME", 10, 10, 1),
            swarmtop_app::rows::grow("ERROR", 5, 120, 2),
            col("EXIT", 4, 4, 2),
            col("AGE", 8, 8, 2),
        ];
        let fit = fit_columns(&cols, &[10, 60, 4, 8], 26);
        assert_eq!(fit, vec![(0, 10), (1, 10), (2, 4)]);
    }

    #[test]
    fn a_growing_column_is_kept_and_takes_the_spare_width() {
        let cols = [
            col("SEV", 4, 4, 1),
            col("OBJECT", 8, 30, 2),
            swarmtop_app::rows::grow("PROBLEM", 20, 400, 1),
        ];
        // OBJECT matters less than the problem text: it goes before the text is cut
        let fit = fit_columns(&cols, &[4, 20, 150], 80);
        assert_eq!(fit, vec![(0, 4), (2, 75)]);
        // with room, all three, and the text gets what is left
        let fit = fit_columns(&cols, &[4, 20, 60], 120);
        assert_eq!(fit, vec![(0, 4), (1, 20), (2, 60)]);
    }

    #[test]
    fn wide_terminals_keep_all() {
        let cols = [col("NAME", 4, 30, 1), col("ID", 12, 25, 9)];
        assert_eq!(fit_columns(&cols, &[10, 25], 200).len(), 2);
    }
}
