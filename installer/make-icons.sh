#!/usr/bin/env bash
# Renders the app icon from its SVG sources into every size the installers and desktops use:
#   assets/icons/tokenscope-{16,32,48,64,128,256,512}.png  (16 and 32 from tokenscope-small.svg)
#   assets/tokenscope.ico   (Windows: 16..256 in one file)
#   assets/tokenscope.icns  (macOS), when png2icns (Debian: icnsutils) or iconutil (macOS) exists
# The results are committed, so building an installer needs none of these tools; run this only
# after editing an SVG. Needs rsvg-convert (Debian: librsvg2-bin), or inkscape, or ImageMagick,
# and ImageMagick for the .ico.
set -euo pipefail
assets="$(cd "$(dirname "$0")/../assets" && pwd)"
mkdir -p "$assets/icons"

render() { # SVG SIZE OUT.png
  if command -v rsvg-convert >/dev/null; then rsvg-convert -w "$2" -h "$2" "$1" -o "$3"
  elif command -v inkscape >/dev/null; then inkscape "$1" -w "$2" -h "$2" -o "$3" >/dev/null 2>&1
  elif command -v magick >/dev/null; then magick -background none -density 384 "$1" -resize "${2}x$2" "$3"
  else echo "make-icons.sh: needs rsvg-convert (apt-get install librsvg2-bin), inkscape or ImageMagick" >&2; exit 1
  fi
}

for size in 16 32 48 64 128 256 512; do
  # below 48 px the full design's five rows of tokens blur together: a drawing with fewer, larger boxes
  if [ "$size" -le 32 ]; then src="$assets/tokenscope-small.svg"; else src="$assets/tokenscope.svg"; fi
  render "$src" "$size" "$assets/icons/tokenscope-$size.png"
done
echo "PNGs: $assets/icons/"

im=""; command -v magick >/dev/null && im=magick
[ -z "$im" ] && [ -x /usr/bin/convert ] && im=/usr/bin/convert
if [ -n "$im" ]; then
  (cd "$assets/icons" && "$im" tokenscope-16.png tokenscope-32.png tokenscope-48.png tokenscope-64.png \
      tokenscope-128.png tokenscope-256.png "$assets/tokenscope.ico")
  echo "ICO: $assets/tokenscope.ico"
else
  echo "make-icons.sh: ImageMagick not found, tokenscope.ico not rebuilt (apt-get install imagemagick)" >&2
fi

if command -v iconutil >/dev/null; then # macOS
  set_dir="$(mktemp -d)/tokenscope.iconset"; mkdir -p "$set_dir"
  for s in 16 32 128 256 512; do
    cp "$assets/icons/tokenscope-$s.png" "$set_dir/icon_${s}x$s.png"
    d=$((s * 2)); [ "$d" -le 512 ] && cp "$assets/icons/tokenscope-$d.png" "$set_dir/icon_${s}x${s}@2x.png"
  done
  render "$assets/tokenscope.svg" 1024 "$set_dir/icon_512x512@2x.png"
  iconutil -c icns -o "$assets/tokenscope.icns" "$set_dir"
  echo "ICNS: $assets/tokenscope.icns"
elif command -v png2icns >/dev/null; then # Debian: icnsutils
  (cd "$assets/icons" && png2icns "$assets/tokenscope.icns" tokenscope-16.png tokenscope-32.png \
      tokenscope-48.png tokenscope-128.png tokenscope-256.png tokenscope-512.png >/dev/null)
  echo "ICNS: $assets/tokenscope.icns"
else
  echo "make-icons.sh: neither iconutil (macOS) nor png2icns (apt-get install icnsutils): tokenscope.icns not rebuilt" >&2
fi
