#!/usr/bin/env bash
# GPU check for lib/model/llama (see scripts/gpucheck/main.go).
#
#   scripts/gpu-check.sh build   # here: cross-build gpu-out/gpucheck (the GPU machine has no Go)
#   scripts/gpu-check.sh         # on the GPU machine, from the repository root
#
# On the GPU machine it: finds the CUDA PJRT plugin that JAX installed
# (jax_plugins/xla_cuda*/xla_cuda_plugin.so in site-packages; nothing is
# downloaded), runs a matmul through GoMLX's xla backend, builds a tiny random
# LlamaForCausalLM with transformers and compares our logits and hidden states
# with it (GPU without and with TF32, and the CPU go backend), copies that
# checkpoint and its reference outputs to $OUT/hf/ (commit them to
# lib/model/llama/testdata/hf/), then times prefill and decode of an 8B-shaped
# bf16 model for transformers and for prefscope on the same GPU and prints
# the ratio. Budget: under 8 minutes; every step has its own timeout.
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

GOMLX_BACKEND=$GPU step matmul 60 "$BIN" matmul

step hf_reference 90 python3 scripts/gpucheck/hf_reference.py "$WORK/tiny"
cp "$WORK"/tiny/{config.json,model.safetensors,ref.safetensors} "$OUTDIR/hf/" 2>/dev/null
GOMLX_BACKEND="$GPU,notf32" step compare_gpu_f32 90 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-4
GOMLX_BACKEND="$GPU" step compare_gpu_tf32 60 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-2
GOMLX_BACKEND=go step compare_cpu_go 60 "$BIN" compare -dir "$WORK/tiny" -ref "$WORK/tiny/ref.safetensors" -tol 1e-4

step hf_bench 200 python3 scripts/gpucheck/hf_bench.py "$WORK/big" 8 512 64
GOMLX_BACKEND=$GPU step prefscope_bench 220 "$BIN" bench -dir "$WORK/big" -batch 8 -prompt 512 -new 64 -reps 2

echo "=== summary"
for k in matmul hf_reference compare_gpu_f32 compare_gpu_tf32 compare_cpu_go hf_bench prefscope_bench; do
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
