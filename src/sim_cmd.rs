//! `swarmtop sim`: serve a simulated swarm manager until interrupted (for scripts, the docker
//! CLI and benchmarks), and each node's own engine on a socket of its own (`--nodes-dir`).

use anyhow::{Context, Result, bail};
use tokio::signal::unix::{SignalKind, signal};

use swarmtop_sim::{SeedSpec, Sim};

use crate::cli::SimArgs;

pub async fn run(a: &SimArgs) -> Result<()> {
    if a.socket.is_none() && a.tcp.is_none() {
        bail!("sim needs --socket PATH or --tcp ADDR");
    }
    let sim = if a.demo_cluster {
        Sim::demo()
    } else {
        let mut spec = SeedSpec {
            nodes: a.nodes,
            managers: a.managers,
            services: a.services,
            tasks_per_service: a.tasks_per_service,
            history: a.history,
            seed: a.seed,
        };
        if let Some(size) = a.size.as_deref() {
            let preset = SeedSpec::named(size).with_context(|| format!("no size {size}"))?;
            spec = SeedSpec {
                history: a.history,
                seed: a.seed,
                ..preset
            };
        }
        Sim::seeded(&spec)
    };
    sim.set_speed(a.speed);
    sim.set_log_rate(a.log_rate);
    let mut servers = Vec::new();
    if let Some(p) = &a.socket {
        let s = sim
            .serve_unix(p)
            .await
            .with_context(|| format!("cannot serve on {}", p.display()))?;
        servers.push(s);
    }
    if let Some(addr) = a.tcp {
        let s = sim
            .serve_tcp(addr)
            .await
            .with_context(|| format!("cannot serve on {addr}"))?;
        servers.push(s);
    }
    let nodes_dir = a.nodes_dir.clone().or_else(|| {
        a.socket.as_ref().map(|p| {
            p.parent()
                .unwrap_or(std::path::Path::new("."))
                .join("nodes")
        })
    });
    let node_sockets = match &nodes_dir {
        Some(d) => Some(
            sim.serve_nodes(d)
                .await
                .with_context(|| format!("cannot serve the nodes' engines in {}", d.display()))?,
        ),
        None => None,
    };
    let (nodes, services, tasks) =
        sim.with(|m| (m.nodes().count(), m.services().count(), m.tasks().count()));
    for s in &servers {
        crate::outln!("{}", s.host());
    }
    if let Some(n) = &node_sockets {
        // the config.yaml line (top level, or under the context) for the nodes' own engines
        crate::outln!("node_template: {}", n.template());
    }
    eprintln!("swarmtop sim: {nodes} nodes, {services} services, {tasks} tasks; ctrl-c to stop");
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    drop(servers);
    drop(node_sockets);
    Ok(())
}
