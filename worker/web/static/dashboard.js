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
const DETAIL_TITLE = "Where a number comes from";

// wave: the tab shown (chosen by the user or the address, else the busiest wave once rows arrive);
// selected: the place whose detail is open, and the version of its row the panel shows.
const state = { rows: [], etag: null, wave: waveFromAddress(), selected: null, selectedVersion: null, failing: false };
const numbers = new Intl.NumberFormat("en");

function element(tag, attributes = {}, text = null, namespace = null) {
  const node = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function plural(count, noun) { return `${count} ${noun}${count === 1 ? "" : "s"}`; }

function figure(row) {
  if (row.detained_low === null) return "–";
  const high = row.detained_high && row.detained_high !== row.detained_low ? `–${numbers.format(row.detained_high)}` : "";
  return numbers.format(row.detained_low) + high;
}

function waveFromAddress() {
  const wave = decodeURIComponent(location.hash.slice(1));
  return WAVES.includes(wave) ? wave : null;
}

function shownWave() { return state.wave ?? WAVES[0]; }
function waveRows(wave) { return state.rows.filter((row) => row.wave === wave); }
function cityRows(wave) { return waveRows(wave).filter((row) => row.place !== "nationwide"); }
function byDetained(a, b) { return (b.detained_low ?? -1) - (a.detained_low ?? -1) || b.reports - a.reports || a.place.localeCompare(b.place); }
function busiestWave() { return WAVES.slice().sort((a, b) => waveRows(b).length - waveRows(a).length)[0]; }

function chooseWave(wave, focus = false) {
  state.wave = wave;
  history.replaceState(null, "", `#${wave}`);
  closeDetail();
  render();
  if (focus) document.getElementById(`tab-${wave}`).focus();
}

// Redrawing replaces the nodes: the element that had the keyboard's focus is found again by its id or its place.
function focusedSelector() {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  if (focused.id) return `#${CSS.escape(focused.id)}`;
  const container = focused.parentElement && focused.parentElement.closest("[id]");
  if (focused.dataset && focused.dataset.place && container) {
    return `#${CSS.escape(container.id)} [data-place="${CSS.escape(focused.dataset.place)}"]`;
  }
  return null;
}

function render() {
  const focused = focusedSelector();
  renderTabs();
  renderHeadline();
  renderMap();
  renderTopCities();
  renderTable();
  const again = focused && document.querySelector(focused);
  if (again && again !== document.activeElement) again.focus({ preventScroll: true });
}

function renderTabs() {
  const nav = document.getElementById("waves");
  nav.replaceChildren(...WAVES.map((wave) => {
    const selected = wave === shownWave();
    const tab = element("button", { type: "button", role: "tab", id: `tab-${wave}`, "aria-selected": String(selected),
      "aria-controls": "wave-panel", tabindex: selected ? "0" : "-1" }, WAVE_NAMES[wave]);
    tab.append(element("span", { class: "count" }, `(${waveRows(wave).length})`));
    tab.addEventListener("click", () => chooseWave(wave));
    tab.addEventListener("keydown", (event) => onTabKey(event, wave));
    return tab;
  }));
}

function onTabKey(event, wave) {
  const at = WAVES.indexOf(wave);
  const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: WAVES.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  chooseWave(WAVES[(next + WAVES.length) % WAVES.length], true);
}

function renderHeadline() {
  const nationwide = waveRows(shownWave()).find((row) => row.place === "nationwide");
  const parts = [element("span", {}, "Nationwide:")];
  if (nationwide && nationwide.detained_low !== null) {
    parts.push(element("span", { class: "figure", id: "nationwide-figure" }, figure(nationwide)));
    parts.push(element("span", { class: "wording" }, `detained ("${nationwide.detained_text}", ${plural(nationwide.reports, "report")})`));
  } else {
    parts.push(element("span", { class: "figure", id: "nationwide-figure" }, "no figure yet"));
  }
  parts.push(element("span", { class: "wording" }, plural(cityRows(shownWave()).length, "place")));
  document.getElementById("headline").replaceChildren(...parts);
}

function bubbleRadius(row, largest) {
  return row.detained_low === null ? 7 : 7 + MAX_RADIUS * Math.sqrt(row.detained_low / largest);
}

function renderMap() {
  // Largest first, so that a small city's bubble lies on top of a large neighbour's and can be clicked.
  const rows = cityRows(shownWave()).filter((row) => row.map).sort(byDetained);
  const largest = Math.max(1, ...rows.map((row) => row.detained_low ?? 0));
  const circles = rows.map((row) => {
    const circle = element("circle", {
      cx: row.map.x, cy: row.map.y, r: bubbleRadius(row, largest).toFixed(1), tabindex: "0", role: "button",
      class: [row.detained_low === null ? "no-figure" : "", row.place === state.selected ? "selected" : ""].join(" ").trim(),
      "aria-label": `${row.place}: ${row.detained_low === null ? "reports without a figure" : `${figure(row)} detained`}`,
      "data-place": row.place,
    }, null, SVG);
    circle.append(element("title", {}, `${row.place}: ${figure(row)}`, SVG));
    circle.addEventListener("click", () => selectPlace(row.place));
    circle.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); selectPlace(row.place); }
    });
    return circle;
  });
  // Labels after every bubble: no bubble hides a name.
  const labels = rows.slice(0, LABELLED_CITIES).map((row) => element("text",
    { x: row.map.x + bubbleRadius(row, largest) + 4, y: row.map.y + 8 }, row.place, SVG));
  document.getElementById("bubbles").replaceChildren(...circles, ...labels);
}

function placeButton(row, content) {
  const button = element("button", { type: "button", "data-place": row.place });
  button.append(...content);
  button.addEventListener("click", () => selectPlace(row.place));
  return button;
}

function renderTopCities() {
  const rows = cityRows(shownWave()).filter((row) => row.detained_low !== null).sort(byDetained).slice(0, 10);
  if (!rows.length) {
    // Reports may name cities without a figure for any of them: say so rather than leave a heading over nothing.
    document.getElementById("top-cities").replaceChildren(element("li", { class: "empty" }, "No city has a figure in this wave yet."));
    return;
  }
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
  const rows = waveRows(shownWave()).sort(byDetained);
  if (!rows.length) {
    const empty = element("tr");
    empty.append(element("td", { colspan: "4", class: "empty" }, "No report of this wave yet."));
    document.querySelector("#places tbody").replaceChildren(empty);
    return;
  }
  document.querySelector("#places tbody").replaceChildren(...rows.map((row) => {
    const tr = element("tr");
    const name = element("td");
    name.append(placeButton(row, [document.createTextNode(row.place)]));
    tr.append(name, element("td", { class: "number" }, String(row.reports)), element("td", { class: "number" }, figure(row)),
      element("td", { class: "number" }, String(row.distinct_claims)));
    return tr;
  }));
}

function claimIdentity(claim) {
  return JSON.stringify([claim.count, claim.upper, claim.qualifier, claim.scope, claim.source]);
}

// documentIds: claim identity -> the ids of the documents carrying it (null when the row's tally did not answer).
function claimItem(claim, documentIds) {
  const item = element("li");
  const range = claim.upper && claim.upper !== claim.count ? `–${numbers.format(claim.upper)}` : "";
  item.append(element("div", { class: "claim-figure" },
    `${numbers.format(claim.count)}${range} (${claim.qualifier.replaceAll("_", " ")}) – "${claim.text}"`));
  item.append(element("div", { class: "meta" }, [`scope: ${claim.scope}`, `source: ${claim.source ?? "not named"}`,
    plural(claim.documents, "document"), `first: ${claim.first_doc_id}`].join(" · ")));
  item.append(element("blockquote", {}, claim.quote));
  const ids = documentIds && documentIds.get(claimIdentity(claim));
  if (ids) item.append(element("div", { class: "meta documents" }, `documents: ${ids.join(", ")}`));
  return item;
}

function showDetail(...content) {
  document.getElementById("detail").replaceChildren(element("h2", {}, DETAIL_TITLE), ...content);
}

function closeDetail() {
  state.selected = null;
  state.selectedVersion = null;
  showDetail(element("p", { class: "hint" }, "Choose a city on the map or in the table."));
}

function showRow(row, documents) {
  const heading = row.detained_low === null ? "reports without a figure" : `${figure(row)} detained ("${row.detained_text}")`;
  const documentIds = documents && new Map(documents.claims.map((claim) => [claimIdentity(claim), claim.documents]));
  const claims = element("ul", { class: "claims" });
  claims.append(...row.claims.map((claim) => claimItem(claim, documentIds)));
  showDetail(element("h3", { id: "detail-place" }, row.place),
    element("p", {}, `${heading}; ${plural(row.reports, "report")}, ${plural(row.distinct_claims, "distinct claim")}.`), claims);
}

// A user's choice (focus moves to the panel) or a refresh after the row changed (focus stays where it is).
async function selectPlace(place, { refresh = false } = {}) {
  const wave = shownWave();
  state.selected = place;
  if (!refresh) renderMap();
  const path = `/tally/${encodeURIComponent(wave)}/${encodeURIComponent(place)}`;
  let row = null;
  let documents = null;
  try {
    const [rowResponse, documentsResponse] = await Promise.all([fetch(path, { cache: "no-store" }),
      fetch(`${path}/documents`, { cache: "no-store" })]);
    // Both are answered by the worker that tallies the row, which may be rebalancing (503): null is only a 404.
    row = rowResponse.ok ? await rowResponse.json() : rowResponse.status === 404 ? null : "unavailable";
    documents = documentsResponse.ok ? await documentsResponse.json() : null;
  } catch (error) {
    row = undefined;  // the worker does not answer: poll() says so
  }
  if (state.selected !== place || shownWave() !== wave) return;  // another choice came meanwhile
  if (row === undefined) return;
  if (row === "unavailable") {
    showDetail(element("p", { class: "hint" }, `${place}: its worker is busy (rebalancing); asking again when the tally changes.`));
    state.selectedVersion = null;
    return;
  }
  if (row === null) {
    showDetail(element("p", { class: "hint" }, `${place}: no longer in the tally.`));
    state.selectedVersion = null;
    return;
  }
  state.selectedVersion = row.version;
  showRow(row, documents);
  if (!refresh) document.getElementById("detail").focus({ preventScroll: true });
}

function refreshSelected() {
  if (!state.selected) return;
  const row = state.rows.find((candidate) => candidate.wave === shownWave() && candidate.place === state.selected);
  if (!row || row.version !== state.selectedVersion) selectPlace(state.selected, { refresh: true });
}

function showStatus(text, live) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = live ? "live" : "";
}

async function poll() {
  try {
    const response = await fetch("/tally", { headers: state.etag ? { "If-None-Match": state.etag } : {}, cache: "no-store" });
    if (response.status === 200) {
      const table = await response.json();
      state.rows = table.rows;
      state.etag = response.headers.get("ETag");
      if (!state.wave && state.rows.length) state.wave = busiestWave();
      render();
      refreshSelected();
      showStatus(`${plural(state.rows.length, "row")} · changed ${new Date().toLocaleTimeString("en-GB")}`, true);
      state.failing = false;
    } else if (response.status !== 304) {
      throw new Error(`HTTP ${response.status}`);
    } else if (state.failing) {
      showStatus(`${plural(state.rows.length, "row")} · the worker answers again`, true);
      state.failing = false;
    }
  } catch (error) {
    if (!state.failing) showStatus(`The worker does not answer (${error.message}); retrying every second…`, false);
    state.failing = true;
  }
  setTimeout(poll, POLL_MS);
}

async function drawBaseMap() {
  try {
    const basemap = await (await fetch("/static/basemap.json")).json();
    document.getElementById("map").setAttribute("viewBox", basemap.view_box.join(" "));
    document.getElementById("countries").replaceChildren(...basemap.countries.map((country) => {
      const path = element("path", { d: country.path, class: country.name === "Russia" ? "focus-country" : "" }, null, SVG);
      path.append(element("title", {}, country.name, SVG));
      return path;
    }));
  } catch (error) {
    document.getElementById("map-panel").append(element("p", { class: "hint" }, "The base map did not load."));
  }
}

drawBaseMap();
poll();
