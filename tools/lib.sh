# shellcheck shell=bash
# Shared helpers for tools/test.sh, tools/audit.sh and the Makefile. Source it; don't run it.
#
# Environment knobs (all optional):
#   WBD_CACHE_DIR          where cached venvs live (default ${XDG_CACHE_HOME:-$HOME/.cache}/ncloud-wbd-ci)
#   WBD_PYTHON_3_11 ...    interpreter to use for a requirements file that says "# python: 3.11" (etc.)

WBD_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WBD_CACHE_DIR="${WBD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ncloud-wbd-ci}"
WBD_NS="$(sed -n 's/^namespace: *//p' "$WBD_REPO/galaxy.yml" | tr -d "\"' ")"
WBD_NAME="$(sed -n 's/^name: *//p' "$WBD_REPO/galaxy.yml" | tr -d "\"' ")"
WBD_STALE="$HOME/.ansible/collections/ansible_collections/$WBD_NS/$WBD_NAME"

export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

wbd_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# wbd_req_python REQFILE -> the Python versions from its "# python: X.Y [X.Y...]" header line (preferred first)
wbd_req_python() {
  sed -n 's/^# *python: *\([0-9. ]*\).*/\1/p' "$1" | head -1
}

# wbd_venv_python VENV -> "X.Y" of the venv's interpreter
wbd_venv_python() {
  "$1/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}

# wbd_find_python X.Y -> path of a working CPython X.Y with venv+ensurepip, or fail with a clear message.
# Order: $WBD_PYTHON_X_Y, pyenv's versions/X.Y.*/bin (newest patch first; the pyenv *shims* are not used,
# they fail for versions that aren't pyenv's global one), then pythonX.Y / python3 on PATH, /usr/bin, /usr/local/bin.
wbd_find_python() {
  local want="$1" var cand root
  var="WBD_PYTHON_${want//./_}"
  local -a cands=()
  [ -n "${!var:-}" ] && cands+=("${!var}")
  root="${PYENV_ROOT:-}"
  [ -z "$root" ] && command -v pyenv >/dev/null 2>&1 && root="$(pyenv root 2>/dev/null)"
  [ -z "$root" ] && [ -d "$HOME/.pyenv" ] && root="$HOME/.pyenv"
  if [ -n "$root" ] && [ -d "$root/versions" ]; then
    while IFS= read -r cand; do cands+=("$cand/bin/python$want"); done \
      < <(find "$root/versions" -maxdepth 1 -name "$want.*" | sort -rV)
  fi
  cand="$(command -v "python$want" 2>/dev/null)" && cands+=("$cand")
  cand="$(command -v python3 2>/dev/null)" && cands+=("$cand")
  cands+=("/usr/local/bin/python$want" "/usr/bin/python$want")
  for cand in "${cands[@]}"; do
    [ -x "$cand" ] || continue
    if [ "$("$cand" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
      echo "$cand"; return 0
    fi
  done
  cat >&2 <<MSG
ERROR: no working Python $want found (looked at: \$$var, pyenv versions/$want.*, python$want on PATH, /usr/bin, /usr/local/bin).
       Python $want is needed for this ansible-core version. Our machines have it under \$(pyenv root)/versions/;
       elsewhere install it (e.g. 'pyenv install $want' where python.org is reachable, or a distro package)
       and/or point $var at its interpreter.
MSG
  return 1
}

# wbd_ensure_venv REQFILE -> prints the venv dir. Reuses a cached venv keyed by the file's content + interpreter.
wbd_ensure_venv() {
  local req="$1" pyver="" py="" key venv name v
  for v in $(wbd_req_python "$req"); do
    if py="$(wbd_find_python "$v" 2>/dev/null)"; then pyver="$v"; break; fi
  done
  if [ -z "$pyver" ]; then
    v="$(wbd_req_python "$req")"
    [ -n "$v" ] || { echo "ERROR: $req has no '# python: X.Y' header" >&2; return 1; }
    echo "ERROR: $req needs Python ${v// / or }" >&2
    for v in $v; do wbd_find_python "$v" >/dev/null; done
    return 1
  fi
  key="$( { cat "$req"; "$py" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-12)"
  name="$(basename "$req" .txt)"
  venv="$WBD_CACHE_DIR/venv-$name-py$pyver-$key"
  if [ ! -f "$venv/.wbd-complete" ]; then
    mkdir -p "$WBD_CACHE_DIR"
    # tools/test.sh runs two lanes: one creates a venv, the other waits for it (the lock goes with this subshell).
    if command -v flock >/dev/null 2>&1; then
      exec 8>"$WBD_CACHE_DIR/.lock-venv-$name"
      flock 8
    fi
  fi
  if [ ! -f "$venv/.wbd-complete" ]; then
    wbd_log "creating venv $venv (python $py, $req)"
    local t0=$SECONDS
    rm -rf "$venv"
    "$py" -m venv "$venv" >&2 || return 1
    "$venv/bin/python" -m pip install -q -r "$req" >&2 || { wbd_log "pip install -r $req failed"; return 1; }
    touch "$venv/.wbd-complete"
    wbd_log "venv ready in $((SECONDS - t0))s"
    # drop venvs built from older versions of the same requirements file
    find "$WBD_CACHE_DIR" -maxdepth 1 -name "venv-$name-py*" ! -path "$venv" -exec rm -rf {} + 2>/dev/null
  fi
  echo "$venv"
}

# wbd_install_get_pip_shims VENV: ansible-test bootstraps pip in every venv it creates by downloading
# get-pip-X.py from a host we can't reach; put our offline stand-in at each path it checks.
# X comes from the venv's ansible_test/_internal/python_requirements.py (differs between ansible-core versions).
wbd_install_get_pip_shims() {
  local venv="$1" f v
  mkdir -p "$HOME/.ansible/test/cache"
  for f in "$venv"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py; do
    [ -f "$f" ] || continue
    while IFS= read -r v; do
      cp "$WBD_REPO/.ci/get_pip_shim.py" "$HOME/.ansible/test/cache/.get_pip.$$" \
        && mv -f "$HOME/.ansible/test/cache/.get_pip.$$" "$HOME/.ansible/test/cache/get_pip_${v//./_}.py"
    done < <(sed -n "s/^ *pip=['\"]\([0-9.]*\)['\"].*/\1/p" "$f" | sort -u)
  done
}

# wbd_check_standard_locale: fails with a message unless the locale en_US.UTF-8 exists. ansible-test asks for it (the
# galaxy-importer container has it) and warns when it falls back to C.UTF-8; it passes LC_ALL to every tool it runs,
# so the locale must be a system one. .ci/run generates it on CI machines.
wbd_check_standard_locale() {
  python3 -c "import locale; locale.setlocale(locale.LC_ALL, 'en_US.UTF-8')" 2>/dev/null && return 0
  echo "ERROR: the locale en_US.UTF-8 is missing (ansible-test warns without it). Generate it once, as root:" >&2
  echo "       localedef -i en_US -f UTF-8 en_US.UTF-8   (Debian: apt-get install locales first; .ci/run does both)" >&2
  return 1
}

# wbd_workcopy DIR -> copies the working tree (tracked + untracked-not-ignored files) to
# DIR/ansible_collections/NS/NAME and prints that path. ansible-test needs that path shape, and a copy
# (not a symlink); git-ignored files (tests/output, .ansible, venvs...) stay out.
wbd_workcopy() {
  local col="$1/ansible_collections/$WBD_NS/$WBD_NAME"
  rm -rf "$col"; mkdir -p "$col"
  if git -C "$WBD_REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$WBD_REPO" && git ls-files -z --cached --others --exclude-standard \
      | while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done \
      | tar --null -T - -cf -) | tar -C "$col" -xf - || return 1
  else
    tar -C "$WBD_REPO" --exclude=.git --exclude=tests/output --exclude=.ansible --exclude=collections \
      --exclude=.venv --exclude=venv --exclude=build --exclude=dist -cf - . | tar -C "$col" -xf - || return 1
  fi
  echo "$col"
}

# pitfall 6: ansible-lint/molecule install build copies into ~/.ansible/collections that shadow the tree.
wbd_remove_stale() { rm -rf "$WBD_STALE"; }

# wbd_sandbox_up DIR [start options...] -> starts tests/sandbox/wbd_sandbox.py detached with its port file in DIR,
# sets WBD_SANDBOX_URL, WBD_SANDBOX_PORT_FILE and WBD_SANDBOX_LOG; fails with the sandbox's output otherwise.
# Pair it with wbd_sandbox_down in an EXIT trap.
wbd_sandbox_up() {
  local dir="$1"; shift
  WBD_SANDBOX_PORT_FILE="$dir/sandbox.port" WBD_SANDBOX_LOG="$dir/sandbox.log" WBD_SANDBOX_URL=""
  python "$WBD_REPO/tests/sandbox/wbd_sandbox.py" start --port-file "$WBD_SANDBOX_PORT_FILE" "$@" \
    >"$WBD_SANDBOX_LOG" 2>&1 </dev/null || { echo "the sandbox did not start; its output:" >&2; cat "$WBD_SANDBOX_LOG" >&2; return 1; }
  WBD_SANDBOX_URL="$(grep -Eo 'https?://[^ "]+' "$WBD_SANDBOX_LOG" | head -1)"
  [ -n "$WBD_SANDBOX_URL" ] || WBD_SANDBOX_URL="http://127.0.0.1:$(tr -dc '0-9' <"$WBD_SANDBOX_PORT_FILE")"
}

# wbd_sandbox_down -> stops the sandbox wbd_sandbox_up started (quietly; fine if it is already gone)
wbd_sandbox_down() {
  [ -n "${WBD_SANDBOX_PORT_FILE:-}" ] && [ -e "$WBD_SANDBOX_PORT_FILE" ] || return 0
  python "$WBD_REPO/tests/sandbox/wbd_sandbox.py" stop --port-file "$WBD_SANDBOX_PORT_FILE" >/dev/null 2>&1 || true
}
