#!/usr/bin/env bash
# The README's MPI table: the same work on rayon threads, worker processes and
# MPI ranks, as whole `parlab` commands (start-up included), interleaved round
# by round; prints the median, min and max wall time of each, and the load.
# Every run of one piece of work must print the same value (points or estimate).
# Usage: crates/parlab-mpi/bench.sh [ROUNDS]   (after `cargo lab setup --mpi`)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
parlab=target/release/parlab
# work | backend | workers | the command's arguments
runs=(
  "sweep|serial|1|sweep --samples 10000 --backend serial"
  "sweep|rayon|2|sweep --samples 10000 --backend rayon --threads 2"
  "sweep|process|2|sweep --samples 10000 --backend process --threads 2"
  "sweep|mpi|1|sweep --samples 10000 --backend mpi --threads 1"
  "sweep|mpi|2|sweep --samples 10000 --backend mpi --threads 2"
  "midpoint 1e9|serial|1|integrate -n 1e9 --rule midpoint --backend serial"
  "midpoint 1e9|rayon|2|integrate -n 1e9 --rule midpoint --backend rayon --threads 2"
  "midpoint 1e9|process|2|integrate -n 1e9 --rule midpoint --backend process --threads 2"
  "midpoint 1e9|mpi|1|integrate -n 1e9 --rule midpoint --backend mpi --threads 1"
  "midpoint 1e9|mpi|2|integrate -n 1e9 --rule midpoint --backend mpi --threads 2"
  "lecture 2e8|mpi|1|integrate -n 2e8 --rule lecture --backend mpi --threads 1"
  "lecture 2e8|mpi|2|integrate -n 2e8 --rule lecture --backend mpi --threads 2"
)
declare -A times values
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) threads; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for run in "${runs[@]}"; do
    IFS='|' read -r work backend workers command <<<"$run"
    read -ra args <<<"$command"
    start=$(date +%s%N)
    out=$("$parlab" "${args[@]}" --seed 7 --progress never --json)
    end=$(date +%s%N)
    times[$run]+="$(((end - start) / 1000000)) "
    value=$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("value", d.get("points")))' | md5sum)
    if [[ -n ${values[$work]:-} && ${values[$work]} != "$value" ]]; then
      echo "error: $work on $backend($workers) printed another value" >&2
      exit 1
    fi
    values[$work]=$value
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds, interleaved"
echo "| work | backend | workers | median | min | max |"
echo "|---|---|---:|---:|---:|---:|"
for run in "${runs[@]}"; do
  IFS='|' read -r work backend workers _ <<<"$run"
  python3 - "$work" "$backend" "$workers" ${times[$run]} <<'P'
import statistics, sys
work, backend, workers, *ms = sys.argv[1:]
s = sorted(int(t) / 1000 for t in ms)
print(f"| {work} | {backend} | {workers} | {statistics.median(s):.2f} s | {s[0]:.2f} s | {s[-1]:.2f} s |")
P
done
