#!/usr/bin/env bash
# `make audit`, the main job: start the local WBD sandbox, generate an inventory of its servers,
# run `ansible-playbook ncloud.wbd.audit` against it and write the reports (JSON, CSV, HTML, JUnit, Markdown).
#   - creates/reuses the pinned venv (requirements/dev.txt, cached outside the repo)
#   - copies the working tree to a temp ansible_collections/ncloud/wbd, so the run uses this tree only
#   - always stops the sandbox
# Knobs: WBD_AUDIT_DETECTIONS (default 2500), WBD_AUDIT_SERVERS (default 30), WBD_SANDBOX_ARGS (extra sandbox
#        options), WBD_AUDIT_OUT (report dir, default build/reports); arguments go to ansible-playbook.
set -uo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T0=$SECONDS
VENV="$(wbd_ensure_venv "$WBD_REPO/requirements/dev.txt")" || { echo "audit: could not create the venv" >&2; exit 1; }
export PATH="$VENV/bin:$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/$WBD_NS.$WBD_NAME.audit.XXXXXX")"
# shellcheck disable=SC2329  # invoked by the EXIT trap
cleanup() { wbd_sandbox_down; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

wbd_workcopy "$WORK" >/dev/null || { echo "audit: could not copy the working tree" >&2; exit 1; }
export ANSIBLE_COLLECTIONS_PATH="$WORK" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

read -r -a EXTRA <<<"${WBD_SANDBOX_ARGS:-}"
wbd_sandbox_up "$WORK" --servers "${WBD_AUDIT_SERVERS:-30}" --detections "${WBD_AUDIT_DETECTIONS:-2500}" "${EXTRA[@]}" || exit 1
echo "== sandbox at $WBD_SANDBOX_URL"
python "$WBD_REPO/tools/sandbox_inventory.py" "$WBD_SANDBOX_URL" "$WORK/inventory.json" || exit 1

OUT="${WBD_AUDIT_OUT:-$WBD_REPO/build/reports}"
mkdir -p "$OUT" && chmod 700 "$OUT" && OUT="$(cd "$OUT" && pwd)"
export NCLOUD_WBD_ENDPOINT="$WBD_SANDBOX_URL" NCLOUD_ACCESS_KEY="SANDBOXACCESSKEY00001"
export NCLOUD_SECRET_KEY="sandbox-secret-DO-NOT-LEAK-7f3a9c"

echo "== ansible-playbook ncloud.wbd.audit -i inventory.json"
(cd "$WORK" && ansible-playbook ncloud.wbd.audit -i "$WORK/inventory.json" -e "webshell_report_dir=$OUT" "$@") 2>&1 \
  | tee "$WORK/playbook.log"
RC=${PIPESTATUS[0]}
if grep -qF "$NCLOUD_SECRET_KEY" "$WORK/playbook.log" "$OUT"/* 2>/dev/null; then
  echo "audit: FAIL - the secret key appears in the output or the reports"; RC=1
fi
echo
echo "==== audit: rc=$RC in $((SECONDS - T0))s; reports in $OUT"
python - "$OUT/webshell-audit-latest.json" "$WBD_SANDBOX_URL" <<'PY' || RC=1
import json, sys
try:
    record = json.load(open(sys.argv[1], encoding='utf-8'))
except (OSError, ValueError) as err:
    sys.exit('no readable JSON report: %s' % err)
s = record['summary']
print('  %d hosts: %d unprotected, %d unknown, %d unreviewed, %d compliant; %d detections in the last %s '
      '(%d unreviewed, %d unmatched); %d findings (%d critical, %d high)'
      % (s['hosts'], s['unprotected'], s['unknown'], s['unreviewed'], s['compliant'], s['detections'],
         record['run']['policy']['lookback'], s['unreviewed_detections'], s['unmatched_detections'], s['findings'],
         s['findings_by_severity']['critical'], s['findings_by_severity']['high']))
problems = record['completeness']['problems']
print('  data complete' if record['completeness']['complete'] else
      '  DATA INCOMPLETE (%d problems): %s' % (len(problems), ' | '.join(p['message'] for p in problems)))
import urllib.request
with urllib.request.urlopen(sys.argv[2] + '/__sandbox/stats?log=0', timeout=10) as answer:
    stats = json.load(answer)
print('  API requests: %d for %d hosts (%s)' % (stats['requests_total'], s['hosts'], ', '.join(
    '%s %d' % (op, n) for op, n in sorted(stats['by_operation'].items()))))
PY
exit "$RC"
