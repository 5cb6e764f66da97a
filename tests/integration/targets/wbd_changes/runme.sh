#!/usr/bin/env bash
# Changes since the last run, end to end, on the sandbox's known dataset (tests/sandbox/fixtures/audit_known.json):
#  1. the first audit's reports say there is no previous record, in every format, and set_stats publishes it;
#  2. then one new detection (the sandbox's mutate fault inserts one), one rule deleted (R5, through
#     ncloud.wbd.exception_rule: DeleteExceptionRule) and one host fixed (app-prd-001's agent activated through
#     ncloud.wbd.detection_target: ActivateAgent); the second audit's changes list exactly those: the new detection,
#     the removed rule, app-prd-001 unprotected -> unreviewed, no rule added or changed; the findings resolved are
#     exactly R5's and app-prd-001's unprotected ones, the new findings all the new detection's; every format says so;
#  3. a run against another endpoint URL, then one over another inventory scope (--limit, the same URL as the run
#     before it), compare nothing and say why.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start changes --dataset-file "$WBD_COL/tests/sandbox/fixtures/audit_known.json" --activation-delay-ms 0
echo "== sandbox at $WBD_URL"
export NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c ANSIBLE_SHOW_CUSTOM_STATS=1
REPORTS="$WBD_OUT/reports"
rm -rf "$REPORTS"

audit() {  # audit NAME ENDPOINT [args...]
  local name="$1" endpoint="$2"
  shift 2
  NCLOUD_WBD_ENDPOINT="$endpoint" ansible-playbook ncloud.wbd.audit -i files/inventory.json -e "ansible_python_interpreter=$WBD_PY" \
    -e "webshell_report_dir=$REPORTS" -e webshell_audit_lookback=31d "$@" >"$WBD_OUT/audit-$name.log" 2>&1 \
    || { tail -n 30 "$WBD_OUT/audit-$name.log"; wbd_fail "audit $name failed"; }
  sleep 1  # the next run's timestamped names differ
}

check() {  # check STEP: files/check_changes.py STEP on the latest reports
  "$WBD_PY" files/check_changes.py "$1" "$REPORTS" "$WBD_OUT" || wbd_fail "$1: the changes are not the expected ones (see above)"
}

# ---- 1. the first run -----------------------------------------------------------------------------------------
audit first "$WBD_URL"
grep -q '"webshell_report_changes"' "$WBD_OUT/audit-first.log" || wbd_fail "set_stats did not publish webshell_report_changes"
check first

# ---- 2. one new detection, one rule deleted, one host fixed ------------------------------------------------------
curl -fsS "$WBD_URL/__sandbox/ids?resource=detections" >"$WBD_OUT/ids-before.json" || wbd_fail "ids"
NCLOUD_WBD_ENDPOINT="$WBD_URL" ansible localhost -m ncloud.wbd.exception_rule -a "rule_id=2026110100000000001005 state=absent" \
  -e "ansible_python_interpreter=$WBD_PY" >"$WBD_OUT/delete.log" 2>&1 || { cat "$WBD_OUT/delete.log"; wbd_fail "DeleteExceptionRule"; }
NCLOUD_WBD_ENDPOINT="$WBD_URL" ansible localhost -m ncloud.wbd.detection_target -a "instance_no=10000003 agent=enabled" \
  -e "ansible_python_interpreter=$WBD_PY" >"$WBD_OUT/activate.log" 2>&1 || { cat "$WBD_OUT/activate.log"; wbd_fail "ActivateAgent"; }
curl -fsS -X POST "$WBD_URL/__sandbox/faults" -H 'Content-Type: application/json' \
  -d '{"queue": [{"kind": "mutate", "insert": 1, "resource": "detections", "count": 1}]}' >/dev/null || wbd_fail "mutate"
audit second "$WBD_URL"
curl -fsS "$WBD_URL/__sandbox/ids?resource=detections" >"$WBD_OUT/ids-after.json" || wbd_fail "ids"
check second

# ---- 3. another endpoint, another scope ------------------------------------------------------------------------
audit endpoint "${WBD_URL/127.0.0.1/localhost}"
check endpoint
audit scope "${WBD_URL/127.0.0.1/localhost}" --limit web-prd-001,web-prd-002
check scope
echo "PASS wbd_changes"
