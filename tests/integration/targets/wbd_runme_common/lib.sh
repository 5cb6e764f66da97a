# shellcheck shell=bash
# Shared by the wbd_* runme.sh targets (aliases: needs/target/wbd_runme_common); source it, don't run it.
#
# Sets:
#   WBD_COL   the collection under test (ansible-test copies only tests/integration, so it is found
#             through ANSIBLE_COLLECTIONS_PATH, as setup_wbd_sandbox does)
#   WBD_PY    the Python that runs ansible-playbook (it has requests); modules run with it too
#   WBD_OUT   a scratch directory (OUTPUT_DIR under ansible-test, a temp dir otherwise)
# Functions:
#   wbd_sandbox_start NAME [start options...]  start a sandbox; sets WBD_URL and WBD_PORT_FILE (NAME picks the
#                                              port file, so several sandboxes can run); stopped at exit
#   wbd_sandbox_stop NAME                      stop it now
#   wbd_fail MESSAGE                           print "FAIL: MESSAGE" and exit 1
#   wbd_no_secret LOG                          fail when a sandbox secret key (full or read-only) is in LOG
#   wbd_write_playbook NAME [args...]          run playbook.yml at -vvvv against WBD_URL with the sandbox's keys in the
#                                              environment, fail unless it passes with no secret in its output
# A runme.sh that needs its own clean-up defines wbd_on_exit (called first at exit) instead of trapping EXIT.

WBD_PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}"
WBD_COL=""
IFS=':' read -r -a _wbd_paths <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
for _wbd_path in "${_wbd_paths[@]}"; do
  if [ -f "$_wbd_path/ansible_collections/ncloud/wbd/tests/sandbox/wbd_sandbox.py" ]; then
    WBD_COL="$(cd "$_wbd_path/ansible_collections/ncloud/wbd" && pwd)"
    break
  fi
done
[ -n "$WBD_COL" ] || { echo "FAIL: ncloud.wbd with tests/sandbox not found on ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-}" >&2; exit 1; }
if [ -n "${OUTPUT_DIR:-}" ]; then
  WBD_OUT="$OUTPUT_DIR"
else
  WBD_OUT="$(mktemp -d "${TMPDIR:-/tmp}/wbd-runme.XXXXXX")"
fi
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
_WBD_SANDBOXES=()

wbd_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

WBD_SECRETS=(sandbox-secret-DO-NOT-LEAK-7f3a9c sandbox-readonly-secret-5d2c)

wbd_no_secret() {
  local secret
  for secret in "${WBD_SECRETS[@]}"; do
    if grep -qF -- "$secret" "$1"; then
      wbd_fail "a secret key appears in the output ($1)"
    fi
  done
}

wbd_write_playbook() {
  local name="$1" log rc
  shift
  log="$WBD_OUT/$name.log"
  NCLOUD_WBD_ENDPOINT="$WBD_URL" NCLOUD_ACCESS_KEY=SANDBOXACCESSKEY00001 NCLOUD_SECRET_KEY="${WBD_SECRETS[0]}" \
    WBD_READONLY_SECRET="${WBD_SECRETS[1]}" ansible-playbook -vvvv playbook.yml -e "wbd_endpoint=$WBD_URL" "$@" >"$log" 2>&1
  rc=$?
  tail -n 60 "$log"
  [ "$rc" -eq 0 ] || wbd_fail "the $name playbook failed (rc $rc; log $log)"
  wbd_no_secret "$log"
  grep -q 'failed=0' "$log" || wbd_fail "no play recap without failures in $log"
  echo "$name: all checks passed, no secret in $(wc -l <"$log") lines of -vvvv output"
}

wbd_sandbox_start() {
  local name="$1" log
  shift
  WBD_PORT_FILE="$WBD_OUT/sandbox-$name.port"
  log="$WBD_OUT/sandbox-$name.start.log"
  _WBD_SANDBOXES+=("$WBD_PORT_FILE")
  "$WBD_PY" "$WBD_COL/tests/sandbox/wbd_sandbox.py" start --port-file "$WBD_PORT_FILE" --lifetime 900 --quiet "$@" >"$log" 2>&1 \
    || { cat "$log" >&2; wbd_fail "the sandbox $name did not start"; }
  WBD_URL="$(grep -Eo '^https?://[^ ]+' "$log" | tail -1)"
  [ -n "$WBD_URL" ] || { cat "$log" >&2; wbd_fail "the sandbox $name printed no URL"; }
}

wbd_sandbox_stop() {
  local port_file="$WBD_OUT/sandbox-$1.port"
  [ -e "$port_file" ] || return 0
  "$WBD_PY" "$WBD_COL/tests/sandbox/wbd_sandbox.py" stop --port-file "$port_file" >/dev/null 2>&1 || true
}

_wbd_cleanup() {
  local port_file
  if declare -F wbd_on_exit >/dev/null; then wbd_on_exit; fi
  for port_file in "${_WBD_SANDBOXES[@]}"; do
    [ -e "$port_file" ] && "$WBD_PY" "$WBD_COL/tests/sandbox/wbd_sandbox.py" stop --port-file "$port_file" >/dev/null 2>&1
  done
  return 0
}
trap _wbd_cleanup EXIT
