#!/usr/bin/env bash
# raft-kv from 10k to 10M keys and log entries on this machine (issue 10):
#
#   bench/scripts/scale.sh [--steps 10000,100000,1000000,10000000] [--clients 64] [--duration 8]
#                          [--restart-at 1000000] [--node-jvm-opts "..."] [other `scale` options]
#
# Builds nothing: run `mvn -B -ntp -DskipTests package` first. Starts 3 node JVMs from
# kv-actors/target/raft-kv.jar on 127.0.0.1 with fresh data, fills them with one SET per key, and at
# each step measures SET and linearizable GET throughput, the heap after a full GC and the data on
# disk; crashes and restarts a follower after --restart-at writes and times its recovery. Report:
# bench/results/scale-<UTC time>.md. The default steps (10k, 100k, 1M, 10M) take about 15 minutes
# on 2 cores (mostly the 10M SETs) and about 3.5 GB of heap per node. Every process is stopped by PID on exit.
set -euo pipefail
export BENCH_COMMAND=scale BENCH_SCRIPT="$0"
exec "$(dirname "${BASH_SOURCE[0]}")/compare.sh" "$@"
