//! The `:` commands, in one table: what is typed is parsed through it, the help overlay and
//! KEYS.md list it, and the message for an unknown command names what there is. A command
//! not in the table cannot be typed, and one in it cannot be left out of the docs.

use super::panes::Pane;

/// One command as people see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// What follows the name (`NAME`, `[worker|manager]`), empty when nothing does.
    pub args: &'static str,
    pub about: &'static str,
}

/// A command line understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// `:ctx` alone: list the contexts.
    Contexts,
    Context(String),
    Host(String),
    /// `:join` and what follows it (checked by `join::command`).
    Join(String),
    Info,
    Edit(String),
    /// `:history [SERVICE]`: a service's spec history (the selected one when none is named).
    History(Option<String>),
    Pane(Pane),
}

const FIXED: &[CommandInfo] = &[
    CommandInfo {
        name: "q",
        aliases: &["quit", "q!"],
        args: "",
        about: "quit",
    },
    CommandInfo {
        name: "ctx",
        aliases: &["context"],
        args: "[NAME]",
        about: "list the docker contexts, or switch to one (its settings too)",
    },
    CommandInfo {
        name: "host",
        aliases: &[],
        args: "URL",
        about: "switch to another manager (unix://, tcp://, ssh://user@host)",
    },
    CommandInfo {
        name: "join",
        aliases: &[],
        args: "worker|manager",
        about: "the docker swarm join command for a new machine",
    },
    CommandInfo {
        name: "info",
        aliases: &[],
        args: "",
        about: "the swarm part of docker info, in words",
    },
    CommandInfo {
        name: "edit",
        aliases: &[],
        args: "PATH",
        about: "open a compose file in the stack editor",
    },
    CommandInfo {
        name: "history",
        aliases: &[],
        args: "[SERVICE]",
        about: "what each update of a service changed (the selected one, or the one named)",
    },
];

/// Every command: the fixed ones, then one per pane (`:nodes`, `:events`, `:map`, ...).
pub fn all() -> Vec<CommandInfo> {
    let mut out = FIXED.to_vec();
    out.extend(Pane::ALL.iter().map(|p| CommandInfo {
        name: p.name(),
        aliases: &[],
        args: "",
        about: pane_about(*p),
    }));
    out
}

fn pane_about(p: Pane) -> &'static str {
    match p {
        Pane::Problems => "show the problems: what is broken, in words",
        Pane::Nodes => "show the nodes",
        Pane::Services => "show the services",
        Pane::Tasks => "show the tasks",
        Pane::Stacks => "show the stacks",
        Pane::Secrets => "show the secrets",
        Pane::Configs => "show the configs",
        Pane::Networks => "show the networks",
        Pane::Events => "show what changed, newest first",
        Pane::Rollout => "show the rolling update of the selected service",
        Pane::Map => "show the map: each node with its tasks",
        Pane::Top => "show the busiest running tasks: CPU, memory, I/O, as docker stats",
        Pane::Reach => "show how each node's own engine is reached, and whether it works",
        Pane::Fleet => "every swarm at a glance: each docker context's health (Enter switches)",
    }
}

/// What Tab makes of a `:` line: the line completed as far as it is certain, and the
/// commands it could still be when there is more than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub line: String,
    pub choices: Vec<&'static str>,
}

/// Completes the command's name from the table (its aliases too): one match is completed
/// (with a space when arguments follow it), several are completed to what they share and
/// listed. `:join`'s argument is completed the same way. Anything else is left as typed.
pub fn complete(line: &str) -> Completion {
    let keep = || Completion {
        line: line.to_string(),
        choices: Vec::new(),
    };
    let (word, args) = split(line);
    let commands = all();
    let typed_args = line.trim_start().len() > word.len();
    if !typed_args {
        let mut names: Vec<(&'static str, bool)> = Vec::new();
        for c in &commands {
            for n in std::iter::once(&c.name).chain(c.aliases.iter()) {
                if n.starts_with(word) && !names.iter().any(|(m, _)| m == n) {
                    names.push((n, !c.args.is_empty()));
                }
            }
        }
        return match names.as_slice() {
            [] => keep(),
            [(n, takes_args)] => Completion {
                line: format!("{n}{}", if *takes_args { " " } else { "" }),
                choices: Vec::new(),
            },
            many => Completion {
                line: shared_prefix(many.iter().map(|(n, _)| *n)),
                choices: many.iter().map(|(n, _)| *n).collect(),
            },
        };
    }
    // `:join w` -> `:join worker`
    if word == "join" && args.len() <= 1 {
        let typed = args.first().copied().unwrap_or("");
        let fits: Vec<&'static str> = ["worker", "manager"]
            .into_iter()
            .filter(|a| a.starts_with(typed))
            .collect();
        return match fits.as_slice() {
            [one] => Completion {
                line: format!("join {one}"),
                choices: Vec::new(),
            },
            [] => keep(),
            many => Completion {
                line: line.to_string(),
                choices: many.to_vec(),
            },
        };
    }
    keep()
}

/// The longest start the names share.
fn shared_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut end = first.chars().count();
    for n in names {
        end = first
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .count()
            .min(end);
    }
    first.chars().take(end).collect()
}

/// The command's name as typed first on the line, then its arguments.
fn split(line: &str) -> (&str, Vec<&str>) {
    let mut words = line.split_whitespace();
    let name = words.next().unwrap_or("");
    (name, words.collect())
}

/// One argument exactly, or why not (`what` names it, `needs` says it is missing).
fn one<'a>(name: &str, what: &str, needs: &str, args: &[&'a str]) -> Result<&'a str, String> {
    match args {
        [] => Err(needs.to_string()),
        [a] => Ok(a),
        [_, extra @ ..] => Err(format!(
            ":{name} takes one {what}; what follows it is not understood: {:?}",
            extra.join(" ")
        )),
    }
}

/// What the line asks for; `None` for an empty line. The error keeps to one line and names
/// the command.
pub fn parse(line: &str) -> Result<Option<Command>, String> {
    let line = line.trim();
    let (word, args) = split(line);
    if word.is_empty() {
        return Ok(None);
    }
    let info = all()
        .into_iter()
        .find(|c| c.name == word || c.aliases.contains(&word));
    let Some(info) = info else {
        let names: Vec<String> = all().iter().map(|c| format!(":{}", c.name)).collect();
        return Err(format!(
            "unknown command :{word} (commands: {}; ? lists them)",
            names.join(" ")
        ));
    };
    let rest = line[word.len()..].trim();
    let cmd = match info.name {
        "q" => Command::Quit,
        "ctx" => match args.as_slice() {
            [] => Command::Contexts,
            _ => Command::Context(
                one("ctx", "context name", ":ctx needs a context name", &args)?.to_string(),
            ),
        },
        "host" => {
            let needs = ":host needs a URL, e.g. :host ssh://root@10.0.0.12";
            let url = one("host", "URL", needs, &args)?;
            swarmtop_model::host::HostUrl::parse(url, false).map_err(|e| format!(":host: {e}"))?;
            Command::Host(url.to_string())
        }
        "join" => Command::Join(rest.to_string()),
        "info" => Command::Info,
        "history" => match args.as_slice() {
            [] => Command::History(None),
            _ => Command::History(Some(one("history", "service name", "", &args)?.to_string())),
        },
        "edit" => {
            if rest.is_empty() {
                return Err(":edit needs a file: :edit PATH".into());
            }
            Command::Edit(rest.to_string())
        }
        pane => match Pane::from_name(pane) {
            Some(p) if args.is_empty() => Command::Pane(p),
            Some(_) => {
                return Err(format!(
                    ":{pane} takes nothing; what follows it is not understood: {:?}",
                    args.join(" ")
                ));
            }
            None => return Err(format!("unknown command :{word}")),
        },
    };
    Ok(Some(cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_from_the_table() {
        let c = complete("no");
        assert_eq!(c.line, "nodes");
        assert!(c.choices.is_empty());
        // arguments follow: the cursor is left after a space
        assert_eq!(complete("ed").line, "edit ");
        assert_eq!(
            complete("con").line,
            "con",
            "configs and context share `con`"
        );
        assert_eq!(complete("con").choices, vec!["context", "configs"]);
        // several: completed to what they share, and listed
        let s = complete("s");
        assert_eq!(s.line, "s");
        assert!(s.choices.contains(&"services") && s.choices.contains(&"stacks"));
        let se = complete("se");
        assert_eq!(se.line, "se");
        assert_eq!(se.choices, vec!["services", "secrets"]);
        assert_eq!(complete("ser").line, "services");
        assert_eq!(complete("join m").line, "join manager");
        assert_eq!(complete("join ").choices, vec!["worker", "manager"]);
        // nothing fits, or arguments of another command: left as typed
        assert_eq!(
            complete("zz"),
            Completion {
                line: "zz".into(),
                choices: vec![]
            }
        );
        assert_eq!(complete("edit a.y").line, "edit a.y");
        // a whole name completes to itself, unless another name begins with it (`q`, `quit`)
        for c in all() {
            let longer = all()
                .iter()
                .flat_map(|o| std::iter::once(o.name).chain(o.aliases.iter().copied()))
                .any(|n| n != c.name && n.starts_with(c.name));
            if !longer {
                assert_eq!(complete(c.name).line.trim_end(), c.name);
            }
        }
    }

    #[test]
    fn every_command_in_the_table_parses_and_nothing_else_does() {
        for c in all() {
            let line = match c.name {
                "ctx" => "ctx prod".to_string(),
                "host" => "host ssh://root@10.0.0.12".to_string(),
                "join" => "join worker".to_string(),
                "edit" => "edit stack.yml".to_string(),
                n => n.to_string(),
            };
            assert!(matches!(parse(&line), Ok(Some(_))), "{line}");
            for a in c.aliases {
                let line = line.replacen(c.name, a, 1);
                assert!(matches!(parse(&line), Ok(Some(_))), "{line}");
            }
        }
        let e = parse("nodez").unwrap_err();
        assert!(e.starts_with("unknown command :nodez"), "{e}");
        assert!(
            e.contains(":nodes") && e.contains(":host") && e.contains(":map"),
            "{e}"
        );
    }

    #[test]
    fn arguments_are_checked_whole() {
        assert_eq!(parse("  "), Ok(None));
        assert_eq!(parse("ctx"), Ok(Some(Command::Contexts)));
        assert_eq!(
            parse("context prod"),
            Ok(Some(Command::Context("prod".into())))
        );
        assert!(parse("ctx prod junk").unwrap_err().contains("\"junk\""));
        assert!(parse("host").unwrap_err().contains(":host needs"));
        assert!(parse("host ssh://a@b c").unwrap_err().contains("\"c\""));
        assert!(parse("host ftp://x").unwrap_err().starts_with(":host: "));
        assert_eq!(
            parse("edit  my stack.yml "),
            Ok(Some(Command::Edit("my stack.yml".into())))
        );
        assert!(parse("edit").unwrap_err().contains(":edit needs a file"));
        assert_eq!(parse("nodes"), Ok(Some(Command::Pane(Pane::Nodes))));
        assert!(parse("nodes now").unwrap_err().contains("takes nothing"));
        assert_eq!(
            parse("join manager"),
            Ok(Some(Command::Join("manager".into())))
        );
    }
}
