"""Hugging Face transformers doing prefscope's extraction, for the GPU
benchmark of scripts/gpu-check.sh extract.

Usage: python3 hf_extract.py CKPT CONVS [LAYERS] [MAX_BATCH_TOKENS] [PEAK_TFLOPS]

CKPT is the 8B-shaped random checkpoint hf_bench.py writes; CONVS the
conversations file `gpucheck convs` writes (token ids and positions, so both
sides read the same tokens). For every conversation it returns, at each
layer in LAYERS (comma-separated, hidden_states convention), the vectors at
the end-of-turn token, the end of the user turn, the prompt's last token and
the mean over the reply, copied to the host as float32, as prefscope does.

Its own best batching: conversations sorted by length, batches filled up to
MAX_BATCH_TOKENS padded tokens, each padded only to its longest member
(eager PyTorch does not recompile per shape), right padding with an
attention mask, bf16, sdpa attention, torch.inference_mode,
output_hidden_states=True. The decoder is cut after the deepest layer asked
for (prefscope also stops there), so neither side computes later layers.
Prints one line "EXTRACT {json}".
"""
import json
import sys
import time

import torch
from transformers import LlamaForCausalLM

ckpt, convs_path = sys.argv[1], sys.argv[2]
layers = [int(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "16").split(",")]
max_tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 16384
peak = float(sys.argv[5]) if len(sys.argv) > 5 else 989.0

convs = [json.loads(line) for line in open(convs_path)]
t0 = time.time()
model = LlamaForCausalLM.from_pretrained(ckpt, torch_dtype=torch.bfloat16, attn_implementation="sdpa").to("cuda").eval()
deepest = max(layers)
model.model.layers = model.model.layers[:deepest]
model.config.num_hidden_layers = deepest
torch.cuda.synchronize()
load_s = time.time() - t0
cfg = model.config
h, heads, kvh = cfg.hidden_size, cfg.num_attention_heads, cfg.num_key_value_heads
hd = h // heads


def flops(n):
    w = h * heads * hd * 2 + h * kvh * hd * 2 + 3 * h * cfg.intermediate_size
    return deepest * (2 * w * n + 2 * n * n * heads * hd)


order = sorted(range(len(convs)), key=lambda i: len(convs[i]["ids"]))
batches, cur = [], []
for i in order:
    n = len(convs[i]["ids"])
    if cur and (len(cur) + 1) * n > max_tokens:
        batches.append(cur)
        cur = []
    cur.append(i)
if cur:
    batches.append(cur)

out = {}
tokens = sum(len(c["ids"]) for c in convs)
total_flops = sum(flops(len(c["ids"])) for c in convs)
torch.cuda.synchronize()
t1 = time.time()
with torch.inference_mode():
    for b in batches:
        T = max(len(convs[i]["ids"]) for i in b)
        ids = torch.zeros((len(b), T), dtype=torch.long)
        mask = torch.zeros((len(b), T), dtype=torch.long)
        for r, i in enumerate(b):
            s = convs[i]["ids"]
            ids[r, : len(s)] = torch.tensor(s)
            mask[r, : len(s)] = 1
        hs = model.model(input_ids=ids.cuda(), attention_mask=mask.cuda(), output_hidden_states=True).hidden_states
        rows = torch.arange(len(b), device="cuda")
        for l in layers:
            x = hs[l]
            pts = [torch.tensor([convs[i][k] for i in b], device="cuda") for k in ("end_of_turn", "user_end", "prompt_last")]
            sel = [x[rows, p].float() for p in pts]
            span = torch.zeros((len(b), T), device="cuda", dtype=torch.float32)
            for r, i in enumerate(b):
                span[r, convs[i]["mean_start"]: convs[i]["mean_end"]] = 1
            mean = (x.float() * span[:, :, None]).sum(1) / span.sum(1, keepdim=True)
            vecs = torch.stack(sel + [mean], 1).cpu()
            for r, i in enumerate(b):
                out[(i, l)] = vecs[r]
torch.cuda.synchronize()
secs = time.time() - t1
assert len(out) == len(convs) * len(layers)
print("EXTRACT " + json.dumps({
    "impl": "transformers", "conversations": len(convs), "tokens": tokens, "layers": layers,
    "positions": 4, "max_batch_tokens": max_tokens, "batches": len(batches),
    "load_s": load_s, "extract_s": secs, "tok_s": tokens / secs, "conv_s": len(convs) / secs,
    "mfu": total_flops / secs / (peak * 1e12),
}), flush=True)
