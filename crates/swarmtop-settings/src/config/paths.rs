//! Where user settings are looked up: the platform's config directory for swarmtop
//! (`$XDG_CONFIG_HOME/swarmtop`, else `~/.config/swarmtop` on Linux), holding `config.yaml`,
//! `keymaps/NAME.yaml` and `themes/NAME.yaml`. swarmtop finds both directories in the
//! environment (`swarmtop::settings_disk::config_paths`); this crate reads no environment.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::disk::SettingsDisk;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPaths {
    /// None when there is no home directory to find it from: built-in settings only.
    pub dir: Option<PathBuf>,
    /// `$HOME`, for [`ConfigPaths::shown`]; None when unset or empty.
    pub home: Option<PathBuf>,
}

impl ConfigPaths {
    pub fn in_dir(dir: impl Into<PathBuf>) -> ConfigPaths {
        ConfigPaths {
            dir: Some(dir.into()),
            home: None,
        }
    }

    pub fn config_file(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join("config.yaml"))
    }

    pub fn keymaps_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join("keymaps"))
    }

    pub fn themes_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join("themes"))
    }

    /// What `swarmtop config path` prints: each place, and whether it is there.
    pub fn report(&self, disk: &dyn SettingsDisk) -> String {
        let mut out = String::new();
        let Some(dir) = &self.dir else {
            out.push_str(
                "no config directory: there is no home directory (set HOME or XDG_CONFIG_HOME); \
                 built-in settings only\n",
            );
            return out;
        };
        let _ = writeln!(
            out,
            "config directory  {}  {}",
            dir.display(),
            state(disk, dir)
        );
        if let Some(f) = self.config_file() {
            let what = if disk.is_file(&f) {
                "(exists)".to_string()
            } else {
                "(missing: built-in settings)".to_string()
            };
            let _ = writeln!(out, "config file       {}  {what}", f.display());
        }
        for (label, d) in [
            ("keymaps", self.keymaps_dir()),
            ("themes", self.themes_dir()),
        ] {
            let Some(d) = d else { continue };
            let names = yaml_names(disk, &d);
            let what = if !disk.is_dir(&d) {
                "(missing)".to_string()
            } else if names.is_empty() {
                "(exists, no .yaml files)".to_string()
            } else {
                format!("(exists: {})", names.join(", "))
            };
            let _ = writeln!(out, "{label:<17} {}/  {what}", d.display());
        }
        let shipped = |l: &[(&str, &str)]| l.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            out,
            "built in          keymaps: {}; themes: {}",
            shipped(crate::keymap::SHIPPED),
            shipped(crate::theme::SHIPPED)
        );
        out
    }

    /// A path as messages show it: under the home directory as `~/...`, to keep status lines
    /// short.
    pub fn shown(&self, path: &Path) -> String {
        if let Some(home) = &self.home
            && let Ok(rest) = path.strip_prefix(home)
        {
            return format!("~/{}", rest.display());
        }
        path.display().to_string()
    }
}

fn state(disk: &dyn SettingsDisk, p: &Path) -> &'static str {
    if disk.is_dir(p) {
        "(exists)"
    } else {
        "(missing)"
    }
}

/// The names of the `.yaml` files in a directory, sorted (`mine` for `mine.yaml`).
pub fn yaml_names(disk: &dyn SettingsDisk, dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = disk
        .list(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && disk.is_file(p))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_under_the_directory() {
        let p = ConfigPaths::in_dir("/c/swarmtop");
        assert_eq!(p.config_file(), Some("/c/swarmtop/config.yaml".into()));
        assert_eq!(p.keymaps_dir(), Some("/c/swarmtop/keymaps".into()));
        assert_eq!(p.themes_dir(), Some("/c/swarmtop/themes".into()));
    }

    #[test]
    fn the_report_says_what_exists() {
        let disk = crate::config::MemDisk::new()
            .with("/c/swarmtop/keymaps/mine.yaml", "")
            .with("/c/swarmtop/keymaps/notes.txt", "")
            .with("/c/swarmtop/keymaps/old.yaml/x.yaml", "");
        let r = ConfigPaths::in_dir("/c/swarmtop").report(&disk);
        assert!(
            r.contains("config.yaml  (missing: built-in settings)"),
            "{r}"
        );
        assert!(r.contains("keymaps/  (exists: mine)"), "{r}");
        assert!(r.contains("themes/  (missing)"), "{r}");
        assert!(r.contains("themes: default, light, mono, red-alert"), "{r}");
        assert!(
            r.starts_with("config directory  /c/swarmtop  (exists)\n"),
            "{r}"
        );
    }

    #[test]
    fn paths_under_home_are_shown_short() {
        let p = ConfigPaths {
            dir: Some("/home/u/.config/swarmtop".into()),
            home: Some("/home/u".into()),
        };
        let f = p.config_file().unwrap();
        assert_eq!(p.shown(&f), "~/.config/swarmtop/config.yaml");
        assert_eq!(p.shown(Path::new("/etc/x")), "/etc/x");
        assert_eq!(
            ConfigPaths::in_dir("/home/u").shown(&f),
            f.display().to_string()
        );
    }
}
