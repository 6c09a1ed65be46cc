//! Splits a JSON array that arrives in chunks into its elements. A big swarm's task list is tens
//! of megabytes: read element by element, nothing holds the whole body, and each element is
//! parsed (into the few fields kept) as soon as it is complete.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the opening bracket.
    Start,
    /// Between elements: a comma, whitespace or the closing bracket may come.
    Between,
    /// Inside an element.
    Element,
    /// After the closing bracket.
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("the answer is not a JSON array")]
    NotAnArray,
    #[error("unexpected data after the JSON array")]
    Trailing,
    #[error("the JSON array was cut off")]
    CutOff,
    #[error("unbalanced brackets in the JSON array")]
    Unbalanced,
}

/// Feed it chunks; it hands out each complete element's bytes.
#[derive(Debug)]
pub struct ArraySplitter {
    at: At,
    /// The start of an element that began in an earlier chunk.
    carry: Vec<u8>,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl Default for ArraySplitter {
    fn default() -> Self {
        ArraySplitter {
            at: At::Start,
            carry: Vec::new(),
            depth: 0,
            in_string: false,
            escaped: false,
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl ArraySplitter {
    /// Feeds one chunk; `each` is called with every element it completes.
    pub fn feed(&mut self, chunk: &[u8], mut each: impl FnMut(&[u8])) -> Result<(), SplitError> {
        // where the current element starts in this chunk (None: it started in `carry`)
        let mut start: Option<usize> = None;
        let mut i = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.at {
                At::Start => match b {
                    b'[' => self.at = At::Between,
                    b if is_space(b) => {}
                    _ => return Err(SplitError::NotAnArray),
                },
                At::Between => match b {
                    b']' => self.at = At::Done,
                    b',' => {}
                    b if is_space(b) => {}
                    _ => {
                        self.at = At::Element;
                        start = Some(i);
                        self.depth = 0;
                        // the first byte is looked at again as part of the element
                        continue;
                    }
                },
                At::Element => {
                    if self.in_string {
                        if self.escaped {
                            // the byte after a backslash is taken as it is
                            self.escaped = false;
                            i += 1;
                            continue;
                        }
                        // skip to the next quote or backslash: strings are most of the bytes
                        match chunk[i..].iter().position(|c| *c == b'"' || *c == b'\\') {
                            None => i = chunk.len(),
                            Some(p) => {
                                i += p;
                                if chunk[i] == b'\\' {
                                    self.escaped = true;
                                } else {
                                    self.in_string = false;
                                }
                                i += 1;
                            }
                        }
                        continue;
                    }
                    match b {
                        b'"' => self.in_string = true,
                        b'{' | b'[' => self.depth += 1,
                        b'}' | b']' if self.depth > 0 => {
                            self.depth -= 1;
                            if self.depth == 0 {
                                self.emit(chunk, start, i + 1, &mut each);
                                start = None;
                                self.at = At::Between;
                            }
                        }
                        // a scalar element ends at the comma or bracket after it
                        b',' | b']' if self.depth == 0 => {
                            self.emit(chunk, start, i, &mut each);
                            start = None;
                            self.at = if b == b']' { At::Done } else { At::Between };
                        }
                        b'}' => return Err(SplitError::Unbalanced),
                        _ => {}
                    }
                }
                At::Done => {
                    if !is_space(b) {
                        return Err(SplitError::Trailing);
                    }
                }
            }
            i += 1;
        }
        if self.at == At::Element {
            match start {
                Some(s) => self.carry.extend_from_slice(&chunk[s..]),
                None => self.carry.extend_from_slice(chunk),
            }
        }
        Ok(())
    }

    fn emit(
        &mut self,
        chunk: &[u8],
        start: Option<usize>,
        end: usize,
        each: &mut impl FnMut(&[u8]),
    ) {
        match start {
            // the whole element is in this chunk: no copy
            Some(s) if self.carry.is_empty() => each(trim(&chunk[s..end])),
            Some(s) => {
                self.carry.extend_from_slice(&chunk[s..end]);
                each(trim(&self.carry));
                self.carry.clear();
            }
            None => {
                self.carry.extend_from_slice(&chunk[..end]);
                each(trim(&self.carry));
                self.carry.clear();
            }
        }
    }

    /// After the last chunk: the array must be complete.
    pub fn finish(&self) -> Result<(), SplitError> {
        match self.at {
            At::Done => Ok(()),
            _ => Err(SplitError::CutOff),
        }
    }
}

fn trim(b: &[u8]) -> &[u8] {
    let s = b.iter().position(|c| !is_space(*c)).unwrap_or(b.len());
    let e = b.iter().rposition(|c| !is_space(*c)).map_or(s, |e| e + 1);
    &b[s..e.max(s)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&str]) -> Result<Vec<String>, SplitError> {
        let mut s = ArraySplitter::default();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c.as_bytes(), |e| {
                out.push(String::from_utf8(e.to_vec()).unwrap())
            })?;
        }
        s.finish()?;
        Ok(out)
    }

    #[test]
    fn objects_whole_and_cut_anywhere() {
        let text = r#" [ {"a":1,"b":[1,2,{"c":"]}"}]}, {"s":"x\"}{,","t":null} ,{}]
"#;
        let want = vec![
            r#"{"a":1,"b":[1,2,{"c":"]}"}]}"#.to_string(),
            r#"{"s":"x\"}{,","t":null}"#.to_string(),
            "{}".to_string(),
        ];
        assert_eq!(split(&[text]).unwrap(), want);
        // every place a chunk boundary can fall, including inside escapes
        for cut in 0..text.len() {
            let (a, b) = text.split_at(cut);
            assert_eq!(split(&[a, b]).unwrap(), want, "cut at {cut}");
        }
        let bytes: Vec<String> = text.chars().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(split(&refs).unwrap(), want, "one byte at a time");
    }

    #[test]
    fn scalars_and_empty_arrays() {
        assert_eq!(split(&["[]"]).unwrap(), Vec::<String>::new());
        assert_eq!(
            split(&["[ 1, \"a,b\" ,true]"]).unwrap(),
            vec!["1", "\"a,b\"", "true"]
        );
        assert_eq!(split(&["[[1],[2,[3]]]"]).unwrap(), vec!["[1]", "[2,[3]]"]);
    }

    #[test]
    fn what_is_not_an_array_is_refused() {
        assert_eq!(split(&["{\"message\":\"x\"}"]), Err(SplitError::NotAnArray));
        assert_eq!(split(&["[{\"a\":1}"]), Err(SplitError::CutOff));
        assert_eq!(split(&["[{}] x"]), Err(SplitError::Trailing));
        assert_eq!(split(&["[}]"]), Err(SplitError::Unbalanced));
    }
}
