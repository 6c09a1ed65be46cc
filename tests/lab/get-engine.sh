#!/usr/bin/env bash
# tests/lab/get-engine.sh [DIR] - a recent Docker engine for the lab, without installing it.
#
# Debian 12's docker.io is 20.10 (API 1.41); users run much newer engines. This fetches Debian 13
# ("trixie") docker.io (dockerd 26.x, API 1.45) and containerd with a private apt configuration
# (the machine's /etc/apt is not touched), unpacks them under DIR, and prints the directory to
# put first in the nodes' PATH:   LAB_ENGINE_BIN=$(tests/lab/get-engine.sh) tests/lab/lab.sh up
# Their binaries need glibc 2.34; runc and docker-init come from the machine's docker.io.
set -euo pipefail
DIR=${1:-/tmp/swarmtop-engine26}
if [ -x "$DIR/bin/dockerd" ] && "$DIR/bin/dockerd" --version >/dev/null 2>&1; then
  echo "$DIR/bin"; exit 0
fi
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$f")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "get-engine: no Debian mirror found in /etc/apt" >&2; exit 1; }
mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/archives/partial" "$DIR/root" "$DIR/bin"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$DIR/apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
      -o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" -qq update >&2
(cd "$DIR" && apt-get "${opts[@]}" -qq download docker.io containerd >&2)
for deb in "$DIR"/*.deb; do dpkg-deb -x "$deb" "$DIR/root"; done
for b in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
  [ -e "$DIR/root/$b" ] && ln -sf "$DIR/root/$b" "$DIR/bin/"
done
"$DIR/bin/dockerd" --version >&2
echo "$DIR/bin"
