//! Settings files as swarmtop reads them: a config.yaml, a user keymap and a user theme (all
//! named `mine`), through `config check` and the settings resolution for a few contexts.
//! Nothing may panic; every problem says something and points at a line of its file; the
//! settings in force stay in their documented ranges, whatever the files say.
//!
//! Input: `config.yaml [%%% keymaps/mine.yaml [%%% themes/mine.yaml]]`.

#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use swarmtop::config::file::{ConfigFile, LOG_BUFFER_RANGE};
use swarmtop::config::resolve::Source;
use swarmtop::config::{Files, Flags};
use swarmtop_fuzz::{check_problem, parts};

fn source(shown: &str, text: &str) -> Source {
    Source {
        path: PathBuf::from(shown),
        shown: shown.to_string(),
        text: text.to_string(),
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = parts(data, 3);
    let config = &parts[0];
    let (cfg, problems) = ConfigFile::parse(config, "config.yaml");
    for p in &problems {
        check_problem(p, "config.yaml", config);
    }
    let mut files = Files {
        config: Some(source("config.yaml", config)),
        ..Files::default()
    };
    let mut texts = BTreeMap::from([("config.yaml".to_string(), config.clone())]);
    if let Some(k) = parts.get(1) {
        files
            .keymaps
            .insert("mine".into(), source("keymaps/mine.yaml", k));
        texts.insert("keymaps/mine.yaml".into(), k.clone());
    }
    if let Some(t) = parts.get(2) {
        files
            .themes
            .insert("mine".into(), source("themes/mine.yaml", t));
        texts.insert("themes/mine.yaml".into(), t.clone());
    }
    for p in files.check() {
        // a keymap clash may also name the built-in file it clashes with
        match texts.get(&p.file) {
            Some(text) => check_problem(&p, &p.file, text),
            None => assert!(!p.message.trim().is_empty(), "{p:?}"),
        }
    }
    // the top level, and a context of the file with the flags naming the user's files
    // (each resolution parses the built-in keymaps again, so only two per run)
    let ctx = cfg.contexts.keys().next().map_or("prod", String::as_str);
    let runs = [
        ("default", Flags::default()),
        (
            ctx,
            Flags {
                theme: Some("mine".into()),
                keymap: Some("mine".into()),
                read_only: false,
            },
        ),
    ];
    for (ctx, f) in &runs {
        let _ = files.check_flags(f);
        let s = files.resolve(ctx, f);
        let (lo, hi) = LOG_BUFFER_RANGE;
        assert!(
            s.log_capacity >= lo && s.log_capacity <= hi,
            "log buffer {}",
            s.log_capacity
        );
        let i = &s.intervals;
        assert!(i.tasks >= Duration::from_millis(500) && i.tasks <= Duration::from_secs(3600));
        assert!(
            i.services >= Duration::from_millis(500) && i.services <= Duration::from_secs(3600)
        );
        assert!(i.resync >= Duration::from_secs(5) && i.resync <= Duration::from_secs(86_400));
        assert_eq!(s.status_line().is_some(), !s.warnings.is_empty());
        for w in &s.warnings {
            assert!(!w.trim().is_empty(), "an empty warning");
        }
    }
});
