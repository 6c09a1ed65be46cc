//! Keys -> actions, from YAML keymap files. Every user intent is a named [`Action`]; the help
//! overlay, footers, `swarmtop keys` and KEYS.md are all generated from the same table.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use yaml_serde::{Mapping, Value};

use crate::settings_problem::{Problem, ProblemKind, did_you_mean, line_of};

/// The keymap compiled into the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../../../keymaps/default.yaml");

/// Every keymap compiled into the binary, by name. Each one but the default only names what it
/// changes; it is read over the default.
pub const SHIPPED: &[(&str, &str)] = &[
    ("default", DEFAULT_KEYMAP),
    ("vim", include_str!("../../../keymaps/vim.yaml")),
    ("tmux", include_str!("../../../keymaps/tmux.yaml")),
];

macro_rules! actions {
    (@writes writes) => { true };
    (@writes) => { false };
    (@short $name:literal $short:literal) => { $short };
    (@short $name:literal) => { $name };
    ($($variant:ident = $name:literal $([$short:literal])? : $desc:literal $(=> $writes:ident)?,)*) => {
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
            /// The word a footer shows beside its key (`["cmd"]` in the table; else its name).
            pub fn short_name(self) -> &'static str {
                match self { $(Action::$variant => actions!(@short $name $($short)?),)* }
            }
            /// Whether the action changes the cluster (`=> writes` in the table): refused in
            /// read-only mode and left out of its footers.
            pub fn changes_cluster(self) -> bool {
                match self { $(Action::$variant => actions!(@writes $($writes)?),)* }
            }
            pub fn from_name(s: &str) -> Option<Action> {
                match s { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Help = "help": "show the keys",
    Command = "command" ["cmd"]: "command prompt (:nodes, :services, :q ...)",
    Quit = "quit": "close what is open; quit at the top",
    PaneProblems = "pane_problems": "problems: what is broken, worst first",
    PaneNodes = "pane_nodes": "nodes",
    PaneServices = "pane_services": "services",
    PaneTasks = "pane_tasks": "tasks",
    PaneStacks = "pane_stacks": "stacks",
    PaneSecrets = "pane_secrets": "secrets",
    PaneConfigs = "pane_configs": "configs",
    PaneNetworks = "pane_networks": "networks",
    PaneTop = "pane_top": "top: the busiest tasks of the swarm (CPU, memory, I/O)",
    PaneEvents = "pane_events": "events: what changed in the swarm, newest first",
    Filter = "filter": "filter the list (fuzzy); Esc clears",
    Up = "up": "move up",
    Down = "down" ["scroll"]: "move down",
    Top = "top": "go to the first row",
    Bottom = "bottom": "go to the last row",
    PageUp = "page_up": "page up",
    PageDown = "page_down" ["page"]: "page down",
    Open = "open": "drill down into the selection",
    Back = "back": "back / close",
    Describe = "describe": "describe: spec and status as YAML",
    Logs = "logs": "logs of the selected service or task",
    SortNext = "sort_next" ["sort"]: "sort by the next column",
    SortReverse = "sort_reverse": "reverse the sort order",
    Refresh = "refresh": "reload everything from the engine now",
    Drain = "drain": "drain the node (shows what would move)" => writes,
    Activate = "activate": "set the node active" => writes,
    Pause = "pause": "pause the node" => writes,
    Promote = "promote": "promote the node to manager" => writes,
    Demote = "demote": "demote the manager to worker (quorum guard)" => writes,
    Labels = "labels": "add or remove node labels" => writes,
    RemoveNode = "remove_node": "remove the node from the swarm" => writes,
    Scale = "scale": "scale the service" => writes,
    RollingUpdate = "rolling_update": "rolling update (image, parallelism, delay ...)" => writes,
    SetImage = "set_image": "set the service's image" => writes,
    Rollback = "rollback": "roll back to the previous spec" => writes,
    Restart = "restart": "restart: force a rolling update" => writes,
    RemoveService = "remove_service": "remove the service" => writes,
    CreateService = "create_service": "create a service" => writes,
    Rollout = "rollout": "follow the service's rolling update slot by slot",
    History = "history": "spec history: what each update of the service changed, field by field",
    // a process in a container can change anything there: read-only forbids it like a write
    Shell = "shell": "shell (sh) in the task's container, on its node; exit comes back" => writes,
    Exec = "exec": "exec: run a command you type in the task's container, with a terminal" => writes,
    ShowData = "show_data": "show a config's data (decoded) in describe",
    ScrollLeft = "scroll_left": "scroll left (the map's node columns)",
    ScrollRight = "scroll_right": "scroll right (the map's node columns)",
    Copy = "copy": "copy to the clipboard: the selected ID (a problem or event in words), the join command (OSC 52, works over SSH)",
    RotateToken = "rotate_token": "rotate the join token shown",
    CreateSecret = "create_secret": "create a secret" => writes,
    RemoveSecret = "remove_secret": "remove the secret" => writes,
    CreateConfig = "create_config": "create a config" => writes,
    RemoveConfig = "remove_config": "remove the config" => writes,
    RotateSecret = "rotate_secret" ["rotate"]: "rotate the secret: a new one with new data, every service using it moved to it (previewed first)" => writes,
    RotateConfig = "rotate_config" ["rotate"]: "rotate the config: a new one with new data, every service using it moved to it (previewed first)" => writes,
    EditStack = "edit_stack": "edit the stack's compose file",
    NewStack = "new_stack": "new stack from a file",
    RemoveStack = "remove_stack": "remove the stack" => writes,
    Save = "save": "save the file",
    Plan = "plan": "plan: what a deploy would change",
    Deploy = "deploy": "deploy the stack (after the plan)" => writes,
    Leave = "leave": "leave the editor",
    Follow = "follow": "follow new lines on/off",
    Timestamps = "timestamps" ["time"]: "timestamps on/off",
    Wrap = "wrap": "wrap long lines on/off",
    Search = "search": "search (regex)",
    NextMatch = "next_match" ["next"]: "next match",
    PrevMatch = "prev_match" ["prev"]: "previous match",
    Since1m = "since_1m": "logs of the last minute",
    Since5m = "since_5m" ["5m (1-5: since)"]: "logs of the last 5 minutes",
    Since15m = "since_15m": "logs of the last 15 minutes",
    Since1h = "since_1h": "logs of the last hour",
    SinceAll = "since_all": "all logs (tail 1000)",
    SaveLogs = "save_logs" ["save"]: "save the loaded lines to a file",
    ContainerLogs = "container_logs" ["container"]: "logs of the task's own container, read from its node (exited attempts too)",
    Processes = "processes" ["procs"]: "processes in the task's container (as docker top)",
    GoToNode = "go_to_node" ["node"]: "go to the task's node in the nodes list (esc comes back)",
    StopCommand = "stop_command" ["stop"]: "stop the custom command whose output is shown (closing its view stops it too)",
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

/// Where a binding was written: a file and a line, for clash messages.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    file: String,
    line: Option<usize>,
}

impl fmt::Display for Origin {
    /// `mine.yaml:3`, or `keymaps/default.yaml:34, built in`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, builtin) = match self.file.strip_suffix(BUILT_IN) {
            Some(f) => (f, true),
            None => (self.file.as_str(), false),
        };
        f.write_str(file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if builtin {
            f.write_str(", built in")?;
        }
        Ok(())
    }
}

/// A compiled keymap: for each scope, action -> keys (and the reverse for lookups).
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Scope, BTreeMap<Action, Vec<Key>>>,
    /// Where each binding came from, so a clash can name both places.
    origin: BTreeMap<(Scope, Action), Origin>,
}

impl PartialEq for Keymap {
    /// Two keymaps are equal when they bind the same keys, wherever they were written.
    fn eq(&self, other: &Keymap) -> bool {
        self.bindings == other.bindings
    }
}

/// How a built-in file is named in messages.
pub fn builtin_name(name: &str) -> String {
    format!("keymaps/{name}.yaml{BUILT_IN}")
}

const BUILT_IN: &str = " (built in)";

impl Keymap {
    pub fn default_keymap() -> Keymap {
        // the embedded file is checked by a unit test; fall back to empty only if that test is ignored
        Keymap::parse(DEFAULT_KEYMAP, &builtin_name("default")).unwrap_or(Keymap {
            bindings: BTreeMap::new(),
            origin: BTreeMap::new(),
        })
    }

    /// The built-in keymap `name` (the default with that file over it), if there is one.
    pub fn shipped(name: &str) -> Option<Keymap> {
        let (_, text) = SHIPPED.iter().find(|(n, _)| *n == name)?;
        let mut km = Keymap::default_keymap();
        if name != "default" {
            let file = builtin_name(name);
            km.overlay(&Keymap::parse(text, &file).ok()?).ok()?;
        }
        Some(km)
    }

    /// Reads a keymap file: scopes, each mapping action names to a key or a list of keys
    /// (an empty list unbinds). `file` is how messages name it.
    pub fn parse(text: &str, file: &str) -> Result<Keymap, Problem> {
        let doc: Value = yaml_serde::from_str(text).map_err(|e| Problem::yaml(file, text, &e))?;
        let top = match doc {
            Value::Null => Mapping::new(),
            Value::Mapping(m) => m,
            _ => {
                return Err(Problem::new(
                    ProblemKind::Yaml,
                    file,
                    "a keymap is a map of scopes (global:, nodes: ...) to actions",
                ));
            }
        };
        let mut km = Keymap {
            bindings: BTreeMap::new(),
            origin: BTreeMap::new(),
        };
        for (sk, actions) in &top {
            let scope_name = key_text(sk);
            let scope = Scope::from_name(&scope_name).ok_or_else(|| {
                let known = Scope::ALL.iter().map(|s| s.name());
                Problem::new(
                    ProblemKind::UnknownScope,
                    file,
                    format!(
                        "unknown scope{} (scopes: {})",
                        did_you_mean(&scope_name, known.clone()),
                        known.collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(text, &[&scope_name])
            })?;
            let actions = match actions {
                Value::Null => Mapping::new(),
                Value::Mapping(m) => m.clone(),
                _ => {
                    return Err(Problem::new(
                        ProblemKind::Yaml,
                        file,
                        "expected actions under the scope (drain: [D])",
                    )
                    .at(text, &[&scope_name]));
                }
            };
            let map = km.bindings.entry(scope).or_default();
            for (ak, keys) in &actions {
                let action_name = key_text(ak);
                let path = [scope_name.as_str(), action_name.as_str()];
                let action = Action::from_name(&action_name).ok_or_else(|| {
                    let known = Action::ALL.iter().map(|a| a.name());
                    Problem::new(
                        ProblemKind::UnknownAction,
                        file,
                        format!(
                            "unknown action{} (swarmtop keys lists them)",
                            did_you_mean(&action_name, known)
                        ),
                    )
                    .at(text, &path)
                })?;
                let keys = parse_keys(keys)
                    .map_err(|why| Problem::new(ProblemKind::BadKey, file, why).at(text, &path))?;
                map.insert(action, keys);
                km.origin.insert(
                    (scope, action),
                    Origin {
                        file: file.to_string(),
                        line: line_of(text, &path),
                    },
                );
            }
        }
        km.check_clashes()?;
        Ok(km)
    }

    /// Overlays `other` on self: actions it names get its keys, the rest stay. A key that
    /// ends up on two actions of one scope is refused and self is left as it was.
    pub fn overlay(&mut self, other: &Keymap) -> Result<(), Problem> {
        let mut merged = self.clone();
        for (scope, actions) in &other.bindings {
            let m = merged.bindings.entry(*scope).or_default();
            for (a, keys) in actions {
                m.insert(*a, keys.clone());
                if let Some(o) = other.origin.get(&(*scope, *a)) {
                    merged.origin.insert((*scope, *a), o.clone());
                }
            }
        }
        merged.check_clashes()?;
        *self = merged;
        Ok(())
    }

    /// Two actions on one key in one scope. A global key that a pane binds again is an
    /// override, not a clash: the pane's binding wins there.
    fn check_clashes(&self) -> Result<(), Problem> {
        for (scope, actions) in &self.bindings {
            let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
            for (a, keys) in actions {
                for k in keys {
                    let Some(prev) = seen.insert(*k, *a).filter(|p| p != a) else {
                        continue;
                    };
                    return Err(self.clash(*scope, *k, prev, *a));
                }
            }
        }
        Ok(())
    }

    /// The clash placed at the binding written last (the one the user most likely just added).
    fn clash(&self, scope: Scope, key: Key, a: Action, b: Action) -> Problem {
        let oa = self.origin.get(&(scope, a));
        let ob = self.origin.get(&(scope, b));
        let later_b = match (oa, ob) {
            (Some(x), Some(y)) if x.file == y.file => y.line >= x.line,
            // a user file over a built-in one: the user's side is the one to change
            (Some(x), Some(_)) => x.file.ends_with(BUILT_IN),
            _ => true,
        };
        let (here, other) = if later_b { (b, a) } else { (a, b) };
        let here_o = self.origin.get(&(scope, here));
        let other_place = self
            .origin
            .get(&(scope, other))
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        Problem {
            kind: ProblemKind::Clash,
            file: here_o.map(|o| o.file.clone()).unwrap_or_default(),
            line: here_o.and_then(|o| o.line),
            key: Some(format!("{}.{}", scope.name(), here.name())),
            message: format!(
                "key {key} is also bound to {}{other_place} in {}; give one of them another key",
                other.name(),
                scope.name()
            ),
        }
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

    /// Every (scope, action, keys) with at least one key, scopes in `Scope::ALL` order and
    /// actions in `Action::ALL` order, for help and docs.
    pub fn table(&self) -> Vec<(Scope, Action, Vec<Key>)> {
        let mut out = Vec::new();
        for scope in Scope::ALL {
            let Some(actions) = self.bindings.get(scope) else {
                continue;
            };
            for a in Action::ALL {
                if let Some(keys) = actions.get(a).filter(|k| !k.is_empty()) {
                    out.push((*scope, *a, keys.clone()));
                }
            }
        }
        out
    }
}

/// `mapping keys` as text (a number or a bool written as a key still names something).
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => "~".to_string(),
        other => format!("{other:?}"),
    }
}

/// `D`, `[D, x]`, `[]` or nothing (unbound).
fn parse_keys(v: &Value) -> Result<Vec<Key>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Key::parse(s).map_err(|_| bad_key(s)),
        // `1` and `0` are the pane keys: a number is the key of that digit
        Value::Number(n) => Key::parse(&n.to_string()).map_err(|_| bad_key(&n.to_string())),
        other => Err(format!("expected a key, found {other:?}")),
    };
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => items.iter().map(one).collect(),
        other => one(other).map(|k| vec![k]),
    }
}

fn bad_key(s: &str) -> String {
    format!(
        "{s:?} is not a key (write a character like D or ?, a name like enter, esc, tab, up, \
         pgdn, home, delete, space, f5, or ctrl-/alt- and a key)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    #[test]
    fn every_shipped_keymap_is_valid() {
        for (name, text) in SHIPPED {
            let file = builtin_name(name);
            let km = Keymap::parse(text, &file).unwrap_or_else(|e| panic!("{e}"));
            Keymap::default_keymap()
                .overlay(&km)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(Keymap::shipped(name).is_some(), "{name}");
        }
    }

    #[test]
    fn design_defaults() {
        let km = Keymap::default_keymap();
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
    fn a_clash_names_file_line_key_and_the_other_action() {
        let e = Keymap::parse("nodes:\n  drain: [x]\n  activate: [x]\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Clash);
        assert_eq!(
            e.to_string(),
            "my.yaml:3: nodes.activate: key x is also bound to drain (my.yaml:2) in nodes; \
             give one of them another key"
        );
    }

    #[test]
    fn a_user_key_that_clashes_with_a_default_is_placed_in_the_user_file() {
        let mut km = Keymap::default_keymap();
        let user = Keymap::parse("# mine\nnodes:\n  drain: a\n", "mine.yaml").unwrap();
        let e = km.overlay(&user).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("mine.yaml", Some(3)), "{e}");
        assert_eq!(e.key.as_deref(), Some("nodes.drain"));
        assert!(
            e.message
                .contains("also bound to activate (keymaps/default.yaml:"),
            "{e}"
        );
        // refused: nothing changed
        assert_eq!(km, Keymap::default_keymap());
    }

    #[test]
    fn a_global_key_bound_again_in_a_pane_is_an_override_not_a_clash() {
        // `/` is filter globally and search in logs; `n` is a different action per pane
        let km = Keymap::parse(
            "global:\n  filter: [x]\nnodes:\n  drain: [x]\n",
            "mine.yaml",
        )
        .unwrap();
        assert_eq!(km.action(Scope::Nodes, &k("x")), Some(Action::Drain));
        assert_eq!(km.action(Scope::Services, &k("x")), Some(Action::Filter));
    }

    #[test]
    fn unknown_action_and_scope_are_named_with_their_line() {
        let e =
            Keymap::parse("global:\n  help: [x]\nnodes:\n  dran: [y]\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::UnknownAction);
        assert_eq!(
            e.to_string(),
            "my.yaml:4: nodes.dran: unknown action (did you mean drain?) (swarmtop keys lists them)"
        );
        let e = Keymap::parse("nodse:\n  drain: [y]\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::UnknownScope);
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("nodse")));
        assert!(e.message.contains("did you mean nodes?"), "{e}");
    }

    #[test]
    fn bad_keys_and_bad_yaml_are_placed() {
        let e = Keymap::parse("nodes:\n  drain: [hyper-x]\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::BadKey);
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("nodes.drain")));
        assert!(e.message.contains("\"hyper-x\" is not a key"), "{e}");
        let e = Keymap::parse("nodes:\n  drain: [x\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Yaml);
        assert_eq!(e.line, Some(3), "{e}");
        let e = Keymap::parse("- drain\n", "my.yaml").unwrap_err();
        assert_eq!(e.kind, ProblemKind::Yaml);
    }

    #[test]
    fn overlay_changes_only_what_it_names() {
        let mut km = Keymap::default_keymap();
        let user = Keymap::parse("nodes:\n  drain: x\n", "user.yaml").unwrap();
        km.overlay(&user).unwrap();
        assert_eq!(km.action(Scope::Nodes, &k("x")), Some(Action::Drain));
        assert_eq!(km.action(Scope::Nodes, &k("D")), None);
        assert_eq!(km.action(Scope::Nodes, &k("a")), Some(Action::Activate));
        assert_eq!(km.action(Scope::Nodes, &k("2")), Some(Action::PaneServices));
    }

    #[test]
    fn an_empty_list_unbinds_and_empty_files_change_nothing() {
        let mut km = Keymap::default_keymap();
        km.overlay(&Keymap::parse("nodes:\n  drain: []\n", "u.yaml").unwrap())
            .unwrap();
        assert_eq!(km.action(Scope::Nodes, &k("D")), None);
        assert!(!km.table().iter().any(|(_, a, _)| *a == Action::Drain));
        let mut km = Keymap::default_keymap();
        km.overlay(&Keymap::parse("# nothing yet\n", "u.yaml").unwrap())
            .unwrap();
        assert_eq!(km, Keymap::default_keymap());
    }

    #[test]
    fn the_vim_keymap_needs_no_arrow_keys_and_the_tmux_one_no_ctrl_keys() {
        let arrows = [
            KeyCodeOrd::Up,
            KeyCodeOrd::Down,
            KeyCodeOrd::Left,
            KeyCodeOrd::Right,
            KeyCodeOrd::PageUp,
            KeyCodeOrd::PageDown,
            KeyCodeOrd::Home,
            KeyCodeOrd::End,
        ];
        // the default needs no arrows either: every action has another key
        for (scope, action, keys) in Keymap::default_keymap().table() {
            assert!(
                keys.iter().any(|k| !arrows.contains(&k.code)),
                "default: {}.{action} has only arrow-like keys",
                scope.name()
            );
        }
        let vim = Keymap::shipped("vim").unwrap();
        for (scope, action, keys) in vim.table() {
            assert!(
                keys.iter().all(|k| !arrows.contains(&k.code)),
                "vim: {}.{action} has an arrow-like key",
                scope.name()
            );
        }
        assert_eq!(
            vim.action(Scope::Nodes, &k("ctrl-d")),
            Some(Action::PageDown)
        );
        let tmux = Keymap::shipped("tmux").unwrap();
        for (scope, action, keys) in tmux.table() {
            // ctrl-c stays: it always quits, whatever the keymap says
            if action == Action::Quit {
                continue;
            }
            assert!(
                keys.iter().all(|k| !k.ctrl),
                "tmux: {}.{action} uses a ctrl key",
                scope.name()
            );
        }
    }
}
