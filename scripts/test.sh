#!/usr/bin/env bash
# scripts/test.sh - runs every test of swarmtop: format, layering and lint checks, unit and snapshot tests,
# then the end-to-end suite against a real multi-node swarm (tests/lab/lab.sh), once on Debian's
# engine (dockerd 20.10, API 1.41) and once on a recent one (dockerd 26, API 1.45).
#
# Needs Linux and root for the lab (network namespaces, dockerd). Installs what it needs with apt.
# Opt-outs (say so in the output; use them only where the lab cannot run):
#   SWARMTOP_SKIP_LAB=1            unit and snapshot tests only
#   SWARMTOP_SKIP_RECENT_ENGINE=1  the end-to-end suite on Debian's engine only
#   SWARMTOP_SKIP_PORTABLE=1       no glibc 2.17 build (needs PyPI once, and a few minutes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

skip_lab=${SWARMTOP_SKIP_LAB:-0}
if [ "$skip_lab" != 1 ]; then
  [ "$(uname -s)" = Linux ] || fail "the end-to-end lab needs Linux (this is $(uname -s)); set SWARMTOP_SKIP_LAB=1 to run only the unit tests"
  [ "$(id -u)" = 0 ] || fail "the end-to-end lab needs root (network namespaces, dockerd); run with sudo, or set SWARMTOP_SKIP_LAB=1 to run only the unit tests"
fi

export CI=true INSTA_UPDATE=no CARGO_TERM_COLOR=never

if [ "$skip_lab" != 1 ]; then
  need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  [ -x /bin/busybox ] || need+=(busybox-static)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v ip >/dev/null || need+=(iproute2)
  command -v tmux >/dev/null || need+=(tmux)
  # the completion scripts are checked in the shells they are for (tests/e2e/completions.rs)
  command -v zsh >/dev/null || need+=(zsh)
  command -v fish >/dev/null || need+=(fish)
  command -v socat >/dev/null || need+=(socat)
  command -v openssl >/dev/null || need+=(openssl)
  command -v iptables >/dev/null || need+=(iptables)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

say "cargo fmt --check"
cargo fmt --all --check || fail "cargo fmt: run cargo fmt --all"
say "layering: crates depend downwards, no module import cycles (scripts/check_layers.py)"
python3 scripts/check_layers.py --self-test
python3 scripts/check_layers.py || fail "layering: see above; the rules are in scripts/check_layers.py"
say "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
say "unit and snapshot tests"
cargo test --workspace --all-targets

# The binary for old managers (README, Install): built as scripts/build-portable.sh builds it, in
# the portable-check profile (unoptimised: about 160 CPU seconds, where the release profile takes
# many minutes; same target and glibc 2.17 floor), checked for its glibc symbol versions, then
# run here.
if [ "${SWARMTOP_SKIP_PORTABLE:-0}" = 1 ]; then
  say "SWARMTOP_SKIP_PORTABLE=1: the glibc 2.17 binary was NOT built nor checked"
else
  say "portable binary: glibc 2.17 (scripts/build-portable.sh --profile portable-check)"
  python3 scripts/check_glibc.py --self-test target/debug/swarmtop
  # the check fails on a binary that needs a newer glibc: anything linked against glibc 2.34 or
  # later needs its __libc_start_main@GLIBC_2.34, as this machine's own build does
  host_glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
  if printf '2.34\n%s\n' "$host_glibc" | sort -V -C && python3 scripts/check_glibc.py target/debug/swarmtop >/dev/null 2>&1; then
    fail "check_glibc.py passed the native debug build, linked against glibc $host_glibc"
  fi
  portable=$(scripts/build-portable.sh --profile portable-check) || fail "the glibc 2.17 build (see above)"
  "$portable" --version
  sim_dir=$(mktemp -d)
  "$portable" sim --socket "$sim_dir/sim.sock" --nodes 3 --services 5 >/dev/null 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do [ -S "$sim_dir/sim.sock" ] && break; sleep 0.1; done
  rc=0
  out=$("$portable" --host "unix://$sim_dir/sim.sock" snapshot 2>&1) || rc=$?
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  rm -rf "$sim_dir"
  [ "$rc" = 0 ] || fail "the glibc 2.17 binary's snapshot of its own simulator: $out"
  grep -q "NODES\|HOSTNAME" <<<"$out" || fail "the glibc 2.17 binary's snapshot shows no nodes: $out"
  echo "the glibc 2.17 binary ran: sim + snapshot, $(wc -l <<<"$out") lines"
fi

if [ "$skip_lab" = 1 ]; then
  say "SWARMTOP_SKIP_LAB=1: the end-to-end suite was NOT run"
  exit 0
fi

# The test lab has its own names, subnet and ports, apart from a developer's lab (tests/lab/lab.sh
# defaults), and removes whatever an interrupted earlier run left.
export LAB_DIR=/tmp/swarmtop-test-lab LAB_PREFIX=stt LAB_SUBNET=10.213.8 LAB_SSH_PORT=2322 LAB_TCP_PORT=2475
export SWARMTOP_LAB_ENV=$LAB_DIR/env
trap 'tests/lab/lab.sh down >/dev/null 2>&1 || true' EXIT

run_e2e() {   # $1: label
  say "end-to-end suite on $1 (the oracle: $(${DOCKER_CLI:-docker} --version))"
  tests/lab/lab.sh up
  local rc=0
  cargo test --test e2e -- --ignored --test-threads=1 --skip resilience:: --skip three_managers || rc=$?
  tests/lab/lab.sh down
  [ "$rc" = 0 ] || fail "end-to-end suite on $1"
  # losing a manager needs others to move to, and a session that moves between managers
  # needs several: a swarm of three managers
  say "resilience tests on $1, three managers"
  LAB_MANAGERS=3 tests/lab/lab.sh up
  LAB_MANAGERS=3 cargo test --test e2e -- --ignored --test-threads=1 resilience:: three_managers || rc=$?
  tests/lab/lab.sh down
  [ "$rc" = 0 ] || fail "resilience tests on $1"
}

run_e2e "Debian's engine (dockerd 20.10)"

if [ "${SWARMTOP_SKIP_RECENT_ENGINE:-0}" = 1 ]; then
  say "SWARMTOP_SKIP_RECENT_ENGINE=1: the suite did NOT run on a recent engine"
else
  bin=$(tests/lab/get-engine.sh) || fail "could not fetch a recent dockerd from Debian's archive; set SWARMTOP_SKIP_RECENT_ENGINE=1 to skip that run"
  LAB_ENGINE_BIN=$bin run_e2e "a recent engine ($("$bin/dockerd" --version))"
fi
say "all tests passed"
