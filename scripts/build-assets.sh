#!/usr/bin/env bash
# Rebuild static/govuk from the pinned npm packages (package-lock.json). The built files are
# committed, so neither `make run` nor CI needs node; run this after changing
# frontend/application.scss or upgrading govuk-frontend.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm ci --no-audit --no-fund --ignore-scripts
out=static/govuk
rm -rf "$out"
mkdir -p "$out"
dist=node_modules/govuk-frontend/dist/govuk
cp -r "$dist/assets" "$out/assets"
rm -rf "$out/assets/fonts"  # Resolve is not on GOV.UK: no GDS Transport font
cp "$dist/govuk-frontend.min.js" "$out/govuk-frontend.min.js"
node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
    frontend/application.scss "$out/application.css"
cp node_modules/axe-core/axe.min.js tests/browser/axe.min.js 2>/dev/null || true
echo "built $out: $(du -sh "$out" | cut -f1)"
