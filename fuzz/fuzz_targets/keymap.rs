//! A user keymap file through `Keymap::parse`, then over the default keymap as swarmtop uses
//! it, and printed as `swarmtop keys` does. Every problem must say something and point at a
//! line of the file. Every key name that parses prints back as a name that parses to the same
//! key (what `swarmtop keys` and the help show can be written in a keymap).

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::keymap::{Key, Keymap};
use swarmtop_fuzz::check_problem;

const FILE: &str = "keymaps/fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Keymap::parse(&text, FILE) {
        Ok(km) => {
            let mut base = Keymap::default_keymap();
            match base.overlay(&km) {
                Ok(()) => {
                    let _ = swarmtop::keydoc::text(&base, "fuzz");
                    let _ = swarmtop::keydoc::markdown(&base, "fuzz");
                }
                // a clash may name the built-in file as well as the user's
                Err(p) => assert!(!p.message.trim().is_empty(), "{p:?}"),
            }
        }
        Err(p) => check_problem(&p, FILE, &text),
    }
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '"' | '\''))
    {
        if let Ok(k) = Key::parse(word) {
            let shown = k.to_string();
            assert_eq!(Key::parse(&shown), Ok(k), "{word:?} prints as {shown:?}");
        }
    }
});
