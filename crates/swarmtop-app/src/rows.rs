//! Rows of the list panes: what each pane lists, its columns, and the filtering and sorting
//! shared by all panes. Built when data changes, never per frame.

use chrono::{DateTime, Utc};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// The visual role of a cell, mapped to a theme style when drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Dim,
    Ok,
    Warn,
    Bad,
}

/// A cell's value. Ages are kept as times and turned into text when drawn, so rows need not be
/// rebuilt every second.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Age(Option<DateTime<Utc>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub tone: Tone,
    /// An ID: the filter matches it from its start only, as the docker CLI takes an ID prefix
    /// (a word found anywhere in 25 random characters matched rows for no visible reason).
    pub by_prefix: bool,
    /// What sorting compares; numbers sort as numbers.
    pub sort: SortKey,
}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortKey {
    Num(f64),
    Text(String),
    /// The shown text, which is its own sort key (already lower case): most cells, kept once.
    Shown,
}

/// A cell's sort key as compared: numbers before texts.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub enum SortRef<'a> {
    Num(f64),
    Text(&'a str),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let mut s = s.into();
        // engine data (names, labels, error texts) must never drive the terminal
        if s.chars().any(char::is_control) {
            s = s.chars().filter(|c| !c.is_control()).collect();
        }
        // most cells are ASCII and lower case already: they keep no second copy to sort by
        let sort = if s.is_ascii() {
            if s.bytes().any(|b| b.is_ascii_uppercase()) {
                SortKey::Text(s.to_ascii_lowercase())
            } else {
                SortKey::Shown
            }
        } else {
            let folded = s.to_lowercase();
            if folded == s {
                SortKey::Shown
            } else {
                SortKey::Text(folded)
            }
        };
        Cell {
            sort,
            value: Value::Text(s),
            tone: Tone::Normal,
            by_prefix: false,
        }
    }
    /// An object's ID (dim; the filter matches it by prefix).
    pub fn id(s: impl Into<String>) -> Cell {
        let mut c = Cell::text(s).tone(Tone::Dim);
        c.by_prefix = true;
        c
    }
    pub fn num(n: f64, shown: impl Into<String>) -> Cell {
        Cell {
            value: Value::Text(shown.into()),
            tone: Tone::Normal,
            by_prefix: false,
            sort: SortKey::Num(n),
        }
    }
    pub fn age(t: Option<DateTime<Utc>>) -> Cell {
        Cell {
            // older first when sorted ascending by age = newest time last
            sort: SortKey::Num(t.map(|t| -(t.timestamp() as f64)).unwrap_or(f64::MIN)),
            value: Value::Age(t),
            tone: Tone::Dim,
            by_prefix: false,
        }
    }
    pub fn tone(mut self, tone: Tone) -> Cell {
        self.tone = tone;
        self
    }
    /// What sorting compares.
    pub fn sort_key(&self) -> SortRef<'_> {
        match &self.sort {
            SortKey::Num(n) => SortRef::Num(*n),
            SortKey::Text(t) => SortRef::Text(t),
            SortKey::Shown => SortRef::Text(self.search_text()),
        }
    }
    /// The text used by the fuzzy filter (ages are not searchable).
    pub fn search_text(&self) -> &str {
        match &self.value {
            Value::Text(s) => s,
            Value::Age(_) => "",
        }
    }
}

/// A column: its title, the narrowest useful width, and the priority by which columns are
/// dropped on narrow terminals (1 = kept longest). A `grow` column takes the spare width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub title: &'static str,
    pub min: u16,
    pub max: u16,
    pub priority: u8,
    pub grow: bool,
    /// Left out while every row in view has it empty (figures from the nodes' engines,
    /// which may not be reached at all): no width is spent on a column of blanks.
    pub hide_empty: bool,
}

impl Column {
    /// The column is left out while every row in view has it empty.
    pub const fn when_known(mut self) -> Column {
        self.hide_empty = true;
        self
    }
}

pub const fn col(title: &'static str, min: u16, max: u16, priority: u8) -> Column {
    Column {
        title,
        min,
        max,
        priority,
        grow: false,
        hide_empty: false,
    }
}

/// A column that takes the width left over (error texts, images, problem descriptions).
pub const fn grow(title: &'static str, min: u16, max: u16, priority: u8) -> Column {
    Column {
        title,
        min,
        max,
        priority,
        grow: true,
        hide_empty: false,
    }
}

/// One row: the object's ID (selection follows it across refreshes) and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
    /// Worst tone of the row, used to colour the whole line.
    pub tone: Tone,
}

/// Keeps the rows that match `filter` (all rows when it is empty), best first: each word a
/// substring of one cell (an ID cell: its start), or, when no row matches so, a subsequence
/// (nucleo's fuzzy rules); rows whose first cell starts with the first word lead, then those
/// whose first cell holds it. Cells are matched one by one: the joined row would find "node3"
/// scattered over any row. The plain form of what `rowset` does fast.
pub fn filter_rows(rows: Vec<Row>, filter: &str) -> Vec<Row> {
    let filter = filter.trim();
    if filter.is_empty() {
        return rows;
    }
    let fuzzy = Pattern::new(
        filter,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let words = super::text_match::filter_words(filter);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut keep = |rows: &[Row], fuzzily: bool| -> Vec<usize> {
        (0..rows.len())
            .filter(|&i| {
                rows[i].cells.iter().any(|c| {
                    let t = c.search_text();
                    if c.by_prefix || !fuzzily {
                        super::text_match::plain_match(&words, t, c.by_prefix)
                    } else {
                        fuzzy
                            .score(Utf32Str::new(t, &mut buf), &mut matcher)
                            .is_some()
                    }
                })
            })
            .collect()
    };
    let mut found = keep(&rows, false);
    if found.is_empty() {
        found = keep(&rows, true);
    }
    let first = words.first().cloned().unwrap_or_default();
    let rank = |r: &Row| {
        let name = r.cells.first().map(Cell::search_text).unwrap_or("");
        let first = std::slice::from_ref(&first);
        if super::text_match::plain_match(first, name, true) {
            0
        } else if super::text_match::plain_match(first, name, false) {
            1
        } else {
            2
        }
    };
    let mut out: Vec<Row> = Vec::with_capacity(found.len());
    let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    for i in found {
        if let Some(r) = rows[i].take() {
            out.push(r);
        }
    }
    out.sort_by_key(rank);
    out
}

/// Stable sort by one column; equal keys keep the pane's natural order.
pub fn sort_rows(rows: &mut [Row], col: usize, reverse: bool) {
    rows.sort_by(|a, b| {
        let ka = a.cells.get(col).map(Cell::sort_key);
        let kb = b.cells.get(col).map(Cell::sort_key);
        let o = ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal);
        if reverse { o.reverse() } else { o }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, n: f64) -> Row {
        Row {
            id: id.into(),
            cells: vec![Cell::text(name), Cell::num(n, n.to_string())],
            tone: Tone::Normal,
        }
    }

    #[test]
    fn fuzzy_filter_matches_subsequences_when_no_substring_does() {
        let rows = vec![row("1", "node1", 1.0), row("2", "worker-b", 2.0)];
        let got = filter_rows(rows, "nd1");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, "1");
    }

    /// `/web` among services: what holds "web" as shown, best first; not every service whose
    /// image (swarmtest/busybox) or ID has w, e and b somewhere.
    #[test]
    fn a_filter_matches_what_is_shown_best_first() {
        let svc = |id: &str, name: &str, sid: &str| Row {
            id: id.into(),
            cells: vec![
                Cell::text(name),
                Cell::text("swarmtest/busybox:1"),
                Cell::id(sid),
            ],
            tone: Tone::Normal,
        };
        let rows = vec![
            svc("1", "shop_web", "k2webzz"),
            svc("2", "api", "w1e2b3"),
            svc("3", "web", "a1"),
            svc("4", "db", "webq11"),
            svc("5", "webhook", "b2"),
        ];
        let got: Vec<String> = filter_rows(rows.clone(), "web")
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(got, ["3", "5", "1", "4"], "4: its ID starts with web");
        let got: Vec<String> = filter_rows(rows, "k2w").into_iter().map(|r| r.id).collect();
        assert_eq!(got, ["1"]);
    }

    #[test]
    fn texts_sort_without_case_and_lower_case_is_kept_once() {
        assert_eq!(Cell::text("web.1").sort, SortKey::Shown);
        assert_eq!(Cell::text("Web.1").sort, SortKey::Text("web.1".into()));
        assert_eq!(Cell::text("été").sort, SortKey::Shown);
        assert_eq!(Cell::text("Été").sort, SortKey::Text("été".into()));
        let mut rows = vec![
            row("c", "charlie", 0.0),
            row("b", "Bravo", 0.0),
            row("a", "alpha", 0.0),
        ];
        sort_rows(&mut rows, 0, false);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
    }

    #[test]
    fn numbers_sort_as_numbers() {
        let mut rows = vec![row("a", "x", 10.0), row("b", "y", 9.0)];
        sort_rows(&mut rows, 1, false);
        assert_eq!(rows[0].id, "b");
        sort_rows(&mut rows, 1, true);
        assert_eq!(rows[0].id, "a");
    }
}
