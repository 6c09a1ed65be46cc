//! The help overlay's content. Its rows come from the active keymap (the current scope, then
//! global), so help cannot disagree with what the keys do. Its keys are `help_update`.

use swarmtop_settings::keymap::{Action, Keymap, Scope};

/// Where the help overlay is scrolled to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    /// The first row shown.
    pub offset: usize,
}

/// One row of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Title(Scope),
    Binding {
        keys: String,
        action: Action,
    },
    /// The title of the custom commands of the pane (config.yaml `commands:`).
    CustomTitle,
    /// A custom command: its key, its name and what it does.
    Custom {
        key: String,
        name: String,
        about: String,
    },
    /// The title of the `:` commands, listed after the keys.
    CommandsTitle,
    /// One `:` command: what is typed, and what it does.
    Command {
        usage: String,
        about: &'static str,
    },
    Blank,
}

/// The rows: the scope's bindings, then the global ones; without `writes` (a read-only
/// session) the actions that change the cluster are left out.
pub fn rows(keymap: &Keymap, scope: Scope, writes: bool) -> Vec<HelpRow> {
    let table = keymap.table();
    let mut out = Vec::new();
    let scopes: &[Scope] = if scope == Scope::Global {
        &[Scope::Global]
    } else {
        &[scope, Scope::Global]
    };
    for s in scopes {
        let rows: Vec<_> = table
            .iter()
            .filter(|(sc, a, _)| sc == s && (writes || !a.changes_cluster()))
            .collect();
        if rows.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(HelpRow::Blank);
        }
        out.push(HelpRow::Title(*s));
        for (_, action, keys) in rows {
            out.push(HelpRow::Binding {
                keys: keys
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                action: *action,
            });
        }
    }
    out.push(HelpRow::Blank);
    out.push(HelpRow::CommandsTitle);
    for c in super::command::all() {
        out.push(HelpRow::Command {
            usage: command_usage(&c),
            about: c.about,
        });
    }
    out
}

/// `:ctx [NAME]` (aliases: `:context`).
pub fn command_usage(c: &super::command::CommandInfo) -> String {
    let mut u = format!(":{}", c.name);
    if !c.args.is_empty() {
        u.push(' ');
        u.push_str(c.args);
    }
    u
}
