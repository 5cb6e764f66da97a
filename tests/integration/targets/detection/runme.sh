#!/usr/bin/env bash
# ncloud.wbd.detection against a sandbox of 400 detections, run at -vvvv: memo (replace, append keeping the analyst's
# text), DeleteWebshell, check mode (no write), diff, idempotence, bulk over 300 detections (reads by pages), the
# apply-then-drop fault (applied once, changed) and the refusals as one line (playbook.yml asserts them); then no
# secret key in anything the run printed.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start detection --detections 400 --excepted 20
wbd_write_playbook detection
