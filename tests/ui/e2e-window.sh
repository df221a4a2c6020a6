# e2e-window.sh — sourced by the end-to-end scripts.
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
