//! Parsing and validating a docker host URL (`unix://`, `tcp://`, `ssh://`), the way the docker
//! CLI accepts them in `-H`, `DOCKER_HOST` and a context's endpoint.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// The default unix socket of a local engine.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where the engine API is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostUrl {
    Unix(PathBuf),
    Tcp { host: String, port: u16 },
    Ssh(SshTarget),
}

/// `ssh://[user@]host[:port]`: what `ssh` is given as `-l`, `-p` and the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum HostError {
    #[error("host {url:?}: {why}")]
    Invalid { url: String, why: String },
}

fn invalid(url: &str, why: impl Into<String>) -> HostError {
    HostError::Invalid {
        url: url.to_string(),
        why: why.into(),
    }
}

impl HostUrl {
    /// Parses a host as the docker CLI does. `tls` picks the default TCP port (2376 with TLS,
    /// 2375 without), as `docker -H tcp://host` does.
    pub fn parse(url: &str, tls: bool) -> Result<HostUrl, HostError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(invalid(url, "empty host"));
        }
        let (scheme, rest) = match url.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            // docker accepts a bare "host:port" as tcp
            None => ("tcp".to_string(), url),
        };
        match scheme.as_str() {
            "unix" => {
                if rest.is_empty() {
                    return Err(invalid(url, "unix:// needs a socket path"));
                }
                Ok(HostUrl::Unix(PathBuf::from(rest)))
            }
            "tcp" | "http" | "https" => parse_tcp(url, rest, tls),
            "ssh" => parse_ssh(url, rest).map(HostUrl::Ssh),
            "npipe" => Err(invalid(url, "named pipes exist only on Windows")),
            "fd" => Err(invalid(
                url,
                "fd:// is a daemon-side address, not one a client can dial",
            )),
            other => Err(invalid(
                url,
                format!("unsupported scheme {other:?}: use unix://, tcp:// or ssh://"),
            )),
        }
    }

    pub fn is_tcp(&self) -> bool {
        matches!(self, HostUrl::Tcp { .. })
    }
}

fn parse_tcp(url: &str, rest: &str, tls: bool) -> Result<HostUrl, HostError> {
    let rest = rest.trim_end_matches('/');
    if rest.contains('/') {
        return Err(invalid(url, "a tcp host takes no path"));
    }
    let default_port = if tls { 2376 } else { 2375 };
    let (host, port) = split_host_port(url, rest)?;
    if host.is_empty() {
        return Err(invalid(url, "no host name or address"));
    }
    check_hostname(url, &host)?;
    Ok(HostUrl::Tcp {
        host,
        port: port.unwrap_or(default_port),
    })
}

fn parse_ssh(url: &str, rest: &str) -> Result<SshTarget, HostError> {
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains('/') {
        return Err(invalid(url, "extra path after the host"));
    }
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => {
            if u.contains(':') {
                return Err(invalid(
                    url,
                    "plain-text passwords are not supported: use a key or an agent",
                ));
            }
            if u.is_empty() {
                return Err(invalid(url, "empty user name before '@'"));
            }
            check_user(url, u)?;
            (Some(u.to_string()), h)
        }
        None => (None, rest),
    };
    let (host, port) = split_host_port(url, hostport)?;
    if host.is_empty() {
        return Err(invalid(url, "no host specified"));
    }
    check_hostname(url, &host)?;
    Ok(SshTarget { user, host, port })
}

/// Splits `host[:port]` and `[v6]:port`.
fn split_host_port(url: &str, s: &str) -> Result<(String, Option<u16>), HostError> {
    if let Some(inner) = s.strip_prefix('[') {
        let (h, after) = inner
            .split_once(']')
            .ok_or_else(|| invalid(url, "unclosed '[' in an IPv6 address"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(parse_port(url, p)?),
            None if after.is_empty() => None,
            None => return Err(invalid(url, "unexpected text after the IPv6 address")),
        };
        return Ok((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Ok((h.to_string(), Some(parse_port(url, p)?))),
        Some(_) => Err(invalid(
            url,
            "an IPv6 address must be written in [brackets]",
        )),
        None => Ok((s.to_string(), None)),
    }
}

fn parse_port(url: &str, p: &str) -> Result<u16, HostError> {
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(invalid(
            url,
            format!("port {p:?} is not a number from 1 to 65535"),
        )),
        Ok(n) => Ok(n),
    }
}

/// The user, checked as the host is: it goes to `ssh -l`, and OpenSSH before 9.2 passed it
/// on to a shell in some configurations (`%r` in ProxyCommand, Match exec). Letters, digits,
/// `.`, `_`, `-` and `@` (directory users), never first a `-`.
fn check_user(url: &str, user: &str) -> Result<(), HostError> {
    if user.starts_with('-') {
        return Err(invalid(url, format!("user name {user:?} begins with '-'")));
    }
    if let Some(c) = user
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(invalid(
            url,
            format!(
                "user name {user:?} contains {c:?}: use letters, digits, '.', '_', '-' and '@'"
            ),
        ));
    }
    Ok(())
}

/// A host name must not be able to become an option of `ssh` or smuggle anything else.
fn check_hostname(url: &str, host: &str) -> Result<(), HostError> {
    if host.starts_with('-') {
        return Err(invalid(url, format!("host {host:?} begins with '-'")));
    }
    if let Some(c) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%')))
    {
        return Err(invalid(url, format!("host {host:?} contains {c:?}")));
    }
    Ok(())
}

impl fmt::Display for HostUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostUrl::Unix(p) => write!(f, "unix://{}", p.display()),
            HostUrl::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            HostUrl::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            HostUrl::Ssh(t) => write!(f, "{t}"),
        }
    }
}

impl fmt::Display for SshTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ssh://")?;
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_ssh_user_is_checked_as_the_host_is() {
        for bad in [
            "ssh://$(touch${IFS}pwnx)@host",
            "ssh://`id`@host",
            "ssh://a;b@host",
            "ssh://a b@host",
            "ssh://-oProxyCommand=x@host",
            "ssh://a'b@host",
            "ssh://a|b@host",
        ] {
            let e = HostUrl::parse(bad, false).unwrap_err().to_string();
            assert!(e.contains("user name"), "{bad}: {e}");
        }
        for good in [
            "ssh://root@h",
            "ssh://first.last@h",
            "ssh://u_1-x@h",
            "ssh://a@corp@h",
        ] {
            assert!(HostUrl::parse(good, false).is_ok(), "{good}");
        }
    }

    use super::*;

    #[test]
    fn unix_socket() {
        assert_eq!(
            HostUrl::parse("unix:///var/run/docker.sock", false).unwrap(),
            HostUrl::Unix(PathBuf::from("/var/run/docker.sock"))
        );
    }

    #[test]
    fn tcp_default_port_depends_on_tls() {
        assert_eq!(
            HostUrl::parse("tcp://10.0.0.1", false).unwrap(),
            HostUrl::Tcp {
                host: "10.0.0.1".into(),
                port: 2375
            }
        );
        assert_eq!(
            HostUrl::parse("tcp://10.0.0.1", true).unwrap(),
            HostUrl::Tcp {
                host: "10.0.0.1".into(),
                port: 2376
            }
        );
        assert_eq!(
            HostUrl::parse("mgr:2380", false).unwrap(),
            HostUrl::Tcp {
                host: "mgr".into(),
                port: 2380
            }
        );
        assert_eq!(
            HostUrl::parse("tcp://[::1]:2376", false)
                .unwrap()
                .to_string(),
            "tcp://[::1]:2376"
        );
    }

    #[test]
    fn ssh_with_user_and_port() {
        let HostUrl::Ssh(t) = HostUrl::parse("ssh://root@mgr-1:2222", false).unwrap() else {
            panic!("not ssh")
        };
        assert_eq!(t.user.as_deref(), Some("root"));
        assert_eq!(t.host, "mgr-1");
        assert_eq!(t.port, Some(2222));
        assert_eq!(t.to_string(), "ssh://root@mgr-1:2222");
    }

    #[test]
    fn ssh_rejects_what_could_become_an_option_or_a_password() {
        for bad in [
            "ssh://-oProxyCommand=evil",
            "ssh://root@-oProxyCommand=x",
            "ssh://-l@host",
            "ssh://u:pw@host",
            "ssh://host/path",
            "ssh://",
            "ssh://host:0",
            "ssh://host:99999",
            "ssh://ho st",
            "ssh://host;reboot",
        ] {
            let e = HostUrl::parse(bad, false).unwrap_err();
            assert!(e.to_string().contains(bad.trim()), "{bad}: {e}");
        }
    }

    #[test]
    fn unknown_scheme_names_the_url() {
        let e = HostUrl::parse("ftp://x", false).unwrap_err().to_string();
        assert!(
            e.contains("ftp://x") && e.contains("unsupported scheme"),
            "{e}"
        );
    }
}
