//! The small grammars a compose file borrows from the docker CLI and Go: durations (`1m30s`),
//! sizes (`512M`), CPU counts (`0.5`), shell words (`sh -c "echo hi"`), port specs
//! (`8080:80/udp`), short volume specs (`data:/var/lib:ro`) and image references. Each parser
//! returns a plain message on bad input; the caller adds the file and the place.

pub use swarmtop_model::duration::{format_go as format_duration, parse as parse_duration};

/// Sizes (`512M`) and CPU counts (`0.5`): the grammar the service-create form shares.
pub use swarmtop_model::units::{parse_nano_cpus, parse_ram_bytes};

/// Splits a command line into words like the CLI's shlex: blanks separate words, single and
/// double quotes group, a backslash escapes, and `#` at the start of a word begins a comment.
pub fn shell_split(s: &str) -> Result<Vec<String>, String> {
    #[derive(PartialEq)]
    enum St {
        Blank,
        Word,
        Single,
        Double,
        Comment,
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut st = St::Blank;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match st {
            St::Comment => {
                if c == '\n' {
                    st = St::Blank;
                }
            }
            St::Blank | St::Word => match c {
                ' ' | '\t' | '\n' | '\r' => {
                    if st == St::Word {
                        out.push(std::mem::take(&mut cur));
                    }
                    st = St::Blank;
                }
                '#' if st == St::Blank => st = St::Comment,
                '\'' => st = St::Single,
                '"' => st = St::Double,
                '\\' => match chars.next() {
                    Some(n) => {
                        cur.push(n);
                        st = St::Word;
                    }
                    None => return Err(format!("{s:?}: a backslash ends the command")),
                },
                _ => {
                    cur.push(c);
                    st = St::Word;
                }
            },
            St::Single => match c {
                '\'' => st = St::Word,
                _ => cur.push(c),
            },
            St::Double => match c {
                '"' => st = St::Word,
                '\\' => match chars.next() {
                    Some(n @ ('"' | '\\' | '$' | '`' | '\n')) => cur.push(n),
                    Some(n) => {
                        cur.push('\\');
                        cur.push(n);
                    }
                    None => return Err(format!("{s:?}: unclosed double quote")),
                },
                _ => cur.push(c),
            },
        }
    }
    match st {
        St::Single => return Err(format!("{s:?}: unclosed single quote")),
        St::Double => return Err(format!("{s:?}: unclosed double quote")),
        St::Word => out.push(cur),
        _ => {}
    }
    Ok(out)
}

/// One published port, as the engine wants it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortSpec {
    pub target: u32,
    pub published: u32,
    pub protocol: String,
    pub mode: String,
}

fn port_range(s: &str) -> Option<(u32, u32)> {
    let parse = |p: &str| p.parse::<u16>().ok().map(u32::from);
    match s.split_once('-') {
        None => parse(s).map(|p| (p, p)),
        Some((a, b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            (b >= a).then_some((a, b))
        }
    }
}

/// Short port syntax: `80`, `8080:80`, `8080-8081:80-81/udp`, `127.0.0.1:8080:80`. The host IP
/// is accepted and dropped (a swarm publishes on every address), as the CLI does.
pub fn parse_port_spec(raw: &str) -> Result<Vec<PortSpec>, String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => ("".to_string(), "", parts[0]),
        2 => ("".to_string(), parts[0], parts[1]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let (container, proto) = match container.split_once('/') {
        Some((c, p)) => (c, p.to_ascii_lowercase()),
        None => (container, "tcp".to_string()),
    };
    if !ip.is_empty() {
        let ip = ip.trim_start_matches('[').trim_end_matches(']');
        if ip.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("invalid IP address {ip:?} in port {raw:?}"));
        }
    }
    if container.is_empty() {
        return Err(format!("no port given in {raw:?}"));
    }
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!(
            "invalid protocol {proto:?} in port {raw:?} (tcp, udp or sctp)"
        ));
    }
    let (c0, c1) =
        port_range(container).ok_or_else(|| format!("invalid container port in {raw:?}"))?;
    let (h0, h1) = if host.is_empty() {
        (0, 0)
    } else {
        port_range(host).ok_or_else(|| format!("invalid published port in {raw:?}"))?
    };
    if !host.is_empty() && c1 - c0 != h1 - h0 && c1 != c0 {
        return Err(format!(
            "the container and published port ranges of {raw:?} differ in size"
        ));
    }
    let mut out = Vec::new();
    for i in 0..=(c1 - c0) {
        let target = c0 + i;
        if c0 == c1 && h0 != h1 {
            // one container port, a range of published ports: one entry per published port
            for p in h0..=h1 {
                out.push(PortSpec {
                    target,
                    published: p,
                    protocol: proto.clone(),
                    mode: "ingress".into(),
                });
            }
        } else {
            out.push(PortSpec {
                target,
                published: if host.is_empty() { 0 } else { h0 + i },
                protocol: proto.clone(),
                mode: "ingress".into(),
            });
        }
    }
    Ok(out)
}

/// A short volume spec split into its parts: `[source:]target[:options]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeSpec {
    pub kind: String,
    pub source: String,
    pub target: String,
    pub read_only: bool,
    pub nocopy: bool,
    pub propagation: Option<String>,
}

const PROPAGATIONS: &[&str] = &[
    "rprivate", "private", "rshared", "shared", "rslave", "slave",
];

/// Short volume syntax, as the CLI reads it: a source that starts with `.`, `/` or `~` is a
/// bind mount, anything else a named volume; no source is an anonymous volume.
pub fn parse_volume_spec(spec: &str) -> Result<VolumeSpec, String> {
    let mut v = VolumeSpec::default();
    if spec.is_empty() {
        return Err("empty volume spec".into());
    }
    if spec.chars().count() <= 2 {
        v.target = spec.to_string();
        v.kind = "volume".into();
        return Ok(v);
    }
    let fields: Vec<&str> = spec.split(':').collect();
    if fields.iter().any(|f| f.is_empty()) {
        return Err(format!(
            "invalid volume {spec:?}: empty section between colons"
        ));
    }
    match fields.as_slice() {
        [t] => v.target = t.to_string(),
        [s, t] => {
            v.source = s.to_string();
            v.target = t.to_string();
        }
        [s, t, opts] => {
            v.source = s.to_string();
            v.target = t.to_string();
            for o in opts.split(',') {
                match o {
                    "ro" => v.read_only = true,
                    "rw" => v.read_only = false,
                    "nocopy" => v.nocopy = true,
                    p if PROPAGATIONS.contains(&p) => v.propagation = Some(p.to_string()),
                    _ => {} // the CLI ignores options it does not know
                }
            }
        }
        _ => return Err(format!("invalid volume {spec:?}: too many colons")),
    }
    v.kind = if v.source.starts_with(['.', '/', '~']) {
        "bind".into()
    } else {
        "volume".into()
    };
    Ok(v)
}

/// Checks an image reference the way the CLI does before a deploy: `name[:tag][@digest]`
/// with an optional registry host, lowercase path components, or a full 64-hex image ID.
pub fn check_image_ref(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("no image given".into());
    }
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Ok(());
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let ok = d.split_once(':').is_some_and(|(algo, hex)| {
            !algo.is_empty()
                && algo
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !ok {
            return Err(format!("invalid digest in image {s:?}"));
        }
    }
    // a tag follows the last colon that comes after the last slash
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return Err(format!("invalid tag {t:?} in image {s:?}"));
        }
    }
    if name.is_empty() {
        return Err(format!("invalid image {s:?}: no name"));
    }
    let mut comps: Vec<&str> = name.split('/').collect();
    // the first component is a registry host when it looks like one
    if comps.len() > 1 {
        let first = comps[0];
        if first.contains(['.', ':']) || first == "localhost" {
            let host_ok = first
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
            if !host_ok {
                return Err(format!("invalid registry host {first:?} in image {s:?}"));
            }
            comps.remove(0);
        }
    }
    for c in comps {
        if !path_component_ok(c) {
            if c.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "invalid image {s:?}: repository names must be lowercase"
                ));
            }
            return Err(format!("invalid image {s:?}: bad name component {c:?}"));
        }
    }
    Ok(())
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or any run of `-`.
fn path_component_ok(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() {
        return false;
    }
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// A number the CLI holds as a Go float32 (max_failure_ratio), as the engine stores it: Go
/// writes a float32 in JSON with the fewest digits that read back as the same float32 (0.3,
/// not 0.30000001192092896), and the engine reads that into a float32 again. Rust prints an
/// f32 the same shortest way, so its text read as f64 is the number the engine shows.
pub fn go_float32(v: f64) -> f64 {
    let narrowed = v as f32;
    if !narrowed.is_finite() {
        return f64::from(narrowed);
    }
    narrowed.to_string().parse().unwrap_or(f64::from(narrowed))
}

/// A number the way Go's `fmt.Sprint` prints a float64: `1` for 1.0, `0.5`, `1e+21`.
pub fn go_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let exp = if v == 0.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    };
    if (-4..21).contains(&exp) {
        let s = format!("{v}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    } else {
        // Rust prints 1e21 as "1e21"; Go as "1e+21" with at least two exponent digits
        let s = format!("{v:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match e.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', e),
        };
        format!("{m}e{sign}{digits:0>2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_values_read_back_as_the_engine_shows_them() {
        for (v, want) in [
            (0.3, 0.3),
            (0.1, 0.1),
            (0.25, 0.25),
            (1.0, 1.0),
            (0.0, 0.0),
            // more digits than a float32 holds are rounded to what it holds
            (0.123456789, 0.12345679),
        ] {
            assert_eq!(go_float32(v), want, "{v}");
        }
    }

    #[test]
    fn sizes_and_cpus() {
        assert_eq!(parse_ram_bytes("512"), Ok(512));
        assert_eq!(parse_ram_bytes("64M"), Ok(64 * 1024 * 1024));
        assert_eq!(parse_ram_bytes("1.5g"), Ok(1_610_612_736));
        assert_eq!(parse_ram_bytes("2GiB"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_ram_bytes("10 kb"), Ok(10240));
        assert!(parse_ram_bytes("12x").is_err());
        assert!(parse_ram_bytes("M").is_err());
        assert_eq!(parse_nano_cpus("0.5"), Ok(500_000_000));
        assert_eq!(parse_nano_cpus("2"), Ok(2_000_000_000));
        assert_eq!(parse_nano_cpus(".25"), Ok(250_000_000));
        assert!(parse_nano_cpus("0.0000000001").is_err());
        assert!(parse_nano_cpus("half").is_err());
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_split(r#"sh -c "echo 'hi there'" x\ y"#).unwrap(),
            vec!["sh", "-c", "echo 'hi there'", "x y"]
        );
        assert_eq!(
            shell_split("sleep 3600 # forever").unwrap(),
            vec!["sleep", "3600"]
        );
        assert_eq!(shell_split("a#b").unwrap(), vec!["a#b"]);
        assert!(shell_split("echo 'open").is_err());
    }

    #[test]
    fn ports_short_syntax() {
        let p = parse_port_spec("8080:80").unwrap();
        assert_eq!(
            p,
            vec![PortSpec {
                target: 80,
                published: 8080,
                protocol: "tcp".into(),
                mode: "ingress".into()
            }]
        );
        let p = parse_port_spec("9000-9001:90-91/udp").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[1].target, p[1].published, p[1].protocol.as_str()),
            (91, 9001, "udp")
        );
        assert_eq!(parse_port_spec("80").unwrap()[0].published, 0);
        assert_eq!(parse_port_spec("127.0.0.1:81:80").unwrap()[0].published, 81);
        assert_eq!(parse_port_spec("7000-7002:70").unwrap().len(), 3);
        assert!(parse_port_spec("80/xyz").is_err());
        assert!(parse_port_spec("70000").is_err());
        assert!(parse_port_spec("1-3:1-2").is_err());
    }

    #[test]
    fn volumes_short_syntax() {
        let v = parse_volume_spec("data:/var/lib/data:ro").unwrap();
        assert_eq!(
            (v.kind.as_str(), v.source.as_str(), v.read_only),
            ("volume", "data", true)
        );
        let v = parse_volume_spec("./conf:/etc/app:rshared").unwrap();
        assert_eq!(v.kind, "bind");
        assert_eq!(v.propagation.as_deref(), Some("rshared"));
        let v = parse_volume_spec("/scratch").unwrap();
        assert_eq!((v.source.as_str(), v.target.as_str()), ("", "/scratch"));
        assert!(parse_volume_spec("a::b").is_err());
        assert!(parse_volume_spec("a:b:c:d").is_err());
    }

    #[test]
    fn image_references() {
        for ok in [
            "busybox",
            "swarmtest/busybox:1",
            "registry.example.com:5000/team/app:v1.2",
            "localhost/app",
            "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a__b/c-d--e.f:latest",
        ] {
            assert!(check_image_ref(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Busybox", "busybox:", "bad image", "x/-y", "app:tag!"] {
            assert!(check_image_ref(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(0.5), "0.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
    }
}
