#!/usr/bin/env bash
# The audit run as AWX runs a job template: a private data directory with the project (a playbook importing
# ncloud.wbd.audit, and the collection built from this tree and installed in the project's collections/ as a project
# sync installs collections/requirements.yml), an inventory of the sandbox's servers, the environment rendered from
# the shipped credential type (docs/awx/credential_type.yml) with the sandbox's keys, and extra vars; then
# `ansible-runner transmit | ansible-runner worker | ansible-runner process`, the pipeline AWX drives over receptor.
# files/check_job.py checks what process received (its docstring lists the checks).
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

IDENT=wbd-awx-audit
JOB="$WBD_OUT/awx-job"
PDD="$JOB/private"          # what AWX prepares on the control node
WORKER="$JOB/worker"        # where the execution node unpacks it (/runner in an execution environment)
RESULT="$JOB/process"       # where the control node processes the results
REPORTS="$JOB/reports"      # stands for a volume mounted into the execution environment
COLLECTION="ansible_collections/ncloud/wbd"
rm -rf "$JOB"
mkdir -p "$PDD/project/collections" "$PDD/inventory" "$PDD/env" "$RESULT"
RUNNER=("$WBD_PY" -m ansible_runner)
"${RUNNER[@]}" --version >/dev/null 2>&1 || wbd_fail "ansible-runner is not installed for $WBD_PY (tests/integration/requirements.txt)"

wbd_sandbox_start awx
echo "== sandbox at $WBD_URL; ansible-runner $("${RUNNER[@]}" --version 2>&1)"

ansible-galaxy collection build "$WBD_COL" --output-path "$JOB/dist" >"$JOB/build.log" 2>&1 \
  || { cat "$JOB/build.log"; wbd_fail "ansible-galaxy collection build failed"; }
TARBALL="$(ls "$JOB"/dist/ncloud-wbd-*.tar.gz)"
# --force and the path of its own: ansible-galaxy would otherwise see the working tree on ANSIBLE_COLLECTIONS_PATH as
# "already installed" and install nothing.
ANSIBLE_COLLECTIONS_PATH="$PDD/project/collections" \
  ansible-galaxy collection install --force "$TARBALL" -p "$PDD/project/collections" >"$JOB/install.log" 2>&1 \
  || { cat "$JOB/install.log"; wbd_fail "ansible-galaxy collection install of $TARBALL failed"; }
[ -f "$PDD/project/collections/$COLLECTION/docs/awx/credential_type.yml" ] || wbd_fail "the built collection lacks docs/awx/credential_type.yml"
echo "ok   built $(basename "$TARBALL") and installed it in the project's collections/"

# A project holds a playbook file; this one is what docs/docsite/rst/guide_awx.rst tells users to commit.
cat >"$PDD/project/wbd_audit.yml" <<'EOF'
---
- name: Audit webshell protection with NAVER Cloud WBD
  ansible.builtin.import_playbook: ncloud.wbd.audit
EOF
"$WBD_PY" "$WBD_COL/tools/sandbox_inventory.py" "$WBD_URL" "$PDD/inventory/hosts.json" >/dev/null \
  || wbd_fail "could not write the inventory of the sandbox's servers"

# The credential: the sandbox's key pair, site gov (the endpoint must win over it), the sandbox as endpoint.
# ANSIBLE_COLLECTIONS_PATH names the project's collections only, as the worker will have them: the run cannot
# fall back to the working tree that ansible-test put on the path.
"$WBD_PY" files/awx_job_env.py "$PDD/project/collections/$COLLECTION/docs/awx/credential_type.yml" "$PDD/env/envvars" \
  access_key=SANDBOXACCESSKEY00001 secret_key=sandbox-secret-DO-NOT-LEAK-7f3a9c site=gov endpoint="$WBD_URL" \
  -- ANSIBLE_COLLECTIONS_PATH="$WORKER/project/collections" || wbd_fail "could not render the credential type's injectors"
printf 'webshell_report_dir: %s\n' "$REPORTS" >"$PDD/env/extravars"
unset ANSIBLE_COLLECTIONS_PATHS NCLOUD_ACCESS_KEY NCLOUD_ACCESS_KEY_ID NCLOUD_SECRET_KEY NCLOUD_SECRET_ACCESS_KEY \
  NCLOUD_SITE NCLOUD_WBD_ENDPOINT

"${RUNNER[@]}" transmit "$PDD" -p wbd_audit.yml --ident "$IDENT" 2>"$JOB/transmit.err" \
  | "${RUNNER[@]}" worker --private-data-dir "$WORKER" 2>"$JOB/worker.err" \
  | "${RUNNER[@]}" process "$RESULT" --ident "$IDENT" >"$JOB/process.out" 2>"$JOB/process.err"
CODES=("${PIPESTATUS[@]}")
if [ "${CODES[*]}" != "0 0 0" ]; then
  tail -n 20 "$JOB/transmit.err" "$JOB/worker.err" "$JOB/process.out" "$JOB/process.err"
  wbd_fail "transmit | worker | process exited ${CODES[*]}"
fi
echo "ok   transmit | worker | process exited 0 0 0"

WBD_CHECK_SECRET=sandbox-secret-DO-NOT-LEAK-7f3a9c "$WBD_PY" files/check_job.py "$RESULT/artifacts/$IDENT" "$REPORTS" \
  "$WORKER/project/collections/$COLLECTION" "$PDD/inventory/hosts.json" "$WBD_URL" \
  "$JOB/transmit.err" "$JOB/worker.err" "$JOB/process.out" "$JOB/process.err" \
  || { tail -n 30 "$RESULT/artifacts/$IDENT/stdout"; wbd_fail "the AWX-style job did not give what AWX needs (see above)"; }
