//! What a container prints, as the engine sends it (`<timestamp> <details> <message>` lines),
//! through `parse_line`, the logs view (`sanitize` on ingest) and its drawing. The security
//! property: nothing a container prints may drive the terminal. After `sanitize` the only
//! control character left is ESC, and only as the start of a well-formed SGR (colour) sequence
//! `ESC [ digits-and-semicolons m`; `plain` leaves no control character at all; and no cell of
//! the drawn screen holds a control character.
//!
//! Input: any bytes, split into lines; the first byte picks the view's options.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use swarmtop::app::logs::{LogView, plain, sanitize};
use swarmtop::engine::logs::{LogTarget, StreamKind, parse_line};
use swarmtop::theme::Theme;

/// Panics unless every control character of `s` is an ESC starting `ESC [ [0-9;]* m`.
fn assert_only_sgr(s: &str, input: &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == 0x1b {
            let mut j = i + 1;
            assert!(
                b.get(j) == Some(&b'['),
                "ESC without '[' in {s:?} (from {input:?})"
            );
            j += 1;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b';') {
                j += 1;
            }
            assert!(
                b.get(j) == Some(&b'm'),
                "an escape that is not SGR in {s:?} (from {input:?})"
            );
            i = j + 1;
            continue;
        }
        i += 1;
    }
    for c in s.chars() {
        assert!(
            c == '\x1b' || !c.is_control(),
            "control character {c:?} in {s:?} (from {input:?})"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (opts, rest) = data.split_first().unwrap_or((&0, &[]));
    let text = String::from_utf8_lossy(rest);
    let mut lines = Vec::new();
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let stream = if i % 2 == 0 {
            StreamKind::Stdout
        } else {
            StreamKind::Stderr
        };
        let l = parse_line(raw, stream);
        let clean = sanitize(&l.text);
        assert_only_sgr(&clean, raw);
        assert_eq!(
            sanitize(&clean),
            clean,
            "sanitize is not idempotent on {raw:?}"
        );
        let p = plain(&clean);
        assert!(
            !p.chars().any(char::is_control),
            "control character in plain {p:?} (from {raw:?})"
        );
        lines.push(l);
    }
    let mut v = LogView::new(
        LogTarget::Service {
            id: "s1".into(),
            name: "web".into(),
        },
        100,
    );
    v.wrap = opts & 1 != 0;
    v.timestamps = opts & 2 != 0;
    if opts & 4 != 0 {
        let _ = v.set_search("e", 20);
    }
    v.ingest(lines, |task, node| format!("{task}@{node}"));
    // parsed once: the theme is not under test here, and parsing it each run costs most of the time
    static THEMES: OnceLock<[Theme; 2]> = OnceLock::new();
    let themes = THEMES.get_or_init(|| {
        let colours = Theme::default_theme();
        let mut plain = colours.clone();
        plain.log_colours = false;
        [colours, plain]
    });
    let theme = &themes[usize::from(opts & 8 != 0)];
    let Ok(mut term) = Terminal::new(TestBackend::new(60, 8));
    let drawn = term.draw(|f| swarmtop::ui::logs::draw(f, f.area(), &v, theme));
    assert!(drawn.is_ok());
    for cell in term.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character drawn: {:?} (input {text:?})",
            cell.symbol()
        );
    }
});
