"""Write lib/tokenizer/testdata/jinja_golden.json: small Jinja snippets rendered
by Python's Jinja2 the way transformers renders chat templates (sandboxed,
trim_blocks, lstrip_blocks, tojson as json.dumps with ensure_ascii=False).

The snippets pin the Jinja behaviour lib/tokenizer's gonja front end must
reproduce: filter precedence, whitespace control, tojson, trim, and the
reject/join line of the Llama-3.1 template, which @huggingface/jinja (used by
gen.mjs) cannot render. Contexts are stored as JSON text so that key order
survives.

Usage (from the repository root): python3 scripts/tokenizer/jinja_golden.py
"""
import os
import json
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
env.filters["tojson"] = lambda x, indent=None: json.dumps(x, ensure_ascii=False, indent=indent)
snips = [
 ("reject-join", "{{- 'Tools: ' + builtin_tools | reject('equalto', 'code_interpreter') | join(', ') + '\\n\\n' }}", {"builtin_tools": ["brave_search", "code_interpreter", "wolfram_alpha"]}),
 ("filter-binds-tighter", "{{ 'a' + x | trim + 'b' }}", {"x": "  y \n"}),
 ("length-compare", "{% if xs | length == 2 %}two{% endif %}", {"xs": [1, 2]}),
 ("not-length", "{% if not xs|length == 1 %}many{% else %}one{% endif %}", {"xs": [1, 2]}),
 ("tojson-escapes", "{{ x | tojson }}", {"x": {"b": "<a & b>", "a": "é\n\t\"\\\u0001", "n": [1, 2.5, True, None]}}),
 ("tojson-indent-empty", "{{ x | tojson(indent=2) }}", {"x": {"e": [], "o": {}, "l": [1]}}),
 ("trim-unicode-space", "[{{ x | trim }}]", {"x": "\u3000\t x \u00a0\n"}),
 ("lstrip-trim-blocks", "a\n  {% if true %}\n  b\n  {% endif %}\nc", {}),
 ("comment-whitespace", "x  {#- c -#}  y\n  {# d #}\nz", {}),
 ("plus-modifiers", "a\n  {%+ if true +%}\nb{% endif %}", {}),
 ("set-filter-concat", "{% set s = 'p' ~ n | string + '!' %}{{ s }}", {"n": 3}),
 ("loop-filter", "{% for b in xs if b != 'x' %}{{ b }}{{ ',' if not loop.last }}{% endfor %}", {"xs": ["a", "x", "c"]}),
 ("subscript-call-filter", "{{ m['tool_calls'][0].function.arguments | tojson }}", {"m": {"tool_calls": [{"function": {"arguments": {"z": 1, "a": [True]}}}]}}),
 ("string-with-braces", "{{ '}}' + x | upper }}", {"x": "q"}),
 ("raw", "{% raw %}{{ x | trim + 1 }}{% endraw %}", {}),
 ("items-filter-unpack", "{%- for k, v in args | items %}{{ k + '=\"' + v + '\"' }}{% if not loop.last %}, {% endif %}{% endfor %}", {"args": {"query": "x", "lang": "fr"}}),
 ("dict-items-method", "{% for k, v in d.items() %}{{ k }}:{{ v }};{% endfor %}", {"d": {"b": 1, "a": 2}}),
 ("string-methods", "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip('\\n ') }}|{{ s.startswith('  a') }}|{{ s.split()[1] }}", {"s": "  ab cd \n"}),
 ("dict-get-keys-values", "{{ d.get('a') }} {{ d.get('z', 'none') }} {{ d.keys() | list | length }} {{ d.values() | list | length }}", {"d": {"b": 1, "a": 2}}),
 ("in-list-and-defined", "{% if name in tools and extra is not defined %}yes{% endif %}", {"name": "b", "tools": ["a", "b"]}),
 ("is-string-mapping", "{{ x is string }} {{ y is mapping }} {{ x is iterable }} {{ z is none }}", {"x": "s", "y": {"k": 1}, "z": None}),
 ("namespace-loop", "{% set ns = namespace(n=0) %}{% for m in ms %}{% if m.role == 'user' %}{% set ns.n = ns.n + 1 %}{% endif %}{% endfor %}{{ ns.n }}", {"ms": [{"role": "user"}, {"role": "assistant"}, {"role": "user"}]}),
 ("slice-negative-index", "{{ xs[1:] | length }} {{ xs[-1] }} {{ xs[0]['k'] }}", {"xs": [{"k": "first"}, 2, 3]}),
]
out = []
for name, src, ctx in snips:
    out.append({"name": name, "src": src, "ctx": json.dumps(ctx, ensure_ascii=False), "want": env.from_string(src).render(**ctx)})
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib", "tokenizer", "testdata", "jinja_golden.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump({"generator": "scripts/tokenizer/jinja_golden.py", "cases": out}, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"jinja_golden.json: {len(out)} cases")
