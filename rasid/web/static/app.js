// Rasid's page: wires the map, timeline, filters, event list and side panels to the HTTP API.
// Plain ES modules, no framework. All state that a link should keep lives in the URL query.
import { api, localPath, query, setToken, showError, token } from "./api.js";
import { clear, el, testid } from "./dom.js";
import { setupChanges } from "./changes.js";
import { EventMap } from "./map.js";
import { renderEvent, reviewStatusText } from "./panels.js";
import { setupClaimBox, setupSearch } from "./side.js";
import { renderStory } from "./story.js";
import { Timeline, rangeLabel } from "./timeline.js";

const FILTERS = ["type", "actor", "side", "outlet", "place", "min_confidence", "reviewed", "all"];
const PAGE = 50;

const state = { filters: {}, since: null, until: null, event: null, story: null, lang: "ar", view: null };
let strings = {};
let meta = { read_only: true, event_types: [], outlets: [], sides: [], actors: [] };
let eventMap;
let timeline;
let nextEvents = null;
let tokenListener = null;
let loadSerial = 0;

function t(key, fallback) {
  const value = strings[state.lang]?.[key];
  return typeof value === "string" ? value : fallback ?? key;
}

function typeName(type) {
  return strings[state.lang]?.types?.[type] || type || "–";
}

function sideName(side) {
  return strings[state.lang]?.sides?.[side] || side;
}

const ctx = {
  t,
  typeName,
  sideName,
  showError,
  get lang() { return state.lang; },
  get meta() { return meta; },
  get facts() { return strings[state.lang]?.facts || {}; },
  openStory: (id) => openStory(id),
  openEvent: (id) => selectEvent(id),
  openArticle: (id) => openArticle(id),
  showTab: (name) => showTab(name),
  onReviewed: (record) => afterReview(record),
  onTokenChange: (fn) => { tokenListener = fn; },
};

// ---- URL state -----------------------------------------------------------------------------

function readUrl() {
  const q = new URLSearchParams(location.search);
  state.filters = {};
  for (const key of FILTERS) if (q.get(key)) state.filters[key] = q.get(key);
  state.since = q.get("since");
  state.until = q.get("until");
  state.event = q.get("ev");
  state.story = q.get("st");
  state.view = q.get("map");
  state.lang = q.get("lang") || localStorage.getItem("rasid-lang") || "ar";
  if (!(state.lang in strings)) state.lang = "ar";
}

function writeUrl() {
  const params = { ...state.filters, since: state.since, until: state.until, ev: state.event, st: state.story, map: state.view };
  if (state.lang !== "ar") params.lang = state.lang;
  history.replaceState(null, "", `${location.pathname}${query(params)}`);
}

/** The API filter parameters of the current view; `withRange` false for the timeline itself. */
function apiFilters(withRange = true) {
  const params = { ...state.filters };
  if (withRange) {
    params.since = state.since;
    params.until = state.until;
  }
  return params;
}

// ---- language ----------------------------------------------------------------------------------

function applyLanguage() {
  const root = document.documentElement;
  root.lang = state.lang;
  root.dir = state.lang === "ar" ? "rtl" : "ltr";
  document.title = state.lang === "ar" ? "راصد — Rasid" : "Rasid — راصد";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  fillFilterOptions();
  eventMap?.setTypes(meta.event_types);
  renderRange();
  timeline?.render();
}

function toggleLanguage() {
  state.lang = state.lang === "ar" ? "en" : "ar";
  localStorage.setItem("rasid-lang", state.lang);
  writeUrl();
  applyLanguage();
  loadSerial += 1;
  refreshEvents(true).catch(() => {});
  if (state.event) selectEvent(state.event, false);
  if (state.story) openStory(state.story, false);
}

// ---- filters -------------------------------------------------------------------------------------

function options(select, values, label) {
  const current = select.value || state.filters[select.name] || "";
  select.replaceChildren(el("option", { value: "", text: t("any") }), ...values.map((v) => el("option", { value: v, dir: "auto", text: label(v) })));
  select.value = values.includes(current) ? current : "";
}

function fillFilterOptions() {
  const form = document.getElementById("filters");
  options(form.elements.type, meta.event_types || [], typeName);
  options(form.elements.side, meta.sides || [], sideName);
  options(form.elements.outlet, meta.outlets || [], (v) => v);
  const names = document.getElementById("actor-names");
  names.replaceChildren(...(meta.actors || []).map((a) => el("option", { value: a })));
  for (const key of FILTERS) {
    const input = form.elements[key];
    if (input && input.tagName !== "SELECT") input.value = state.filters[key] || "";
    else if (input) input.value = state.filters[key] || "";
  }
}

function setupFilters() {
  const form = document.getElementById("filters");
  let timer = null;
  const changed = () => {
    state.filters = {};
    for (const key of FILTERS) {
      const value = form.elements[key].value.trim();
      if (value) state.filters[key] = value;
    }
    writeUrl();
    refreshAll();
  };
  form.addEventListener("change", changed);
  form.addEventListener("input", (e) => {
    if (e.target.tagName === "SELECT") return;
    clearTimeout(timer);
    timer = setTimeout(changed, 400);
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); changed(); });
  document.getElementById("clear-filters").addEventListener("click", () => {
    form.reset();
    state.since = state.until = null;
    timeline.setRange(null, null);
    changed();
  });
}

// ---- loading ---------------------------------------------------------------------------------------

function renderRange() {
  clear(document.getElementById("range-label")).append(rangeLabel(t, state.since, state.until));
}

async function refreshTimeline() {
  try {
    const data = await api(`api/timeline${query(apiFilters(false))}`);
    timeline.setDays(data.days || []);
  } catch {
    timeline.setDays([]);
  }
  timeline.setRange(state.since, state.until);
}

async function refreshPoints() {
  const serial = loadSerial;
  const data = await api(`api/events/points${query(apiFilters())}`);
  if (serial !== loadSerial) return;
  eventMap.setPoints(data.points || []);
  if (state.event) eventMap.select(state.event);
}

// A date is shown as precisely as it is known: "2015" for a year, "2015-07" for a month.
function shownDate(rec) {
  if (!rec.date) return "—";
  if (rec.date_precision === "year") return rec.date.slice(0, 4);
  if (rec.date_precision === "month") return rec.date.slice(0, 7);
  return rec.date;
}

function eventRow(rec) {
  const loc = rec.location || {};
  const place = state.lang === "ar" ? loc.name || loc.name_en : loc.name_en || loc.name;
  const killed = rec.killed?.best ?? rec.killed?.total;
  const row = el(
    "li",
    { class: `event-item${rec.id === state.event ? " selected" : ""}`, "data-testid": "event-item", "data-id": rec.id, tabindex: "0" },
    el("span", { class: "date", dir: "ltr", text: shownDate(rec) }),
    el("span", { class: "type", dir: "auto", text: typeName(rec.event_type) }),
    el("span", { class: "place", dir: "auto", text: place || "—" }),
    el("span", { class: "killed", text: killed ? `☠ ${killed}` : "" }),
    el("span", { class: `rv ${rec.review?.status || ""}`, title: reviewStatusText(ctx, rec.review), text: rec.review ? t(`status_${rec.review.status}`) : "" }),
  );
  const open = () => selectEvent(rec.id, true);
  row.addEventListener("click", open);
  row.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
  return row;
}

async function refreshEvents(reset = true, url = null) {
  const serial = loadSerial;
  const list = testid("event-list");
  const data = await api(url || `api/events${query({ ...apiFilters(), limit: PAGE })}`);
  if (serial !== loadSerial && !url) return;
  if (reset) clear(list);
  for (const rec of data.items || []) list.append(eventRow(rec));
  nextEvents = data.next || null;
  document.getElementById("more-events").hidden = !nextEvents;
  testid("event-count").textContent = t("events_count").replace("{n}", String(data.count ?? list.children.length));
}

async function refreshAll() {
  loadSerial += 1;
  renderRange();
  await Promise.allSettled([refreshPoints(), refreshEvents(true), refreshTimeline()]);
}

// ---- panels ----------------------------------------------------------------------------------------

function showTab(name) {
  for (const section of document.querySelectorAll("aside .tab")) section.hidden = section.id !== `tab-${name}`;
  for (const button of document.querySelectorAll("nav.tabs button")) button.classList.toggle("active", button.dataset.tab === name);
}

async function selectEvent(id, fromUser = true) {
  state.event = id;
  writeUrl();
  for (const row of document.querySelectorAll('[data-testid="event-item"]')) row.classList.toggle("selected", row.dataset.id === id);
  eventMap.select(id, fromUser);
  showTab("event");
  const panel = testid("event-panel");
  let record;
  try {
    record = await api(`api/events/${encodeURIComponent(id)}`);
  } catch {
    clear(panel).append(el("p", { class: "hint", text: t("no_event") }));
    return;
  }
  if (state.event !== id) return; // another event was picked meanwhile
  await renderEvent(panel, record, ctx);
}

async function openStory(id, switchTab = true) {
  state.story = String(id);
  writeUrl();
  const box = testid("story-view");
  if (switchTab) showTab("story");
  box.replaceChildren(el("p", { class: "loading", text: t("loading") }));
  try {
    renderStory(box, await api(`api/stories/${encodeURIComponent(id)}`), ctx);
  } catch {
    clear(box);
  }
}

async function openArticle(id) {
  const panel = testid("event-panel");
  showTab("event");
  let article;
  try {
    article = await api(`api/articles/${encodeURIComponent(id)}`);
  } catch {
    return;
  }
  clear(panel).append(
    el("h2", { dir: "auto", text: article.title || `#${id}` }),
    el("p", { class: "meta" }, el("span", { dir: "auto", text: article.source || "" }), " · ", el("span", { dir: "ltr", text: article.published || "" })),
    el("div", { class: "evidence article-text", dir: "rtl", lang: "ar", text: article.text || "" }),
  );
}

async function afterReview(record) {
  await renderEvent(testid("event-panel"), record, ctx);
  await refreshAll();
}

// ---- start ---------------------------------------------------------------------------------------

function setupChrome() {
  testid("lang-toggle").addEventListener("click", toggleLanguage);
  const tokenInput = testid("token-input");
  tokenInput.value = token();
  const saveToken = () => {
    setToken(tokenInput.value.trim());
    tokenListener?.();
  };
  tokenInput.addEventListener("input", saveToken);
  document.getElementById("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    saveToken();
  });
  for (const button of document.querySelectorAll("nav.tabs button")) button.addEventListener("click", () => showTab(button.dataset.tab));
  document.getElementById("more-events").addEventListener("click", () => nextEvents && refreshEvents(false, localPath(nextEvents)));
  document.getElementById("clear-range").addEventListener("click", () => {
    state.since = state.until = null;
    timeline.setRange(null, null);
    writeUrl();
    refreshAll();
  });
}

async function start() {
  strings = await api("static/i18n.json");
  readUrl();
  setupChrome();
  meta = { ...meta, ...(await api("api/meta")) };
  document.body.classList.toggle("read-only", Boolean(meta.read_only));
  document.getElementById("token-form").hidden = Boolean(meta.read_only);
  eventMap = new EventMap("map", {
    onSelect: (id) => selectEvent(id, false),
    t,
    typeName,
    view: state.view,
    onView: (view) => {
      state.view = view;
      writeUrl();
    },
  });
  timeline = new Timeline(testid("timeline"), {
    t,
    onBrush: (since, until) => {
      state.since = since;
      state.until = until;
      writeUrl();
      loadSerial += 1;
      renderRange();
      Promise.allSettled([refreshPoints(), refreshEvents(true)]);
    },
  });
  applyLanguage();
  setupFilters();
  setupClaimBox(ctx);
  setupSearch(ctx);
  setupChanges(ctx);
  await refreshAll();
  if (state.event) selectEvent(state.event, false);
  if (state.story) openStory(state.story, !state.event);
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((err) => showError(String(err.message || err)));
});
