#!/usr/bin/env bash
# redis-benchmark against a 3-node raft-kv cluster (three JVMs from kv-actors/target/raft-kv.jar,
# file journals with fsync) and against one redis-server with appendfsync always, in the same run:
#
#   bench/scripts/resp-vs-redis.sh [-n 100000] [-c 50] [-d 100]
#
# For each target and each pipeline depth (-P 1 and -P 16):
#   redis-benchmark -h 127.0.0.1 -p PORT -t set,get,incr -n N -c C -d D -P P --csv
# raft-kv is measured through its leader and through a follower (which forwards writes to the
# leader and asks it for a read index). CPU seconds of the servers are read from /proc. Writes a
# markdown table to bench/results/resp-vs-redis-<time>.md and prints it. Needs redis-server and
# redis-benchmark (apt-get install -y redis-server redis-tools). Everything it starts listens on
# 127.0.0.1 and is stopped by PID at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N=100000 C=50 D=100
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N=$2; shift 2 ;; -c) C=$2; shift 2 ;; -d) D=$2; shift 2 ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
jar="$root/kv-actors/target/raft-kv.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q -DskipTests package)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

raft=() resp=()
for i in 1 2 3; do raft+=("$(free_port)"); resp+=("$(free_port)"); done
members="n1@127.0.0.1:${raft[0]},n2@127.0.0.1:${raft[1]},n3@127.0.0.1:${raft[2]}"
node_pids=()
for i in 1 2 3; do
  java ${JAVA_OPTS:-} -Dconfig.file="$root/conf/node$i.conf" -Draft.members="$members" \
    -Dakka.remote.artery.canonical.port="${raft[$((i-1))]}" -Dkv.resp.port="${resp[$((i-1))]}" -Dkv.http.port=0 \
    -Draft.data-dir="$work/n$i" -jar "$jar" >"$work/n$i.log" 2>&1 &
  pids+=($!) node_pids+=($!)
done
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --appendonly yes --appendfsync always --save "" \
  --dir "$work" --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")

leader="" follower=""
for _ in $(seq 1 300); do
  for i in 0 1 2; do
    if redis-cli -p "${resp[$i]}" INFO raft 2>/dev/null | grep -q '^role:leader'; then leader=${resp[$i]}; fi
  done
  [ -n "$leader" ] && break
  sleep 0.2
done
[ -n "$leader" ] || { echo "no leader; logs in $work" >&2; exit 1; }
for p in "${resp[@]}"; do [ "$p" != "$leader" ] && follower=$p && break; done
until redis-cli -p "$redis_port" PING >/dev/null 2>&1; do sleep 0.1; done

# Warm-up (JIT) of every node, not measured.
for p in "${resp[@]}"; do redis-benchmark -p "$p" -t set,get -n 20000 -c "$C" -d "$D" -P 16 -q >/dev/null; done
redis-benchmark -p "$leader" -t set,get,incr -n 20000 -c "$C" -d "$D" -q >/dev/null

rows=()
run() { # name port pids...
  local name=$1 port=$2 p; shift 2
  for P in 1 16; do
    local before=0 after=0
    for p in "$@"; do before=$((before + $(ticks "$p"))); done
    local start=$(date +%s.%N)
    local csv
    csv=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set,get,incr -n "$N" -c "$C" -d "$D" -P "$P" --csv)
    local wall=$(echo "$(date +%s.%N) - $start" | bc)
    for p in "$@"; do after=$((after + $(ticks "$p"))); done
    local cpu=$(echo "scale=1; ($after - $before) / $HZ" | bc)
    while IFS=, read -r test rps avg min p50 p95 p99 max; do
      test=${test//\"/}; [ "$test" = test ] && continue
      rows+=("$name|$P|$test|${rps//\"/}|${p50//\"/}|${p99//\"/}|$cpu|$wall")
    done <<< "$csv"
  done
}
run "raft-kv (leader)" "$leader" "${node_pids[@]}"
run "raft-kv (follower)" "$follower" "${node_pids[@]}"
run "redis appendfsync always" "$redis_port" "$redis_pid"

mkdir -p "$root/bench/results"
out="$root/bench/results/resp-vs-redis-$(date +%Y%m%d-%H%M%S).md"
{
  echo "redis-benchmark -t set,get,incr -n $N -c $C -d $D [-P 16], $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores,"
  echo "$(java -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f1-3), commit $(cd "$root" && git rev-parse --short HEAD)"
  echo
  echo "| target | -P | test | ops/s | p50 ms | p99 ms | vs Redis | server CPU s (the three tests of this -P) |"
  echo "|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    IFS='|' read -r name P test rps p50 p99 cpu wall <<< "$r"
    ratio=""
    for q in "${rows[@]}"; do
      IFS='|' read -r n2 P2 t2 rps2 _ <<< "$q"
      if [[ "$n2" == redis* && "$P2" == "$P" && "$t2" == "$test" ]]; then ratio=$(echo "scale=2; $rps / $rps2" | bc); fi
    done
    echo "| $name | $P | $test | ${rps%.*} | $p50 | $p99 | ${ratio}x | $cpu |"
  done
} | tee "$out"
echo "written to $out"
