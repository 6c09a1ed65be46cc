//! Autosaves: the stack editor's text in the state directory, so a dropped session loses
//! nothing. Each session writes its own file (`STACK.PID.autosave.json`, mode 600 in a 700
//! directory: the text may hold what the stack file holds) with the file it edits, so a
//! restored edit can be saved back; the pid and host say whose it is, so a session still
//! running is not taken for one that crashed. Files are only ever removed when their text is
//! saved, deployed or discarded, or when the user answers "delete".

use std::io;
use std::path::{Path, PathBuf};

pub use crate::app::autosave::Autosave;

/// The most an autosave is read back (the editor opens at most `files::EDITOR_LIMIT`, and an
/// autosave holds the text and what the file held).
const READ_LIMIT: u64 = 3 * crate::files::EDITOR_LIMIT;

/// This machine's name, to tell our own sessions from others sharing a home directory.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// True when `pid` is a live process (ours or another user's).
#[allow(unsafe_code)] // kill(pid, 0): see the SAFETY note
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists and may be signalled
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

fn dir(state_dir: &Path) -> PathBuf {
    state_dir.join("editor")
}

/// This session's autosave of `stack`. Stack names are [A-Za-z0-9_.-]: safe in a file name.
pub fn own_file(state_dir: &Path, stack: &str) -> PathBuf {
    dir(state_dir).join(format!("{stack}.{}.autosave.json", std::process::id()))
}

/// The editor directory, made private (700) if it is not already.
fn private_dir(state_dir: &Path) -> io::Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let d = dir(state_dir);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&d)?;
    let meta = std::fs::metadata(&d)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(d)
}

/// Writes this session's autosave of `a.stack` (atomically: a crash mid-write keeps the
/// previous copy), then removes `replaces` (the autosave a restored edit came from).
pub fn write(state_dir: &Path, a: &Autosave, replaces: Option<&Path>) -> io::Result<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    private_dir(state_dir)?;
    let path = own_file(state_dir, &a.stack);
    let record = Autosave {
        pid: Some(std::process::id()),
        host: Some(host_name()),
        ..a.clone()
    };
    let json = serde_json::to_vec(&record).map_err(io::Error::other)?;
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(&json)?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    if let Some(old) = replaces.filter(|old| *old != path) {
        remove(old)?;
    }
    Ok(path)
}

/// Removes one autosave file (gone already is fine).
pub fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Drops this session's autosave of `stack` (and `also`) once the text is saved, deployed or
/// discarded.
pub fn discard(state_dir: &Path, stack: &str, also: Option<&Path>) -> io::Result<()> {
    remove(&own_file(state_dir, stack))?;
    match also {
        Some(p) => remove(p),
        None => Ok(()),
    }
}

/// Autosaves left by sessions that ended without saving, to offer back: not this session's,
/// and not those of a session still running on this machine.
pub fn find(state_dir: &Path) -> Vec<Autosave> {
    let Ok(rd) = std::fs::read_dir(dir(state_dir)) else {
        return Vec::new();
    };
    let me = std::process::id();
    let host = host_name();
    let mut out: Vec<Autosave> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let text = crate::files::read_text(&path, READ_LIMIT).ok()?;
            if name.ends_with(".autosave.json") {
                let mut a: Autosave = serde_json::from_str(&text).ok()?;
                a.path = path;
                Some(a)
            } else {
                // written by versions before the record: the text alone
                let stack = name.strip_suffix(".yml.autosave")?.to_string();
                Some(Autosave {
                    stack,
                    text,
                    file: None,
                    on_disk: None,
                    pid: None,
                    host: None,
                    path,
                })
            }
        })
        .filter(|a| match (a.pid, &a.host) {
            (Some(pid), Some(h)) if *h == host => pid != me && !alive(pid),
            // another machine's session (a shared home): cannot tell, so offer it
            _ => true,
        })
        .collect();
    out.sort_by(|a, b| (&a.stack, &a.path).cmp(&(&b.stack, &b.path)));
    out
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn edit(stack: &str, text: &str) -> Autosave {
        Autosave {
            stack: stack.into(),
            text: text.into(),
            file: Some("/srv/web.yml".into()),
            on_disk: Some("services: {}\n".into()),
            pid: None,
            host: None,
            path: PathBuf::new(),
        }
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn written_private_and_kept_with_its_file() {
        let state = tempfile::tempdir().unwrap();
        // a state directory someone made readable for all
        std::fs::create_dir_all(state.path().join("editor")).unwrap();
        std::fs::set_permissions(
            state.path().join("editor"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let p = write(state.path(), &edit("web", "services:\n  a: {}\n"), None).unwrap();
        assert_eq!(mode(&p), 0o600);
        assert_eq!(mode(&state.path().join("editor")), 0o700);
        let json: Autosave = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(json.file.as_deref(), Some(Path::new("/srv/web.yml")));
        assert_eq!(json.pid, Some(std::process::id()));
        discard(state.path(), "web", None).unwrap();
        assert!(!p.exists());
        discard(state.path(), "web", None).unwrap();
    }

    #[test]
    fn a_live_sessions_autosave_is_not_offered_a_dead_ones_is() {
        let state = tempfile::tempdir().unwrap();
        private_dir(state.path()).unwrap();
        let put = |name: &str, pid: u32, host: &str| {
            let mut a = edit(name, "services: {}\n# mine\n");
            a.pid = Some(pid);
            a.host = Some(host.into());
            std::fs::write(
                state
                    .path()
                    .join("editor")
                    .join(format!("{name}.{pid}.autosave.json")),
                serde_json::to_vec(&a).unwrap(),
            )
            .unwrap();
        };
        // our own, a live process here (pid 1 always runs), a dead one here, another host's
        put("own", std::process::id(), &host_name());
        put("live", 1, &host_name());
        let dead = {
            let mut c = std::process::Command::new("true").spawn().unwrap();
            let pid = c.id();
            c.wait().unwrap();
            pid
        };
        put("dead", dead, &host_name());
        put("elsewhere", 1, "some-other-machine");
        // and one from before the record existed
        std::fs::write(
            state.path().join("editor").join("old.yml.autosave"),
            "services: {}\n",
        )
        .unwrap();
        let found: Vec<String> = find(state.path()).into_iter().map(|a| a.stack).collect();
        assert_eq!(found, ["dead", "elsewhere", "old"]);
        let dead = find(state.path()).into_iter().next().unwrap();
        assert_eq!(dead.file.as_deref(), Some(Path::new("/srv/web.yml")));
    }

    #[test]
    fn a_restored_edit_takes_over_the_old_file_at_its_first_write() {
        let state = tempfile::tempdir().unwrap();
        private_dir(state.path()).unwrap();
        let old = state
            .path()
            .join("editor")
            .join("web.99999999.autosave.json");
        std::fs::write(&old, serde_json::to_vec(&edit("web", "x")).unwrap()).unwrap();
        write(state.path(), &edit("web", "y"), Some(&old)).unwrap();
        assert!(!old.exists());
        assert_eq!(find(state.path()).len(), 0, "our own is not offered to us");
    }
}
