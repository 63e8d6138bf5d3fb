#!/usr/bin/env bash
# Build the committed front-end assets for carers.
#
# Run from the repository root after `npm ci` (or `npm install`):
#     bash assets/build.sh
#
# Outputs (all committed, so the app and tests need no npm):
#   carers/static/application.css          compiled from assets/scss/application.scss
#   carers/static/govuk-frontend.min.js    govuk-frontend ES module (exports initAll)
#   tests/browser/axe.min.js               axe-core, injected by browser tests
#
# Flask serves carers/static at URL path /assets.
# Fonts are deliberately NOT copied: we use Arial, not GDS Transport.
set -euo pipefail

if [[ ! -f package.json || ! -d carers ]]; then
  echo "build.sh: run from the repository root" >&2
  exit 1
fi

GOVUK_DIST=node_modules/govuk-frontend/dist/govuk
STATIC=carers/static

if [[ ! -d "$GOVUK_DIST" || ! -f node_modules/axe-core/axe.min.js ]]; then
  echo "build.sh: node_modules missing – run 'npm ci' first" >&2
  exit 1
fi

mkdir -p "$STATIC" tests/browser

# 1. Stylesheet
npx sass --pkg-importer=node --style=compressed --no-source-map --quiet-deps \
  assets/scss/application.scss "$STATIC/application.css"

# 2. JavaScript (ES module; load with <script type="module">). The upstream
#    file ends with a sourceMappingURL comment for a map we do not ship; strip
#    it so browser dev tools do not request a missing file.
sed -e 's|//# sourceMappingURL=[^[:space:]]*$||' \
  "$GOVUK_DIST/govuk-frontend.min.js" > "$STATIC/govuk-frontend.min.js"

# 3. No GOV.UK images or manifest: they carry the crown, and a council's service must not.
#    (The CSS's only image, the crown copyright crest, belongs to a footer part we do not use.)

# 4. axe-core for accessibility checks in browser tests
cp node_modules/axe-core/axe.min.js tests/browser/axe.min.js

# 5. Checks
if grep -q -e 'woff' -e 'GDS Transport' "$STATIC/application.css"; then
  echo "build.sh: application.css references GDS Transport / font files" >&2
  exit 1
fi
if ! grep -q 'initAll' "$STATIC/govuk-frontend.min.js"; then
  echo "build.sh: govuk-frontend.min.js does not export initAll" >&2
  exit 1
fi
if grep -q 'sourceMappingURL' "$STATIC/application.css" "$STATIC/govuk-frontend.min.js"; then
  echo "build.sh: source map reference found in built assets" >&2
  exit 1
fi

echo "build.sh: assets built"
ls -l "$STATIC" tests/browser/axe.min.js
