#!/bin/sh
# take-screenshots.sh — how the README's screenshots were taken: the real
# studio on a 1400×900 Xvfb screen, driven with xdotool.
#   studio.png, studio-history.png  a sketch, a typed prompt and three
#       variants at the default 1280×800; the side panel then scrolled to
#       the history
#   studio-generating.png           pick one of series/gen-*.png, a frame
#       every EVERY seconds while that run works
#   studio-voice.png                a spoken prompt recorded (a narrated WAV
#       in the microphone's place), transcribed and measured, then generated
#   studio-dark-1024x640.png        the dark style in a small window
#   studio-mask.png                 a mask rectangle over a result, redrawn inside
# Coordinates fit the default layout (canvas page centred near (234, 450),
# side panel from x = 915); check them when it changes.
# Usage: xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
#          docs/screenshots/take-screenshots.sh BUILD_DIR OUT_DIR
set -eu
build=$(realpath "$1"); out=$2
bin=$build/app/atelier
work=$(mktemp -d); pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out/series"
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export GSETTINGS_SCHEMA_DIR=$build/resources

# start [WIDTH HEIGHT [STYLE]]: a fresh studio, with fresh settings
start () {
  rm -rf "$work/config"
  gsettings set org.atelier.Studio default-steps "${STEPS:-12}"
  gsettings set org.atelier.Studio style "${3:-default}"
  "$bin" >"$work/log" 2>&1 &
  pid=$!
  wid=$(timeout 60 xdotool search --sync --onlyvisible --name '^Atelier$' | head -n 1)
  [ $# -eq 0 ] || xdotool windowsize "$wid" "$1" "$2"
  sleep 7
}
stop () { kill $pid; wait $pid 2>/dev/null || true; }
# snap FILE [WIDTH HEIGHT]: the window's part of the screen, pointer out of the way
snap () {
  xdotool mousemove 1390 890; sleep 0.5
  import -window root -crop "${2:-1280}x${3:-800}+0+0" +repage -strip -define png:compression-level=9 "$1"
}
# apple CX CY R: a circle and a stem, drawn with the pen
apple () {
  xdotool mousemove $(($1 + $3)) "$2" mousedown 1
  for a in $(seq 10 10 370); do
    x=$(awk "BEGIN{printf \"%d\", $1+$3*cos($a*3.14159/180)}"); y=$(awk "BEGIN{printf \"%d\", $2+$3*0.95*sin($a*3.14159/180)}")
    xdotool mousemove "$x" "$y"; sleep 0.02
  done
  xdotool mouseup 1
  top=$(($2 - $3))
  xdotool mousemove "$1" "$top" mousedown 1 mousemove $(($1 + 10)) $((top - 30)) \
    mousemove $(($1 + 25)) $((top - 60)) mousemove $(($1 + 40)) $((top - 80)) mouseup 1
  sleep 0.5
}
# scroll_side N: the side panel down (N > 0) or up, the wheel over its right
# margin, where no spin button catches it
scroll_side () {
  button=5; n=$1; [ "$n" -gt 0 ] || { button=4; n=$((-n)); }
  xdotool mousemove 1272 450
  for k in $(seq 1 "$n"); do xdotool click $button; sleep 0.03; done
  sleep 0.5
}
button_is_red () {
  import -window root -crop "1x1+${1:-1060}+28" "$work/button.png"
  rgb=$(convert "$work/button.png" -format '%[fx:int(255*r)] %[fx:int(255*b)]' info:)
  set -- $rgb
  [ "$1" -gt "$2" ]
}
# generate [BUTTON_X] [SERIES]: Ctrl+Enter and wait while Generate is red (Cancel)
generate () {
  xdotool key --window "$wid" ctrl+Return
  sleep 2
  i=0
  while button_is_red "${1:-1060}" && [ $i -lt 150 ]; do
    sleep ${EVERY:-2}
    [ -z "${2:-}" ] || snap "$out/series/gen-$(printf %03d $i).png"
    i=$((i + 1))
  done
  sleep 1
}

# 1. three variants of a typed prompt
start
apple 240 470 110
scroll_side 30
xdotool mousemove 1232 624 click 1; sleep 0.2; xdotool click 1; sleep 0.3   # Variants: 3
scroll_side -30
xdotool mousemove 1095 140 click 1; sleep 0.3
xdotool type --delay 20 "a red apple on a wooden table, soft light"
generate 1060 series
snap "$out/studio.png"
scroll_side 40
snap "$out/studio-history.png"
stop

# 2. a recorded voice prompt: its transcript becomes the prompt
"$bin" narrate "A red apple on a wooden table, soft evening light" -o "$work/voice.wav" -q --voice flite/slt
export ATELIER_RECORD_SOURCE="filesrc location=$work/voice.wav ! decodebin"
start
apple 240 470 110
xdotool key --window "$wid" ctrl+r
sleep 9   # the clip plays in real time, then it is transcribed and measured
generate
snap "$out/studio-voice.png"
stop
unset ATELIER_RECORD_SOURCE

# 3. the dark style at 1024×640 (Generate's left edge is then near x = 760)
start 1024 640 dark
apple 210 380 80
xdotool mousemove 840 140 click 1; sleep 0.3
xdotool type --delay 20 "a yellow sun"
generate 800
snap "$out/studio-dark-1024x640.png" 1024 640
stop

# 4. inpainting: a red apple, then the mask rectangle (second toolbar row,
#    x = 78, y = 127) dragged over its upper half, and Generate redraws only
#    there; the shot shows the mask over the new result
start
apple 250 500 110
xdotool mousemove 1095 140 click 1; sleep 0.3
xdotool type --delay 20 "a red apple"
generate
xdotool mousemove 78 127 click 1; sleep 0.3
xdotool mousemove 40 260 mousedown 1 mousemove 200 330 mousemove 460 410 mouseup 1; sleep 0.5
generate
snap "$out/studio-mask.png"
stop
