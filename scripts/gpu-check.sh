#!/usr/bin/env bash
# GPU check for lib/model/llama (see scripts/gpucheck/main.go).
#
#   scripts/gpu-check.sh build   # here: cross-build gpu-out/gpucheck (the GPU machine has no Go)
#   scripts/gpu-check.sh         # on the GPU machine, from the repository root
#   scripts/gpu-check.sh extract # on the GPU machine: the extraction benchmark only
#   scripts/gpu-check.sh steer   # on the GPU machine: the steering timing only
#
# On the GPU machine it: finds the CUDA PJRT plugin that JAX installed
# (jax_plugins/xla_cuda*/xla_cuda_plugin.so in site-packages; nothing is
# downloaded), runs a matmul through GoMLX's xla backend, builds a tiny random
# LlamaForCausalLM with transformers and compares our logits and hidden states
# with it (GPU without and with TF32, and the CPU go backend), copies that
# checkpoint and its reference outputs to $OUT/hf/ (commit them to
# lib/model/llama/testdata/hf/), then times prefill and decode of an 8B-shaped
# bf16 model for transformers and for prefscope on the same GPU and prints
# the ratio, and times Generate on that model unsteered against steered at
# layer 16 in mode "all" over 5 multipliers (fails when steered is more than
# 10% slower). Budget: under 10 minutes; every step has its own timeout.
#
# `extract` instead times activation extraction on the 8B-shaped checkpoint:
# N (default 10,000) conversations, prompts 20-400 and completions 50-1,500
# tokens (seed 1), layer 16, four positions; prefscope's batched extraction
# (activations.Extract: length buckets, positions selected on the device)
# against transformers (hf_extract.py: output_hidden_states, bf16, sorted
# batches up to the same token budget). It prints tokens/s, MFU and the
# ratio. Budget: under 10 minutes on one H100 (weights ~1.5 min, each side
# ~2.5 min at ~35k tokens/s over 16 of 32 layers, plus prefscope's XLA
# compilation of 12 batch shapes); set N lower on a slower device.
set -u
cd "$(dirname "$0")/.."
if [ "${1:-}" = build ]; then
	mkdir -p gpu-out
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags=-s -o gpu-out/gpucheck ./scripts/gpucheck
	ls -l gpu-out/gpucheck
	exit
fi

OUTDIR=${OUT:-/tmp/gpu-check-out}
WORK=${WORK:-/tmp/gpucheck}
# 16 GB of weights: RAM is faster than disk when /dev/shm has room.
if [ "$(df --output=avail -BG /dev/shm 2>/dev/null | tail -1 | tr -dc 0-9)" -ge 40 ] 2>/dev/null; then WORK=/dev/shm/gpucheck; fi
BIN=$PWD/gpu-out/gpucheck
mkdir -p "$OUTDIR/hf" "$WORK"
LOG=$OUTDIR/gpu-check.log
exec > >(tee "$LOG") 2>&1
export PYTHONUNBUFFERED=1 GOPJRT_CUDA_CHECKS=0 GOMLX_NO_AUTO_INSTALL=1
declare -A RESULT
step() { # step NAME TIMEOUT CMD...
	local name=$1 t=$2; shift 2
	echo "=== $name ($(date +%T))"
	local s=$SECONDS
	if timeout "$t" "$@"; then RESULT[$name]="ok ($((SECONDS - s)) s)"; else RESULT[$name]="FAILED rc=$? ($((SECONDS - s)) s)"; fi
}

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
[ -x "$BIN" ] || { echo "missing $BIN: run scripts/gpu-check.sh build first and carry gpu-out"; exit 1; }

PLUGIN=$(python3 - <<'PY'
import glob, site, sys
for p in site.getsitepackages() + [site.getusersitepackages()] + sys.path:
    for f in sorted(glob.glob(p + "/jax_plugins/xla_cuda*/xla_cuda_plugin.so")):
        print(f); sys.exit(0)
PY
)
[ -n "$PLUGIN" ] || PLUGIN=$(find / -xdev -name xla_cuda_plugin.so 2>/dev/null | head -1)
[ -n "$PLUGIN" ] || { echo "no CUDA PJRT plugin found"; exit 1; }
SITE=$(dirname "$(dirname "$(dirname "$PLUGIN")")")
echo "plugin: $PLUGIN"
# The plugin finds CUDA's libraries and tools in the nvidia-* wheels beside
# it; only the Go program gets these settings (torch has its own).
GOLD=${LD_LIBRARY_PATH:-}
for d in "$SITE"/nvidia/*/lib "$SITE"/nvidia/*/*/lib; do [ -d "$d" ] && GOLD=$d:$GOLD; done
LIBDEVICE=$(find "$SITE/nvidia" -name 'libdevice*.bc' 2>/dev/null | head -1)
GOXLA=${XLA_FLAGS:-}
[ -n "$LIBDEVICE" ] && GOXLA="$GOXLA --xla_gpu_cuda_data_dir=$(dirname "$(dirname "$(dirname "$LIBDEVICE")")")"
PTXAS=$(find "$SITE/nvidia" -name ptxas -type f 2>/dev/null | head -1)
GOPATHS=$PATH:/usr/local/cuda/bin
[ -n "$PTXAS" ] && GOPATHS=$(dirname "$PTXAS"):$GOPATHS
cat >"$WORK/gobin" <<SH
#!/bin/sh
export LD_LIBRARY_PATH="$GOLD" XLA_FLAGS="$GOXLA" PATH="$GOPATHS"
exec "$BIN" "\$@"
SH
chmod +x "$WORK/gobin"
echo "XLA_FLAGS=$GOXLA ptxas=${PTXAS:-none}"
BIN=$WORK/gobin
GPU="xla:$PLUGIN"

if [ "${1:-}" = extract ]; then
	N=${N:-10000}
	[ -f "$WORK/big/config.json" ] || step hf_weights 150 python3 scripts/gpucheck/hf_bench.py "$WORK/big" 1 16 1
	step convs 60 "$BIN" convs -n "$N" -seed 1 -out "$WORK/convs.jsonl"
	step hf_extract 240 python3 scripts/gpucheck/hf_extract.py "$WORK/big" "$WORK/convs.jsonl" 16 16384 989
	GOMLX_BACKEND=$GPU step prefscope_extract 330 "$BIN" extract -dir "$WORK/big" -convs "$WORK/convs.jsonl" -layers 16 -max-batch-tokens 16384 -shard 1024 -peak-tflops 989
	echo "=== summary"
	for k in hf_weights convs hf_extract prefscope_extract; do printf '%-18s %s\n' "$k" "${RESULT[$k]:-not run}"; done
	python3 - "$LOG" <<'PY'
import json, sys
r = {}
for line in open(sys.argv[1]):
    if line.startswith("EXTRACT "):
        x = json.loads(line[8:]); r[x["impl"]] = x
for k, x in r.items():
    print("%-12s %6d conversations %9d tokens  %8.1f s  %9.0f tok/s  %6.1f conv/s  MFU %.1f%%%s" % (
        k, x["conversations"], x["tokens"], x["extract_s"], x["tok_s"], x["conv_s"], 100 * x["mfu"],
        ("  (%d graphs)" % x["graphs"]) if "graphs" in x else ""))
if len(r) == 2:
    print("ratio prefscope/transformers tokens/s: %.2f" % (r["prefscope"]["tok_s"] / r["transformers"]["tok_s"]))
PY
	exit
fi

if [ "${1:-}" = steer ]; then
	[ -f "$WORK/big/config.json" ] || step hf_weights 150 python3 scripts/gpucheck/hf_bench.py "$WORK/big" 1 16 1
	GOMLX_BACKEND=$GPU step prefscope_steer 240 "$BIN" steer -dir "$WORK/big" -batch 8 -prompt 512 -new 64 -layer 16 -multipliers=-0.1,-0.05,0.05,0.1,0.15 -reps 2 -max-slowdown 0.10
	for k in hf_weights prefscope_steer; do printf '%-18s %s\n' "$k" "${RESULT[$k]:-not run}"; done
	grep -h '^STEER ' "$LOG"
	exit
fi

GOMLX_BACKEND=$GPU step matmul 60 "$BIN" matmul

step hf_reference 90 python3 scripts/gpucheck/hf_reference.py "$WORK/tiny"
cp "$WORK"/tiny/{config.json,model.safetensors,ref.safetensors} "$OUTDIR/hf/" 2>/dev/null
GOMLX_BACKEND="$GPU,notf32" step compare_gpu_f32 90 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-4
GOMLX_BACKEND="$GPU" step compare_gpu_tf32 60 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-2
GOMLX_BACKEND=go step compare_cpu_go 60 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-4

step hf_bench 200 python3 scripts/gpucheck/hf_bench.py "$WORK/big" 8 512 64
GOMLX_BACKEND=$GPU step prefscope_bench 220 "$BIN" bench -dir "$WORK/big" -batch 8 -prompt 512 -new 64 -reps 2
GOMLX_BACKEND=$GPU step prefscope_steer 240 "$BIN" steer -dir "$WORK/big" -batch 8 -prompt 512 -new 64 -layer 16 -multipliers=-0.1,-0.05,0.05,0.1,0.15 -reps 2 -max-slowdown 0.10

echo "=== summary"
for k in matmul hf_reference compare_gpu_f32 compare_gpu_tf32 compare_cpu_go hf_bench prefscope_bench prefscope_steer; do
	printf '%-18s %s\n' "$k" "${RESULT[$k]:-not run}"
done
grep -h '^compare backend' "$LOG" | sort -u
python3 - "$LOG" <<'PY'
import json, sys
b = {}
for line in open(sys.argv[1]):
    if line.startswith("BENCH "):
        r = json.loads(line[6:]); b[r["impl"]] = r
for k, r in b.items():
    print("%-12s prefill %9.0f tok/s  decode %8.1f tok/s  (batch %d x %d, %d new)" % (
        k, r["prefill_tok_s"], r["decode_tok_s"], r["batch"], r["prompt"], r["new"]))
if len(b) == 2:
    p, h = b["prefscope"], b["transformers"]
    print("ratio prefscope/transformers: prefill %.2f  decode %.2f" % (
        p["prefill_tok_s"] / h["prefill_tok_s"], p["decode_tok_s"] / h["decode_tok_s"]))
PY
grep -h '^STEER ' "$LOG" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line[6:])
    print("steering (layer %d, mode %s, batch %d x %d, %d new): unsteered %.3f s, steered %.3f s, ratio %.3f (limit %.2f)" % (
        r["layer"], r["mode"], r["batch"], r["prompt"], r["new"], r["unsteered_s"], r["steered_s"], r["ratio"], 1 + r["max_slowdown"]))
    for m in r["multipliers"]:
        print("  multiplier %+.3f  %.3f s  tokens changed %.0f%%" % (m["multiplier"], m["s"], 100 * m["changed_tokens"]))
'
