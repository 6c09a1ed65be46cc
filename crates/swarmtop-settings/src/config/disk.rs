//! What the settings read of the disk, behind a trait: this crate does no file system access of
//! its own, so neither does the app core that depends on it. swarmtop gives the real disk
//! (`swarmtop::settings_disk::Disk`); tests give [`MemDisk`].

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Where `config.yaml`, `keymaps/` and `themes/` are read from.
pub trait SettingsDisk {
    /// The whole file as UTF-8 text; `NotFound` when there is none.
    fn read_text(&self, path: &Path) -> io::Result<String>;
    /// The paths in a directory; none when it cannot be listed.
    fn list(&self, dir: &Path) -> Vec<PathBuf>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
}

/// Files held in memory, by path (their directories exist): for tests.
#[derive(Debug, Clone, Default)]
pub struct MemDisk {
    /// A file's text, or the error reading it gives.
    files: BTreeMap<PathBuf, Result<String, String>>,
}

impl MemDisk {
    pub fn new() -> MemDisk {
        MemDisk::default()
    }

    /// With one more file.
    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> MemDisk {
        self.files.insert(path.into(), Ok(text.into()));
        self
    }

    /// With a file that is there but cannot be read, for this reason.
    pub fn with_unreadable(mut self, path: impl Into<PathBuf>, why: impl Into<String>) -> MemDisk {
        self.files.insert(path.into(), Err(why.into()));
        self
    }
}

impl SettingsDisk for MemDisk {
    fn read_text(&self, path: &Path) -> io::Result<String> {
        match self.files.get(path) {
            Some(Ok(text)) => Ok(text.clone()),
            Some(Err(why)) => Err(io::Error::other(why.clone())),
            None if self.is_dir(path) => Err(io::Error::other("Is a directory")),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| p.strip_prefix(dir).ok()?.components().next())
            .map(|c| dir.join(c))
            .collect();
        out.dedup();
        out
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files.keys().any(|p| p != path && p.starts_with(path))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_holds_files_and_their_directories() {
        let d = MemDisk::new()
            .with("/c/keymaps/a.yaml", "x")
            .with("/c/keymaps/sub/b.yaml", "y")
            .with("/c/themes/t.yaml", "z");
        assert_eq!(
            d.list(Path::new("/c/keymaps")),
            vec![PathBuf::from("/c/keymaps/a.yaml"), "/c/keymaps/sub".into()]
        );
        assert!(d.is_dir(Path::new("/c/keymaps/sub")) && !d.is_file(Path::new("/c/keymaps/sub")));
        assert!(d.is_file(Path::new("/c/themes/t.yaml")));
        assert!(!d.is_dir(Path::new("/c/themes/t.yaml")));
        assert_eq!(d.read_text(Path::new("/c/themes/t.yaml")).unwrap(), "z");
        let e = d.read_text(Path::new("/c/none.yaml")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(d.list(Path::new("/nowhere")).is_empty());
    }
}
