//! Keys -> actions, from YAML keymap files. Every user intent is a named [`Action`]; the help
//! overlay, footers, `swarmtop keys` and KEYS.md are all generated from the same table.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use thiserror::Error;

/// The keymap compiled into the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../keymaps/default.yaml");

macro_rules! actions {
    ($($variant:ident = $name:literal : $desc:literal,)*) => {
        /// Every user intent swarmtop knows, by its keymap name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }
            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => $desc,)* }
            }
            pub fn from_name(s: &str) -> Option<Action> {
                match s { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Help = "help": "show the keys",
    Command = "command": "command prompt (:nodes, :services, :q ...)",
    Quit = "quit": "quit swarmtop",
    PaneProblems = "pane_problems": "problems: what is broken, worst first",
    PaneNodes = "pane_nodes": "nodes",
    PaneServices = "pane_services": "services",
    PaneTasks = "pane_tasks": "tasks",
    PaneStacks = "pane_stacks": "stacks",
    PaneSecrets = "pane_secrets": "secrets",
    PaneConfigs = "pane_configs": "configs",
    PaneNetworks = "pane_networks": "networks",
    Filter = "filter": "filter the list (fuzzy); Esc clears",
    Up = "up": "move up",
    Down = "down": "move down",
    Top = "top": "go to the first row",
    Bottom = "bottom": "go to the last row",
    PageUp = "page_up": "page up",
    PageDown = "page_down": "page down",
    Open = "open": "drill down into the selection",
    Back = "back": "back / close",
    Describe = "describe": "describe: spec and status as YAML",
    Logs = "logs": "logs of the selected service or task",
    SortNext = "sort_next": "sort by the next column",
    SortReverse = "sort_reverse": "reverse the sort order",
    Refresh = "refresh": "reload everything from the engine now",
    Drain = "drain": "drain the node (shows what would move)",
    Activate = "activate": "set the node active",
    Pause = "pause": "pause the node",
    Promote = "promote": "promote the node to manager",
    Demote = "demote": "demote the manager to worker (quorum guard)",
    Labels = "labels": "add or remove node labels",
    RemoveNode = "remove_node": "remove the node from the swarm",
    Scale = "scale": "scale the service",
    RollingUpdate = "rolling_update": "rolling update (image, parallelism, delay ...)",
    SetImage = "set_image": "set the service's image",
    Rollback = "rollback": "roll back to the previous spec",
    Restart = "restart": "restart: force a rolling update",
    RemoveService = "remove_service": "remove the service",
    CreateService = "create_service": "create a service",
    Rollout = "rollout": "follow the service's rolling update slot by slot",
    CreateSecret = "create_secret": "create a secret",
    RemoveSecret = "remove_secret": "remove the secret",
    CreateConfig = "create_config": "create a config",
    RemoveConfig = "remove_config": "remove the config",
    EditStack = "edit_stack": "edit the stack's compose file",
    NewStack = "new_stack": "new stack from a file",
    RemoveStack = "remove_stack": "remove the stack",
    Save = "save": "save the file",
    Plan = "plan": "plan: what a deploy would change",
    Deploy = "deploy": "deploy the stack (after the plan)",
    Leave = "leave": "leave the editor",
    Follow = "follow": "follow new lines on/off",
    Timestamps = "timestamps": "timestamps on/off",
    Wrap = "wrap": "wrap long lines on/off",
    Search = "search": "search (regex)",
    NextMatch = "next_match": "next match",
    PrevMatch = "prev_match": "previous match",
    Since1m = "since_1m": "logs of the last minute",
    Since5m = "since_5m": "logs of the last 5 minutes",
    Since15m = "since_15m": "logs of the last 15 minutes",
    Since1h = "since_1h": "logs of the last hour",
    SinceAll = "since_all": "all logs (tail 1000)",
    SaveLogs = "save_logs": "save the loaded lines to a file",
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a binding applies. `Global` bindings work in every list pane unless the pane's own
/// scope binds the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Nodes,
    Services,
    Tasks,
    Stacks,
    Secrets,
    Configs,
    Networks,
    Problems,
    Editor,
    Logs,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[
        Scope::Global,
        Scope::Nodes,
        Scope::Services,
        Scope::Tasks,
        Scope::Stacks,
        Scope::Secrets,
        Scope::Configs,
        Scope::Networks,
        Scope::Problems,
        Scope::Editor,
        Scope::Logs,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Nodes => "nodes",
            Scope::Services => "services",
            Scope::Tasks => "tasks",
            Scope::Stacks => "stacks",
            Scope::Secrets => "secrets",
            Scope::Configs => "configs",
            Scope::Networks => "networks",
            Scope::Problems => "problems",
            Scope::Editor => "editor",
            Scope::Logs => "logs",
        }
    }
    pub fn from_name(s: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|x| x.name() == s)
    }
}

/// A key with its modifiers, normalised (shift folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` subset that is ordered and hashable for maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Insert => KeyCodeOrd::Insert,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            _ => return None,
        };
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        // terminals report ctrl-letters in either case; keymaps write them lowercase
        let code = match code {
            KeyCodeOrd::Char(c) if ctrl => KeyCodeOrd::Char(c.to_ascii_lowercase()),
            c => c,
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" => KeyCodeOrd::Tab,
                "backtab" | "shift-tab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "delete" | "del" => KeyCodeOrd::Delete,
                "insert" => KeyCodeOrd::Insert,
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "pgup" | "pageup" => KeyCodeOrd::PageUp,
                "pgdn" | "pagedown" => KeyCodeOrd::PageDown,
                "space" => KeyCodeOrd::Char(' '),
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
                {
                    KeyCodeOrd::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("unknown key {s:?}")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("backtab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Delete => f.write_str("delete"),
            KeyCodeOrd::Insert => f.write_str("insert"),
            KeyCodeOrd::Up => f.write_str("up"),
            KeyCodeOrd::Down => f.write_str("down"),
            KeyCodeOrd::Left => f.write_str("left"),
            KeyCodeOrd::Right => f.write_str("right"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::PageUp => f.write_str("pgup"),
            KeyCodeOrd::PageDown => f.write_str("pgdn"),
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum KeymapError {
    #[error("{file}: not valid YAML: {why}")]
    Yaml { file: String, why: String },
    #[error("{file}: unknown scope {scope:?} (known: {known})")]
    UnknownScope {
        file: String,
        scope: String,
        known: String,
    },
    #[error("{file}: {scope}: unknown action {action:?}")]
    UnknownAction {
        file: String,
        scope: String,
        action: String,
    },
    #[error("{file}: {scope}.{action}: {why}")]
    BadKey {
        file: String,
        scope: String,
        action: String,
        why: String,
    },
    #[error("{file}: key {key} is bound to both {a} and {b} in {scope}")]
    Clash {
        file: String,
        scope: String,
        key: String,
        a: String,
        b: String,
    },
}

type RawKeymap = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// A compiled keymap: for each scope, action -> keys (and the reverse for lookups).
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Scope, BTreeMap<Action, Vec<Key>>>,
}

impl Keymap {
    pub fn default_keymap() -> Keymap {
        // the embedded file is checked by a unit test; fall back to empty only if that test is ignored
        Keymap::parse(DEFAULT_KEYMAP, "keymaps/default.yaml").unwrap_or(Keymap {
            bindings: BTreeMap::new(),
        })
    }

    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        let raw: RawKeymap = yaml_serde::from_str(text).map_err(|e| KeymapError::Yaml {
            file: file.to_string(),
            why: e.to_string(),
        })?;
        let mut bindings = BTreeMap::new();
        for (scope_name, actions) in raw {
            let scope = Scope::from_name(&scope_name).ok_or_else(|| KeymapError::UnknownScope {
                file: file.to_string(),
                scope: scope_name.clone(),
                known: Scope::ALL
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            let mut map = BTreeMap::new();
            for (action_name, keys) in actions {
                let action =
                    Action::from_name(&action_name).ok_or_else(|| KeymapError::UnknownAction {
                        file: file.to_string(),
                        scope: scope_name.clone(),
                        action: action_name.clone(),
                    })?;
                let keys = keys
                    .iter()
                    .map(|k| Key::parse(k))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|why| KeymapError::BadKey {
                        file: file.to_string(),
                        scope: scope_name.clone(),
                        action: action_name.clone(),
                        why,
                    })?;
                map.insert(action, keys);
            }
            bindings.insert(scope, map);
        }
        let km = Keymap { bindings };
        km.check_clashes(file)?;
        Ok(km)
    }

    /// Overlays `other` on self: actions it names get its keys, the rest stay.
    pub fn overlay(&mut self, other: &Keymap, file: &str) -> Result<(), KeymapError> {
        let mut merged = self.clone();
        for (scope, actions) in &other.bindings {
            let m = merged.bindings.entry(*scope).or_default();
            for (a, keys) in actions {
                m.insert(*a, keys.clone());
            }
        }
        merged.check_clashes(file)?;
        *self = merged;
        Ok(())
    }

    fn check_clashes(&self, file: &str) -> Result<(), KeymapError> {
        for (scope, actions) in &self.bindings {
            let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
            for (a, keys) in actions {
                for k in keys {
                    if let Some(prev) = seen.insert(*k, *a)
                        && prev != *a
                    {
                        return Err(KeymapError::Clash {
                            file: file.to_string(),
                            scope: scope.name().to_string(),
                            key: k.to_string(),
                            a: prev.name().to_string(),
                            b: a.name().to_string(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The action for a key in a scope; the scope's own bindings win over global ones.
    pub fn action(&self, scope: Scope, key: &Key) -> Option<Action> {
        let find = |s: Scope| {
            self.bindings.get(&s).and_then(|m| {
                m.iter()
                    .find(|(_, keys)| keys.contains(key))
                    .map(|(a, _)| *a)
            })
        };
        if scope == Scope::Global {
            return find(Scope::Global);
        }
        find(scope).or_else(|| find(Scope::Global))
    }

    /// Keys bound to an action in a scope, for footers and help.
    pub fn keys(&self, scope: Scope, action: Action) -> &[Key] {
        self.bindings
            .get(&scope)
            .and_then(|m| m.get(&action))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// "D" or "k/up": how a footer writes an action's keys.
    pub fn key_label(&self, scope: Scope, action: Action) -> String {
        let mut keys = self.keys(scope, action);
        if keys.is_empty() {
            keys = self.keys(Scope::Global, action);
        }
        keys.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every (scope, action, keys), in table order, for help and docs.
    pub fn table(&self) -> Vec<(Scope, Action, Vec<Key>)> {
        let mut out = Vec::new();
        for (scope, actions) in &self.bindings {
            for a in Action::ALL {
                if let Some(keys) = actions.get(a) {
                    out.push((*scope, *a, keys.clone()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_keymap_is_valid() {
        Keymap::parse(DEFAULT_KEYMAP, "keymaps/default.yaml").unwrap();
    }

    #[test]
    fn design_defaults() {
        let km = Keymap::default_keymap();
        let k = |s| Key::parse(s).unwrap();
        assert_eq!(km.action(Scope::Nodes, &k("D")), Some(Action::Drain));
        assert_eq!(km.action(Scope::Nodes, &k("j")), Some(Action::Down));
        assert_eq!(km.action(Scope::Services, &k("s")), Some(Action::Scale));
        assert_eq!(
            km.action(Scope::Services, &k("ctrl-d")),
            Some(Action::RemoveService)
        );
        assert_eq!(km.action(Scope::Nodes, &k("ctrl-c")), Some(Action::Quit));
        assert_eq!(km.action(Scope::Nodes, &k("1")), Some(Action::PaneNodes));
    }

    #[test]
    fn keys_parse_and_print() {
        for s in ["ctrl-c", "enter", "D", "?", "pgdn", "f5", "alt-x", "space"] {
            assert_eq!(Key::parse(s).unwrap().to_string(), s);
        }
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("hyper-x").is_err());
    }

    #[test]
    fn clashes_are_named() {
        let e = Keymap::parse("nodes:\n  drain: [x]\n  activate: [x]\n", "my.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "my.yaml: key x is bound to both drain and activate in nodes"
        );
    }

    #[test]
    fn unknown_action_is_named() {
        let e = Keymap::parse("nodes:\n  dran: [x]\n", "my.yaml").unwrap_err();
        assert!(e.to_string().contains("unknown action \"dran\""), "{e}");
    }

    #[test]
    fn overlay_changes_only_what_it_names() {
        let mut km = Keymap::default_keymap();
        let user = Keymap::parse("nodes:\n  drain: [x]\n", "user.yaml").unwrap();
        km.overlay(&user, "user.yaml").unwrap();
        let k = |s| Key::parse(s).unwrap();
        assert_eq!(km.action(Scope::Nodes, &k("x")), Some(Action::Drain));
        assert_eq!(km.action(Scope::Nodes, &k("D")), None);
        assert_eq!(km.action(Scope::Nodes, &k("a")), Some(Action::Activate));
    }
}
