#!/usr/bin/env bash
# `make demo`: run playbooks/summary.yml against the local fake WBD API (tests/sandbox/wbd_sandbox.py).
#   - creates/reuses the pinned venv (requirements/dev.txt, cached outside the repo)
#   - copies the working tree to a temp ansible_collections/ncloud/wbd and points ANSIBLE_COLLECTIONS_PATH
#     only there, so the demo always uses this tree (never a stale ~/.ansible/collections copy)
#   - starts the sandbox, runs the playbook, prints a short summary, always stops the sandbox
# Knobs: WBD_DEMO_DETECTIONS (default 2500), WBD_SANDBOX_ARGS (extra args for `start`),
#        WBD_DEMO_OUT (report dir, default build/demo; exported to the playbook as NCLOUD_WBD_DEMO_OUTPUT),
#        extra arguments to this script go to ansible-playbook (e.g. make demo ARGS=-v).
set -uo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T0=$SECONDS
SANDBOX_ACCESS_KEY="SANDBOXACCESSKEY00001"
SANDBOX_SECRET_KEY="sandbox-secret-DO-NOT-LEAK-7f3a9c"

VENV="$(wbd_ensure_venv "$WBD_REPO/requirements/dev.txt")" || { echo "demo: could not create the venv" >&2; exit 1; }
export PATH="$VENV/bin:$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/$WBD_NS.$WBD_NAME.demo.XXXXXX")"
PLAY_LOG="$WORK/playbook.log"

# shellcheck disable=SC2329  # invoked by the EXIT trap
cleanup() { wbd_sandbox_down; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

COL="$(wbd_workcopy "$WORK")" || { echo "demo: could not copy the working tree" >&2; exit 1; }
export ANSIBLE_COLLECTIONS_PATH="$WORK" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
[ -f "$COL/playbooks/summary.yml" ] || { echo "demo: playbooks/summary.yml is missing" >&2; exit 1; }

read -r -a EXTRA <<<"${WBD_SANDBOX_ARGS:-}"
echo "== starting sandbox (${WBD_DEMO_DETECTIONS:-2500} detections)"
wbd_sandbox_up "$WORK" --detections "${WBD_DEMO_DETECTIONS:-2500}" "${EXTRA[@]}" || exit 1
URL="$WBD_SANDBOX_URL"
echo "== sandbox at $URL"

export NCLOUD_WBD_ENDPOINT="$URL"
export NCLOUD_ACCESS_KEY="$SANDBOX_ACCESS_KEY" NCLOUD_SECRET_KEY="$SANDBOX_SECRET_KEY"
OUT="${WBD_DEMO_OUT:-$WBD_REPO/build/demo}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
export NCLOUD_WBD_DEMO_OUTPUT="$OUT"

echo "== ansible-playbook ncloud.wbd.summary (collection from $COL)"
T1=$SECONDS
(cd "$WORK" && ansible-playbook ncloud.wbd.summary "$@") 2>&1 | tee "$PLAY_LOG"
RC=${PIPESTATUS[0]}
PLAY_SECS=$((SECONDS - T1))

echo
echo "==== demo summary"
echo "  ansible-core   : $(ansible --version 2>/dev/null | sed -n 1p)"
echo "  sandbox        : $URL (${WBD_DEMO_DETECTIONS:-2500} detections)"
echo "  playbook       : ncloud.wbd.summary, rc=$RC, ${PLAY_SECS}s (total $((SECONDS - T0))s)"
grep -A20 '^PLAY RECAP' "$PLAY_LOG" | sed -n '2,$p' | grep -v '^$' | sed 's/^/  recap          : /'
if grep -qF "$SANDBOX_SECRET_KEY" "$PLAY_LOG"; then
  echo "  secret leak    : FAIL - the secret key appears in the playbook output"; RC=1
else
  echo "  secret leak    : none (secret key not in the output)"
fi
if [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then
  echo "  reports in $OUT:"; find "$OUT" -type f -newer "$WBD_SANDBOX_PORT_FILE" -printf '    %P (%s bytes)\n' 2>/dev/null | sort | head -20
fi
echo "  result         : $([ "$RC" -eq 0 ] && echo OK || echo FAILED)"
exit "$RC"
