#!/usr/bin/env bash
# Lighthouse (performance, accessibility, best practices, SEO) over the page's main views,
# mobile (Lighthouse's default emulation) and desktop, against a running `ampmatch serve`.
#   npm install --prefix /tmp/lh lighthouse@12
#   bench/lighthouse.sh http://127.0.0.1:8080 [/tmp/lh]
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
lh=${2:-/tmp/lh}/node_modules/.bin/lighthouse
export CHROME_PATH=/usr/bin/chromium
out=$(mktemp -d)
for view in "/" "/?amp=nwavguy-objective2-o2&load=sennheiser-hd600" \
            "/?amp=nwavguy-objective2-o2&amp=bryston-4b&load=sennheiser-hd600" \
            "/rank?load=sennheiser-hd600" "/explain"; do
  for form in mobile desktop; do
    preset=(); [ "$form" = desktop ] && preset=(--preset=desktop)
    "$lh" "$base$view" "${preset[@]}" --quiet --output=json --output-path="$out/r.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1 || { echo "$form $view: lighthouse failed"; continue; }
    python3 - "$out/r.json" "$form" "$view" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["categories"]
s = " ".join(f"{k[:4]} {round(100 * v['score'])}" for k, v in c.items() if v["score"] is not None)
print(f"{sys.argv[2]:7} {sys.argv[3][:60]:60} {s}")
PY
  done
done
