#!/usr/bin/env bash
# Every sandbox quirk (real-API behaviour mode, tests/sandbox/README.md) and a few combinations x
# (ncloud.wbd.detection_info over every detection, ansible-playbook ncloud.wbd.audit on an inventory of the sandbox's
# servers), run as a user runs them. Each run must return exactly what the quirk-free run returns, or fail with one
# clear line (no traceback) and flag any report it wrote incomplete; a host called compliant that the quirk-free run
# does not call compliant fails the target. Then playbook-level regressions (shared IP, --limit, --check, fact
# injection off, option range, empty inventory, /api/v1 endpoint). files/matrix.py does the work and writes the
# table to $WBD_OUT/quirks-matrix.md, copied to tests/output/quirks-matrix/ of the collection under test (outside
# ansible-test's temporary output dir, so it outlives the run) and to WBD_MATRIX_TABLE when set.
set -uo pipefail
# shellcheck source=/dev/null
source ../wbd_runme_common/lib.sh

"$WBD_PY" files/matrix.py --collection "$WBD_COL" --out "$WBD_OUT" --playbook-python "$WBD_PY" "$@"
RC=$?
if [ -f "$WBD_OUT/quirks-matrix.md" ]; then
  mkdir -p "$WBD_COL/tests/output/quirks-matrix" 2>/dev/null \
    && cp "$WBD_OUT/quirks-matrix.md" "$WBD_OUT/quirks-matrix.json" "$WBD_COL/tests/output/quirks-matrix/" 2>/dev/null \
    && echo "table: $WBD_COL/tests/output/quirks-matrix/quirks-matrix.md"
  [ -z "${WBD_MATRIX_TABLE:-}" ] || cp "$WBD_OUT/quirks-matrix.md" "$WBD_MATRIX_TABLE"
fi
[ "$RC" -eq 0 ] || wbd_fail "the quirks matrix found silent wrong answers or failing regressions (table above, $WBD_OUT/quirks-matrix.md)"
