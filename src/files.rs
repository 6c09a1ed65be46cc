//! Reading a file the user named, safely: only a regular file, never more than a limit, and
//! never waiting on a FIFO or a device (`:edit /dev/zero`, an `env_file` that is a pipe).
//! Callers on the UI's side run these on a blocking thread; the reads themselves are bounded.

use std::io::Read;
use std::path::Path;

// The error and the limits are the compose crate's, which reads through `Files`.
pub use swarmtop_compose::files::{
    EDITOR_LIMIT, ENV_FILE_LIMIT, Files, MemFiles, OBJECT_LIMIT, ReadError,
};

/// The disk, read as [`read_bytes`] reads it: what the compose code reads in the app.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        read_bytes(path, limit)
    }

    fn exists(&self, path: &Path) -> Result<(), ReadError> {
        std::fs::metadata(path).map(drop).map_err(|e| io(path, &e))
    }
}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a plain file"
    }
}

fn io(path: &Path, e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound(path.to_path_buf()),
        std::io::ErrorKind::PermissionDenied => ReadError::Io {
            path: path.to_path_buf(),
            why: "permission denied".into(),
        },
        _ => ReadError::Io {
            path: path.to_path_buf(),
            why: e.to_string(),
        },
    }
}

/// The whole file, if it is a regular file of at most `limit` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let meta = std::fs::metadata(path).map_err(|e| io(path, &e))?;
    let not_regular = |ft: &std::fs::FileType| ReadError::NotRegular {
        path: path.to_path_buf(),
        kind: kind_of(ft),
    };
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > limit {
        return Err(ReadError::TooBig {
            path: path.to_path_buf(),
            limit,
        });
    }
    // O_NONBLOCK: if the path was swapped for a FIFO since the check, open does not wait
    // for a writer; the opened file is checked again before any read
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| io(path, &e))?;
    let meta = file.metadata().map_err(|e| io(path, &e))?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    // at most one byte over the limit: enough to tell a file that grew meanwhile
    let mut out = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| io(path, &e))?;
    if out.len() as u64 > limit {
        return Err(ReadError::TooBig {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(out)
}

/// The same, as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    Disk.read_text(path, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yml");
        std::fs::write(&p, "services: {}\n").unwrap();
        assert_eq!(read_text(&p, 100).unwrap(), "services: {}\n");
        assert_eq!(read_text(&p, 13).unwrap(), "services: {}\n");
    }

    #[test]
    fn over_the_limit_is_refused_with_the_limit_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'x'; 2048]).unwrap();
        let e = read_bytes(&p, 1024).unwrap_err();
        assert_eq!(
            e,
            ReadError::TooBig {
                path: p.clone(),
                limit: 1024
            }
        );
        assert!(e.to_string().contains("larger than 1 KiB"), "{e}");
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let e = read_bytes(Path::new("/dev/zero"), EDITOR_LIMIT).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero is not a regular file (a character device)"
        );
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bytes(dir.path(), 10),
            Err(ReadError::NotRegular {
                kind: "a directory",
                ..
            })
        ));
        assert!(matches!(
            read_bytes(&dir.path().join("nope"), 10),
            Err(ReadError::NotFound(_))
        ));
    }

    #[test]
    // a FIFO for the test: std has no mkfifo
    #[allow(unsafe_code)]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // no writer ever opens it: a plain read would wait forever
        let e = read_bytes(&p, 10).unwrap_err();
        assert!(
            e.to_string().ends_with("is not a regular file (a FIFO)"),
            "{e}"
        );
    }
}
