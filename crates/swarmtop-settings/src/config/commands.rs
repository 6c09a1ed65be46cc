//! Custom commands (`commands:` in config.yaml; what k9s calls plugins): a key in some panes
//! that runs a program of the user's with the selected row's names filled in. This module reads
//! and checks them and fills their variables; running them is the binary's.
//!
//! ```yaml
//! commands:
//!   - name: health
//!     key: H
//!     panes: [services]
//!     command: curl -fsS http://{service}:8080/health   # a string: run with sh -c
//!     safe: true
//!   - name: ssh-node
//!     key: ctrl-s
//!     panes: [tasks, nodes]
//!     command: [ssh, "{node_addr}"]                      # a list: run as it is, no shell
//!     mode: foreground
//! ```

use yaml_serde::{Mapping, Value};

use super::problem::{Problem, ProblemKind, did_you_mean};
use crate::keymap::{Key, Keymap, Scope};
use crate::yaml_locate::{Seg, locate};
// a key as text, and a value as the user wrote it: the same words as the rest of config check
use super::problem::{scalar_text as text_of, shown};

/// The variables a command may name, in the order the README lists them.
pub const VARIABLES: &[&str] = &[
    "service",
    "task",
    "container",
    "node",
    "node_addr",
    "stack",
    "context",
    "host",
];

/// The panes a command may apply to, with the keymap scope whose keys work there (the top view
/// lists tasks and takes the tasks pane's keys).
pub const PANES: &[(&str, Scope)] = &[
    ("nodes", Scope::Nodes),
    ("services", Scope::Services),
    ("tasks", Scope::Tasks),
    ("top", Scope::Tasks),
    ("stacks", Scope::Stacks),
    ("secrets", Scope::Secrets),
    ("configs", Scope::Configs),
    ("networks", Scope::Networks),
];

const FIELDS: &[&str] = &[
    "name",
    "description",
    "key",
    "panes",
    "command",
    "mode",
    "safe",
];

/// What a command runs: a list run as it is, or a line run with `sh -c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    Argv(Vec<Template>),
    Shell(Template),
}

/// Where its output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Runs beside the UI; its output is shown in a view as it comes.
    Background,
    /// Has the terminal until it ends (ssh, a pager), as the shell in a task does.
    Foreground,
}

/// Text with `{variable}`s in it, checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomCommand {
    pub name: String,
    /// What it does, for help and KEYS.md (the command itself when not written).
    pub description: String,
    pub key: Key,
    /// Pane names (`PANES`) where the key runs it.
    pub panes: Vec<String>,
    pub command: CommandLine,
    pub mode: Mode,
    /// Runs in read-only sessions too (the user says it changes nothing).
    pub safe: bool,
    /// Its place in config.yaml (`commands[2]`), for messages.
    pub place: String,
    pub line: Option<usize>,
}

impl Template {
    /// Reads `{name}` references; `{{` and `}}` are a literal brace. Any other `{` (a shell's
    /// `${HOME}`, awk's `{print $1}`) is text: only `{` + lower-case word + `}` is a variable,
    /// and then it must be a known one.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("{{") || rest.starts_with("}}") {
                lit.push(c);
                rest = &rest[2..];
                continue;
            }
            if c == '{'
                && let Some(close) = rest.find('}')
            {
                let name = &rest[1..close];
                let word =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if word {
                    let Some(known) = VARIABLES.iter().find(|v| **v == name) else {
                        return Err(format!(
                            "unknown variable {{{name}}}{} (variables: {}; write {{{{ for a literal {{)",
                            did_you_mean(name, VARIABLES.iter().copied()),
                            VARIABLES
                                .iter()
                                .map(|v| format!("{{{v}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    };
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Var(known));
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            lit.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Ok(Template {
            text: text.to_string(),
            parts,
        })
    }

    /// The variables it names, in order.
    pub fn variables(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(*v),
            Part::Text(_) => None,
        })
    }

    /// The text with each variable's value, passed through `quote`; the first variable without
    /// a value is the error.
    fn fill(
        &self,
        value: &dyn Fn(&str) -> Option<String>,
        quote: fn(&str) -> String,
    ) -> Result<String, &'static str> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(&quote(&value(v).ok_or(*v)?)),
            }
        }
        Ok(out)
    }
}

impl CommandLine {
    /// Every variable it names, once each, in order.
    pub fn variables(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        let all: Vec<&Template> = match self {
            CommandLine::Argv(a) => a.iter().collect(),
            CommandLine::Shell(t) => vec![t],
        };
        for v in all.iter().flat_map(|t| t.variables()) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The program and its arguments with the variables filled: a list's items as they are
    /// (no shell sees them), a shell line's values single-quoted for `sh -c`. `Err` names the
    /// first variable that has no value; then nothing may run.
    pub fn expand(
        &self,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<String>, &'static str> {
        match self {
            CommandLine::Argv(args) => args
                .iter()
                .map(|a| a.fill(value, |s| s.to_string()))
                .collect(),
            CommandLine::Shell(t) => Ok(vec![
                "sh".to_string(),
                "-c".to_string(),
                t.fill(value, shell_quote)?,
            ]),
        }
    }

    /// As the user wrote it.
    pub fn text(&self) -> String {
        match self {
            CommandLine::Argv(a) => a
                .iter()
                .map(|t| t.text.clone())
                .collect::<Vec<_>>()
                .join(" "),
            CommandLine::Shell(t) => t.text.clone(),
        }
    }
}

/// One word for `sh`, whatever it holds: single quotes, each `'` written as `'\''`. Plain
/// words stay bare, so the line shown reads as typed.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl CustomCommand {
    /// Whether its key runs it in the pane of that name.
    pub fn applies_to(&self, pane: &str) -> bool {
        self.panes.iter().any(|p| p == pane)
    }
}

/// The scope whose keys work in a pane a command may name.
pub fn pane_scope(pane: &str) -> Option<Scope> {
    PANES.iter().find(|(p, _)| *p == pane).map(|(_, s)| *s)
}

/// Reads `commands:` (a list). A bad entry is reported with its line and left out; the others
/// stay.
pub fn parse(
    v: &Value,
    path: &[&str],
    text: &str,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Vec<CustomCommand> {
    let items = match v {
        Value::Null => return Vec::new(),
        Value::Sequence(s) => s,
        _ => {
            problems.push(
                Problem::new(
                    ProblemKind::BadValue,
                    file,
                    "expected a list of commands (- name: health ...)",
                )
                .at(text, path),
            );
            return Vec::new();
        }
    };
    let mut out: Vec<CustomCommand> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut r = Entry {
            path,
            text,
            file,
            index: i,
            problems,
        };
        if let Some(c) = r.command(item) {
            if let Some(prev) = out.iter().find(|p| p.name == c.name) {
                let at = r.place(Some("name"));
                r.problem(
                    ProblemKind::BadValue,
                    at,
                    format!("a command named {:?} is already {}", c.name, prev.place),
                );
                continue;
            }
            out.push(c);
        }
    }
    out
}

struct Entry<'a> {
    /// `commands` or `contexts.prod.commands`.
    path: &'a [&'a str],
    text: &'a str,
    file: &'a str,
    index: usize,
    problems: &'a mut Vec<Problem>,
}

impl Entry<'_> {
    /// `commands[2]` or `commands[2].key`, and its line.
    fn place(&self, field: Option<&str>) -> (String, Option<usize>) {
        let mut segs: Vec<Seg> = self.path.iter().map(|k| Seg::Key(k.to_string())).collect();
        segs.push(Seg::Index(self.index));
        let mut key = format!("{}[{}]", self.path.join("."), self.index);
        if let Some(f) = field {
            segs.push(Seg::Key(f.into()));
            key.push('.');
            key.push_str(f);
        }
        (key, locate(self.text, &segs).map(|p| p.line))
    }

    fn problem(&mut self, kind: ProblemKind, at: (String, Option<usize>), message: String) {
        self.problems.push(Problem {
            kind,
            file: self.file.to_string(),
            line: at.1,
            key: Some(at.0),
            message,
        });
    }

    fn bad(&mut self, field: &str, message: String) -> Option<CustomCommand> {
        let at = self.place(Some(field));
        self.problem(ProblemKind::BadValue, at, message);
        None
    }

    fn command(&mut self, item: &Value) -> Option<CustomCommand> {
        let Value::Mapping(m) = item else {
            let at = self.place(None);
            self.problem(
                ProblemKind::BadValue,
                at,
                format!(
                    "expected a command's settings ({}), found {}",
                    FIELDS.join(", "),
                    shown(item)
                ),
            );
            return None;
        };
        for k in m.keys() {
            let k = text_of(k);
            if !FIELDS.contains(&k.as_str()) {
                let at = self.place(Some(&k));
                self.problem(
                    ProblemKind::UnknownKey,
                    at,
                    format!(
                        "unknown field{} (fields: {}); the command is left out",
                        did_you_mean(&k, FIELDS.iter().copied()),
                        FIELDS.join(", ")
                    ),
                );
                return None;
            }
        }
        let name = match get(m, "name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            None => return self.missing("name", "a name (name: health)"),
            Some(other) => {
                return self.bad("name", format!("expected a name, found {}", shown(other)));
            }
        };
        let key = match get(m, "key") {
            None => return self.missing("key", "a key (key: H)"),
            Some(v) => {
                let k = match v {
                    Value::Number(n) => n.to_string(),
                    other => other.as_str().unwrap_or_default().to_string(),
                };
                match Key::parse(&k) {
                    Ok(key) => key,
                    Err(_) => {
                        return self.bad(
                            "key",
                            format!(
                                "{} is not a key (a character, a named key like f5, or ctrl-x, alt-x)",
                                shown(v)
                            ),
                        );
                    }
                }
            }
        };
        let known = || PANES.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ");
        let panes: Vec<String> = match get(m, "panes") {
            None => {
                return self.missing("panes", &format!("the panes it applies to ({})", known()));
            }
            Some(Value::String(s)) => vec![s.trim().to_string()],
            Some(Value::Sequence(s)) if !s.is_empty() => {
                let mut out = Vec::new();
                for p in s {
                    match p.as_str() {
                        Some(p) => out.push(p.trim().to_string()),
                        None => {
                            return self
                                .bad("panes", format!("expected pane names, found {}", shown(p)));
                        }
                    }
                }
                out
            }
            Some(other) => {
                return self.bad(
                    "panes",
                    format!(
                        "expected a list of panes ({}), found {}",
                        known(),
                        shown(other)
                    ),
                );
            }
        };
        for p in &panes {
            if pane_scope(p).is_none() {
                return self.bad(
                    "panes",
                    format!(
                        "unknown pane {p:?}{} (panes: {})",
                        did_you_mean(p, PANES.iter().map(|(p, _)| *p)),
                        known()
                    ),
                );
            }
        }
        let command = match get(m, "command") {
            None => {
                return self.missing(
                    "command",
                    "the command (a list run as it is, or a line run with sh -c)",
                );
            }
            Some(Value::String(s)) if !s.trim().is_empty() => match Template::parse(s.trim()) {
                Ok(t) => CommandLine::Shell(t),
                Err(why) => return self.bad("command", why),
            },
            Some(Value::Sequence(items)) if !items.is_empty() => {
                let mut args = Vec::new();
                for a in items {
                    let text = match a {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        other => {
                            return self.bad(
                                "command",
                                format!("expected words of the command, found {}", shown(other)),
                            );
                        }
                    };
                    match Template::parse(&text) {
                        Ok(t) => args.push(t),
                        Err(why) => return self.bad("command", why),
                    }
                }
                CommandLine::Argv(args)
            }
            Some(other) => {
                return self.bad(
                    "command",
                    format!(
                        "expected a list ([ssh, \"{{node_addr}}\"]) or a shell line, found {}",
                        shown(other)
                    ),
                );
            }
        };
        let mode = match get(m, "mode").map(|v| (v, v.as_str())) {
            None => Mode::Background,
            Some((_, Some("background"))) => Mode::Background,
            Some((_, Some("foreground"))) => Mode::Foreground,
            Some((v, _)) => {
                return self.bad(
                    "mode",
                    format!("expected background or foreground, found {}", shown(v)),
                );
            }
        };
        let safe = match get(m, "safe") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return self.bad(
                    "safe",
                    format!("expected true or false, found {}", shown(other)),
                );
            }
        };
        let description = match get(m, "description") {
            None | Some(Value::Null) => command.text(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(other) => {
                return self.bad(
                    "description",
                    format!("expected words, found {}", shown(other)),
                );
            }
        };
        let (place, line) = self.place(None);
        Some(CustomCommand {
            name,
            description,
            key,
            panes,
            command,
            mode,
            safe,
            place: format!("{place} ({})", self.file_line(line)),
            line,
        })
    }

    fn file_line(&self, line: Option<usize>) -> String {
        match line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.to_string(),
        }
    }

    fn missing(&mut self, field: &str, what: &str) -> Option<CustomCommand> {
        let at = self.place(None);
        self.problem(
            ProblemKind::BadValue,
            at,
            format!("{field}: is missing: a command needs {what}; the command is left out"),
        );
        None
    }
}

/// Where a command's key would hide a built-in key (or another command's) in a pane it names.
/// The built-in keeps the key there; the command runs in its other panes. `file` is config.yaml
/// as messages name it.
pub fn clashes(commands: &[CustomCommand], keymap: &Keymap, file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, c) in commands.iter().enumerate() {
        for pane in &c.panes {
            let Some(scope) = pane_scope(pane) else {
                continue;
            };
            let taken = match keymap.action(scope, &c.key) {
                Some(a) => Some(format!("swarmtop's {} ({})", a.name(), a.describe())),
                None => commands[..i]
                    .iter()
                    .find(|o| o.key == c.key && o.applies_to(pane))
                    .map(|o| format!("the command {:?}", o.name)),
            };
            if let Some(taken) = taken {
                out.push(Problem {
                    kind: ProblemKind::Clash,
                    file: file.to_string(),
                    line: c.line,
                    key: Some(format!("commands[{}] ({})", i, c.name)),
                    message: format!(
                        "key {} in the {pane} pane is already {taken}, which keeps it: \
                         the command does not run there (give it another key, or unbind the \
                         other in a keymap)",
                        c.key
                    ),
                });
            }
        }
    }
    out
}

/// The commands with each pane where their key is taken left out (`clashes` says which).
pub fn usable(commands: &[CustomCommand], keymap: &Keymap) -> Vec<CustomCommand> {
    let mut out: Vec<CustomCommand> = Vec::new();
    for c in commands {
        let mut c = c.clone();
        c.panes.retain(|pane| {
            let Some(scope) = pane_scope(pane) else {
                return false;
            };
            keymap.action(scope, &c.key).is_none()
                && !out.iter().any(|o| o.key == c.key && o.applies_to(pane))
        });
        out.push(c);
    }
    out
}

fn get<'a>(m: &'a Mapping, key: &str) -> Option<&'a Value> {
    m.iter().find(|(k, _)| text_of(k) == key).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<CustomCommand>, Vec<String>) {
        let v: Value = yaml_serde::from_str(text).unwrap();
        let mut problems = Vec::new();
        let Value::Mapping(m) = v else { panic!() };
        let c = parse(
            m.get("commands").unwrap(),
            &["commands"],
            text,
            "config.yaml",
            &mut problems,
        );
        (c, problems.iter().map(|p| p.to_string()).collect())
    }

    const GOOD: &str = "\
commands:
  - name: health
    key: H
    panes: [services]
    command: curl -fsS http://{service}:8080/health
    safe: true
  - name: ssh-node
    description: ssh to the task's node
    key: ctrl-s
    panes: [tasks, nodes]
    command: [ssh, \"{node_addr}\"]
    mode: foreground
";

    #[test]
    fn reads_a_shell_line_and_a_list() {
        let (c, p) = read(GOOD);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "health");
        assert_eq!(c[0].key, Key::parse("H").unwrap());
        assert_eq!(c[0].mode, Mode::Background);
        assert!(c[0].safe);
        assert_eq!(c[0].description, "curl -fsS http://{service}:8080/health");
        assert_eq!(c[0].command.variables(), vec!["service"]);
        assert_eq!(c[1].mode, Mode::Foreground);
        assert!(!c[1].safe);
        assert_eq!(c[1].panes, vec!["tasks", "nodes"]);
        assert_eq!(c[1].line, Some(7));
        assert_eq!(c[1].description, "ssh to the task's node");
        assert!(matches!(&c[1].command, CommandLine::Argv(a) if a.len() == 2));
    }

    #[test]
    fn a_bad_entry_is_named_with_its_line_and_the_others_stay() {
        let text = "\
commands:
  - name: a
    key: x
    panes: [services]
    command: echo {servce}
  - name: b
    key: hyper-x
    panes: [services]
    command: echo
  - name: c
    key: y
    panes: [servics]
    command: echo
  - name: d
    key: z
    panes: [tasks]
    command: echo {task}
    mode: later
  - name: e
    panes: [tasks]
    command: echo
  - name: f
    key: w
    panes: [tasks]
    comand: echo
  - name: ok
    key: Z
    panes: [tasks]
    command: [echo, '{task}']
";
        let (c, p) = read(text);
        assert_eq!(
            p,
            vec![
                "config.yaml:5: commands[0].command: unknown variable {servce} (did you mean service?) (variables: {service}, {task}, {container}, {node}, {node_addr}, {stack}, {context}, {host}; write {{ for a literal {)",
                "config.yaml:7: commands[1].key: \"hyper-x\" is not a key (a character, a named key like f5, or ctrl-x, alt-x)",
                "config.yaml:12: commands[2].panes: unknown pane \"servics\" (did you mean services?) (panes: nodes, services, tasks, top, stacks, secrets, configs, networks)",
                "config.yaml:18: commands[3].mode: expected background or foreground, found \"later\"",
                "config.yaml:19: commands[4]: key: is missing: a command needs a key (key: H); the command is left out",
                "config.yaml:25: commands[5].comand: unknown field (did you mean command?) (fields: name, description, key, panes, command, mode, safe); the command is left out",
            ]
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "ok");
    }

    #[test]
    fn templates_know_their_variables_and_leave_other_braces_alone() {
        let t = Template::parse("awk '{print $1}' ${HOME} {{node}} {node}").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), vec!["node"]);
        let value = |v: &str| (v == "node").then(|| "n1".to_string());
        assert_eq!(
            t.fill(&value, |s| s.to_string()).unwrap(),
            "awk '{print $1}' ${HOME} {node} n1"
        );
        assert!(
            Template::parse("{nod}")
                .unwrap_err()
                .contains("did you mean node?")
        );
    }

    #[test]
    fn a_shell_line_gets_its_values_quoted_and_a_list_gets_them_as_they_are() {
        let (c, _) = read(GOOD);
        let value = |v: &str| match v {
            "service" => Some("web; rm -rf / 'x'".to_string()),
            "node_addr" => Some("10.0.0.1".to_string()),
            _ => None,
        };
        assert_eq!(
            c[0].command.expand(&value).unwrap(),
            vec![
                "sh",
                "-c",
                r"curl -fsS http://'web; rm -rf / '\''x'\''':8080/health"
            ]
        );
        assert_eq!(
            c[1].command.expand(&value).unwrap(),
            vec!["ssh", "10.0.0.1"]
        );
        // a value without a variable's worth: the variable is named and nothing is expanded
        let none = |_: &str| None;
        assert_eq!(c[1].command.expand(&none), Err("node_addr"));
    }

    #[test]
    fn sh_reads_a_quoted_value_back_as_it_was() {
        let nasty = [
            "plain",
            "a b",
            "it's",
            "$(touch /x)",
            "`x`",
            "\\n\"q\"",
            "*",
            "-n",
            "",
        ];
        for v in nasty {
            let out = std::process::Command::new("sh")
                .args(["-c", &format!("printf %s {}", shell_quote(v))])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), v, "{v}");
        }
    }

    #[test]
    fn quoting_for_sh() {
        assert_eq!(shell_quote("web_1.x"), "web_1.x");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(reboot)"), "'$(reboot)'");
    }

    #[test]
    fn a_key_taken_by_a_built_in_or_an_earlier_command_is_said_and_kept() {
        let text = "\
commands:
  - name: mine
    key: s
    panes: [services, nodes]
    command: echo
  - name: again
    key: s
    panes: [nodes, stacks]
    command: echo
";
        let (c, p) = read(text);
        assert!(p.is_empty(), "{p:?}");
        let km = Keymap::default_keymap();
        let shown: Vec<String> = clashes(&c, &km, "config.yaml")
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            shown,
            vec![
                "config.yaml:2: commands[0] (mine): key s in the services pane is already swarmtop's scale (scale the service), which keeps it: the command does not run there (give it another key, or unbind the other in a keymap)",
                "config.yaml:6: commands[1] (again): key s in the nodes pane is already the command \"mine\", which keeps it: the command does not run there (give it another key, or unbind the other in a keymap)",
            ]
        );
        let u = usable(&c, &km);
        assert_eq!(u[0].panes, vec!["nodes"]);
        assert_eq!(u[1].panes, vec!["stacks"]);
    }
}
