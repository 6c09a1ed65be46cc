//! A mistake in a settings file, placed: the file, the line and the key, so that the message
//! alone is enough to fix it. Keymaps, themes and config.yaml all report through this type.

use std::fmt;

use thiserror::Error;

use yaml_serde::Value;

use crate::yaml_locate::{Seg, locate};

/// What kind of mistake, for callers and tests that need more than the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file exists but cannot be read.
    Io,
    /// Not YAML, or not the shape expected (a list where a map belongs ...).
    Yaml,
    /// A key the file format does not know (a config setting, a theme role or style field).
    UnknownKey,
    UnknownScope,
    UnknownAction,
    /// A key binding that is not a key (`hyper-x`).
    BadKey,
    /// Two actions on one key in one scope.
    Clash,
    UnknownColour,
    /// A value of the wrong kind or out of range (`read_only: yes`, `tasks: 2x`).
    BadValue,
    /// A theme or keymap name that names nothing.
    UnknownName,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The file as the user knows it (a path, or a built-in file's name).
    pub file: String,
    /// 1-based; None when the place is the whole file.
    pub line: Option<usize>,
    /// The key in the file, dotted (`nodes.drain`), when there is one.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    /// `file:line: key: message`, the shape compilers use, so editors can jump to it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(k) = &self.key {
            write!(f, ": {k}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Problem {
    pub fn new(kind: ProblemKind, file: &str, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            file: file.to_string(),
            line: None,
            key: None,
            message: message.into(),
        }
    }

    /// Names the key at `path` and finds its line in `text`.
    pub fn at(mut self, text: &str, path: &[&str]) -> Problem {
        self.key = (!path.is_empty()).then(|| path.join("."));
        self.line = line_of(text, path);
        self
    }

    /// A YAML error: its own place, its words without the place repeated.
    pub fn yaml(file: &str, text: &str, e: &yaml_serde::Error) -> Problem {
        let msg = e.to_string();
        let mut p = Problem::new(ProblemKind::Yaml, file, yaml_words(&msg));
        p.line = e.location().map(|l| l.line());
        // the parser places a duplicate at its mapping; the second occurrence is what to fix
        const DUP: &str = "duplicate entry with key \"";
        if let Some(at) = msg.find(DUP)
            && let Some(key) = msg[at + DUP.len()..].split('"').next()
        {
            // the words before are the path of the mapping ("global: duplicate ...")
            let parent = msg[..at].trim_end().trim_end_matches(':');
            let place = e
                .location()
                .and_then(|l| crate::yaml_locate::duplicate_key(text, &msg, l.line(), l.column()));
            p.line = place.map(|(_, line)| line).or(p.line);
            p.key = Some(match parent {
                "" | "." => key.to_string(),
                parent => format!("{parent}.{key}"),
            });
            p.message = "given twice (the second one is here)".to_string();
        }
        p
    }
}

/// The line of the key at `path`, or of the deepest part of it that is found.
pub fn line_of(text: &str, path: &[&str]) -> Option<usize> {
    let segs: Vec<Seg> = path.iter().map(|k| Seg::Key(k.to_string())).collect();
    locate(text, &segs).map(|p| p.line)
}

fn yaml_words(msg: &str) -> String {
    static AT: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let words = match AT.get_or_init(|| regex::Regex::new(r" at line \d+ column \d+").ok()) {
        Some(re) => re.replace_all(msg, "").into_owned(),
        None => msg.to_string(),
    };
    format!("not valid YAML: {words}")
}

/// The known word closest to a misspelt one, when it is close enough to be a typo.
pub fn suggest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    known
        .into_iter()
        .map(|k| (distance(word, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// " (did you mean drain?)" or nothing.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    suggest(word, known)
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}

/// Edit distance counting a swap of two neighbours as one edit (the commonest typo), for
/// suggestions.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// A YAML key or scalar as text (what a setting named, or was given).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => shown(other),
    }
}

/// A value as the user wrote it, for messages.
pub fn shown(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a map".to_string(),
        Value::Tagged(t) => format!("a {} value", t.tag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_key_message() {
        let p = Problem::new(ProblemKind::UnknownAction, "k.yaml", "unknown action").at(
            "global:\n  help: [x]\nnodes:\n  dran: [y]\n",
            &["nodes", "dran"],
        );
        assert_eq!(p.to_string(), "k.yaml:4: nodes.dran: unknown action");
    }

    #[test]
    fn yaml_errors_keep_their_line_and_lose_the_repetition() {
        let text = "a: [1\n";
        let e = yaml_serde::from_str::<yaml_serde::Value>(text).unwrap_err();
        let p = Problem::yaml("f.yaml", text, &e);
        assert_eq!(p.line, Some(2));
        assert!(!p.message.contains("at line"), "{p}");
        assert!(p.message.starts_with("not valid YAML"), "{p}");
    }

    #[test]
    fn a_duplicate_key_points_at_its_second_occurrence() {
        // not the second `help:` of the file: the second of its mapping
        let text = "nodes:\n  help: [h]\nglobal:\n  help: [x]\n  help: [y]\n";
        let e = yaml_serde::from_str::<yaml_serde::Value>(text).unwrap_err();
        let p = Problem::yaml("f.yaml", text, &e);
        assert_eq!(
            p.to_string(),
            "f.yaml:5: global.help: given twice (the second one is here)"
        );
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let known = ["drain", "activate", "pause"];
        assert_eq!(suggest("dran", known), Some("drain"));
        assert_eq!(suggest("zzzzzz", known), None);
        assert_eq!(suggest("apuse", known), Some("pause"), "a swap is one edit");
    }
}
