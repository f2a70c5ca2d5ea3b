#!/usr/bin/env bash
# bench-thurstonian.sh: time the Go Thurstonian fit (lib/utility BenchmarkFit)
# against the Python baseline's analytic-sparse L-BFGS-B on byte-identical
# data (20 pairs per task, one sample per pair, seed 0), in one session.
#
# usage: scripts/bench-thurstonian.sh [sizes...]   (default: 1000 5000 10000)
# env:   PYTHON (default /usr/bin/python3), BASELINE (default
#        ../shared/baselines/thurstonian_baseline.py beside the repository), BENCHTIME (default 5x),
#        CPU (GOMAXPROCS values, default 1,2: one core like numpy, and both)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/usr/bin/python3}
BASELINE=${BASELINE:-$(cd .. && pwd)/shared/baselines/thurstonian_baseline.py}
BENCHTIME=${BENCHTIME:-5x}
CPU=${CPU:-1,2}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 5000 10000)
out=.cache/bench
mkdir -p "$out"

# Python: the first run writes the data; every run's fit wall time is kept
# and the median of PYREPS runs (default 3) is the reference.
PYREPS=${PYREPS:-3}
declare -A pywall
for n in "${sizes[@]}"; do
	"$PYTHON" "$BASELINE" --n-items "$n" --pairs-per-item 20 --samples-per-pair 1 --seed 0 \
		--method analytic-sparse --dump "$out/th$n" >"$out/py$n.json"
	walls=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["wall_s"])' "$out/py$n.json")
	for ((r = 1; r < PYREPS; r++)); do
		w=$("$PYTHON" "$BASELINE" --input "$out/th$n.jsonl" --n-items "$n" --method analytic-sparse |
			"$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["wall_s"])')
		walls="$walls $w"
	done
	pywall[$n]=$(echo "$walls" | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["runs"][0]
print("python n=%d: nit %d nfev %d heldout log-loss %.4f acc %.4f (truth %.4f / %.4f)" % (d["n_items"], r["nit"], r["nfev"], r["heldout"]["log_loss"], r["heldout"]["accuracy"], d["oracle_heldout"]["log_loss"], d["oracle_heldout"]["accuracy"]))' "$out/py$n.json"
	echo "python n=$n: fit wall times $walls s; median ${pywall[$n]} s"
done

pattern=$(IFS='|'; echo "${sizes[*]}")
go test -run '^$' -bench "BenchmarkFit/^tasks=($pattern)\$/" -benchtime "$BENCHTIME" -cpu "$CPU" ./lib/utility/ | tee "$out/go-bench.txt"

echo
echo "ratio = median python fit wall time / go ns/op (same data, same session; load: $(cut -d" " -f1-3 /proc/loadavg))"
for n in "${sizes[@]}"; do
	grep -E "^BenchmarkFit/tasks=$n/" "$out/go-bench.txt" | while read -r name iters ns rest; do
		awk -v py="${pywall[$n]}" -v ns="$ns" -v name="$name" \
			'BEGIN { printf "%-50s go %.4fs  python %.4fs  ratio %.1fx\n", name, ns/1e9, py, py/(ns/1e9) }'
	done
done
