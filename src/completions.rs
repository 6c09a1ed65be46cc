//! Shell completion scripts and the man page, generated from the command line's definition
//! (`cli::Cli`), so they list exactly the options swarmtop takes.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionShell};

/// The completion script for `shell`: clap_complete's, from the command line's definition,
/// with names added where they come from outside it (the docker CLI's contexts after
/// `--context`; the swarm's stacks, services and nodes where `positional_names` says).
pub fn script(shell: CompletionShell) -> Result<String, String> {
    let mut cmd = visible(&Cli::command());
    let mut out = Vec::new();
    let generator = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut cmd, "swarmtop", &mut out);
    let generated = String::from_utf8_lossy(&out).into_owned();
    match shell {
        CompletionShell::Bash => Ok(format!("{generated}\n{}", bash_names(&cmd))),
        CompletionShell::Zsh => zsh_names(&generated, &cmd),
        CompletionShell::Fish => Ok(format!("{generated}\n{}", fish_names(&cmd))),
    }
}

/// The command line without its hidden subcommands (clap_complete would offer them).
fn visible(full: &clap::Command) -> clap::Command {
    let mut c = clap::Command::new("swarmtop")
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    c = c.version(env!("CARGO_PKG_VERSION"));
    if let Some(a) = full.get_about() {
        c = c.about(a.clone());
    }
    if let Some(a) = full.get_after_help() {
        c = c.after_help(a.clone());
    }
    c
}

/// Every spelling of an option that takes a value, anywhere: the scripts skip the value when
/// they look for the subcommand's words.
fn value_options(cmd: &clap::Command) -> Vec<String> {
    fn walk(c: &clap::Command, out: &mut Vec<String>) {
        for a in c.get_arguments() {
            if a.is_positional() || !a.get_action().takes_values() {
                continue;
            }
            out.extend(a.get_long().map(|l| format!("--{l}")));
            out.extend(a.get_short().map(|s| format!("-{s}")));
        }
        for s in c.get_subcommands() {
            walk(s, out);
        }
    }
    let mut out = Vec::new();
    walk(cmd, &mut out);
    out.sort();
    out.dedup();
    out
}

/// `case` patterns of the subcommands whose argument is a name of the swarm.
fn name_cases() -> String {
    NAMED
        .iter()
        .map(|(cmd, subs, what)| {
            let patterns: Vec<String> = subs.iter().map(|s| format!("\"{cmd} {s}\"")).collect();
            format!("{}) what={what} ;;", patterns.join("|"))
        })
        .collect::<Vec<_>>()
        .join("\n            ")
}

/// The finder both bash and zsh use (in the syntax both read): from the words before the one
/// being completed, whether that word is a context or a name of the swarm.
fn sh_finder(fn_name: &str, cmd: &clap::Command) -> String {
    let values = value_options(cmd).join("|");
    let cases = name_cases();
    format!(
        r#"# swarmtop: what the word being completed names, from the words before it (given as
# arguments): "contexts", or "stacks"/"services"/"nodes" followed by the connection options
# typed so far; nothing for the rest.
{fn_name}() {{
    local w prev= skip= n=0 first= second= what=
    local -a conn
    conn=()
    for w in "$@"; do
        if [[ -n $skip ]]; then
            [[ $skip == conn ]] && conn+=("$prev" "$w")
            skip=
        else
            case "$w" in
                -c|--context|-H|--host)
                    # -c after a subcommand is another option (stack deploy's compose file)
                    if [[ $n -eq 0 || $w == -H || $w == --host ]]; then skip=conn; else skip=1; fi ;;
                --*=*) ;;
                {values}) skip=1 ;;
                -*) ;;
                *)
                    n=$((n + 1))
                    if [[ $n -eq 1 ]]; then first=$w; elif [[ $n -eq 2 ]]; then second=$w; fi ;;
            esac
        fi
        prev=$w
    done
    if [[ $skip == conn && ( $prev == -c || $prev == --context ) ]]; then
        echo contexts
        return
    fi
    [[ -n $skip ]] && return
    case "$first $second" in
            {cases}
    esac
    # the name is the subcommand's first argument
    if [[ -n $what && $n -eq 2 ]]; then echo "$what" "${{conn[@]}}"; fi
}}
"#
    )
}

fn bash_names(cmd: &clap::Command) -> String {
    format!(
        r#"{finder}
_swarmtop_with_names() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" asked=()
    # --context=NAME: bash splits the word at '='
    if [[ $cur == = ]]; then cur=; fi
    local before=("${{COMP_WORDS[@]:1:COMP_CWORD-1}}")
    if [[ ${{COMP_WORDS[COMP_CWORD-1]}} == = ]]; then
        before=("${{COMP_WORDS[@]:1:COMP_CWORD-2}}")
    fi
    read -ra asked <<<"$(__swarmtop_names_wanted "${{before[@]}}")"
    if [[ ${{#asked[@]}} -gt 0 ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(swarmtop "${{asked[@]:1}}" __complete "${{asked[0]}}" 2>/dev/null)" -- "$cur"))
        return 0
    fi
    _swarmtop "$@"
}}

if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _swarmtop_with_names -o nosort -o bashdefault -o default swarmtop
else
    complete -F _swarmtop_with_names -o bashdefault -o default swarmtop
fi
"#,
        finder = sh_finder("__swarmtop_names_wanted", cmd)
    )
}

/// zsh: clap_complete's file ends by calling `_swarmtop` (autoloaded from fpath) or by
/// registering it; both go through the names first.
fn zsh_names(generated: &str, cmd: &clap::Command) -> Result<String, String> {
    const END: &str = "if [ \"$funcstack[1]\" = \"_swarmtop\" ]; then\n    _swarmtop \"$@\"\nelse\n    compdef _swarmtop swarmtop\nfi\n";
    let Some(body) = generated.strip_suffix(END) else {
        return Err("clap_complete's zsh script no longer ends as expected".to_string());
    };
    Ok(format!(
        r#"{body}{finder}
_swarmtop_with_names() {{
    local -a asked names
    if [[ $CURRENT -eq 2 || $words[2] == -* ]] && [[ $PREFIX == --context=* ]]; then
        compset -P '*='
        asked=(contexts)
    else
        asked=(${{=$(__swarmtop_names_wanted "${{(@)words[2,CURRENT-1]}}")}})
    fi
    if (( $#asked )); then
        names=(${{(f)"$(swarmtop ${{asked[2,-1]}} __complete $asked[1] 2>/dev/null)"}})
        compadd -a names
        return
    fi
    _swarmtop "$@"
}}

# autoloaded as _swarmtop, this file has just redefined _swarmtop as clap_complete's function:
# the names come first from the next Tab on too
if [ "$funcstack[1]" = "_swarmtop" ]; then
    compdef _swarmtop_with_names swarmtop
    _swarmtop_with_names "$@"
else
    compdef _swarmtop_with_names swarmtop
fi
"#,
        finder = sh_finder("__swarmtop_names_wanted", cmd)
    ))
}

/// fish: more `complete` rules beside clap_complete's. `--context` is only an option before
/// the subcommand (clap_complete's condition for it is false while its value is missing).
fn fish_names(cmd: &clap::Command) -> String {
    let subcommands: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
    let mut out = FISH_NAMES.replace("SUBCOMMANDS", &subcommands.join(" "));
    for (sub, subs, what) in NAMED {
        out.push_str(&format!(
            "complete -c swarmtop -n \"__fish_swarmtop_using_subcommand {sub}; and \
             __fish_seen_subcommand_from {}\" -f -a \"(__swarmtop_names {what})\"\n",
            subs.join(" ")
        ));
    }
    out
}

const FISH_NAMES: &str = r#"# swarmtop: names from the docker CLI's contexts and from the swarm (swarmtop __complete),
# asked with the connection options typed so far
function __swarmtop_names
    set -l conn
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        switch $words[$i]
            case -c --context -H --host
                set -a conn $words[$i] $words[(math $i + 1)]
        end
    end
    swarmtop $conn __complete $argv[1] 2>/dev/null
end
complete -c swarmtop -n "not __fish_seen_subcommand_from SUBCOMMANDS" -s c -l context -x -a "(swarmtop __complete contexts 2>/dev/null)"
"#;

/// The man page, in roff.
pub fn man() -> std::io::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(man_command()).render(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Writes swarmtop.1 and a page for each subcommand (the top page refers to them) into `dir`;
/// returns their paths.
pub fn man_pages(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(man_command(), dir)?;
    let mut written = Vec::new();
    fn walk(
        c: &clap::Command,
        prefix: &str,
        dir: &std::path::Path,
        out: &mut Vec<std::path::PathBuf>,
    ) {
        let name = format!("{prefix}{}", c.get_name());
        out.push(dir.join(format!("{name}.1")));
        for s in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(s, &format!("{name}-"), dir, out);
        }
    }
    walk(&man_command(), "", dir, &mut written);
    Ok(written)
}

/// The command the man pages describe: no hidden subcommands, no `help` subcommand (the pages
/// are the help).
fn man_command() -> clap::Command {
    fn no_help(c: clap::Command) -> clap::Command {
        c.disable_help_subcommand(true).mut_subcommands(no_help)
    }
    let mut c = no_help(visible(&Cli::command()));
    c.build();
    c
}

/// The names `swarmtop __complete WHAT` prints, asked of this same executable with the
/// connection options typed so far (a swarm's names need a connection; the contexts do not).
fn names(what: &str, conn: &[String]) -> Vec<String> {
    let Ok(exe) = std::env::current_exe() else {
        return Vec::new();
    };
    let out = std::process::Command::new(exe)
        .args(conn)
        .args(["__complete", what])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// What a positional argument of a subcommand names, for completion: the same places the
/// docker CLI completes names (`docker stack rm`, `docker service rollback`, `docker node ...`).
/// (subcommand, its subcommands, what their first argument names).
const NAMED: &[(&str, &[&str], &str)] = &[
    ("stack", &["rm", "remove", "ps", "file"], "stacks"),
    ("service", &["rollback", "update", "scale"], "services"),
    (
        "node",
        &["drain", "activate", "pause", "promote", "demote"],
        "nodes",
    ),
];

pub fn positional_names(path: &[&str]) -> Option<&'static str> {
    let [cmd, sub] = path else {
        return None;
    };
    NAMED
        .iter()
        .find(|(c, subs, _)| c == cmd && subs.contains(sub))
        .map(|(_, _, what)| *what)
}

// cobra's ShellCompDirective values (github.com/spf13/cobra, completions.go)
const COBRA_NO_FILE: u8 = 4;
const COBRA_NO_SPACE: u8 = 2;
const COBRA_DEFAULT: u8 = 0;

/// Answers cobra's completion request the docker CLI forwards for `docker swarmtop ...<TAB>`:
/// `words` are the words after `swarmtop`, the last one the word being completed. One
/// candidate a line, then `:DIRECTIVE`.
pub fn cobra(words: &[String]) -> String {
    let (candidates, directive) = complete(words);
    let mut out = String::new();
    for c in candidates {
        out.push_str(&c);
        out.push('\n');
    }
    out.push_str(&format!(":{directive}\n"));
    out
}

fn complete(words: &[String]) -> (Vec<String>, u8) {
    let mut root = Cli::command();
    root.build();
    let Some((partial, before)) = words.split_last() else {
        return (Vec::new(), COBRA_NO_FILE);
    };
    let mut cur = &root;
    let mut path: Vec<&str> = Vec::new();
    let mut conn: Vec<String> = Vec::new();
    let mut pending: Option<&clap::Arg> = None;
    let mut iter = before.iter();
    while let Some(w) = iter.next() {
        let arg = if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = long
                .split_once('=')
                .map_or((long, false), |(n, _)| (n, true));
            cur.get_arguments()
                .find(|a| a.get_long() == Some(name))
                .map(|a| (a, inline))
        } else if let Some(short) = w.strip_prefix('-').and_then(|s| s.chars().next()) {
            cur.get_arguments()
                .find(|a| a.get_short() == Some(short))
                .map(|a| (a, w.len() > 2))
        } else {
            if let Some(sub) = cur
                .get_subcommands()
                .find(|s| s.get_name() == w || s.get_all_aliases().any(|a| a == w))
            {
                path.push(sub.get_name());
                cur = sub;
            }
            continue;
        };
        if let Some((a, inline)) = arg
            && a.get_action().takes_values()
            && !inline
        {
            let Some(value) = iter.next() else {
                pending = Some(a);
                break;
            };
            // the connection options typed so far: the swarm whose names to offer
            if path.is_empty() && matches!(a.get_id().as_str(), "context" | "hosts") {
                conn.push(w.clone());
                conn.push(value.clone());
            }
        }
    }
    if let Some(a) = pending {
        return match a.get_id().as_str() {
            "context" => (filter(names("contexts", &[]), partial), COBRA_NO_FILE),
            _ if a.get_value_hint() == clap::ValueHint::FilePath
                || a.get_long()
                    .is_some_and(|l| l.contains("file") || l.starts_with("tls")) =>
            {
                (Vec::new(), COBRA_DEFAULT)
            }
            _ => (Vec::new(), COBRA_NO_FILE),
        };
    }
    if partial.starts_with('-') {
        let flags = cur
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        return (filter(flags, partial), COBRA_NO_FILE);
    }
    let subs: Vec<String> = cur
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    if !subs.is_empty() {
        return (filter(subs, partial), COBRA_NO_FILE);
    }
    match positional_names(&path) {
        Some("services") if path == ["service", "scale"] => {
            let scaled = names("services", &conn)
                .into_iter()
                .map(|s| format!("{s}="))
                .collect();
            (filter(scaled, partial), COBRA_NO_FILE | COBRA_NO_SPACE)
        }
        Some(what) => (filter(names(what, &conn), partial), COBRA_NO_FILE),
        None => (Vec::new(), COBRA_DEFAULT),
    }
}

fn filter(mut candidates: Vec<String>, partial: &str) -> Vec<String> {
    candidates.retain(|c| c.starts_with(partial));
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_argument_is_a_subcommands_first_argument() {
        let cli = Cli::command();
        for (cmd, subs, _) in NAMED {
            let c = cli.find_subcommand(cmd).unwrap_or_else(|| panic!("{cmd}"));
            for sub in *subs {
                let s = c
                    .get_subcommands()
                    .find(|s| s.get_name() == *sub || s.get_all_aliases().any(|a| a == *sub))
                    .unwrap_or_else(|| panic!("{cmd} {sub}"));
                assert!(
                    s.get_positionals().next().is_some(),
                    "{cmd} {sub} takes a name"
                );
            }
        }
        assert_eq!(positional_names(&["stack", "remove"]), Some("stacks"));
        assert_eq!(positional_names(&["stack", "deploy"]), None);
    }

    #[test]
    fn cobra_answers_subcommands_options_and_files() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(cobra(&words(&["sta"])), "stack\n:4\n");
        assert_eq!(cobra(&words(&["stack", "deploy", "--pr"])), "--prune\n:4\n");
        // a compose file: the shell's file completion
        assert_eq!(cobra(&words(&["stack", "deploy", "-c", ""])), ":0\n");
    }
}
