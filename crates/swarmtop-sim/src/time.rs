//! Simulator time: nanoseconds since the Unix epoch, and the engine's timestamp format.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat};

pub type Nanos = i64;

pub const SECOND: Nanos = 1_000_000_000;
pub const MILLI: Nanos = 1_000_000;

pub fn now() -> Nanos {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as Nanos)
        .unwrap_or(0)
}

/// RFC 3339 with nanoseconds in UTC, as the engine writes `CreatedAt` and task timestamps.
pub fn rfc3339(n: Nanos) -> String {
    DateTime::from_timestamp(n.div_euclid(SECOND), n.rem_euclid(SECOND) as u32)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Parses an RFC 3339 timestamp back (used for `since` given as a date).
pub fn parse_rfc3339(s: &str) -> Option<Nanos> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .and_then(|d| d.timestamp_nanos_opt())
}

/// The engine's `since`/`until` values: `SECONDS[.NANOS]` (what clients send), or RFC 3339.
pub fn parse_api_time(s: &str) -> Option<Nanos> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(n) = parse_rfc3339(s) {
        return Some(n);
    }
    let (secs, frac) = match s.split_once('.') {
        Some((a, b)) => (a, b),
        None => (s, ""),
    };
    let secs: i64 = secs.parse().ok()?;
    let mut nanos: i64 = 0;
    if !frac.is_empty() {
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = digits.parse().ok()?;
    }
    Some(secs * SECOND + nanos)
}

pub fn nanos(d: Duration) -> Nanos {
    d.as_nanos().min(i64::MAX as u128) as Nanos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_engine() {
        assert_eq!(
            rfc3339(1_795_378_507_020_748_849),
            "2026-11-22T20:15:07.020748849Z"
        );
        assert_eq!(
            parse_rfc3339("2026-11-22T20:15:07.020748849Z"),
            Some(1_795_378_507_020_748_849)
        );
    }

    #[test]
    fn api_times() {
        assert_eq!(parse_api_time("12"), Some(12 * SECOND));
        assert_eq!(parse_api_time("12.5"), Some(12 * SECOND + 500_000_000));
        assert_eq!(parse_api_time("12.000000001"), Some(12 * SECOND + 1));
        assert_eq!(parse_api_time("x"), None);
    }
}
