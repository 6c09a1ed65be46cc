//! A small deterministic PRNG (SplitMix64) and the identifiers built from it. The same seed
//! gives the same cluster, byte for byte, so runs and benchmarks repeat.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// A swarmkit-style object ID: 25 characters of `[0-9a-z]`.
    pub fn id(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut s = String::with_capacity(25);
        let mut bits = self.next_u64();
        for i in 0..25 {
            if i == 12 {
                bits = self.next_u64();
            }
            s.push(ALPHABET[(bits % 36) as usize] as char);
            bits /= 36;
        }
        s
    }

    /// `n` lowercase hex digits (container IDs are 64).
    pub fn hex(&mut self, n: usize) -> String {
        const HEX: &[u8] = b"0123456789abcdef";
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let mut bits = self.next_u64();
            for _ in 0..16 {
                if s.len() == n {
                    break;
                }
                s.push(HEX[(bits & 0xf) as usize] as char);
                bits >>= 4;
            }
        }
        s
    }
}

/// A stable 64-bit hash of a string (FNV-1a), for things derived from an ID such as log lines.
pub fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn ids_look_like_swarmkit_ids() {
        let mut r = Rng::new(1);
        let id = r.id();
        assert_eq!(id.len(), 25);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert_ne!(id, r.id());
        assert_eq!(r.hex(64).len(), 64);
    }
}
