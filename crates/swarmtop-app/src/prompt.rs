//! One-line prompts (a number, an image, a path) and yes/no confirmations. A prompt keeps what
//! was typed when its input is refused, and says why next to it.

use super::editor::Autosave;

/// What a prompt's answer is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    /// `n` in stacks: the new stack's name (a file `NAME.yml` is opened or started).
    NewStack,
    Scale {
        service_id: String,
        service: String,
    },
    NodeLabels {
        node_id: String,
        node: String,
    },
    SetImage {
        service_id: String,
        service: String,
    },
    /// `exec`: the command to run in the task's container.
    Exec {
        task_id: String,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub label: String,
    pub text: String,
    /// Why the last Enter was refused (the text stays).
    pub error: Option<String>,
    /// The text is the value given before any key (the current replicas, the image): the first
    /// character typed replaces it, as a selected field does; an editing key (backspace,
    /// arrows) keeps it to edit. `s 2 Enter` scaled 5 replicas to 52 when typing appended.
    pub prefilled: bool,
}

impl Prompt {
    pub fn new(kind: PromptKind, label: impl Into<String>, text: impl Into<String>) -> Prompt {
        Prompt {
            kind,
            label: label.into(),
            prefilled: true,
            text: text.into(),
            error: None,
        }
    }
}

/// What `y` does in a confirmation.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// An autosaved editor buffer found at start-up: `y` restores, `d` deletes, `n`/Esc keep it.
    RestoreAutosave(Autosave),
    /// Change the cluster.
    Run(swarmtop_ops::Op),
    /// Create a secret or config from a file (read once the answer is yes).
    CreateFromFile {
        kind: swarmtop_model::cluster::ObjectKind,
        name: String,
        path: std::path::PathBuf,
        labels: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    /// The explanation, one entry per line.
    pub lines: Vec<String>,
    pub pending: Pending,
    /// Shown in alarm colours (removals, overrides of a guard).
    pub danger: bool,
    /// The key that says yes: `y`, or `F` to override a guard's refusal.
    pub yes_key: char,
}
