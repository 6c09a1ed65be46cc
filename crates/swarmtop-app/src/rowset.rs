//! A pane's rows after filter and sort, without copying rows: the rows built from the cluster
//! are shared, and filtering and sorting only arrange indices into them.
//!
//! At 40,000 tasks a keystroke must not rebuild or copy rows: a filter that grows narrows the
//! matches of the one before (a fuzzy match of `web` is also one of `we`), a filter cut back
//! finds its earlier matches again, and each column's order is sorted once per set of rows.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use super::rows::{Cell, Row, SortRef};
use super::text_match::{Mode, Needle};

/// The rows' texts and sort keys packed together, built once with the rows: filtering and
/// sorting read these few megabytes instead of walking every cell of every row.
#[derive(Default)]
struct Packed {
    /// Each row's cell texts, each followed by a NUL.
    texts: Vec<u8>,
    /// Where each row's texts start in `texts` (one more at the end).
    row_at: Vec<u32>,
    /// Rows with a text beyond ASCII (matched cell by cell, by nucleo).
    unicode: Vec<bool>,
    /// Sort keys, row by row (`columns` per row).
    keys: Vec<Flat>,
    columns: usize,
    /// The text of the text sort keys.
    key_texts: Vec<u8>,
    /// The ID columns (bit i: column i), matched from their start only.
    by_prefix: u64,
    /// Some row has a text beyond ASCII.
    any_unicode: bool,
}

impl Packed {
    fn new(rows: &[Row]) -> Packed {
        let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let mut p = Packed {
            columns,
            row_at: Vec::with_capacity(rows.len() + 1),
            unicode: Vec::with_capacity(rows.len()),
            keys: Vec::with_capacity(rows.len() * columns),
            ..Default::default()
        };
        for r in rows {
            p.row_at.push(p.texts.len() as u32);
            let mut unicode = false;
            for (i, c) in r.cells.iter().enumerate() {
                if c.by_prefix && i < 64 {
                    p.by_prefix |= 1 << i;
                }
                let t = c.search_text();
                unicode |= !t.is_ascii();
                p.texts.extend_from_slice(t.as_bytes());
                p.texts.push(0);
            }
            p.unicode.push(unicode);
            p.any_unicode |= unicode;
            for col in 0..columns {
                let k = flatten(r.cells.get(col).map(Cell::sort_key), &mut p.key_texts);
                p.keys.push(k);
            }
        }
        p.row_at.push(p.texts.len() as u32);
        p
    }

    fn key(&self, row: u32, col: usize) -> &Flat {
        &self.keys[row as usize * self.columns + col]
    }

    fn key_text(&self, f: &Flat) -> &[u8] {
        &self.key_texts[f.at as usize..(f.at + f.len) as usize]
    }

    /// The row's cell texts, NUL after each.
    fn texts(&self, row: u32) -> &[u8] {
        let r = row as usize;
        &self.texts[self.row_at[r] as usize..self.row_at[r + 1] as usize]
    }
}

/// The rows of a list, in the order shown.
#[derive(Clone, Default)]
pub struct Rows {
    base: Arc<Vec<Row>>,
    packed: Arc<Packed>,
    /// Indices into `base` of the rows shown, in order.
    order: Vec<u32>,
    /// Matches (indices in `base` order) of each filter typed so far, shortest first, and
    /// how they were found.
    matches: Vec<(String, Mode, Vec<u32>)>,
    /// `base` sorted by (column, reverse), for each one asked for so far.
    sorted: Vec<(usize, bool, Vec<u32>)>,
}

impl Rows {
    /// All of `base`, in its order.
    pub fn new(base: Vec<Row>) -> Rows {
        let order = (0..base.len() as u32).collect();
        Rows {
            packed: Arc::new(Packed::new(&base)),
            base: Arc::new(base),
            order,
            matches: Vec::new(),
            sorted: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Rows before filtering.
    pub fn total(&self) -> usize {
        self.base.len()
    }

    pub fn get(&self, i: usize) -> Option<&Row> {
        self.order.get(i).map(|&b| &self.base[b as usize])
    }

    pub fn iter(&self) -> RowsIter<'_> {
        RowsIter {
            base: &self.base,
            order: self.order.iter(),
        }
    }

    /// Whether both were arranged from the same rows (built once, shared).
    pub fn same_rows(&self, other: &Rows) -> bool {
        Arc::ptr_eq(&self.base, &other.base)
    }

    /// The rows shown from `start` (at most `n`).
    pub fn window(&self, start: usize, n: usize) -> impl Iterator<Item = &Row> + '_ {
        self.order
            .iter()
            .skip(start)
            .take(n)
            .map(|&b| &self.base[b as usize])
    }

    /// Shows the rows that match `filter`, sorted by column `sort` (reversed: descending, ties
    /// still in the natural order), or in the natural order (reversed: backwards).
    pub fn arrange(&mut self, filter: &str, sort: Option<usize>, reverse: bool) {
        let filter = filter.trim();
        if filter.is_empty() {
            self.matches.clear();
        } else {
            self.find_matches(filter);
        }
        if let Some(col) = sort {
            self.sort_by(col, reverse);
        }
        let matched = (!filter.is_empty())
            .then(|| self.matches.last().map(|(_, _, m)| m.as_slice()))
            .flatten();
        let all = self.base.len() as u32;
        let perm = sort.and_then(|col| {
            self.sorted
                .iter()
                .find(|(c, r, _)| *c == col && *r == reverse)
                .map(|(_, _, p)| p)
        });
        self.order = match perm {
            Some(perm) => match matched {
                None => perm.clone(),
                Some(m) => {
                    let mut keep = vec![false; self.base.len()];
                    for &i in m {
                        keep[i as usize] = true;
                    }
                    perm.iter().copied().filter(|&i| keep[i as usize]).collect()
                }
            },
            _ => {
                let mut v: Vec<u32> = match matched {
                    None => (0..all).collect(),
                    Some(m) => self.ranked(filter, m),
                };
                if reverse {
                    v.reverse();
                }
                v
            }
        };
    }

    /// Matched rows best first: those whose name starts with the filter, then those whose
    /// name holds it, then the rest, each group in the pane's order. Only when the list is
    /// not sorted by a column.
    fn ranked(&self, filter: &str, matched: &[u32]) -> Vec<u32> {
        let needle = Needle::new(filter);
        let mut groups: [Vec<u32>; 3] = Default::default();
        for &i in matched {
            let name = self.base[i as usize]
                .cells
                .first()
                .map(Cell::search_text)
                .unwrap_or("");
            groups[needle.rank(name).min(2) as usize].push(i);
        }
        groups.concat()
    }

    /// Finds the matches of `filter`, narrowing those of a filter it extends when there is one.
    /// As substrings; fuzzily when no row has it as a substring.
    fn find_matches(&mut self, filter: &str) {
        // drop what `filter` does not extend; the last one left is narrowed
        while let Some((f, _, _)) = self.matches.last() {
            if f == filter || narrows(f, filter) {
                break;
            }
            self.matches.pop();
        }
        if self.matches.last().is_some_and(|(f, _, _)| f == filter) {
            return;
        }
        let needle = Needle::new(filter);
        let mut m = super::text_match::Matcher::default();
        let (base, packed) = (&self.base, &self.packed);
        let mut hit = |i: u32, mode: Mode| {
            if !packed.unicode[i as usize]
                && let Some(found) =
                    needle.matches_any_ascii(packed.texts(i), packed.by_prefix, mode)
            {
                return found;
            }
            base[i as usize]
                .cells
                .iter()
                .any(|c| m.matches(&needle, c.search_text(), c.by_prefix, mode))
        };
        let everything = || 0..base.len() as u32;
        // what a filter extends matched holds all its matches, in the same mode: a fuzzy
        // filter's extension has no substring match either
        let (mode, found) = match self.matches.last() {
            Some((_, Mode::Fuzzy, prev)) => (
                Mode::Fuzzy,
                prev.iter()
                    .copied()
                    .filter(|&i| hit(i, Mode::Fuzzy))
                    .collect(),
            ),
            Some((_, Mode::Substring, prev)) => {
                let v: Vec<u32> = prev
                    .iter()
                    .copied()
                    .filter(|&i| hit(i, Mode::Substring))
                    .collect();
                if v.is_empty() {
                    // the fuzzy matches are among those of a filter of one-letter words
                    // typed before (for those, a substring is a subsequence): on ASCII rows
                    let from = if packed.any_unicode {
                        None
                    } else {
                        self.matches.iter().rev().find(|(f, m, _)| {
                            *m == Mode::Substring
                                && f.is_ascii()
                                && !f.contains('\\')
                                && f.split(' ').all(|w| w.len() <= 1)
                        })
                    };
                    let found = match from {
                        Some((_, _, narrow)) => narrow
                            .iter()
                            .copied()
                            .filter(|&i| hit(i, Mode::Fuzzy))
                            .collect(),
                        None => everything().filter(|&i| hit(i, Mode::Fuzzy)).collect(),
                    };
                    (Mode::Fuzzy, found)
                } else {
                    (Mode::Substring, v)
                }
            }
            None => {
                let v: Vec<u32> = everything().filter(|&i| hit(i, Mode::Substring)).collect();
                if v.is_empty() {
                    (
                        Mode::Fuzzy,
                        everything().filter(|&i| hit(i, Mode::Fuzzy)).collect(),
                    )
                } else {
                    (Mode::Substring, v)
                }
            }
        };
        self.matches.push((filter.to_string(), mode, found));
    }

    /// Whether the filter shown matched fuzzily (nothing held it as a substring).
    pub fn fuzzy(&self) -> bool {
        self.matches
            .last()
            .is_some_and(|(_, mode, _)| *mode == Mode::Fuzzy)
    }

    /// Sorts the rows by a column, once per column and direction.
    fn sort_by(&mut self, col: usize, reverse: bool) {
        let cached = self
            .sorted
            .iter()
            .any(|(c, r, _)| *c == col && *r == reverse);
        if !cached {
            let perm = sort_indices(&self.packed, col, reverse);
            self.sorted.push((col, reverse, perm));
        }
    }
}

/// The rows shown, in order.
pub struct RowsIter<'a> {
    base: &'a [Row],
    order: std::slice::Iter<'a, u32>,
}

impl<'a> Iterator for RowsIter<'a> {
    type Item = &'a Row;
    fn next(&mut self) -> Option<&'a Row> {
        self.order.next().map(|&b| &self.base[b as usize])
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }
}

impl DoubleEndedIterator for RowsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.order.next_back().map(|&b| &self.base[b as usize])
    }
}

impl ExactSizeIterator for RowsIter<'_> {}

/// Whether every match of `longer` is a match of `shorter`, so the matches of `shorter` can be
/// narrowed: `longer` adds letters to its last word (or whole new words) and nothing that
/// changes how the words are split or escaped.
fn narrows(shorter: &str, longer: &str) -> bool {
    let Some(added) = longer.strip_prefix(shorter) else {
        return false;
    };
    !shorter.is_empty()
        && shorter.is_ascii()
        && added.is_ascii()
        && !shorter.ends_with('\\')
        && !shorter.ends_with(' ')
        && !added.contains('\\')
}

/// A sort key laid out for fast comparison: its class (missing, number, text), then 128 bits
/// that order like the key (all of a number; a text's first 16 bytes), then the text itself
/// (copied into one buffer) for the texts those bits do not settle.
#[derive(Clone, Copy)]
struct Flat {
    class: u8,
    head: u128,
    /// The text's bytes in the shared buffer.
    at: u32,
    len: u32,
}

fn flatten(k: Option<SortRef>, texts: &mut Vec<u8>) -> Flat {
    match k {
        None => Flat {
            class: 0,
            head: 0,
            at: 0,
            len: 0,
        },
        Some(SortRef::Num(n)) => {
            // NaN compares as nothing: put it first; -0.0 equals 0.0
            let n = if n.is_nan() || n == 0.0 { 0.0f64 } else { n };
            let bits = n.to_bits();
            let ordered = if bits >> 63 == 1 {
                !bits
            } else {
                bits | (1 << 63)
            };
            Flat {
                class: 1,
                head: ordered as u128,
                at: 0,
                len: 0,
            }
        }
        Some(SortRef::Text(s)) => {
            let mut b = [0u8; 16];
            for (d, s) in b.iter_mut().zip(s.bytes()) {
                *d = s;
            }
            let at = texts.len() as u32;
            texts.extend_from_slice(s.as_bytes());
            Flat {
                class: 2,
                head: u128::from_be_bytes(b),
                at,
                len: s.len() as u32,
            }
        }
    }
}

/// Stable sort of the row indices by one column's key; `reverse` sorts descending with equal
/// keys still in the natural order.
fn sort_indices(p: &Packed, col: usize, reverse: bool) -> Vec<u32> {
    let rows = p.row_at.len().saturating_sub(1) as u32;
    if col >= p.columns {
        return (0..rows).collect();
    }
    // the column's keys side by side: the sort then stays in a megabyte or two
    let mut keyed: Vec<(Flat, u32)> = (0..rows).map(|i| (*p.key(i, col), i)).collect();
    keyed.sort_unstable_by(|(a, ai), (b, bi)| {
        let o = a
            .class
            .cmp(&b.class)
            .then(a.head.cmp(&b.head))
            .then_with(|| {
                if a.class != 2 {
                    Ordering::Equal
                } else if a.len <= 16 && b.len <= 16 {
                    // both whole in their first 16 bytes (NUL-padded): the shorter comes first
                    a.len.cmp(&b.len)
                } else {
                    // equal first 16 bytes: the rest decides
                    p.key_text(a).cmp(p.key_text(b))
                }
            });
        let o = if reverse { o.reverse() } else { o };
        o.then(ai.cmp(bi))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

impl Index<usize> for Rows {
    type Output = Row;
    fn index(&self, i: usize) -> &Row {
        &self.base[self.order[i] as usize]
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::{Cell, Tone, filter_rows, sort_rows};

    fn row(id: usize, name: &str, n: f64) -> Row {
        Row {
            id: id.to_string(),
            cells: vec![Cell::text(name), Cell::num(n, n.to_string())],
            tone: Tone::Normal,
        }
    }

    /// With `unicode`, names beyond ASCII among them (the fast paths differ without).
    fn sample_of(unicode: bool) -> Vec<Row> {
        let names = [
            "web",
            "api",
            "Worker",
            "db",
            "webapp",
            "shop_web.1",
            "shop_web.10",
            "x",
            "registry.example.com/shop/web:1.2",
            "registry.example.com/shop/web:1.10",
            if unicode { "café" } else { "cafe" },
            if unicode { "Éclair web" } else { "Eclair web" },
        ];
        (0..300)
            .map(|i| {
                let n = names[i % names.len()];
                let mut r = row(i, &format!("{n}-{}", i % 7), ((i * 37) % 11) as f64 - 3.0);
                // an ID, matched from its start only: some start with "we", many hold it
                r.cells
                    .push(Cell::id(format!("{}we{i}", ["", "x", "w"][i % 3])));
                // some rows lack a cell: they sort first
                if i % 13 == 0 {
                    r.cells.pop();
                }
                r
            })
            .collect()
    }

    fn ids(r: &Rows) -> Vec<String> {
        r.iter().map(|r| r.id.clone()).collect()
    }

    fn plain(rows: Vec<Row>, filter: &str, sort: Option<usize>, reverse: bool) -> Vec<String> {
        let mut v = filter_rows(rows, filter);
        match sort {
            // sorted by a column, equals keep the pane's order (the rank is for no sort)
            Some(c) => {
                v.sort_by_key(|r| r.id.parse::<usize>().unwrap_or(0));
                sort_rows(&mut v, c, reverse)
            }
            None if reverse => v.reverse(),
            None => {}
        }
        v.into_iter().map(|r| r.id).collect()
    }

    #[test]
    fn same_rows_as_filtering_and_sorting_copies() {
        for unicode in [true, false] {
            same_rows_for(unicode);
        }
    }

    fn same_rows_for(unicode: bool) {
        let mut r = Rows::new(sample_of(unicode));
        // typed one key at a time, cut back, retyped, with every order; "wbq" and "s w e"
        // match only fuzzily after a one-letter filter
        for filter in [
            "w", "wb", "wbq", "wbqz", "s", "s w", "s w e", "s w ex", "", "web", "wx", "", "w",
            "we", "web", "web ", "web 1", "we", "W", "Wo", "", "sh web", "x", "zz", "é", "cafe",
            "reg 10", "-3", "xwe1", "wwe", "we1", "qz", "qzz", "q",
        ] {
            for sort in [None, Some(0), Some(1)] {
                for reverse in [false, true] {
                    r.arrange(filter, sort, reverse);
                    assert_eq!(
                        ids(&r),
                        plain(sample_of(unicode), filter, sort, reverse),
                        "unicode {unicode} filter {filter:?} sort {sort:?} reverse {reverse}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_view_shown_again_reuses_its_rows_until_the_data_changes() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        use crate::panes::Pane;
        use crate::{Msg, State, update};
        use swarmtop_model::feed::{EngineMsg, Part};
        let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            swarmtop_settings::keymap::Keymap::default_keymap(),
            chrono::Utc::now(),
        );
        let c = swarmtop_model::cluster::fixtures::sample();
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c.clone()))));
        let before = s.list(Pane::Nodes).rows.clone();
        for k in ['2', 'o', '/', 'x'] {
            update(&mut s, key(k));
        }
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        update(&mut s, key('1'));
        assert!(
            s.list(Pane::Nodes).rows.same_rows(&before),
            "rebuilt without a change"
        );
        update(
            &mut s,
            Msg::Engine(EngineMsg::Part(Part::Nodes(c.nodes.clone()))),
        );
        assert!(
            !s.list(Pane::Nodes).rows.same_rows(&before),
            "not rebuilt after a change"
        );
        // the services were filtered and sorted when left: they still are, from their rows
        update(&mut s, key('2'));
        let l = s.list(Pane::Services);
        assert_eq!((l.filter.as_str(), l.sort_col), ("x", Some(0)));
    }
}
