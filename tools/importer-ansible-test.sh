#!/usr/bin/env bash
# `ansible-test` as galaxy-importer sees it in the galaxy-importer step of tools/test.sh: the step links it, first on
# PATH, as $WORK/importer-bin/ansible-test, for that step only.
#
# THE ONE DEVIATION FROM AUTOMATION HUB. With RUN_ANSIBLE_TEST = True, galaxy-importer runs ansible-test sanity on
# the extracted tarball. Its LocalAnsibleTestRunner, the runner the step uses, calls
#     ansible-test sanity --docker --color yes --failure-ok
# in the extracted collection (ansible_collections/NS/NAME in the importer's temporary directory); on Automation Hub
# the same sanity runs inside the importer's test container. There is no container engine on our machines or in CI,
# so --docker cannot run. This wrapper runs the same command without --docker, nothing else changed: the same
# tests (all of them, no --skip-test), in the same extracted tarball, with the ansible-test of the importer's own
# venv (its ansible-core), --color yes and --failure-ok as the importer asks. The importer logs the output as it would
# the container's, line by line; tools/test.sh fails the step on any ERROR or WARNING line in that log. With
# --failure-ok ansible-test exits 0 when a test fails, exactly as for the importer: a failure shows as its
# "ERROR: ..." lines, which fail the step.
#
# What running in place of the container means, and how the step makes up for it:
# - Controller: ansible-test runs on the importer venv's Python 3.11 (the container runs it on its system Python
#   3.11). Every test with requirements still runs in its own sanity venv (~/.ansible/test/venv), as in the container.
#   The step primes those venvs before the import (ansible-test sanity --prime-venvs, as the container image is built),
#   so no pip run ends up in the importer's log.
# - Pythons: the container holds every Python ansible-test supports; here the multi-version tests (compile, import)
#   use the interpreters linked in $WBD_IMPORTER_PYTHON_BIN (real interpreters, found as tools/lib.sh finds them).
#   When ansible-test needs a Python it cannot find it prints "WARNING: Skipping sanity test ... because it could not be
#   found", which fails the step. pyenv's shims are taken off PATH: a shim of a Python that is not pyenv's global one
#   fails when run.
# - Locale: the container has en_US.UTF-8, which ansible-test asks for (it warns when it falls back to C.UTF-8); the
#   step requires it (tools/lib.sh wbd_check_standard_locale) and .ci/run generates it on CI machines.
#
# Environment (set by tools/test.sh):
#   WBD_IMPORTER_ANSIBLE_TEST   the real ansible-test (the importer venv's bin/ansible-test)
#   WBD_IMPORTER_PYTHON_BIN     directory of pythonX.Y links, put first on PATH
set -u
real="${WBD_IMPORTER_ANSIBLE_TEST:?WBD_IMPORTER_ANSIBLE_TEST is not set (only the galaxy-importer step of tools/test.sh runs this)}"
pybin="${WBD_IMPORTER_PYTHON_BIN:?WBD_IMPORTER_PYTHON_BIN is not set}"

# Only the call LocalAnsibleTestRunner makes (ansible-test sanity --docker ...) is translated; anything else is
# refused, so that an importer that changes its call is noticed instead of being run some other way.
args=()
swapped=0
prev=""
for a in "$@"; do
  if [ "$a" = --docker ]; then
    swapped=1
  elif [ "$prev" = --docker ] && [ "${a#-}" = "$a" ]; then
    echo "ERROR: importer-ansible-test.sh: --docker with an image ($a) is not translated; update tools/importer-ansible-test.sh" >&2
    exit 2
  else
    args+=("$a")
  fi
  prev="$a"
done
if [ "${1:-}" != sanity ] || [ "$swapped" != 1 ]; then
  echo "ERROR: importer-ansible-test.sh: unexpected call 'ansible-test $*' (expected 'ansible-test sanity --docker ...'); update tools/importer-ansible-test.sh" >&2
  exit 2
fi

path="$pybin"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  case "$d" in *pyenv*/shims) continue ;; esac
  path="$path:$d"
done
export PATH="$path"

echo "importer-ansible-test.sh: 'ansible-test $*' runs as 'ansible-test ${args[*]}' in place of the container (no container engine here), with $real"
pythons=""
for p in "$pybin"/python*; do [ -e "$p" ] && pythons="$pythons ${p##*/}"; done
echo "importer-ansible-test.sh: Pythons for the multi-version tests:${pythons:- none}"
exec "$real" "${args[@]}"
