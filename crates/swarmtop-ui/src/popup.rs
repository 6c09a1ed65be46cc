//! A box over the screen: centred, what is under it cleared, framed with its title, its text
//! wrapped. The dialogs, the join command and the editor's questions all draw through it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// A `w` x `h` box in the middle of `area` (cut to fit).
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w.min(area.width),
        height: h.min(area.height),
    }
}

/// Draws `lines` in a cleared, bordered box at `r`, scrolled down `scroll` rows.
pub fn framed(
    f: &mut Frame,
    r: Rect,
    title: Span<'static>,
    border: Style,
    lines: Vec<Line<'_>>,
    scroll: u16,
) {
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(border)
                    .title(title),
            )
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        r,
    );
}
