//! Finds where a value sits in the text of a YAML file, from its path (`services.web.ports[2]`),
//! so that errors found after parsing (unknown keys, bad values, undefined names) can name a line
//! and a column. It reads block-style YAML by indentation; where the path goes through flow
//! style (`{a: 1}`) or a merge key, it stops at the deepest place it found.

use std::fmt;

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl fmt::Display for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Key(k) => f.write_str(k),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// `services.web.ports[2]`
pub fn path_text(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Builds a path from `a.b[0].c` text (used by tests and the serde error paths).
pub fn parse_path(text: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Seg::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                match r[..end].parse() {
                    Ok(n) => out.push(Seg::Index(n)),
                    Err(_) => out.push(Seg::Key(r[..end].to_string())),
                }
                rest = r.get(end + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() && rest != "?" {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

/// The key a YAML parser's "duplicate entry" error names, and the line of its second
/// occurrence. The parser places the error at the mapping that holds the key (its first key's
/// line and column, line 1 for the top level); the second occurrence is what to fix.
pub fn duplicate_key(src: &str, msg: &str, line: usize, column: usize) -> Option<(String, usize)> {
    const DUP: &str = "duplicate entry with key \"";
    let at = msg.find(DUP)?;
    let key = msg[at + DUP.len()..].split('"').next()?.to_string();
    let found = second_in_mapping(src, &key, line, column.saturating_sub(1))?;
    Some((key, found))
}

/// The second entry `key:` of the mapping whose keys start at `col` (0-based), from `line` on.
fn second_in_mapping(src: &str, key: &str, line: usize, col: usize) -> Option<usize> {
    let mut seen = 0;
    for l in content_lines(src).into_iter().filter(|l| l.no >= line) {
        let (dashes, rest) = strip_dashes(l.text);
        let key_col = l.indent + dashes;
        // a line left of the mapping's keys ends it (the next list item, the parent's sibling)
        if l.no > line && l.indent < col {
            break;
        }
        if key_col == col && key_of(rest).as_deref() == Some(key) {
            seen += 1;
            if seen == 2 {
                return Some(l.no);
            }
        }
    }
    None
}

/// A line of content: its number (1-based), indentation, and text after the indentation.
#[derive(Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

fn content_lines(src: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut block_scalar_indent: Option<usize> = None;
    for (i, raw) in src.lines().enumerate() {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let text = raw[indent..].trim_end();
        if let Some(k) = block_scalar_indent {
            if text.is_empty() || indent > k {
                continue;
            }
            block_scalar_indent = None;
        }
        if text.is_empty() || text.starts_with('#') || text == "---" {
            continue;
        }
        let value = value_part(strip_dashes(text).1);
        if value.starts_with('|') || value.starts_with('>') {
            block_scalar_indent = Some(indent);
        }
        out.push(Line {
            no: i + 1,
            indent,
            text,
        });
    }
    out
}

/// Splits leading `- ` markers off; returns how many columns they took and the rest.
fn strip_dashes(text: &str) -> (usize, &str) {
    let mut off = 0;
    let mut t = text;
    while t == "-" || t.starts_with("- ") {
        let rest = t[1..].trim_start_matches(' ');
        off += t.len() - rest.len();
        t = rest;
        if t.is_empty() {
            break;
        }
    }
    (off, t)
}

/// The key of `key: value` (unquoted), if the text is a mapping entry.
fn key_of(text: &str) -> Option<String> {
    let t = text;
    if let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = t[1..].find(q)? + 1;
        let after = t[end + 1..].trim_start();
        return after.starts_with(':').then(|| t[1..end].to_string());
    }
    let mut search = 0;
    while let Some(i) = t[search..].find(':') {
        let at = search + i;
        let next = t[at + 1..].chars().next();
        if next.is_none() || next == Some(' ') || next == Some('\t') {
            return Some(t[..at].trim_end().to_string());
        }
        search = at + 1;
    }
    None
}

fn value_part(text: &str) -> &str {
    match key_of(text) {
        Some(_) => {
            let mut search = 0;
            while let Some(i) = text[search..].find(':') {
                let at = search + i;
                let next = text[at + 1..].chars().next();
                if next.is_none() || next == Some(' ') || next == Some('\t') {
                    return text[at + 1..].trim();
                }
                search = at + 1;
            }
            ""
        }
        None => text,
    }
}

/// A position found in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Where `path` is in `src`, or the deepest part of it that could be found. `None` only when
/// not even the first key is there.
pub fn locate(src: &str, path: &[Seg]) -> Option<Pos> {
    let lines = content_lines(src);
    // the document's top level: every line at the smallest indentation
    let top = lines.iter().map(|l| l.indent).min()?;
    let block: Vec<Line> = lines.clone();
    find(&block, top, path, None)
}

/// Looks for `path` among `lines` whose entries sit at column `indent`.
fn find(lines: &[Line], indent: usize, path: &[Seg], found: Option<Pos>) -> Option<Pos> {
    let Some(seg) = path.first() else {
        return found;
    };
    match seg {
        Seg::Key(k) => {
            for (i, l) in lines.iter().enumerate() {
                if l.indent != indent {
                    continue;
                }
                if key_of(l.text).as_deref() == Some(k.as_str()) {
                    let pos = Pos {
                        line: l.no,
                        column: l.indent + 1,
                    };
                    let (child, child_indent) = child_block(lines, i, l.indent, l.text);
                    return match child_indent {
                        Some(ci) => find(&child, ci, &path[1..], Some(pos)).or(Some(pos)),
                        None => Some(pos),
                    };
                }
            }
            found
        }
        Seg::Index(n) => {
            let mut count = 0;
            for (i, l) in lines.iter().enumerate() {
                if l.indent != indent || !(l.text == "-" || l.text.starts_with("- ")) {
                    continue;
                }
                if count == *n {
                    // the item's content starts after "- " on this line
                    let (off, rest) = strip_dashes(l.text);
                    let col = l.indent + off;
                    let pos = Pos {
                        line: l.no,
                        column: col + 1,
                    };
                    let mut item = Vec::new();
                    if !rest.is_empty() {
                        item.push(Line {
                            no: l.no,
                            indent: col,
                            text: rest,
                        });
                    }
                    item.extend(
                        lines[i + 1..]
                            .iter()
                            .take_while(|x| x.indent > l.indent)
                            .copied(),
                    );
                    let ci = item.first().map(|x| x.indent);
                    return match ci {
                        Some(ci) => find(&item, ci, &path[1..], Some(pos)).or(Some(pos)),
                        None => Some(pos),
                    };
                }
                count += 1;
            }
            found
        }
    }
}

/// The lines that make up the value of the entry at `lines[i]`, and the indentation of its
/// entries. A sequence may sit at the same indentation as its key.
fn child_block<'a>(
    lines: &[Line<'a>],
    i: usize,
    indent: usize,
    text: &str,
) -> (Vec<Line<'a>>, Option<usize>) {
    if !value_part(text).is_empty() {
        return (Vec::new(), None);
    }
    let mut out = Vec::new();
    for l in &lines[i + 1..] {
        let is_item = l.text == "-" || l.text.starts_with("- ");
        if l.indent > indent || (l.indent == indent && is_item) {
            out.push(*l);
        } else {
            break;
        }
    }
    let ci = out.first().map(|l| l.indent);
    (out, ci)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_duplicate_key_is_found_at_its_second_occurrence_in_its_mapping() {
        let text =
            "services:\n  web:\n    image: a\n    ports: []\n    image: b\n  db:\n    image: c\n";
        let e = yaml_serde::from_str::<yaml_serde::Value>(text).unwrap_err();
        let l = e.location().unwrap();
        assert_eq!(
            super::duplicate_key(text, &e.to_string(), l.line(), l.column()),
            Some(("image".to_string(), 5))
        );
        // the top level: the parser says line 1
        let text = "version: '3'\nservices:\n  a:\n    image: x\nservices:\n  b: {}\n";
        let e = yaml_serde::from_str::<yaml_serde::Value>(text).unwrap_err();
        let l = e.location().unwrap();
        assert_eq!(
            super::duplicate_key(text, &e.to_string(), l.line(), l.column()),
            Some(("services".to_string(), 5))
        );
        // in a list item, the next item is another mapping
        let text = "x:\n  - name: a\n    v: 1\n  - name: b\n    name: c\n";
        let e = yaml_serde::from_str::<yaml_serde::Value>(text).unwrap_err();
        let l = e.location().unwrap();
        assert_eq!(
            super::duplicate_key(text, &e.to_string(), l.line(), l.column()),
            Some(("name".to_string(), 5))
        );
    }

    use super::*;

    const DOC: &str = "\
version: '3.8'
# a comment
services:
  web:
    image: busybox
    command: |
      sleep: 1
      foo: 2
    ports:
      - 80:80
      - target: 81
        published: 8081
    deploy:
      replicas: 2
  db:
    environment:
    - A=1
    - B=2
secrets:
  s1: {file: ./s1.txt}
";

    fn at(path: &str) -> Option<(usize, usize)> {
        locate(DOC, &parse_path(path)).map(|p| (p.line, p.column))
    }

    #[test]
    fn finds_keys_items_and_nested_items() {
        assert_eq!(at("services"), Some((3, 1)));
        assert_eq!(at("services.web.image"), Some((5, 5)));
        assert_eq!(at("services.web.deploy.replicas"), Some((14, 7)));
        assert_eq!(at("services.web.ports[0]"), Some((10, 9)));
        assert_eq!(at("services.web.ports[1].published"), Some((12, 9)));
        assert_eq!(at("services.db.environment[1]"), Some((18, 7)));
    }

    #[test]
    fn block_scalars_are_not_keys_and_flow_stops_early() {
        // "foo:" inside the block scalar must not be found as a key of web
        assert_eq!(at("services.web.foo"), Some((4, 3)));
        assert_eq!(at("secrets.s1.file"), Some((20, 3)));
        assert_eq!(at("nothing.here"), None);
    }

    #[test]
    fn paths_round_trip() {
        let p = parse_path("services.web.ports[1].target");
        assert_eq!(path_text(&p), "services.web.ports[1].target");
    }
}
