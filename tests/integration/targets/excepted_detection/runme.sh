#!/usr/bin/env bash
# ncloud.wbd.excepted_detection against a sandbox of 330 excepted detections, run at -vvvv: memo (replace, append
# keeping the analyst's text), RevokeExceptedWebshell, check mode (no write), diff, idempotence, bulk over 300
# (reads by pages), the apply-then-drop fault (applied once, changed) and the refusals as one line (playbook.yml
# asserts them); then no secret key in anything the run printed.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start excepted_detection --detections 200 --excepted 330
wbd_write_playbook excepted_detection
