#!/usr/bin/env bash
# Secret hygiene: `ansible-playbook -vvvv ncloud.wbd.audit` with ANSIBLE_DEBUG=1, succeeding and failing at every
# error path, with the keys from role variables, the environment, a named credential file and ~/.ncloud/configure;
# files/hygiene.py checks that no secret key and no request signature appears in stdout, stderr, the Ansible log
# or the reports (its docstring explains how the signatures are recomputed).
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

"$WBD_PY" files/hygiene.py "$WBD_COL" "$WBD_OUT/hygiene" || wbd_fail "secret hygiene (see above)"
