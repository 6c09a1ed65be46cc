//! The logs view's state: a bounded ring of lines from one service or task, where the view is,
//! follow/timestamps/wrap, the search, and the save prompt. Changed by `update`, drawn by
//! `ui::logs`; the stream itself lives in `engine::logs`.

use std::collections::{HashMap, VecDeque};

use chrono::{TimeZone, Utc};
use regex::Regex;

use swarmtop_model::feed::{LogLine, LogRequest, LogTarget, StreamKind};

/// The setting's default (settings sit below the app core).
pub use swarmtop_settings::config::file::LOG_BUFFER_DEFAULT as DEFAULT_CAPACITY;
pub const DEFAULT_TAIL: u32 = 1000;

/// The `since` choices of keys 1..5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    M1,
    M5,
    M15,
    H1,
    All,
}

impl Since {
    pub fn seconds(self) -> Option<i64> {
        match self {
            Since::M1 => Some(60),
            Since::M5 => Some(300),
            Since::M15 => Some(900),
            Since::H1 => Some(3600),
            Since::All => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Since::M1 => "last 1m",
            Since::M5 => "last 5m",
            Since::M15 => "last 15m",
            Since::H1 => "last 1h",
            Since::All => "tail 1000",
        }
    }
}

/// Who wrote a line: a task (as `name.slot@node`) with a stable colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub task_id: String,
    pub label: String,
    pub colour: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub ts: i64,
    /// Index into `LogView::sources`; `u32::MAX` for marker lines.
    pub source: u32,
    pub stream: StreamKind,
    /// Sanitised: colour codes kept, every other control character removed.
    pub text: String,
}

impl Line {
    pub fn is_marker(&self) -> bool {
        self.source == u32::MAX
    }
}

/// What the save prompt is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum SavePrompt {
    Path(String),
    ConfirmOverwrite(String),
}

#[derive(Debug, Clone)]
pub struct LogView {
    pub target: LogTarget,
    /// Bumped on every (re)start of the stream; events of older streams are ignored.
    pub generation: u64,
    pub lines: VecDeque<Line>,
    pub capacity: usize,
    /// Absolute index of `lines[0]`: positions survive lines dropping off the front.
    pub base: u64,
    pub dropped: u64,
    pub sources: Vec<Source>,
    source_index: HashMap<String, u32>,
    pub follow: bool,
    pub timestamps: bool,
    pub wrap: bool,
    pub since: Since,
    /// Absolute index of the top line shown when not following.
    pub top: u64,
    pub search: Option<Regex>,
    pub search_text: String,
    /// Typing a search: the text so far.
    pub typing: Option<String>,
    /// Absolute index of the current match.
    pub current_match: Option<u64>,
    pub save: Option<SavePrompt>,
    /// Shown in the title: streaming, interrupted, failed.
    pub status: String,
    pub failed: Option<String>,
    /// The keys of `follow` in the keymap in force, for the title's "PAUSED (f resumes)".
    pub follow_key: String,
}

/// Keeps colour (SGR) escape sequences, drops every other control character and escape
/// sequence so nothing a container prints can drive the terminal; tabs become spaces.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    let mut seq = String::new();
                    let mut fin = None;
                    for d in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&d) {
                            fin = Some(d);
                            break;
                        }
                        seq.push(d);
                        if seq.len() > 32 {
                            break;
                        }
                    }
                    if fin == Some('m') && seq.chars().all(|x| x.is_ascii_digit() || x == ';') {
                        out.push_str("\x1b[");
                        out.push_str(&seq);
                        out.push('m');
                    }
                } else {
                    // other escapes (OSC, charset, ...): drop the next char too
                    chars.next();
                }
            }
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The text without its colour codes, for search and saving.
pub fn plain(s: &str) -> String {
    if !s.contains('\x1b') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for d in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&d) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn colour_of(label: &str) -> u8 {
    // FNV-1a: stable across runs and machines
    let mut h: u32 = 0x811c9dc5;
    for b in label.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    (h % 6) as u8
}

impl LogView {
    pub fn new(target: LogTarget, capacity: usize) -> LogView {
        LogView {
            target,
            generation: 0,
            lines: VecDeque::new(),
            capacity: capacity.max(100),
            base: 0,
            dropped: 0,
            sources: Vec::new(),
            source_index: HashMap::new(),
            follow: true,
            timestamps: false,
            wrap: false,
            since: Since::All,
            top: 0,
            search: None,
            search_text: String::new(),
            typing: None,
            current_match: None,
            save: None,
            status: "connecting".into(),
            failed: None,
            follow_key: "f".to_string(),
        }
    }

    /// The request for the stream with the current `since`.
    pub fn request(&self, now_secs: i64) -> LogRequest {
        LogRequest {
            target: self.target.clone(),
            since: self.since.seconds().map(|s| now_secs - s),
            tail: DEFAULT_TAIL,
            follow: true,
        }
    }

    /// Starts over (new `since`): the lines go, the settings stay.
    pub fn restart(&mut self) {
        self.generation += 1;
        self.base += self.lines.len() as u64;
        self.lines.clear();
        self.top = self.base;
        self.current_match = None;
        self.follow = true;
        self.status = "connecting".into();
        self.failed = None;
    }

    pub fn end(&self) -> u64 {
        self.base + self.lines.len() as u64
    }

    pub fn get(&self, abs: u64) -> Option<&Line> {
        abs.checked_sub(self.base)
            .and_then(|i| self.lines.get(i as usize))
    }

    /// Adds a line in time order: the engine sends each task's backlog in turn, so lines of
    /// different tasks arrive out of order; they are put where their time says (looking back
    /// a bounded distance, as late lines are only a little late).
    fn push(&mut self, line: Line) {
        if self.lines.len() >= self.capacity {
            self.lines.pop_front();
            self.base += 1;
            self.dropped += 1;
        }
        const LOOK_BACK: usize = 20_000;
        let mut pos = self.lines.len();
        if line.ts != 0 {
            let stop = pos.saturating_sub(LOOK_BACK);
            while pos > stop {
                let prev = &self.lines[pos - 1];
                if prev.ts == 0 || prev.ts <= line.ts {
                    break;
                }
                pos -= 1;
            }
        }
        if pos == self.lines.len() {
            self.lines.push_back(line);
        } else {
            self.lines.insert(pos, line);
        }
    }

    /// Adds lines from the engine. `name_of(task_id, node_id)` gives `web.1@node1`.
    pub fn ingest(&mut self, lines: Vec<LogLine>, name_of: impl Fn(&str, &str) -> String) {
        for l in lines {
            let source = match self.source_index.get(&l.task_id) {
                Some(i) => *i,
                None => {
                    let label = name_of(&l.task_id, &l.node_id);
                    let i = self.sources.len() as u32;
                    self.sources.push(Source {
                        task_id: l.task_id.clone(),
                        colour: colour_of(&label),
                        label,
                    });
                    self.source_index.insert(l.task_id.clone(), i);
                    i
                }
            };
            self.push(Line {
                ts: l.ts,
                source,
                stream: l.stream,
                text: sanitize(&l.text),
            });
        }
        if self.top < self.base {
            self.top = self.base;
        }
    }

    /// A marker line ("stream interrupted ...") in the flow of lines.
    pub fn marker(&mut self, text: String) {
        self.push(Line {
            ts: 0,
            source: u32::MAX,
            stream: StreamKind::Stdout,
            text,
        });
    }

    pub fn source(&self, l: &Line) -> Option<&Source> {
        self.sources.get(l.source as usize)
    }

    /// Scrolls by `delta` lines; scrolling up leaves follow mode.
    pub fn scroll(&mut self, delta: i64, height: usize) {
        let bottom = self.end().saturating_sub(height as u64).max(self.base);
        if self.follow {
            self.top = bottom;
        }
        let next = (self.top as i64 + delta).clamp(self.base as i64, bottom as i64) as u64;
        if delta < 0 {
            self.follow = false;
        }
        self.top = next;
        if delta > 0 && self.top >= bottom {
            self.follow = true;
        }
    }

    pub fn set_search(&mut self, text: &str, height: usize) -> Result<(), String> {
        if text.is_empty() {
            self.search = None;
            self.search_text.clear();
            self.current_match = None;
            return Ok(());
        }
        let re = Regex::new(text).map_err(|e| {
            let first = e.to_string();
            let short = first
                .lines()
                .last()
                .unwrap_or("bad pattern")
                .trim()
                .to_string();
            format!("search /{text}/ is not a valid regex: {short}")
        })?;
        self.search = Some(re);
        self.search_text = text.to_string();
        self.current_match = None;
        self.next_match(false, height);
        Ok(())
    }

    pub fn matches(&self, l: &Line) -> bool {
        match &self.search {
            Some(re) if !l.is_marker() => re.is_match(&plain(&l.text)),
            _ => false,
        }
    }

    /// Moves to the next match (older with `backward`), wrapping around; stops following.
    pub fn next_match(&mut self, backward: bool, height: usize) -> bool {
        if self.search.is_none() || self.lines.is_empty() {
            return false;
        }
        let n = self.lines.len() as i64;
        // positions relative to the first line; -1 / n start before the first / after the last
        let start = match self.current_match {
            Some(m) if m >= self.base => (m - self.base) as i64,
            _ if backward => n,
            _ => -1,
        };
        for step in 1..=n {
            let rel = if backward { start - step } else { start + step };
            let abs = self.base + rel.rem_euclid(n) as u64;
            if let Some(l) = self.get(abs)
                && self.matches(l)
            {
                self.current_match = Some(abs);
                self.follow = false;
                if abs < self.top || abs >= self.top + height as u64 {
                    self.top = abs.saturating_sub(height as u64 / 3).max(self.base);
                }
                return true;
            }
        }
        false
    }

    /// The loaded lines as text, as saved to a file: time, task@node, stream, message.
    pub fn export(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            if l.is_marker() {
                continue;
            }
            let ts = Utc
                .timestamp_nanos(l.ts)
                .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
            let who = self.source(l).map(|s| s.label.as_str()).unwrap_or("");
            let stream = match l.stream {
                StreamKind::Stdout => "stdout",
                StreamKind::Stderr => "stderr",
            };
            out.push_str(&format!("{ts} {who} {stream} {}\n", plain(&l.text)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> LogView {
        LogView::new(
            LogTarget::Service {
                id: "s".into(),
                name: "web".into(),
            },
            100,
        )
    }

    fn lines(n: usize, from: usize) -> Vec<LogLine> {
        (from..from + n)
            .map(|i| LogLine {
                ts: i as i64,
                task_id: format!("t{}", i % 3),
                node_id: "n1".into(),
                stream: if i % 2 == 0 {
                    StreamKind::Stdout
                } else {
                    StreamKind::Stderr
                },
                text: format!("line {i}"),
            })
            .collect()
    }

    #[test]
    fn control_characters_never_pass_colours_do() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "a\x1b[31mred\x1b[0m b");
        assert_eq!(sanitize("x\x1b[2Jy\x1b]0;title\x07z\rw\x08"), "xy0;titlezw");
        assert_eq!(sanitize("a\tb"), "a    b");
        assert_eq!(plain("a\x1b[31mred\x1b[0m b"), "ared b");
    }

    #[test]
    fn the_ring_is_bounded_and_counts_what_it_dropped() {
        let mut v = view();
        v.ingest(lines(250, 0), |t, n| format!("{t}@{n}"));
        assert_eq!(v.lines.len(), 100);
        assert_eq!(v.dropped, 150);
        assert_eq!(v.get(v.base).unwrap().text, "line 150");
        assert_eq!(v.sources.len(), 3);
    }

    #[test]
    fn lines_of_different_tasks_are_merged_in_time_order() {
        let mut v = view();
        let mk = |ts, t: &str| LogLine {
            ts,
            task_id: t.into(),
            node_id: String::new(),
            stream: StreamKind::Stdout,
            text: format!("{t}{ts}"),
        };
        // task a's backlog, then task b's (as the engine sends them), then live lines
        v.ingest(
            vec![
                mk(1, "a"),
                mk(3, "a"),
                mk(5, "a"),
                mk(2, "b"),
                mk(4, "b"),
                mk(6, "b"),
                mk(7, "a"),
            ],
            |t, _| t.into(),
        );
        let order: Vec<i64> = v.lines.iter().map(|l| l.ts).collect();
        assert_eq!(order, vec![1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn scrolling_up_pauses_follow_and_the_bottom_resumes_it() {
        let mut v = view();
        v.ingest(lines(50, 0), |t, _| t.to_string());
        v.scroll(-5, 10);
        assert!(!v.follow);
        assert_eq!(v.top, 35);
        v.scroll(100, 10);
        assert!(v.follow);
    }

    #[test]
    fn regex_search_finds_and_wraps() {
        let mut v = view();
        v.ingest(lines(30, 0), |t, _| t.to_string());
        v.set_search(r"line (7|17)$", 10).unwrap();
        assert_eq!(v.current_match, Some(7));
        v.next_match(false, 10);
        assert_eq!(v.current_match, Some(17));
        v.next_match(false, 10);
        assert_eq!(v.current_match, Some(7));
        v.next_match(true, 10);
        assert_eq!(v.current_match, Some(17));
        let e = v.set_search("line (", 10).unwrap_err();
        assert!(e.contains("not a valid regex"), "{e}");
    }

    #[test]
    fn export_writes_every_loaded_line_without_markers() {
        let mut v = view();
        v.ingest(lines(3, 0), |t, n| format!("{t}@{n}"));
        v.marker("— stream resumed —".into());
        let text = v.export();
        assert_eq!(text.lines().count(), 3);
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with("t0@n1 stdout line 0"),
            "{text}"
        );
    }
}
