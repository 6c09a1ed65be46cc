//! The disk and the environment as the settings crate needs them: it reads neither itself (so
//! the app core, which depends on it, cannot), swarmtop gives it these.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::{ConfigPaths, SettingsDisk};

/// The real disk, read plainly (settings files are the user's own, in their config directory).
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl SettingsDisk for Disk {
    fn read_text(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// The settings directory as `directories` finds it (it honours XDG_CONFIG_HOME when that is
/// an absolute path), and `$HOME` to shorten the paths messages show.
pub fn config_paths() -> ConfigPaths {
    ConfigPaths {
        dir: directories::ProjectDirs::from("", "", "swarmtop")
            .map(|d| d.config_dir().to_path_buf()),
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Files, Flags};

    #[test]
    fn settings_are_read_from_the_disk() {
        let d = tempfile::tempdir().unwrap();
        let p = |s: &str| d.path().join(s);
        std::fs::create_dir_all(p("keymaps/old.yaml")).unwrap();
        std::fs::create_dir_all(p("themes")).unwrap();
        std::fs::write(p("config.yaml"), "keymap: mine\n").unwrap();
        std::fs::write(p("keymaps/mine.yaml"), "nodes:\n  drain: [x]\n").unwrap();
        std::fs::write(p("keymaps/notes.txt"), "").unwrap();
        std::fs::write(p("themes/odd.yaml"), b"\xff\n").unwrap();
        let paths = ConfigPaths::in_dir(d.path());
        let r = paths.report(&Disk);
        assert!(r.contains("config.yaml  (exists)"), "{r}");
        assert!(r.contains("keymaps/  (exists: mine)"), "{r}");
        assert!(r.contains("themes/  (exists: odd)"), "{r}");
        let files = Files::read(&paths, &Disk);
        let s = files.resolve("default", &Flags::default());
        assert_eq!(s.keymap_name, "mine");
        assert_eq!(
            s.warnings,
            vec![format!(
                "{}: cannot read it: stream did not contain valid UTF-8",
                p("themes/odd.yaml").display()
            )]
        );
        let r = ConfigPaths::in_dir(p("none")).report(&Disk);
        assert!(r.contains("none  (missing)"), "{r}");
    }
}
