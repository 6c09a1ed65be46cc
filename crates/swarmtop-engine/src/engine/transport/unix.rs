//! A unix socket as a hyper connector, so the local engine goes through the same guarded
//! transport as every other endpoint.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

#[derive(Clone)]
pub struct UnixConnector {
    pub path: PathBuf,
}

impl tower_service::Service<Uri> for UnixConnector {
    type Response = TokioIo<UnixStream>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, io::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let path = self.path.clone();
        Box::pin(async move {
            match UnixStream::connect(&path).await {
                Ok(s) => Ok(TokioIo::new(s)),
                // the socket went away after the client was built: bollard's words for it
                Err(e) if e.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    bollard::errors::Error::SocketNotFoundError(path.to_string_lossy().into()),
                )),
                Err(e) => Err(e),
            }
        })
    }
}
