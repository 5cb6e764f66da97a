#!/usr/bin/env bash
# Job slicing, as AWX does it (host i of the inventory in slice i mod 2), with real `ansible-playbook` runs against the
# sandbox: one unsliced `ncloud.wbd.audit`, then one per slice (--limit @file and --limit a,b,c), each into its own
# report directory, counting the API requests of each run. Then `ncloud.wbd.merge_slices` over the two slice records.
# Checks (files/slicing.py): every run made the same few requests (the lists' pages plus a constant); each slice's
# record lists only its hosts and none of its reports names another slice's host; the merged JSON record equals the
# unsliced one but for the run clock and run.merged_slices, and its CSV, JUnit and Markdown reports are the unsliced
# ones byte for byte once the run start is blanked. Last, slices of runs with different policies, and one slice of two,
# are refused with one fatal line each, and nothing is written.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start slicing --servers 40 --detections 1500
echo "== sandbox at $WBD_URL"
"$WBD_PY" files/slicing.py inventory "$WBD_URL" "$WBD_OUT" || wbd_fail "could not write the inventory"
LOOKBACK="$(cat "$WBD_OUT/lookback.txt")"
SLICE_2="$(paste -sd, "$WBD_OUT/slice-2.hosts")"

audit() {  # audit NAME [ansible-playbook args...]: one audit run with its own report dir, log and request counts
  local name="$1"
  shift
  rm -rf "$WBD_OUT/reports-$name"
  "$WBD_PY" files/slicing.py reset "$WBD_URL" || wbd_fail "could not reset the request counters"
  NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c \
    ansible-playbook ncloud.wbd.audit -i "$WBD_OUT/inventory.json" -e "ansible_python_interpreter=$WBD_PY" \
    -e "webshell_report_dir=$WBD_OUT/reports-$name" -e "webshell_audit_lookback=$LOOKBACK" "$@" >"$WBD_OUT/audit-$name.log" 2>&1 \
    || { tail -n 30 "$WBD_OUT/audit-$name.log"; wbd_fail "the $name audit failed"; }
  "$WBD_PY" files/slicing.py stats "$WBD_URL" "$WBD_OUT/requests-$name.json" || wbd_fail "could not read the request counts"
}

merge() {  # merge NAME SRC_JSON_LIST: ncloud.wbd.merge_slices of 2 slices into reports-NAME; its exit code
  rm -rf "$WBD_OUT/reports-$1"
  ansible-playbook ncloud.wbd.merge_slices -e "{\"wbd_merge_src\": $2, \"wbd_merge_slices\": 2}" \
    -e "webshell_report_dir=$WBD_OUT/reports-$1" >"$WBD_OUT/merge-$1.log" 2>&1
}

refused() {  # refused NAME PATTERN: the merge NAME failed with one fatal line matching PATTERN, no traceback, no files
  local rc="$1" name="$2" pattern="$3" log="$WBD_OUT/merge-$2.log" fatal
  fatal="$(grep -ac '^fatal: ' "$log")"
  { [ "$rc" -eq 2 ] && [ "$fatal" -eq 1 ]; } || { tail -n 30 "$log"; wbd_fail "$name: expected one failed task (rc 2), got rc $rc and $fatal fatal lines"; }
  grep -a '^fatal: ' "$log" | grep -qE "$pattern" || { grep -a '^fatal: ' "$log"; wbd_fail "$name: the error does not say why (expected $pattern)"; }
  ! grep -aqE 'Traceback|MODULE FAILURE|module_stderr' "$log" || { tail -n 30 "$log"; wbd_fail "$name: the refusal shows a traceback"; }
  [ ! -e "$WBD_OUT/reports-$name" ] || { ls -la "$WBD_OUT/reports-$name"; wbd_fail "$name: the refused merge wrote a report directory"; }
}

T0=$SECONDS
audit unsliced
audit slice-1 --limit "@$WBD_OUT/slice-1.hosts"
audit slice-2 --limit "$SLICE_2"
echo "== three audits in $((SECONDS - T0)) s"
"$WBD_PY" files/slicing.py requests "$WBD_URL" "$WBD_OUT" unsliced slice-1 slice-2 || wbd_fail "request counts"
"$WBD_PY" files/slicing.py slice "$WBD_OUT" 1 "$WBD_OUT/reports-slice-1" || wbd_fail "slice 1 reports"
"$WBD_PY" files/slicing.py slice "$WBD_OUT" 2 "$WBD_OUT/reports-slice-2" || wbd_fail "slice 2 reports"

T0=$SECONDS
merge merged "[\"$WBD_OUT/reports-slice-*/webshell-audit-latest.json\"]" \
  || { tail -n 30 "$WBD_OUT/merge-merged.log"; wbd_fail "ncloud.wbd.merge_slices failed"; }
echo "== merge in $((SECONDS - T0)) s"
[ "$(find "$WBD_OUT/reports-merged" -name 'webshell-audit-latest.*' | wc -l)" -eq 5 ] \
  || { ls -la "$WBD_OUT/reports-merged"; wbd_fail "the merge did not write the 5 latest report files"; }
"$WBD_PY" files/slicing.py same "$WBD_OUT/reports-unsliced" "$WBD_OUT/reports-merged" || wbd_fail "merged vs unsliced"

# Slice 2 again, audited with another policy: not a slice of the same run as slice 1.
audit other --limit "$SLICE_2" -e webshell_audit_high_weight=90
merge policy "[\"$WBD_OUT/reports-slice-1/webshell-audit-latest.json\", \"$WBD_OUT/reports-other/webshell-audit-latest.json\"]"
refused $? policy 'audit_merge: .*reports-slice-1/webshell-audit-latest.json and .*reports-other/webshell-audit-latest.json are not slices of one audit run: they differ in policy \(high_weight: 80 vs 90\)'
echo "ok   slices of runs with another policy: one fatal line naming both files and the policy difference; nothing written"
# One slice's report missing (its job failed before writing it): two slices expected.
merge missing "[\"$WBD_OUT/reports-slice-1/*.json\"]"
refused $? missing 'audit_merge: expected the records of 2 slices, got 1 distinct ones'
echo "ok   one slice of two: one fatal line saying a slice is missing; nothing written"
