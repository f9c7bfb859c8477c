// The newsfacet search page: the URL's query string is the whole state; every change
// pushes a new URL and asks the JSON API (same origin, relative URLs) for the results.
"use strict";

const FACETS = ["countries", "people", "organizations", "places"];
const LABELS = {countries: "Country", people: "Person", organizations: "Organization", places: "Place"};
const PAGE_SIZE = 10;
const FACET_SIZE = 12;
// Parameters the page keeps in its URL and passes on to api/search.
const STATE_KEYS = ["q", "since", "until", "page", ...FACETS];
// Exclusion filters ("not_countries=...") are used once the API lists them in its schema.
let exclusions = false;
let lastRequest = 0;

const $ = (id) => document.getElementById(id);

function currentState() {
  const params = new URLSearchParams(window.location.search);
  const state = new URLSearchParams();
  const keys = exclusions ? [...STATE_KEYS, ...FACETS.map((f) => "not_" + f)] : STATE_KEYS;
  for (const [key, value] of params) {
    if (keys.includes(key) && value.trim() !== "") state.append(key, value);
  }
  return state;
}

function go(state) {
  const query = state.toString();
  history.pushState(null, "", query ? "?" + query : window.location.pathname);
  load();
}

function withoutPage(state) {
  state.delete("page");
  return state;
}

function addFilter(facet, value, exclude) {
  const state = withoutPage(currentState());
  const key = exclude ? "not_" + facet : facet;
  if (!state.getAll(key).includes(value)) state.append(key, value);
  go(state);
}

function removeFilter(key, value) {
  const state = withoutPage(currentState());
  const kept = state.getAll(key).filter((v) => v !== value);
  state.delete(key);
  for (const v of kept) state.append(key, v);
  go(state);
}

function element(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

// A snippet is HTML-escaped text with <b> marks: keep text and <b>, drop anything else.
function snippetNodes(snippet) {
  const template = document.createElement("template");
  template.innerHTML = snippet;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === "B") out.append(element("b", {}, node.textContent));
    else out.append(node.textContent || "");
  }
  return out;
}

function renderForm(state) {
  $("q").value = state.get("q") || "";
  $("since").value = state.get("since") || "";
  $("until").value = state.get("until") || "";
}

function renderChips(state) {
  const chips = $("chips");
  chips.replaceChildren();
  for (const facet of FACETS) {
    for (const [key, negated] of [[facet, false], ["not_" + facet, true]]) {
      for (const value of state.getAll(key)) {
        const chip = element("button", {type: "button", class: negated ? "chip not" : "chip",
          "data-key": key, "data-value": value, title: "Remove this filter"});
        chip.append(element("span", {class: "kind"}, (negated ? "not " : "") + LABELS[facet]),
          element("span", {class: "value"}, value), element("span", {class: "x"}, "\u00d7"));
        chip.addEventListener("click", () => removeFilter(key, value));
        chips.append(chip);
      }
    }
  }
}

function renderFacets(data, state) {
  for (const facet of FACETS) {
    const list = document.querySelector(`.facet[data-facet="${facet}"] ul`);
    list.replaceChildren();
    const chosen = state.getAll(facet);
    for (const {value, count} of (data.facets || {})[facet] || []) {
      const button = element("button", {type: "button", "data-facet": facet, "data-value": value,
        "data-count": String(count), title: exclusions
          ? "Click: only these. Alt/Ctrl/Shift-click: exclude these." : "Click: only these."});
      if (chosen.includes(value)) button.classList.add("chosen");
      button.append(element("span", {class: "value"}, value),
        element("span", {class: "count"}, count.toLocaleString("en")));
      button.addEventListener("click", (event) => {
        const modified = event.altKey || event.ctrlKey || event.shiftKey || event.metaKey;
        if (modified && !exclusions) return;
        addFilter(facet, value, modified);
      });
      const item = element("li");
      item.append(button);
      list.append(item);
    }
    if (!list.children.length) list.append(element("li", {class: "none"}, "none"));
  }
}

function renderHistogram(data) {
  // Drawn when the API returns a date histogram: [{value, count}] per month or year.
  const box = $("histogram");
  const buckets = Array.isArray(data.histogram) ? data.histogram : [];
  box.hidden = buckets.length === 0;
  box.replaceChildren();
  const top = Math.max(1, ...buckets.map((b) => b.count));
  for (const bucket of buckets) {
    const label = String(bucket.value ?? bucket.bucket ?? bucket.period ?? "");
    const bar = element("div", {class: "bar", title: `${label}: ${bucket.count}`});
    bar.style.height = `${Math.round((bucket.count / top) * 100)}%`;
    const column = element("div", {class: "column"});
    column.append(bar, element("span", {class: "label"}, label));
    box.append(column);
  }
}

function renderHits(data) {
  const hits = $("hits");
  hits.replaceChildren();
  data.hits.forEach((hit) => {
    const item = element("li", {class: "hit", "data-id": hit.id});
    // Only web addresses from the articles become links; anything else opens the stored copy.
    const href = /^https?:\/\//i.test(hit.url || "") ? hit.url : "api/documents/" + encodeURIComponent(hit.id);
    const title = element("a", {class: "title", href}, hit.title || hit.id);
    const meta = element("div", {class: "meta"});
    meta.append(element("time", {}, hit.date || "undated"));
    if (hit.source) meta.append(" \u00b7 ", element("span", {class: "source"}, hit.source));
    const entities = FACETS.flatMap((f) => hit[f] || []).slice(0, 6).join(", ");
    if (entities) meta.append(" \u00b7 ", element("span", {class: "entities"}, entities));
    const snippet = element("p", {class: "snippet"});
    snippet.append(snippetNodes(hit.snippet || ""));
    item.append(title, meta, snippet);
    hits.append(item);
  });
}

function renderPager(data, state) {
  const pages = Math.max(1, Math.ceil(data.total / data.limit));
  $("pager").hidden = pages <= 1;
  $("pageinfo").textContent = `page ${data.page} of ${pages.toLocaleString("en")}`;
  $("prev").disabled = data.page <= 1;
  $("next").disabled = data.page >= pages;
  $("prev").onclick = () => { state.set("page", String(data.page - 1)); go(state); };
  $("next").onclick = () => { state.set("page", String(data.page + 1)); go(state); };
}

async function load() {
  const state = currentState();
  renderForm(state);
  renderChips(state);
  const request = ++lastRequest;
  document.body.dataset.state = "loading";
  const params = new URLSearchParams(state);
  params.set("limit", String(PAGE_SIZE));
  params.set("facet_size", String(FACET_SIZE));
  let data;
  try {
    const response = await fetch("api/search?" + params.toString(), {headers: {Accept: "application/json"}});
    data = await response.json();
    if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  } catch (problem) {
    if (request !== lastRequest) return;
    $("error").textContent = String(problem.message || problem);
    $("error").hidden = false;
    $("hits").replaceChildren();
    $("summary").textContent = "";
    $("pager").hidden = true;
    document.body.dataset.state = "error";
    return;
  }
  if (request !== lastRequest) return; // an older answer arriving after a newer request
  $("error").hidden = true;
  $("summary").replaceChildren(element("strong", {id: "total"}, data.total.toLocaleString("en")),
    data.total === 1 ? " article" : " articles");
  renderHistogram(data);
  renderHits(data);
  renderFacets(data, state);
  renderPager(data, state);
  document.title = (state.get("q") ? state.get("q") + " \u2013 " : "") + "newsfacet";
  document.body.dataset.state = "ready";
}

async function detectExclusions() {
  try {
    const schema = await (await fetch("openapi.json")).json();
    const params = schema.paths["/api/search"].get.parameters || [];
    exclusions = params.some((p) => p.name === "not_countries");
  } catch {
    exclusions = false;
  }
}

function submit(event) {
  event.preventDefault();
  const state = withoutPage(currentState());
  for (const key of ["q", "since", "until"]) {
    const value = $(key).value.trim();
    if (value) state.set(key, value); else state.delete(key);
  }
  go(state);
}

document.addEventListener("DOMContentLoaded", async () => {
  $("search").addEventListener("submit", submit);
  window.addEventListener("popstate", load);
  await detectExclusions();
  load();
});
