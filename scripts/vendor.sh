#!/usr/bin/env bash
# Copies the browser's npm packages (pinned in package.json and its lock,
# installed by `scripts/deps.sh test` or `scripts/deps.sh run npm`) under
# static/vendor/, which the listener serves as /static/vendor/... Nothing
# there is committed (.gitignore) and nothing is fetched from a CDN: the
# dashboard works on a network with no internet. Run by the build (CMake
# target nabz_web_vendor); copies only what changed, atomically, so two
# builds side by side never serve a half-written file.
#   scripts/vendor.sh [SOURCE_DIR]
set -euo pipefail
root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
nm=$root/node_modules
out=$root/static/vendor

# source (under node_modules)                     destination (under static/vendor)
files=(
  "mqtt/dist/mqtt.min.js"                          "mqtt.min.js"
  "mqtt/LICENSE.md"                                "LICENSE.mqtt.md"
  "uplot/dist/uPlot.iife.min.js"                   "uplot/uPlot.iife.min.js"
  "uplot/dist/uPlot.min.css"                       "uplot/uPlot.min.css"
  "uplot/LICENSE"                                  "uplot/LICENSE"
  "vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2" "vazirmatn/Vazirmatn-Variable.woff2"
  "vazirmatn/OFL.txt"                              "vazirmatn/OFL.txt"
)

if [ ! -d "$nm/mqtt" ] || [ ! -d "$nm/uplot" ] || [ ! -d "$nm/vazirmatn" ]; then
  echo "nabz: npm packages missing in $nm: run scripts/deps.sh run npm (or scripts/deps.sh test)" >&2
  exit 1
fi
for ((i = 0; i < ${#files[@]}; i += 2)); do
  src=$nm/${files[i]}
  dst=$out/${files[i+1]}
  if [ ! -f "$src" ]; then
    echo "nabz: $src not found (is package-lock.json installed?)" >&2
    exit 1
  fi
  if ! cmp -s "$src" "$dst" 2>/dev/null; then
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst.tmp.$$"
    mv -f "$dst.tmp.$$" "$dst"
  fi
done
