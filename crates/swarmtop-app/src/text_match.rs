//! The list filter's match. Each space-separated word must be found in one cell (smart case:
//! a word without capitals ignores case), as a substring — an ID cell from its start only,
//! as the docker CLI takes an ID prefix. A list where no row has the filter as a substring is
//! matched fuzzily instead (each word a subsequence, nucleo's rules), so a typo or an
//! abbreviation still finds something; a fuzzy match everywhere (`web` in
//! `swarmtest/busybox`) matched every row when it was the only rule. ASCII text and filters
//! take a fast path; it agrees with nucleo's fuzzy match and with plain `str` searching (unit
//! tests compare them), which the rest go to.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Utf32Str};

/// How the words are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Substring,
    /// No row matched as a substring: each word a subsequence.
    Fuzzy,
}

/// One word of an ASCII filter.
struct Word {
    bytes: Vec<u8>,
    /// Smart case: a word without capitals ignores case.
    ignore_case: bool,
}

/// A filter, ready to be matched many times.
pub struct Needle {
    fuzzy: Pattern,
    /// The words, lower case where they ignore case.
    words: Vec<(String, bool)>,
    ascii: Option<Vec<Word>>,
}

/// The filter's words as matched, each lower case when it ignores case (smart case: a word
/// without capitals), with whether it does.
pub fn filter_words(filter: &str) -> Vec<(String, bool)> {
    words(filter)
        .map(unescape)
        .filter(|w| !w.is_empty())
        .map(|w| {
            let ignore_case = !w.chars().any(char::is_uppercase);
            let w = if ignore_case { w.to_lowercase() } else { w };
            (w, ignore_case)
        })
        .collect()
}

/// Whether every word is in `text` (from its start: `by_prefix`), with plain `str` searching.
pub fn plain_match(words: &[(String, bool)], text: &str, by_prefix: bool) -> bool {
    let lower = words
        .iter()
        .any(|(_, ignore_case)| *ignore_case)
        .then(|| text.to_lowercase());
    words.iter().all(|(w, ignore_case)| {
        let t = match (&lower, ignore_case) {
            (Some(l), true) => l.as_str(),
            _ => text,
        };
        if by_prefix {
            t.starts_with(w.as_str())
        } else {
            t.contains(w.as_str())
        }
    })
}

/// Words as nucleo splits a pattern: at spaces not escaped by a backslash.
fn words(pattern: &str) -> impl Iterator<Item = &str> + '_ {
    let mut saw_backslash = false;
    pattern.split(move |c| {
        saw_backslash = match c {
            ' ' if !saw_backslash => return true,
            '\\' => true,
            _ => false,
        };
        false
    })
}

/// `\ ` stands for a space inside a word (as nucleo reads it).
fn unescape(word: &str) -> String {
    match word.split_once("\\ ") {
        Some((start, rest)) => {
            let mut w = start.to_owned();
            for part in rest.split("\\ ") {
                w.push(' ');
                w.push_str(part);
            }
            w
        }
        None => word.to_owned(),
    }
}

impl Needle {
    pub fn new(filter: &str) -> Needle {
        let fuzzy = Pattern::new(
            filter,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let plain = filter_words(filter);
        let ascii = filter.is_ascii().then(|| {
            words(filter)
                .map(unescape)
                .filter(|w| !w.is_empty())
                .map(|w| Word {
                    ignore_case: !w.bytes().any(|b| b.is_ascii_uppercase()),
                    bytes: w.into_bytes(),
                })
                .collect()
        });
        Needle {
            fuzzy,
            words: plain,
            ascii,
        }
    }

    /// How well a row matches, by its first cell (its name), best first: 0 when it starts
    /// with the first word, 1 when it holds it, 2 when another cell does.
    pub fn rank(&self, name: &str) -> u8 {
        let first = &self.words[..self.words.len().min(1)];
        if first.is_empty() {
            2
        } else if plain_match(first, name, true) {
            0
        } else if plain_match(first, name, false) {
            1
        } else {
            2
        }
    }
}

/// Reused across the rows of one filtering (nucleo's matcher is made only when needed).
#[derive(Default)]
pub struct Matcher {
    nucleo: Option<nucleo_matcher::Matcher>,
    buf: Vec<char>,
}

fn fold(b: u8, ignore_case: bool) -> u8 {
    if ignore_case {
        b.to_ascii_lowercase()
    } else {
        b
    }
}

fn substring(text: &[u8], word: &Word) -> bool {
    let n = word.bytes.len();
    n == 0
        || text.windows(n).any(|w| {
            w.iter()
                .zip(&word.bytes)
                .all(|(&b, &c)| fold(b, word.ignore_case) == c)
        })
}

fn prefix(text: &[u8], word: &Word) -> bool {
    text.len() >= word.bytes.len()
        && text
            .iter()
            .zip(&word.bytes)
            .all(|(&b, &c)| fold(b, word.ignore_case) == c)
}

fn subsequence(text: &[u8], word: &Word) -> bool {
    let mut want = word.bytes.iter();
    let Some(mut next) = want.next() else {
        return true;
    };
    for &b in text {
        let b = if word.ignore_case {
            b.to_ascii_lowercase()
        } else {
            b
        };
        if b == *next {
            match want.next() {
                Some(n) => next = n,
                None => return true,
            }
        }
    }
    false
}

impl Needle {
    /// Whether an ASCII cell matches, for an ASCII filter (None: ask [`Matcher::matches`]).
    pub fn matches_ascii(&self, text: &[u8], by_prefix: bool, mode: Mode) -> Option<bool> {
        let words = self.ascii.as_ref()?;
        let found: fn(&[u8], &Word) -> bool = match (by_prefix, mode) {
            (true, _) => prefix,
            (false, Mode::Substring) => substring,
            (false, Mode::Fuzzy) => subsequence,
        };
        Some(words.iter().all(|w| found(text, w)))
    }

    /// Whether any of a row's ASCII cells, each ended by a NUL, matches (None: not an ASCII
    /// filter); `by_prefix` says which columns are IDs (bit i: column i).
    pub fn matches_any_ascii(&self, texts: &[u8], by_prefix: u64, mode: Mode) -> Option<bool> {
        self.ascii.as_ref()?;
        let mut found = false;
        for (i, t) in texts.split(|b| *b == 0).enumerate() {
            let id = i < 64 && by_prefix & (1 << i) != 0;
            if self.matches_ascii(t, id, mode)? {
                found = true;
                break;
            }
        }
        Some(found)
    }
}

impl Matcher {
    pub fn matches(&mut self, needle: &Needle, text: &str, by_prefix: bool, mode: Mode) -> bool {
        if text.is_ascii()
            && let Some(m) = needle.matches_ascii(text.as_bytes(), by_prefix, mode)
        {
            return m;
        }
        if by_prefix || mode == Mode::Substring {
            return plain_match(&needle.words, text, by_prefix);
        }
        let m = self
            .nucleo
            .get_or_insert_with(|| nucleo_matcher::Matcher::new(Config::DEFAULT));
        needle
            .fuzzy
            .score(Utf32Str::new(text, &mut self.buf), m)
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nucleo(filter: &str, text: &str, kind: AtomKind) -> bool {
        let p = Pattern::new(filter, CaseMatching::Smart, Normalization::Smart, kind);
        let mut m = nucleo_matcher::Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        p.score(Utf32Str::new(text, &mut buf), &mut m).is_some()
    }

    /// A small deterministic generator, so the comparison covers the same cases every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn text(&mut self, alphabet: &[char], max: u64) -> String {
            let n = self.next() % (max + 1);
            (0..n)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn agrees_with_nucleo() {
        let mut r = Lcg(7);
        let text_chars: Vec<char> = "abcABC._-1 /\\éÉ".chars().collect();
        let filter_chars: Vec<char> = "abcAB. \\é".chars().collect();
        // fuzzy: nucleo's rules; substring and prefix: plain str searching
        for (by_prefix, mode) in [
            (false, Mode::Fuzzy),
            (false, Mode::Substring),
            (true, Mode::Substring),
        ] {
            let mut matched = 0;
            for _ in 0..30_000 {
                let text = r.text(&text_chars, 14);
                let filter = r.text(&filter_chars, 4);
                let needle = Needle::new(&filter);
                let mut m = Matcher::default();
                let want = match mode {
                    Mode::Fuzzy => nucleo(&filter, &text, AtomKind::Fuzzy),
                    Mode::Substring => plain_match(&filter_words(&filter), &text, by_prefix),
                };
                assert_eq!(
                    m.matches(&needle, &text, by_prefix, mode),
                    want,
                    "{mode:?} {by_prefix}: filter {filter:?} text {text:?}"
                );
                matched += want as usize;
            }
            // both outcomes were exercised
            assert!(matched > 300 && matched < 29_000, "{mode:?}: {matched}");
        }
    }

    #[test]
    fn words_smart_case_and_escaped_spaces() {
        let mut m = Matcher::default();
        let yes =
            |m: &mut Matcher, f: &str, t: &str| m.matches(&Needle::new(f), t, false, Mode::Fuzzy);
        assert!(yes(&mut m, "nd1", "node1"));
        assert!(!yes(&mut m, "Nd1", "node1"));
        assert!(yes(&mut m, "Nd1", "Node1"));
        assert!(yes(&mut m, "web 2", "shop_web.2"));
        assert!(!yes(&mut m, "web\\ 2", "shop_web.2"));
        assert!(yes(&mut m, "web\\ 2", "web 2"));
        assert!(yes(&mut m, "cafe", "café"));
        let sub = |m: &mut Matcher, f: &str, t: &str, id: bool| {
            m.matches(&Needle::new(f), t, id, Mode::Substring)
        };
        assert!(!sub(&mut m, "web", "swarmtest/busybox", false));
        assert!(sub(&mut m, "web", "shop_web.2", false));
        assert!(sub(&mut m, "Web", "shop_Web.2", false));
        assert!(
            !sub(&mut m, "web", "x7webq", true),
            "an ID from its start only"
        );
        assert!(sub(&mut m, "x7w", "x7webq", true));
    }

    #[test]
    fn rows_rank_by_their_name() {
        let n = Needle::new("web");
        assert_eq!(n.rank("web"), 0);
        assert_eq!(n.rank("Webhook"), 0);
        assert_eq!(n.rank("shop_web"), 1);
        assert_eq!(n.rank("api"), 2);
        assert_eq!(Needle::new("Web").rank("web"), 2, "smart case");
    }
}
