#!/usr/bin/env bash
# Atomic report writes under real failures, end to end (`ansible-playbook ncloud.wbd.audit`):
#  1. file size limit: a second run under `ulimit -f` (Python ignores SIGXFSZ, so the write fails with EFBIG)
#     cannot keep its record file, written before any report: the audit fails, no report is touched;
#  2. full disk: in a tmpfs sized so that the second run's timestamped set fits but its latest copies do not,
#     the run fails after replacing the latest CSV file (skipped, saying so, where mounting is not allowed).
# Each time: the run fails with one clear error (no traceback), the first run's report set is intact byte for
# byte (same inodes and mtimes: not even rewritten), no temporary file is left; then a clean run works again.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

MOUNTED=""
wbd_on_exit() { [ -z "$MOUNTED" ] || umount -l "$MOUNTED" 2>/dev/null || true; }

wbd_sandbox_start atomic --servers 12 --detections 800
printf '{"all": {"vars": {"ansible_connection": "local"}, "hosts": {"web-1": {}, "web-2": {}}}}\n' >"$WBD_OUT/inventory.json"

audit() {  # audit REPORT_DIR LOG [ARGS...]: one audit run (modules pipelined, so Ansible itself writes no big file)
  local dir="$1" log="$2"
  shift 2
  NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY=sandbox-secret-DO-NOT-LEAK-7f3a9c \
    ANSIBLE_PIPELINING=1 ansible-playbook ncloud.wbd.audit -i "$WBD_OUT/inventory.json" -e "ansible_python_interpreter=$WBD_PY" \
    -e "webshell_report_dir=$dir" -e webshell_audit_lookback=31d "$@" >"$log" 2>&1
}

first_run() {  # first_run DIR NAME: a successful run, then a snapshot of DIR
  audit "$1" "$WBD_OUT/$2-run1.log" || { tail -n 30 "$WBD_OUT/$2-run1.log"; wbd_fail "$2: the first run failed"; }
  [ "$(find "$1" -type f | wc -l)" -eq 10 ] || wbd_fail "$2: the first run did not write 10 report files"
  "$WBD_PY" files/snapshot.py save "$1" "$WBD_OUT/$2-before.json" || wbd_fail "$2: snapshot"
  sleep 1  # the next run's timestamped names differ (they have a one-second resolution)
}

check_failed_run() {  # check_failed_run DIR NAME RC FILE ERRNO_TEXT
  local dir="$1" name="$2" rc="$3" file="$4" errno="$5" log="$WBD_OUT/$2-run2.log" fatal msg rest
  fatal="$(grep -ac '^fatal: ' "$log")"
  if [ "$rc" -ne 2 ] || [ "$fatal" -ne 1 ]; then
    tail -n 40 "$log"; wbd_fail "$name: expected one failed task (rc 2), got rc $rc and $fatal failed tasks"
  fi
  msg="$(grep -a '^fatal: ' "$log" | grep -ao 'could not write [^"]*' | head -1)"
  rest="${msg#"could not write $dir/"}"
  [[ "$msg" != "$rest" && "$rest" =~ ^${file}:\ ${errno} ]] \
    || { grep -a '^fatal: ' "$log"; wbd_fail "$name: the error does not say that $file in $dir could not be written ($errno)"; }
  ! grep -aqE 'Traceback|MODULE FAILURE|module_stderr' "$log" || { tail -n 40 "$log"; wbd_fail "$name: the failure shows a traceback"; }
  echo "ok   $name: one clear error: could not write $rest"
  "$WBD_PY" files/snapshot.py same "$dir" "$WBD_OUT/$name-before.json" \
    || wbd_fail "$name: the report directory is not exactly as the first run left it (see above)"
  echo "ok   $name: the first run's 10 files are intact (content, inode, mtime), nothing else is there (no temporary file)"
}

recovery_run() {  # recovery_run DIR NAME: a run after the failure works and writes a second set
  audit "$1" "$WBD_OUT/$2-run3.log" || { tail -n 30 "$WBD_OUT/$2-run3.log"; wbd_fail "$2: the run after the failure failed"; }
  [ "$(find "$1" -name 'webshell-audit-2*' | wc -l)" -eq 10 ] && [ -z "$(find "$1" -name '.*' ! -path "$1")" ] \
    || { ls -la "$1"; wbd_fail "$2: after a clean run, expected two timestamped sets and no hidden file"; }
  echo "ok   $2: the next run writes its set normally"
}

# ---- 1. file size limit (EFBIG) -----------------------------------------------------------------------------
# The audit writes its record file (a detection a line, about the size of the JSON report) before any report, so a
# limit above the HTML report but below the JSON one stops the record: the audit fails in one line naming the record,
# leaves no partial record, and the report directory is not touched. (A set cut off half-way is the tmpfs case below,
# and the unit tests'.)
DIR="$WBD_OUT/reports-ulimit"
first_run "$DIR" ulimit
read -r SET JSON HTML <<<"$("$WBD_PY" files/snapshot.py sizes "$DIR")"
[ "$HTML" -lt "$JSON" ] || wbd_fail "ulimit: the JSON report ($JSON bytes) should be larger than the HTML one ($HTML)"
LIMIT_KB=$(( (HTML + JSON) / 2 / 1024 ))
RECORDS="$WBD_OUT/records-ulimit"
mkdir -p "$RECORDS"
echo "== reports: $SET bytes per set, JSON $JSON, HTML $HTML; second run under ulimit -f ${LIMIT_KB} (KiB)"
(ulimit -f "$LIMIT_KB" && audit "$DIR" "$WBD_OUT/ulimit-run2.log" -e "webshell_audit_record_dir=$RECORDS")
RC=$?
LOG="$WBD_OUT/ulimit-run2.log"
if [ "$RC" -ne 2 ] || [ "$(grep -ac '^fatal: ' "$LOG")" -ne 1 ]; then
  tail -n 40 "$LOG"; wbd_fail "ulimit: expected one failed task (rc 2), got rc $RC"
fi
grep -a '^fatal: ' "$LOG" | grep -qE "could not keep the audit record in $RECORDS: \[Errno 27\] File too large; free space there" \
  || { grep -a '^fatal: ' "$LOG"; wbd_fail "ulimit: the error does not say that the audit record could not be kept (File too large)"; }
! grep -aqE 'Traceback|MODULE FAILURE|module_stderr' "$LOG" || { tail -n 40 "$LOG"; wbd_fail "ulimit: the failure shows a traceback"; }
[ -z "$(ls -A "$RECORDS")" ] || { ls -la "$RECORDS"; wbd_fail "ulimit: a partial record file was left behind"; }
echo "ok   ulimit: one clear error: could not keep the audit record (File too large); no partial record left"
"$WBD_PY" files/snapshot.py same "$DIR" "$WBD_OUT/ulimit-before.json" || wbd_fail "ulimit: the report directory changed (see above)"
echo "ok   ulimit: the first run's 10 files are intact (content, inode, mtime), nothing else is there"
recovery_run "$DIR" ulimit

# ---- 2. full disk while the latest copies are written (tmpfs) ---------------------------------------------
DIR="$WBD_OUT/reports-tmpfs"
mkdir -p "$DIR"
# Room for the first run's two sets, the second run's timestamped set and half the JSON: the second run writes its
# timestamped set, replaces the latest CSV, then runs out of space on a later latest copy (the HTML, JUnit, Markdown
# or JSON one, depending on whether the files being replaced still hold their space).
SIZE=$(( (3 * SET + JSON / 2 + 4095) / 4096 * 4096 ))
if mount -t tmpfs -o "size=$SIZE,mode=0700" wbd-report-atomic "$DIR" 2>"$WBD_OUT/mount.err"; then
  MOUNTED="$DIR"
  first_run "$DIR" tmpfs
  audit "$DIR" "$WBD_OUT/tmpfs-run2.log"
  check_failed_run "$DIR" tmpfs $? 'webshell-audit-latest\.(html|junit\.xml|md|json)' '\[Errno 28\] No space left on device'
  umount -l "$DIR" && MOUNTED=""
else
  echo "SKIP tmpfs: cannot mount a tmpfs here ($(head -c 200 "$WBD_OUT/mount.err")); the full-disk case was not run"
fi
