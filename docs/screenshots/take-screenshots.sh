#!/bin/sh
# take-screenshots.sh — how studio-generating.png and studio-history.png
# were taken: the real studio at its default 1280×800 size on a 1400×900
# Xvfb screen, driven with xdotool; a frame every EVERY seconds while it
# generates (pick a mid-run one), then the variants strip and the history
# gallery. Coordinates fit the default layout; check them when it changes.
# Usage: xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
#          docs/screenshots/take-screenshots.sh BUILD_DIR OUT_DIR
set -eu
build=$(realpath "$1"); out=$2
bin=$build/app/atelier
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$out/series"
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export GSETTINGS_SCHEMA_DIR=$build/resources
gsettings set org.atelier.Studio default-steps ${STEPS:-12}
"$bin" >"$work/log" 2>&1 &
pid=$!
wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^Atelier$' | head -n 1)
sleep 7
snap () { import -window root -crop 1280x800+0+0 +repage "$1"; }
# a sketch: a circle and a stem
xdotool mousemove 350 470 mousedown 1
for a in $(seq 10 10 370); do
  x=$(awk "BEGIN{printf \"%d\", 240+110*cos($a*3.14159/180)}"); y=$(awk "BEGIN{printf \"%d\", 470+105*sin($a*3.14159/180)}")
  xdotool mousemove $x $y; sleep 0.02
done
xdotool mouseup 1
xdotool mousemove 240 360 mousedown 1 mousemove 250 330 mousemove 265 300 mousemove 280 280 mouseup 1
xdotool mousemove 255 335 mousedown 1 mousemove 290 320 mousemove 320 330 mousemove 290 345 mousemove 258 338 mouseup 1
sleep 0.5
# variants: 3 (the row is at the bottom of the side panel)
xdotool mousemove 783 450
for k in $(seq 1 30); do xdotool click 5; sleep 0.03; done
sleep 0.5
xdotool mousemove 1232 631 click 1; sleep 0.2; xdotool click 1; sleep 0.3
xdotool mousemove 783 450
for k in $(seq 1 30); do xdotool click 4; sleep 0.03; done
sleep 0.5
# prompt
xdotool mousemove 1025 140 click 1
sleep 0.3
xdotool type --delay 20 "a red apple on a wooden table, soft light"
sleep 0.3
xdotool key --window "$wid" ctrl+Return
button_is_red () {
  import -window root -crop "1x1+1060+28" "$work/button.png"
  rgb=$(convert "$work/button.png" -format '%[fx:int(255*r)] %[fx:int(255*b)]' info:)
  set -- $rgb
  [ "$1" -gt "$2" ]
}
i=0
sleep 2
while button_is_red && [ $i -lt 80 ]; do
  sleep ${EVERY:-2}
  snap $out/series/gen-$(printf %03d $i).png
  i=$((i + 1))
done
sleep 1
snap $out/series/final.png
# scroll the side panel down to the history
xdotool mousemove 783 450
for k in $(seq 1 40); do xdotool click 5; sleep 0.03; done
xdotool mousemove 240 760
sleep 1
snap $out/series/final-scrolled.png
kill $pid
