#!/usr/bin/env bash
# raft-kv vs etcd vs Redis on this machine, in one command (issue 10):
#
#   bench/scripts/compare.sh [--targets raft-kv,raft-kv-java,etcd,redis] [--modes put,get,sget]
#                            [--clients 1,16,64,256] [--value-size 100] [--keys 10000]
#                            [--duration 10] [--warmup 3] [--raft-jar PATH] [other `compare` options]
#
# Builds nothing: run `mvn -B -ntp -DskipTests package` first (it makes bench/target/raft-bench.jar
# and kv-actors/target/raft-kv.jar). Needs etcd and redis-server on the PATH (Debian: etcd-server,
# redis-server). Each target is started in turn on 127.0.0.1 with fresh data directories, measured
# by closed-loop virtual clients (one request in flight each) and stopped by PID:
#   raft-kv       3 node JVMs from --raft-jar (default kv-actors/target/raft-kv.jar), fsync on;
#                 async RESP client, virtual client i on node i mod 3 (leader first)
#   raft-kv-java  the same cluster through io.raftactors.kv.KvClient over Akka remoting
#   etcd          3 etcd members, thin grpc-java KV stub, client i on member i mod 3 (leader first)
#   redis         1 redis-server, appendonly yes, appendfsync always
# Modes: put, get (linearizable), sget (stale: READCONSISTENCY stale / serializable / plain GET).
# Results: bench/results/compare-<UTC time>.md (+ .csv, + -<mode>.png); the script prints where.
# A full default matrix (4 targets x 3 modes x 4 C x (3+10 s + quiet wait)) takes about 15 minutes
# on an idle machine; on a busy (shared) one the quiet waits and --busy-retries can double that.
# Every process started is stopped by its PID on exit, Ctrl-C or failure. JAVA_OPTS goes to the
# load generator's JVM; the node JVMs take --node-jvm-opts "...".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,/^set -e/{/^#/p}' "${BENCH_SCRIPT:-$0}"; exec java -jar bench/target/raft-bench.jar "${BENCH_COMMAND:-compare}" --help ;; esac
done
jar="$root/bench/target/raft-bench.jar"
[ -f "$jar" ] || { echo "$jar missing: run 'mvn -B -ntp -DskipTests package' first" >&2; exit 2; }
if [ "${BENCH_COMMAND:-compare}" = compare ]; then
  command -v etcd >/dev/null || echo "warning: etcd not on the PATH (apt-get install etcd-server)" >&2
  command -v redis-server >/dev/null || echo "warning: redis-server not on the PATH (apt-get install redis-server)" >&2
fi

work=$(mktemp -d -t compare.XXXXXX)
gen=""
stop_pid() { # pid: SIGTERM, up to 20 s, then SIGKILL
  local p=$1
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  # the load generator stops its servers itself; whatever it left (killed, crashed) is in pids/
  [ -n "$gen" ] && stop_pid "$gen"
  for f in "$work"/pids/*.pid; do [ -e "$f" ] && stop_pid "$(cat "$f")"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

out=(--out-dir "$root/bench/results")
for a in "$@"; do case "$a" in --out-dir|--out-dir=*) out=() ;; esac; done

# The generator runs in the background so that the trap can act at once on Ctrl-C.
java ${JAVA_OPTS:-} -jar "$jar" "${BENCH_COMMAND:-compare}" --work-dir "$work" "${out[@]}" "$@" &
gen=$!
set +e
wait "$gen"
rc=$?
set -e
gen=""
exit "$rc"
