//! Everything the UI shows, in one value. Changed only by `update`, read by `draw`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::describe::Describe;
use super::logs::LogView;
use super::panes::{Pane, View};
use super::rows::Row;
use super::rowset::Rows;
use swarmtop_model::cluster::Cluster;
use swarmtop_model::cluster::events::EventRow;
use swarmtop_settings::keymap::Keymap;

/// The connection as the header shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Conn {
    Connecting,
    Live,
    Lost {
        error: String,
        since: DateTime<Utc>,
        retry_at: DateTime<Utc>,
        failure: swarmtop_model::feed::Failure,
    },
}

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// The `:` prompt and what has been typed.
    Command(String),
    /// Typing a filter for the current pane (applied as typed).
    Filter,
    Help,
    /// The describe view of one object.
    Describe(Box<Describe>),
    /// The logs view (its state is `State::logs`).
    Logs,
    /// The stack editor (its state is `State::editor`).
    Editor,
    /// A one-line question (a number, a name, a path).
    Prompt(Box<super::prompt::Prompt>),
    /// A yes/no question with its explanation.
    Confirm(Box<super::prompt::Confirm>),
    /// A form (its state is `State::form`).
    Form,
    /// The join command dialog.
    Join(Box<super::join::JoinView>),
}

/// The event timeline keeps this many events, newest first.
pub const EVENTS_KEPT: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub text: String,
    pub error: bool,
}

/// One pane's list: its rows after filter and sort, and where the cursor is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListState {
    pub rows: Rows,
    /// The data generation (`State::data_gen`) the rows were built from.
    pub built_at: Option<u64>,
    /// Rows before filtering, for the "3 of 12" title.
    pub total: usize,
    pub selected: usize,
    /// The selected object's ID: the cursor follows the object, not the position.
    pub selected_id: Option<String>,
    pub offset: usize,
    pub filter: String,
    /// None: the pane's own order (worst first, slots together).
    pub sort_col: Option<usize>,
    pub reverse: bool,
}

impl ListState {
    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// Replaces the rows, keeping the cursor on the same object when it still exists. With
    /// `follow_top` (the newest-first timeline) a cursor on the first row stays on the first
    /// row, so new events come into view instead of pushing the cursor down.
    pub fn set_rows_following(&mut self, all: Vec<Row>, follow_top: bool) {
        if follow_top && self.selected == 0 {
            self.selected_id = None;
        }
        self.set_rows(all);
    }

    /// Replaces the rows, keeping the cursor on the same object when it still exists.
    pub fn set_rows(&mut self, all: Vec<Row>) {
        self.rows = Rows::new(all);
        self.arrange();
    }

    /// Applies the filter and the sort to the rows (after either changed), keeping the cursor
    /// on the same object when it is still shown.
    pub fn arrange(&mut self) {
        self.rows.arrange(&self.filter, self.sort_col, self.reverse);
        self.total = self.rows.total();
        let pos = self
            .selected_id
            .as_ref()
            .and_then(|id| self.rows.iter().position(|r| &r.id == id));
        self.selected = match pos {
            Some(p) => p,
            None => self.selected.min(self.rows.len().saturating_sub(1)),
        };
        self.selected_id = self.selected_row().map(|r| r.id.clone());
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.selected_id = self.selected_row().map(|r| r.id.clone());
    }

    /// Moves the cursor by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let max = self.rows.len().saturating_sub(1) as isize;
        let next = (self.selected as isize + delta).clamp(0, max.max(0));
        self.select(next as usize);
    }

    /// Keeps the cursor inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}

pub struct State {
    pub context: String,
    pub endpoint: String,
    pub engine_version: String,
    pub api_version: String,
    pub conn: Conn,
    pub cluster: Cluster,
    /// When the cluster data was last refreshed.
    pub data_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    /// What is on screen, and the views Esc goes back to.
    pub view: View,
    pub history: Vec<View>,
    pub lists: HashMap<View, ListState>,
    pub mode: Mode,
    /// Where the help overlay is scrolled to (while `Mode::Help`).
    pub help: super::help::HelpState,
    pub status: Option<StatusLine>,
    pub keymap: Keymap,
    /// Why nothing may be changed, when it may not (`crate::access`): every refusal names it.
    pub read_only: Option<String>,
    pub logs: Option<LogView>,
    pub editor: Option<super::editor::EditorState>,
    pub form: Option<super::form::Form>,
    /// For the rollout view: the tasks on the service's current spec (the engine's
    /// `_up-to-date` filter), by service ID.
    pub up_to_date: std::collections::HashMap<String, Vec<swarmtop_model::cluster::Task>>,
    /// Variables for compose interpolation (the process environment, read at start).
    pub env: swarmtop_compose::interpolate::Env,
    /// Where new stack files go and relative paths start.
    pub work_dir: std::path::PathBuf,
    pub theme: swarmtop_settings::theme::Theme,
    pub log_capacity: usize,
    /// Swarm events in words, newest first, and the keys seen (history and live overlap).
    pub events: std::collections::VecDeque<EventRow>,
    pub event_keys: std::collections::HashSet<String>,
    /// The first node column the map shows.
    pub map_offset: usize,
    /// (critical, warning) problems, for the header; counted when data changes.
    pub problem_counts: (usize, usize),
    /// Counts changes to what views are built from: a view's rows are rebuilt only when it
    /// changed since they were built (switching panes, sorting and filtering reuse them).
    pub data_gen: u64,
    /// Terminal size, for paging.
    pub size: (u16, u16),
    pub quit: bool,
    /// The events pane waits for new events to be shown (they come in bursts: one rebuild per
    /// burst).
    pub rows_behind: bool,
    /// The `:ctx`/`:host` line being tried: given back to the prompt if it fails.
    pub switching: Option<String>,
    /// A file being read for the editor (off the UI task); Esc stops waiting for it.
    pub reading: Option<std::path::PathBuf>,
    /// The read Esc stopped: its answer, if it still comes, is dropped.
    pub stopped_reading: Option<std::path::PathBuf>,
    /// The form or prompt of the action on its way to the engine, until it answers.
    pub sent: Option<super::sent::Sent>,
    /// The prompt whose action a dialog is asking about: `n` goes back to it as typed, `y`
    /// keeps it until the engine answers.
    pub prompt_behind: Option<Box<super::prompt::Prompt>>,
}

impl State {
    pub fn new(context: String, endpoint: String, keymap: Keymap, now: DateTime<Utc>) -> State {
        State {
            context,
            endpoint,
            engine_version: String::new(),
            api_version: String::new(),
            conn: Conn::Connecting,
            cluster: Cluster::default(),
            data_at: None,
            now,
            view: View::top(Pane::Nodes),
            history: Vec::new(),
            lists: HashMap::new(),
            mode: Mode::Normal,
            help: Default::default(),
            status: None,
            keymap,
            read_only: None,
            problem_counts: (0, 0),
            map_offset: 0,
            data_gen: 0,
            logs: None,
            editor: None,
            form: None,
            up_to_date: std::collections::HashMap::new(),
            env: Default::default(),
            work_dir: std::path::PathBuf::from("."),
            theme: swarmtop_settings::theme::Theme::default_theme(),
            log_capacity: super::logs::DEFAULT_CAPACITY,
            events: std::collections::VecDeque::new(),
            event_keys: std::collections::HashSet::new(),
            size: (80, 24),
            quit: false,
            rows_behind: false,
            switching: None,
            reading: None,
            stopped_reading: None,
            sent: None,
            prompt_behind: None,
        }
    }

    pub fn pane(&self) -> Pane {
        self.view.pane
    }

    /// The list of the view on screen.
    pub fn current(&self) -> &ListState {
        self.list_of(&self.view)
    }

    pub fn current_mut(&mut self) -> &mut ListState {
        let v = self.view.clone();
        self.lists.entry(v).or_default()
    }

    pub fn list_of(&self, view: &View) -> &ListState {
        static EMPTY: std::sync::OnceLock<ListState> = std::sync::OnceLock::new();
        self.lists
            .get(view)
            .unwrap_or_else(|| EMPTY.get_or_init(ListState::default))
    }

    /// The top-level list of a pane (tests and the problems count use it).
    pub fn list(&self, pane: Pane) -> &ListState {
        self.list_of(&View::top(pane))
    }

    /// Shows the events that a burst of messages left waiting (see `rows_behind`).
    pub fn catch_up(&mut self) {
        if self.rows_behind {
            self.events_changed();
        }
    }

    /// The cluster changed: counts the problems and rebuilds the rows of the view on screen.
    /// Views off screen are rebuilt when shown: work does not grow with what is not visible.
    pub fn rebuild(&mut self) {
        use swarmtop_model::cluster::problems::{Severity, find};
        self.data_gen += 1;
        self.rows_behind = false;
        let found = find(&self.cluster, self.now);
        self.problem_counts = (
            found
                .iter()
                .filter(|p| p.severity == Severity::Critical)
                .count(),
            found
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count(),
        );
        self.show();
    }

    /// Only the event timeline changed (no problem to recount).
    pub fn events_changed(&mut self) {
        self.data_gen += 1;
        self.rows_behind = false;
        self.show();
    }

    /// Shows the view on screen after it, its filter or its sort changed: its rows are built
    /// from the data only if the data changed since they were, else just arranged again.
    pub fn show(&mut self) {
        let generation = self.data_gen;
        if self.current().built_at == Some(generation) {
            self.current_mut().arrange();
        } else {
            let rows = self
                .view
                .rows(&self.cluster, self.now, &self.events, &self.up_to_date);
            let timeline = self.view.pane == Pane::Events;
            let list = self.current_mut();
            list.set_rows_following(rows, timeline);
            list.built_at = Some(generation);
        }
        let h = self.page_height();
        self.current_mut().scroll_into_view(h);
    }

    /// Rows that fit the table body at the current terminal size (header, borders, footer).
    pub fn page_height(&self) -> usize {
        (self.size.1 as usize).saturating_sub(7).max(1)
    }

    /// The logs view is on screen (maybe under the help overlay).
    pub fn logs_open(&self) -> bool {
        self.logs.is_some() && matches!(self.mode, Mode::Logs | Mode::Help)
    }

    pub fn is_stale(&self) -> bool {
        !matches!(self.conn, Conn::Live)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            error: true,
        });
    }
}
