//! Durations, the one grammar swarmtop has for them: Go's `time.ParseDuration` (what docker
//! reads in compose files, flags and forms: `10s`, `1m30s`, `1.001s`), exact to the nanosecond,
//! and two ways back to text, Go's (`1h0m0s`) and docker's short form (`1h`). Everything that
//! reads or shows a duration uses these, so a value shown and sent back unchanged is the same
//! value. Pure functions, at the bottom of the crate.

/// A Go `time.ParseDuration` value in nanoseconds: `300ms`, `1.5h`, `2h45m`, `-1s`, `0`.
pub fn parse(s: &str) -> Result<i64, String> {
    let bad = || format!("invalid duration {s:?} (use a number with a unit: 10s, 1m30s, 500ms)");
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &r[..n];
            rest = &r[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        let mut v = whole.checked_mul(scale).ok_or_else(bad)?;
        if !frac_part.is_empty() {
            // Go truncates the fraction to whole nanoseconds. Digits past the 24th are worth
            // less than 3.6e-12 ns even in hours, and keeping them would overflow `frac * scale`.
            let digits = frac_part.len().min(24) as u32;
            let frac: u128 = frac_part[..digits as usize].parse().map_err(|_| bad())?;
            v = v
                .checked_add(frac * scale / 10u128.pow(digits))
                .ok_or_else(bad)?;
        }
        total = total.checked_add(v).ok_or_else(bad)?;
    }
    if total > i64::MAX as u128 {
        return Err(bad());
    }
    let t = total as i64;
    Ok(if neg { -t } else { t })
}

/// Formats nanoseconds the way Go's `time.Duration.String` does (`1m30s`, `500ms`, `0s`).
pub fn format_go(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let sign = if neg { "-" } else { "" };
    if u < 1_000_000_000 {
        let (v, unit) = if u < 1_000 {
            return format!("{sign}{u}ns");
        } else if u < 1_000_000 {
            (u as f64 / 1e3, "µs")
        } else {
            (u as f64 / 1e6, "ms")
        };
        return format!("{sign}{}{unit}", trim_float(v));
    }
    let h = u / 3_600_000_000_000;
    let m = (u / 60_000_000_000) % 60;
    let s_ns = u % 60_000_000_000;
    let secs = trim_float(s_ns as f64 / 1e9);
    let mut out = String::from(sign);
    if h > 0 {
        out.push_str(&format!("{h}h{m}m"));
    } else if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&format!("{secs}s"));
    out
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Nanoseconds back to docker's short form (`1m30s`, `1h`), exact: it parses back to `ns`.
pub fn short(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    if ns % 1_000_000_000 != 0 || ns < 0 {
        // Go's form keeps every nanosecond, so what is shown parses back to the same value
        return format_go(ns);
    }
    let s = ns / 1_000_000_000;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(parse("1s"), Ok(1_000_000_000));
        assert_eq!(parse("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse("300ms"), Ok(300_000_000));
        assert_eq!(parse("10us"), Ok(10_000));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("-2s"), Ok(-2_000_000_000));
        // found by the fuzzer (fuzz/ values): a long fraction overflowed `frac * scale`
        let long = format!("1.5{}h", "2".repeat(120));
        assert_eq!(parse(&long), Ok(5_479_999_999_999));
        assert!(parse(&format!("{}h", "9".repeat(40))).is_err());
        assert!(parse("10").is_err());
        assert!(parse("1x").is_err());
        assert!(parse("").is_err());
        assert_eq!(format_go(90_000_000_000), "1m30s");
        assert_eq!(format_go(1_000_000_000), "1s");
        assert_eq!(format_go(500_000_000), "500ms");
        assert_eq!(format_go(3_600_000_000_000), "1h0m0s");
    }

    #[test]
    fn both_forms_read_back_to_the_same_value() {
        for ns in [
            0,
            1,
            999,
            1_000,
            1_001_000_000,
            90_000_000_000,
            3_600_000_000_000,
            5_479_999_999_999,
            i64::MAX,
        ] {
            assert_eq!(parse(&format_go(ns)), Ok(ns), "{ns}");
            assert_eq!(parse(&short(ns)), Ok(ns), "{ns}");
        }
        assert_eq!(short(3_600_000_000_000), "1h");
        assert_eq!(short(90_000_000_000), "1m30s");
    }
}
