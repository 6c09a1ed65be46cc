//! Bind-mount sources as docker's compose loader writes them into the spec: `~` replaced by
//! `$HOME`, a relative path joined to the compose file's folder and cleaned (Go's
//! `filepath.Join`), an absolute one (Unix or Windows) left exactly as written. The engine keeps
//! the text it is sent, so any other spelling of the same folder is a change for a later
//! `docker stack deploy` (and for ours).

use std::path::Path;

use super::interpolate::Env;

/// The source of a bind mount as the CLI sends it; `dir` is the first compose file's folder.
pub fn bind_source(dir: &Path, source: &str, env: &Env) -> String {
    let expanded = expand_user(source, env);
    if expanded.starts_with('/') || is_windows_abs(&expanded) {
        expanded
    } else {
        join(&dir.to_string_lossy(), &expanded)
    }
}

/// The loader's `expandUser`: the first `~` of a path that starts with one becomes `$HOME`
/// (so `~user/x` is not a user's home, as in docker); without HOME the path stays as written.
fn expand_user(p: &str, env: &Env) -> String {
    match (p.strip_prefix('~'), env.get("HOME")) {
        (Some(rest), Some(home)) => format!("{home}{rest}"),
        _ => p.to_string(),
    }
}

/// `C:\x`, `c:/x` or `\\server\share\x`: absolute on Windows, which a client may send to a
/// Linux engine; docker leaves them alone.
fn is_windows_abs(p: &str) -> bool {
    let b = p.as_bytes();
    let slash = |c: u8| c == b'/' || c == b'\\';
    let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && slash(b[2]);
    drive || unc_share_len(b).is_some_and(|n| n < b.len() && slash(b[n]))
}

/// Length of a `\\server\share` prefix, as Go's volumeNameLen finds it.
fn unc_share_len(b: &[u8]) -> Option<usize> {
    let slash = |c: u8| c == b'/' || c == b'\\';
    if b.len() < 5 || !slash(b[0]) || !slash(b[1]) || slash(b[2]) || b[2] == b'.' {
        return None;
    }
    let sep = (3..b.len() - 1).find(|&n| slash(b[n]))?;
    let share = sep + 1;
    if slash(b[share]) || b[share] == b'.' {
        return None;
    }
    Some((share..b.len()).find(|&n| slash(b[n])).unwrap_or(b.len()))
}

/// Go's `filepath.Join` on Unix: the parts joined with `/`, then cleaned.
pub fn join(dir: &str, p: &str) -> String {
    match (dir.is_empty(), p.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(p),
        (false, true) => clean(dir),
        (false, false) => clean(&format!("{dir}/{p}")),
    }
}

/// Go's `path.Clean`: one slash between names, no `.`, `..` applied to the name before it
/// (dropped at the root), no trailing slash; `.` for an empty result.
pub fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            name => out.push(name),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn clean_is_go_path_clean() {
        // cases from Go's path package tests
        for (p, want) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ] {
            assert_eq!(clean(p), want, "clean({p:?})");
        }
    }

    #[test]
    fn relative_sources_join_the_file_folder_and_are_cleaned() {
        let env = Env::from([("HOME".to_string(), "/home/ops".to_string())]);
        let dir = PathBuf::from("/srv/app");
        for (src, want) in [
            ("./alertmanager/", "/srv/app/alertmanager"),
            ("data", "/srv/app/data"),
            ("../shared//certs", "/srv/shared/certs"),
            (".", "/srv/app"),
            ("~/conf", "/home/ops/conf"),
            // absolute paths are sent as written, not cleaned
            ("/var/run/docker.sock", "/var/run/docker.sock"),
            ("/srv/./x/", "/srv/./x/"),
            ("C:\\data", "C:\\data"),
            ("\\\\host\\share\\d", "\\\\host\\share\\d"),
        ] {
            assert_eq!(bind_source(&dir, src, &env), want, "{src}");
        }
        // a folder given with `.` in it (the file named as ./stack.yml) is cleaned too
        assert_eq!(
            bind_source(Path::new("/srv/app/."), "./x", &env),
            "/srv/app/x"
        );
        // no HOME: `~` stays, and is a relative name
        assert_eq!(bind_source(&dir, "~/c", &Env::new()), "/srv/app/~/c");
    }
}
