//! Labels the docker CLI puts on what it creates, which swarmtop reads.

/// The label `docker stack deploy` puts on everything it makes.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";
