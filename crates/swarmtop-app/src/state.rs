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

/// What fills the screen, under any overlay. Each view holds its own state, so what is open
/// and what it shows cannot disagree.
#[derive(Default)]
pub enum Screen {
    /// The panes (problems, nodes, services ... the map, a rollout).
    #[default]
    Panes,
    /// The logs of a service or a task.
    Logs(Box<LogView>),
    /// The stack editor.
    Editor(Box<super::editor::EditorState>),
}

/// What is over the screen and has the keyboard: at most one. Closing it gives the keyboard
/// back to the screen beneath.
pub enum Overlay {
    /// The `:` line and what has been typed.
    Command(String),
    /// Typing a filter for the current pane (applied as typed).
    Filter,
    Help(super::help::HelpState),
    /// The describe view of one object.
    Describe(Box<Describe>),
    /// A one-line question (a number, a name, a path).
    Prompt(Box<super::prompt::Prompt>),
    /// A yes/no question with its explanation, and the form or prompt it is about: `n` goes
    /// back to that as typed, `y` keeps it until the engine answers.
    Confirm {
        ask: Box<super::prompt::Confirm>,
        behind: Option<super::sent::Typed>,
    },
    /// A form.
    Form(Box<super::form::Form>),
    /// The join command dialog.
    Join(Box<super::join::JoinView>),
}

impl Overlay {
    /// What it is, in a word (the debug log, tests).
    pub fn name(&self) -> &'static str {
        match self {
            Overlay::Command(_) => "command",
            Overlay::Filter => "filter",
            Overlay::Help(_) => "help",
            Overlay::Describe(_) => "describe",
            Overlay::Prompt(_) => "prompt",
            Overlay::Confirm { .. } => "confirm",
            Overlay::Form(_) => "form",
            Overlay::Join(_) => "join",
        }
    }
}

/// The event timeline keeps this many events, newest first.
pub const EVENTS_KEPT: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub text: String,
    pub error: bool,
    /// When it was said: information goes after `INFO_KEPT`, errors stay to be read.
    pub at: DateTime<Utc>,
}

/// How long an information line (not an error) stays on the status line.
pub const INFO_KEPT: chrono::TimeDelta = chrono::TimeDelta::seconds(8);

/// One pane's list: its rows after filter and sort, and where the cursor is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListState {
    pub rows: Rows,
    /// The data generation (`State::data_gen`) the rows were built from.
    pub built_at: Option<u64>,
    /// A digest of what the rows were built from, for the panes that have one
    /// (`View::input_key`): a change elsewhere does not rebuild them.
    pub built_from: Option<u64>,
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
    /// The selected row, made from its packed form.
    pub fn selected_row(&self) -> Option<Row> {
        self.rows.get(self.selected)
    }

    /// Replaces the rows, keeping the cursor on the same object when it still exists. With
    /// `follow_top` (the newest-first timeline) a cursor on the first row stays on the first
    /// row, so new events come into view instead of pushing the cursor down.
    pub fn set_rows_following(&mut self, all: Rows, follow_top: bool) {
        if follow_top && self.selected == 0 {
            self.selected_id = None;
        }
        self.set_rows(all);
    }

    /// Replaces the rows, keeping the cursor on the same object when it still exists.
    pub fn set_rows(&mut self, all: Rows) {
        self.rows = all;
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
            .and_then(|id| self.rows.position(id));
        self.selected = match pos {
            Some(p) => p,
            None => self.selected.min(self.rows.len().saturating_sub(1)),
        };
        self.selected_id = self.rows.id(self.selected).map(str::to_string);
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.selected_id = self.rows.id(self.selected).map(str::to_string);
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
    /// How often the manager is asked at the least (`EngineMsg::Answered`): data is old only
    /// when no answer came for longer.
    pub answers_every: Option<std::time::Duration>,
    pub now: DateTime<Utc>,
    /// What is on screen, and the views Esc goes back to.
    pub view: View,
    pub history: Vec<View>,
    pub lists: HashMap<View, ListState>,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub status: Option<StatusLine>,
    pub keymap: Keymap,
    /// Why nothing may be changed, when it may not (`crate::access`): every refusal names it.
    pub read_only: Option<String>,
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
    /// Every problem, worst first, as counted at the last change (the problems pane and the
    /// keys that act on a problem read these: found once per change, not once per use).
    problems_found: Vec<swarmtop_model::cluster::problems::Problem>,
    /// Counts changes to what views are built from: a view's rows are rebuilt only when it
    /// changed since they were built (switching panes, sorting and filtering reuse them).
    pub data_gen: u64,
    /// Counts changes to the cluster only (not to the nodes' own data): what the screen asks
    /// of the nodes is worked out again when it changes (`node_watch`).
    pub cluster_gen: u64,
    /// Counts changes to the tasks alone (what is built from the tasks only is kept across
    /// other changes: the node watch's index).
    pub tasks_gen: u64,
    /// Terminal size, for paging.
    pub size: (u16, u16),
    pub quit: bool,
    /// The events pane waits for new events to be shown (they come in bursts: one rebuild per
    /// burst).
    pub rows_behind: bool,
    /// The `:ctx`/`:host` line being tried: given back to the prompt if it fails.
    pub switching: Option<String>,
    /// What to say once connected: the context, or the URL `:host` named (its context is
    /// only "default", which is not where it went).
    pub switching_to: Option<String>,
    /// A file being read for the editor (off the UI task); Esc stops waiting for it.
    pub reading: Option<std::path::PathBuf>,
    /// The read Esc stopped: its answer, if it still comes, is dropped.
    pub stopped_reading: Option<std::path::PathBuf>,
    /// The form or prompt of the action on its way to the engine, until it answers.
    pub sent: Option<super::sent::Sent>,
    /// What the nodes' own engines said, and what was asked of them.
    pub node_data: super::node_data::NodeData,
    /// Every swarm at a glance (`:fleet`), as last checked.
    pub fleet: super::panes::fleet::Fleet,
    /// The first row of text a yes/no dialog taller than the screen shows (0 when one opens).
    pub dialog_scroll: usize,
    /// The services' specs seen this session, for their history (`spec_history`).
    pub specs: swarmtop_model::cluster::spec_history::SpecHistory,
    /// Custom commands in force (config.yaml `commands:`, `crate::custom`).
    pub commands: Vec<swarmtop_settings::config::commands::CustomCommand>,
    /// Custom commands started this session: the last one's id.
    pub command_runs: u64,
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
            answers_every: None,
            now,
            view: View::top(Pane::Nodes),
            history: Vec::new(),
            lists: HashMap::new(),
            screen: Screen::Panes,
            overlay: None,
            status: None,
            keymap,
            read_only: None,
            problem_counts: (0, 0),
            problems_found: Vec::new(),
            map_offset: 0,
            data_gen: 0,
            cluster_gen: 0,
            tasks_gen: 0,
            up_to_date: std::collections::HashMap::new(),
            node_data: Default::default(),
            fleet: Default::default(),
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
            switching_to: None,
            reading: None,
            stopped_reading: None,
            sent: None,
            dialog_scroll: 0,
            specs: Default::default(),
            commands: Vec::new(),
            command_runs: 0,
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
    /// Also settles what the nodes' engines said, at most once a second (each node answers on
    /// its own: the views are rebuilt once for many answers, not once per answer).
    pub fn catch_up(&mut self) {
        use super::node_data::Behind;
        let behind = self.node_data.behind;
        if behind != Behind::Nothing && self.node_data.settled_at != Some(self.now) {
            // a task's history is kept while its row is near the screen: the top view reads
            // every running task, and 40,000 histories would be hundreds of megabytes
            let near: std::collections::HashSet<String> = match self.pane() {
                Pane::Tasks | Pane::Top => self
                    .rows_near_screen()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                _ => Default::default(),
            };
            self.node_data.settle(&self.cluster, self.now, &near);
            let shown = matches!(
                self.pane(),
                Pane::Tasks | Pane::Services | Pane::Nodes | Pane::Top | Pane::Reach
            );
            if behind == Behind::Problems {
                self.nodes_changed();
            } else if shown {
                self.events_changed();
            }
        }
        if self.rows_behind {
            self.events_changed();
        }
    }

    /// The cluster changed: counts the problems and rebuilds the rows of the view on screen.
    /// Views off screen are rebuilt when shown: work does not grow with what is not visible.
    pub fn rebuild(&mut self) {
        self.cluster_gen += 1;
        self.nodes_changed();
    }

    /// What the nodes' engines say of their containers (health, image) changed: counts the
    /// problems and rebuilds the rows of the view on screen.
    pub fn nodes_changed(&mut self) {
        use swarmtop_model::cluster::problems::Severity;
        self.data_gen += 1;
        self.rows_behind = false;
        let found = super::node_data::problems(&self.cluster, self.now, &self.node_data);
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
        self.problems_found = found;
        self.show();
    }

    /// Every problem, worst first, with those the nodes' engines tell (health, image drift),
    /// as found at the last change.
    pub fn problems(&self) -> &[swarmtop_model::cluster::problems::Problem] {
        &self.problems_found
    }

    /// Only the event timeline, the usage figures or the nodes' reach changed (no problem to
    /// recount).
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
            let src = super::panes::Sources {
                cluster: &self.cluster,
                now: self.now,
                events: &self.events,
                up_to_date: &self.up_to_date,
                nodes: &self.node_data,
                problems: &self.problems_found,
                fleet: &self.fleet.lines,
                context: &self.context,
            };
            // a change that does not touch what this pane lists (the tasks pane after a
            // service's counts moved) keeps its rows: at XL they are 100,000
            let key = self.view.input_key(&src, self.tasks_gen);
            if key.is_some() && self.current().built_from == key {
                let list = self.current_mut();
                list.built_at = Some(generation);
                list.arrange();
                let h = self.page_height();
                self.current_mut().scroll_into_view(h);
                return;
            }
            let rows = self.view.rows(&src);
            // newest events and the busiest tasks come in on top: a cursor on the first row
            // stays there
            let timeline = matches!(self.view.pane, Pane::Events | Pane::Top);
            let list = self.current_mut();
            list.set_rows_following(rows, timeline);
            list.built_at = Some(generation);
            list.built_from = key;
        }
        let h = self.page_height();
        self.current_mut().scroll_into_view(h);
    }

    /// The row IDs in view and about a page either side (tasks, services or nodes, by pane):
    /// O(page). The window moves a page at a time, so scrolling row by row does not change
    /// what is asked of the nodes (nor work it out again over every task) until a page
    /// boundary is crossed.
    pub fn rows_near_screen(&self) -> Vec<&str> {
        let list = self.current();
        let page = self.page_height().max(1);
        let block = list.offset / page * page;
        list.rows
            .ids(block.saturating_sub(page), page * 3)
            .collect()
    }

    /// Rows that fit the table body at the current terminal size (header, borders, footer).
    pub fn page_height(&self) -> usize {
        (self.size.1 as usize).saturating_sub(7).max(1)
    }

    /// The logs view, when it is the screen.
    pub fn logs(&self) -> Option<&LogView> {
        match &self.screen {
            Screen::Logs(v) => Some(v),
            _ => None,
        }
    }

    pub fn logs_mut(&mut self) -> Option<&mut LogView> {
        match &mut self.screen {
            Screen::Logs(v) => Some(v),
            _ => None,
        }
    }

    /// Takes the logs view off the screen (to change it beside the rest of the state); the
    /// caller puts it back. The screen is left as it is when it is not the logs.
    pub fn take_logs(&mut self) -> Option<Box<LogView>> {
        match std::mem::take(&mut self.screen) {
            Screen::Logs(v) => Some(v),
            other => {
                self.screen = other;
                None
            }
        }
    }

    /// Takes the editor off the screen, the same way.
    pub fn take_editor(&mut self) -> Option<Box<super::editor::EditorState>> {
        match std::mem::take(&mut self.screen) {
            Screen::Editor(e) => Some(e),
            other => {
                self.screen = other;
                None
            }
        }
    }

    /// The stack editor, when it is the screen.
    pub fn editor(&self) -> Option<&super::editor::EditorState> {
        match &self.screen {
            Screen::Editor(e) => Some(e),
            _ => None,
        }
    }

    pub fn editor_mut(&mut self) -> Option<&mut super::editor::EditorState> {
        match &mut self.screen {
            Screen::Editor(e) => Some(e),
            _ => None,
        }
    }

    /// Opens a yes/no question over the screen.
    pub fn confirm(&mut self, ask: super::prompt::Confirm) {
        self.dialog_scroll = 0;
        self.overlay = Some(Overlay::Confirm {
            ask: Box::new(ask),
            behind: None,
        });
    }

    /// Puts the form or prompt a question is about behind it (`n` goes back to it as typed).
    /// With no question open it opens again itself: nothing typed is dropped.
    pub fn put_behind(&mut self, typed: super::sent::Typed) {
        match &mut self.overlay {
            Some(Overlay::Confirm { behind, .. }) => *behind = Some(typed),
            _ => self.reopen(typed),
        }
    }

    /// Opens a form or prompt again, as it was typed.
    pub fn reopen(&mut self, typed: super::sent::Typed) {
        self.overlay = Some(match typed {
            super::sent::Typed::Form(f) => Overlay::Form(f),
            super::sent::Typed::Prompt(p) => Overlay::Prompt(p),
        });
    }

    /// The overlay's name, if one is open.
    pub fn overlay_name(&self) -> Option<&'static str> {
        self.overlay.as_ref().map(Overlay::name)
    }

    /// How old the data is, in seconds, when that is worth saying: past five seconds, and past
    /// the time the next regular answer was due (with a few seconds to read it).
    pub fn data_age_worth_saying(&self) -> Option<i64> {
        let secs = (self.now - self.data_at?).num_seconds();
        let due = self.answers_every.map_or(0, |d| {
            i64::try_from(d.as_secs())
                .unwrap_or(i64::MAX)
                .saturating_add(5)
        });
        (secs >= due.max(5)).then_some(secs)
    }

    pub fn is_stale(&self) -> bool {
        !matches!(self.conn, Conn::Live)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            error: false,
            at: self.now,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusLine {
            text: text.into(),
            error: true,
            at: self.now,
        });
    }

    /// Information said long enough ago goes; an error stays.
    pub fn expire_info(&mut self) {
        if self
            .status
            .as_ref()
            .is_some_and(|st| !st.error && self.now - st.at >= INFO_KEPT)
        {
            self.status = None;
        }
    }

    /// Where the user is: the screen and the pane. Moving elsewhere clears information.
    pub fn place(&self) -> (std::mem::Discriminant<Screen>, Pane) {
        (std::mem::discriminant(&self.screen), self.pane())
    }
}
