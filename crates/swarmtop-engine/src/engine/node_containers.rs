//! Reading a node's container list (`GET /containers/json`) into what swarmtop keeps of each
//! swarm task's container: its task, service, image and health. Pure.

use serde_json::Value;
use swarmtop_model::nodes::{ContainerFacts, health_from_status};

/// The swarm containers of a list answer; containers without a task label are left out.
pub fn read(v: &Value, node_id: &str) -> Vec<ContainerFacts> {
    let Some(list) = v.as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|c| {
            let label = |k: &str| {
                c.pointer(&format!("/Labels/{}", k.replace('/', "~1")))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            Some(ContainerFacts {
                container_id: text("Id"),
                node_id: node_id.to_string(),
                task_id: label("com.docker.swarm.task.id")?,
                service_id: label("com.docker.swarm.service.id").unwrap_or_default(),
                image_id: text("ImageID"),
                state: text("State"),
                health: health_from_status(&text("Status")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmtop_model::nodes::Health;

    #[test]
    fn swarm_containers_with_their_task_image_and_health() {
        // as dockerd 20.10 and 26 answer (fields swarmtop does not read left out)
        let v: Value = serde_json::from_str(
            r#"[
              {"Id":"c1","ImageID":"sha256:aaa","State":"running","Status":"Up 3 minutes (unhealthy)",
               "Labels":{"com.docker.swarm.task.id":"t1","com.docker.swarm.service.id":"s1"}},
              {"Id":"c2","ImageID":"sha256:bbb","State":"exited","Status":"Exited (0) 1 minute ago",
               "Labels":{"com.docker.swarm.task.id":"t2","com.docker.swarm.service.id":"s1"}},
              {"Id":"c3","ImageID":"sha256:ccc","State":"running","Status":"Up 1 hour","Labels":{}}
            ]"#,
        )
        .unwrap();
        let got = read(&v, "n1");
        assert_eq!(got.len(), 2, "the container without a task is not a task's");
        assert_eq!(got[0].task_id, "t1");
        assert_eq!(got[0].health, Health::Unhealthy);
        assert_eq!(got[0].image_id, "sha256:aaa");
        assert_eq!(got[1].state, "exited");
        assert_eq!(got[1].health, Health::None);
        assert!(got.iter().all(|c| c.node_id == "n1"));
    }
}
