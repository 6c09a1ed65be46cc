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
    /// Rotate a secret or config to a new one whose data is read from a file once the answer
    /// is yes.
    RotateFromFile {
        rotation: swarmtop_ops::Rotation,
        path: std::path::PathBuf,
    },
}

/// How a dialog's text sits on a `width` x `height` screen: the box, the rows of text it has
/// room for, and the rows its text takes wrapped. The UI draws it so; the keys scroll it by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialogFit {
    pub w: u16,
    pub h: u16,
    /// Characters a row of text holds.
    pub text_w: usize,
    /// Rows for the text (the blank row and the key row are below them).
    pub room: usize,
    /// Rows the text takes.
    pub total: usize,
}

impl DialogFit {
    pub fn of(lines: &[String], width: u16, height: u16) -> DialogFit {
        let w = width.saturating_sub(4).min(90);
        let text_w = usize::from(w.saturating_sub(2).max(1));
        let total: usize = lines.iter().map(|l| wrap(l, text_w).len()).sum();
        // the text, a blank row, the keys, the frame
        let h = (total as u16 + 4).min(height.saturating_sub(2)).max(5);
        DialogFit {
            w,
            h,
            text_w,
            room: usize::from(h.saturating_sub(4)),
            total,
        }
    }

    /// The text is taller than its room: it scrolls, one row of the room saying where.
    pub fn scrolls(&self) -> bool {
        self.total > self.room
    }

    /// Rows of text shown at once when it scrolls.
    pub fn window(&self) -> usize {
        self.room.saturating_sub(1).max(1)
    }

    /// The furthest it scrolls: the last row at the bottom.
    pub fn max_scroll(&self) -> usize {
        if self.scrolls() {
            self.total.saturating_sub(self.window())
        } else {
            0
        }
    }
}

/// `line` in rows of at most `width` characters, broken at spaces where it can be.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut row_len = 0;
    for word in line.split_inclusive(' ') {
        // the space after a word may end a row
        let n = word.trim_end_matches(' ').chars().count();
        if row_len + n > width && row_len > 0 {
            rows.push(std::mem::take(&mut row).trim_end().to_string());
            row_len = 0;
        }
        // a word longer than a row is cut
        let mut rest = word;
        while rest.trim_end_matches(' ').chars().count() > width {
            // (the row is empty here: a longer word starts a row of its own)
            let cut = rest
                .char_indices()
                .nth(width)
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
            row.push_str(&rest[..cut]);
            rows.push(std::mem::take(&mut row));
            row_len = 0;
            rest = &rest[cut..];
        }
        row.push_str(rest);
        row_len += rest.chars().count();
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row.trim_end().to_string());
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("asked whether to remove it", 16),
            ["asked whether to", "remove it"]
        );
        assert_eq!(wrap("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("  indented row", 20), ["  indented row"]);
        for row in wrap("file /etc/app/pw · uid 1000 · gid 1001 · mode 0400", 12) {
            assert!(row.chars().count() <= 12, "{row:?}");
        }
    }

    #[test]
    fn a_dialog_scrolls_only_when_its_text_is_taller_than_its_room() {
        let short = vec!["one".to_string(), "two".to_string()];
        let fit = DialogFit::of(&short, 80, 24);
        assert_eq!((fit.w, fit.h, fit.room, fit.total), (76, 6, 2, 2));
        assert!(!fit.scrolls());
        assert_eq!(fit.max_scroll(), 0);
        let long: Vec<String> = (0..40).map(|i| format!("line {i}")).collect();
        let fit = DialogFit::of(&long, 80, 24);
        assert_eq!((fit.h, fit.room), (22, 18));
        assert!(fit.scrolls());
        // 17 rows of text and the row that says where it is
        assert_eq!(fit.window(), 17);
        assert_eq!(fit.max_scroll(), 40 - 17);
    }
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
    /// Worked out again from the cluster while it is open (`actions::follow_the_swarm`).
    pub live: Option<Live>,
}

/// A question whose explanation follows the swarm while it is asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// The drain preview: what moves and what would stay pending, as the tasks come in.
    Drain { node_id: String, name: String },
}
