//! Image references as docker reads and writes them (the grammar of distribution's
//! `reference` package, which the docker CLI and moby's client library use).
//!
//! What matters on the wire: moby's client library rewrites the image of every service it
//! creates or updates to its familiar form with a default tag (`imageWithTagString`):
//! `busybox` -> `busybox:latest`, `docker.io/library/nginx:1` -> `nginx:1`; a reference it
//! cannot parse is sent as written. The engine stores what it is sent, so swarmtop sends the
//! same, or a later `docker stack deploy` of the same file would see a change and roll every
//! task.

use std::sync::LazyLock;

use regex::Regex;

const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DOMAIN: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";
const NAME_MAX: usize = 255;

/// The pieces of the grammar, as in distribution/reference's regexp.go (ASCII classes: Go's
/// `\w` is ASCII-only).
fn grammar() -> (String, String, String, String) {
    let alphanumeric = "[a-z0-9]+";
    let separator = "(?:[._]|__|[-]+)";
    let component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let domain_name = format!(r"{component}(?:\.{component})*");
    let host = format!(r"(?:{domain_name}|\[(?:[a-fA-F0-9:]+)\])");
    let domain = format!("{host}(?::[0-9]+)?");
    let path_component = format!("{alphanumeric}(?:{separator}{alphanumeric})*");
    let remote = format!("{path_component}(?:/{path_component})*");
    let tag = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}".to_string();
    let digest =
        "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}".to_string();
    (domain, remote, tag, digest)
}

/// Compiles one of the fixed patterns of the grammar above. They are constants of the program,
/// never input: a mistake in one fails every test of this module, not a user's run.
#[allow(clippy::expect_used)]
fn fixed(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a fixed pattern of the reference grammar")
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let (domain, remote, tag, digest) = grammar();
    let name = format!("(?:{domain}/)?{remote}");
    fixed(&format!("^({name})(?::({tag}))?(?:@({digest}))?$"))
});

static NAME: LazyLock<Regex> = LazyLock::new(|| {
    let (domain, remote, _, _) = grammar();
    fixed(&format!("^(?:({domain})/)?({remote})$"))
});

static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| fixed("^[a-f0-9]{64}$"));

/// A parsed, normalized reference: `docker.io/library/busybox:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub domain: String,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Why a reference does not parse, in docker's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("repository name must have at least one component")]
    Empty,
    #[error("invalid repository name ({0}), cannot specify 64-byte hexadecimal strings")]
    Identifier(String),
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    #[error("repository name must not be more than 255 characters")]
    TooLong,
    #[error("invalid reference format")]
    Format,
    #[error("invalid digest: {0}")]
    Digest(String),
}

/// `ParseNormalizedNamed`: a reference as a user types it, with docker.io and library/ filled in.
pub fn parse_normalized(s: &str) -> Result<ImageRef, RefError> {
    if IDENTIFIER.is_match(s) {
        return Err(RefError::Identifier(s.to_string()));
    }
    let (domain, remainder) = split_domain(s);
    let remote = remainder.split(':').next().unwrap_or_default();
    if remote.to_lowercase() != remote {
        return Err(RefError::Uppercase(remote.to_string()));
    }
    parse(&format!("{domain}/{remainder}"))
}

fn split_domain(name: &str) -> (String, String) {
    let (domain, mut rest) = match name.split_once('/') {
        None => (DEFAULT_DOMAIN.to_string(), name.to_string()),
        Some((d, r)) => {
            if d == "localhost" || d.contains(['.', ':']) || d.to_lowercase() != d {
                let d = if d == LEGACY_DOMAIN {
                    DEFAULT_DOMAIN
                } else {
                    d
                };
                (d.to_string(), r.to_string())
            } else if d == LEGACY_DOMAIN {
                (DEFAULT_DOMAIN.to_string(), r.to_string())
            } else {
                (DEFAULT_DOMAIN.to_string(), name.to_string())
            }
        }
    };
    if domain == DEFAULT_DOMAIN && !rest.contains('/') {
        rest = format!("{OFFICIAL_PREFIX}{rest}");
    }
    (domain, rest)
}

fn parse(s: &str) -> Result<ImageRef, RefError> {
    let Some(m) = REFERENCE.captures(s) else {
        if s.is_empty() {
            return Err(RefError::Empty);
        }
        if REFERENCE.is_match(&s.to_lowercase()) {
            return Err(RefError::Uppercase(s.to_string()));
        }
        return Err(RefError::Format);
    };
    let name = m.get(1).map_or("", |x| x.as_str());
    if name.len() > NAME_MAX {
        return Err(RefError::TooLong);
    }
    let n = NAME.captures(name).ok_or(RefError::Format)?;
    let digest = m.get(3).map(|d| d.as_str().to_string());
    if let Some(d) = &digest {
        check_digest(d)?;
    }
    Ok(ImageRef {
        domain: n.get(1).map_or("", |x| x.as_str()).to_string(),
        path: n.get(2).map_or("", |x| x.as_str()).to_string(),
        tag: m.get(2).map(|t| t.as_str().to_string()),
        digest,
    })
}

/// go-digest's check: a known algorithm with the right number of lowercase hex digits.
fn check_digest(d: &str) -> Result<(), RefError> {
    let (algo, hex) = d.split_once(':').unwrap_or((d, ""));
    let want = match algo {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Err(RefError::Digest(format!(
                "unsupported digest algorithm {algo:?}"
            )));
        }
    };
    if hex.len() != want
        || !hex
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    {
        return Err(RefError::Digest(format!(
            "{algo} digests are {want} lowercase hex digits"
        )));
    }
    Ok(())
}

impl ImageRef {
    /// `FamiliarString`: docker.io and library/ left out, as people write it.
    pub fn familiar(&self) -> String {
        let mut name = if self.domain == DEFAULT_DOMAIN {
            match self.path.strip_prefix(OFFICIAL_PREFIX) {
                Some(rest) if !rest.contains('/') => rest.to_string(),
                _ => self.path.clone(),
            }
        } else if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        };
        if let Some(t) = &self.tag {
            name.push(':');
            name.push_str(t);
        }
        if let Some(d) = &self.digest {
            name.push('@');
            name.push_str(d);
        }
        name
    }

    /// `TagNameOnly`: `latest` when there is neither a tag nor a digest.
    pub fn with_default_tag(mut self) -> ImageRef {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some("latest".into());
        }
        self
    }
}

/// The image as moby's client library sends it in a service create or update: familiar, with
/// `:latest` when untagged; as written when it does not parse (the engine then refuses it, in
/// its own words).
pub fn as_docker_sends(image: &str) -> String {
    match parse_normalized(image) {
        Ok(r) => r.with_default_tag().familiar(),
        Err(_) => image.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn untagged_images_get_latest_as_the_docker_client_sends_them() {
        for (written, sent) in [
            ("busybox", "busybox:latest".to_string()),
            ("busybox:1.36", "busybox:1.36".to_string()),
            ("library/busybox", "busybox:latest".to_string()),
            ("docker.io/library/nginx:1", "nginx:1".to_string()),
            (
                "index.docker.io/grafana/grafana",
                "grafana/grafana:latest".to_string(),
            ),
            ("prom/prometheus", "prom/prometheus:latest".to_string()),
            ("localhost/app", "localhost/app:latest".to_string()),
            (
                "registry:5000/team/app",
                "registry:5000/team/app:latest".to_string(),
            ),
            ("ghcr.io/a/b:v1", "ghcr.io/a/b:v1".to_string()),
            ("docker.io/a/b/c", "a/b/c:latest".to_string()),
            (&format!("nginx@{DIGEST}"), format!("nginx@{DIGEST}")),
            (&format!("nginx:1@{DIGEST}"), format!("nginx:1@{DIGEST}")),
            ("[::1]:5000/app", "[::1]:5000/app:latest".to_string()),
        ] {
            assert_eq!(as_docker_sends(written), sent, "{written}");
        }
    }

    #[test]
    fn what_docker_cannot_parse_is_sent_as_written() {
        for bad in [
            "Busybox",
            "busybox:",
            "a b",
            "",
            "nginx@sha256:abc",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert_eq!(as_docker_sends(bad), bad, "{bad}");
            assert!(parse_normalized(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_say_what_docker_says() {
        assert_eq!(
            parse_normalized("foo/Bar").unwrap_err().to_string(),
            "invalid reference format: repository name (foo/Bar) must be lowercase"
        );
        assert_eq!(
            parse_normalized(&format!("a:{}", "x".repeat(129))).unwrap_err(),
            RefError::Format
        );
        assert_eq!(
            parse_normalized(&"a".repeat(300)).unwrap_err(),
            RefError::TooLong
        );
        assert!(matches!(
            parse_normalized("a@sha256:abcd").unwrap_err(),
            RefError::Format
        ));
        assert!(matches!(
            parse_normalized(&format!("a@sha256:{}", "A".repeat(64))).unwrap_err(),
            RefError::Digest(_)
        ));
    }

    #[test]
    fn an_uppercase_first_part_is_a_registry_host() {
        // distribution treats `Foo/` like `foo.com/`: a domain, not a path
        assert_eq!(as_docker_sends("Foo/bar"), "Foo/bar:latest");
    }

    #[test]
    fn a_domain_is_told_from_a_path_as_docker_does() {
        let r = parse_normalized("myregistry.local/team/app:2").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str(), r.tag.as_deref()),
            ("myregistry.local", "team/app", Some("2"))
        );
        let r = parse_normalized("team/app").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str()),
            ("docker.io", "team/app")
        );
    }
}
