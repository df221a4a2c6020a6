#!/bin/sh
# test-e2e-recover.sh — the real studio loses nothing to kill -9: open a
# project, draw three strokes with xdotool, wait for the autosave, kill the
# process with SIGKILL; start it again, answer the recovery dialog with
# Enter (Recover), save with Ctrl+S and check that the project file now
# holds exactly the autosaved strokes and prompt, that the autosave is gone
# after the save and its lock after Ctrl+Q, and that the autosave never
# wrote into the project file itself. Needs an X display (xvfb-run),
# xdotool and python3 (tools/install-deps.sh).
# Usage: test-e2e-recover.sh ATELIER_BINARY
set -eu
bin=$1
. "$(dirname "$0")/e2e-window.sh"
for tool in xdotool python3; do
  command -v "$tool" >/dev/null || { echo "Bail out! $tool is missing: run tools/install-deps.sh"; exit 1; }
done
work=$(mktemp -d)
pid=
trap 'kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
export ATELIER_AUTOSAVE_INTERVAL=0.5
state="$work/state/atelier/autosave"
project="$work/kite.atelier"
printf '{"format": "atelier-project", "version": 1, "parameters": {"prompt": "a kite"}}\n' >"$project"
cp "$project" "$work/original"

fail () { echo "Bail out! $1"; [ -z "${ATELIER_E2E_SCREENSHOT:-}" ] || import -window root "$ATELIER_E2E_SCREENSHOT"; cat "$work/log"; exit 1; }

# starts the studio (with the arguments given) and waits for its window;
# on a session bus of its own that is not there, so that it never forwards
# to a studio another test left dying (it then runs as a non-unique
# instance, as without any bus)
start () {
  DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" "$bin" "$@" >>"$work/log" 2>&1 &
  pid=$!
  wid=$(studio_window)
  [ -n "$wid" ] || fail "no studio window"
}

# the number of strokes in a project file, or -1 if it does not load
strokes () {
  python3 -c 'import json, sys
try:
    print(len(json.load(open(sys.argv[1]))["sketch"]["strokes"]))
except Exception:
    print(-1)' "$1"
}

autosave () { ls "$state"/*.atelier 2>/dev/null | grep -v '\.damaged-' | head -n 1; }

start "$project"
sleep 4   # mapped and laid out, also on a loaded machine
# the canvas page centred near (234, 450) of the default 1280×800 window
eval "$(xdotool getwindowgeometry --shell "$wid")"
cx=$((X + 234)); cy=$((Y + 450))
for s in 0 1 2; do
  xdotool mousemove "$((cx - 90))" "$((cy - 80 + s * 60))" sleep 0.1 mousedown 1
  for i in 1 2 3 4 5 6; do xdotool mousemove "$((cx - 90 + i * 30))" "$((cy - 80 + s * 60 + i * 4))" sleep 0.05; done
  xdotool mouseup 1 sleep 0.2
done
t=0
until [ -n "$(autosave)" ] && [ "$(strokes "$(autosave)")" = 3 ]; do
  t=$((t + 1)); [ $t -lt 240 ] || fail "no autosave with the 3 strokes drawn (last: $(strokes "$(autosave)"))"
  sleep 0.25
done
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
cp "$(autosave)" "$work/autosaved"
cmp -s "$project" "$work/original" || fail "the autosave wrote into the project file"

start
# the recovery dialog is the studio's other window; Enter is Recover
t=0
while :; do
  dialog=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | grep -vx "$wid" | head -n 1 || true)
  [ -n "$dialog" ] && break
  t=$((t + 1)); [ $t -lt 120 ] || fail "no recovery dialog"
  sleep 0.25
done
# no window manager under Xvfb: focus is given by hand, keys typed for real
sleep 0.5
xdotool windowfocus --sync "$dialog" key Return
sleep 1
# recovered with its file: Ctrl+S saves there without asking for a name
xdotool windowfocus --sync "$wid" key ctrl+s
t=0
until [ "$(strokes "$project")" = 3 ]; do
  t=$((t + 1)); [ $t -lt 120 ] || fail "Ctrl+S after Recover did not save the recovered strokes"
  sleep 0.25
done
python3 -c 'import json, sys
saved, auto = (json.load(open(p)) for p in sys.argv[1:3])
assert auto["autosave_of"] == sys.argv[3], auto["autosave_of"]
assert "autosave_of" not in saved
assert saved["sketch"]["strokes"] == auto["sketch"]["strokes"]
assert saved["parameters"]["prompt"] == auto["parameters"]["prompt"] == "a kite"' \
  "$project" "$work/autosaved" "$project" || fail "the saved project differs from the autosave"
t=0
until [ -z "$(autosave)" ]; do
  t=$((t + 1)); [ $t -lt 40 ] || fail "the autosave outlived the save"
  sleep 0.25
done
xdotool windowfocus --sync "$wid" key ctrl+q
t=0
while kill -0 "$pid" 2>/dev/null; do
  t=$((t + 1)); [ $t -lt 120 ] || fail "Ctrl+Q did not quit"
  sleep 0.25
done
[ -z "$(ls -A "$state")" ] || fail "left in the autosave folder: $(ls -A "$state")"
echo "ok 1 /ui/e2e/kill-9-recover-save"
