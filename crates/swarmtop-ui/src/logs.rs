//! The logs view: the visible part of the ring only, each line prefixed with its task@node in a
//! stable colour, stderr marked, colour codes rendered, search matches highlighted.

use ansi_to_tui::IntoText;
use chrono::{TimeZone, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use swarmtop_app::logs::{Line as LogLine, LogView, plain};
use swarmtop_model::feed::StreamKind;
use swarmtop_settings::theme::Theme;

/// Most telling first, as narrow terminals cut the end.
fn title(v: &LogView) -> String {
    let what = match &v.target {
        swarmtop_model::feed::LogTarget::Service { name, .. } => format!("service {name}"),
        swarmtop_model::feed::LogTarget::Task { name, .. } => format!("task {name}"),
        swarmtop_model::feed::LogTarget::Container { name, .. } => format!("task {name}"),
    };
    let mut t = format!(" logs of {what} ");
    if !v.search_text.is_empty() {
        t.push_str(&format!("· /{}/ ", v.search_text));
    }
    if !v.follow {
        t.push_str(&format!("· follow PAUSED ({} resumes) ", v.follow_key));
    }
    t.push_str(&format!("· {} lines ", v.lines.len()));
    if v.dropped > 0 {
        t.push_str(&format!("({} older dropped) ", v.dropped));
    }
    t.push_str(&format!("· {} · {} ", v.since.label(), v.status));
    t
}

/// Rows a line takes when wrapped to `width`.
fn rows_of(text_width: usize, width: usize) -> usize {
    text_width.div_ceil(width.max(1)).max(1)
}

fn prefix_width(v: &LogView) -> usize {
    let label = v
        .sources
        .iter()
        .map(|s| s.label.width())
        .max()
        .unwrap_or(0)
        .min(28);
    label + 2 + if v.timestamps { 13 } else { 0 }
}

fn render_line<'a>(v: &LogView, abs: u64, l: &LogLine, theme: &Theme, label_w: usize) -> Line<'a> {
    if l.is_marker() {
        return Line::from(Span::styled(
            l.text.clone(),
            theme.dim.add_modifier(Modifier::ITALIC),
        ));
    }
    let mut spans = Vec::new();
    if v.timestamps {
        let ts = Utc
            .timestamp_nanos(l.ts)
            .format("%H:%M:%S%.3f ")
            .to_string();
        spans.push(Span::styled(ts, theme.dim));
    }
    // each task in its theme colour; a theme without colours (mono) leaves them plain
    let (label, style) = match v.source(l) {
        Some(s) => {
            let style = match theme.palette.len() {
                0 => theme.text,
                n => Style::default().fg(theme.palette[s.colour as usize % n]),
            };
            (s.label.clone(), style)
        }
        None => (String::new(), theme.dim),
    };
    let label: String = label.chars().take(label_w).collect();
    spans.push(Span::styled(format!("{label:<label_w$}"), style));
    spans.push(match l.stream {
        StreamKind::Stdout => Span::styled(" │", theme.dim),
        StreamKind::Stderr => Span::styled(" ┃", theme.error),
    });
    spans.push(Span::raw(" "));
    let is_match = v.matches(l);
    if is_match {
        // highlight the matches on the plain text (colour codes dropped for this line)
        let text = plain(&l.text);
        let current = v.current_match == Some(abs);
        let mark = if current {
            theme.selected.add_modifier(Modifier::BOLD)
        } else {
            theme.warn.add_modifier(Modifier::REVERSED)
        };
        let mut pos = 0;
        if let Some(re) = &v.search {
            for m in re.find_iter(&text) {
                if m.start() > pos {
                    spans.push(Span::raw(text[pos..m.start()].to_string()));
                }
                spans.push(Span::styled(text[m.start()..m.end()].to_string(), mark));
                pos = m.end();
            }
        }
        if pos < text.len() {
            spans.push(Span::raw(text[pos..].to_string()));
        }
    } else if l.text.contains('\x1b') && !theme.log_colours {
        spans.push(Span::raw(plain(&l.text)));
    } else if l.text.contains('\x1b') {
        match l.text.as_bytes().into_text() {
            Ok(t) => {
                for line in t.lines {
                    spans.extend(line.spans);
                }
            }
            Err(_) => spans.push(Span::raw(plain(&l.text))),
        }
    } else {
        spans.push(Span::raw(l.text.clone()));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, area: Rect, v: &LogView, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(title(v), theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(why) = &v.failed {
        f.render_widget(
            Paragraph::new(Span::styled(why.clone(), theme.warn)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    if v.lines.is_empty() {
        f.render_widget(Span::styled("no log lines yet", theme.dim), inner);
        return;
    }
    let h = inner.height as usize;
    let w = inner.width as usize;
    let pw = prefix_width(v);
    let label_w = pw - 2 - if v.timestamps { 13 } else { 0 };
    let height_of = |l: &LogLine| {
        if v.wrap {
            rows_of(pw + plain(&l.text).width(), w)
        } else {
            1
        }
    };
    // which lines: from the bottom when following, else from `top`
    let mut chosen: Vec<u64> = Vec::new();
    if v.follow {
        let mut used = 0;
        let mut abs = v.end();
        while abs > v.base && used < h {
            abs -= 1;
            if let Some(l) = v.get(abs) {
                used += height_of(l);
            }
            chosen.push(abs);
        }
        chosen.reverse();
    } else {
        let mut used = 0;
        let mut abs = v.top.max(v.base);
        while abs < v.end() && used < h {
            if let Some(l) = v.get(abs) {
                used += height_of(l);
            }
            chosen.push(abs);
            abs += 1;
        }
    }
    let lines: Vec<Line> = chosen
        .iter()
        .filter_map(|abs| v.get(*abs).map(|l| render_line(v, *abs, l, theme, label_w)))
        .collect();
    let mut p = Paragraph::new(lines);
    if v.wrap {
        p = p.wrap(Wrap { trim: false });
    }
    f.render_widget(p, inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use swarmtop_model::feed::{LogLine as Raw, LogTarget};

    fn sample() -> LogView {
        let mut v = LogView::new(
            LogTarget::Service {
                id: "s".into(),
                name: "web".into(),
            },
            1000,
        );
        let raw: Vec<Raw> = (0..30)
            .map(|i| Raw {
                ts: 1_700_000_000_000_000_000 + i * 1_000_000,
                task_id: format!("t{}", i % 3),
                node_id: "n".into(),
                stream: if i % 5 == 0 {
                    StreamKind::Stderr
                } else {
                    StreamKind::Stdout
                },
                text: if i == 7 {
                    "\x1b[31mred alert\x1b[0m line 7".into()
                } else {
                    format!("line {i}")
                },
            })
            .collect();
        v.ingest(raw, |t, _| format!("web.{}@node1", &t[1..]));
        v.status = "streaming".into();
        v
    }

    fn render(v: &LogView, w: u16, h: u16) -> String {
        let theme = Theme::default_theme();
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| draw(f, f.area(), v, &theme)).unwrap();
        crate::tests::screen_text(t.backend().buffer())
    }

    #[test]
    fn following_shows_the_newest_lines_with_their_task() {
        let out = render(&sample(), 80, 8);
        assert!(out.contains("line 29"), "{out}");
        assert!(out.contains("web.2@node1"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn colour_codes_are_rendered_not_printed() {
        let mut v = sample();
        v.follow = false;
        v.top = v.base + 5;
        let out = render(&v, 80, 8);
        assert!(out.contains("red alert line 7"), "{out}");
        assert!(!out.contains("[31m"), "{out}");
    }

    #[test]
    fn search_and_timestamps() {
        let mut v = sample();
        v.timestamps = true;
        v.set_search("line 1[0-9]", 6).unwrap();
        let out = render(&v, 90, 8);
        assert!(out.contains("/line 1[0-9]/"), "{out}");
        assert!(out.contains("22:13:20.010"), "{out}");
        insta::assert_snapshot!(out);
    }
}
