//! A pane's rows after filter and sort, without copying rows: the rows built from the data
//! are packed once into a few flat buffers that are shared, and filtering and sorting only
//! arrange indices into them.
//!
//! At 100,000 tasks a list must not keep a row object per task (ten cells, each its own
//! string: ~1 KB a row) nor rebuild or copy rows per keystroke: a row is packed as it is built
//! (its cell texts one after the other, a byte per cell for its kind and tone, the numbers of
//! numeric cells) and made into a `Row` again only when it is drawn or acted on. A filter that
//! grows narrows the matches of the one before (a match of `web` is also one of `we`), a
//! filter cut back finds its earlier matches again, and each column's order is sorted once per
//! set of rows, from keys worked out for that column only when it is asked for.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::rows::{Cell, Row, SortKey, SortRef, Tone, Value};
use super::text_match::{Mode, Needle};

/// What a packed cell is (its text is in `Packed::texts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The row has fewer cells.
    Missing = 0,
    /// Text that sorts as itself (lower case).
    Shown = 1,
    /// Text that sorts by its lower-case form.
    Folded = 2,
    /// A number shown as its text.
    Num = 3,
    /// An age (its time, in microseconds, among the numbers).
    Age = 4,
    /// An unknown age.
    AgeNone = 5,
}

const KINDS: [Kind; 6] = [
    Kind::Missing,
    Kind::Shown,
    Kind::Folded,
    Kind::Num,
    Kind::Age,
    Kind::AgeNone,
];
const TONES: [Tone; 5] = [Tone::Normal, Tone::Dim, Tone::Ok, Tone::Warn, Tone::Bad];

fn tone_bits(t: Tone) -> u8 {
    match t {
        Tone::Normal => 0,
        Tone::Dim => 1,
        Tone::Ok => 2,
        Tone::Warn => 3,
        Tone::Bad => 4,
    }
}

/// A cell's kind and tone in one byte.
fn meta(kind: Kind, tone: Tone) -> u8 {
    (kind as u8) | (tone_bits(tone) << 3)
}

fn kind_of(m: u8) -> Kind {
    KINDS[(m & 7) as usize % KINDS.len()]
}

fn tone_of(m: u8) -> Tone {
    TONES[(m >> 3) as usize % TONES.len()]
}

/// The rows, packed: texts, kinds, tones and numbers in flat buffers.
#[derive(Default)]
struct Packed {
    /// Each row's cell texts, each followed by a NUL.
    texts: Vec<u8>,
    /// Where each row's texts start in `texts` (one more at the end).
    row_at: Vec<u32>,
    /// Each row's ID, one after the other; `id_at` as `row_at`.
    ids: Vec<u8>,
    id_at: Vec<u32>,
    /// Each row's cells' kind and tone (`meta`); `cell_at` as `row_at`.
    cells: Vec<u8>,
    cell_at: Vec<u32>,
    /// The numbers of the numeric and age cells, in cell order; `num_at` as `row_at`.
    nums: Vec<f64>,
    num_at: Vec<u32>,
    /// Each row's own tone.
    row_tone: Vec<u8>,
    /// Rows with a text beyond ASCII (matched cell by cell, by nucleo).
    unicode: Vec<bool>,
    columns: usize,
    /// The ID columns (bit i: column i), matched from their start only.
    by_prefix: u64,
    /// Some row has a text beyond ASCII.
    any_unicode: bool,
}

/// Packs rows as a pane builds them, cell by cell: a large pane (tasks) writes its cells
/// straight into the packed buffers and never makes a `Row`; the others hand over rows.
pub struct RowsBuilder {
    p: Packed,
    /// Cells of the row being built.
    cells_in_row: usize,
    unicode_row: bool,
}

impl Default for RowsBuilder {
    fn default() -> RowsBuilder {
        RowsBuilder {
            p: Packed {
                row_at: vec![0],
                id_at: vec![0],
                num_at: vec![0],
                cell_at: vec![0],
                ..Default::default()
            },
            cells_in_row: 0,
            unicode_row: false,
        }
    }
}

impl RowsBuilder {
    /// A text cell (control characters left out: engine data must never drive the terminal).
    pub fn text(&mut self, s: &str, tone: Tone) {
        let at = self.p.texts.len();
        if s.chars().any(char::is_control) {
            for c in s.chars().filter(|c| !c.is_control()) {
                let mut b = [0u8; 4];
                self.p
                    .texts
                    .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        } else {
            self.p.texts.extend_from_slice(s.as_bytes());
        }
        self.end_text(at, tone, false);
    }

    /// A text cell written in place (`format_args!`): no string is made for it.
    pub fn text_fmt(&mut self, args: fmt::Arguments, tone: Tone) {
        use std::io::Write;
        let at = self.p.texts.len();
        let _ = self.p.texts.write_fmt(args);
        if self.p.texts[at..].iter().any(|&b| b < 0x20 || b == 0x7f)
            || !self.p.texts[at..].is_ascii()
        {
            // the rare text with control characters or beyond ASCII: cleaned as `text` does
            let written = String::from_utf8_lossy(&self.p.texts[at..]).into_owned();
            self.p.texts.truncate(at);
            self.text(&written, tone);
            return;
        }
        self.end_text(at, tone, false);
    }

    /// An object's ID (dim; the filter matches it by prefix).
    pub fn id_text(&mut self, s: &str) {
        let at = self.p.texts.len();
        self.p.texts.extend_from_slice(s.as_bytes());
        self.end_text(at, Tone::Dim, true);
    }

    /// The text just written from `at`: its kind (sorts as itself when lower case).
    fn end_text(&mut self, at: usize, tone: Tone, by_prefix: bool) {
        let t = &self.p.texts[at..];
        let kind = if t.is_ascii() {
            if t.iter().any(u8::is_ascii_uppercase) {
                Kind::Folded
            } else {
                Kind::Shown
            }
        } else {
            self.unicode_row = true;
            let t = std::str::from_utf8(t).unwrap_or("");
            if t.to_lowercase() == t {
                Kind::Shown
            } else {
                Kind::Folded
            }
        };
        self.p.texts.push(0);
        self.end_cell(kind, tone, by_prefix);
    }

    /// A number, shown as `shown`, sorted as `n`.
    pub fn num(&mut self, n: f64, shown: &str, tone: Tone) {
        self.p.nums.push(n);
        if !shown.is_ascii() {
            self.unicode_row = true;
        }
        self.p.texts.extend_from_slice(shown.as_bytes());
        self.p.texts.push(0);
        self.end_cell(Kind::Num, tone, false);
    }

    /// A number, shown as written in place.
    pub fn text_num(&mut self, n: f64, shown: fmt::Arguments, tone: Tone) {
        use std::io::Write;
        self.p.nums.push(n);
        let at = self.p.texts.len();
        let _ = self.p.texts.write_fmt(shown);
        if !self.p.texts[at..].is_ascii() {
            self.unicode_row = true;
        }
        self.p.texts.push(0);
        self.end_cell(Kind::Num, tone, false);
    }

    /// An age, kept as its time (turned into text when drawn).
    pub fn age(&mut self, t: Option<DateTime<Utc>>, tone: Tone) {
        let kind = match t {
            Some(t) => {
                self.p.nums.push(t.timestamp_micros() as f64);
                Kind::Age
            }
            None => Kind::AgeNone,
        };
        self.p.texts.push(0);
        self.end_cell(kind, tone, false);
    }

    fn end_cell(&mut self, kind: Kind, tone: Tone, by_prefix: bool) {
        let i = self.cells_in_row;
        if by_prefix && i < 64 {
            self.p.by_prefix |= 1 << i;
        }
        self.p.cells.push(meta(kind, tone));
        self.cells_in_row += 1;
    }

    /// A cell made by a pane's helper.
    pub fn cell(&mut self, c: &Cell) {
        match (&c.value, &c.sort) {
            (Value::Age(t), _) => self.age(*t, c.tone),
            (Value::Text(t), SortKey::Num(n)) => self.num(*n, t, c.tone),
            (Value::Text(t), _) if c.by_prefix => {
                let at = self.p.texts.len();
                self.p.texts.extend_from_slice(t.as_bytes());
                self.end_text(at, c.tone, true);
            }
            (Value::Text(t), _) => self.text(t, c.tone),
        }
    }

    /// Ends the row of the cells given since the last one: its ID and its own tone.
    pub fn end_row(&mut self, id: &str, tone: Tone) {
        let p = &mut self.p;
        p.ids.extend_from_slice(id.as_bytes());
        p.row_tone.push(tone_bits(tone));
        p.columns = p.columns.max(self.cells_in_row);
        p.unicode.push(self.unicode_row);
        p.any_unicode |= self.unicode_row;
        p.row_at.push(p.texts.len() as u32);
        p.id_at.push(p.ids.len() as u32);
        p.num_at.push(p.nums.len() as u32);
        p.cell_at.push(p.cells.len() as u32);
        self.cells_in_row = 0;
        self.unicode_row = false;
    }

    /// A whole row.
    pub fn push(&mut self, r: &Row) {
        for c in &r.cells {
            self.cell(c);
        }
        self.end_row(&r.id, r.tone);
    }

    /// The rows, in the order given.
    pub fn finish(mut self) -> Rows {
        let p = &mut self.p;
        for v in [&mut p.texts, &mut p.ids, &mut p.cells] {
            v.shrink_to_fit();
        }
        p.nums.shrink_to_fit();
        let packed = self.p;
        Rows {
            order: (0..packed.len() as u32).collect(),
            packed: Arc::new(packed),
            matches: Vec::new(),
            sorted: Vec::new(),
        }
    }
}

impl Packed {
    fn len(&self) -> usize {
        self.row_tone.len()
    }

    /// The row's cells' kind and tone.
    fn metas(&self, row: u32) -> &[u8] {
        let r = row as usize;
        &self.cells[self.cell_at[r] as usize..self.cell_at[r + 1] as usize]
    }

    /// The row's cell texts, NUL after each.
    fn texts(&self, row: u32) -> &[u8] {
        let r = row as usize;
        &self.texts[self.row_at[r] as usize..self.row_at[r + 1] as usize]
    }

    /// The row's cell texts, one by one.
    fn cell_texts(&self, row: u32) -> impl Iterator<Item = &str> + '_ {
        let t = self.texts(row);
        // packed from `&str`s split at the NULs put after each: whole UTF-8 each
        t[..t.len().saturating_sub(1)]
            .split(|&b| b == 0)
            .map(|b| std::str::from_utf8(b).unwrap_or(""))
            .take(if t.is_empty() { 0 } else { usize::MAX })
    }

    fn cell_text(&self, row: u32, col: usize) -> &str {
        self.cell_texts(row).nth(col).unwrap_or("")
    }

    fn id(&self, row: u32) -> &str {
        let r = row as usize;
        std::str::from_utf8(&self.ids[self.id_at[r] as usize..self.id_at[r + 1] as usize])
            .unwrap_or("")
    }

    /// The cell's kind and tone; `Missing` past the row's cells.
    fn meta(&self, row: u32, col: usize) -> u8 {
        self.metas(row)
            .get(col)
            .copied()
            .unwrap_or(meta(Kind::Missing, Tone::Normal))
    }

    /// The number of a numeric or age cell.
    fn num(&self, row: u32, col: usize) -> f64 {
        let at = self.metas(row)[..col.min(self.metas(row).len())]
            .iter()
            .filter(|&&m| matches!(kind_of(m), Kind::Num | Kind::Age))
            .count();
        self.nums
            .get(self.num_at[row as usize] as usize + at)
            .copied()
            .unwrap_or(0.0)
    }

    /// The row as the pane built it.
    fn row(&self, row: u32) -> Row {
        let mut texts = self.cell_texts(row);
        let mut nums = self.nums[self.num_at[row as usize] as usize..].iter();
        let metas = self.metas(row);
        let mut cells = Vec::with_capacity(metas.len());
        for (col, &m) in metas.iter().enumerate() {
            let kind = kind_of(m);
            let text = texts.next().unwrap_or("");
            let mut c = match kind {
                Kind::Num => Cell::num(nums.next().copied().unwrap_or(0.0), text),
                Kind::Age => Cell::age(
                    nums.next()
                        .and_then(|&us| DateTime::<Utc>::from_timestamp_micros(us as i64)),
                ),
                Kind::AgeNone => Cell::age(None),
                _ => Cell::text(text),
            };
            c.tone = tone_of(m);
            c.by_prefix = col < 64 && self.by_prefix & (1 << col) != 0;
            cells.push(c);
        }
        Row {
            id: self.id(row).to_string(),
            cells,
            tone: tone_of(self.row_tone[row as usize] << 3),
        }
    }
}

/// The rows of a list, in the order shown.
#[derive(Clone, Default)]
pub struct Rows {
    packed: Arc<Packed>,
    /// Indices into the packed rows of the rows shown, in order.
    order: Vec<u32>,
    /// Matches (indices in packed order) of each filter typed so far, shortest first, and
    /// how they were found.
    matches: Vec<(String, Mode, Vec<u32>)>,
    /// The packed rows sorted by (column, reverse), for each one asked for so far.
    sorted: Vec<(usize, bool, Vec<u32>)>,
}

impl Rows {
    /// All of `base`, in its order, packed row by row.
    pub fn new(base: Vec<Row>) -> Rows {
        let mut b = RowsBuilder::default();
        for r in &base {
            b.push(r);
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Rows before filtering.
    pub fn total(&self) -> usize {
        self.packed.len()
    }

    /// The row shown at `i`, made from its packed form.
    pub fn get(&self, i: usize) -> Option<Row> {
        self.order.get(i).map(|&b| self.packed.row(b))
    }

    /// The ID of the row shown at `i` (nothing is made).
    pub fn id(&self, i: usize) -> Option<&str> {
        self.order.get(i).map(|&b| self.packed.id(b))
    }

    /// Where the row with this ID is shown.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.order.iter().position(|&b| self.packed.id(b) == id)
    }

    /// The rows shown, made one by one (tests, small lists: a list of tasks is read through
    /// `window`, `id` and `position`).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Row> + ExactSizeIterator + '_ {
        self.order.iter().map(|&b| self.packed.row(b))
    }

    /// The IDs of the rows shown from `start` (at most `n`).
    pub fn ids(&self, start: usize, n: usize) -> impl Iterator<Item = &str> + '_ {
        self.order
            .iter()
            .skip(start)
            .take(n)
            .map(|&b| self.packed.id(b))
    }

    /// Whether both were arranged from the same rows (built once, shared).
    pub fn same_rows(&self, other: &Rows) -> bool {
        Arc::ptr_eq(&self.packed, &other.packed)
    }

    /// The rows shown from `start` (at most `n`), made for drawing.
    pub fn window(&self, start: usize, n: usize) -> impl Iterator<Item = Row> + '_ {
        self.order
            .iter()
            .skip(start)
            .take(n)
            .map(|&b| self.packed.row(b))
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
        let all = self.packed.len() as u32;
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
                    let mut keep = vec![false; self.packed.len()];
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
            let name = self.packed.cell_texts(i).next().unwrap_or("");
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
        let packed = &self.packed;
        let mut hit = |i: u32, mode: Mode| {
            if !packed.unicode[i as usize]
                && let Some(found) =
                    needle.matches_any_ascii(packed.texts(i), packed.by_prefix, mode)
            {
                return found;
            }
            packed.cell_texts(i).enumerate().any(|(col, t)| {
                let by_prefix = col < 64 && packed.by_prefix & (1 << col) != 0;
                m.matches(&needle, t, by_prefix, mode)
            })
        };
        let everything = || 0..packed.len() as u32;
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

/// A cell's sort key as `flatten` takes it: numbers (ages: older first when ascending, by
/// the second) before texts (lower case), missing cells first. `folded` holds the lower-case
/// form of a text that is not its own.
fn sort_ref<'a>(
    p: &'a Packed,
    row: u32,
    col: usize,
    folded: &'a mut String,
) -> Option<SortRef<'a>> {
    match kind_of(p.meta(row, col)) {
        Kind::Missing => None,
        Kind::Num => Some(SortRef::Num(p.num(row, col))),
        Kind::Age => Some(SortRef::Num(-(p.num(row, col) / 1e6).floor())),
        Kind::AgeNone => Some(SortRef::Num(f64::MIN)),
        Kind::Shown => Some(SortRef::Text(p.cell_text(row, col))),
        Kind::Folded => {
            *folded = p.cell_text(row, col).to_lowercase();
            Some(SortRef::Text(folded))
        }
    }
}

/// Stable sort of the row indices by one column's key; `reverse` sorts descending with equal
/// keys still in the natural order.
fn sort_indices(p: &Packed, col: usize, reverse: bool) -> Vec<u32> {
    let rows = p.len() as u32;
    if col >= p.columns {
        return (0..rows).collect();
    }
    // the column's keys side by side: the sort then stays in a megabyte or two
    let mut key_texts = Vec::new();
    let mut folded = String::new();
    let mut keyed: Vec<(Flat, u32)> = (0..rows)
        .map(|i| (flatten(sort_ref(p, i, col, &mut folded), &mut key_texts), i))
        .collect();
    let key_text = |f: &Flat| &key_texts[f.at as usize..(f.at + f.len) as usize];
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
                    key_text(a).cmp(key_text(b))
                }
            });
        let o = if reverse { o.reverse() } else { o };
        o.then(ai.cmp(bi))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
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

    /// A row comes back from its packed form as the pane built it: texts, numbers, ages,
    /// tones, IDs, rows of fewer cells, text beyond ASCII, control characters left out.
    #[test]
    fn packed_rows_come_back_whole() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-06T08:00:01.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let rows = vec![
            Row {
                id: "t1".into(),
                cells: vec![
                    Cell::text("Web.1").tone(Tone::Ok),
                    Cell::num(3.5, "3.5%"),
                    Cell::age(Some(t)),
                    Cell::age(None),
                    Cell::id("abc123"),
                    Cell::text("bell\u{7}ed"),
                ],
                tone: Tone::Bad,
            },
            Row {
                id: "t2".into(),
                cells: vec![Cell::text("Été"), Cell::num(-1.0, "")],
                tone: Tone::Dim,
            },
            Row {
                id: String::new(),
                cells: vec![],
                tone: Tone::Normal,
            },
        ];
        let packed = Rows::new(rows.clone());
        let back: Vec<Row> = packed.iter().collect();
        assert_eq!(back, rows);
        assert_eq!(packed.position("t2"), Some(1));
        assert_eq!(packed.id(0), Some("t1"));
        // written cell by cell, the same
        let mut b = RowsBuilder::default();
        b.text_fmt(format_args!("{}.{}", "Web", 1), Tone::Ok);
        b.text_num(3.5, format_args!("{}%", 3.5), Tone::Normal);
        b.age(Some(t), Tone::Dim);
        b.age(None, Tone::Dim);
        b.id_text("abc123");
        b.text_fmt(format_args!("bell{}ed", '\u{7}'), Tone::Normal);
        b.end_row("t1", Tone::Bad);
        assert_eq!(b.finish().get(0), Some(rows[0].clone()));
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

    /// The tasks pane keeps its rows across a change that does not touch them (a service's
    /// counts), and builds them again when a name it shows, a node's state or a task changes.
    #[test]
    fn the_tasks_pane_is_rebuilt_only_when_what_it_lists_changes() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        use crate::panes::Pane;
        use crate::{Msg, State, update};
        use swarmtop_model::feed::{EngineMsg, Part};
        let mut s = State::new(
            "default".into(),
            "unix:///x".into(),
            swarmtop_settings::keymap::Keymap::default_keymap(),
            chrono::Utc::now(),
        );
        let c = swarmtop_model::cluster::fixtures::sample();
        update(&mut s, Msg::Engine(EngineMsg::Loaded(Box::new(c.clone()))));
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE)),
        );
        let before = s.list(Pane::Tasks).rows.clone();
        let part = |s: &mut State, p: Part| update(s, Msg::Engine(EngineMsg::Part(p)));
        // the same services again (their counts may have moved): kept
        part(&mut s, Part::Services(c.services.clone()));
        assert!(
            s.list(Pane::Tasks).rows.same_rows(&before),
            "rebuilt for nothing"
        );
        // a service renamed: its tasks' names change
        let mut renamed = c.services.clone();
        renamed[0].spec.as_mut().unwrap().name = Some("renamed".into());
        part(&mut s, Part::Services(renamed));
        let after_rename = s.list(Pane::Tasks).rows.clone();
        assert!(
            !after_rename.same_rows(&before),
            "a name changed, rows kept"
        );
        assert!(
            after_rename
                .iter()
                .any(|r| r.cells[0].search_text().starts_with("renamed."))
        );
        // a node goes down: its tasks are no longer shown running
        let mut nodes = c.nodes.clone();
        nodes[1].status.as_mut().unwrap().state = Some(bollard_stubs::models::NodeState::DOWN);
        part(&mut s, Part::Nodes(nodes));
        assert!(!s.list(Pane::Tasks).rows.same_rows(&after_rename));
        // the tasks themselves
        let kept = s.list(Pane::Tasks).rows.clone();
        part(
            &mut s,
            Part::TaskDelta(swarmtop_model::cluster::TaskDelta::default()),
        );
        assert!(!s.list(Pane::Tasks).rows.same_rows(&kept));
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
