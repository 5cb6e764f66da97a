#!/usr/bin/env bash
# ncloud.wbd.detection against a sandbox of 400 detections, run at -vvvv: memo (replace, append keeping the analyst's
# text), DeleteWebshell, check mode (no write), diff, idempotence, bulk over 300 detections (reads by pages), the
# apply-then-drop fault (applied once, changed) and the refusals as one line (playbook.yml asserts them); then no
# secret key in anything the run printed.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start detection --detections 400 --excepted 20
export NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c
export WBD_READONLY_SECRET=sandbox-readonly-secret-5d2c
log="$WBD_OUT/detection.log"
ansible-playbook -vvvv playbook.yml -e "wbd_endpoint=$WBD_URL" >"$log" 2>&1
rc=$?
tail -n 60 "$log"
[ "$rc" -eq 0 ] || wbd_fail "the detection playbook failed (rc $rc; log $log)"
for secret in "$NCLOUD_SECRET_KEY" "$WBD_READONLY_SECRET"; do
  if grep -qF "$secret" "$log"; then
    wbd_fail "a secret key appears in the -vvvv output ($log)"
  fi
done
grep -q 'failed=0' "$log" || wbd_fail "no play recap without failures in $log"
echo "detection: all checks passed, no secret in $(wc -l <"$log") lines of -vvvv output"
