//! The list filter's fuzzy match: nucleo's (each space-separated word must match, smart case),
//! with a fast path for ASCII. The filter only asks whether a row matches, not how well, and a
//! fuzzy word matches exactly when it is a subsequence of the text; scoring that with nucleo
//! costs ten times more, which at 40,000 rows is the difference between a keystroke that
//! answers at once and one that does not. Text or filters beyond ASCII go to nucleo.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Utf32Str};

/// One word of an ASCII filter.
struct Word {
    bytes: Vec<u8>,
    /// Smart case: a word without capitals ignores case.
    ignore_case: bool,
}

/// A filter, ready to be matched many times.
pub struct Needle {
    pattern: Pattern,
    ascii: Option<Vec<Word>>,
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
        let pattern = Pattern::new(
            filter,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
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
        Needle { pattern, ascii }
    }
}

/// Reused across the rows of one filtering (nucleo's matcher is made only when needed).
#[derive(Default)]
pub struct Matcher {
    nucleo: Option<nucleo_matcher::Matcher>,
    buf: Vec<char>,
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
    /// Whether an ASCII text matches, for an ASCII filter (None: ask [`Matcher::matches`]).
    pub fn matches_ascii(&self, text: &[u8]) -> Option<bool> {
        let words = self.ascii.as_ref()?;
        Some(words.iter().all(|w| subsequence(text, w)))
    }

    /// Whether any of several ASCII texts, each ended by a NUL, matches (None: not an ASCII
    /// filter). One pass over the bytes for a one-word filter, the usual case.
    pub fn matches_any_ascii(&self, texts: &[u8]) -> Option<bool> {
        let words = self.ascii.as_ref()?;
        let [w] = words.as_slice() else {
            return Some(
                texts
                    .split(|b| *b == 0)
                    .any(|t| words.iter().all(|w| subsequence(t, w))),
            );
        };
        if w.bytes.is_empty() {
            return Some(true);
        }
        let mut k = 0;
        for &b in texts {
            if b == 0 {
                k = 0;
                continue;
            }
            let b = if w.ignore_case {
                b.to_ascii_lowercase()
            } else {
                b
            };
            if b == w.bytes[k] {
                k += 1;
                if k == w.bytes.len() {
                    return Some(true);
                }
            }
        }
        Some(false)
    }
}

impl Matcher {
    pub fn matches(&mut self, needle: &Needle, text: &str) -> bool {
        if text.is_ascii()
            && let Some(m) = needle.matches_ascii(text.as_bytes())
        {
            return m;
        }
        let m = self
            .nucleo
            .get_or_insert_with(|| nucleo_matcher::Matcher::new(Config::DEFAULT));
        needle
            .pattern
            .score(Utf32Str::new(text, &mut self.buf), m)
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nucleo(filter: &str, text: &str) -> bool {
        let p = Pattern::new(
            filter,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
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
        let mut matched = 0;
        for _ in 0..30_000 {
            let text = r.text(&text_chars, 14);
            let filter = r.text(&filter_chars, 4);
            let needle = Needle::new(&filter);
            let mut m = Matcher::default();
            let want = nucleo(&filter, &text);
            assert_eq!(
                m.matches(&needle, &text),
                want,
                "filter {filter:?} text {text:?}"
            );
            matched += want as usize;
        }
        // both outcomes were exercised
        assert!(matched > 1000 && matched < 29_000, "{matched}");
    }

    #[test]
    fn words_smart_case_and_escaped_spaces() {
        let mut m = Matcher::default();
        let yes = |m: &mut Matcher, f: &str, t: &str| m.matches(&Needle::new(f), t);
        assert!(yes(&mut m, "nd1", "node1"));
        assert!(!yes(&mut m, "Nd1", "node1"));
        assert!(yes(&mut m, "Nd1", "Node1"));
        assert!(yes(&mut m, "web 2", "shop_web.2"));
        assert!(!yes(&mut m, "web\\ 2", "shop_web.2"));
        assert!(yes(&mut m, "web\\ 2", "web 2"));
        assert!(yes(&mut m, "cafe", "café"));
    }
}
