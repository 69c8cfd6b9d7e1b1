#!/usr/bin/env bash
# Re-vendor the front-end assets from the npm registry into src/lantern/static/vendor/.
# Run by a developer when upgrading; the run and test commands never need npm.
#   GOV.UK Frontend: compiled CSS and JS, images (not the GDS Transport font: it is licensed
#   for GOV.UK services only, so Lantern uses the design system's fallback, Arial).
#   htmx: the minified build.
#   axe-core: the accessibility engine the browser tests run on every page they visit. It is
#   test tooling, so it goes to tests/browser/vendor/, outside the served static files.
set -euo pipefail
GOVUK_VERSION=${GOVUK_VERSION:-6.6.0}
HTMX_VERSION=${HTMX_VERSION:-2.0.11}
AXE_VERSION=${AXE_VERSION:-4.14.1}
CYTOSCAPE_VERSION=${CYTOSCAPE_VERSION:-3.35.0}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@$GOVUK_VERSION" "htmx.org@$HTMX_VERSION" \
  "axe-core@$AXE_VERSION" "cytoscape@$CYTOSCAPE_VERSION"
dest="$here/src/lantern/static/vendor"
rm -rf "$dest"
mkdir -p "$dest/govuk/images" "$dest/htmx" "$dest/cytoscape"
src=node_modules/govuk-frontend/dist/govuk
cp "$src/govuk-frontend.min.js" "$dest/govuk/"
# Point asset URLs at our static path and drop the @font-face rules (see above).
sed -e 's#url(/assets/images/#url(/static/vendor/govuk/images/#g' \
    -e 's#@font-face{[^}]*}##g' \
    -e 's#font-family:GDS Transport,#font-family:#g' \
    "$src/govuk-frontend.min.css" > "$dest/govuk/govuk-frontend.min.css"
cp "$src"/assets/images/{favicon.ico,favicon.svg,govuk-crest.svg,govuk-icon-mask.svg,govuk-icon-180.png} "$dest/govuk/images/"
printf "GOV.UK Frontend, MIT licence: https://github.com/alphagov/govuk-frontend\n" > "$dest/govuk/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/htmx.org/LICENSE "$dest/htmx/" 2>/dev/null || true
# Cytoscape.js: the link chart (intelligence).
cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/cytoscape/LICENSE "$dest/cytoscape/"
axe="$here/tests/browser/vendor"
mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js "$axe/"
cp node_modules/axe-core/LICENSE "$axe/axe-core.LICENSE"
printf 'govuk-frontend %s\nhtmx.org %s\ncytoscape %s\naxe-core %s (tests/browser/vendor/axe.min.js)\n' \
  "$GOVUK_VERSION" "$HTMX_VERSION" "$CYTOSCAPE_VERSION" "$AXE_VERSION" > "$dest/VERSIONS"
echo "vendored into $dest and $axe"
