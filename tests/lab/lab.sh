#!/usr/bin/env bash
# tests/lab/lab.sh - swarmtop's test lab: a REAL multi-node Docker Swarm on one Linux machine.
#
#   lab.sh up        start LAB_NODES dockerd (each in its own net/mount/uts/pid namespaces), join them
#                    into one swarm, load offline images, start the sshds (below); writes $LAB_DIR/env
#   lab.sh down      remove everything `up` made (idempotent; also cleans a crashed earlier run)
#   lab.sh crash N   SIGKILL node N's dockerd (its containers die with it)
#   lab.sh stop N    graceful stop of node N
#   lab.sh start N   start node N again with the same data (same swarm node ID)
#   lab.sh status    print the cluster as the docker CLI sees it
#   lab.sh addnode N start an extra dockerd N (own namespaces, images loaded) NOT in the swarm,
#                    for tests that join it; its socket is $LAB_DIR/nN/docker.sock
#   lab.sh rmnode N  stop it and remove what addnode made
#   lab.sh cut N     a network cut between clients and node N's TLS API (port 2376): packets are
#                    dropped, nothing answers, no error comes back; the swarm's own traffic flows
#   lab.sh heal N    undo cut
#
# SSH, as on real machines (one lab key, $LAB_DIR/ssh/id_lab; the wrapper $LAB_DIR/ssh/bin/ssh uses it):
#   - 127.0.0.1:$LAB_SSH_PORT serves node1's engine (DOCKER_HOST set by the sshd), and allows TCP
#     forwarding, so it is a jump host: ssh -J root@127.0.0.1:$LAB_SSH_PORT root@<node ip>
#   - every node runs its own sshd in its network namespace on <node ip>:22, serving THAT node's
#     engine: `ssh root@<node ip> docker system dial-stdio` works like ssh://root@{addr} does
#     (the host reaches node IPs through the $PREFIX-host veth, $SUBNET.1)
#   - the LAST node (LAB_NODES >= 2) cannot be reached: its sshd accepts another key only, so
#     ssh says "Permission denied (publickey)". env names it: LAB_SSH_DENIED_NODE=node3
#   env lists the nodes' addresses: LAB_NODE_IPS="10.213.7.11 10.213.7.12 10.213.7.13"
# Needs root and Linux. Nothing leaves the machine: the nodes' namespaces have no route out.
# Knobs: LAB_DIR (/tmp/swarmtop-lab)  LAB_PREFIX (stl)  LAB_SUBNET (10.213.7)  LAB_NODES (3)
#        LAB_MANAGERS (1)  LAB_ENGINE_BIN (dir with a different dockerd/containerd, e.g. dockerd 26)
#        LAB_SSH_PORT (2222)  LAB_TCP_PORT (2375)  LAB_INSTALL (1: apt-get what is missing)
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/swarmtop-lab}
PREFIX=${LAB_PREFIX:-stl}
SUBNET=${LAB_SUBNET:-10.213.7}
NODES=${LAB_NODES:-3}
MANAGERS=${LAB_MANAGERS:-1}
SSH_PORT=${LAB_SSH_PORT:-2222}
TCP_PORT=${LAB_TCP_PORT:-2375}
IMAGE=swarmtest/busybox
CLI=/usr/bin/docker   # Debian's docker.io CLI: always present once the engine is

say() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
node_ip() { echo "$SUBNET.$((10 + $1))"; }
sock() { echo "$LAB_DIR/n$1/docker.sock"; }
dk() { local n=$1; shift; "$CLI" -H "unix://$(sock "$n")" "$@"; }

# The PID-1 (docker-init) of node N's pid namespace, as a host pid; empty when the node is down.
init_pid() {
  local outer
  outer=$(cat "$LAB_DIR/n$1/launcher.pid" 2>/dev/null) || return 0
  [ -r "/proc/$outer/task/$outer/children" ] && awk '{print $1}' "/proc/$outer/task/$outer/children"
  return 0
}
dockerd_pid() {
  local t; t=$(init_pid "$1"); [ -n "$t" ] || return 0
  [ -r "/proc/$t/task/$t/children" ] && awk '{print $1}' "/proc/$t/task/$t/children"
  return 0
}

need_root() {
  [ "$(uname -s)" = Linux ] || fail "the lab needs Linux (network namespaces); this is $(uname -s)"
  [ "$(id -u)" = 0 ] || fail "the lab needs root (namespaces, dockerd); run as root or set SWARMTOP_SKIP_LAB=1"
}

install_missing() {
  local pkgs=()
  command -v dockerd >/dev/null || pkgs+=(docker.io)
  [ -x /bin/busybox ] || pkgs+=(busybox-static)
  [ -x /usr/sbin/sshd ] || pkgs+=(openssh-server)
  command -v ip >/dev/null || pkgs+=(iproute2)
  command -v tmux >/dev/null || pkgs+=(tmux)
  command -v openssl >/dev/null || pkgs+=(openssl)
  command -v iptables >/dev/null || pkgs+=(iptables)
  command -v socat >/dev/null || pkgs+=(socat)
  [ ${#pkgs[@]} -eq 0 ] && return 0
  [ "${LAB_INSTALL:-1}" = 1 ] || fail "missing packages: ${pkgs[*]} (LAB_INSTALL=0)"
  say "apt-get install ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${pkgs[@]}" >/dev/null
}

start_node() {
  local n=$1 d="$LAB_DIR/n$1" extra="" bin=${LAB_ENGINE_BIN:-}
  [ -n "$(init_pid "$n")" ] && fail "node$n is already running"
  # a node started again runs the engine the lab came up with, whoever starts it
  [ -z "$bin" ] && [ -r "$LAB_DIR/engine-bin" ] && bin=$(cat "$LAB_DIR/engine-bin")
  # exec-root is per-boot state; after a crash its pid files name live pids of the new namespace.
  rm -rf "$d/exec" "$d/docker.sock"
  mkdir -p "$d/data" "$d/exec" "$d/etc" "$d/varlib"
  if [ "$n" = 1 ]; then
    # node1 also serves the API over TCP with TLS and client certificates (dockerd's own TLS).
    local t="$LAB_DIR/tls"
    extra="-H tcp://$(node_ip 1):2376 --tlsverify --tlscacert $t/ca.pem --tlscert $t/server-cert.pem --tlskey $t/server-key.pem"
  fi
  # nsenter --net (not `ip netns exec`, which remounts /sys and hides the cgroup hierarchies).
  # docker-init as PID 1 of a new pid namespace: when dockerd dies, the kernel kills the rest.
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 nsenter --net="/run/netns/$PREFIX-n$n" -- \
    unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private -- \
    /usr/bin/docker-init -- /bin/sh -c '
      set -e
      n=$1 d=$2 prefix=$3 extra=$4 bin=$5
      hostname "node$n"
      mount -t tmpfs -o mode=0755 tmpfs /run
      mount --bind "$d/etc" /etc/docker
      mount --bind "$d/varlib" /var/lib/docker
      if [ -n "$bin" ]; then PATH="$bin:$PATH"; export PATH; fi
      exec dockerd --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/exec/dockerd.pid" \
        -H "unix://$d/docker.sock" --cgroup-parent "/$prefix-n$n" --label "lab.node=node$n" $extra
    ' sh "$n" "$d" "$PREFIX" "$extra" "$bin" >>"$d/dockerd.log" 2>&1 &
  echo $! >"$d/launcher.pid"
  local i
  for i in $(seq 1 300); do
    dk "$n" version >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$d/launcher.pid")" 2>/dev/null || { tail -20 "$d/dockerd.log" >&2; fail "node$n: dockerd exited"; }
    sleep 0.1
  done
  tail -20 "$d/dockerd.log" >&2
  fail "node$n: dockerd did not answer within 30 s"
}

stop_node() {   # SIGTERM to the namespace init; it forwards to dockerd, which stops its containers
  local t i
  t=$(init_pid "$1"); [ -n "$t" ] || return 0
  kill -TERM "$t" 2>/dev/null || true
  for i in $(seq 1 200); do kill -0 "$t" 2>/dev/null || return 0; sleep 0.1; done
  say "node$1 did not stop in 20 s: SIGKILL its namespace"
  kill -KILL "$t" 2>/dev/null || true
  # a namespace's init outlives SIGKILL until every process in it is gone (slow on a loaded host)
  for i in $(seq 1 300); do kill -0 "$t" 2>/dev/null || return 0; sleep 0.1; done
  say "node$1 still runs 30 s after SIGKILL"
  return 1
}

crash_node() {
  local t p i
  t=$(init_pid "$1"); p=$(dockerd_pid "$1")
  [ -n "$p" ] || fail "node$1 has no running dockerd"
  kill -KILL "$p"
  for i in $(seq 1 100); do kill -0 "$t" 2>/dev/null || return 0; sleep 0.1; done
}

make_images() {
  local r="$LAB_DIR/rootfs" a
  rm -rf "$r"
  mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,run,var,root}
  cp /bin/busybox "$r/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  chmod 1777 "$r/tmp"
  tar -C "$r" -cf "$LAB_DIR/rootfs.tar" .
  local v
  for v in 1 2; do
    dk 1 import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' -c "LABEL lab.version=$v" \
      "$LAB_DIR/rootfs.tar" "$IMAGE:$v" >/dev/null
  done
  # save/load keeps the same image IDs on every node
  dk 1 save -o "$LAB_DIR/images.tar" "$IMAGE:1" "$IMAGE:2"
  local pids=() n
  for n in $(seq 2 "$NODES"); do dk "$n" load -q -i "$LAB_DIR/images.tar" >/dev/null & pids+=($!); done
  for a in "${pids[@]}"; do wait "$a" || fail "image load failed"; done
}

make_tls() {   # a throwaway CA, a server cert for node1's IP, a client cert
  local t="$LAB_DIR/tls"
  mkdir -p "$t"
  (
    cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=swarmtop-lab-ca" -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=node1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:%s,IP:127.0.0.1,DNS:node1\nextendedKeyUsage=serverAuth\n' "$(node_ip 1)" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out cert.pem 2>/dev/null
  )
}

start_tcp_relay() {
  # dockerd applies one TLS setting to all its TCP listeners, and node1's is TLS. Plain TCP is
  # served by a relay on the host to node1's unix socket: the same HTTP on the wire.
  socat "TCP-LISTEN:$TCP_PORT,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$(sock 1)" </dev/null >/dev/null 2>&1 &
  echo $! >"$LAB_DIR/socat.pid"
  local i
  for i in $(seq 1 50); do
    "$CLI" -H "tcp://127.0.0.1:$TCP_PORT" version >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "plain TCP relay on 127.0.0.1:$TCP_PORT does not answer"
}

start_sshd() {
  local s="$LAB_DIR/ssh"
  mkdir -p "$s"
  chmod 700 "$s"
  ssh-keygen -q -t ed25519 -N '' -f "$s/host_key" <<<y >/dev/null 2>&1
  ssh-keygen -q -t ed25519 -N '' -f "$s/id_lab" <<<y >/dev/null 2>&1
  cp "$s/id_lab.pub" "$s/authorized_keys"
  chmod 600 "$s/authorized_keys"
  mkdir -p /run/sshd
  cat >"$s/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $s/host_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
X11Forwarding no
SetEnv DOCKER_HOST=unix://$(sock 1) PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
EOF
  /usr/sbin/sshd -f "$s/sshd_config" -E "$s/sshd.log"
  # client side: a config file and a `ssh` wrapper that uses it (ssh reads ~ from the passwd entry,
  # so a test cannot point it at another home; tests put this wrapper first in PATH instead)
  cat >"$s/config" <<EOF
Host *
  IdentityFile $s/id_lab
  IdentitiesOnly yes
  UserKnownHostsFile $s/known_hosts
  StrictHostKeyChecking accept-new
  LogLevel ERROR
EOF
  mkdir -p "$s/bin"
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$s/config" >"$s/bin/ssh"
  chmod +x "$s/bin/ssh"
  local i
  for i in $(seq 1 50); do
    "$s/bin/ssh" -p "$SSH_PORT" -o BatchMode=yes root@127.0.0.1 true 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$s/sshd.log" >&2
  fail "sshd on 127.0.0.1:$SSH_PORT does not accept the lab key"
}

# The node whose sshd refuses the lab key (empty with one node).
denied_node() { [ "$NODES" -ge 2 ] && echo "$NODES" || true; }

# An sshd in node N's network namespace on its own address, port 22, serving node N's engine.
# The denied node's sshd only knows a key nobody is given.
start_node_sshd() {
  local n=$1 s="$LAB_DIR/ssh" keys="$LAB_DIR/ssh/authorized_keys"
  mkdir -p "$s/n$n"
  if [ "$n" = "$(denied_node)" ]; then
    ssh-keygen -q -t ed25519 -N '' -f "$s/id_other" <<<y >/dev/null 2>&1
    cp "$s/id_other.pub" "$s/authorized_keys_other"
    chmod 600 "$s/authorized_keys_other"
    keys="$s/authorized_keys_other"
  fi
  cat >"$s/n$n/sshd_config" <<EOF
Port 22
ListenAddress $(node_ip "$n")
HostKey $s/host_key
PidFile $s/n$n/sshd.pid
AuthorizedKeysFile $keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding no
X11Forwarding no
SetEnv DOCKER_HOST=unix://$(sock "$n") PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
EOF
  nsenter --net="/run/netns/$PREFIX-n$n" -- /usr/sbin/sshd -f "$s/n$n/sshd_config" -E "$s/n$n/sshd.log"
}

stop_node_sshd() {
  local f="$LAB_DIR/ssh/n$1/sshd.pid"
  [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
}

# Each node's engine answers over ssh on its own address; node2's through the jump host too;
# the denied node says so.
check_node_sshds() {
  local s="$LAB_DIR/ssh" n want got i err d
  d=$(denied_node)
  for n in $(seq 1 "$NODES"); do
    [ "$n" = "$d" ] && continue
    want=$(dk "$n" info --format '{{.Swarm.NodeID}}')
    got=""
    for i in $(seq 1 50); do
      got=$("$s/bin/ssh" -o BatchMode=yes "root@$(node_ip "$n")" docker info --format '{{.Swarm.NodeID}}' 2>/dev/null) && break
      sleep 0.1
    done
    [ "$got" = "$want" ] || { cat "$s/n$n/sshd.log" >&2; fail "ssh root@$(node_ip "$n") docker info: '$got', want node$n's ID $want"; }
  done
  if [ "$NODES" -ge 2 ] && [ "$d" != 2 ]; then
    want=$(dk 2 info --format '{{.Swarm.NodeID}}')
    got=$("$s/bin/ssh" -o BatchMode=yes -J "root@127.0.0.1:$SSH_PORT" "root@$(node_ip 2)" docker info --format '{{.Swarm.NodeID}}' 2>&1) ||
      fail "ssh -J root@127.0.0.1:$SSH_PORT root@$(node_ip 2): $got"
    [ "$got" = "$want" ] || fail "ssh -J ... root@$(node_ip 2) docker info: '$got', want node2's ID $want"
  fi
  if [ -n "$d" ]; then
    err=$("$s/bin/ssh" -o BatchMode=yes "root@$(node_ip "$d")" true 2>&1) && fail "node$d's sshd accepted the lab key"
    case $err in
      *"Permission denied (publickey)"*) ;;
      *) fail "ssh root@$(node_ip "$d"): '$err', want Permission denied (publickey)" ;;
    esac
  fi
}

down() {
  [ -d "$LAB_DIR" ] || { clean_namespaces; return 0; }
  local f
  for f in "$LAB_DIR/ssh/sshd.pid" "$LAB_DIR"/ssh/n*/sshd.pid "$LAB_DIR/socat.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  local d n
  for d in "$LAB_DIR"/n*/; do
    [ -d "$d" ] || continue
    n=${d%/}; n=${n##*/n}
    stop_node "$n" &
  done
  wait
  clean_namespaces
  # mounts and cgroups that a killed node may leave
  for d in /sys/fs/cgroup/*/"$PREFIX"-n*; do
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$d" 2>/dev/null || true
  done
  if [ -f "$LAB_DIR/created" ]; then
    while read -r p; do rmdir "$p" 2>/dev/null || true; done <"$LAB_DIR/created"
  fi
  rm -rf "$LAB_DIR" 2>/dev/null || { sleep 1; rm -rf "$LAB_DIR"; }
  say "down"
}

clean_namespaces() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$PREFIX-(br|n[0-9]+)$" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del "$PREFIX-host" 2>/dev/null || true
}

up() {
  need_root
  install_missing
  down   # a previous run (or a crashed session) may have left state behind
  mkdir -p "$LAB_DIR"
  local p
  for p in /var/lib/docker /etc/docker /run/sshd; do
    [ -d "$p" ] || { mkdir -p "$p"; echo "$p" >>"$LAB_DIR/created"; }
  done
  say "network: $PREFIX-br + $NODES node namespaces on $SUBNET.0/24"
  ip netns add "$PREFIX-br"
  ip -n "$PREFIX-br" link set lo up
  ip -n "$PREFIX-br" link add br0 type bridge
  ip -n "$PREFIX-br" link set br0 up
  local n
  for n in $(seq 1 "$NODES"); do
    ip netns add "$PREFIX-n$n"
    ip -n "$PREFIX-br" link add "v$n" type veth peer name eth0 netns "$PREFIX-n$n"
    ip -n "$PREFIX-br" link set "v$n" master br0 up
    ip -n "$PREFIX-n$n" link set lo up
    ip -n "$PREFIX-n$n" addr add "$(node_ip "$n")/24" dev eth0
    ip -n "$PREFIX-n$n" link set eth0 up
  done
  # the host reaches node IPs (tcp API) through one more veth into the bridge
  ip link add "$PREFIX-host" type veth peer name vhost netns "$PREFIX-br"
  ip -n "$PREFIX-br" link set vhost master br0 up
  ip addr add "$SUBNET.1/24" dev "$PREFIX-host"
  ip link set "$PREFIX-host" up

  make_tls
  say "starting $NODES dockerd${LAB_ENGINE_BIN:+ from $LAB_ENGINE_BIN}"
  printf '%s' "${LAB_ENGINE_BIN:-}" >"$LAB_DIR/engine-bin"
  local pids=()
  for n in $(seq 1 "$NODES"); do (start_node "$n") & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || fail "a node did not start (see $LAB_DIR/n*/dockerd.log)"; done
  say "engine: $(dk 1 version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
  make_images

  local maddr wtok mtok
  maddr=$(node_ip 1)
  dk 1 swarm init --advertise-addr "$maddr" --listen-addr "$maddr:2377" >/dev/null
  wtok=$(dk 1 swarm join-token -q worker)
  mtok=$(dk 1 swarm join-token -q manager)
  for n in $(seq 2 "$NODES"); do
    local tok=$wtok
    [ "$n" -le "$MANAGERS" ] && tok=$mtok
    dk "$n" swarm join --token "$tok" --advertise-addr "$(node_ip "$n")" --listen-addr "$(node_ip "$n"):2377" "$maddr:2377" >/dev/null
  done
  local i ready=0
  for i in $(seq 1 300); do
    ready=$(dk 1 node ls --format '{{.Status}}' | grep -c '^Ready$' || true)
    [ "$ready" = "$NODES" ] && break
    sleep 0.1
  done
  [ "$ready" = "$NODES" ] || fail "only $ready of $NODES nodes Ready"
  for n in $(seq 2 "$MANAGERS"); do
    for i in $(seq 1 300); do
      [ "$(dk "$n" info --format '{{.Swarm.ControlAvailable}}')" = true ] && break
      sleep 0.1
    done
  done
  start_tcp_relay
  start_sshd
  for n in $(seq 1 "$NODES"); do start_node_sshd "$n"; done
  check_node_sshds
  local ips="" d
  for n in $(seq 1 "$NODES"); do ips="$ips${ips:+ }$(node_ip "$n")"; done
  d=$(denied_node)
  {
    echo "# written by tests/lab/lab.sh up"
    echo "export LAB_DIR=$LAB_DIR LAB_PREFIX=$PREFIX LAB_SUBNET=$SUBNET LAB_NODES=$NODES LAB_MANAGERS=$MANAGERS"
    echo "export LAB_IMAGE=$IMAGE LAB_SSH_PORT=$SSH_PORT"
    echo "export LAB_SSH_BIN=$LAB_DIR/ssh/bin"
    echo "export LAB_NODE_IPS=\"$ips\""
    [ -n "$d" ] && echo "export LAB_SSH_DENIED_NODE=node$d"
    echo "export LAB_TCP=tcp://127.0.0.1:$TCP_PORT"
    echo "export LAB_TLS=tcp://$(node_ip 1):2376 LAB_TLS_CERTS=$LAB_DIR/tls"
    for n in $(seq 1 "$NODES"); do echo "export LAB_N$n=unix://$(sock "$n")"; done
    echo "export LAB_ENGINE_VERSION=$(dk 1 version --format '{{.Server.Version}}')"
    echo "export LAB_API_VERSION=$(dk 1 version --format '{{.Server.APIVersion}}')"
  } >"$LAB_DIR/env"
  say "up: $NODES nodes ($MANAGERS manager), ssh://root@127.0.0.1:$SSH_PORT, ssh://root@<node ip> ($ips${d:+; node$d denied}), env in $LAB_DIR/env"
}

add_node() {
  local n=$1
  [ -d "$LAB_DIR/n$n" ] && fail "node$n exists already"
  ip netns add "$PREFIX-n$n"
  ip -n "$PREFIX-br" link add "v$n" type veth peer name eth0 netns "$PREFIX-n$n"
  ip -n "$PREFIX-br" link set "v$n" master br0 up
  ip -n "$PREFIX-n$n" link set lo up
  ip -n "$PREFIX-n$n" addr add "$(node_ip "$n")/24" dev eth0
  ip -n "$PREFIX-n$n" link set eth0 up
  start_node "$n"
  start_node_sshd "$n"
  dk "$n" load -q -i "$LAB_DIR/images.tar" >/dev/null
  say "node$n up at $(node_ip "$n") (not in the swarm): unix://$(sock "$n")"
}

rm_node() {
  local n=$1
  [ -n "$(init_pid "$n")" ] && { dk "$n" swarm leave --force >/dev/null 2>&1 || true; stop_node "$n"; }
  stop_node_sshd "$n"
  ip netns del "$PREFIX-n$n" 2>/dev/null || true
  ip -n "$PREFIX-br" link del "v$n" 2>/dev/null || true
  for d in /sys/fs/cgroup/*/"$PREFIX-n$n"; do
    [ -d "$d" ] && { find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; rmdir "$d" 2>/dev/null; }
  done
  rm -rf "$LAB_DIR/n$n"
}

# Drops (not rejects) the API's packets inside node N's namespace, as a dead link would.
cut_node() {
  nsenter --net="/run/netns/$PREFIX-n$1" -- iptables -I INPUT -p tcp --dport 2376 -j DROP
  nsenter --net="/run/netns/$PREFIX-n$1" -- iptables -I OUTPUT -p tcp --sport 2376 -j DROP
}

heal_node() {
  nsenter --net="/run/netns/$PREFIX-n$1" -- iptables -D INPUT -p tcp --dport 2376 -j DROP 2>/dev/null || true
  nsenter --net="/run/netns/$PREFIX-n$1" -- iptables -D OUTPUT -p tcp --sport 2376 -j DROP 2>/dev/null || true
}

case ${1:-} in
  up) up ;;
  down) need_root; down ;;
  crash) crash_node "${2:?node number}" ;;
  stop) stop_node "${2:?node number}" ;;
  start) start_node "${2:?node number}" ;;
  status) dk 1 node ls; dk 1 service ls ;;
  addnode) add_node "${2:?node number}" ;;
  rmnode) rm_node "${2:?node number}" ;;
  cut) cut_node "${2:?node number}" ;;
  heal) heal_node "${2:?node number}" ;;
  *) echo "usage: $0 up|down|crash N|stop N|start N|status|addnode N|rmnode N|cut N|heal N" >&2; exit 2 ;;
esac
