"""Write a tiny random Llama checkpoint with transformers and its reference
outputs, for lib/model/llama's comparison with Hugging Face.

Usage: python3 hf_reference.py OUTDIR

OUTDIR gets config.json (written here in the transformers-4 key style that
lib/model/llama reads), model.safetensors (the model's float32 weights) and
ref.safetensors: for each fixed token sequence i, seq{i}.ids (int64),
seq{i}.logits [T, V] and seq{i}.hidden.{l} [T, H] for l = 0..L, computed in
float64 on the CPU with eager attention, stored as float32; plus inv_freq,
the rotary inverse frequencies transformers used.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(20261127)

rope = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
common = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, intermediate_size=128, vocab_size=512,
              rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1,
              eos_token_id=[2, 3], max_position_embeddings=1024,
              attention_bias=False, mlp_bias=False, hidden_act="silu")
try:  # transformers 5: rope settings live in rope_parameters
    cfg = LlamaConfig(**common, rope_parameters=dict(rope, rope_theta=500000.0))
    assert cfg.rope_parameters["rope_type"] == "llama3"
except Exception as e:  # transformers 4
    print("rope_parameters not accepted (%s); using rope_scaling" % e)
    cfg = LlamaConfig(**common, rope_theta=500000.0, rope_scaling=rope)
cfg._attn_implementation = "eager"
model = LlamaForCausalLM(cfg).eval()
with torch.no_grad():  # norm weights away from 1 so they matter
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            p.add_(0.1 * torch.randn_like(p))

sd = {k: v.contiguous().float() for k, v in model.state_dict().items() if "rotary" not in k}
save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
config = dict(common, architectures=["LlamaForCausalLM"], model_type="llama",
              rope_theta=500000.0, rope_scaling=rope, torch_dtype="float32")
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump(config, f, indent=2)

seqs = [[1, 17, 300, 42, 42, 7, 511, 256, 128, 9, 33, 64],
        [1, 5, 480, 77, 2, 199, 3],
        [1, 400, 12, 8, 250, 101, 399, 63, 222, 11, 14, 500, 6, 18, 90, 321, 17]]
model64 = model.double()
ref = {}
with torch.no_grad():
    for i, s in enumerate(seqs):
        ids = torch.tensor([s])
        o = model64(input_ids=ids, output_hidden_states=True)
        ref["seq%d.ids" % i] = ids[0].to(torch.int64).contiguous()
        ref["seq%d.logits" % i] = o.logits[0].float().contiguous()
        for l, h in enumerate(o.hidden_states):
            ref["seq%d.hidden.%d" % (i, l)] = h[0].float().contiguous()
    ref["inv_freq"] = model64.model.rotary_emb.inv_freq.float().contiguous()
save_file(ref, os.path.join(out, "ref.safetensors"),
          metadata={"source": "transformers %s, torch %s, float64 CPU eager" % (
              __import__("transformers").__version__, torch.__version__)})
print("hf_reference: wrote", out, "with", len(seqs), "sequences,",
      len(o.hidden_states), "hidden states each")
