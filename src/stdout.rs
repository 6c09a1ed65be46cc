//! What a command prints on stdout. `swarmtop snapshot | head` closes the pipe before the
//! output ends: that is the reader's choice, not an error (`print!` panicked on it).

use std::io::{ErrorKind, Write};

/// Writes `text` to stdout. A reader that stopped reading ends swarmtop quietly with success,
/// as other Unix tools do; any other failure to write is said on stderr and fails.
pub fn put(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("swarmtop: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// `print!` that ends quietly when the reader has gone (`put`).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::put(&format!($($arg)*))
    };
}

/// `println!` that ends quietly when the reader has gone (`put`).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::put(&format!("{}\n", format_args!($($arg)*)))
    };
}
