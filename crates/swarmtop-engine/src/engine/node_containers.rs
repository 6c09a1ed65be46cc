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

/// `GET /containers/{id}/top` as `docker top` prints it: the titles, then one row per process,
/// in columns as wide as their widest cell.
pub fn processes_table(v: &Value) -> String {
    let cells = |row: &Value| -> Vec<String> {
        row.as_array()
            .map(|a| {
                a.iter()
                    .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut rows = vec![cells(v.get("Titles").unwrap_or(&Value::Null))];
    if let Some(ps) = v.get("Processes").and_then(Value::as_array) {
        rows.extend(ps.iter().map(cells));
    }
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..ncols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    // the last column (the command) is not padded
                    line.push_str(c);
                } else {
                    line.push_str(&format!("{c:<w$}   ", w = widths[i]));
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A container's health from `GET /containers/{id}/json`, in words: its state, the failing
/// streak, and the last check outputs (newest last), as describe shows them.
pub fn health_text(v: &Value, node: &str) -> String {
    let Some(h) = v.pointer("/State/Health") else {
        return format!(
            "# container health (from {node}): no healthcheck (the image and the service define none)"
        );
    };
    let status = h.get("Status").and_then(Value::as_str).unwrap_or("unknown");
    let streak = h.get("FailingStreak").and_then(Value::as_u64).unwrap_or(0);
    let mut out = vec![
        format!("# container health (from {node})"),
        format!("health: {status}"),
        format!("failing_streak: {streak}"),
    ];
    let log = h.get("Log").and_then(Value::as_array);
    if let Some(log) = log.filter(|l| !l.is_empty()) {
        out.push("last_checks:".into());
        for e in log {
            let start = e.get("Start").and_then(Value::as_str).unwrap_or("");
            // `2026-12-06T02:30:01.123456789Z` -> `2026-12-06 02:30:01`
            let when = start.get(..19).unwrap_or(start).replace('T', " ");
            let code = e.get("ExitCode").and_then(Value::as_i64).unwrap_or(-1);
            let output = e
                .get("Output")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim_end();
            out.push(format!(
                "  - {when} exit {code}: {}",
                output.replace('\n', " ⏎ ")
            ));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn processes_in_columns_as_docker_top() {
        let v: Value = serde_json::from_str(
            r#"{"Titles":["UID","PID","CMD"],"Processes":[["root","4711","sleep 3600"],["nobody","12","sh -c x"]]}"#,
        )
        .unwrap();
        assert_eq!(
            processes_table(&v),
            "UID      PID    CMD\nroot     4711   sleep 3600\nnobody   12     sh -c x"
        );
    }

    #[test]
    fn health_says_the_streak_and_the_last_outputs() {
        let v: Value = serde_json::from_str(
            r#"{"State":{"Health":{"Status":"unhealthy","FailingStreak":3,"Log":[
                {"Start":"2026-12-06T02:30:01.5Z","ExitCode":1,"Output":"wget: can't connect\n"},
                {"Start":"2026-12-06T02:30:06.5Z","ExitCode":1,"Output":"wget: can't connect\n"}]}}}"#,
        )
        .unwrap();
        let t = health_text(&v, "node2");
        assert!(t.contains("health: unhealthy"), "{t}");
        assert!(t.contains("failing_streak: 3"), "{t}");
        assert!(
            t.ends_with("  - 2026-12-06 02:30:06 exit 1: wget: can't connect"),
            "{t}"
        );
        let none: Value = serde_json::from_str(r#"{"State":{"Status":"running"}}"#).unwrap();
        assert!(health_text(&none, "node1").contains("no healthcheck"));
    }
}
