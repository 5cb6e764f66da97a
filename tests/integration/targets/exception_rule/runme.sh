#!/usr/bin/env bash
# ncloud.wbd.exception_rule against the sandbox's write routes, run as a user runs it: one `ansible-playbook -vvvv`
# (runme.yml: idempotence, check mode, diff, delete and recover, memos on both lists, bulk, refusals, faults), then
# no secret key may appear in its output.
set -eu
log="${OUTPUT_DIR}/exception_rule-vvvv.log"
if ! ANSIBLE_ROLES_PATH=.. ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e "output_dir=${OUTPUT_DIR}" -vvvv "$@" >"$log" 2>&1; then
  tail -n 150 "$log"
  echo "FAIL: runme.yml failed (full -vvvv log: $log)"
  exit 1
fi
grep -q 'exception_rule' "$log" || { echo "FAIL: the -vvvv log does not show the module's runs"; exit 1; }
grep -q 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "$log" || { echo "FAIL: the -vvvv log shows no masked secret_key"; exit 1; }
for secret in sandbox-secret-DO-NOT-LEAK-7f3a9c sandbox-readonly-secret-5d2c; do
  if grep -q -F -- "$secret" "$log"; then
    echo "FAIL: a secret key appears in the -vvvv output ($log)"
    exit 1
  fi
done
echo "exception_rule: every scenario passed; no secret in $(wc -l <"$log") lines of -vvvv output"
