//! TLS for `tcp://` endpoints from docker's TLS settings: a CA file (else the system roots), an
//! optional client certificate and key, and "skip verify" for `--tls` without `--tlsverify` or a
//! context with `SkipTLSVerify`.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use thiserror::Error;

use crate::connect::TlsSettings;

#[derive(Debug, Error)]
pub enum TlsError {
    #[error("cannot read the {what} {path}: {why}")]
    Read {
        what: &'static str,
        path: String,
        why: String,
    },
    #[error("the {what} {path} holds no usable PEM data")]
    Empty { what: &'static str, path: String },
    #[error("a client certificate needs its key: {missing} is missing")]
    HalfPair { missing: &'static str },
    #[error("TLS setup failed: {0}")]
    Rustls(#[from] rustls::Error),
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    fs::read(path).map_err(|e| TlsError::Read {
        what,
        path: path.display().to_string(),
        why: e.to_string(),
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls client configuration for docker's TLS settings.
pub fn client_config(t: &TlsSettings) -> Result<ClientConfig, TlsError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = if t.verify {
        let mut roots = RootCertStore::empty();
        match &t.files.ca {
            Some(ca) => {
                let pem = read(ca, "CA certificate")?;
                let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem)
                    .filter_map(Result::ok)
                    .collect();
                if certs.is_empty() {
                    return Err(TlsError::Empty {
                        what: "CA certificate",
                        path: ca.display().to_string(),
                    });
                }
                roots.add_parsable_certificates(certs);
            }
            None => {
                // no CA given: trust the system's roots, as Go's TLS does
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
        }
        builder.with_root_certificates(roots)
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(
                provider.signature_verification_algorithms,
            )))
    };
    match (&t.files.cert, &t.files.key) {
        (Some(cert), Some(key)) => {
            let cert_pem = read(cert, "client certificate")?;
            let certs: Vec<_> = CertificateDer::pem_slice_iter(&cert_pem)
                .filter_map(Result::ok)
                .collect();
            if certs.is_empty() {
                return Err(TlsError::Empty {
                    what: "client certificate",
                    path: cert.display().to_string(),
                });
            }
            let key_pem = read(key, "client key")?;
            let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::Empty {
                what: "client key",
                path: key.display().to_string(),
            })?;
            Ok(builder.with_client_auth_cert(certs, key)?)
        }
        (Some(_), None) => Err(TlsError::HalfPair { missing: "key.pem" }),
        (None, Some(_)) => Err(TlsError::HalfPair {
            missing: "cert.pem",
        }),
        (None, None) => Ok(builder.with_no_client_auth()),
    }
}

/// Accepts any server certificate; signatures are still checked so the handshake is sound.
#[derive(Debug)]
struct NoVerify(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::TlsFiles;

    #[test]
    fn missing_ca_names_the_file() {
        let t = TlsSettings {
            files: TlsFiles {
                ca: Some("/nonexistent/ca.pem".into()),
                ..Default::default()
            },
            verify: true,
        };
        let e = client_config(&t).unwrap_err().to_string();
        assert!(
            e.contains("/nonexistent/ca.pem") && e.contains("CA certificate"),
            "{e}"
        );
    }

    #[test]
    fn cert_without_key_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let cert = d.path().join("cert.pem");
        std::fs::write(&cert, "x").unwrap();
        let t = TlsSettings {
            files: TlsFiles {
                cert: Some(cert),
                ..Default::default()
            },
            verify: false,
        };
        let e = client_config(&t).unwrap_err().to_string();
        assert!(e.contains("key.pem is missing"), "{e}");
    }
}
