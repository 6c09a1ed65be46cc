//! Secrets and configs: the same kind of swarm object (a name, labels, data, created and
//! updated), kept apart only by the words, the engine calls and whether the data can be read.
//! Code that handles both goes through [`ObjectKind`] and [`ObjectRef`], not a copy per kind.

use std::collections::HashMap;

use bollard_stubs::models::{Config, Secret, Service};

use super::labels::STACK_LABEL;

/// A secret or a config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    Secret,
    Config,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 2] = [ObjectKind::Secret, ObjectKind::Config];

    /// The word, as docker's CLI says it (`docker secret`, `docker config`).
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::Secret => "secret",
            ObjectKind::Config => "config",
        }
    }

    /// The plural: the pane's name, and the Engine API's path (`/secrets`, `/configs`).
    pub fn plural(self) -> &'static str {
        match self {
            ObjectKind::Secret => "secrets",
            ObjectKind::Config => "configs",
        }
    }

    /// The one place the kinds must stay apart: a config's data can be read back and shown; a
    /// secret's never is (the engine does not return it; swarmtop masks it while it is typed
    /// and never describes or logs it).
    pub fn data_shown(self) -> bool {
        match self {
            ObjectKind::Secret => false,
            ObjectKind::Config => true,
        }
    }

    /// IDs of the objects of this kind the service mounts.
    pub fn used_by(self, s: &Service) -> Vec<&str> {
        let Some(cs) = s
            .spec
            .as_ref()
            .and_then(|sp| sp.task_template.as_ref())
            .and_then(|t| t.container_spec.as_ref())
        else {
            return Vec::new();
        };
        match self {
            ObjectKind::Secret => cs
                .secrets
                .iter()
                .flatten()
                .filter_map(|r| r.secret_id.as_deref())
                .collect(),
            ObjectKind::Config => cs
                .configs
                .iter()
                .flatten()
                .filter_map(|r| r.config_id.as_deref())
                .collect(),
        }
    }
}

/// One secret or config of the cluster, read through what the two share.
#[derive(Debug, Clone, Copy)]
pub enum ObjectRef<'a> {
    Secret(&'a Secret),
    Config(&'a Config),
}

impl<'a> ObjectRef<'a> {
    pub fn kind(self) -> ObjectKind {
        match self {
            ObjectRef::Secret(_) => ObjectKind::Secret,
            ObjectRef::Config(_) => ObjectKind::Config,
        }
    }

    pub fn id(self) -> &'a str {
        match self {
            ObjectRef::Secret(x) => x.id.as_deref(),
            ObjectRef::Config(x) => x.id.as_deref(),
        }
        .unwrap_or("")
    }

    pub fn name(self) -> &'a str {
        match self {
            ObjectRef::Secret(x) => x.spec.as_ref().and_then(|s| s.name.as_deref()),
            ObjectRef::Config(x) => x.spec.as_ref().and_then(|s| s.name.as_deref()),
        }
        .unwrap_or("")
    }

    pub fn created(self) -> Option<&'a str> {
        match self {
            ObjectRef::Secret(x) => x.created_at.as_deref(),
            ObjectRef::Config(x) => x.created_at.as_deref(),
        }
    }

    pub fn updated(self) -> Option<&'a str> {
        match self {
            ObjectRef::Secret(x) => x.updated_at.as_deref(),
            ObjectRef::Config(x) => x.updated_at.as_deref(),
        }
    }

    pub fn labels(self) -> Option<&'a HashMap<String, String>> {
        match self {
            ObjectRef::Secret(x) => x.spec.as_ref().and_then(|s| s.labels.as_ref()),
            ObjectRef::Config(x) => x.spec.as_ref().and_then(|s| s.labels.as_ref()),
        }
    }

    /// The stack whose deploy made it.
    pub fn stack(self) -> Option<&'a str> {
        self.labels()
            .and_then(|l| l.get(STACK_LABEL))
            .map(String::as_str)
    }

    /// The data as the engine sent it (base64), only for a kind whose data can be shown.
    pub fn data(self) -> Option<&'a str> {
        if !self.kind().data_shown() {
            return None;
        }
        match self {
            ObjectRef::Secret(x) => x.spec.as_ref().and_then(|s| s.data.as_deref()),
            ObjectRef::Config(x) => x.spec.as_ref().and_then(|s| s.data.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample;
    use super::*;

    #[test]
    fn each_kind_says_its_words_and_whether_its_data_shows() {
        assert_eq!(
            ObjectKind::ALL.map(|k| (k.word(), k.plural(), k.data_shown())),
            [("secret", "secrets", false), ("config", "configs", true)]
        );
    }

    #[test]
    fn a_secrets_data_is_never_read_a_configs_is() {
        let mut c = sample();
        c.secrets[0].spec.as_mut().unwrap().data = Some("c2VjcmV0".into());
        c.configs[0].spec.as_mut().unwrap().data = Some("Y29uZg==".into());
        let s = c.objects(ObjectKind::Secret)[0];
        let k = c.objects(ObjectKind::Config)[0];
        assert_eq!((s.kind(), s.data()), (ObjectKind::Secret, None));
        assert_eq!((k.kind(), k.data()), (ObjectKind::Config, Some("Y29uZg==")));
        assert_eq!(
            c.object(ObjectKind::Config, k.id()).unwrap().name(),
            k.name()
        );
        // an ID is looked up among its own kind only
        assert!(c.object(ObjectKind::Config, s.id()).is_none());
    }
}
