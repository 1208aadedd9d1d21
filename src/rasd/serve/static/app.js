// rasd's page: filters, map, timeline brush, event list, event panel with evidence, corrections.
// Article text is hostile input: every piece of stored text goes into the page as a text node
// (el() below, textContent), never through innerHTML.
/* global L */

const COLORS = {
  "Battles": "#d7301f", "Explosions/Remote violence": "#ff8c00", "Violence against civilians": "#7a0177",
  "Protests": "#2b8cbe", "Riots": "#41ab5d", "Strategic developments": "#6a6a6a",
};
const PAGE = 50;
const state = { filters: {}, offset: 0, meta: null, token: null, selected: null, markers: null, hist: [] };

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
  if (!res.ok) throw new Error((body && body.error) || ("HTTP " + res.status));
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

$("token-btn").addEventListener("click", () => {
  const t = prompt("Write token (printed by 'rasd serve'); empty to forget it:", "");
  if (t === null) return;
  if (t) localStorage.setItem("rasd-token", t.trim()); else localStorage.removeItem("rasd-token");
  readHash();
});

// ---------------------------------------------------------------- map
const map = L.map("map", { worldCopyJump: true, preferCanvas: true }).setView([35, 38], 6);
map.attributionControl.addAttribution("Outlines: Natural Earth");
fetch("/static/countries.geojson").then((r) => r.json()).then((geo) => {
  L.geoJSON(geo, { style: { color: "#7c8aa0", weight: 1, fillColor: "#f1efe6", fillOpacity: 1 }, interactive: false })
    .addTo(map).bringToBack();
});
state.markers = L.layerGroup().addTo(map);
let selectedRing = null;
function ring(lat, lon) {
  if (selectedRing) map.removeLayer(selectedRing);
  selectedRing = lat === null || lat === undefined ? null
    : L.circleMarker([lat, lon], { radius: 11, weight: 3, color: "#111", fill: false, interactive: false }).addTo(map);
}

function tiles(url) {
  // optional tiles over the outlines; if none load, the outlines stay visible underneath
  if (!url) return;
  const layer = L.tileLayer(url, { maxZoom: 18 });
  let ok = 0, bad = 0;
  layer.on("tileload", () => { ok += 1; });
  layer.on("tileerror", () => { bad += 1; if (bad >= 4 && ok === 0) { map.removeLayer(layer); } });
  layer.addTo(map);
}

async function loadPoints() {
  const data = await api("/api/events/points?" + query({ limit: 5000 }));
  state.markers.clearLayers();
  for (const [id, lat, lon, type, date] of data.points) {
    const m = L.circleMarker([lat, lon], {
      radius: 5, weight: 1, color: "#222", fillColor: COLORS[type] || "#444", fillOpacity: 0.75,
    });
    m.bindTooltip(el("span", {}, `${type} ${date || ""}`));  // a node: Leaflet would parse a string as HTML
    m.on("click", () => openEvent(id));
    state.markers.addLayer(m);
  }
}

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
  refresh(true);
});
$("f-reset").addEventListener("click", () => {
  $("filter-form").reset();
  fillSubTypes();
  state.filters = {};
  refresh(true);
});

// ---------------------------------------------------------------- event list
async function loadList() {
  const data = await api("/api/events?" + query({ limit: PAGE, offset: state.offset, view: "summary" }));
  const list = $("event-list");
  clear(list);
  for (const e of data.items) {
    const li = el("li", { "data-id": e.event_id, onclick: () => openEvent(e.event_id) },
      el("div", { class: "t" }, e.event_type, " · ", e.sub_event_type,
        e.corrected.length ? el("span", { class: "badge corrected" }, "corrected") : null,
        e.rejected ? el("span", { class: "badge rejected" }, "rejected") : null),
      el("div", { class: "s" }, e.date || "undated", " · ", e.location ? e.location.name : "no place",
        e.fatalities !== null ? ` · ${e.fatalities} killed` : ""),
      el("div", { class: "s" }, e.sentence || ""));
    if (e.event_id === state.selected) li.classList.add("sel");
    list.appendChild(li);
  }
  $("prev").disabled = state.offset === 0;
  $("next").disabled = data.next_offset === null;
  $("page").textContent = data.items.length
    ? `${state.offset + 1}–${state.offset + data.items.length}` : "nothing matches";
}
$("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadList(); });
$("next").addEventListener("click", () => { state.offset += PAGE; loadList(); });

function exportLinks() {
  for (const a of document.querySelectorAll("header nav a[data-format]")) {
    a.href = "/api/export?" + query({ format: a.dataset.format });
  }
}

async function loadCount() {
  const data = await api("/api/events?" + query({ limit: 1, view: "summary", count: "true" }));
  $("list-count").textContent = `${data.total} matching`;
  $("summary").textContent = `${data.total} events match`;
}

async function refresh(withHistogram) {
  state.offset = 0;
  exportLinks();
  try {
    await Promise.all([loadList(), loadPoints(), loadCount(),
      withHistogram ? loadHistogram() : Promise.resolve(drawHistogram())]);
  } catch (e) {
    toast(e.message, true);
  }
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
  const node = el("div", { class: "excerpt" });
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
  let data;
  try { data = await api("/api/events/" + encodeURIComponent(id)); } catch (e) { toast(e.message, true); return; }
  state.selected = id;
  history.replaceState(null, "", location.pathname + location.search + "#event=" + encodeURIComponent(id));
  for (const li of document.querySelectorAll("#event-list li")) li.classList.toggle("sel", li.dataset.id === id);
  const e = data.event;
  const c = new Set(e.corrected);
  const view = $("event-view");
  clear(view);
  const loc = e.location;
  view.append(
    el("button", { type: "button", id: "back", onclick: closeEvent }, "‹ back to the list"),
    el("h2", { id: "ev-title" }, e.event_type, " · ", e.sub_event_type,
      e.status ? el("span", { class: "badge " + e.status }, e.status) : null,
      e.rejected ? el("span", { class: "badge rejected" }, "rejected") : null),
    el("dl", { class: "fields", id: "ev-fields" },
      fieldRow("date", e.date, c.has("date")),
      fieldRow("place", loc ? loc.name + (loc.admin1 ? ", " + loc.admin1 : "") : null, c.has("location")),
      fieldRow("actor 1", e.actor1 && e.actor1.name, c.has("actor1")),
      fieldRow("actor 2", e.actor2 && e.actor2.name, c.has("actor2")),
      fieldRow("fatalities", e.fatalities, c.has("fatalities")),
      fieldRow("stance", e.stance),
      fieldRow("outlets", e.corroboration || 1),
      fieldRow("source", data.document ? [data.document.outlet, data.document.published].filter(Boolean).join(", ") : e.doc_id)),
  );
  if (data.document && data.document.title) view.append(el("p", { class: "muted" }, data.document.title));
  view.append(el("h3", {}, "Evidence"));
  const ex = el("div", { id: "ev-evidence" });
  for (const x of data.excerpts || []) ex.appendChild(excerptNode(x));
  if (!(data.excerpts || []).length) ex.appendChild(el("p", { class: "muted" }, e.sentence || "no evidence stored"));
  view.append(ex);
  view.append(el("button", { type: "button", id: "show-doc", onclick: () => showDocument(e.doc_id) }, "whole article"),
    el("div", { id: "doc-holder" }));

  view.append(el("h3", {}, `Reports (${data.reports.length})`));
  const rl = el("ul", { class: "reports", id: "ev-reports" });
  for (const r of data.reports) {
    rl.appendChild(el("li", {}, el("strong", {}, r.outlet || r.doc_id), " — ",
      el("span", { class: "badge" }, r.stance), " ", r.date || "", r.fatalities !== null && r.fatalities !== undefined ? ` · ${r.fatalities} killed` : "",
      r.sentence ? el("div", { class: "sent" }, r.sentence) : null));
  }
  view.append(rl);

  view.append(el("h3", {}, "Control of " + (loc ? loc.name : "the place")));
  const cl = el("ul", { class: "control", id: "ev-control" });
  for (const p of data.control) {
    cl.appendChild(el("li", {}, el("strong", {}, p.holder), ` ${p.start || "?"} → ${p.end || "now"}`,
      p.status ? el("span", { class: "badge " + p.status }, p.status) : null));
  }
  if (!data.control.length) cl.appendChild(el("li", { class: "muted" }, "no control timeline for this place"));
  view.append(cl);

  view.append(el("h3", {}, "Correct this event"), correctionForm(e));
  if (data.corrections.length) {
    view.append(el("h3", {}, "Corrections"));
    const hl = el("ul", { class: "history" });
    for (const h of data.corrections) {
      hl.appendChild(el("li", {}, `${h.created_at.slice(0, 16).replace("T", " ")} ${h.field} → `,
        typeof h.value === "object" && h.value !== null ? (h.value.name || JSON.stringify(h.value)) : String(h.value),
        h.note ? el("div", { class: "muted" }, h.note) : null));
    }
    view.append(hl);
  }
  $("list-view").hidden = true;
  view.hidden = false;
  if (loc && loc.lat !== null && loc.lat !== undefined) {
    map.setView([loc.lat, loc.lon], Math.max(map.getZoom(), 8));
    ring(loc.lat, loc.lon);
  } else ring(null);
}

async function showDocument(docId) {
  try {
    const d = await api("/api/documents/" + encodeURIComponent(docId));
    const holder = $("doc-holder");
    clear(holder);
    holder.appendChild(el("div", { class: "doc-text", id: "doc-text" }, d.text));
  } catch (e) { toast(e.message, true); }
}

function closeEvent() {
  state.selected = null;
  ring(null);
  history.replaceState(null, "", location.pathname + location.search);
  $("event-view").hidden = true;
  $("list-view").hidden = false;
}

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
      const r = await api("/api/gazetteer?" + new URLSearchParams({ q: placeIn.value, limit: 8 }));
      clear(found);
      found.appendChild(el("option", { value: "" }, `${r.items.length} found`));
      r.items.forEach((p, i) => found.appendChild(el("option", { value: String(i) },
        [p.name, p.admin1, p.country].filter(Boolean).join(", "))));
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
    try {
      await api("/api/events/" + encodeURIComponent(e.event_id) + "/corrections", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
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
  try {
    state.meta = await api("/api/meta");
  } catch (e) { toast(e.message, true); return; }
  fillTypes();
  tiles(state.meta.tiles);
  await refresh(true);
  document.body.dataset.ready = "1";
  if (eventId) await openEvent(eventId);
}
window.addEventListener("resize", () => drawHistogram());
start();
