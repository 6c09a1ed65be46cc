//! Errors of the stack commands. A problem in a file names the file, the line and the column
//! (`FileError`, from the compose crate); a problem with the swarm names the object.

use thiserror::Error;

use crate::engine::EngineError;
pub use swarmtop_compose::error::FileError;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StackError {
    #[error(transparent)]
    File(#[from] FileError),
    /// The stack cannot be deployed as it is (an external network that does not exist, a config
    /// whose content changed, ...). Nothing was changed.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Some steps of a deploy or remove failed; the message lists them.
    #[error("{0}")]
    Partial(String),
}

/// The lowest-case reading of a stack name the CLI accepts: what `docker stack deploy` refuses,
/// we refuse too (it would make object names the engine rejects).
pub fn check_stack_name(name: &str) -> Result<(), StackError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(StackError::Invalid(format!(
            "invalid stack name {name:?}: use letters, digits, '_', '-' and '.', starting with a letter or digit"
        )))
    }
}
