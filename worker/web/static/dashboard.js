// The dashboard: polls /tally (cheap: the server answers 304 while nothing changed) and draws the chosen wave.
"use strict";

const POLL_MS = 1000;
const WAVES = ["navalny-2021", "anti-war-2022", "mobilisation-2022", "other"];
const WAVE_NAMES = {
  "navalny-2021": "Navalny, Jan 2021",
  "anti-war-2022": "Anti-war, 2022",
  "mobilisation-2022": "Mobilisation, Sep 2022",
  "other": "Other",
};
const SVG = "http://www.w3.org/2000/svg";
const MAX_RADIUS = 50;
const LABELLED_CITIES = 6;

const state = { rows: [], etag: null, wave: null, selected: null };
const numbers = new Intl.NumberFormat("en");

function element(tag, attributes = {}, text = null, namespace = null) {
  const node = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function figure(row) {
  if (row.detained_low === null) return "–";
  const high = row.detained_high && row.detained_high !== row.detained_low ? `–${numbers.format(row.detained_high)}` : "";
  return numbers.format(row.detained_low) + high;
}

function waveRows(wave) { return state.rows.filter((row) => row.wave === wave); }
function cityRows(wave) { return waveRows(wave).filter((row) => row.place !== "nationwide"); }
function byDetained(a, b) { return (b.detained_low ?? -1) - (a.detained_low ?? -1) || b.reports - a.reports || a.place.localeCompare(b.place); }

function chooseWave(wave, focus = false) {
  state.wave = wave;
  state.selected = null;
  history.replaceState(null, "", `#${wave}`);
  render();
  if (focus) document.getElementById(`tab-${wave}`).focus();
}

function renderTabs() {
  const nav = document.getElementById("waves");
  nav.replaceChildren(...WAVES.map((wave) => {
    const selected = wave === state.wave;
    const tab = element("button", { role: "tab", id: `tab-${wave}`, "aria-selected": String(selected), tabindex: selected ? "0" : "-1" },
      WAVE_NAMES[wave]);
    tab.append(element("span", { class: "count" }, `(${waveRows(wave).length})`));
    tab.addEventListener("click", () => chooseWave(wave));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) chooseWave(WAVES[(WAVES.indexOf(wave) + step + WAVES.length) % WAVES.length], true);
    });
    return tab;
  }));
}

function renderHeadline() {
  const section = document.getElementById("headline");
  const nationwide = waveRows(state.wave).find((row) => row.place === "nationwide");
  const cities = cityRows(state.wave);
  const parts = [element("span", {}, "Nationwide:")];
  if (nationwide && nationwide.detained_low !== null) {
    parts.push(element("span", { class: "figure", id: "nationwide-figure" }, figure(nationwide)));
    parts.push(element("span", { class: "wording" }, `detained ("${nationwide.detained_text}", ${nationwide.reports} report${nationwide.reports === 1 ? "" : "s"})`));
  } else {
    parts.push(element("span", { class: "figure", id: "nationwide-figure" }, "no figure yet"));
  }
  parts.push(element("span", { class: "wording" }, `${cities.length} places`));
  section.replaceChildren(...parts);
}

function renderMap() {
  const bubbles = document.getElementById("bubbles");
  const rows = cityRows(state.wave).filter((row) => row.map).sort(byDetained);
  const largest = Math.max(1, ...rows.map((row) => row.detained_low ?? 0));
  const labelled = new Set(rows.slice(0, LABELLED_CITIES).map((row) => row.place));
  const nodes = [];
  for (const row of rows.slice().reverse()) {  // the smallest drawn last, on top
    const radius = row.detained_low === null ? 7 : 7 + MAX_RADIUS * Math.sqrt(row.detained_low / largest);
    const circle = element("circle", {
      cx: row.map.x, cy: row.map.y, r: radius.toFixed(1), tabindex: "0", role: "button",
      class: [row.detained_low === null ? "no-figure" : "", row.place === state.selected ? "selected" : ""].join(" ").trim(),
      "aria-label": `${row.place}: ${row.detained_low === null ? "reports without a figure" : `${figure(row)} detained`}`,
      "data-place": row.place,
    }, null, SVG);
    circle.append(element("title", {}, `${row.place}: ${figure(row)}`, SVG));
    circle.addEventListener("click", () => selectPlace(row.place));
    circle.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); selectPlace(row.place); } });
    nodes.push(circle);
    if (labelled.has(row.place)) nodes.push(element("text", { x: row.map.x + radius + 4, y: row.map.y + 8 }, row.place, SVG));
  }
  bubbles.replaceChildren(...nodes);
}

function placeButton(row, content) {
  const button = element("button", { type: "button", "data-place": row.place });
  button.append(...content);
  button.addEventListener("click", () => selectPlace(row.place));
  return button;
}

function renderTopCities() {
  const rows = cityRows(state.wave).filter((row) => row.detained_low !== null).sort(byDetained).slice(0, 10);
  const largest = Math.max(1, ...rows.map((row) => row.detained_low));
  document.getElementById("top-cities").replaceChildren(...rows.map((row) => {
    const track = element("span", { class: "track" });
    track.append(element("span", { class: "bar", style: `width: ${(100 * row.detained_low / largest).toFixed(1)}%` }));
    const item = element("li");
    item.append(placeButton(row, [element("span", { class: "name" }, row.place), track, element("span", { class: "value" }, figure(row))]));
    return item;
  }));
}

function renderTable() {
  const rows = waveRows(state.wave).sort(byDetained);
  document.querySelector("#places tbody").replaceChildren(...rows.map((row) => {
    const tr = element("tr");
    const name = element("td");
    name.append(placeButton(row, [document.createTextNode(row.place)]));
    tr.append(name, element("td", { class: "number" }, String(row.reports)), element("td", { class: "number" }, figure(row)),
      element("td", { class: "number" }, String(row.distinct_claims)));
    return tr;
  }));
}

function claimItem(claim) {
  const item = element("li");
  const range = claim.upper && claim.upper !== claim.count ? `–${numbers.format(claim.upper)}` : "";
  item.append(element("div", { class: "claim-figure" }, `${numbers.format(claim.count)}${range} (${claim.qualifier.replace("_", " ")}) – "${claim.text}"`));
  item.append(element("div", { class: "meta" }, [`scope: ${claim.scope}`, `source: ${claim.source ?? "not named"}`,
    `${claim.documents} document${claim.documents === 1 ? "" : "s"}`, `first: ${claim.first_doc_id}`].join(" · ")));
  item.append(element("blockquote", {}, claim.quote));
  return item;
}

async function selectPlace(place, { refresh = false } = {}) {
  state.selected = place;
  renderMap();
  const detail = document.getElementById("detail");
  const response = await fetch(`/tally/${encodeURIComponent(state.wave)}/${encodeURIComponent(place)}`);
  if (!response.ok) {
    detail.replaceChildren(element("h2", {}, "Where a number comes from"), element("p", { class: "hint" }, `${place}: no longer in the tally.`));
    return;
  }
  const row = await response.json();
  const heading = row.detained_low === null ? "reports without a figure" : `${figure(row)} detained ("${row.detained_text}")`;
  const claims = element("ul", { class: "claims" });
  claims.append(...row.claims.map(claimItem));
  detail.replaceChildren(element("h2", {}, "Where a number comes from"), element("h3", { id: "detail-place" }, row.place),
    element("p", {}, `${heading}; ${row.reports} report${row.reports === 1 ? "" : "s"}, ${row.distinct_claims} distinct claim${row.distinct_claims === 1 ? "" : "s"}.`),
    claims);
  if (!refresh) detail.focus({ preventScroll: true });
}

function render() {
  renderTabs();
  renderHeadline();
  renderMap();
  renderTopCities();
  renderTable();
}

function defaultWave() {
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (WAVES.includes(fromHash)) return fromHash;
  return WAVES.slice().sort((a, b) => waveRows(b).length - waveRows(a).length)[0];
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/tally", { headers: state.etag ? { "If-None-Match": state.etag } : {}, cache: "no-store" });
    if (response.status === 200) {
      const table = await response.json();
      state.rows = table.rows;
      state.etag = response.headers.get("ETag");
      if (!state.wave) state.wave = defaultWave();
      render();
      if (state.selected) selectPlace(state.selected, { refresh: true });
    }
    status.textContent = `${state.rows.length} rows · updated ${new Date().toLocaleTimeString("en-GB")}`;
    status.className = "live";
  } catch (error) {
    status.textContent = "The worker does not answer; retrying…";
    status.className = "";
  }
  setTimeout(poll, POLL_MS);
}

async function drawBaseMap() {
  const basemap = await (await fetch("/static/basemap.json")).json();
  document.getElementById("map").setAttribute("viewBox", basemap.view_box.join(" "));
  document.getElementById("countries").replaceChildren(...basemap.countries.map((country) => {
    const path = element("path", { d: country.path, class: country.name === "Russia" ? "focus-country" : "" }, null, SVG);
    path.append(element("title", {}, country.name, SVG));
    return path;
  }));
}

drawBaseMap();
poll();
