//! One or two compose files and an env file, through what the editor runs on every keystroke
//! (`check_sources`: parse, interpolate, check, merge) and then `convert` to engine specs.
//! Nothing may panic or hang, and every error must say something and point at a real line.
//!
//! Input: `file1 [%%% file2 [%%% env file]]` (see `SEPARATOR`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmtop::files::Disk;
use swarmtop::stack::convert::convert;
use swarmtop::stack::load::{Source, check_sources, parse_env_file};
use swarmtop_fuzz::{base_env, check_file_error, parts, scratch};

fuzz_target!(|data: &[u8]| {
    let parts = parts(data, 3);
    let mut env = base_env();
    if let Some(env_file) = parts.get(2) {
        match parse_env_file(env_file, &env) {
            Ok(vars) => {
                for (k, v) in vars {
                    env.insert(k, v.unwrap_or_default());
                }
            }
            Err((line, msg)) => {
                assert!(!msg.trim().is_empty(), "env file error without a message");
                assert!(
                    line >= 1 && line <= env_file.lines().count(),
                    "env file line {line}"
                );
            }
        }
    }
    let files: Vec<(String, String)> = parts
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, t)| (format!("stack{i}.yml"), t.clone()))
        .collect();
    let sources: Vec<Source> = files
        .iter()
        .map(|(name, text)| Source {
            name: name.clone(),
            text: text.clone(),
        })
        .collect();
    let dir = scratch();
    let mut loaded = match check_sources(&sources, dir, &env) {
        Ok(l) => l,
        Err(e) => return check_file_error(&e, &files),
    };
    for w in &loaded.warnings {
        assert!(!w.trim().is_empty(), "an empty warning");
    }
    // convert reads the secret and config files: point them all at one small file, so an input
    // naming /dev/zero or a fifo cannot stall the fuzzer (the loader resolved the paths already)
    let data_file = dir.join("data").display().to_string();
    for o in loaded
        .config
        .secrets
        .values_mut()
        .chain(loaded.config.configs.values_mut())
    {
        if o.file.is_some() {
            o.file = Some(data_file.clone());
        }
    }
    match convert(&Disk, "fz", &loaded) {
        Ok(d) => {
            for name in d.services.keys() {
                assert!(
                    name.starts_with("fz_"),
                    "service {name:?} outside the stack"
                );
            }
        }
        Err(e) => check_file_error(&e, &files),
    }
});
