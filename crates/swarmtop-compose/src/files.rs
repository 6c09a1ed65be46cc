//! The files a stack names (the compose files, env files, secret and config files), read
//! through [`Files`] so that this crate does no I/O of its own: swarmtop reads the disk
//! (`swarmtop::files::Disk`: bounded, regular files only, never waiting on a FIFO), tests read
//! [`MemFiles`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The most the stack editor opens: a bigger stack file is almost certainly not one.
pub const EDITOR_LIMIT: u64 = 8 * 1024 * 1024;
/// What the engine accepts for a secret or a config (swarmkit's `MaxSecretSize`, 500 KiB).
pub const OBJECT_LIMIT: u64 = 500 * 1024;
/// An env file of a compose service.
pub const ENV_FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// Where the compose code reads files from.
pub trait Files {
    /// The whole file, if it is a regular file of at most `limit` bytes.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError>;

    /// Whether something is at `path`, without reading it (the CLI only checks that secret and
    /// config files exist before it creates anything).
    fn exists(&self, path: &Path) -> Result<(), ReadError>;

    /// The same as [`Files::read`], as UTF-8 text.
    fn read_text(&self, path: &Path, limit: u64) -> Result<String, ReadError> {
        let bytes = self.read(path, limit)?;
        String::from_utf8(bytes).map_err(|_| ReadError::Io {
            path: path.to_path_buf(),
            why: "not UTF-8 text".into(),
        })
    }
}

/// Files held in memory, by absolute path: for tests.
#[derive(Debug, Clone, Default)]
pub struct MemFiles {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFiles {
    pub fn new() -> MemFiles {
        MemFiles::default()
    }

    /// With one more file (its folders exist from then on).
    pub fn with(mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> MemFiles {
        self.files.insert(path.into(), bytes.into());
        self
    }
}

impl Files for MemFiles {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let Some(bytes) = self.files.get(path) else {
            self.exists(path)?;
            return Err(ReadError::NotRegular {
                path: path.to_path_buf(),
                kind: "a directory",
            });
        };
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooBig {
                path: path.to_path_buf(),
                limit,
            });
        }
        Ok(bytes.clone())
    }

    fn exists(&self, path: &Path) -> Result<(), ReadError> {
        if self.files.keys().any(|p| p.starts_with(path)) {
            Ok(())
        } else {
            Err(ReadError::NotFound(path.to_path_buf()))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound(PathBuf),
    /// A FIFO, a device, a socket or a directory: reading could block or never end.
    NotRegular {
        path: PathBuf,
        kind: &'static str,
    },
    TooBig {
        path: PathBuf,
        limit: u64,
    },
    Io {
        path: PathBuf,
        why: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound(p) => write!(f, "{}: no such file", p.display()),
            ReadError::NotRegular { path, kind } => {
                write!(f, "{} is not a regular file ({kind})", path.display())
            }
            ReadError::TooBig { path, limit } => write!(
                f,
                "{} is larger than {}: not read",
                path.display(),
                human(*limit)
            ),
            ReadError::Io { path, why } => write!(f, "cannot read {}: {why}", path.display()),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// What is wrong, without the path (for messages that name the file already).
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotFound(_) => "no such file".into(),
            ReadError::NotRegular { kind, .. } => format!("not a regular file ({kind})"),
            ReadError::TooBig { limit, .. } => format!("larger than {}: not read", human(*limit)),
            ReadError::Io { why, .. } => why.clone(),
        }
    }
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_files_read_like_the_disk() {
        let f = MemFiles::new().with("/s/a.env", "A=1\n");
        assert_eq!(f.read_text(Path::new("/s/a.env"), 100).unwrap(), "A=1\n");
        assert_eq!(
            f.read(Path::new("/s/a.env"), 2).unwrap_err().reason(),
            "larger than 2 bytes: not read"
        );
        assert_eq!(
            f.read(Path::new("/s/b"), 9).unwrap_err().reason(),
            "no such file"
        );
        assert_eq!(
            f.read(Path::new("/s"), 9).unwrap_err().reason(),
            "not a regular file (a directory)"
        );
        assert!(f.exists(Path::new("/s")).is_ok());
        assert!(f.exists(Path::new("/t")).is_err());
    }
}
