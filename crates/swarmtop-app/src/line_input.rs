//! One way to type a line, wherever a line is typed: the `:` line, a pane's filter, a search
//! in describe or the logs, a prompt, a path to save to, a form's text field. The same keys
//! edit each of them, so what works in one works in all.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to a line being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    /// The text changed (or a key that edits found nothing to edit).
    Edited,
    /// Enter: the line is given.
    Submit,
    /// Esc: the line is given up.
    Cancel,
    /// Backspace with nothing left to erase (the `:` line closes on it, as in vim).
    BackspaceOnEmpty,
    /// Not a key that edits a line (arrows, function keys): the caller decides.
    Other,
}

/// Applies `k` to `text`: characters are typed, Backspace erases one, ctrl-u erases the line,
/// ctrl-w the last word; other control keys never type a letter.
pub fn edit_line(text: &mut String, k: &KeyEvent) -> LineKey {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Enter => LineKey::Submit,
        KeyCode::Esc => LineKey::Cancel,
        KeyCode::Backspace => match text.pop() {
            Some(_) => LineKey::Edited,
            None => LineKey::BackspaceOnEmpty,
        },
        KeyCode::Char('u') if ctrl => {
            text.clear();
            LineKey::Edited
        }
        KeyCode::Char('w') if ctrl => {
            let kept = text.trim_end().rfind(' ').map_or(0, |i| i + 1);
            text.truncate(kept);
            LineKey::Edited
        }
        KeyCode::Char(c) if !ctrl => {
            text.push(c);
            LineKey::Edited
        }
        _ => LineKey::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(text: &mut String, code: KeyCode, m: KeyModifiers) -> LineKey {
        edit_line(text, &KeyEvent::new(code, m))
    }

    #[test]
    fn typing_erasing_and_the_control_keys() {
        let mut t = String::new();
        for c in "scale web".chars() {
            assert_eq!(
                press(&mut t, KeyCode::Char(c), KeyModifiers::NONE),
                LineKey::Edited
            );
        }
        assert_eq!(t, "scale web");
        press(&mut t, KeyCode::Char('W'), KeyModifiers::SHIFT);
        assert_eq!(t, "scale webW");
        press(&mut t, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(t, "scale web");
        press(&mut t, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(t, "scale ", "ctrl-w erases the last word, not the letter w");
        press(&mut t, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(t, "", "ctrl-u erases the line");
        assert_eq!(
            press(&mut t, KeyCode::Backspace, KeyModifiers::NONE),
            LineKey::BackspaceOnEmpty
        );
        assert_eq!(
            press(&mut t, KeyCode::Char('x'), KeyModifiers::CONTROL),
            LineKey::Other
        );
        assert_eq!(t, "", "a control key types nothing");
        assert_eq!(
            press(&mut t, KeyCode::Enter, KeyModifiers::NONE),
            LineKey::Submit
        );
        assert_eq!(
            press(&mut t, KeyCode::Esc, KeyModifiers::NONE),
            LineKey::Cancel
        );
        assert_eq!(
            press(&mut t, KeyCode::Left, KeyModifiers::NONE),
            LineKey::Other
        );
    }

    #[test]
    fn ctrl_w_takes_the_trailing_spaces_with_the_word() {
        let mut t = "a bb  ".to_string();
        press(&mut t, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(t, "a ");
        let mut t = "word".to_string();
        press(&mut t, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(t, "");
    }
}
