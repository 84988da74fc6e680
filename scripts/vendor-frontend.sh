#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry and record their versions and licences.
# Usage: scripts/vendor-frontend.sh [govuk-frontend-version] [htmx-version] [swagger-ui-dist-version] [idb-version]
# GOV.UK Frontend's CSS is compiled from its Sass with Arial instead of the GDS Transport font
# (which is only licensed for GOV.UK services) and with asset paths under /static/vendor/.
# Swagger UI (for /api/docs) is served from here too: the Content-Security-Policy allows no other origin.
# idb (IndexedDB with promises, for the offline outbox) is its ES module build, one file.
set -euo pipefail
GOVUK_VERSION="${1:-6.6.0}"
HTMX_VERSION="${2:-2.0.11}"
SWAGGER_VERSION="${3:-5.35.0}"
IDB_VERSION="${4:-8.0.4}"
SASS_VERSION="1.94.2"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/app/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@$GOVUK_VERSION" "htmx.org@$HTMX_VERSION" "sass@$SASS_VERSION" \
  "swagger-ui-dist@$SWAGGER_VERSION" "idb@$IDB_VERSION" >/dev/null

cat > app.scss <<'SCSS'
@use "node_modules/govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/vendor/govuk-frontend/assets/"
);
SCSS
npx --no-install sass --no-source-map --style=compressed --quiet-deps app.scss govuk-frontend.min.css

rm -rf "$dest/govuk-frontend" "$dest/htmx" "$dest/swagger-ui" "$dest/idb"
mkdir -p "$dest/govuk-frontend/assets/images" "$dest/htmx" "$dest/swagger-ui" "$dest/idb"
gf=node_modules/govuk-frontend
cp govuk-frontend.min.css "$dest/govuk-frontend/"
cp "$gf/dist/govuk/govuk-frontend.min.js" "$dest/govuk-frontend/"
cp "$gf/dist/govuk/assets/images/"{favicon.svg,favicon.ico,govuk-icon-180.png,govuk-icon-192.png,govuk-icon-512.png,govuk-icon-mask.svg} "$dest/govuk-frontend/assets/images/"
# The npm package carries no licence file; its package.json says MIT. Record the upstream text.
cat > "$dest/govuk-frontend/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN
AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE
OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
# The bundle without its source-map comment: the map is not vendored, so nothing asks for it.
sw=node_modules/swagger-ui-dist
sed '/^\/\/# sourceMappingURL=/d' "$sw/swagger-ui-bundle.js" > "$dest/swagger-ui/swagger-ui-bundle.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$sw/swagger-ui.css" > "$dest/swagger-ui/swagger-ui.css"
cp "$sw/LICENSE" "$dest/swagger-ui/LICENSE"
if [ -f "$sw/NOTICE" ]; then cp "$sw/NOTICE" "$dest/swagger-ui/NOTICE"; fi
cp node_modules/idb/build/index.js "$dest/idb/idb.js"
cp node_modules/idb/LICENSE "$dest/idb/LICENSE"

gf_licence=$(node -p "require('./$gf/package.json').license")
htmx_licence=$(node -p "require('./node_modules/htmx.org/package.json').license")
swagger_licence=$(node -p "require('./$sw/package.json').license")
idb_licence=$(node -p "require('./node_modules/idb/package.json').license")
cat > "$dest/VERSIONS.md" <<MD
# Vendored front-end files

Refreshed by \`scripts/vendor-frontend.sh\` from the npm registry. Do not edit these files by hand.

| package | version | licence | files |
| --- | --- | --- | --- |
| govuk-frontend | $GOVUK_VERSION | $gf_licence (code); images © Crown copyright, OGL | govuk-frontend/govuk-frontend.min.css (compiled from its Sass with sass $SASS_VERSION: Arial, no GDS Transport font), govuk-frontend.min.js, assets/images |
| htmx.org | $HTMX_VERSION | $htmx_licence | htmx/htmx.min.js |
| swagger-ui-dist | $SWAGGER_VERSION | $swagger_licence | swagger-ui/swagger-ui-bundle.js, swagger-ui.css (their source-map comments removed), LICENSE, NOTICE: the page at /api/docs |
| idb | $IDB_VERSION | $idb_licence | idb/idb.js (its ES module build, build/index.js), LICENSE: IndexedDB for the offline outbox |
MD
echo "Vendored govuk-frontend $GOVUK_VERSION, htmx.org $HTMX_VERSION, swagger-ui-dist $SWAGGER_VERSION and idb $IDB_VERSION into $dest"
