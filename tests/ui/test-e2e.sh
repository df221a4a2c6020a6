#!/bin/sh
# test-e2e.sh — the real studio, driven like a person would: start it, draw
# a stroke with xdotool, press Ctrl+Enter, wait, take a screenshot and check
# that the preview area now shows an image. Needs an X display (the suite
# runs under xvfb-run), xdotool and ImageMagick (tools/install-deps.sh).
# Usage: test-e2e.sh ATELIER_BINARY
set -eu
bin=$1
. "$(dirname "$0")/e2e-window.sh"
for tool in xdotool import compare convert gsettings; do
  command -v "$tool" >/dev/null || { echo "Bail out! $tool is missing: run tools/install-deps.sh"; exit 1; }
done
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# settings in a throwaway key file: 2 steps keep the run short
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config"
# a state folder of its own: no autosave left by another test offers recovery
export XDG_STATE_HOME="$work/state"
gsettings set org.atelier.Studio default-steps 2

"$bin" >"$work/log" 2>&1 &
pid=$!
wid=$(studio_window)
[ -n "$wid" ] || { echo "Bail out! no studio window"; cat "$work/log"; exit 1; }
sleep 3   # the engine loads on a worker; the window is usable meanwhile

# the default 1280×800 layout: canvas page centred near (234, 450), the
# preview column right of it (x 465 to 914), its image centred near (690, 450)
eval "$(xdotool getwindowgeometry --shell "$wid")"
cx=$((X + 234)); cy=$((Y + 450))
preview="340x420+$((X + 520))+$((Y + 240))"
import -window root -crop "$preview" "$work/before.png"

zigzag "$((cx - 100))" "$((cy - 60))" 25
sleep 0.5
xdotool key --window "$wid" ctrl+Return

# The Generate button turns into a red Cancel button while it works and
# back into the blue Generate button when the result is in.
button_is_red () {
  import -window root -crop "1x1+$((X + 1060))+$((Y + 28))" "$work/button.png"
  rgb=$(convert "$work/button.png" -format '%[fx:int(255*r)] %[fx:int(255*b)]' info:)
  set -- $rgb
  [ "$1" -gt "$2" ]
}
t=0
until button_is_red; do
  t=$((t + 1))
  [ $t -lt 60 ] || { echo "Bail out! Ctrl+Enter did not start a generation"; cat "$work/log"; exit 1; }
  sleep 0.5
done
t=0
while button_is_red; do
  t=$((t + 1))
  [ $t -lt 300 ] || { echo "Bail out! the generation did not finish"; cat "$work/log"; exit 1; }
  sleep 0.5
done
sleep 1
import -window root -crop "$preview" "$work/after.png"
import -window root "${ATELIER_E2E_SCREENSHOT:-$work/screen.png}"
diff=$(compare -metric RMSE "$work/before.png" "$work/after.png" null: 2>&1 | sed 's/.*(\(.*\))/\1/')
awk "BEGIN { exit !($diff > 0.05) }" || { echo "Bail out! the preview still looks empty (RMSE $diff)"; exit 1; }
# an image, not a flat colour
std=$(convert "$work/after.png" -format '%[fx:standard_deviation]' info:)
awk "BEGIN { exit !($std > 0.02) }" || { echo "Bail out! the preview is flat (std $std)"; exit 1; }
echo "ok 1 /ui/e2e/draw-generate-screenshot (RMSE $diff, std $std)"
