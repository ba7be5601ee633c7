#!/usr/bin/env bash
# Regenerates the README's gallery: every tab of the window, at 1280x820 (the default) and 1920x1080,
# light and dark, with the two bundled models on the first paragraph of the held-out English sample.
# One window per size and theme (`screenshot --tab all`); PNGs into docs/screens/. Needs xvfb-run
# when there is no display (apt-get install xvfb). Usage: docs/screenshots.sh [--sizes "1280x820 1920x1080"]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
sizes="1280x820 1920x1080"
if [ "${1:-}" = "--sizes" ]; then sizes="$2"; fi
out="$here/docs/screens"
mkdir -p "$out"
text="$(mktemp)"
trap 'rm -f "$text"' EXIT
# the first paragraph: an ordinary news item the bundled models never saw
awk 'NF == 0 { exit } { print }' "$here/assets/models/held-out/english.txt" > "$text"

run=("$here/tokenscope")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "No display and no xvfb-run: apt-get install xvfb, or run it on a desktop." >&2; exit 1; }
  run=(xvfb-run -a -s "-screen 0 1920x1080x24" "$here/tokenscope")
fi

for size in $sizes; do
  for theme in light dark; do
    flags=()
    [ "$theme" = dark ] && flags+=(--dark)
    echo "== $size $theme" >&2
    "${run[@]}" screenshot --text-file "$text" --model tokenscope-small --compare tokenscope-large \
      --tab all --size "$size" "${flags[@]}" --out "$out/{tab}-$size-$theme.png" 2>&1 | grep '^Saved' >&2
  done
done
echo "$(ls "$out"/*.png | wc -l) pictures, $(du -sh "$out" | cut -f1) in docs/screens/" >&2
