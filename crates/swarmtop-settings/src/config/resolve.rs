//! From the files on disk and the command line to the settings in force: the user's files are
//! read once ([`Files::read`], through a [`SettingsDisk`]); [`Files::resolve`] is then pure, so
//! it can be done again for another context. Precedence: flags > the context's overrides >
//! config.yaml > built-ins. A broken file is reported and its built-in counterpart used
//! instead; swarmtop still starts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Intervals;
use super::disk::SettingsDisk;
use super::file::{ConfigFile, Named};
use super::paths::{ConfigPaths, yaml_names};
use super::problem::{Problem, ProblemKind, did_you_mean};
use crate::keymap::{self, Keymap};
use crate::theme::{self, Theme};

/// A user file's text and the name messages give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub shown: String,
    pub text: String,
}

/// The user's settings files, read.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub paths: Option<ConfigPaths>,
    pub config: Option<Source>,
    pub keymaps: BTreeMap<String, Source>,
    pub themes: BTreeMap<String, Source>,
    /// Files that are there but could not be read.
    pub unreadable: Vec<Problem>,
}

/// What the command line says; it wins over every file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub theme: Option<String>,
    pub keymap: Option<String>,
    /// `--read-only`: on wins; absent leaves it to the files (swarmtop's `access` decides).
    pub read_only: bool,
    /// `NO_COLOR` is set (the binary reads the environment): the theme loses its colours.
    pub no_colour: bool,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub keymap: Keymap,
    pub keymap_name: String,
    pub theme: Theme,
    pub theme_name: String,
    pub intervals: Intervals,
    pub log_capacity: usize,
    /// Node hostname or ID -> its engine's URL (`nodes:`).
    pub nodes: std::collections::BTreeMap<String, String>,
    /// `node_template:`, for the nodes without an entry.
    pub node_template: Option<String>,
    /// Custom commands (`commands:`), each in the panes where its key is its own.
    pub commands: Vec<super::commands::CustomCommand>,
    /// Each problem met, and what was used instead: one line each.
    pub warnings: Vec<String>,
}

impl Settings {
    /// The status line at start: the first problem, and how many more there are.
    pub fn status_line(&self) -> Option<String> {
        let first = self.warnings.first()?;
        Some(match self.warnings.len() {
            1 => first.clone(),
            n => format!("{first} (and {} more: swarmtop config check)", n - 1),
        })
    }
}

impl Files {
    /// No user files: the built-in settings only.
    pub fn builtin() -> Files {
        Files::default()
    }

    /// Reads config.yaml and every keymaps/*.yaml and themes/*.yaml that exist.
    pub fn read(paths: &ConfigPaths, disk: &dyn SettingsDisk) -> Files {
        let mut files = Files {
            paths: Some(paths.clone()),
            ..Files::default()
        };
        if let Some(p) = paths.config_file() {
            files.config = files.read_one(paths, disk, p);
        }
        for (dir, is_keymap) in [(paths.keymaps_dir(), true), (paths.themes_dir(), false)] {
            let Some(dir) = dir else { continue };
            for name in yaml_names(disk, &dir) {
                if let Some(src) = files.read_one(paths, disk, dir.join(format!("{name}.yaml"))) {
                    let map = if is_keymap {
                        &mut files.keymaps
                    } else {
                        &mut files.themes
                    };
                    map.insert(name, src);
                }
            }
        }
        files
    }

    fn read_one(
        &mut self,
        paths: &ConfigPaths,
        disk: &dyn SettingsDisk,
        path: PathBuf,
    ) -> Option<Source> {
        match disk.read_text(&path) {
            Ok(text) => Some(Source {
                shown: paths.shown(&path),
                path,
                text,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                self.unreadable.push(Problem::new(
                    ProblemKind::Io,
                    &paths.shown(&path),
                    format!("cannot read it: {e}"),
                ));
                None
            }
        }
    }

    /// config.yaml, read (built-in settings when there is none).
    pub fn config_file(&self) -> (ConfigFile, Vec<Problem>) {
        match &self.config {
            Some(src) => ConfigFile::parse(&src.text, &src.shown),
            None => (ConfigFile::default(), Vec::new()),
        }
    }

    /// Every keymap name there is: built in, then the user's.
    pub fn keymap_names(&self) -> Vec<String> {
        names(keymap::SHIPPED, &self.keymaps)
    }

    pub fn theme_names(&self) -> Vec<String> {
        names(theme::SHIPPED, &self.themes)
    }

    /// A `--theme`/`--keymap` that names nothing is a mistake on the command line: say so
    /// before anything starts.
    pub fn check_flags(&self, flags: &Flags) -> Result<(), String> {
        for (flag, given, known) in [
            ("--theme", &flags.theme, self.theme_names()),
            ("--keymap", &flags.keymap, self.keymap_names()),
        ] {
            if let Some(name) = given
                && !known.contains(name)
            {
                let what = &flag[2..];
                return Err(format!(
                    "{flag} {name}: there is no {what} of that name{} ({what}s: {})",
                    did_you_mean(name, known.iter().map(String::as_str)),
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The settings for a docker context.
    pub fn resolve(&self, context: &str, flags: &Flags) -> Settings {
        let (cfg, problems) = self.config_file();
        let mut warnings: Vec<String> = self.unreadable.iter().map(|p| p.to_string()).collect();
        warnings.extend(
            problems
                .iter()
                .map(|p| format!("{p} (that setting is not used)")),
        );
        let layer = cfg.layer_for(context);

        let keymap_choice = self.choice(flags.keymap.as_deref(), layer.keymap.as_ref());
        let (keymap, keymap_name) = match self.named(&keymap_choice, "keymap", true, &mut warnings)
        {
            Some(name) => {
                let (km, w) = self.keymap(&name);
                warnings.extend(w);
                (km, name)
            }
            None => (Keymap::default_keymap(), "default".to_string()),
        };
        let theme_choice = self.choice(flags.theme.as_deref(), layer.theme.as_ref());
        let (theme, theme_name) = match self.named(&theme_choice, "theme", false, &mut warnings) {
            Some(name) => {
                let (t, w) = self.theme(&name);
                warnings.extend(w);
                (t, name)
            }
            None => (Theme::default_theme(), "default".to_string()),
        };
        let theme = match flags.no_colour {
            true => theme.without_colour(),
            false => theme,
        };

        // a command's key that a built-in has in a pane is said, by name and line, at start
        let clashes = super::commands::clashes(&layer.commands, &keymap, &self.config_shown());
        warnings.extend(clashes.iter().map(|p| p.to_string()));
        let commands = super::commands::usable(&layer.commands, &keymap);

        let mut intervals = Intervals::default();
        if let Some(d) = layer.refresh.tasks {
            intervals.tasks = d;
        }
        if let Some(d) = layer.refresh.services {
            intervals.services = d;
        }
        if let Some(d) = layer.refresh.resync {
            intervals.resync = d;
        }
        Settings {
            keymap,
            keymap_name,
            theme,
            theme_name,
            intervals,
            log_capacity: layer.log_buffer.unwrap_or(super::file::LOG_BUFFER_DEFAULT),
            nodes: layer.nodes.clone(),
            node_template: layer.node_template.clone(),
            commands,
            warnings,
        }
    }

    /// The flag's name, else the file's (with its place), else the default.
    fn choice(&self, flag: Option<&str>, file: Option<&Named>) -> Choice {
        match (flag, file) {
            (Some(f), _) => Choice::Flag(f.to_string()),
            (None, Some(n)) => Choice::File(n.clone()),
            (None, None) => Choice::Default,
        }
    }

    /// The name to use, or None for the default (after saying why when the name is unknown).
    fn named(
        &self,
        c: &Choice,
        what: &str,
        is_keymap: bool,
        warnings: &mut Vec<String>,
    ) -> Option<String> {
        let known = if is_keymap {
            self.keymap_names()
        } else {
            self.theme_names()
        };
        match c {
            Choice::Default => None,
            // checked by check_flags before start; an unknown one here falls back like a file's
            Choice::Flag(n) | Choice::File(Named { name: n, .. }) if known.contains(n) => {
                Some(n.clone())
            }
            Choice::Flag(n) => {
                warnings.push(format!("--{what} {n}: no such {what} (using the default)"));
                None
            }
            Choice::File(n) => {
                warnings.push(format!(
                    "{} (using the default {what})",
                    self.unknown_name(n, what, &known)
                ));
                None
            }
        }
    }

    /// config.yaml as messages name it.
    fn config_shown(&self) -> String {
        self.config
            .as_ref()
            .map(|s| s.shown.clone())
            .unwrap_or_default()
    }

    fn unknown_name(&self, n: &Named, what: &str, known: &[String]) -> Problem {
        let file = self.config_shown();
        Problem {
            kind: ProblemKind::UnknownName,
            file,
            line: n.line,
            key: Some(n.key.clone()),
            message: format!(
                "there is no {what} named {:?}{} ({what}s: {})",
                n.name,
                did_you_mean(&n.name, known.iter().map(String::as_str)),
                known.join(", ")
            ),
        }
    }

    /// Keymap `name`: the default, the built-in one of that name over it, the user's file of
    /// that name over that. A broken user file is left out, with a warning.
    pub fn keymap(&self, name: &str) -> (Keymap, Vec<String>) {
        let shipped = Keymap::shipped(name);
        let base_name = if shipped.is_some() { name } else { "default" };
        let mut km = shipped.unwrap_or_else(Keymap::default_keymap);
        let mut warnings = Vec::new();
        if let Some(src) = self.keymaps.get(name)
            && let Err(p) = Keymap::parse(&src.text, &src.shown).and_then(|u| km.overlay(&u))
        {
            warnings.push(format!("{p} (using the built-in {base_name} keymap)"));
        }
        (km, warnings)
    }

    /// Theme `name`: the built-in one of that name (else the default), with the user's file of
    /// that name over it. A broken user file is left out, with a warning.
    pub fn theme(&self, name: &str) -> (Theme, Vec<String>) {
        let shipped = Theme::shipped(name);
        let base_name = if shipped.is_some() { name } else { "default" };
        let base = shipped.unwrap_or_else(Theme::default_theme);
        let mut warnings = Vec::new();
        let theme = match self.themes.get(name) {
            Some(src) => match Theme::parse_over(&base, &src.text, &src.shown) {
                Ok(t) => t,
                Err(p) => {
                    warnings.push(format!("{p} (using the built-in {base_name} theme)"));
                    base
                }
            },
            None => base,
        };
        (theme, warnings)
    }

    /// Every problem in every file, whether in use or not: `swarmtop config check`.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = self.unreadable.clone();
        let (cfg, problems) = self.config_file();
        out.extend(problems);
        for (what, n) in cfg.names() {
            let known = if what == "theme" {
                self.theme_names()
            } else {
                self.keymap_names()
            };
            if !known.contains(&n.name) {
                out.push(self.unknown_name(n, what, &known));
            }
        }
        // custom commands against the keymap each context uses (the top level's, or its own)
        let layers = std::iter::once(String::new()).chain(cfg.contexts.keys().cloned());
        for context in layers {
            let layer = cfg.layer_for(&context);
            let name = layer.keymap.as_ref().map(|n| n.name.as_str());
            let (km, _) = self.keymap(name.unwrap_or("default"));
            for p in super::commands::clashes(&layer.commands, &km, &self.config_shown()) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        for (name, src) in &self.keymaps {
            let mut base = Keymap::shipped(name).unwrap_or_else(Keymap::default_keymap);
            if let Err(p) = Keymap::parse(&src.text, &src.shown).and_then(|u| base.overlay(&u)) {
                out.push(p);
            }
        }
        for (name, src) in &self.themes {
            let base = Theme::shipped(name).unwrap_or_else(Theme::default_theme);
            if let Err(p) = Theme::parse_over(&base, &src.text, &src.shown) {
                out.push(p);
            }
        }
        out
    }

    /// What `swarmtop config check` prints, and whether everything was fine.
    pub fn check_report(&self) -> (String, bool) {
        let problems = self.check();
        let mut out = String::new();
        let all: Vec<&Source> = self
            .config
            .iter()
            .chain(self.keymaps.values())
            .chain(self.themes.values())
            .collect();
        if all.is_empty() && self.unreadable.is_empty() {
            out.push_str("no settings files: swarmtop uses its built-in settings\n");
        }
        for src in &all {
            if !problems.iter().any(|p| p.file == src.shown) {
                out.push_str(&format!("ok      {}\n", src.shown));
            }
        }
        for p in &problems {
            out.push_str(&format!("error   {p}\n"));
        }
        if !problems.is_empty() {
            out.push_str(&format!(
                "{} problem{}: swarmtop starts anyway, with the built-in settings in place of what is wrong\n",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ));
        }
        (out, problems.is_empty())
    }
}

enum Choice {
    Flag(String),
    File(Named),
    Default,
}

fn names(shipped: &[(&str, &str)], user: &BTreeMap<String, Source>) -> Vec<String> {
    let mut out: Vec<String> = shipped.iter().map(|(n, _)| n.to_string()).collect();
    for n in user.keys() {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::keymap::{Action, Key, Scope};

    use crate::config::MemDisk;

    /// Where the tests' files are: nowhere on disk, so a read that bypasses the disk it is given
    /// finds nothing.
    const DIR: &str = "/nonexistent/swarmtop";

    /// The files under [`DIR`], read.
    fn files_with(files: &[(&str, &str)]) -> Files {
        let disk = files.iter().fold(MemDisk::new(), |d, (path, text)| {
            d.with(format!("{DIR}/{path}"), *text)
        });
        Files::read(&ConfigPaths::in_dir(DIR), &disk)
    }

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    /// What the settings say of read-only for `context` (the flag, else the context's layer
    /// of config.yaml); `access` makes the decision from this and its memory.
    fn read_only(files: &Files, context: &str, flags: &Flags) -> bool {
        flags.read_only || files.config_file().0.layer_for(context).read_only == Some(true)
    }

    #[test]
    fn no_files_means_the_built_in_settings() {
        let s = Files::read(&ConfigPaths::in_dir(DIR), &MemDisk::new())
            .resolve("default", &Flags::default());
        assert_eq!(s.keymap, Keymap::default_keymap());
        assert_eq!(s.theme, Theme::default_theme());
        assert_eq!(s.log_capacity, super::super::file::LOG_BUFFER_DEFAULT);
        assert_eq!(s.intervals.tasks, Intervals::default().tasks);
        assert!(s.warnings.is_empty());
        assert_eq!(s.status_line(), None);
    }

    #[test]
    fn a_user_keymap_chosen_in_config_yaml_overrides_only_what_it_names() {
        let files = files_with(&[
            ("config.yaml", "keymap: mine\n"),
            ("keymaps/mine.yaml", "global:\n  pane_services: [x]\n"),
        ]);
        let s = files.resolve("default", &Flags::default());
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.keymap_name, "mine");
        assert_eq!(
            s.keymap.action(Scope::Nodes, &k("x")),
            Some(Action::PaneServices)
        );
        assert_eq!(s.keymap.action(Scope::Nodes, &k("2")), None);
        assert_eq!(s.keymap.action(Scope::Nodes, &k("D")), Some(Action::Drain));
    }

    #[test]
    fn a_user_file_named_like_a_built_in_one_changes_that_one() {
        let files = files_with(&[
            ("keymaps/vim.yaml", "nodes:\n  drain: [x]\n"),
            ("themes/mono.yaml", "selected: {underline: true}\n"),
        ]);
        let s = files.resolve(
            "default",
            &Flags {
                keymap: Some("vim".into()),
                theme: Some("mono".into()),
                read_only: false,
                no_colour: false,
            },
        );
        // vim's own bindings stay, the user's drain is added
        assert_eq!(
            s.keymap.action(Scope::Nodes, &k("ctrl-d")),
            Some(Action::PageDown)
        );
        assert_eq!(s.keymap.action(Scope::Nodes, &k("x")), Some(Action::Drain));
        assert_eq!(s.theme.header, Theme::shipped("mono").unwrap().header);
        assert!(
            s.theme
                .selected
                .add_modifier
                .contains(ratatui::style::Modifier::UNDERLINED)
        );
    }

    #[test]
    fn a_user_theme_overrides_only_the_styles_it_names() {
        let files = files_with(&[
            ("config.yaml", "theme: calm\n"),
            ("themes/calm.yaml", "selected: {fg: white, bg: magenta}\n"),
        ]);
        let s = files.resolve("default", &Flags::default());
        let def = Theme::default_theme();
        assert_eq!(s.theme.selected.bg, Some(ratatui::style::Color::Magenta));
        assert_eq!(s.theme.header, def.header);
        assert_eq!(s.theme_name, "calm");
    }

    #[test]
    fn files_are_read_through_the_disk_given_and_named_from_home() {
        let paths = ConfigPaths {
            dir: Some("/home/u/.config/swarmtop".into()),
            home: Some("/home/u".into()),
        };
        let disk = MemDisk::new()
            .with(
                "/home/u/.config/swarmtop/config.yaml",
                "keymap: mine\ntheme: calm\n",
            )
            .with(
                "/home/u/.config/swarmtop/keymaps/mine.yaml",
                "global:\n  pane_services: [x]\n",
            )
            .with(
                "/home/u/.config/swarmtop/themes/calm.yaml",
                "selected: {bg: magenta}\n",
            )
            .with_unreadable(
                "/home/u/.config/swarmtop/themes/odd.yaml",
                "Permission denied",
            );
        let files = Files::read(&paths, &disk);
        let s = files.resolve("default", &Flags::default());
        assert_eq!(
            (s.keymap_name.as_str(), s.theme_name.as_str()),
            ("mine", "calm")
        );
        assert_eq!(
            s.keymap.action(Scope::Nodes, &k("x")),
            Some(Action::PaneServices)
        );
        assert_eq!(s.theme.selected.bg, Some(ratatui::style::Color::Magenta));
        assert_eq!(
            s.warnings,
            vec!["~/.config/swarmtop/themes/odd.yaml: cannot read it: Permission denied"]
        );
        let (report, ok) = files.check_report();
        assert!(!ok);
        assert!(
            report.starts_with("ok      ~/.config/swarmtop/config.yaml\n"),
            "{report}"
        );
    }

    const PROD: &str = "\
theme: light
log_buffer: 1000
refresh: {tasks: 4s}
contexts:
  prod:
    theme: red-alert
    read_only: true
    refresh: {resync: 5m}
";

    #[test]
    fn per_context_overrides_apply_to_their_context_only() {
        let files = files_with(&[("config.yaml", PROD)]);
        let prod = files.resolve("prod", &Flags::default());
        assert!(read_only(&files, "prod", &Flags::default()));
        assert_eq!(prod.theme_name, "red-alert");
        assert_eq!(prod.theme, Theme::shipped("red-alert").unwrap());
        assert_eq!(prod.log_capacity, 1000);
        assert_eq!(prod.intervals.tasks, Duration::from_secs(4));
        assert_eq!(prod.intervals.resync, Duration::from_secs(300));
        let dev = files.resolve("dev", &Flags::default());
        assert!(!read_only(&files, "dev", &Flags::default()));
        assert_eq!(dev.theme_name, "light");
        assert_eq!(dev.intervals.resync, Intervals::default().resync);
    }

    #[test]
    fn no_color_takes_the_colours_off_whatever_theme() {
        let flags = Flags {
            no_colour: true,
            ..Flags::default()
        };
        let s = Files::builtin().resolve("default", &flags);
        assert_eq!(s.theme, Theme::default_theme().without_colour());
    }

    #[test]
    fn flags_win_over_the_files() {
        let files = files_with(&[("config.yaml", PROD)]);
        let flags = Flags {
            theme: Some("mono".into()),
            keymap: Some("tmux".into()),
            read_only: true,
            no_colour: false,
        };
        let prod = files.resolve("prod", &flags);
        assert_eq!(
            (prod.theme_name.as_str(), prod.keymap_name.as_str()),
            ("mono", "tmux")
        );
        let dev = files.resolve("dev", &flags);
        assert!(
            read_only(&files, "dev", &flags),
            "--read-only makes any context read-only"
        );
        assert_eq!(dev.theme_name, "mono");
    }

    #[test]
    fn unknown_flag_names_are_refused_before_start() {
        let files = Files::builtin();
        let e = files
            .check_flags(&Flags {
                theme: Some("mnoo".into()),
                ..Flags::default()
            })
            .unwrap_err();
        assert_eq!(
            e,
            "--theme mnoo: there is no theme of that name (did you mean mono?) (themes: default, light, mono, red-alert)"
        );
        assert!(files.check_flags(&Flags::default()).is_ok());
    }

    #[test]
    fn a_broken_keymap_falls_back_and_says_where() {
        let files = files_with(&[
            ("config.yaml", "keymap: mine\ntheme: mine\n"),
            (
                "keymaps/mine.yaml",
                "global:\n  pane_services: [x]\nnodes:\n  drian: [y]\n",
            ),
            ("themes/mine.yaml", "ok: {fg: grean}\n"),
        ]);
        let s = files.resolve("default", &Flags::default());
        assert_eq!(
            s.keymap,
            Keymap::default_keymap(),
            "the whole file is left out"
        );
        assert_eq!(s.theme, Theme::default_theme());
        let file = format!("{DIR}/keymaps/mine.yaml");
        assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
        assert_eq!(
            s.warnings[0],
            format!(
                "{file}:4: nodes.drian: unknown action (did you mean drain?) (swarmtop keys lists them) \
                 (using the built-in default keymap)"
            )
        );
        assert!(
            s.warnings[1].contains("themes/mine.yaml:1: ok.fg: unknown colour"),
            "{:?}",
            s.warnings
        );
        let line = s.status_line().unwrap();
        assert!(
            line.starts_with(&format!("{file}:4: nodes.drian")),
            "{line}"
        );
        assert!(
            line.ends_with("(and 1 more: swarmtop config check)"),
            "{line}"
        );
    }

    #[test]
    fn a_clash_with_a_default_key_is_reported_in_the_user_file() {
        let files = files_with(&[
            ("config.yaml", "keymap: mine\n"),
            (
                "keymaps/mine.yaml",
                "nodes:\n  # drain where activate is\n  drain: [a]\n",
            ),
        ]);
        let s = files.resolve("default", &Flags::default());
        assert_eq!(s.keymap, Keymap::default_keymap());
        let w = &s.warnings[0];
        assert!(
            w.contains("keymaps/mine.yaml:3: nodes.drain: key a is also bound to activate"),
            "{w}"
        );
    }

    #[test]
    fn an_unknown_name_in_config_yaml_is_placed_and_the_rest_applies() {
        let files = files_with(&[(
            "config.yaml",
            "read_only: true\ncontexts:\n  prod:\n    theme: red-alrt\n",
        )]);
        let s = files.resolve("prod", &Flags::default());
        assert!(read_only(&files, "prod", &Flags::default()));
        assert_eq!(s.theme_name, "default");
        let file = format!("{DIR}/config.yaml");
        assert_eq!(
            s.warnings,
            vec![format!(
                "{file}:4: contexts.prod.theme: there is no theme named \"red-alrt\" (did you mean red-alert?) \
                 (themes: default, light, mono, red-alert) (using the default theme)"
            )]
        );
    }

    #[test]
    fn check_finds_problems_in_files_not_in_use() {
        let files = files_with(&[
            ("config.yaml", "contexts:\n  prod: {keymap: nope}\n"),
            ("keymaps/good.yaml", "nodes:\n  drain: [x]\n"),
            ("keymaps/bad.yaml", "nodes: [x]\n"),
            ("themes/bad.yaml", "selected: {fg: purple}\n"),
        ]);
        let problems = files.check();
        assert_eq!(problems.len(), 3, "{problems:?}");
        let (report, ok) = files.check_report();
        assert!(!ok);
        assert!(
            report.contains("ok      ") && report.contains("keymaps/good.yaml"),
            "{report}"
        );
        assert!(
            report
                .contains("config.yaml:2: contexts.prod.keymap: there is no keymap named \"nope\""),
            "{report}"
        );
        assert!(
            report.contains("keymaps/bad.yaml:1: nodes: expected actions"),
            "{report}"
        );
        assert!(
            report.contains("themes/bad.yaml:1: selected.fg: unknown colour \"purple\""),
            "{report}"
        );
        assert!(report.ends_with("3 problems: swarmtop starts anyway, with the built-in settings in place of what is wrong\n"), "{report}");
        let (report, ok) = Files::builtin().check_report();
        assert!(ok, "{report}");
    }

    #[test]
    fn a_command_key_a_built_in_has_is_said_at_start_and_by_config_check() {
        let text = "commands:\n  - name: mine\n    key: s\n    panes: [services, stacks]\n    command: echo {stack}\n";
        let files = files_with(&[("config.yaml", text)]);
        let s = files.resolve("default", &Flags::default());
        let file = files.config.as_ref().unwrap().shown.clone();
        let said = format!(
            "{file}:2: commands[0] (mine): key s in the services pane is already swarmtop's scale \
             (scale the service), which keeps it: the command does not run there (give it another \
             key, or unbind the other in a keymap)"
        );
        assert_eq!(s.warnings, vec![said.clone()]);
        assert_eq!(s.commands.len(), 1);
        assert_eq!(
            s.commands[0].panes,
            vec!["stacks"],
            "the built-in keeps s in services"
        );
        let (report, ok) = files.check_report();
        assert!(!ok);
        assert!(report.contains(&format!("error   {said}")), "{report}");
        // a keymap that frees the key: no word, and the command has it
        let text = format!("keymap: mine\n{text}");
        let files = files_with(&[
            ("config.yaml", &text),
            ("keymaps/mine.yaml", "services:\n  scale: [S]\n"),
        ]);
        let s = files.resolve("default", &Flags::default());
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.commands[0].panes, vec!["services", "stacks"]);
        assert!(files.check_report().1);
    }
}
