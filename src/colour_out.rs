//! Colours as a 16-colour terminal understands them. crossterm writes every colour, the 16
//! named ones included, as a 256-colour code (`ESC[38;5;9m`), which a terminal with 16 colours
//! (TERM=xterm-16color, screen, linux) shows wrongly or not at all. Over such a terminal the
//! output passes through `ColourOut`, which rewrites those codes as the classic ones (31, 91,
//! 41 ...) and takes any other colour to the nearest of the 16.

use std::io::{self, Write};

/// Whether the terminal shows only the 16 named colours, from `TERM` and `COLORTERM`.
pub fn sixteen_only(term: Option<&str>, colorterm: Option<&str>) -> bool {
    if colorterm.is_some_and(|c| !c.is_empty()) {
        return false;
    }
    match term {
        // nothing said: leave the output as it is
        None | Some("") => false,
        Some(t) => !["256color", "direct", "truecolor"]
            .iter()
            .any(|more| t.contains(more)),
    }
}

/// The environment's answer.
pub fn sixteen_only_here() -> bool {
    let term = std::env::var("TERM").ok();
    let colorterm = std::env::var("COLORTERM").ok();
    sixteen_only(term.as_deref(), colorterm.as_deref())
}

enum Scan {
    Text,
    Esc,
    Csi,
}

/// A writer that rewrites colour codes for 16 colours, or passes everything through.
pub struct ColourOut<W: Write> {
    inner: W,
    sixteen: bool,
    scan: Scan,
    /// An escape sequence begun but not yet ended (crossterm writes one in several pieces).
    pending: Vec<u8>,
}

impl<W: Write> ColourOut<W> {
    pub fn new(inner: W, sixteen: bool) -> ColourOut<W> {
        ColourOut {
            inner,
            sixteen,
            scan: Scan::Text,
            pending: Vec::new(),
        }
    }

    fn feed(&mut self, b: u8, out: &mut Vec<u8>) {
        match self.scan {
            Scan::Text if b == 0x1b => {
                self.pending.push(b);
                self.scan = Scan::Esc;
            }
            Scan::Text => out.push(b),
            Scan::Esc if b == b'[' => {
                self.pending.push(b);
                self.scan = Scan::Csi;
            }
            Scan::Esc => self.give_back(b, out),
            Scan::Csi if (0x40..=0x7e).contains(&b) => {
                if b == b'm' {
                    let params = String::from_utf8_lossy(&self.pending[2..]).into_owned();
                    out.extend_from_slice(format!("\x1b[{}m", sixteen_sgr(&params)).as_bytes());
                    self.pending.clear();
                    self.scan = Scan::Text;
                } else {
                    self.give_back(b, out);
                }
            }
            // not a sequence we know the end of: let it pass untouched
            Scan::Csi if self.pending.len() > 64 => self.give_back(b, out),
            Scan::Csi => self.pending.push(b),
        }
    }

    fn give_back(&mut self, b: u8, out: &mut Vec<u8>) {
        out.append(&mut self.pending);
        out.push(b);
        self.scan = Scan::Text;
    }
}

impl<W: Write> Write for ColourOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.sixteen {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            self.feed(b, &mut out);
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The parameters of one SGR sequence with each colour as one of the 16 named ones.
fn sixteen_sgr(params: &str) -> String {
    let p: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let colour = match (p[i], p.get(i + 1).copied()) {
            (which @ ("38" | "48"), Some("5")) => p
                .get(i + 2)
                .and_then(|n| n.parse::<u8>().ok())
                .map(|n| (which, named_of_index(n), 3)),
            (which @ ("38" | "48"), Some("2")) => {
                rgb_at(&p, i + 2).map(|rgb| (which, nearest(rgb), 5))
            }
            _ => None,
        };
        match colour {
            Some((which, n, used)) => {
                out.push(classic_code(which == "48", n).to_string());
                i += used;
            }
            None => {
                out.push(p[i].to_string());
                i += 1;
            }
        }
    }
    out.join(";")
}

fn rgb_at(p: &[&str], at: usize) -> Option<(u8, u8, u8)> {
    let c = |k: usize| p.get(at + k).and_then(|v| v.parse::<u8>().ok());
    Some((c(0)?, c(1)?, c(2)?))
}

/// 30-37 and 90-97 for the foreground, 40-47 and 100-107 for the background.
fn classic_code(background: bool, n: u8) -> u8 {
    let base = if n < 8 { 30 + n } else { 90 + n - 8 };
    if background { base + 10 } else { base }
}

/// xterm's usual values of the 16 named colours.
const SIXTEEN: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

fn named_of_index(n: u8) -> u8 {
    if n < 16 { n } else { nearest(rgb_of_index(n)) }
}

/// The colour of a 256-colour index past the 16: the 6x6x6 cube, then the greys.
fn rgb_of_index(n: u8) -> (u8, u8, u8) {
    if n >= 232 {
        let g = 8 + 10 * (n - 232);
        return (g, g, g);
    }
    let i = n.saturating_sub(16);
    let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
    (level(i / 36), level((i / 6) % 6), level(i % 6))
}

fn nearest((r, g, b): (u8, u8, u8)) -> u8 {
    let dist = |(r2, g2, b2): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, r2) + d(g, g2) + d(b, b2)
    };
    (0u8..16)
        .min_by_key(|&k| dist(SIXTEEN[usize::from(k)]))
        .unwrap_or(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(sixteen: bool, pieces: &[&str]) -> String {
        let mut out = ColourOut::new(Vec::new(), sixteen);
        for p in pieces {
            out.write_all(p.as_bytes()).unwrap();
        }
        String::from_utf8(out.inner).unwrap()
    }

    #[test]
    fn named_colours_are_sent_as_the_classic_codes() {
        // what crossterm writes for Red on DarkBlue, in the pieces it writes them in
        let got = through(true, &["\x1b[", "38;5;9", ";", "48;5;4", "m", "hi"]);
        assert_eq!(got, "\x1b[91;44mhi");
        assert_eq!(through(true, &["\x1b[38;5;0mx\x1b[1m"]), "\x1b[30mx\x1b[1m");
    }

    #[test]
    fn other_colours_go_to_the_nearest_of_the_16() {
        // 196 is bright red in the cube, 244 a mid grey, rgb orange is nearest yellow
        assert_eq!(through(true, &["\x1b[38;5;196m"]), "\x1b[91m");
        assert_eq!(through(true, &["\x1b[48;5;244m"]), "\x1b[100m");
        assert_eq!(through(true, &["\x1b[38;2;230;200;20m"]), "\x1b[33m");
    }

    #[test]
    fn everything_else_passes_untouched() {
        let s = "\x1b[2J\x1b[5;10Htext \x1b[39;49m\x1b[0m";
        assert_eq!(through(true, &[s]), s);
        let colours = "\x1b[38;5;9mred";
        assert_eq!(through(false, &[colours]), colours);
    }

    #[test]
    fn which_terminals_have_only_16_colours() {
        assert!(sixteen_only(Some("xterm-16color"), None));
        assert!(sixteen_only(Some("screen"), None));
        assert!(sixteen_only(Some("linux"), Some("")));
        assert!(!sixteen_only(Some("xterm-256color"), None));
        assert!(!sixteen_only(Some("screen"), Some("truecolor")));
        assert!(!sixteen_only(None, None));
    }
}
