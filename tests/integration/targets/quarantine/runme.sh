#!/usr/bin/env bash
# ncloud.wbd.quarantine against a sandbox of 320 quarantined files, run at -vvvv: memo (replace, append
# keeping the analyst's text), RecoverQuarantine, check mode (no write), diff, idempotence, bulk over 300
# (reads by pages), the apply-then-drop fault (applied once, changed), the console's failures as one line (playbook.yml
# asserts them); then no secret key in anything the run printed.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

wbd_sandbox_start quarantine --detections 600 --quarantines 320
wbd_write_playbook quarantine
