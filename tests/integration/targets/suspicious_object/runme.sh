#!/usr/bin/env bash
# ncloud.wbd.suspicious_object against a sandbox of 400 detections, run at -vvvv: quarantine, restore, memo,
# check mode (no write), diff, idempotence, bulk over 300 files (one read per detection), files of excepted detections, the
# apply-then-drop fault (applied once, changed), 8008 and the console's quarantine failures as one line (playbook.yml asserts them); then no
# secret key in anything the run printed.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start suspicious_object --detections 400 --excepted 20
wbd_write_playbook suspicious_object
