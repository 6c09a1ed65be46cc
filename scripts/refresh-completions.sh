#!/usr/bin/env bash
# Regenerates the shell completion scripts in completions/ and the man pages in man/ from the
# command line's definition (src/cli.rs). tests/e2e/completions.rs fails until they match.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q --bin swarmtop
bin=target/debug/swarmtop
"$bin" completions bash > completions/swarmtop.bash
"$bin" completions zsh > completions/_swarmtop
"$bin" completions fish > completions/swarmtop.fish
rm -f man/*.1
"$bin" man --dir man > /dev/null
