// jalur dashboard: plain JavaScript over /api/v1 (no framework, no CDN).
"use strict";

const J = {
  lang: () => document.body.dataset.lang,
  esc: (v) => String(v ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c])),
  headers(extra) {
    const token = sessionStorage.getItem("jalur-token");
    return Object.assign({}, extra, token ? {"Authorization": `Bearer ${token}`} : {});
  },
  fmt: (x, digits) => (x === null || x === undefined || Number.isNaN(x)) ? "—"
    : new Intl.NumberFormat(J.lang() === "id" ? "id-ID" : "en-US", {maximumFractionDigits: digits ?? 2}).format(x),
  t: (en, id) => J.lang() === "id" ? id : en,
  status: (msg) => { document.getElementById("status").textContent = msg; },
  async get(url) {
    const r = await fetch(url);
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || r.statusText);
    return body;
  },
  async post(url, doc) {
    const r = await fetch(url, {method: "POST", headers: J.headers({"Content-Type": "application/json"}),
                                body: JSON.stringify(doc ?? {})});
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || r.statusText);
    return body;
  },
  option(select, value, label) {
    const o = document.createElement("option");
    o.value = value; o.textContent = label ?? value;
    select.appendChild(o);
  },
  plot(id, traces, layout) {
    const text = (t) => (typeof t === "string" ? {text: t} : t);
    layout = Object.assign({}, layout, {title: text(layout.title)});
    for (const axis of ["xaxis", "yaxis"]) if (layout[axis]) layout[axis] = Object.assign({}, layout[axis], {title: text(layout[axis].title)});
    Plotly.react(id, traces, Object.assign({template: "plotly_white", height: 460, margin: {t: 50},
                                            separators: J.lang() === "id" ? ",." : ".,"}, layout),
                 {displaylogo: false, responsive: true, locale: J.lang() === "id" ? "id" : "en"});
    document.getElementById(id).dataset.rendered = "yes";
  },
  table(el, rows, columns) {
    const head = el.querySelector("thead"), body = el.querySelector("tbody");
    if (head) head.innerHTML = "<tr>" + columns.map(c => `<th scope="col">${J.esc(c)}</th>`).join("") + "</tr>";
    const plain = (c) => /year|valid|date/.test(c);      // years and dates are not quantities: no separators
    body.innerHTML = rows.map(r => "<tr>" + columns.map(c => {
      const v = r[c];
      return `<td>${typeof v === "number" && !plain(c) ? J.fmt(v, 3) : J.esc(v)}</td>`;
    }).join("") + "</tr>").join("");
  },
};

// --- Pathways -------------------------------------------------------------------------------------------
const CLASSES = ["motorcycle", "car", "bus", "truck"];

async function pathways() {
  const base = document.getElementById("base");
  for (const s of await J.get("/api/v1/scenarios")) J.option(base, s.name, `${s.name} — ${J.lang() === "id" ? s.title_id : s.title}`);
  const pts = (await J.get("/api/v1/data/tables/powertrains")).map(r => r.powertrain);
  const phase = document.getElementById("phaseout");
  for (const k of CLASSES) {
    phase.insertAdjacentHTML("beforeend", `<label for="phase-${k}">${k}</label>
      <input id="phase-${k}" type="number" min="2026" max="2061" placeholder="—">`);
  }
  let n = 0;
  const targets = document.getElementById("targets");
  const addTarget = () => {
    n += 1;
    targets.insertAdjacentHTML("beforeend", `<div class="target">
      <label for="t-class-${n}">${J.t("class", "jenis")}</label><select id="t-class-${n}" class="t-class">${CLASSES.map(c => `<option>${c}</option>`).join("")}</select>
      <label for="t-pt-${n}">${J.t("powertrain", "penggerak")}</label><select id="t-pt-${n}" class="t-pt">${pts.map(p => `<option>${p}</option>`).join("")}</select>
      <label for="t-year-${n}">${J.t("year", "tahun")}</label><input id="t-year-${n}" class="t-year" type="number" min="2026" max="2060" value="2030">
      <label for="t-share-${n}">%</label><input id="t-share-${n}" class="t-share" type="number" min="0" max="100" value="30"></div>`);
  };
  document.getElementById("add-target").addEventListener("click", addTarget);
  document.getElementById("run-form").addEventListener("submit", async (ev) => { ev.preventDefault(); await submitRun(); });
  const token = document.getElementById("token");
  token.value = sessionStorage.getItem("jalur-token") || "";
  token.addEventListener("change", () => sessionStorage.setItem("jalur-token", token.value));
  document.getElementById("variable").addEventListener("change", drawRuns);
  await listRuns();
}

function scenarioDoc() {
  const num = (id) => { const v = document.getElementById(id).value; return v === "" ? null : Number(v); };
  const levers = {};
  const shares = {};
  for (const row of document.querySelectorAll("#targets .target")) {
    const k = row.querySelector(".t-class").value, p = row.querySelector(".t-pt").value;
    shares[k] = shares[k] || {method: "s-curve", targets: {}};
    shares[k].targets[p] = Object.assign(shares[k].targets[p] || {}, {[row.querySelector(".t-year").value]: Number(row.querySelector(".t-share").value)});
  }
  if (Object.keys(shares).length) levers.sales_shares = shares;
  const phase = {};
  for (const k of CLASSES) { const v = num(`phase-${k}`); if (v !== null) phase[k] = v; }
  if (Object.keys(phase).length) levers.ice_phaseout = phase;
  const yearly = (yearId, valueId) => { const v = num(valueId); return v === null ? null : {[num(yearId)]: v}; };
  const bio = yearly("biodiesel-year", "biodiesel"); if (bio) levers.biodiesel_blend = bio;
  const eth = yearly("ethanol-year", "ethanol"); if (eth) levers.ethanol_blend = eth;
  if (num("ffv") !== null) levers.ffv_ethanol = {2030: num("ffv")};
  if (num("hvo") !== null) levers.hvo_share = {2030: num("hvo")};
  if (document.getElementById("power").value) levers.power_scenario = document.getElementById("power").value;
  if (num("economy") !== null) levers.fuel_economy = num("economy");
  if (document.getElementById("luc").value) levers.luc = document.getElementById("luc").value;
  const base = document.getElementById("base").value;
  if (!Object.keys(levers).length) return base;
  return {name: document.getElementById("run-name").value || "my-pathway", extends: base, levers};
}

async function submitRun() {
  const bar = document.getElementById("run-progress");
  try {
    const run = await J.post("/api/v1/runs", {scenario: scenarioDoc()});
    bar.hidden = false;
    J.status(J.t(`run ${run.id}: ${run.status}`, `run ${run.id}: ${run.status}`));
    let doc = run;
    while (!["done", "failed", "cancelled"].includes(doc.status)) {
      await new Promise(r => setTimeout(r, 700));
      doc = await J.get(`/api/v1/runs/${run.id}`);
      bar.value = doc.progress ?? 0;
      J.status(`run ${run.id}: ${doc.status}`);
    }
    bar.hidden = true;
    if (doc.status !== "done") throw new Error(doc.error || doc.status);
    J.status(J.t(`run ${run.id} done`, `run ${run.id} selesai`));
    await listRuns(run.id);
  } catch (e) { bar.hidden = true; J.status(J.t("error: ", "galat: ") + e.message); }
}

async function listRuns(check) {
  const runs = await J.get("/api/v1/runs");
  const body = document.querySelector("#runs tbody");
  const id = (r) => /^[0-9a-f]{16}$/.test(r.id) ? r.id : "";
  body.innerHTML = runs.map(r => `<tr><td><input type="checkbox" class="cmp" value="${id(r)}" aria-label="compare ${J.esc(r.scenario)}" ${r.id === check ? "checked" : ""} ${r.status !== "done" ? "disabled" : ""}></td>
    <td>${J.esc(r.scenario)} <small>${id(r)}</small></td><td>${J.esc(r.status)}</td>
    <td>${r.status === "done" ? `<a href="/api/v1/runs/${id(r)}/workbook" download>workbook</a> · <a href="/api/v1/runs/${id(r)}/iamc?format=csv" download="iamc-${id(r)}.csv">IAMC CSV</a>`
        : ["queued", "running"].includes(r.status) ? `<button type="button" class="cancel" value="${id(r)}">${J.t("cancel", "batalkan")}</button>` : ""}</td></tr>`).join("");
  for (const b of body.querySelectorAll(".cancel")) b.addEventListener("click", async () => {
    try { await J.post(`/api/v1/runs/${b.value}/cancel`); await listRuns(); } catch (e) { J.status(e.message); }
  });
  for (const box of body.querySelectorAll(".cmp")) box.addEventListener("change", () => {
    const on = body.querySelectorAll(".cmp:checked");
    if (on.length > 5) { box.checked = false; J.status(J.t("at most five runs", "paling banyak lima run")); }
    drawRuns();
  });
  await drawRuns();
}

async function drawRuns() {
  const ids = [...document.querySelectorAll("#runs .cmp:checked")].map(b => b.value);
  const variable = document.getElementById("variable").value;
  const traces = [];
  let unit = "";
  for (const id of ids) {
    const rows = await J.get(`/api/v1/runs/${id}/iamc?variable=${encodeURIComponent(variable)}&region=Indonesia`);
    for (const r of rows) {
      const years = Object.keys(r).filter(k => /^\d{4}$/.test(k));
      traces.push({x: years.map(Number), y: years.map(y => r[y]), name: `${r.scenario} (${id.slice(0, 6)})`, mode: "lines"});
      unit = r.unit;
    }
  }
  if (traces.length) J.plot("chart", traces, {title: variable, yaxis: {title: unit}, xaxis: {title: J.t("year", "tahun")}});
  else Plotly.purge("chart");
}

// --- Vehicle --------------------------------------------------------------------------------------------
async function vehicle() {
  const seg = document.getElementById("segment");
  for (const r of await J.get("/api/v1/data/tables/segments")) J.option(seg, r.segment, J.lang() === "id" ? r.label_id : r.label_en);
  document.getElementById("vehicle-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    J.status(J.t("computing…", "menghitung…"));
    try {
      const q = new URLSearchParams({segment: seg.value, year: document.getElementById("year").value,
                                     samples: document.getElementById("samples").value, seed: "1"});
      const rows = await J.get(`/api/v1/vehicle?${q}`);
      const stages = [...new Set(rows.map(r => r.stage))].filter(s => s !== "total");
      const pts = [...new Set(rows.map(r => r.powertrain))];
      const val = (p, s, k) => (rows.find(r => r.powertrain === p && r.stage === s) || {})[k ?? "value"];
      const traces = stages.map(s => ({type: "bar", name: s, x: pts, y: pts.map(p => val(p, s))}));
      traces.push({type: "scatter", mode: "markers", name: J.t("total (p5–p95)", "total (p5–p95)"), x: pts,
                   y: pts.map(p => val(p, "total")), marker: {color: "black"},
                   error_y: {type: "data", symmetric: false, array: pts.map(p => (val(p, "total", "p95") ?? val(p, "total")) - val(p, "total")),
                             arrayminus: pts.map(p => val(p, "total") - (val(p, "total", "p5") ?? val(p, "total")))}});
      J.plot("chart", traces, {barmode: "stack", title: `${seg.value}, ${document.getElementById("year").value}`, yaxis: {title: "g CO2e/km"}});
      const cmp = await J.get(`/api/v1/vehicle/compare?segment=${seg.value}&year=${document.getElementById("year").value}`);
      const total = (p) => rows.find(r => r.powertrain === p && r.stage === "total") || {};
      J.table(document.getElementById("vehicle-table"),
              cmp.map(c => ({powertrain: c.powertrain, fuel: c.fuel, total: c.total, p5: total(c.powertrain).p5,
                             p95: total(c.powertrain).p95, "t CO2e/life": c.lifetime_t, "break-even km": c.break_even_km})),
              ["powertrain", "fuel", "total", "p5", "p95", "t CO2e/life", "break-even km"]);
      J.status("");
    } catch (e) { J.status(J.t("error: ", "galat: ") + e.message); }
  });
}

// --- Tax & TCO ------------------------------------------------------------------------------------------
async function tax() {
  const pt = document.getElementById("powertrain");
  for (const r of await J.get("/api/v1/data/tables/powertrains")) J.option(pt, r.powertrain, J.lang() === "id" ? r.label_id : r.label_en);
  const seg = document.getElementById("tco-segment");
  for (const r of await J.get("/api/v1/data/tables/segments")) J.option(seg, r.segment, J.lang() === "id" ? r.label_id : r.label_en);
  document.getElementById("tax-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (id) => document.getElementById(id).value;
    const doc = {category: v("category"), powertrain: v("powertrain"), price: Number(v("price")), origin: v("origin"),
                 date: v("date"), tkdn: Number(v("tkdn"))};
    for (const k of ["engine_cc", "km_per_l", "ev_range_km"]) if (v(k)) doc[k] = Number(v(k));
    try {
      const r = await J.post("/api/v1/tax", doc);
      const rows = Object.entries(r).map(([k, x]) => ({item: k, value: (x !== null && typeof x === "object")
        ? (Array.isArray(x) ? x.map(i => typeof i === "object" ? Object.values(i).join(" · ") : i).join("; ") : JSON.stringify(x)) : x}));
      J.table(document.getElementById("tax-table"), rows, ["item", "value"]);
      J.status("");
    } catch (e) { J.status(J.t("error: ", "galat: ") + e.message); }
  });
  document.getElementById("tco-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const rows = await J.get(`/api/v1/tco?segment=${seg.value}&year=${document.getElementById("tco-year").value}`);
      const parts = ["purchase_rp", "energy_rp", "maintenance_rp", "insurance_rp", "pkb_rp", "battery_rp", "residual_rp"];
      J.plot("chart", parts.map(p => ({type: "bar", name: p.replace("_rp", ""), x: rows.map(r => r.powertrain), y: rows.map(r => r[p])})),
             {barmode: "relative", title: `TCO ${seg.value}`, yaxis: {title: "Rp"}});
      J.status("");
    } catch (e) { J.status(J.t("error: ", "galat: ") + e.message); }
  });
}

// --- Data -----------------------------------------------------------------------------------------------
async function data() {
  const sel = document.getElementById("table-name");
  for (const t of await J.get("/api/v1/data/tables")) {
    J.option(sel, t.name, `${t.name} — ${J.lang() === "id" ? (t.title_id || t.title) : t.title} (${J.fmt(t.rows, 0)})`);
    sel.lastChild.dataset.rows = t.rows;
  }
  const show = async () => {
    const rows = await J.get(`/api/v1/data/tables/${sel.value}?limit=200`);
    const total = Number(sel.selectedOptions[0].dataset.rows);
    J.status(total > rows.length ? J.t(`showing the first ${rows.length} of ${J.fmt(total, 0)} rows (the API filters by column)`,
                                        `menampilkan ${rows.length} baris pertama dari ${J.fmt(total, 0)} (API dapat menyaring per kolom)`) : "");
    const cols = rows.length ? Object.keys(rows[0]) : [];
    J.table(document.getElementById("data-table"), rows, cols);
    for (const td of document.querySelectorAll("#data-table td")) {
      const ids = td.textContent.split(";");
      if (cols[td.cellIndex] === "source_id" && ids[0]) {
        td.innerHTML = ids.map(i => `<button type="button" class="src">${J.esc(i)}</button>`).join(" ");
      }
    }
    for (const b of document.querySelectorAll("#data-table .src")) b.addEventListener("click", async () => {
      document.getElementById("source").textContent = JSON.stringify(await J.get(`/api/v1/data/sources/${b.textContent}`), null, 1);
    });
  };
  sel.addEventListener("change", show);
  await show();
}

document.addEventListener("DOMContentLoaded", () => {
  const page = {pathways, vehicles: vehicle, tax, data}[document.body.dataset.page];
  if (page) page().catch(e => J.status(e.message));
});
