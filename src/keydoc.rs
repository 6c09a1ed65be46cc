//! The keymap written out for people: the table `swarmtop keys` prints and KEYS.md. Both come
//! from `Keymap::table`, like the help overlay and the footers, so none can disagree.

use std::fmt::Write as _;

use crate::keymap::{Keymap, Scope};
use swarmtop_settings::config::commands::{CustomCommand, Mode};

/// Where a scope's keys work, as a sentence.
pub fn scope_words(s: Scope) -> &'static str {
    match s {
        Scope::Global => "Everywhere. A pane's own binding of the same key wins in that pane.",
        Scope::Nodes => "In the nodes pane.",
        Scope::Services => "In the services pane.",
        Scope::Tasks => "In the tasks pane.",
        Scope::Stacks => "In the stacks pane.",
        Scope::Secrets => "In the secrets pane.",
        Scope::Configs => "In the configs pane.",
        Scope::Networks => "In the networks pane.",
        Scope::Problems => "In the problems pane.",
        Scope::Editor => "In the stack editor.",
        Scope::Logs => "In the logs view.",
    }
}

/// A key as Markdown code that survives a table (`|` would end the cell).
fn md_key(k: &str) -> String {
    match k {
        "|" => "`\\|`".to_string(),
        "`" => "`` ` ``".to_string(),
        k => format!("`{k}`"),
    }
}

/// KEYS.md for a keymap.
pub fn markdown(km: &Keymap, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# swarmtop keys\n");
    let _ = writeln!(
        out,
        "The `{name}` keymap. This file is generated from the keymap by `swarmtop keys --markdown`;\n\
         a test fails when the two disagree. The help overlay (`?`) and the footers come from the\n\
         same table. To change a key, see Configuration in README.md.\n"
    );
    let _ = writeln!(out, "`ctrl-c` always quits, whatever the keymap says.\n");
    let _ = writeln!(
        out,
        "Custom commands (config.yaml `commands:`, see Custom commands in README.md) are listed\n\
         in a section of their own at the end when the config in force has some; this file is\n\
         generated without a config, so it has none."
    );
    let table = km.table();
    for scope in Scope::ALL {
        let rows: Vec<_> = table.iter().filter(|(s, _, _)| s == scope).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {}\n", scope.name());
        let _ = writeln!(out, "{}\n", scope_words(*scope));
        let _ = writeln!(out, "| key | action | what it does |");
        let _ = writeln!(out, "|---|---|---|");
        for (_, action, keys) in rows {
            let keys: Vec<String> = keys.iter().map(|k| md_key(&k.to_string())).collect();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                keys.join(" "),
                action.name(),
                action.describe()
            );
        }
    }
    let _ = writeln!(out, "\n## Commands\n");
    let _ = writeln!(
        out,
        "Typed after `:` in any pane; `Enter` runs, `Esc` leaves. A line that is not understood\n\
         stays on the prompt to be fixed, and nothing changes.\n"
    );
    let _ = writeln!(out, "| command | also | what it does |");
    let _ = writeln!(out, "|---|---|---|");
    for c in crate::app::command::all() {
        let also: Vec<String> = c.aliases.iter().map(|a| format!("`:{a}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            // a bare | would end the table's cell
            crate::app::help::command_usage(&c).replace('|', "\\|"),
            also.join(" "),
            c.about
        );
    }
    out
}

/// The custom commands in force, as a Markdown section (nothing when there are none): for
/// `swarmtop keys --markdown` after [`markdown`].
pub fn commands_markdown(commands: &[CustomCommand]) -> String {
    let mut out = String::new();
    if commands.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n## Custom commands\n");
    let _ = writeln!(
        out,
        "From config.yaml `commands:`. A key a built-in action has in a pane stays the built-in's\n\
         there (`swarmtop config check` says so); read-only sessions run only those marked safe.\n"
    );
    let _ = writeln!(out, "| key | command | panes | mode | what it does |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for c in commands {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {}{} | {} |",
            md_key(&c.key.to_string()),
            c.name,
            match c.panes.is_empty() {
                true => "none: its key is taken".to_string(),
                false => c.panes.join(", "),
            },
            match c.mode {
                Mode::Background => "background",
                Mode::Foreground => "foreground",
            },
            if c.safe { ", safe" } else { "" },
            c.description.replace('|', "\\|")
        );
    }
    out
}

/// The custom commands in force, as lines for `swarmtop keys` (nothing when there are none).
pub fn commands_text(commands: &[CustomCommand]) -> String {
    let mut out = String::new();
    if commands.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\ncustom commands (config.yaml):");
    for c in commands {
        let _ = writeln!(
            out,
            "  {:<8} {} [{}]{}: {}",
            c.key.to_string(),
            c.name,
            c.panes.join(", "),
            if c.safe { " safe" } else { "" },
            c.description
        );
    }
    out
}

/// The table `swarmtop keys` prints: the same rows as KEYS.md, in columns.
pub fn text(km: &Keymap, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "keymap: {name} (ctrl-c always quits)\n");
    let table = km.table();
    let keys_of = |keys: &[crate::keymap::Key]| {
        keys.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let kw = table
        .iter()
        .map(|(_, _, k)| keys_of(k).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let aw = table
        .iter()
        .map(|(_, a, _)| a.name().len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        out,
        "{:<9} {:<kw$}  {:<aw$}  WHAT IT DOES",
        "SCOPE", "KEYS", "ACTION"
    );
    let mut last = None;
    for (scope, action, keys) in &table {
        let label = if last == Some(*scope) {
            ""
        } else {
            scope.name()
        };
        last = Some(*scope);
        let _ = writeln!(
            out,
            "{label:<9} {:<kw$}  {:<aw$}  {}",
            keys_of(keys),
            action.name(),
            action.describe()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KEYS.md in the repository is what `swarmtop keys --markdown` prints for the default
    /// keymap; after changing keymaps/default.yaml or an action's words, regenerate it with
    /// `cargo run -- keys --markdown --keymap default > KEYS.md`.
    #[test]
    fn keys_md_is_current() {
        let want = markdown(&Keymap::default_keymap(), "default");
        let have = include_str!("../KEYS.md");
        assert!(
            have == want,
            "KEYS.md is stale: run `cargo run -- keys --markdown --keymap default > KEYS.md`"
        );
    }

    #[test]
    fn the_table_and_the_markdown_list_the_same_bindings() {
        let km = Keymap::default_keymap();
        let md = markdown(&km, "default");
        let txt = text(&km, "default");
        for (scope, action, keys) in km.table() {
            assert!(md.contains(&format!("`{}`", action.name())), "{action}");
            assert!(
                txt.lines()
                    .any(|l| l.contains(action.name()) && l.contains(&keys[0].to_string())),
                "{}.{action}",
                scope.name()
            );
        }
        assert!(md.contains("| `D` | `drain` | drain the node"), "{md}");
    }

    #[test]
    fn keys_that_break_markdown_tables_are_escaped() {
        assert_eq!(md_key("|"), "`\\|`");
        assert_eq!(md_key("`"), "`` ` ``");
        assert_eq!(md_key("ctrl-d"), "`ctrl-d`");
    }
}
