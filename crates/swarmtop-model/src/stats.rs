//! A container's figures as `docker stats` computes and shows them, from one answer of the
//! engine's `GET /containers/{id}/stats?stream=false` (which carries the reading before it in
//! `precpu_stats`): CPU % over that interval, memory without the page cache (cgroup v1 and
//! v2), network and block I/O summed, PIDs. Pure: the node's engine is read elsewhere.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny};
use serde_json::Value;

/// What one stats answer says, the fields `docker stats` uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    pub cpu_total: u64,
    pub system: u64,
    pub pre_cpu_total: u64,
    pub pre_system: u64,
    /// `online_cpus`, or the length of `percpu_usage` when an old engine leaves it out.
    pub online_cpus: u32,
    pub mem_usage: u64,
    /// The page cache the kernel can take back (`total_inactive_file` on cgroup v1,
    /// `inactive_file` on v2), when the engine sent it.
    pub mem_cache_v1: Option<u64>,
    pub mem_cache_v2: Option<u64>,
    pub mem_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub blk_read: u64,
    pub blk_write: u64,
    pub pids: u64,
}

// The answer read into only the fields used (typed: a stats answer is read for every watched
// container every 2 s, and a tree of values per answer was most of what a reading cost). A
// figure that is not a whole number reads as missing, as `as_u64` would; an object missing or
// null reads as empty.

/// A number where one is expected; anything else (a float, a string) reads as missing.
fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Value::deserialize(d)?.as_u64())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Answer {
    cpu_stats: Option<Cpu>,
    precpu_stats: Option<Cpu>,
    memory_stats: Option<Memory>,
    networks: Option<HashMap<String, Network>>,
    blkio_stats: Option<Blkio>,
    pids_stats: Option<Pids>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Cpu {
    cpu_usage: Option<CpuUsage>,
    #[serde(deserialize_with = "whole")]
    system_cpu_usage: Option<u64>,
    #[serde(deserialize_with = "whole")]
    online_cpus: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CpuUsage {
    #[serde(deserialize_with = "whole")]
    total_usage: Option<u64>,
    /// Only counted (`online_cpus` of old engines).
    percpu_usage: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Memory {
    #[serde(deserialize_with = "whole")]
    usage: Option<u64>,
    #[serde(deserialize_with = "whole")]
    limit: Option<u64>,
    stats: Option<MemoryStats>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemoryStats {
    #[serde(deserialize_with = "whole")]
    total_inactive_file: Option<u64>,
    #[serde(deserialize_with = "whole")]
    inactive_file: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Network {
    #[serde(deserialize_with = "whole")]
    rx_bytes: Option<u64>,
    #[serde(deserialize_with = "whole")]
    tx_bytes: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Blkio {
    io_service_bytes_recursive: Option<Vec<BlkioEntry>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BlkioEntry {
    op: Option<String>,
    #[serde(deserialize_with = "whole")]
    value: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Pids {
    #[serde(deserialize_with = "whole")]
    current: Option<u64>,
}

impl Sample {
    /// Reads a stats answer held as a value (the tests' answers); `None` when it is not one.
    #[cfg(test)]
    pub fn from_json(v: &Value) -> Option<Sample> {
        Sample::from_answer(Answer::deserialize(v).ok()?)
    }

    /// Reads a stats answer from its bytes, without a tree of values in between; `None` when
    /// it is not one (no `cpu_stats`).
    pub fn from_bytes(bytes: &[u8]) -> Option<Sample> {
        Sample::from_answer(serde_json::from_slice(bytes).ok()?)
    }

    fn from_answer(a: Answer) -> Option<Sample> {
        let cpu = a.cpu_stats?;
        let pre = a.precpu_stats.unwrap_or_default();
        let usage = cpu.cpu_usage.unwrap_or_default();
        let percpu = usage.percpu_usage.as_ref().map_or(0, Vec::len);
        let online = cpu.online_cpus.filter(|n| *n > 0).unwrap_or(percpu as u64);
        let (mut net_rx, mut net_tx) = (0, 0);
        for n in a.networks.unwrap_or_default().values() {
            net_rx += n.rx_bytes.unwrap_or(0);
            net_tx += n.tx_bytes.unwrap_or(0);
        }
        let (mut blk_read, mut blk_write) = (0, 0);
        let io = a.blkio_stats.and_then(|b| b.io_service_bytes_recursive);
        for e in io.into_iter().flatten() {
            let value = e.value.unwrap_or(0);
            match e.op.map(|op| op.to_ascii_lowercase()) {
                Some(op) if op == "read" => blk_read += value,
                Some(op) if op == "write" => blk_write += value,
                _ => {}
            }
        }
        let mem = a.memory_stats.unwrap_or_default();
        let mem_stats = mem.stats.unwrap_or_default();
        Some(Sample {
            cpu_total: usage.total_usage.unwrap_or(0),
            system: cpu.system_cpu_usage.unwrap_or(0),
            pre_cpu_total: pre.cpu_usage.and_then(|u| u.total_usage).unwrap_or(0),
            pre_system: pre.system_cpu_usage.unwrap_or(0),
            online_cpus: u32::try_from(online).unwrap_or(u32::MAX),
            mem_usage: mem.usage.unwrap_or(0),
            mem_cache_v1: mem_stats.total_inactive_file,
            mem_cache_v2: mem_stats.inactive_file,
            mem_limit: mem.limit.unwrap_or(0),
            net_rx,
            net_tx,
            blk_read,
            blk_write,
            pids: a.pids_stats.and_then(|p| p.current).unwrap_or(0),
        })
    }

    /// CPU % over the interval the answer covers; 100 is one CPU busy.
    pub fn cpu_percent(&self) -> f64 {
        let cpu = self.cpu_total as f64 - self.pre_cpu_total as f64;
        let system = self.system as f64 - self.pre_system as f64;
        if cpu > 0.0 && system > 0.0 {
            cpu / system * f64::from(self.online_cpus) * 100.0
        } else {
            0.0
        }
    }

    /// Memory in use without the page cache, as docker shows it.
    pub fn mem_used(&self) -> u64 {
        match (self.mem_cache_v1, self.mem_cache_v2) {
            (Some(c), _) if c < self.mem_usage => self.mem_usage - c,
            (None, Some(c)) if c < self.mem_usage => self.mem_usage - c,
            _ => self.mem_usage,
        }
    }

    /// Memory in use as a share of the limit (the node's memory when the container has none).
    pub fn mem_percent(&self) -> f64 {
        if self.mem_limit == 0 {
            0.0
        } else {
            self.mem_used() as f64 / self.mem_limit as f64 * 100.0
        }
    }

    /// The line `docker stats --no-stream` prints for it, after the name: CPU %, MEM USAGE /
    /// LIMIT, MEM %, NET I/O, BLOCK I/O, PIDS.
    pub fn columns(&self) -> [String; 6] {
        [
            format!("{:.2}%", self.cpu_percent()),
            format!(
                "{} / {}",
                bytes_binary(self.mem_used()),
                bytes_binary(self.mem_limit)
            ),
            format!("{:.2}%", self.mem_percent()),
            format!(
                "{} / {}",
                bytes_decimal(self.net_rx),
                bytes_decimal(self.net_tx)
            ),
            format!(
                "{} / {}",
                bytes_decimal(self.blk_read),
                bytes_decimal(self.blk_write)
            ),
            self.pids.to_string(),
        ]
    }
}

/// Memory sizes as docker writes them: 1024-based, four significant digits (`1.5MiB`).
pub fn bytes_binary(n: u64) -> String {
    sized(
        n as f64,
        1024.0,
        &["B", "KiB", "MiB", "GiB", "TiB", "PiB"],
        4,
    )
}

/// Traffic as docker writes it: 1000-based, three significant digits (`12.3kB`).
pub fn bytes_decimal(n: u64) -> String {
    sized(n as f64, 1000.0, &["B", "kB", "MB", "GB", "TB", "PB"], 3)
}

fn sized(mut v: f64, base: f64, units: &[&str], digits: usize) -> String {
    let mut i = 0;
    while v >= base && i + 1 < units.len() {
        v /= base;
        i += 1;
    }
    format!("{}{}", significant(v, digits), units[i])
}

/// `v` as Go's `%.Ng` writes it (which docker's sizes go through): `digits` significant
/// digits, trailing zeros dropped, and the exponent form when rounding reaches 10^digits
/// (`999.999` at three digits is `1e+03`, as docker prints it).
fn significant(v: f64, digits: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let digits = digits.max(1);
    // rounded to the digits first: the exponent is the rounded number's
    let sci = format!("{v:.prec$e}", prec = digits - 1);
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i64 = exp.parse().unwrap_or(0);
    let trim = |t: &str| -> String {
        if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t.to_string()
        }
    };
    if exp < -4 || exp >= digits as i64 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    } else {
        let decimals = (digits as i64 - 1 - exp).max(0) as usize;
        trim(&format!("{v:.decimals$}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A stats answer as a cgroup v2 engine writes it (fields swarmtop does not use left out).
    fn answer() -> Value {
        json!({
            "read": "2026-12-06T00:00:01Z",
            "pids_stats": {"current": 7},
            "networks": {
                "eth0": {"rx_bytes": 1_250, "tx_bytes": 648},
                "eth1": {"rx_bytes": 10_000, "tx_bytes": 2_000}
            },
            "blkio_stats": {"io_service_bytes_recursive": [
                {"major": 8, "minor": 0, "op": "read", "value": 4_096_000},
                {"major": 8, "minor": 0, "op": "write", "value": 12_288}
            ]},
            "cpu_stats": {
                "cpu_usage": {"total_usage": 2_500_000_000u64},
                "system_cpu_usage": 110_000_000_000u64,
                "online_cpus": 2
            },
            "precpu_stats": {
                "cpu_usage": {"total_usage": 2_000_000_000u64},
                "system_cpu_usage": 108_000_000_000u64,
                "online_cpus": 2
            },
            "memory_stats": {
                "usage": 52_428_800u64,
                "stats": {"inactive_file": 10_485_760u64, "anon": 30_000_000u64},
                "limit": 2_147_483_648u64
            }
        })
    }

    #[test]
    fn the_figures_docker_stats_shows() {
        let s = Sample::from_json(&answer()).unwrap();
        // 0.5 s of CPU in 2 s of the system's time, times its 2 CPUs: 50 % (100 % is one CPU)
        assert!((s.cpu_percent() - 50.0).abs() < 1e-9, "{}", s.cpu_percent());
        assert_eq!(
            s.mem_used(),
            52_428_800 - 10_485_760,
            "the page cache is not counted"
        );
        assert_eq!(
            s.columns(),
            [
                "50.00%".to_string(),
                "40MiB / 2GiB".to_string(),
                "1.95%".to_string(),
                "11.2kB / 2.65kB".to_string(),
                "4.1MB / 12.3kB".to_string(),
                "7".to_string(),
            ]
        );
    }

    #[test]
    fn cgroup_v1_memory_and_an_old_engine_without_online_cpus() {
        let mut v = answer();
        v["memory_stats"]["stats"] =
            json!({"total_inactive_file": 2_097_152u64, "inactive_file": 1});
        v["cpu_stats"]["online_cpus"] = json!(0);
        v["cpu_stats"]["cpu_usage"]["percpu_usage"] = json!([1, 2, 3, 4]);
        let s = Sample::from_json(&v).unwrap();
        assert_eq!(
            s.mem_used(),
            52_428_800 - 2_097_152,
            "v1's total_inactive_file wins"
        );
        assert_eq!(s.online_cpus, 4, "counted from percpu_usage");
        assert!((s.cpu_percent() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_first_reading_and_odd_answers_give_zero_not_nonsense() {
        let mut v = answer();
        v["precpu_stats"] = json!({});
        v["memory_stats"] = json!({});
        let s = Sample::from_json(&v).unwrap();
        // no earlier reading: the whole usage over the whole uptime, as docker computes it
        assert!(s.cpu_percent() > 0.0);
        assert_eq!(s.mem_percent(), 0.0, "no limit: no share");
        assert_eq!(s.columns()[1], "0B / 0B");
        v["cpu_stats"]["cpu_usage"]["total_usage"] = json!(0);
        v["precpu_stats"] = answer()["precpu_stats"].clone();
        assert_eq!(
            Sample::from_json(&v).unwrap().cpu_percent(),
            0.0,
            "a counter that went back"
        );
        assert_eq!(
            Sample::from_json(&json!({"message": "no such container"})),
            None
        );
    }

    #[test]
    fn the_bytes_read_as_the_value_does() {
        // cgroup v2 as above; v1 with an old engine; cgroup v2's null block I/O; a float or a
        // string where a count goes reads as missing, not as a refusal of the whole answer
        let mut v1 = answer();
        v1["memory_stats"]["stats"] = json!({"total_inactive_file": 2_097_152u64});
        v1["cpu_stats"]["online_cpus"] = json!(0);
        v1["cpu_stats"]["cpu_usage"]["percpu_usage"] = json!([1, 2, 3]);
        let mut odd = answer();
        odd["blkio_stats"]["io_service_bytes_recursive"] = Value::Null;
        odd["pids_stats"]["current"] = json!(1.5);
        odd["memory_stats"]["limit"] = json!("a lot");
        for v in [answer(), v1, odd] {
            let bytes = serde_json::to_vec(&v).unwrap();
            let read = Sample::from_bytes(&bytes);
            assert!(read.is_some(), "{v}");
            assert_eq!(read, Sample::from_json(&v));
        }
        let s = Sample::from_bytes(&serde_json::to_vec(&answer()).unwrap()).unwrap();
        assert_eq!((s.net_rx, s.net_tx), (11_250, 2_648));
        assert_eq!((s.blk_read, s.blk_write), (4_096_000, 12_288));
        assert_eq!(s.pids, 7);
        assert_eq!(
            Sample::from_bytes(b"{\"message\": \"no such container\"}"),
            None
        );
        assert_eq!(Sample::from_bytes(b"not json"), None);
    }

    #[test]
    fn sizes_are_written_as_docker_writes_them() {
        for (n, bin, dec) in [
            (0u64, "0B", "0B"),
            (999, "999B", "999B"),
            (1_000, "1000B", "1kB"),
            (1_023, "1023B", "1.02kB"),
            (1_024, "1KiB", "1.02kB"),
            (1_536, "1.5KiB", "1.54kB"),
            (999_999, "976.6KiB", "1e+03kB"),
            (10_485_760, "10MiB", "10.5MB"),
            (123_456_789, "117.7MiB", "123MB"),
            (2_147_483_648, "2GiB", "2.15GB"),
        ] {
            assert_eq!(bytes_binary(n), bin, "{n}");
            assert_eq!(bytes_decimal(n), dec, "{n}");
        }
    }
}
