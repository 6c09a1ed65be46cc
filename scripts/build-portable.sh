#!/usr/bin/env bash
# scripts/build-portable.sh - builds a swarmtop that runs on any x86_64 Linux with glibc 2.17 or
# later (CentOS 7, Ubuntu 14.04, Debian 8 and everything newer), for managers with old
# distributions. Prints the binary's path; copy that one file to a manager.
#
#   scripts/build-portable.sh                          # the release profile (LTO, stripped)
#   scripts/build-portable.sh --profile portable-check  # no LTO, faster: what scripts/test.sh checks
#
# How: cargo-zigbuild links against glibc 2.17's symbols with the zig compiler (which also
# compiles ring's C and assembly), target x86_64-unknown-linux-gnu.2.17. Both tools come from
# PyPI at the versions pinned in scripts/portable-requirements.txt, into a virtualenv under
# target/ (made once; later runs reuse it). Needs python3 with venv and the Rust target std for
# x86_64-unknown-linux-gnu (the usual host one). Afterwards scripts/check_glibc.py reads the
# binary's symbol versions and fails naming any GLIBC_x.y newer than 2.17.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=release
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=${2:?--profile needs a name}; shift 2 ;;
    --profile=*) profile=${1#--profile=}; shift ;;
    *) echo "usage: $0 [--profile release|portable-check]" >&2; exit 2 ;;
  esac
done

glibc=2.17
triple=x86_64-unknown-linux-gnu
venv=target/portable-tools
req=scripts/portable-requirements.txt

# (Re)made when the pinned versions change: the requirements file is copied in once installed.
if ! cmp -s "$req" "$venv/installed-requirements.txt" 2>/dev/null; then
  echo "==> installing cargo-zigbuild and zig ($req) into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/installed-requirements.txt"
fi
# cargo-zigbuild finds zig through `python3 -m ziglang` of the venv's python3
export PATH="$PWD/$venv/bin:$PATH"

echo "==> cargo zigbuild --profile $profile --target $triple.$glibc" >&2
cargo-zigbuild zigbuild --locked --profile "$profile" --bin swarmtop --target "$triple.$glibc" >&2

# cargo names the release profile's directory "release", any other after the profile
bin=target/$triple/$profile/swarmtop
python3 scripts/check_glibc.py "$bin" --max "$glibc" >&2
echo "$bin"
