//! `stack rm`: removes a stack's services, then its secrets and configs, then its networks, as
//! the docker CLI does, and says what could not be removed. Networks are retried for a short
//! while: the engine refuses to remove one while the removed services' tasks still use it.

use std::collections::HashMap;
use std::time::Duration;

use bollard::query_parameters::{ListConfigsOptions, ListNetworksOptions, ListSecretsOptions};

use super::{NAMESPACE_LABEL, StackError};
use crate::engine::Engine;
use crate::engine::error::from_bollard;

/// What a removal did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removal {
    pub removed: Vec<String>,
    pub failed: Vec<String>,
}

fn filters(stack: &str) -> Option<HashMap<String, Vec<String>>> {
    Some(HashMap::from([(
        "label".to_string(),
        vec![format!("{NAMESPACE_LABEL}={stack}")],
    )]))
}

/// How long to keep trying to remove a network whose tasks are still going away.
const NETWORK_PATIENCE: Duration = Duration::from_secs(30);

/// Removes everything labelled with the stack's namespace. `Ok` with failures listed when some
/// objects could not be removed; `Err` when nothing was found or the engine could not be read.
pub async fn remove(engine: &Engine, stack: &str) -> Result<Removal, StackError> {
    if stack.is_empty() {
        return Err(StackError::Invalid(
            "empty stack name: nothing removed".into(),
        ));
    }
    let d = &engine.docker;
    let err = |e: bollard::errors::Error| StackError::Engine(from_bollard(&engine.label(), &e));
    let mut services = engine
        .services_where(&filters(stack).unwrap_or_default())
        .await?;
    let networks = d
        .list_networks(Some(ListNetworksOptions {
            filters: filters(stack),
        }))
        .await
        .map_err(err)?;
    let secrets = d
        .list_secrets(Some(ListSecretsOptions {
            filters: filters(stack),
        }))
        .await
        .map_err(err)?;
    let configs = d
        .list_configs(Some(ListConfigsOptions {
            filters: filters(stack),
        }))
        .await
        .map_err(err)?;
    if services.len() + networks.len() + secrets.len() + configs.len() == 0 {
        return Err(StackError::Invalid(format!(
            "nothing found in stack {stack}"
        )));
    }
    let mut out = Removal::default();
    let name_of =
        |s: &Option<String>, id: &Option<String>| s.clone().or(id.clone()).unwrap_or_default();
    services.sort_by_key(|s| s.spec.as_ref().and_then(|x| x.name.clone()));
    for s in &services {
        let name = name_of(&s.spec.as_ref().and_then(|x| x.name.clone()), &s.id);
        match d.delete_service(s.id.as_deref().unwrap_or_default()).await {
            Ok(()) => out.removed.push(format!("service {name}")),
            Err(e) => out.failed.push(format!(
                "service {name}: {}",
                from_bollard(&engine.label(), &e)
            )),
        }
    }
    for s in &secrets {
        let name = name_of(&s.spec.as_ref().and_then(|x| x.name.clone()), &s.id);
        match d.delete_secret(s.id.as_deref().unwrap_or_default()).await {
            Ok(()) => out.removed.push(format!("secret {name}")),
            Err(e) => out.failed.push(format!(
                "secret {name}: {}",
                from_bollard(&engine.label(), &e)
            )),
        }
    }
    for c in &configs {
        let name = name_of(&c.spec.as_ref().and_then(|x| x.name.clone()), &c.id);
        match d.delete_config(c.id.as_deref().unwrap_or_default()).await {
            Ok(()) => out.removed.push(format!("config {name}")),
            Err(e) => out.failed.push(format!(
                "config {name}: {}",
                from_bollard(&engine.label(), &e)
            )),
        }
    }
    for n in &networks {
        let name = name_of(&n.name, &n.id);
        let id = n.id.clone().unwrap_or_default();
        let start = tokio::time::Instant::now();
        loop {
            match d.remove_network(&id).await {
                Ok(()) => {
                    out.removed.push(format!("network {name}"));
                    break;
                }
                Err(e) => {
                    let e = from_bollard(&engine.label(), &e);
                    let busy = e.to_string().contains("in use")
                        || e.to_string().contains("active endpoints");
                    if busy && start.elapsed() < NETWORK_PATIENCE {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        continue;
                    }
                    out.failed.push(format!("network {name}: {e}"));
                    break;
                }
            }
        }
    }
    Ok(out)
}
