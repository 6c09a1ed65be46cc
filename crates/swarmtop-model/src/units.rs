//! Sizes and CPU counts as the docker CLI reads them (`--limit-memory 512M`, `--limit-cpu 0.5`,
//! `tmpfs-size=64m`, a compose file's `memory:` and `cpus:`): one grammar for the forms, the
//! command line and stack files, so the same text gives the same number everywhere.

/// A size in bytes as docker's `RAMInBytes` (go-units) reads it: `512`, `1k`, `64M`, `1.5g`,
/// `2GiB`, `10 kb`; units are powers of 1024, case-insensitive, the `b` optional.
pub fn parse_ram_bytes(s: &str) -> Result<i64, String> {
    let bad = || format!("invalid size {s:?} (use a number with an optional unit: 512M, 1g)");
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return Err(bad());
    };
    let (num, sfx) = if s.as_bytes()[sep] == b' ' {
        (&s[..sep], &s[sep + 1..])
    } else {
        (&s[..=sep], &s[sep + 1..])
    };
    // Go's ParseFloat takes no "inf" or "nan" spelled with digits around them, and neither
    // does this: the number part ends with a digit, a dot or a space
    let size: f64 = num.parse().map_err(|_| bad())?;
    if size < 0.0 || !size.is_finite() {
        return Err(bad());
    }
    let sfx = sfx.to_ascii_lowercase();
    let mul: f64 = match sfx.as_str() {
        "" | "b" => 1.0,
        _ => {
            let k = match sfx.as_bytes()[0] {
                b'k' => 1024f64,
                b'm' => 1024f64.powi(2),
                b'g' => 1024f64.powi(3),
                b't' => 1024f64.powi(4),
                b'p' => 1024f64.powi(5),
                _ => return Err(bad()),
            };
            match &sfx[1..] {
                "" | "b" | "ib" => k,
                _ => return Err(bad()),
            }
        }
    };
    let bytes = size * mul;
    // Go converts with int64(size), which truncates; past i64 it gives nonsense, refused here
    if bytes >= i64::MAX as f64 {
        return Err(format!("size {s:?} is too large"));
    }
    Ok(bytes as i64)
}

/// CPUs in nano CPUs as the CLI's `ParseCPUs` reads them (a rational number times 10^9, which
/// must come out whole): `0.5` -> 500000000, `2`, `.25`, `1e-3`, `3/4`. Base prefixes
/// (`0x1p-1`), which Go's `big.Rat` also takes, are refused.
pub fn parse_nano_cpus(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let bad = || format!("invalid cpus {s:?} (use a number such as 0.5 or 2)");
    let precise = || format!("cpus {s:?} is too precise (at most 9 decimals)");
    let large = || format!("cpus {s:?} is too large");
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let nano: i128 = if let Some((a, b)) = t.split_once('/') {
        // Go reads each side of a fraction with base prefixes: `010` would be octal
        let octal = |x: &str| x.len() > 1 && x.starts_with('0');
        if !digits(a) || !digits(b) || octal(a) || octal(b) {
            return Err(bad());
        }
        if a.len() > 19 {
            return Err(large());
        }
        if b.len() > 19 {
            return Err(precise());
        }
        let a: i128 = a.parse().map_err(|_| bad())?;
        let b: i128 = b.parse().map_err(|_| bad())?;
        if b == 0 {
            return Err(format!("cpus {s:?} divides by zero"));
        }
        let scaled = a * 1_000_000_000;
        if scaled % b != 0 {
            return Err(precise());
        }
        scaled / b
    } else {
        let (mantissa, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let exp: i64 = match exp {
            None => 0,
            Some(e) => {
                let body = e.strip_prefix(['+', '-']).unwrap_or(e);
                if !digits(body) {
                    return Err(bad());
                }
                // a bigger exponent makes any non-zero number too large or too precise
                e.parse::<i64>()
                    .map_err(|_| large())?
                    .clamp(-10_000, 10_000)
            }
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if (int.is_empty() && frac.is_empty())
            || !(int.is_empty() || digits(int))
            || !(frac.is_empty() || digits(frac))
        {
            return Err(bad());
        }
        // the value is all digits times 10^(exp - decimals): zeros at either end change nothing
        let frac = frac.trim_end_matches('0');
        let all = format!("{int}{frac}");
        let all = all.trim_start_matches('0');
        if all.is_empty() {
            return Ok(0);
        }
        let stripped = all.trim_end_matches('0');
        let mut power = 9 + exp - frac.len() as i64 + (all.len() - stripped.len()) as i64;
        if stripped.len() > 30 {
            return Err(if power < 0 { precise() } else { large() });
        }
        let mut v: i128 = stripped.parse().map_err(|_| bad())?;
        if power < 0 {
            // the last digit is not 0, so no negative power of ten leaves it whole
            return Err(precise());
        }
        while power > 0 {
            v = v
                .checked_mul(10)
                .filter(|v| *v <= i64::MAX as i128)
                .ok_or_else(large)?;
            power -= 1;
        }
        v
    };
    if nano > i64::MAX as i128 {
        return Err(large());
    }
    let nano = nano as i64;
    Ok(if neg { -nano } else { nano })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each value is what the docker CLI (28.2.2 and 20.10.24) put in the service spec for the
    // same text: `docker service create --limit-memory X` / `--limit-cpu X`, read back with
    // `docker service inspect`.
    #[test]
    fn sizes_as_the_cli_reads_them() {
        for (text, bytes) in [
            ("512", 512),
            ("512m", 536_870_912),
            ("512M", 536_870_912),
            ("512mb", 536_870_912),
            ("512MiB", 536_870_912),
            ("1g", 1_073_741_824),
            ("1.5G", 1_610_612_736),
            ("2GiB", 2_147_483_648),
            ("10 kb", 10_240),
            ("0.3k", 307),
            ("1t", 1_099_511_627_776),
        ] {
            assert_eq!(parse_ram_bytes(text), Ok(bytes), "{text}");
        }
        for text in ["12x", "M", "-1m", "1mm", "1.5.3m", "", "5ib", "1 2m"] {
            assert!(parse_ram_bytes(text).is_err(), "{text}");
        }
    }

    #[test]
    fn cpus_as_the_cli_reads_them() {
        for (text, nano) in [
            ("0.5", 500_000_000),
            ("2", 2_000_000_000),
            (".25", 250_000_000),
            ("1.", 1_000_000_000),
            ("0.001", 1_000_000),
            ("1e-3", 1_000_000),
            ("1.5E1", 15_000_000_000),
            ("3/4", 750_000_000),
            ("+1", 1_000_000_000),
            ("0.500000000000000000000000000000000000000", 500_000_000),
            ("0", 0),
            ("-0.5", -500_000_000),
        ] {
            assert_eq!(parse_nano_cpus(text), Ok(nano), "{text}");
        }
        assert!(
            parse_nano_cpus("0.0000000001")
                .unwrap_err()
                .contains("precise")
        );
        assert!(parse_nano_cpus("1/3").unwrap_err().contains("precise"));
        assert!(parse_nano_cpus("1e30").unwrap_err().contains("too large"));
        assert!(parse_nano_cpus("1/0").unwrap_err().contains("zero"));
        assert!(parse_nano_cpus("010/1").is_err(), "octal in Go");
        for text in ["half", "", ".", "1e", "0x10", "1,5", "1 "] {
            let got = parse_nano_cpus(text);
            // a trailing space is trimmed, as the form trims what was typed
            if text == "1 " {
                assert_eq!(got, Ok(1_000_000_000));
            } else {
                assert!(got.is_err(), "{text}: {got:?}");
            }
        }
    }
}
