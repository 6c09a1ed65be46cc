//! Engine and transport failures in plain words. Every error the user sees names the endpoint
//! and says what went wrong, in one line.

use std::error::Error as StdError;
use std::io;

use thiserror::Error;

use super::transport::ssh::SshFailure;
pub use swarmtop_model::feed::Failure;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EngineError {
    #[error("cannot reach the engine at {endpoint}: {detail}")]
    Unreachable { endpoint: String, detail: String },
    #[error(
        "{endpoint} is not a swarm manager{managers}: connect to a manager with --host or --context"
    )]
    NotManager { endpoint: String, managers: String },
    #[error(
        "the engine at {endpoint} is not part of a swarm (its state is {state}); run `docker swarm init` or `docker swarm join` there, or connect to a manager"
    )]
    NotInSwarm { endpoint: String, state: String },
    #[error("{message}")]
    Api { status: u16, message: String },
    #[error("the engine at {endpoint} did not answer within {secs} s")]
    Timeout { endpoint: String, secs: u64 },
    /// The read-only gate kept the request in (`crate::access`): nothing was sent.
    #[error("{0}")]
    ReadOnly(String),
    #[error("{0}")]
    Other(String),
}

impl EngineError {
    /// True when the connection, not the request, failed: the data on screen is stale.
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            EngineError::Unreachable { .. } | EngineError::Timeout { .. }
        )
    }

    /// A poll that fails this way means the data on screen is no longer the truth: the
    /// connection failed, or the engine answered with a server error (500; 503 when the swarm
    /// has no leader). A 404 is an answer about the thing asked for (a service just removed).
    pub fn poll_failed(&self) -> bool {
        self.is_connection() || self.status().is_some_and(|s| s >= 500)
    }

    /// What kind of failure this is, for the header and the footer.
    pub fn failure(&self) -> Failure {
        match self {
            EngineError::Api { message, .. } if message.starts_with(NO_LEADER) => Failure::NoLeader,
            EngineError::Api { .. } | EngineError::Other(_) => Failure::Answered,
            _ => Failure::Connection,
        }
    }

    /// The engine's own status code for API errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            EngineError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// How `explain` starts the engine's "does not have a leader".
const NO_LEADER: &str = "the swarm has no leader right now";

/// Turns a bollard error into one of ours, looking through the source chain for the real cause.
pub fn from_bollard(endpoint: &str, err: &bollard::errors::Error) -> EngineError {
    use bollard::errors::Error as B;
    if let Some(r) = read_only_refusal(err) {
        return EngineError::ReadOnly(r.to_string());
    }
    match err {
        B::DockerResponseServerError { message, .. }
            if message.contains("HTTP request to an HTTPS server") =>
        {
            EngineError::Unreachable {
                endpoint: endpoint.to_string(),
                detail: "the engine expects TLS: add --tlsverify with its certificates (or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)".into(),
            }
        }
        B::DockerResponseServerError {
            status_code,
            message,
        } => EngineError::Api {
            status: *status_code,
            message: api_message(message),
        },
        B::RequestTimeoutError => EngineError::Timeout {
            endpoint: endpoint.to_string(),
            secs: super::timeout::REQUEST_TIMEOUT_SECS,
        },
        B::SocketNotFoundError(path) => EngineError::Unreachable {
            endpoint: endpoint.to_string(),
            detail: format!("no socket at {path} (is dockerd running there?)"),
        },
        B::JsonDataError { .. } | B::JsonSerdeError { .. } => EngineError::Other(format!(
            "the engine at {endpoint} sent data swarmtop cannot read: {err}"
        )),
        _ => EngineError::Unreachable {
            endpoint: endpoint.to_string(),
            detail: cause(err),
        },
    }
}

/// The gate's refusal, wherever in the source chain it is.
fn read_only_refusal<'a>(
    err: &'a (dyn StdError + 'static),
) -> Option<&'a crate::access::ReadOnlyRefusal> {
    // an io::Error's source() skips its own payload, where the gate puts the refusal: look at
    // each payload as well as down the chain
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<crate::access::ReadOnlyRefusal>() {
            return Some(r);
        }
        let io = match e.downcast_ref::<bollard::errors::Error>() {
            Some(bollard::errors::Error::IOError { err }) => Some(err),
            _ => e.downcast_ref::<io::Error>(),
        };
        if let Some(inner) = io.and_then(|io| io.get_ref())
            && let Some(r) = inner.downcast_ref::<crate::access::ReadOnlyRefusal>()
        {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

/// The engine's messages start lowercase and sometimes carry "rpc error: code = ... desc = ".
fn api_message(m: &str) -> String {
    let m = m.trim();
    let m = match m.find("desc = ") {
        Some(i) => &m[i + 7..],
        None => m,
    };
    explain(m)
}

/// The engine's terse messages, said so an operator knows what is going on and what to do.
fn explain(m: &str) -> String {
    let lower = m.to_lowercase();
    if lower.contains("does not have a leader") {
        return format!(
            "{NO_LEADER} (a majority of the managers is down or cut off, or a new leader is being elected): nothing can be read or changed until there is one"
        );
    }
    if lower.contains("update out of sequence") {
        return "someone changed it at the same time (update out of sequence); swarmtop re-read it and tried once more, and it changed again: try again".into();
    }
    if lower.contains("is not a swarm manager") {
        return "this engine is no longer a swarm manager (demoted, or left the swarm): connect to a manager".into();
    }
    if lower.contains("context deadline exceeded") {
        return format!(
            "the managers did not agree in time ({m}): the swarm may be overloaded or losing its quorum"
        );
    }
    m.to_string()
}

/// Causes we can say in better words than their own.
fn known(e: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(s) = e.downcast_ref::<SshFailure>() {
        return Some(s.0.clone());
    }
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls_words(tls));
    }
    if let Some(bollard::errors::Error::SocketNotFoundError(p)) =
        e.downcast_ref::<bollard::errors::Error>()
    {
        return Some(format!("no socket at {p} (is dockerd running there?)"));
    }
    None
}

/// The most useful sentence in an error's source chain.
pub fn cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    let mut last = err.to_string();
    while let Some(e) = cur {
        if let Some(s) = known(e) {
            return s;
        }
        if let Some(mut io) = e.downcast_ref::<io::Error>() {
            // io errors nest (connector -> TLS stream -> rustls): look all the way in
            while let Some(inner) = io.get_ref() {
                let inner: &(dyn StdError + 'static) = inner;
                if let Some(s) = known(inner) {
                    return s;
                }
                match inner.downcast_ref::<io::Error>() {
                    Some(next) => io = next,
                    None => break,
                }
            }
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => "connection refused".into(),
                io::ErrorKind::NotFound => "no such socket or host".into(),
                io::ErrorKind::PermissionDenied => {
                    "permission denied (is your user allowed to use the docker socket?)".into()
                }
                io::ErrorKind::TimedOut => "connection timed out".into(),
                _ => io.to_string(),
            };
        }
        last = e.to_string();
        cur = e.source();
    }
    last
}

fn tls_words(e: &rustls::Error) -> String {
    use rustls::{AlertDescription, CertificateError, Error as R};
    let hint = match e {
        R::InvalidCertificate(CertificateError::UnknownIssuer) => {
            " (the engine's certificate is not signed by the CA given: check --tlscacert or the context's ca.pem)"
        }
        R::InvalidCertificate(CertificateError::NotValidForName)
        | R::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            " (the certificate does not name this host)"
        }
        R::AlertReceived(AlertDescription::CertificateRequired)
        | R::AlertReceived(AlertDescription::BadCertificate)
        | R::AlertReceived(AlertDescription::UnknownCA) => {
            " (the engine wants a client certificate it trusts: check --tlscert/--tlskey)"
        }
        _ => "",
    };
    format!("TLS handshake failed: {e}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_leader_in_words() {
        let e = api_message(
            "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.",
        );
        assert!(e.starts_with("the swarm has no leader right now"), "{e}");
    }

    #[test]
    fn rpc_prefix_is_dropped() {
        assert_eq!(
            api_message(
                "rpc error: code = InvalidArgument desc = name conflicts with an existing object"
            ),
            "name conflicts with an existing object"
        );
        // what the single retry looks for is still said
        assert!(
            api_message("rpc error: code = Unknown desc = update out of sequence")
                .contains("out of sequence")
        );
    }

    #[test]
    fn ssh_failure_is_found_inside_io_errors() {
        let e = io::Error::new(
            io::ErrorKind::ConnectionAborted,
            SshFailure("ssh to ssh://h failed (exit status 255): Permission denied".into()),
        );
        assert!(cause(&e).contains("exit status 255"));
    }

    #[test]
    fn refused_in_words() {
        let e = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(cause(&e), "connection refused");
    }
}
