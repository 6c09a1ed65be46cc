//! What the fuzz targets share: splitting one input into several files, a small environment,
//! and the checks every error must pass (a message, and a place that exists in the file).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use swarmtop::config::problem::Problem;
use swarmtop::stack::FileError;

/// Separates the files of one input (a compose file and its override, an env file ...).
pub const SEPARATOR: &str = "\n%%%\n";

/// The input as text, cut into at most `n` parts at [`SEPARATOR`].
pub fn parts(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    text.splitn(n, SEPARATOR).map(str::to_string).collect()
}

/// The variables every run sees, so interpolation takes both its "set" and "unset" branches.
pub fn base_env() -> BTreeMap<String, String> {
    [
        ("A", "1"),
        ("EMPTY", ""),
        ("N", "3"),
        ("TAG", "1.27"),
        ("PORT", "8080"),
        ("HOME", "/home/fuzz"),
        ("YES", "true"),
        ("RATIO", "0.5"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `K=V` lines (a key alone is set to the empty string).
pub fn env_lines(text: &str, env: &mut BTreeMap<String, String>) {
    for line in text.lines() {
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        env.insert(k.to_string(), v.to_string());
    }
}

/// A private scratch directory for this fuzzing process, made once: in /dev/shm when there is
/// one (a store written on every run is slow on a disk), else the temp directory.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("swarmtop-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch directory");
        std::fs::write(d.join("data"), "secret data\n").expect("scratch file");
        d
    })
}

/// Lines as YAML counts them: a lone CR breaks a line too (editors that show old Mac files
/// agree), so a parser's line may be past what `str::lines` counts.
fn line_count(text: &str) -> usize {
    let b = text.as_bytes();
    let breaks = b
        .iter()
        .enumerate()
        .filter(|(i, c)| **c == b'\n' || (**c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

/// A placed line must exist: 1 to the number of lines, or one past the end (the parser's
/// "end of file").
fn check_line(what: &dyn std::fmt::Display, line: usize, text: &str) {
    assert!(
        line >= 1 && line <= line_count(text) + 1,
        "{what}: line {line} is not in a file of {} lines",
        line_count(text)
    );
}

/// A compose error names a file, says something, and points at a line of that file.
pub fn check_file_error(e: &FileError, files: &[(String, String)]) {
    assert!(
        !e.message.trim().is_empty(),
        "an error without a message: {e:?}"
    );
    assert!(!e.file.is_empty(), "an error without a file: {e:?}");
    if let Some(line) = e.line {
        // a message about an env file names that file, which is not among the inputs
        if let Some((_, text)) = files.iter().find(|(n, _)| *n == e.file) {
            check_line(e, line, text);
        }
    }
    if let Some(c) = e.column {
        assert!(c >= 1, "{e}: column 0");
    }
    assert!(!e.to_string().is_empty());
}

/// A settings problem names the file it was given, says something, and points at a line of it.
pub fn check_problem(p: &Problem, file: &str, text: &str) {
    assert!(
        !p.message.trim().is_empty(),
        "a problem without a message: {p:?}"
    );
    assert_eq!(p.file, file, "{p}");
    if let Some(line) = p.line {
        check_line(p, line, text);
    }
}
