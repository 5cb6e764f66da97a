#!/usr/bin/env bash
# ncloud.wbd.remediate against the sandbox's known dataset (files/remediate_known.json), as a user runs it:
#   1. --check: lists exactly the planned actions, sends zero write requests;
#   2. a cap of 3 refuses the plan of 4: the run fails saying so, zero writes;
#   3. apply: exactly the planned writes, each applied once, and the sandbox's state shows them (the agent
#      activating or enabled, the file quarantined, the memos with the dated line after the analyst's text);
#   4. apply again: zero writes.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start remediate --dataset-file "$PWD/files/remediate_known.json"
export NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c NCLOUD_WBD_ENDPOINT="$WBD_URL"
SWITCHES=(-e webshell_remediate_enable_agents=true -e webshell_remediate_quarantine_malware=true -e webshell_remediate_annotate_unreviewed=true)

run() {  # run NAME [ansible-playbook arguments...]: the log in $WBD_OUT/NAME.log, the exit code in RC
  local name="$1"
  shift
  "$WBD_PY" files/check.py reset "$WBD_URL" || wbd_fail "could not reset the sandbox's stats"
  ansible-playbook -i files/inventory.yml files/remediate.yml -e "webshell_report_dir=$WBD_OUT/reports" "${SWITCHES[@]}" "$@" >"$WBD_OUT/$name.log" 2>&1
  RC=$?
}

run check --check
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/check.log"; wbd_fail "the check-mode run failed"; }
"$WBD_PY" files/check.py check "$WBD_URL" "$WBD_OUT/check.log" || wbd_fail "check mode"
echo "ok   check mode lists exactly the 4 planned actions and sends no write"

run cap -e webshell_remediate_max_actions=3
[ "$RC" != 0 ] || wbd_fail "a plan of 4 actions with webshell_remediate_max_actions=3 did not fail"
"$WBD_PY" files/check.py cap "$WBD_URL" "$WBD_OUT/cap.log" || wbd_fail "the cap"
echo "ok   the cap refuses the plan of 4 without writing"

run apply
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/apply.log"; wbd_fail "the apply run failed"; }
"$WBD_PY" files/check.py apply "$WBD_URL" "$WBD_OUT/apply.log" || wbd_fail "apply"
echo "ok   apply performs exactly the planned writes and the sandbox shows them"

run again
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/again.log"; wbd_fail "the second apply failed"; }
"$WBD_PY" files/check.py again "$WBD_URL" "$WBD_OUT/again.log" || wbd_fail "second apply"
echo "ok   a second apply plans nothing and sends no write"

for log in check cap apply again; do
  if grep -q -F -- sandbox-secret-DO-NOT-LEAK-7f3a9c "$WBD_OUT/$log.log"; then wbd_fail "the secret key appears in $log.log"; fi
done
echo "wbd_remediate: every scenario passed"
