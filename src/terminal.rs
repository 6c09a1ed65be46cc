//! Putting the terminal back as it was found. Apart from `runtime` (which enters the TUI) so
//! that the watchdog, which may end a stuck UI, need not import the runtime that starts it.

use std::io;

use crossterm::event::DisableBracketedPaste;
use crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};
use crossterm::{cursor, execute};

/// For error paths outside the TUI: restore only if raw mode is on, so a plain CLI error
/// never prints terminal escape codes.
pub fn restore_terminal_if_raw() {
    if crossterm::terminal::is_raw_mode_enabled().unwrap_or(false) {
        restore_terminal();
    }
}

pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
}
