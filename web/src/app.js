// rasd's page: filters, map, timeline brush, event list, event panel with evidence, corrections.
// Article text is hostile input: every piece of stored text goes into the page as a text node
// (el() below, textContent), never through innerHTML.
/* global L */

const COLORS = {
  "Battles": "#d7301f", "Explosions/Remote violence": "#ff8c00", "Violence against civilians": "#7a0177",
  "Protests": "#2b8cbe", "Riots": "#41ab5d", "Strategic developments": "#6a6a6a",
};
const PAGE = 50;
const state = { mode: "events", filters: {}, offset: 0, meta: null, token: null, selected: null, markers: null, hist: [] };

// ---------------------------------------------------------------- helpers
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const $ = (id) => document.getElementById(id);
function bump(node, key) {
  // count finished steps in a data attribute (the list drawn, the map drawn): for benches and tests
  node.dataset[key] = String(Number(node.dataset[key] || 0) + 1);
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function toast(msg, err) {
  const t = $("toast");
  t.textContent = msg;
  t.className = err ? "err" : "";
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const err = new Error((body && body.error) || ("HTTP " + res.status));
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

function query(extra) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(Object.assign({}, state.filters, extra || {}))) {
    if (v !== "" && v !== null && v !== undefined && v !== false) p.set(k, v);
  }
  return p.toString();
}

// ---------------------------------------------------------------- token and location hash
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.get("token")) {
    localStorage.setItem("rasd-token", h.get("token"));
    h.delete("token");
    history.replaceState(null, "", location.pathname + location.search + (h.toString() ? "#" + h : ""));
  }
  state.token = localStorage.getItem("rasd-token");
  $("token-btn").textContent = state.token ? "token: set" : "token: not set";
  return h.get("event");
}

$("skip-list").addEventListener("click", (ev) => {
  // focus moves to the list (the next Tab is its first button) without touching the location hash
  ev.preventDefault();
  $("list-view").focus();
});

$("token-btn").addEventListener("click", () => {
  const t = prompt("Write token (printed by 'rasd serve'); empty to forget it:", "");
  if (t === null) return;
  if (t) localStorage.setItem("rasd-token", t.trim()); else localStorage.removeItem("rasd-token");
  readHash();
});

// ---------------------------------------------------------------- map
// Panes, bottom to top: country outlines (250), town labels (350), the events' canvas (overlayPane,
// 400), the control layer's rings (420), cluster icons (markerPane, 600).
// Zoom 14 at most: a town's streets (the outlines and town labels show nothing closer), and the
// last level the clusters are built for (each level costs a pass over every point).
const map = L.map("map", { worldCopyJump: true, preferCanvas: true, minZoom: 2, maxZoom: 14 }).setView([35, 38], 6);
map.attributionControl.addAttribution("Outlines: Natural Earth");
for (const [name, z] of [["base", 250], ["labels", 350], ["control", 420]]) {
  map.createPane(name).style.zIndex = String(z);
}
map.getPane("labels").style.pointerEvents = "none";
function loadOutlines() {
  // 1.7 MB of outlines to parse and paint (0.3 s of the page's thread): asked for right after the
  // list and points, so that they are read while the server answers those, and not later, when
  // the analyst's first filter is answered
  fetch("/static/countries.geojson").then((r) => r.json()).then((geo) => {
    L.geoJSON(geo, { pane: "base", renderer: L.canvas({ pane: "base" }), interactive: false,
                     style: { color: "#7c8aa0", weight: 1, fillColor: "#f1efe6", fillOpacity: 1 } }).addTo(map);
  });
}
// every event a point; points close together on screen become one cluster showing how many it holds
const pointTip = L.tooltip({ direction: "top", offset: [0, -4] });
function clusterGroup() {
  // A new group for each answer: dropping the old group whole is faster than emptying it. The
  // cluster tree is built for every zoom of the map (2 to 14: 13 levels, where 2 to 18 cost
  // half as much again); at zoom 14 points that share one spot open as a spider. Chunks of half a
  // second with no pause between them: the page answers between chunks, and the points are
  // clustered without waiting.
  const g = L.markerClusterGroup({ chunkedLoading: true, chunkInterval: 500, chunkDelay: 0,
                                   showCoverageOnHover: false, maxClusterRadius: 50,
                                   spiderfyOnMaxZoom: true, chunkProgress: (done, total) => {
                                     if (done === total) bump($("map"), "drawn");  // every point clustered
                                   } });
  g.on("click", (ev) => { if (ev.layer.options.eventId) openEvent(ev.layer.options.eventId); });
  g.on("mouseover", (ev) => {
    const o = ev.layer.options;
    if (!o.eventId) return;
    // a node: Leaflet would parse a string as HTML
    pointTip.setLatLng(ev.layer.getLatLng()).setContent(el("span", {}, `${o.eventType} ${o.eventDate || ""}`));
    map.openTooltip(pointTip);
  });
  g.on("mouseout", () => map.closeTooltip(pointTip));
  return g;
}
state.markers = clusterGroup().addTo(map);
let selectedRing = null;
function ring(lat, lon) {
  if (selectedRing) map.removeLayer(selectedRing);
  selectedRing = lat === null || lat === undefined ? null
    : L.circleMarker([lat, lon], { radius: 11, weight: 3, color: "#111", fill: false, interactive: false }).addTo(map);
}

function tiles(url) {
  // optional tiles over the outlines; if none load, the outlines stay visible underneath
  if (!url) return;
  const layer = L.tileLayer(url, { maxZoom: 14 });
  let ok = 0, bad = 0;
  layer.on("tileload", () => { ok += 1; });
  layer.on("tileerror", () => { bad += 1; if (bad >= 4 && ok === 0) { map.removeLayer(layer); } });
  layer.addTo(map);
}

let pointsKey = null;  // the last set of points drawn: the same answer again is not drawn again
async function loadPoints(fit, after) {
  // asked for with the list, clustered once the list is drawn (``after``): the list comes first
  const data = await api("/api/events/points?" + query({ limit: 5000 }));
  if (after) await after.catch(() => {});
  const key = JSON.stringify(data.points);
  if (key === pointsKey && state.markers) {
    bump($("map"), "drawn");
    if (fit) zoomToResults();
    return;
  }
  pointsKey = key;
  const layers = [];
  for (const [id, lat, lon, type, date] of data.points) {
    // no handler nor tooltip of its own: the group's (below) serve every point, 5,000 build fast
    layers.push(L.circleMarker([lat, lon], {
      radius: 5, weight: 1, color: "#222", fillColor: COLORS[type] || "#444", fillOpacity: 0.75,
      eventId: id, eventType: type, eventDate: date,
    }));
  }
  if (!layers.length) bump($("map"), "drawn");  // nothing to cluster
  map.removeLayer(state.markers);
  // zoomed to the results first: the clusters are then drawn once, for the view they are seen in
  if (fit) fitTo(L.latLngBounds(data.points.map((p) => [p[1], p[2]])));
  const group = clusterGroup();
  group.addLayers(layers);  // clustered before it is on the map: drawn once
  state.markers = group.addTo(map);
  $("map").dataset.points = String(layers.length);
  $("map").dataset.truncated = data.truncated ? "1" : "";
}

function fitTo(b) {
  if (b.isValid()) map.fitBounds(b.pad(0.15), { maxZoom: 11, animate: false });
}

function zoomToResults() {
  fitTo(state.markers.getBounds());
}

// a button on the map that zooms to what the filters found
const ZoomControl = L.Control.extend({
  onAdd() {
    const b = el("button", { type: "button", id: "zoom-results", class: "map-btn", title: "zoom to the events found" },
      "zoom to results");
    L.DomEvent.disableClickPropagation(b);
    b.addEventListener("click", zoomToResults);
    return b;
  },
});
new ZoomControl({ position: "topleft" }).addTo(map);

// ---- place labels: the most populous towns in view, from the server's gazetteer (GeoNames)
const labels = L.layerGroup();
let labelsOff = false;
function boxOf(bounds) {
  const lon = (x) => Math.max(-180, Math.min(180, x)).toFixed(4);
  const lat = (x) => Math.max(-90, Math.min(90, x)).toFixed(4);
  return [lon(bounds.getWest()), lat(bounds.getSouth()), lon(bounds.getEast()), lat(bounds.getNorth())].join(",");
}
async function loadLabels() {
  if (labelsOff || !map.hasLayer(labels)) return;
  const size = map.getSize();
  const limit = Math.max(30, Math.min(200, Math.round((size.x * size.y) / 8000)));
  let data;
  try { data = await api(`/api/gazetteer/towns?bbox=${boxOf(map.getBounds())}&limit=${limit}`); } catch (e) {
    labelsOff = true;  // the gazetteer failed: no labels, no retries
    map.removeLayer(labels);
    return;
  }
  labels.clearLayers();
  const taken = [];  // screen boxes of the labels placed so far, most populous first
  for (const t of data.items) {
    const p = map.latLngToContainerPoint([t.lat, t.lon]);
    const w = 7 * t.name.length + 8, h = 16;
    if (taken.some((q) => Math.abs(q.x - p.x) < (q.w + w) / 2 && Math.abs(q.y - p.y) < h)) continue;
    taken.push({ x: p.x, y: p.y, w });
    labels.addLayer(L.marker([t.lat, t.lon], {
      pane: "labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "town", html: el("span", { dir: "auto" }, t.name), iconSize: null }),
    }));
  }
  $("map").dataset.labels = String(labels.getLayers().length);
}
let labelTimer = null;
map.on("moveend", () => { clearTimeout(labelTimer); labelTimer = setTimeout(loadLabels, 150); });
labels.on("add", () => { map.attributionControl.addAttribution("Place names: GeoNames (CC BY 4.0)"); loadLabels(); });
labels.on("remove", () => map.attributionControl.removeAttribution("Place names: GeoNames (CC BY 4.0)"));

// ---- control layer: who held each place on the brushed date (its end), today when none is brushed
const controlLayer = L.layerGroup();
const controlRenderer = L.svg({ pane: "control" });
const HOLDER_PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
                        "#b2182b", "#4d4d4d"];
function holderColours(items) {
  // a colour of its own for each holder on the map, the most frequent first (the palette has ten)
  const n = new Map();
  for (const c of items) n.set(c.holder, (n.get(c.holder) || 0) + 1);
  const ranked = [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return new Map(ranked.map(([h, k], i) => [h, { colour: HOLDER_PALETTE[i % HOLDER_PALETTE.length], count: k }]));
}
const ControlLegend = L.Control.extend({
  onAdd() { return el("div", { class: "control-legend", id: "control-legend", hidden: true }); },
});
new ControlLegend({ position: "bottomleft" }).addTo(map);
function controlDay() {
  return state.filters.date_to || new Date().toISOString().slice(0, 10);
}
async function loadControl() {
  const legend = $("control-legend");
  if (!map.hasLayer(controlLayer)) { legend.hidden = true; return; }
  const day = controlDay();
  let data;
  try { data = await api("/api/control/at?date=" + day); } catch (e) { toast(e.message, true); return; }
  controlLayer.clearLayers();
  const holders = holderColours(data.items);
  for (const c of data.items) {
    const colour = holders.get(c.holder).colour;
    const r = L.circleMarker([c.lat, c.lon], { renderer: controlRenderer, radius: 13, weight: 4, color: colour,
      fill: false, dashArray: c.rests_on_one_report ? "4 4" : null, className: "ctl-ring" });
    r.bindTooltip(el("span", {}, `${c.place}: ${c.holder} since ${c.start || "?"}`,
      ` (${c.reports || "?"} report${c.reports === 1 ? "" : "s"}${c.status ? ", " + c.status : ""})`,
      c.rests_on_one_report ? " — rests on one report" : ""));
    controlLayer.addLayer(r);
  }
  clear(legend);
  legend.append(el("strong", {}, `Control on ${day}`));
  if (!holders.size) legend.append(el("div", { class: "muted" }, "no known holder on that day"));
  for (const [h, { colour, count }] of holders) {
    const i = el("i");
    i.style.borderColor = colour;
    legend.append(el("div", { "data-holder": h }, i, `${h} (${count})`));
  }
  legend.append(el("div", { class: "muted" }, "dashed: one report only"));
  legend.hidden = false;
  $("map").dataset.control = String(data.items.length);
}
controlLayer.on("add", loadControl);
controlLayer.on("remove", () => { $("control-legend").hidden = true; });
L.control.layers(null, { "place names": labels, "control (holder on the brushed date)": controlLayer },
                 { collapsed: false, position: "topright" }).addTo(map);

// ---- the area filter: a rectangle dragged on the map
let areaRect = null, drawing = null;
function startDrawing() {
  drawing = { start: null };
  map.dragging.disable();
  map.boxZoom.disable();
  $("map").classList.add("drawing");
  $("area-draw").textContent = "drag on the map…";
}
function stopDrawing() {
  drawing = null;
  map.dragging.enable();
  map.boxZoom.enable();
  $("map").classList.remove("drawing");
  $("area-draw").textContent = "draw";
}
function showArea(bounds) {
  if (areaRect) map.removeLayer(areaRect);
  areaRect = bounds ? L.rectangle(bounds, { color: "#d48a00", weight: 2, fillOpacity: 0.05, interactive: false })
    .addTo(map) : null;
  $("area-clear").hidden = !bounds;
  $("area-text").textContent = bounds ? `${bounds.getSouth().toFixed(2)}–${bounds.getNorth().toFixed(2)}° N, `
    + `${bounds.getWest().toFixed(2)}–${bounds.getEast().toFixed(2)}° E` : "whole map";
}
function restoreArea() {
  // the rectangle of the area filter in force (after a drawing was cancelled)
  const v = $("f-bbox").value;
  if (!v) { showArea(null); return; }
  const [w, so, e, n] = v.split(",").map(Number);
  showArea(L.latLngBounds([so, w], [n, e]));
}
map.on("mousedown", (ev) => {
  if (!drawing) return;
  drawing.start = ev.latlng;
  showArea(L.latLngBounds(ev.latlng, ev.latlng));
});
map.on("mousemove", (ev) => {
  if (drawing && drawing.start) areaRect.setBounds(L.latLngBounds(drawing.start, ev.latlng));
});
map.on("mouseup", (ev) => {
  if (!drawing || !drawing.start) return;
  const b = L.latLngBounds(drawing.start, ev.latlng);
  stopDrawing();
  if (b.getNorth() - b.getSouth() < 1e-4 || b.getEast() - b.getWest() < 1e-4) { showArea(null); return; }
  showArea(b);
  $("f-bbox").value = boxOf(b);
  $("filter-form").requestSubmit();
});
$("area-draw").addEventListener("click", () => (drawing ? stopDrawing() : startDrawing()));
$("area-clear").addEventListener("click", () => {
  showArea(null);
  $("f-bbox").value = "";
  $("filter-form").requestSubmit();
});

// ---------------------------------------------------------------- timeline with a brush
const svg = $("tl-svg");
const NS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  return n;
}

async function loadHistogram() {
  const f = Object.assign({}, state.filters, { date_from: "", date_to: "" });
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  p.set("bin", "month");
  const data = await api("/api/events/histogram?" + p);
  state.hist = fillMonths(data.bins);
  drawHistogram();
}

function fillMonths(bins) {
  // every month from the first to the last, empty ones included, so the axis is linear in time
  if (!bins.length) return bins;
  const count = new Map(bins.map((b) => [b.bin, b.count]));
  const out = [];
  let [y, m] = bins[0].bin.split("-").map(Number);
  const [y1, m1] = bins[bins.length - 1].bin.split("-").map(Number);
  while (y < y1 || (y === y1 && m <= m1)) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    out.push({ bin: key, count: count.get(key) || 0 });
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

function monthEnd(ym) {
  const [y, m] = ym.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function drawHistogram() {
  clear(svg);
  const bins = state.hist;
  const W = svg.clientWidth || 600, H = 115, pad = 18;
  if (!bins.length) { svg.appendChild(svgEl("text", { x: 10, y: 40, class: "axis" })).textContent = "no dated events"; return; }
  const max = Math.max(...bins.map((b) => b.count));
  const bw = (W - 2) / bins.length;
  const from = state.filters.date_from, to = state.filters.date_to;
  bins.forEach((b, i) => {
    const h = ((H - pad) * b.count) / max;
    const inside = (!from || monthEnd(b.bin) >= from) && (!to || b.bin + "-01" <= to);
    const r = svgEl("rect", { x: 1 + i * bw, y: H - pad - h, width: Math.max(bw - 1, 1), height: h,
                              class: "bar" + (inside ? "" : " out") });
    const title = svgEl("title", {});
    title.textContent = `${b.bin}: ${b.count}`;
    r.appendChild(title);
    svg.appendChild(r);
    const firstLabel = i === 0 && !bins.slice(1, 12).some((x) => x.bin.endsWith("-01"));
    if ((firstLabel || b.bin.endsWith("-01")) && 1 + i * bw < W - 28) {  // no label cut at the edge
      const t = svgEl("text", { x: 1 + i * bw, y: H - 4, class: "axis" });
      t.textContent = b.bin.endsWith("-01") ? b.bin.slice(0, 4) : b.bin;
      svg.appendChild(t);
    }
  });
  $("tl-range").textContent = from || to ? `${from || "…"} to ${to || "…"}` : "";
  svg.dataset.bw = String(bw);
}

let brush = null;
svg.addEventListener("mousedown", (ev) => {
  const x0 = ev.offsetX;
  brush = { x0, rect: svgEl("rect", { x: x0, y: 0, width: 1, height: 97, class: "brush" }) };
  svg.appendChild(brush.rect);
});
svg.addEventListener("mousemove", (ev) => {
  if (!brush) return;
  const a = Math.min(brush.x0, ev.offsetX), b = Math.max(brush.x0, ev.offsetX);
  brush.rect.setAttribute("x", a);
  brush.rect.setAttribute("width", Math.max(b - a, 1));
});
window.addEventListener("mouseup", (ev) => {
  if (!brush) return;
  const bw = Number(svg.dataset.bw || 1);
  const box = svg.getBoundingClientRect();
  const x1 = ev.clientX - box.left;
  const i0 = Math.max(0, Math.floor(Math.min(brush.x0, x1) / bw));
  const i1 = Math.min(state.hist.length - 1, Math.floor(Math.max(brush.x0, x1) / bw));
  brush = null;
  if (!state.hist.length || i1 < i0) { drawHistogram(); return; }
  state.filters.date_from = state.hist[i0].bin + "-01";
  state.filters.date_to = monthEnd(state.hist[i1].bin);
  $("f-from").value = state.filters.date_from;
  $("f-to").value = state.filters.date_to;
  refresh(false);
});
$("tl-clear").addEventListener("click", () => {
  state.filters.date_from = ""; state.filters.date_to = "";
  $("f-from").value = ""; $("f-to").value = "";
  refresh(false);
});

// ---------------------------------------------------------------- filters
function readFilters() {
  const fd = new FormData($("filter-form"));
  const f = {};
  for (const [k, v] of fd.entries()) f[k] = String(v).trim();
  if (f.country) f.country = f.country.toUpperCase();
  return f;
}

function fillTypes() {
  const types = state.meta.event_types;
  const sel = $("f-type");
  for (const t of Object.keys(types)) sel.appendChild(el("option", { value: t }, t));
  fillSubTypes();
  const legend = $("legend");
  for (const t of Object.keys(types)) {
    const i = el("i");
    i.style.background = COLORS[t] || "#444";
    legend.appendChild(el("span", {}, i, t));
  }
}

function fillSubTypes() {
  const sel = $("f-sub");
  const keep = sel.value;
  clear(sel);
  sel.appendChild(el("option", { value: "" }, "any"));
  const t = $("f-type").value;
  const subs = t ? state.meta.event_types[t] || [] : Object.values(state.meta.event_types).flat();
  for (const s of subs) sel.appendChild(el("option", { value: s }, s));
  if (subs.includes(keep)) sel.value = keep;
}
$("f-type").addEventListener("change", () => { fillSubTypes(); $("filter-form").requestSubmit(); });
$("f-sub").addEventListener("change", () => $("filter-form").requestSubmit());
$("f-status").addEventListener("change", () => $("filter-form").requestSubmit());
$("filter-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.filters = readFilters();
  refresh(true, true);
});
$("f-reset").addEventListener("click", () => {
  $("filter-form").reset();
  $("f-bbox").value = "";
  showArea(null);
  fillSubTypes();
  state.filters = {};
  refresh(true, true);
});

// ---------------------------------------------------------------- event list
function confidenceBadge(c) {
  // the coder's confidence, 0-1: low (< 0.5) stands out
  if (c === null || c === undefined) return el("span", { class: "badge conf", title: "no confidence stored" }, "conf. —");
  return el("span", { class: "badge conf" + (c < 0.5 ? " low" : ""), title: "the coder's confidence" },
    `conf. ${Number(c).toFixed(2)}`);
}

// ---- what is new since the analyst's last visit (kept in this browser)
function isoSecond(d) { return d.toISOString().slice(0, 19) + "Z"; }
// a visit is a browser tab's session: reloading the page keeps the time of the visit before
if (sessionStorage.getItem("rasd-prev-visit") === null) {
  sessionStorage.setItem("rasd-prev-visit", localStorage.getItem("rasd-last-visit") || "");
  localStorage.setItem("rasd-last-visit", isoSecond(new Date()));
}
state.lastVisit = sessionStorage.getItem("rasd-prev-visit") || null;
function newness(created, changed) {
  // "new" when it appeared after the last visit, "updated" when it only changed since
  const v = state.lastVisit;
  if (!v) return null;
  if (created && created >= v) return el("span", { class: "badge new" }, "new");
  if (changed && changed >= v) return el("span", { class: "badge updated" }, "updated");
  return null;
}
function sinceOptions() {
  if (!state.lastVisit) return;
  const when = state.lastVisit.slice(0, 16).replace("T", " ");
  const opt = el("option", { value: state.lastVisit, id: "since-last-visit" }, `your last visit (${when} UTC)`);
  $("f-since").insertBefore(opt, $("f-since").options[1]);
  $("f-since").value = state.lastVisit;  // the page opens on what is new since then
}
$("f-since").addEventListener("change", () => $("filter-form").requestSubmit());

// ---- the sources panel: what rasd watch follows, its last fetch, items and errors
async function showSources() {
  const view = $("sources-view");
  let data;
  try { data = await api("/api/sources"); } catch (e) { toast(e.message, true); return; }
  clear(view);
  view.append(el("button", { type: "button", id: "sources-back", onclick: closePanel }, "‹ back to the list"),
    el("h2", {}, `Sources (${data.items.length})`));
  if (!data.items.length) view.append(el("p", { class: "muted" }, "no sources yet: rasd sources add URL"));
  const table = el("table", { class: "compare", id: "sources-table" }, el("thead", {}, el("tr", {},
    ["source", "last fetch", "items", "errors"].map((h) => el("th", { scope: "col" }, h)))));
  const body = el("tbody");
  for (const x of data.items) {
    const u = safeUrl(x.url);
    body.appendChild(el("tr", { "data-source": x.name, class: x.last_error ? "failing" : null },
      el("td", {}, el("strong", {}, x.name), el("div", { class: "muted" },
        u ? el("a", { href: u, target: "_blank", rel: "noopener noreferrer" }, x.url) : x.url),
        el("div", { class: "muted" }, [x.kind, x.country, x.every_s ? `every ${Math.round(x.every_s / 60)} min` : null]
          .filter(Boolean).join(" · "))),
      el("td", {}, x.last_fetch_at ? x.last_fetch_at.slice(0, 16).replace("T", " ") : "never",
        x.last_status ? el("div", { class: "muted" }, x.last_status) : null),
      el("td", {}, `${x.items || 0}`, el("div", { class: "muted" }, `${x.stored || 0} stored, ${x.failed || 0} failed`)),
      el("td", { class: x.errors ? "differs" : null }, `${x.errors || 0}`,
        x.last_error ? el("div", { class: "muted", dir: "auto" }, x.last_error) : null)));
  }
  table.appendChild(body);
  if (data.items.length) view.append(el("div", { class: "compare-wrap" }, table));
  openPanel("sources-view");
}
const PANELS = ["sources-view", "alerts-view"];
function openPanel(id) {
  // a panel of the side column in place of the list or the event (the back button returns)
  for (const p of PANELS) $(p).hidden = p !== id;
  $("list-view").hidden = true;
  $("event-view").hidden = true;
}
function closePanel() {
  for (const p of PANELS) $(p).hidden = true;
  if (state.selected) $("event-view").hidden = false; else $("list-view").hidden = false;
}
$("sources-btn").addEventListener("click", () => ($("sources-view").hidden ? showSources() : closePanel()));

// ---- alerts: the current filters saved as a search that notifies a webhook or an e-mail address
const ALERT_FILTERS = { type: "event_type", sub_type: "sub_event_type", actor: "actor", place: "place",
  country: "country", status: "status", min_corroboration: "min_corroboration", date_from: "date_from",
  date_to: "date_to", bbox: "bbox", text: "text" };
function alertFilters() {
  const out = {};
  for (const [k, v] of Object.entries(state.filters)) {
    if (!v || !ALERT_FILTERS[k] || (k === "status" && v === "rejected")) continue;
    out[ALERT_FILTERS[k]] = k === "min_corroboration" ? Number(v) : k === "bbox" ? v.split(",").map(Number) : v;
  }
  return out;
}
function filtersText(f) {
  const parts = Object.entries(f || {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`);
  return parts.length ? parts.join(" · ") : "every fused event";
}
async function showAlerts() {
  const view = $("alerts-view");
  let data;
  try { data = await api("/api/alerts"); } catch (e) { toast(e.message, true); return; }
  clear(view);
  view.append(el("button", { type: "button", id: "alerts-back", onclick: closePanel }, "‹ back to the list"),
    el("h2", {}, `Alerts (${data.items.length})`));
  const list = el("ul", { class: "alerts", id: "alerts-list" });
  for (const a of data.items) {
    const n = a.notifications || {};
    list.appendChild(el("li", { "data-alert": a.name },
      el("strong", {}, a.name), ` → ${a.channel} `, el("span", { class: "muted" }, a.target),
      el("div", { class: "muted" }, filtersText(a.filters)),
      el("div", { class: "muted" }, `notifications: ${n.sent || 0} sent, ${n.pending || 0} pending, ${n.failed || 0} failed`),
      el("div", { class: "row" },
        el("button", { type: "button", class: "al-test", onclick: () => alertAction("POST", a.name, "/test", "test queued") },
          "send a test"),
        el("button", { type: "button", class: "al-delete", onclick: () => alertAction("DELETE", a.name, "", "alert deleted") },
          "delete"))));
  }
  if (!data.items.length) list.appendChild(el("li", { class: "muted" }, "no alerts yet"));
  const filters = alertFilters();
  const form = el("form", { class: "correct", id: "alert-form" },
    el("h3", {}, "New alert on the current filters"),
    el("p", { class: "muted", id: "alert-filters" }, filtersText(filters)),
    el("label", {}, "Name", el("input", { name: "name", id: "al-name", required: true, placeholder: "idlib-strikes" })),
    el("label", {}, "Send to (a webhook URL or an e-mail address)",
      el("input", { name: "target", id: "al-target", required: true, placeholder: "https://hooks.example.org/rasd" })),
    el("button", { type: "submit", id: "al-save" }, "Save alert"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!state.token) { toast("set a write token first (button at the top right)", true); return; }
    const target = $("al-target").value.trim();
    const body = { name: $("al-name").value.trim(), filters: filters };
    body[/^https?:\/\//i.test(target) ? "webhook" : "email"] = target;
    try {
      const r = await api("/api/alerts", { method: "POST", headers: { "Content-Type": "application/json" },
                                           body: JSON.stringify(body) });
      await showAlerts();
      if (r.secret) {
        $("alerts-view").insertBefore(el("p", { class: "caveat", id: "alert-secret" },
          "The webhook's signing secret, shown only now: ", el("code", {}, r.secret)), $("alerts-list"));
      }
      toast("alert saved");
    } catch (err) { toast(err.message, true); }
  });
  view.append(list, form);
  openPanel("alerts-view");
}
async function alertAction(method, name, tail, done) {
  if (!state.token) { toast("set a write token first (button at the top right)", true); return; }
  try {
    await api("/api/alerts/" + encodeURIComponent(name) + tail, { method });
    toast(done);
    await showAlerts();
  } catch (err) { toast(err.message, true); }
}
$("alerts-btn").addEventListener("click", () => ($("alerts-view").hidden ? showAlerts() : closePanel()));

function outletsOf(reports) {
  // the known, distinct outlets of a fused event's reports (unknown ones are not counted)
  return [...new Set(reports.map((r) => r.outlet).filter(Boolean))];
}

async function loadFusedList() {
  const data = await api("/api/fused?" + query({ limit: PAGE, offset: state.offset, include_rejected: "",
                                                 doc_id: "" }));
  const list = $("event-list");
  clear(list);
  for (const f of data.items) {
    const reports = f.reports || [];
    const outlets = f.outlets || outletsOf(reports);
    const first = reports.length ? reports[0].event_id : null;
    // the figures as the reports gave them ("1 / 100+"), else the range, else the one figure
    const fat = f.fatalities_text ? `${f.fatalities_text} killed`
      : f.fatalities_range && f.fatalities_range[0] !== f.fatalities_range[1] && f.fatalities_range[1] !== null
        ? `${f.fatalities_range[0]}–${f.fatalities_range[1]} killed`
        : (f.fatalities !== null && f.fatalities !== undefined ? `${f.fatalities} killed` : "");
    const li = el("li", { "data-id": first, "data-cluster": f.cluster_id, tabindex: 0,
                          onclick: () => first && openEvent(first) },
      el("div", { class: "t" }, f.event_type, " · ", f.sub_event_type,
        f.status ? el("span", { class: "badge " + f.status }, f.status) : null, newness(f.created_at, f.changed_at)),
      el("div", { class: "s" }, f.date || "undated", " · ",
        f.location ? el("bdi", {}, f.location.name) : "no place", fat ? " · " + fat : ""),
      el("div", { class: "s fused-sources" }, `${reports.length} report${reports.length === 1 ? "" : "s"} · `,
        outlets.length ? `${outlets.length} outlet${outlets.length === 1 ? "" : "s"}: ${outlets.join(", ")}`
          : "no known outlet"));
    if (first && first === state.selected) li.classList.add("sel");
    list.appendChild(li);
  }
  pager(data);
}

function setMode(mode) {
  state.mode = mode;
  for (const m of ["events", "fused", "review"]) $("mode-" + m).setAttribute("aria-pressed", String(mode === m));
  $("review-opts").hidden = mode !== "review";
  state.offset = 0;
  return Promise.all([loadList(), loadCount()]).catch((e) => toast(e.message, true));
}
$("mode-events").addEventListener("click", () => setMode("events"));
$("mode-fused").addEventListener("click", () => setMode("fused"));
$("mode-review").addEventListener("click", () => setMode("review"));
$("review-order").addEventListener("change", () => setMode("review"));

// ---- the review queue: unreviewed events, lowest confidence (or most reports) first, worked from
// the keyboard in the event panel: J next, K previous, A accept, R reject, E edit, Esc the queue
const REVIEW_KEYS = [["J", "next"], ["K", "previous"], ["A", "accept"], ["R", "reject"], ["E", "edit"],
                     ["Esc", "back to the queue"]];
state.queue = { items: [], total: null };

function eventRow(e) {
  const li = el("li", { "data-id": e.event_id, tabindex: 0, onclick: () => openEvent(e.event_id) },
    el("div", { class: "t" }, e.event_type, " · ", e.sub_event_type, confidenceBadge(e.confidence),
      e.reports > 1 ? el("span", { class: "badge" }, `${e.reports} reports`) : null,
      (e.corrected || []).length ? el("span", { class: "badge corrected" }, "corrected") : null, newness(e.stored_at),
      e.review === "accepted" ? el("span", { class: "badge confirmed" }, "accepted") : null,
      e.rejected || e.review === "rejected" ? el("span", { class: "badge rejected" }, "rejected") : null),
    el("div", { class: "s" }, e.date || "undated", " · ",
      e.location ? el("bdi", {}, e.location.name) : "no place",
      e.fatalities !== null && e.fatalities !== undefined ? ` · ${e.fatalities} killed` : ""),
    el("div", { class: "s", dir: "auto" }, e.sentence || ""));
  if (e.event_id === state.selected) li.classList.add("sel");
  return li;
}

async function loadReviewList() {
  const data = await api("/api/review?" + query({ limit: PAGE, offset: state.offset, count: "true",
    order: $("review-order").value, include_rejected: "", status: "" }));
  state.queue = { items: data.items, total: data.total };
  const list = $("event-list");
  clear(list);
  for (const e of data.items) list.appendChild(eventRow(e));
  pager(data, "nothing left to review");
  $("list-count").textContent = `${data.total} to review`;
}

function reviewBar(id) {
  const i = state.queue.items.findIndex((x) => x.event_id === id);
  const keys = el("span", { class: "keys", id: "review-keys" },
    REVIEW_KEYS.map(([k, what]) => el("span", {}, el("kbd", {}, k), " " + what)));
  return el("div", { class: "review-bar", id: "review-bar" },
    el("strong", {}, i >= 0 ? `Review ${state.offset + i + 1} of ${state.queue.total}` : "Review"),
    el("button", { type: "button", id: "rv-accept", onclick: () => decide("accepted") }, "accept"),
    el("button", { type: "button", id: "rv-reject", onclick: () => decide("rejected") }, "reject"),
    el("button", { type: "button", id: "rv-edit", onclick: editCurrent }, "edit"), keys);
}

async function step(delta) {
  const items = state.queue.items;
  let i = items.findIndex((x) => x.event_id === state.selected) + delta;
  if (i < 0) { toast("this is the first event of the page"); return; }
  if (i >= items.length) {
    if (items.length < PAGE) { toast("no more events to review here"); return; }
    state.offset += PAGE;
    await loadReviewList();
    i = 0;
  }
  if (items[i] || state.queue.items[i]) await openEvent((state.queue.items[i] || items[i]).event_id);
}

async function decide(decision) {
  const id = state.selected;
  if (!id) return;
  if (!state.token) { toast("set a write token first (button at the top right)", true); return; }
  const i = state.queue.items.findIndex((x) => x.event_id === id);
  try {
    await api("/api/events/" + encodeURIComponent(id) + "/review", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ decision }) });
  } catch (err) { toast(err.message, true); return; }
  toast(`${decision}: ${id}`);
  await loadReviewList();  // the event has left the queue: the next one takes its place
  const items = state.queue.items;
  if (!items.length) { closeEvent(); toast("the review queue is empty"); return; }
  await openEvent(items[Math.min(Math.max(i, 0), items.length - 1)].event_id);
  loadPoints();
}

function editCurrent() {
  const first = $("c-type");
  if (!first) return;
  first.scrollIntoView({ block: "center" });
  first.focus();
}

function typing(target) {
  return target && target.closest && target.closest("input, select, textarea, [contenteditable]");
}
document.addEventListener("keydown", (ev) => {
  if (state.mode !== "review" || $("event-view").hidden || typing(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (!$("dialog-back").hidden) return;
  const k = ev.key.toLowerCase();
  const act = { j: () => step(1), k: () => step(-1), a: () => decide("accepted"), r: () => decide("rejected"),
                e: editCurrent }[k];
  if (!act) return;
  ev.preventDefault();
  act();
});

// ---- an in-page dialog (a question the analyst must answer before a risky write)
function ask(title, text, ok) {
  return new Promise((resolve) => {
    $("dialog-title").textContent = title;
    $("dialog-text").textContent = text;
    $("dialog-ok").textContent = ok;
    $("dialog-back").hidden = false;
    const was = document.activeElement;
    const done = (answer) => {
      $("dialog-back").hidden = true;
      $("dialog-ok").onclick = null; $("dialog-cancel").onclick = null;
      document.removeEventListener("keydown", onKey, true);
      if (was && was.focus) was.focus();
      resolve(answer);
    };
    const onKey = (ev) => { if (ev.key === "Escape") { ev.stopPropagation(); ev.preventDefault(); done(false); } };
    document.addEventListener("keydown", onKey, true);
    $("dialog-ok").onclick = () => done(true);
    $("dialog-cancel").onclick = () => done(false);
    $("dialog-cancel").focus();  // the safe answer has the focus
  });
}

async function loadList() {
  if (state.mode === "fused") return loadFusedList();
  if (state.mode === "review") return loadReviewList();
  const data = await api("/api/events?" + query({ limit: PAGE, offset: state.offset, view: "summary" }));
  const list = $("event-list");
  clear(list);
  for (const e of data.items) list.appendChild(eventRow(e));
  pager(data);
}

function pager(data, empty) {
  // the buttons and the range under a list
  $("prev").disabled = state.offset === 0;
  $("next").disabled = data.next_offset === null;
  $("page").textContent = data.items.length ? `${state.offset + 1}–${state.offset + data.items.length}`
    : empty || (state.lastVisit && state.filters.since === state.lastVisit
      ? "nothing new since your last visit (choose another time under 'Stored since')" : "nothing matches");
}
$("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadList(); });
$("next").addEventListener("click", () => { state.offset += PAGE; loadList(); });

function exportLinks() {
  for (const a of document.querySelectorAll("header nav a[data-format]")) {
    a.href = "/api/export?" + query({ format: a.dataset.format });
  }
}

async function loadCount() {
  if (state.mode === "review") return;  // the queue counts itself
  const data = await api("/api/events?" + query({ limit: 1, view: "summary", count: "true" }));
  $("list-count").textContent = state.mode === "fused" ? `fused from ${data.total} reports` : `${data.total} matching`;
  $("summary").textContent = `${data.total} events match`;
}

async function refresh(withHistogram, fit) {
  state.offset = 0;
  exportLinks();
  try {
    const listed = loadList().then(() => bump(document.body, "listed"));
    await Promise.all([listed, loadCount(), loadPoints(fit, listed), loadControl(),
      withHistogram ? loadHistogram() : Promise.resolve(drawHistogram())]);
  } catch (e) {
    toast(e.message, true);
  }
  bump(document.body, "refreshed");  // list, count, map points and timeline all answered
}

// ---------------------------------------------------------------- the event panel
function fieldRow(name, value, corrected) {
  return [el("dt", {}, name), el("dd", {}, value === null || value === undefined || value === "" ? "—" : value,
    corrected ? el("span", { class: "badge corrected", title: "corrected by an analyst" }, "corrected") : null)];
}

const LABEL = { event_type: "event", sub_event_type: "event", actor1: "actor 1", actor2: "actor 2" };

function excerptNode(x) {
  // the excerpt's text cut at every mark boundary: text nodes and <mark> elements only.
  // Nested or overlapping marks become runs of segments; each run is labelled where its mark ends.
  const node = el("div", { class: "excerpt", dir: "auto" });
  const cuts = new Set([0, x.text.length]);
  for (const m of x.marks) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= x.text.length).sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const over = x.marks.filter((m) => m.start <= a && m.end >= b);
    const text = x.text.slice(a, b);
    if (!over.length) { node.appendChild(document.createTextNode(text)); continue; }
    over.sort((p, q) => (p.end - p.start) - (q.end - q.start));  // innermost colours the run
    const fields = [...new Set(over.map((m) => m.field))];
    const ending = [...new Set(x.marks.filter((m) => m.end === b && m.start <= a).map((m) => LABEL[m.field] || m.field))];
    node.appendChild(el("mark", { class: "f-" + over[0].field, title: fields.join(", "),
      "data-field": ending.join(" · ") || null }, text));
  }
  return node;
}

async function openEvent(id) {
  let data, hist;
  try {
    [data, hist] = await Promise.all([api("/api/events/" + encodeURIComponent(id)),
      api("/api/events/" + encodeURIComponent(id) + "/history").catch(() => null)]);
  } catch (e) { toast(e.message, true); return; }
  state.selected = id;
  history.replaceState(null, "", location.pathname + location.search + "#event=" + encodeURIComponent(id));
  for (const li of document.querySelectorAll("#event-list li")) li.classList.toggle("sel", li.dataset.id === id);
  const e = data.event;
  const c = new Set(e.corrected);
  const view = $("event-view");
  clear(view);
  const loc = e.location;
  if (state.mode === "review") view.append(reviewBar(id));
  view.append(
    el("button", { type: "button", id: "back", onclick: closeEvent },
      state.mode === "review" ? "‹ back to the queue" : "‹ back to the list"),
    el("h2", { id: "ev-title", tabindex: -1 }, e.event_type, " · ", e.sub_event_type,
      e.status ? el("span", { class: "badge " + e.status }, e.status) : null,
      e.rejected ? el("span", { class: "badge rejected" }, "rejected") : null),
    el("dl", { class: "fields", id: "ev-fields" },
      fieldRow("date", e.date, c.has("date")),
      fieldRow("place", loc ? loc.name + (loc.admin1 ? ", " + loc.admin1 : "") : null, c.has("location")),
      fieldRow("actor 1", e.actor1 && e.actor1.name, c.has("actor1")),
      fieldRow("actor 2", e.actor2 && e.actor2.name, c.has("actor2")),
      fieldRow("fatalities", e.fatalities, c.has("fatalities")),
      fieldRow("stance", e.stance),
      [el("dt", {}, "confidence"), el("dd", { id: "ev-confidence" }, confidenceBadge(e.confidence))],
      // corroboration counts known, distinct outlets only: 0 when no outlet is known
      fieldRow("outlets", `${e.corroboration === null || e.corroboration === undefined ? (e.outlets || []).length
        : e.corroboration}` + ((e.outlets || []).length ? ` (${e.outlets.join(", ")})` : "")),
      [el("dt", {}, "source"), el("dd", { id: "ev-source" },
        data.document ? [data.document.outlet || "unknown outlet", data.document.published].filter(Boolean).join(", ")
          : e.doc_id, data.document && data.document.url && safeUrl(data.document.url)
          ? [" ", el("a", { href: safeUrl(data.document.url), target: "_blank", rel: "noopener noreferrer" }, "article ↗")]
          : null)]),
  );
  if (data.document && data.document.title) view.append(el("p", { class: "muted", dir: "auto" }, data.document.title));
  const lang = data.document && data.document.language;
  if (lang && lang.warning) view.append(el("p", { class: "caveat", id: "ev-language" }, lang.warning));
  view.append(el("h3", {}, "Evidence"));
  const ex = el("div", { id: "ev-evidence" });
  for (const x of data.excerpts || []) ex.appendChild(excerptNode(x));
  if (!(data.excerpts || []).length) ex.appendChild(el("p", { class: "muted" }, e.sentence || "no evidence stored"));
  view.append(ex);
  view.append(el("button", { type: "button", id: "show-doc", onclick: () => showDocument(e.doc_id, e.event_id) }, "whole article"),
    el("div", { id: "doc-holder" }));

  const outlets = outletsOf(data.reports);
  view.append(el("h3", {}, `Reports (${data.reports.length})`,
    el("span", { class: "muted" }, outlets.length ? ` · ${outlets.length} known outlet${outlets.length === 1 ? "" : "s"}`
      : " · no known outlet")));
  if (data.reports.length > 1) view.append(compareReports(data.reports));
  else {
    const rl = el("ul", { class: "reports", id: "ev-reports" });
    for (const r of data.reports) {
      rl.appendChild(el("li", {}, el("strong", {}, r.outlet || "unknown outlet"), " ", sourceLink(r), " — ",
        el("span", { class: "badge" }, r.stance), " ", r.date || "",
        r.fatalities !== null && r.fatalities !== undefined ? ` · ${r.fatalities} killed` : "",
        r.title ? el("div", { class: "muted", dir: "auto" }, r.title) : null,
        r.sentence ? el("div", { class: "sent", dir: "auto" }, r.sentence) : null));
    }
    view.append(rl);
  }

  view.append(el("h3", {}, "Control of " + (loc ? loc.name : "the place")));
  const cl = el("ul", { class: "control", id: "ev-control" });
  for (const p of data.control) {
    const n = p.reports || 0;
    cl.appendChild(el("li", {}, el("strong", {}, p.holder), ` ${p.start || "?"} → ${p.end || "now"}`,
      p.status ? el("span", { class: "badge " + p.status }, p.status) : null,
      n ? el("span", { class: "muted" }, ` · ${n} report${n === 1 ? "" : "s"}`
        + ((p.outlets || []).length ? ` (${p.outlets.join(", ")})` : "")) : null,
      p.rests_on_one_report ? el("span", { class: "badge caveat" }, "one report") : null));
  }
  if (!data.control.length) cl.appendChild(el("li", { class: "muted" }, "no control timeline for this place"));
  view.append(cl);
  if (data.control_support && data.control_support.rests_on_one_report) {
    view.append(el("p", { class: "caveat", id: "ev-control-caveat" },
      "This timeline rests on one report only: treat it as a claim, not a fact."));
  }

  view.append(el("h3", {}, "Correct this event"), correctionForm(e));
  view.append(historyList(hist, data.corrections));
  $("list-view").hidden = true;
  view.hidden = false;
  if (loc && loc.lat !== null && loc.lat !== undefined) {
    map.setView([loc.lat, loc.lon], Math.max(map.getZoom(), 8));
    ring(loc.lat, loc.lon);
  } else ring(null);
}

function safeUrl(u) {
  // only web addresses become links (never javascript: or data:)
  try { const x = new URL(u); return x.protocol === "http:" || x.protocol === "https:" ? x.href : null; } catch (e) { return null; }
}
function sourceLink(r) {
  const u = r.url ? safeUrl(r.url) : null;
  return u ? el("a", { href: u, target: "_blank", rel: "noopener noreferrer", class: "src-link" }, "article ↗") : null;
}
function name(x) { return x && typeof x === "object" ? x.name : x; }

// the reports of a fused event side by side: one column per report, one row per field; a value
// that differs from the first report's is marked
const COMPARE = [
  ["event type", (r) => r.event_type], ["sub-event type", (r) => r.sub_event_type], ["date", (r) => r.date],
  ["place", (r) => name(r.location)], ["actor 1", (r) => name(r.actor1)], ["actor 2", (r) => name(r.actor2)],
  ["fatalities", (r) => (r.fatalities_text ? r.fatalities_text : r.fatalities)], ["stance", (r) => r.stance],
  ["claimants", (r) => (r.claimants || []).join(", ")],
  ["confidence", (r) => (r.confidence === null || r.confidence === undefined ? null : Number(r.confidence).toFixed(2))],
];
function compareReports(reports) {
  const table = el("table", { class: "compare", id: "ev-compare" });
  const head = el("tr", {}, el("th", {}, ""));
  for (const r of reports) {
    head.appendChild(el("th", { scope: "col", "data-event": r.event_id },
      el("div", { class: "outlet" }, r.outlet || "unknown outlet"),
      r.title ? el("div", { class: "title", dir: "auto" }, r.title) : null,
      el("div", { class: "muted" }, r.published ? `published ${r.published}` : (r.doc_id || "")),
      sourceLink(r)));
  }
  table.appendChild(el("thead", {}, head));
  const body = el("tbody");
  for (const [label, get] of COMPARE) {
    const values = reports.map((r) => { const v = get(r); return v === null || v === undefined || v === "" ? null : String(v); });
    if (values.every((v) => v === null)) continue;
    const tr = el("tr", { "data-field": label }, el("th", { scope: "row" }, label));
    values.forEach((v, i) => tr.appendChild(el("td", { class: i && v !== values[0] ? "differs" : null,
      dir: "auto" }, v === null ? "—" : v)));
    body.appendChild(tr);
  }
  const sent = el("tr", { "data-field": "sentence" }, el("th", { scope: "row" }, "sentence"));
  for (const r of reports) sent.appendChild(el("td", { class: "sent", dir: "auto" }, r.sentence || "—"));
  body.appendChild(sent);
  table.appendChild(body);
  return el("div", { class: "compare-wrap" }, table);
}

function shown(v) {
  return typeof v === "object" && v !== null ? (v.name || JSON.stringify(v)) : String(v);
}

function historyList(hist, corrections) {
  // what analysts did to the event, oldest first, each entry with its author
  const entries = hist ? hist.history : (corrections || []).map((c) => ({
    action: "correction", at: c.created_at, author: c.author, note: c.note, changes: { [c.field]: c.value } }));
  const box = el("div", { id: "ev-history" });
  if (!entries.length) return box;
  box.append(el("h3", {}, "History"));
  const hl = el("ul", { class: "history" });
  for (const h of entries) {
    const what = h.action === "review" ? el("strong", {}, h.decision)
      : Object.entries(h.changes || {}).map(([k, v]) => `${k} → ${shown(v)}`).join("; ");
    hl.appendChild(el("li", { "data-author": h.author || "" },
      el("span", { class: "muted" }, (h.at || "").slice(0, 16).replace("T", " ")), " ",
      el("span", { class: "author" }, h.author || "unknown"), ": ", what,
      h.note ? el("div", { class: "muted", dir: "auto" }, h.note) : null));
  }
  box.append(hl);
  return box;
}

async function showDocument(docId, eventId) {
  // the whole article, the event's evidence marked in it as in the excerpts
  try {
    const d = await api("/api/documents/" + encodeURIComponent(docId) + "?" + new URLSearchParams({ event: eventId }));
    const holder = $("doc-holder");
    clear(holder);
    if (d.url && safeUrl(d.url)) {
      holder.appendChild(el("p", { class: "muted" }, "from ",
        el("a", { href: safeUrl(d.url), target: "_blank", rel: "noopener noreferrer", id: "doc-url" }, d.url)));
    }
    if (d.language && d.language.warning) holder.appendChild(el("p", { class: "caveat" }, d.language.warning));
    const text = excerptNode({ text: d.text, marks: d.marks || [] });
    text.className = "doc-text";
    text.id = "doc-text";
    if (d.language && (d.language.direction === "rtl" || d.language.direction === "ltr")) text.dir = d.language.direction;
    holder.appendChild(text);
    const first = text.querySelector("mark");
    if (first) text.scrollTop = Math.max(0, first.offsetTop - text.offsetTop - 40);
  } catch (e) { toast(e.message, true); }
}

function closeEvent() {
  const was = state.selected;
  state.selected = null;
  ring(null);
  history.replaceState(null, "", location.pathname + location.search);
  $("event-view").hidden = true;
  $("list-view").hidden = false;
  // back where the keyboard was: the row of the event just closed, else the first row
  const rows = [...document.querySelectorAll("#event-list li")];
  const row = rows.find((li) => li.dataset.id === was) || rows[0];
  if (row) row.focus();
}

// the keyboard: Tab reaches the rows, arrows move between them, Enter opens one, Esc closes it
$("event-list").addEventListener("keydown", (ev) => {
  const li = ev.target.closest("li");
  if (!li) return;
  if (ev.key === "Enter" || ev.key === " ") {
    ev.preventDefault();
    openEvent(li.dataset.id).then(() => { if ($("ev-title")) $("ev-title").focus(); });
  } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    const next = ev.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
    if (next) next.focus();
  }
});
document.addEventListener("keydown", (ev) => {
  if (ev.key !== "Escape") return;
  if (drawing) { stopDrawing(); restoreArea(); return; }
  if (!$("event-view").hidden) { ev.preventDefault(); closeEvent(); }
});

function correctionForm(e) {
  const types = state.meta.event_types;
  const typeSel = el("select", { name: "event_type", id: "c-type" }, el("option", { value: "" }, "(unchanged)"),
    Object.keys(types).map((t) => el("option", { value: t }, t)));
  const subSel = el("select", { name: "sub_event_type", id: "c-sub" }, el("option", { value: "" }, "(unchanged)"));
  typeSel.addEventListener("change", () => {
    clear(subSel);
    subSel.appendChild(el("option", { value: "" }, "(unchanged)"));
    for (const s of types[typeSel.value] || []) subSel.appendChild(el("option", { value: s }, s));
  });
  const placeIn = el("input", { name: "place", id: "c-place", placeholder: e.location ? e.location.name : "place name" });
  const lat = el("input", { name: "lat", id: "c-lat", type: "number", step: "any", placeholder: "lat" });
  const lon = el("input", { name: "lon", id: "c-lon", type: "number", step: "any", placeholder: "lon" });
  const found = el("select", { id: "c-found", hidden: true });
  const search = el("button", { type: "button", id: "c-search", onclick: async () => {
    try {
      // places in the event's region first, then its country, then elsewhere, with how far they are
      let r;
      try {
        r = await api("/api/places?" + new URLSearchParams({ q: placeIn.value, near_event: e.event_id, limit: 8 }));
      } catch (err) {
        if (err.status !== 404) throw err;  // a server without /api/places: the gazetteer's own search
        r = await api("/api/gazetteer?" + new URLSearchParams({ q: placeIn.value, limit: 8 }));
      }
      clear(found);
      found.appendChild(el("option", { value: "" }, `${r.items.length} found`));
      r.items.forEach((p, i) => found.appendChild(el("option", { value: String(i) },
        (p.label || [p.name, p.admin1, p.country].filter(Boolean).join(", "))
        + (p.km_from_event !== null && p.km_from_event !== undefined ? ` · ${Math.round(p.km_from_event)} km away` : "")
        + (p.near_event === "elsewhere" ? " · another country" : ""))));
      found.hidden = false;
      found.onchange = () => {
        const p = r.items[Number(found.value)];
        if (!p) return;
        placeIn.value = p.name; lat.value = p.lat; lon.value = p.lon;
        placeIn.dataset.admin1 = p.admin1 || ""; placeIn.dataset.country = p.country || "";
      };
    } catch (err) { toast(err.message, true); }
  } }, "search places");
  const form = el("form", { class: "correct", id: "correct-form" },
    el("label", {}, "Event type", typeSel), el("label", {}, "Sub-event type", subSel),
    el("label", {}, "Actor 1", el("input", { name: "actor1", id: "c-actor1", placeholder: e.actor1 ? e.actor1.name : "" })),
    el("label", {}, "Actor 2", el("input", { name: "actor2", id: "c-actor2", placeholder: e.actor2 ? e.actor2.name : "" })),
    el("label", {}, "Place", placeIn), el("div", { class: "row" }, lat, lon, search), found,
    el("div", { class: "row" },
      el("label", {}, "Date", el("input", { name: "date", id: "c-date", type: "date" })),
      el("label", {}, "Fatalities", el("input", { name: "fatalities", id: "c-fat", type: "number", min: 0 }))),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "rejected", id: "c-reject" }),
      e.rejected ? " keep rejected (untick to restore)" : " reject: not a real event"),
    el("label", {}, "Note", el("input", { name: "note", id: "c-note" })),
    el("button", { type: "submit", id: "c-save" }, "Save correction"));
  if (e.rejected) form.querySelector("#c-reject").checked = true;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = {};
    if (f.get("event_type")) body.event_type = f.get("event_type");
    if (f.get("sub_event_type")) body.sub_event_type = f.get("sub_event_type");
    if (f.get("actor1")) body.actor1 = { name: f.get("actor1") };
    if (f.get("actor2")) body.actor2 = { name: f.get("actor2") };
    if (f.get("place")) {
      body.location = { name: f.get("place") };
      if (f.get("lat") !== "" && f.get("lon") !== "") { body.location.lat = Number(f.get("lat")); body.location.lon = Number(f.get("lon")); }
      if (placeIn.dataset.admin1) body.location.admin1 = placeIn.dataset.admin1;
      if (placeIn.dataset.country) body.location.country = placeIn.dataset.country;
    }
    if (f.get("date")) body.date = f.get("date");
    if (f.get("fatalities") !== "" && f.get("fatalities") !== null) body.fatalities = Number(f.get("fatalities"));
    const rej = f.get("rejected") === "on";
    if (rej !== Boolean(e.rejected)) body.rejected = rej;
    if (f.get("note")) body.note = f.get("note");
    if (Object.keys(body).filter((k) => k !== "note").length === 0) { toast("nothing to correct", true); return; }
    if (!state.token) { toast("set the write token first (button at the top right)", true); return; }
    const send = (b) => api("/api/events/" + encodeURIComponent(e.event_id) + "/corrections", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b) });
    try {
      try {
        await send(body);
      } catch (err) {
        // a move of more than 100 km or into another country: saved only once the analyst confirms
        if (err.status !== 409 || !err.body || err.body.needs !== "confirm") throw err;
        const from = err.body.from || {}, to = err.body.to || {};
        const where = (p) => [p.name, p.admin1, p.country].filter(Boolean).join(", ");
        const text = `This moves the event ${Math.round(err.body.distance_km).toLocaleString("en")} km, from `
          + `${where(from)} to ${where(to)}${from.country && to.country && from.country !== to.country
            ? ` (another country: ${from.country} → ${to.country})` : ""}. Is the new place right?`;
        if (!(await ask("Move this event far away?", text, "Yes, move it"))) { toast("correction not saved"); return; }
        await send(Object.assign({}, body, { confirm: true }));
      }
      toast("correction saved");
      await openEvent(e.event_id);
      loadList(); loadPoints();
    } catch (err) { toast(err.message, true); }
  });
  return form;
}

// ---------------------------------------------------------------- start
async function start() {
  const eventId = readHash();
  // the list, count, points and timeline do not wait for the types and tiles (/api/meta reads
  // every event's type): both are asked for at once
  sinceOptions();
  state.filters = readFilters();
  const first = refresh(true, true);
  loadOutlines();
  try {
    state.meta = await api("/api/meta");
  } catch (e) { toast(e.message, true); return; }
  fillTypes();
  tiles(state.meta.tiles);
  if (state.meta.gazetteer) labels.addTo(map);  // town labels need the server's gazetteer
  await first;
  document.body.dataset.ready = "1";
  if (eventId) await openEvent(eventId);
}
window.addEventListener("resize", () => drawHistogram());
start();
