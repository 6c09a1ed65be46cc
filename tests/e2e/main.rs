//! End-to-end tests against the real lab swarm (tests/lab/lab.sh). They are ignored by a plain
//! `cargo test`; `scripts/test.sh` brings the lab up and runs them with `--ignored`. (The few
//! headless ones in `config` need no lab and run with every `cargo test`.)

mod common;
mod config;
mod connect;
mod editor;
mod logs;
mod panes;
mod stacks;
