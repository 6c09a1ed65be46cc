//! Where user settings are looked up: the platform's config directory for swarmtop
//! (`$XDG_CONFIG_HOME/swarmtop`, else `~/.config/swarmtop` on Linux), holding `config.yaml`,
//! `keymaps/NAME.yaml` and `themes/NAME.yaml`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPaths {
    /// None when there is no home directory to find it from: built-in settings only.
    pub dir: Option<PathBuf>,
}

impl ConfigPaths {
    /// The directory from the environment, as `directories` finds it (it honours
    /// XDG_CONFIG_HOME when that is an absolute path).
    pub fn from_env() -> ConfigPaths {
        ConfigPaths {
            dir: directories::ProjectDirs::from("", "", "swarmtop")
                .map(|d| d.config_dir().to_path_buf()),
        }
    }

    pub fn in_dir(dir: impl Into<PathBuf>) -> ConfigPaths {
        ConfigPaths {
            dir: Some(dir.into()),
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
    pub fn report(&self) -> String {
        let mut out = String::new();
        let Some(dir) = &self.dir else {
            out.push_str(
                "no config directory: there is no home directory (set HOME or XDG_CONFIG_HOME); \
                 built-in settings only\n",
            );
            return out;
        };
        let _ = writeln!(out, "config directory  {}  {}", dir.display(), state(dir));
        if let Some(f) = self.config_file() {
            let what = if f.is_file() {
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
            let names = yaml_names(&d);
            let what = if !d.is_dir() {
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
}

fn state(p: &Path) -> &'static str {
    if p.is_dir() { "(exists)" } else { "(missing)" }
}

/// The names of the `.yaml` files in a directory, sorted (`mine` for `mine.yaml`).
pub fn yaml_names(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && p.is_file())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// A path as messages show it: under the home directory as `~/...`, to keep status lines short.
pub fn shown(path: &Path) -> String {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && let Ok(rest) = path.strip_prefix(Path::new(&home))
    {
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
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
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("keymaps")).unwrap();
        std::fs::write(d.path().join("keymaps/mine.yaml"), "").unwrap();
        std::fs::write(d.path().join("keymaps/notes.txt"), "").unwrap();
        let r = ConfigPaths::in_dir(d.path()).report();
        assert!(
            r.contains("config.yaml  (missing: built-in settings)"),
            "{r}"
        );
        assert!(r.contains("keymaps/  (exists: mine)"), "{r}");
        assert!(r.contains("themes/  (missing)"), "{r}");
        assert!(r.contains("themes: default, light, mono, red-alert"), "{r}");
    }
}
