"""Write an 8B-shaped Llama checkpoint with random bf16 weights and time
transformers on it: prefill tokens/s (batch B x prompt P) and greedy decode
tokens/s with the KV cache, on the GPU.

Usage: python3 hf_bench.py OUTDIR [B P NEW]

OUTDIR gets config.json, model-0000k-of-0000n.safetensors shards and
model.safetensors.index.json, for lib/model/llama to time on the same
weights. Prints one line "BENCH {json}".
"""
import json
import os
import sys
import time

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM

out = sys.argv[1]
B, P, NEW = (int(x) for x in (sys.argv[2:5] if len(sys.argv) >= 5 else (8, 512, 64)))
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
rope = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
common = dict(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
              num_key_value_heads=8, intermediate_size=14336, vocab_size=128256,
              rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=128000,
              eos_token_id=[128001, 128008, 128009], max_position_embeddings=131072,
              attention_bias=False, mlp_bias=False, hidden_act="silu")
try:
    cfg = LlamaConfig(**common, rope_parameters=dict(rope, rope_theta=500000.0))
except Exception:
    cfg = LlamaConfig(**common, rope_theta=500000.0, rope_scaling=rope)
t0 = time.time()
try:
    torch.set_default_dtype(torch.bfloat16)
except Exception:
    pass
with torch.device("cuda"):
    model = LlamaForCausalLM(cfg)
model = model.to(torch.bfloat16).eval()
torch.cuda.synchronize()
t_init = time.time() - t0

# Save shards of about 5 GB, as Hugging Face does.
t0 = time.time()
sd = {k: v for k, v in model.state_dict().items() if "rotary" not in k}
shards, cur, size = [], {}, 0
for k, v in sd.items():
    n = v.numel() * v.element_size()
    if cur and size + n > 5 << 30:
        shards.append(cur); cur, size = {}, 0
    cur[k] = v; size += n
shards.append(cur)
weight_map = {}
for i, sh in enumerate(shards):
    name = "model-%05d-of-%05d.safetensors" % (i + 1, len(shards))
    save_file({k: v.detach().to("cpu").contiguous() for k, v in sh.items()},
              os.path.join(out, name), metadata={"format": "pt"})
    for k in sh:
        weight_map[k] = name
with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {}, "weight_map": weight_map}, f)
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump(dict(common, architectures=["LlamaForCausalLM"], model_type="llama",
                   rope_theta=500000.0, rope_scaling=rope, torch_dtype="bfloat16"), f)
t_save = time.time() - t0

g = torch.Generator(device="cpu").manual_seed(5)
ids = torch.randint(1000, 128256, (B, P), generator=g).cuda()


def timed(fn, reps=3):
    fn(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t = time.time(); fn(); torch.cuda.synchronize(); ts.append(time.time() - t)
    return sorted(ts)[len(ts) // 2]


with torch.no_grad():
    t_pre = timed(lambda: model(input_ids=ids, use_cache=False, logits_to_keep=1))

    def decode():
        o = model(input_ids=ids, use_cache=True, logits_to_keep=1)
        past, nxt = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
        torch.cuda.synchronize()
        t = time.time()
        for _ in range(NEW - 1):
            o = model(input_ids=nxt, past_key_values=past, use_cache=True)
            past, nxt = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
        torch.cuda.synchronize()
        return time.time() - t

    decode()
    t_dec = sorted(decode() for _ in range(3))[1]
res = {"impl": "transformers", "attn": model.config._attn_implementation, "dtype": "bfloat16",
       "batch": B, "prompt": P, "new": NEW, "init_s": t_init, "save_s": t_save,
       "prefill_tok_s": B * P / t_pre, "decode_tok_s": B * (NEW - 1) / t_dec}
print("BENCH", json.dumps(res), flush=True)
