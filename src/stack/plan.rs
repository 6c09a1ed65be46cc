//! What a deploy would do: the plan itself is the compose crate's (pure, [`make_plan`]); reading
//! what the engine has ([`Live`]) is here.

use std::collections::HashMap;

use bollard::query_parameters::{ListConfigsOptions, ListNetworksOptions, ListSecretsOptions};

use super::NAMESPACE_LABEL;
use crate::engine::Engine;
use crate::engine::error::{EngineError, from_bollard};
pub use swarmtop_compose::plan::*;

fn label_filter(stack: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_string(),
        vec![format!("{NAMESPACE_LABEL}={stack}")],
    )])
}

/// Reads what the plan needs, in parallel.
pub async fn read_live(engine: &Engine, stack: &str) -> Result<Live, EngineError> {
    let d = &engine.docker;
    let e = |x: bollard::errors::Error| from_bollard(&engine.label(), &x);
    let by_stack = label_filter(stack);
    let (services, networks, secrets, configs) = tokio::join!(
        engine.services_where(&by_stack),
        d.list_networks(None::<ListNetworksOptions>),
        d.list_secrets(None::<ListSecretsOptions>),
        d.list_configs(None::<ListConfigsOptions>),
    );
    Ok(Live {
        services: services?,
        networks: networks.map_err(e)?,
        secrets: secrets.map_err(e)?,
        configs: configs.map_err(e)?,
    })
}
