//! End-to-end tests against the real lab swarm (tests/lab/lab.sh). They are ignored by a plain
//! `cargo test`; `scripts/test.sh` brings the lab up and runs them with `--ignored`. The
//! simulator's end-to-end tests that need no lab, and the headless ones in `config`, run in a
//! plain `cargo test`: they need the docker CLI and tmux (the completion tests: zsh and fish), not
//! root.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test or bench may panic

mod actions;
mod common;
mod completions;
mod config;
mod connect;
mod custom;
mod editor;
mod fidelity;
mod fleet;
mod guards;
mod history;
mod incident;
mod logs;
mod node_reach;
mod node_stats;
mod nothing_lost;
mod panes;
mod plugin;
mod resilience;
mod rotate;
mod shell;
mod sim_contract;
mod stack_fidelity;
mod stacks;
mod tutorial;
