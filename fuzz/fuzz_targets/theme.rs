//! A user theme file through `Theme::parse` and `Theme::parse_over` a built-in theme, as
//! swarmtop reads `themes/NAME.yaml`. Every problem must say something and point at a line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::theme::Theme;
use swarmtop_fuzz::check_problem;

const FILE: &str = "themes/fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(p) = Theme::parse(&text, FILE) {
        check_problem(&p, FILE, &text);
    }
    let base = Theme::shipped("red-alert").unwrap_or_else(Theme::default_theme);
    if let Err(p) = Theme::parse_over(&base, &text, FILE) {
        check_problem(&p, FILE, &text);
    }
});
