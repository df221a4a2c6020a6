#!/bin/sh
# ui-stalls.sh — the longest main-loop stalls of the real studio while it
# generates and while it draws live (issue 14's smoothness target: 16 ms,
# one frame), measured by ui/stall-meter.c (ATELIER_UI_STALLS=1), never by a
# test. Drives the studio like test-e2e.sh does: a stroke, Ctrl+Enter, then
# Live (Ctrl+L) with strokes drawn while it redraws. Prints the studio's
# "ui-stalls:" lines and the load average beside them.
# Usage: xvfb-run -a -s "-screen 0 1400x900x24" tools/bench/ui-stalls.sh [build/app/atelier]
set -eu
bin=${1:-build/app/atelier}
. "$(dirname "$0")/../../tests/ui/e2e-window.sh"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-$(dirname "$bin")/../resources}"
export ATELIER_UI_STALLS=1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" >"$work/log" 2>&1 &
pid=$!
wid=$(studio_window)
[ -n "$wid" ] || { echo "no studio window"; cat "$work/log"; exit 1; }
sleep 8   # the engine loads on a worker
eval "$(xdotool getwindowgeometry --shell "$wid")"
cx=$((X + 234)); cy=$((Y + 450))

stroke () {   # a zig-zag across the sheet, offset $1 px down
  zigzag "$((cx - 100))" "$((cy - 60 + $1))" 12
}

wait_for () {   # a line of the log matching $1, at most $2 s
  t=0
  until grep -q "$1" "$work/log"; do
    t=$((t + 1))
    [ $t -lt $(($2 * 2)) ] || { echo "timed out waiting for $1"; cat "$work/log"; exit 1; }
    sleep 0.5
  done
}

stroke 0
xdotool key --window "$wid" ctrl+Return
wait_for "ui-stalls: generate" 300
xdotool key --window "$wid" ctrl+l
for k in 1 2 3 4; do
  stroke $((k * 15))
  sleep 0.7
done
wait_for "ui-stalls: live" 300
grep "ui-stalls:" "$work/log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
