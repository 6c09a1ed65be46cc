//! How the program ended, and the exit status that says so: the one place it is decided (the
//! editor's watchdog and anything else that ends the program report here).

/// Why the TUI stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `q`, `:q`, or the terminal closed its input.
    Normally,
    /// Stopped by this signal (SIGTERM, SIGHUP, SIGINT).
    Signal(i32),
}

/// The conventional status: 0, or 128 + the signal's number (143 for SIGTERM, 129 for SIGHUP,
/// 130 for SIGINT), as a shell reports a process a signal killed.
pub fn status(ended: Ended) -> u8 {
    match ended {
        Ended::Normally => 0,
        Ended::Signal(n) => u8::try_from(128 + n.clamp(1, 127)).unwrap_or(255),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_gives_128_plus_its_number() {
        assert_eq!(status(Ended::Normally), 0);
        assert_eq!(status(Ended::Signal(libc::SIGTERM)), 143);
        assert_eq!(status(Ended::Signal(libc::SIGHUP)), 129);
        assert_eq!(status(Ended::Signal(libc::SIGINT)), 130);
    }
}
