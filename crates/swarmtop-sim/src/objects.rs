//! Secrets, configs and networks: list, inspect, create, update (labels), remove, with the
//! engine's conflicts and in-use checks. Secret data is never kept or returned.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{
    Config, ConfigSpec, EventMessageTypeEnum, Network, NetworkCreateRequest, Secret, SecretSpec,
};

use super::model::{Model, SimError, version, version_of};
use super::time::{Nanos, rfc3339};

/// Exact ID, exact name, then unique ID prefix.
fn lookup<'a, T>(
    map: &'a BTreeMap<String, T>,
    key: &str,
    name: impl Fn(&T) -> Option<&str>,
    what: &str,
) -> Result<&'a T, SimError> {
    if let Some(v) = map.get(key) {
        return Ok(v);
    }
    if let Some(v) = map.values().find(|v| name(v) == Some(key)) {
        return Ok(v);
    }
    let found: Vec<&T> = map
        .range(key.to_string()..)
        .take_while(|(id, _)| id.starts_with(key))
        .map(|(_, v)| v)
        .collect();
    match found.len() {
        0 => Err(SimError::NotFound(format!("{what} {key} not found"))),
        1 => Ok(found[0]),
        n => Err(SimError::Invalid(format!(
            "{what} {key} is ambiguous ({n} matches found)"
        ))),
    }
}

impl Model {
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.secrets.values()
    }

    pub fn secret(&self, key: &str) -> Result<&Secret, SimError> {
        lookup(
            &self.secrets,
            key,
            |s| s.spec.as_ref().and_then(|s| s.name.as_deref()),
            "secret",
        )
    }

    pub fn create_secret(&mut self, mut spec: SecretSpec, now: Nanos) -> Result<String, SimError> {
        let name = spec.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = invalid name".into(),
            ));
        }
        if self
            .secrets
            .values()
            .any(|s| s.spec.as_ref().and_then(|s| s.name.as_deref()) == Some(&name))
        {
            return Err(SimError::Conflict(format!(
                "rpc error: code = AlreadyExists desc = secret {name} already exists"
            )));
        }
        spec.labels.get_or_insert_with(HashMap::new);
        let id = self.rng.id();
        let idx = self.next_index();
        // the engine never returns secret data
        spec.data = None;
        self.secrets.insert(
            id.clone(),
            Secret {
                id: Some(id.clone()),
                version: version(idx),
                created_at: Some(rfc3339(now)),
                updated_at: Some(rfc3339(now)),
                spec: Some(spec),
            },
        );
        self.publish(
            EventMessageTypeEnum::SECRET,
            "create",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_secret(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let id = self.secret(key)?.id.clone().unwrap_or_default();
        let name = self.secrets[&id]
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        let users: Vec<&str> = self
            .services
            .values()
            .filter(|s| {
                s.template
                    .container_spec
                    .as_ref()
                    .and_then(|c| c.secrets.as_ref())
                    .is_some_and(|l| l.iter().any(|r| r.secret_id.as_deref() == Some(&id)))
            })
            .map(|s| s.name())
            .collect();
        if !users.is_empty() {
            return Err(SimError::Invalid(format!(
                "rpc error: code = InvalidArgument desc = secret '{name}' is in use by the following service: {}",
                users.join(", ")
            )));
        }
        self.secrets.remove(&id);
        self.publish(
            EventMessageTypeEnum::SECRET,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    /// Only labels may change; the engine refuses other changes.
    pub fn update_secret(
        &mut self,
        key: &str,
        version_index: u64,
        spec: SecretSpec,
        now: Nanos,
    ) -> Result<(), SimError> {
        let id = self.secret(key)?.id.clone().unwrap_or_default();
        let idx = self.index + 1;
        let s = self
            .secrets
            .get_mut(&id)
            .ok_or_else(|| SimError::NotFound(format!("secret {key} not found")))?;
        if version_of(&s.version) != version_index {
            return Err(SimError::out_of_sequence());
        }
        if let Some(cur) = s.spec.as_mut() {
            cur.labels = Some(spec.labels.unwrap_or_default());
        }
        s.version = version(idx);
        s.updated_at = Some(rfc3339(now));
        let name = s
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        self.index = idx;
        self.publish(
            EventMessageTypeEnum::SECRET,
            "update",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn configs(&self) -> impl Iterator<Item = &Config> {
        self.configs.values()
    }

    pub fn config(&self, key: &str) -> Result<&Config, SimError> {
        lookup(
            &self.configs,
            key,
            |c| c.spec.as_ref().and_then(|s| s.name.as_deref()),
            "config",
        )
    }

    pub fn create_config(&mut self, mut spec: ConfigSpec, now: Nanos) -> Result<String, SimError> {
        let name = spec.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(SimError::Invalid(
                "rpc error: code = InvalidArgument desc = invalid name".into(),
            ));
        }
        if self
            .configs
            .values()
            .any(|c| c.spec.as_ref().and_then(|s| s.name.as_deref()) == Some(&name))
        {
            return Err(SimError::Conflict(format!(
                "rpc error: code = AlreadyExists desc = config {name} already exists"
            )));
        }
        spec.labels.get_or_insert_with(HashMap::new);
        let id = self.rng.id();
        let idx = self.next_index();
        self.configs.insert(
            id.clone(),
            Config {
                id: Some(id.clone()),
                version: version(idx),
                created_at: Some(rfc3339(now)),
                updated_at: Some(rfc3339(now)),
                spec: Some(spec),
            },
        );
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "create",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_config(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let id = self.config(key)?.id.clone().unwrap_or_default();
        let name = self.configs[&id]
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        let users: Vec<&str> = self
            .services
            .values()
            .filter(|s| {
                s.template
                    .container_spec
                    .as_ref()
                    .and_then(|c| c.configs.as_ref())
                    .is_some_and(|l| l.iter().any(|r| r.config_id.as_deref() == Some(&id)))
            })
            .map(|s| s.name())
            .collect();
        if !users.is_empty() {
            return Err(SimError::Invalid(format!(
                "rpc error: code = InvalidArgument desc = config '{name}' is in use by the following service: {}",
                users.join(", ")
            )));
        }
        self.configs.remove(&id);
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn update_config(
        &mut self,
        key: &str,
        version_index: u64,
        spec: ConfigSpec,
        now: Nanos,
    ) -> Result<(), SimError> {
        let id = self.config(key)?.id.clone().unwrap_or_default();
        let idx = self.index + 1;
        let c = self
            .configs
            .get_mut(&id)
            .ok_or_else(|| SimError::NotFound(format!("config {key} not found")))?;
        if version_of(&c.version) != version_index {
            return Err(SimError::out_of_sequence());
        }
        if let Some(cur) = c.spec.as_mut() {
            cur.labels = Some(spec.labels.unwrap_or_default());
        }
        c.version = version(idx);
        c.updated_at = Some(rfc3339(now));
        let name = c
            .spec
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default();
        self.index = idx;
        self.publish(
            EventMessageTypeEnum::CONFIG,
            "update",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    pub fn networks(&self) -> impl Iterator<Item = &Network> {
        self.networks.values()
    }

    pub fn network(&self, key: &str) -> Result<&Network, SimError> {
        lookup(&self.networks, key, |n| n.name.as_deref(), "network").map_err(|e| match e {
            SimError::NotFound(_) => SimError::NotFound(format!("network {key} not found")),
            other => other,
        })
    }

    pub fn create_network(
        &mut self,
        req: NetworkCreateRequest,
        now: Nanos,
    ) -> Result<String, SimError> {
        if req.name.is_empty() {
            return Err(SimError::Invalid("network name must not be empty".into()));
        }
        if self
            .networks
            .values()
            .any(|n| n.name.as_deref() == Some(&req.name))
        {
            return Err(SimError::Conflict(format!(
                "network with name {} already exists",
                req.name
            )));
        }
        let id = self.rng.id();
        let subnet = self.networks.len();
        let network = Network {
            name: Some(req.name.clone()),
            id: Some(id.clone()),
            created: Some(rfc3339(now)),
            scope: Some("swarm".into()),
            driver: Some(req.driver.clone().unwrap_or_else(|| "overlay".into())),
            ipam: Some(req.ipam.clone().unwrap_or_else(|| bollard::models::Ipam {
                driver: Some("default".into()),
                config: Some(vec![bollard::models::IpamConfig {
                    subnet: Some(format!("10.0.{subnet}.0/24")),
                    gateway: Some(format!("10.0.{subnet}.1")),
                    ..Default::default()
                }]),
                options: None,
            })),
            internal: Some(req.internal.unwrap_or(false)),
            attachable: Some(req.attachable.unwrap_or(false)),
            ingress: Some(req.ingress.unwrap_or(false)),
            config_from: Some(bollard::models::ConfigReference {
                network: Some(String::new()),
            }),
            config_only: Some(false),
            options: Some(req.options.clone().unwrap_or_else(|| {
                HashMap::from([(
                    "com.docker.network.driver.overlay.vxlanid_list".to_string(),
                    (4096 + subnet).to_string(),
                )])
            })),
            labels: req.labels.clone(),
            enable_ipv6: Some(req.enable_ipv6.unwrap_or(false)),
            ..Default::default()
        };
        self.networks.insert(id.clone(), network);
        self.publish(
            EventMessageTypeEnum::NETWORK,
            "create",
            &id,
            HashMap::from([("name".to_string(), req.name)]),
            now,
        );
        Ok(id)
    }

    pub fn remove_network(&mut self, key: &str, now: Nanos) -> Result<(), SimError> {
        let n = self.network(key)?;
        let id = n.id.clone().unwrap_or_default();
        let name = n.name.clone().unwrap_or_default();
        if n.ingress == Some(true) {
            return Err(SimError::Invalid(
                "rpc error: code = FailedPrecondition desc = ingress network cannot be removed"
                    .into(),
            ));
        }
        let in_use = self.services.values().any(|s| {
            s.spec()
                .task_template
                .as_ref()
                .and_then(|t| t.networks.as_ref())
                .is_some_and(|l| {
                    l.iter().any(|a| {
                        a.target.as_deref() == Some(&id) || a.target.as_deref() == Some(&name)
                    })
                })
        });
        if in_use {
            return Err(SimError::Invalid(format!(
                "rpc error: code = FailedPrecondition desc = network {id} is in use by service"
            )));
        }
        self.networks.remove(&id);
        self.publish(
            EventMessageTypeEnum::NETWORK,
            "remove",
            &id,
            HashMap::from([("name".to_string(), name)]),
            now,
        );
        Ok(())
    }

    /// Adds an object directly (seeding), no event.
    pub(crate) fn seed_network(&mut self, n: Network) {
        if let Some(id) = n.id.clone() {
            self.networks.insert(id, n);
        }
    }
}
