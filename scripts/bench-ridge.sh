#!/usr/bin/env bash
# bench-ridge.sh: time lib/probe's alpha sweep (BenchmarkSweep) against the
# Python baseline's fastest methods on byte-identical data, in one session:
# 17 alphas logspace(-4, 4, 17), 5 unshuffled folds, d = 4096 features.
# The baseline writes its synthetic data as .npy once; Go reads the same
# files. Ends with one line per size: ratio n=<n> <baseline best s / ours s>.
#
# usage: scripts/bench-ridge.sh [n ...]   (default: 1192 10000)
# env:   PYTHON (default /usr/bin/python3), BASELINE (default
#        ../shared/baselines/ridge_baseline.py beside the repository),
#        D (features, default 4096), METHODS (baseline methods, default
#        fast-shared-chol,fast-shared-eigh: its best on this problem),
#        PUREGO_MAX_N (also time the CGO_ENABLED=0 build up to this n,
#        default 2000; 0 to skip)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/usr/bin/python3}
BASELINE=${BASELINE:-$(cd .. && pwd)/shared/baselines/ridge_baseline.py}
D=${D:-4096}
METHODS=${METHODS:-fast-shared-chol,fast-shared-eigh}
PUREGO_MAX_N=${PUREGO_MAX_N:-2000}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1192 10000)
out=.cache/bench
mkdir -p "$out"
echo "load before: $(uptime)"

# Build both test binaries once, outside the timed runs.
go test -c -o "$out/probe.test" ./lib/probe
CGO_ENABLED=0 go test -c -o "$out/probe-purego.test" ./lib/probe

declare -A pybest gos
# seconds_of BINARY PREFIX JSON: run BenchmarkSweep once on PREFIX's .npy
# files, print its seconds per op.
seconds_of() {
	"$1" -test.run '^$' -test.bench '^BenchmarkSweep$' -test.benchtime 1x \
		-probe.npy="$2" -probe.r2out="$3" | tee -a "$out/go-bench.txt" |
		awk '$1 ~ /^BenchmarkSweep\// { print $3 / 1e9 }'
}
: >"$out/go-bench.txt"
for n in "${sizes[@]}"; do
	data="$out/ridge-n$n-d$D"
	"$PYTHON" "$BASELINE" --n "$n" --d "$D" --alphas logspace:-4:4:17 --folds 5 \
		--methods "$METHODS" --dump "$data" >"$out/py-n$n.json"
	pybest[$n]=$("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for m, r in d["methods"].items():
    print("python n=%d %-17s %8.2f s  best alpha %.4g  CV R2 %.6f" % (d["n"], m, r["wall_s"], r["best_alpha"], r["best_cv_r2"]), file=sys.stderr)
print(min(r["wall_s"] for r in d["methods"].values()))' "$out/py-n$n.json")
	gos[$n]=$(seconds_of "$out/probe.test" "$data" "$out/go-n$n.json")
	"$PYTHON" -c '
import json, sys
py, go = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ref = next(iter(py["methods"].values()))["cv_r2_per_alpha"]
diff = max(abs(a - b) for a, b in zip(ref, go["cv_r2_per_alpha"]))
print("go     n=%s %-17s %8.2f s  best alpha %.4g  CV R2 %.6f  (%s form; max |R2 diff| vs python %.1e)" % (sys.argv[3], go["backend"], float(sys.argv[4]), go["best_alpha"], max(go["cv_r2_per_alpha"]), go["form"], diff))' \
		"$out/py-n$n.json" "$out/go-n$n.json" "$n" "${gos[$n]}"
	if ((n <= PUREGO_MAX_N)); then
		s=$(seconds_of "$out/probe-purego.test" "$data" "$out/go-purego-n$n.json")
		echo "go     n=$n purego            $(printf '%8.2f' "$s") s  (CGO_ENABLED=0)"
	fi
	rm -f "$data.X.npy" "$data.y.npy"
done

echo "load after: $(uptime)"
for n in "${sizes[@]}"; do
	awk -v n="$n" -v py="${pybest[$n]}" -v go="${gos[$n]}" 'BEGIN { printf "ratio n=%s %.2f\n", n, py / go }'
done
