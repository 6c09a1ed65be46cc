//! An autosaved edit of the stack editor, as data. Writing, finding and removing the files is
//! the binary's (`swarmtop::autosave`): the app core does no I/O.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One autosaved edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Autosave {
    pub stack: String,
    pub text: String,
    /// The file being edited (`None`: text from the swarm not saved to a file yet).
    pub file: Option<PathBuf>,
    /// What that file held when it was opened or last saved (to notice a change meanwhile).
    pub on_disk: Option<String>,
    /// The session that wrote it (older autosaves have neither).
    pub pid: Option<u32>,
    pub host: Option<String>,
    /// Where it was found (not stored).
    #[serde(skip)]
    pub path: PathBuf,
}
