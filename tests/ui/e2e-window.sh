# e2e-window.sh — sourced by the end-to-end scripts (and tools/bench/ui-stalls.sh).
# studio_window: prints the id of the studio's window once it shows (60 s at
# most), nothing if it never does. Searched again until then: a search can
# fail outright while the X server resets after another test's last client
# left.
studio_window () {
  for _ in $(seq 120); do
    found=$(xdotool search --onlyvisible --name '^Atelier$' 2>/dev/null | head -n 1) || true
    if [ -n "$found" ]; then
      echo "$found"
      return
    fi
    sleep 0.5
  done
}

# zigzag X Y DY: a pen stroke of 21 points from (X, Y) to the right, 10 px
# apart, each DY px lower than the one before, 5 rows and back up.
zigzag () {
  xdotool mousemove "$1" "$2" mousedown 1
  i=0
  while [ $i -le 20 ]; do
    xdotool mousemove "$(($1 + i * 10))" "$(($2 + (i % 5) * $3))"
    i=$((i + 1))
  done
  xdotool mouseup 1
}
