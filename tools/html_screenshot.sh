#!/usr/bin/env bash
# Render a local HTML file with headless Chromium (used by tests that check generated HTML reports).
#
#   tools/html_screenshot.sh HTML_FILE OUT_PNG [DOM_OUT [CONSOLE_OUT]]
#
# DOM_OUT (optional) gets the DOM after inline scripts ran (--dump-dom with a virtual-time budget);
# CONSOLE_OUT (optional, with DOM_OUT) gets the page's console messages of that run, one Chromium log
# line each (--enable-logging=stderr: `...:INFO:CONSOLE:N] "message", source: URL (N)`).
# OUT_PNG gets a 1400x1800 screenshot, checked to be a real PNG of that size; `-` skips the screenshot.
# Chromium is $CHROMIUM or /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it).
# Exit status non-zero on any failure, with a message saying which step failed.
set -uo pipefail

WIDTH=1400
HEIGHT=1800
die() { echo "html_screenshot: $*" >&2; exit 1; }

[ $# -ge 2 ] && [ $# -le 4 ] || die "usage: $0 HTML_FILE OUT_PNG|- [DOM_OUT [CONSOLE_OUT]]"
HTML="$1"; PNG="$2"; DOM="${3:-}"; CONSOLE="${4:-}"
[ -z "$CONSOLE" ] || [ -n "$DOM" ] || die "CONSOLE_OUT needs DOM_OUT"
CHROME="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROME" ] || die "chromium not found at $CHROME (install Debian's 'chromium' package or set CHROMIUM)"
[ -f "$HTML" ] || die "no such HTML file: $HTML"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to check the PNG"
URL="$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$HTML")" || die "cannot make a file:// URL of $HTML"

PROFILE="$(mktemp -d "${TMPDIR:-/tmp}/html-screenshot.XXXXXX")" || die "cannot create a temporary profile dir"
trap 'rm -rf "$PROFILE"' EXIT
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync "--user-data-dir=$PROFILE" --hide-scrollbars "--window-size=$WIDTH,$HEIGHT")

if [ -n "$DOM" ]; then
  LOGGING=()
  [ -n "$CONSOLE" ] && LOGGING=(--enable-logging=stderr --v=0)
  timeout 60 "$CHROME" "${FLAGS[@]}" "${LOGGING[@]}" --virtual-time-budget=2000 --dump-dom "$URL" >"$DOM" 2>"$PROFILE/dom.log" \
    || { tail -n 5 "$PROFILE/dom.log" >&2; die "chromium --dump-dom failed or timed out for $HTML"; }
  [ -s "$DOM" ] || die "chromium wrote an empty DOM for $HTML"
  if [ -n "$CONSOLE" ]; then
    grep -a ':CONSOLE' "$PROFILE/dom.log" >"$CONSOLE"
    [ $? -le 1 ] || die "cannot write the console log $CONSOLE"
  fi
fi

[ "$PNG" = "-" ] && exit 0
rm -f "$PNG"
timeout 60 "$CHROME" "${FLAGS[@]}" "--screenshot=$PNG" "$URL" >"$PROFILE/shot.log" 2>&1 \
  || { tail -n 5 "$PROFILE/shot.log" >&2; die "chromium --screenshot failed or timed out for $HTML"; }

python3 - "$PNG" "$WIDTH" "$HEIGHT" <<'PY' || die "screenshot check failed for $PNG"
import struct, sys
path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    with open(path, 'rb') as handle:
        head = handle.read(24)
except OSError as exc:
    sys.exit('html_screenshot: no screenshot written: %s' % exc)
if len(head) < 24 or head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
    sys.exit('html_screenshot: %s is not a PNG' % path)
size = struct.unpack('>II', head[16:24])
if size != (width, height):
    sys.exit('html_screenshot: %s is %dx%d, expected %dx%d' % ((path,) + size + (width, height)))
PY
