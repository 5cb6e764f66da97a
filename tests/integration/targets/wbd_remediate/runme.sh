#!/usr/bin/env bash
# ncloud.wbd.remediate against the sandbox's known dataset (files/remediate_known.json), as a user runs it:
#   1. --check: lists exactly the planned actions, sends zero write requests;
#   2. a cap of 3 refuses the plan of 4: the run fails saying so, zero writes;
#   3. apply: exactly the planned writes, each applied once, and the sandbox's state shows them (the agent
#      activating or enabled, the file quarantined, the memos with the dated line after the analyst's text);
#   4. apply again: zero writes;
#   5. unapproved rules: with a baseline that approves another rule, check mode plans the deletion of rule-a only (the
#      approved rule that is gone is a finding, not an action), apply deletes it once (it moves to the deleted list),
#      and a second apply sends nothing.
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

printf 'rules:\n  - rule_id: "3026110100000000009999"\n    name: approved-elsewhere\n' >"$WBD_OUT/baseline.yml"
SWITCHES=(-e webshell_remediate_delete_unapproved_rules=true -e "webshell_audit_rule_baseline=$WBD_OUT/baseline.yml")
run rules-check --check
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/rules-check.log"; wbd_fail "the check-mode run with a baseline failed"; }
"$WBD_PY" files/check.py rules_check "$WBD_URL" "$WBD_OUT/rules-check.log" || wbd_fail "rules, check mode"
run rules-apply
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/rules-apply.log"; wbd_fail "the apply run with a baseline failed"; }
"$WBD_PY" files/check.py rules_apply "$WBD_URL" "$WBD_OUT/rules-apply.log" || wbd_fail "rules, apply"
run rules-again
[ "$RC" = 0 ] || { tail -n 40 "$WBD_OUT/rules-again.log"; wbd_fail "the second apply with a baseline failed"; }
"$WBD_PY" files/check.py again "$WBD_URL" "$WBD_OUT/rules-again.log" || wbd_fail "rules, second apply"
echo "ok   an unapproved rule: check mode plans its deletion only, apply deletes it once, a second apply sends nothing"

for log in check cap apply again rules-check rules-apply rules-again; do
  if grep -q -F -- sandbox-secret-DO-NOT-LEAK-7f3a9c "$WBD_OUT/$log.log"; then wbd_fail "the secret key appears in $log.log"; fi
done
echo "wbd_remediate: every scenario passed"
