// Builds the web page into src/rasd/serve/static/ (committed, so the package works offline).
// Leaflet, Leaflet.markercluster, Swagger UI (the API docs page) and the Natural Earth country outlines (world-atlas, via
// topojson-client) come from npm, pinned in package.json and package-lock.json.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "rasd", "serve", "static");
const nm = join(here, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "leaflet"), { recursive: true });
mkdirSync(join(out, "vendor", "swagger-ui"), { recursive: true });
mkdirSync(join(out, "vendor", "leaflet.markercluster"), { recursive: true });

for (const f of ["index.html", "app.js", "app.css", "docs.html", "docs.js"]) cpSync(join(here, "src", f), join(out, f));
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]) {
  cpSync(join(nm, "swagger-ui-dist", f), join(out, "vendor", "swagger-ui", f));
}
cpSync(join(nm, "leaflet", "dist", "leaflet.js"), join(out, "vendor", "leaflet", "leaflet.js"));
cpSync(join(nm, "leaflet", "dist", "leaflet.css"), join(out, "vendor", "leaflet", "leaflet.css"));
cpSync(join(nm, "leaflet", "dist", "images"), join(out, "vendor", "leaflet", "images"), { recursive: true });
for (const f of ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]) {
  cpSync(join(nm, "leaflet.markercluster", "dist", f), join(out, "vendor", "leaflet.markercluster", f));
}

// country outlines: TopoJSON -> GeoJSON, coordinates rounded to ~100 m to keep the file small
const topo = JSON.parse(readFileSync(join(nm, "world-atlas", "countries-50m.json"), "utf8"));
const geo = feature(topo, topo.objects.countries);
const round = (c) => (typeof c[0] === "number" ? [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000] : c.map(round));
for (const f of geo.features) {
  f.geometry.coordinates = round(f.geometry.coordinates);
  f.properties = { name: f.properties.name };
}
writeFileSync(join(out, "countries.geojson"), JSON.stringify(geo));

const lic = (p) => readFileSync(join(nm, p, "LICENSE"), "utf8");
writeFileSync(join(out, "vendor", "THIRD-PARTY-LICENSES.txt"),
  "Leaflet 1.9.4 (BSD-2-Clause)\n\n" + lic("leaflet") +
  "\n\nLeaflet.markercluster 1.5.3 (MIT), marker clustering on the map\n\n" +
  readFileSync(join(nm, "leaflet.markercluster", "MIT-LICENCE.txt"), "utf8") +
  "\n\nswagger-ui-dist 5.35.0 (Apache-2.0), the API docs page: vendor/swagger-ui (LICENSE and NOTICE beside it)\n\n" +
  "\n\nworld-atlas 2.0.2 (ISC; outlines from Natural Earth, public domain), used for countries.geojson\n\n" + lic("world-atlas") +
  "\n\ntopojson-client 3.1.0 (ISC), used at build time\n\n" + lic("topojson-client"));
console.log("built", out);
