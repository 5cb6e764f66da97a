#!/usr/bin/env bash
# `make units-fast`: plain pytest on tests/unit from the main venv, no ansible-test, no copy.
# The repo is made importable as ansible_collections.ncloud.wbd through a symlink farm kept in the
# cache dir (outside the repo, so no tool walking the repo sees a loop). Extra args go to pytest.
set -uo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
VENV="$(wbd_ensure_venv "$WBD_REPO/requirements/dev.txt")" || exit 1
ROOT="$WBD_CACHE_DIR/pyroot-$(printf '%s' "$WBD_REPO" | sha256sum | cut -c1-12)"
mkdir -p "$ROOT/ansible_collections/$WBD_NS"
ln -sfn "$WBD_REPO" "$ROOT/ansible_collections/$WBD_NS/$WBD_NAME"
cd "$WBD_REPO" || exit 1
# Paths among the arguments replace the default tests/unit (make units-fast ARGS="tests/unit/x.py -k y").
DEFAULT=(tests/unit)
for a in "$@"; do case "$a" in tests/*) DEFAULT=() ;; esac; done
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" exec "$VENV/bin/python" -m pytest \
  -p no:pytest-ansible -p no:cacheprovider -q "${DEFAULT[@]}" "$@"
