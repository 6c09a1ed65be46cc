//! A yes/no question over the screen, with what it will do in words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::popup::{centred, framed};

use swarmtop_app::prompt::{Confirm, DialogFit, wrap};
use swarmtop_settings::keymap::{Action, Keymap, Scope};
use swarmtop_settings::theme::Theme;

/// A yes/no dialog; a text taller than the screen allows scrolls (`scroll`: its first row
/// shown) and says where it is, the keys always in sight.
pub fn draw(f: &mut Frame, area: Rect, c: &Confirm, scroll: usize, keymap: &Keymap, theme: &Theme) {
    let fit = DialogFit::of(&c.lines, area.width, area.height);
    let r = centred(area, fit.w, fit.h);
    let border = if c.danger { theme.error } else { theme.border };
    let keys = Line::from(vec![
        Span::styled("y", theme.key),
        Span::styled(" yes   ", theme.dim),
        Span::styled("n", theme.key),
        Span::styled("/", theme.dim),
        Span::styled("esc", theme.key),
        Span::styled(" no", theme.dim),
    ]);
    let title = Span::styled(c.title.clone(), theme.title);
    if !fit.scrolls() {
        let mut lines: Vec<Line> = c
            .lines
            .iter()
            .map(|l| Line::from(Span::styled(l.clone(), theme.text)))
            .collect();
        lines.push(Line::default());
        lines.push(keys);
        framed(f, r, title, border, lines, 0);
        return;
    }
    // the keys are always seen: a text taller than the screen scrolls, and says how much more
    // there is (a long deploy plan once hid "y deploy"); wrapped here, so the rows scrolled are
    // the rows drawn
    let rows: Vec<String> = c.lines.iter().flat_map(|l| wrap(l, fit.text_w)).collect();
    let at = scroll.min(fit.max_scroll());
    let shown = rows.iter().skip(at).take(fit.window());
    let mut lines: Vec<Line> = shown
        .map(|l| Line::from(Span::styled(l.clone(), theme.text)))
        .collect();
    let last = (at + fit.window()).min(rows.len());
    let more = rows.len() - last;
    let (down, up) = (
        keymap.key_label(Scope::Global, Action::Down),
        keymap.key_label(Scope::Global, Action::Up),
    );
    lines.push(Line::from(Span::styled(
        if more > 0 {
            format!("… {more} more lines: {down} {up} to scroll")
        } else {
            format!("(the end) {up} to scroll back")
        },
        theme.dim,
    )));
    lines.push(Line::default());
    lines.push(keys);
    framed(f, r, title, border, lines, 0);
}

/// The join command, with its keys. The command is drawn on one line when it fits, else as a
/// shell command over lines (`\` at their ends) with the token on a line of its own, so that
/// it is never broken in the middle where the width allows it whole.
pub fn draw_join(
    f: &mut Frame,
    area: Rect,
    j: &swarmtop_app::join::JoinView,
    keymap: &swarmtop_settings::keymap::Keymap,
    theme: &Theme,
) {
    let which = if j.manager { "manager" } else { "worker" };
    let w = area.width.saturating_sub(4).min(110);
    let text_w = usize::from(w.saturating_sub(2).max(1));
    let command = command_lines(&j.command, text_w);
    let rows: usize = command
        .iter()
        .map(|l| l.chars().count().div_ceil(text_w).max(1))
        .sum();
    let h = (rows as u16 + 6).min(area.height);
    let r = centred(area, w, h);
    let mut lines = vec![
        Line::from(Span::styled(
            format!("To add a {which}, run this on the new machine:"),
            theme.text,
        )),
        Line::default(),
    ];
    lines.extend(
        command
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.key))),
    );
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(keymap.key_label(Scope::Global, Action::Copy), theme.key),
        Span::styled(" copy and close   ", theme.dim),
        Span::styled(
            keymap.key_label(Scope::Global, Action::RotateToken),
            theme.key,
        ),
        Span::styled(" rotate the token   ", theme.dim),
        Span::styled("any other key", theme.key),
        Span::styled(" close", theme.dim),
    ]));
    framed(
        f,
        r,
        Span::styled(format!(" join a {which} "), theme.title),
        theme.border,
        lines,
        0,
    );
}

/// `docker swarm join --token T ADDR` as it is shown `width` wide: whole, or over three lines
/// with the token alone on the middle one.
fn command_lines(command: &str, width: usize) -> Vec<String> {
    if command.chars().count() <= width {
        return vec![command.to_string()];
    }
    let Some((head, rest)) = command.split_once(" --token ") else {
        return vec![command.to_string()];
    };
    let (token, addr) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut lines = vec![format!("{head} --token \\"), format!("  {token} \\")];
    if !addr.is_empty() {
        lines.push(format!("  {addr}"));
    }
    lines
}
