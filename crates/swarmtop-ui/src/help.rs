//! The help overlay, generated from the active keymap, scrolled by `State::help`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use swarmtop_app::help::HelpRow;
use swarmtop_app::help_update::rows_in;
use swarmtop_app::state::State;
use swarmtop_settings::keymap::{Action, Scope};
use swarmtop_settings::theme::Theme;

/// Help lines for the current pane's scope, then the global one.
pub fn lines<'a>(state: &State, theme: &Theme, _scope: Scope) -> Vec<Line<'a>> {
    let rows = rows_in(state);
    // the keys column is as wide as the widest keys, within reason
    let kw = rows
        .iter()
        .filter_map(|r| match r {
            HelpRow::Binding { keys, .. } => Some(keys.chars().count()),
            HelpRow::Command { usage, .. } => Some(usage.chars().count()),
            HelpRow::Custom { key, .. } => Some(key.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .clamp(10, 20);
    rows.into_iter()
        .map(|r| match r {
            HelpRow::Title(s) => Line::from(Span::styled(s.name().to_string(), theme.title)),
            HelpRow::Blank => Line::default(),
            HelpRow::CommandsTitle => Line::from(Span::styled("commands (type :)", theme.title)),
            HelpRow::CustomTitle => {
                Line::from(Span::styled("custom commands (config.yaml)", theme.title))
            }
            HelpRow::Custom { key, name, about } => Line::from(vec![
                Span::styled(format!("  {key:<kw$}  "), theme.key),
                Span::styled(format!("{name}: {about}"), theme.text),
            ]),
            HelpRow::Command { usage, about } => Line::from(vec![
                Span::styled(format!("  {usage:<kw$}  "), theme.key),
                Span::styled(about.to_string(), theme.text),
            ]),
            HelpRow::Binding { keys, action } => Line::from(vec![
                Span::styled(format!("  {keys:<kw$}  "), theme.key),
                Span::styled(action.describe().to_string(), theme.text),
            ]),
        })
        .collect()
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, offset: usize, theme: &Theme, scope: Scope) {
    let w = area.width.saturating_sub(4).min(72);
    let h = area.height.saturating_sub(2);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1,
        width: w,
        height: h,
    };
    let lines = lines(state, theme, scope);
    let inner = h.saturating_sub(2) as usize;
    let offset = offset.min(lines.len().saturating_sub(inner.max(1)));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" keys ", theme.title));
    if lines.len() > inner {
        // where we are, and the keys that move (from the keymap, like everything here)
        let first = |a: Action| {
            state
                .keymap
                .keys(Scope::Global, a)
                .first()
                .map(|k| k.to_string())
                .unwrap_or_default()
        };
        let last = (offset + inner).min(lines.len());
        block = block.title_bottom(Line::from(vec![
            Span::styled(
                format!(" {}-{last} of {} ", offset + 1, lines.len()),
                theme.title,
            ),
            Span::styled(
                format!(
                    "{}/{} {}/{} scroll · other keys close ",
                    first(Action::Up),
                    first(Action::Down),
                    first(Action::PageUp),
                    first(Action::PageDown)
                ),
                theme.dim,
            ),
        ]));
    } else {
        block = block.title_bottom(Span::styled(" any key closes ", theme.dim));
    }
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((offset.min(u16::MAX as usize) as u16, 0)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::tests::{render, sample_state};
    use swarmtop_app::{Msg, update};
    use swarmtop_settings::keymap::Keymap;

    fn key(c: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    #[test]
    fn help_under_the_default_keymap_in_services_80x24() {
        let mut s = sample_state();
        update(&mut s, key(KeyCode::Char('2')));
        update(&mut s, key(KeyCode::Char('?')));
        assert_eq!(s.overlay_name(), Some("help"));
        let out = render(&s, 80, 24);
        assert!(out.contains("scale the service"), "{out}");
        assert!(out.contains("1-20 of"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn help_under_the_vim_keymap_scrolled_to_the_end_80x24() {
        let mut s = sample_state();
        s.keymap = Keymap::shipped("vim").unwrap();
        update(&mut s, key(KeyCode::Char('?')));
        update(&mut s, key(KeyCode::Char('G')));
        let out = render(&s, 80, 24);
        // the last command is in view, the first nodes binding is scrolled away
        assert!(out.contains(":map"), "{out}");
        assert!(out.contains("show the map"), "{out}");
        assert!(!out.contains("drain the node"), "{out}");
        assert!(out.contains("k/j ctrl-u/ctrl-d scroll"), "{out}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn help_that_fits_says_any_key_closes() {
        let mut s = sample_state();
        s.size = (120, 100);
        update(&mut s, key(KeyCode::Char('?')));
        let out = render(&s, 120, 100);
        assert!(out.contains("any key closes"), "{out}");
    }
}
