// The newsfacet search page: the URL's query string is the whole state; every change
// pushes a new URL and asks the JSON API (same origin, relative URLs) for the results.
"use strict";

const FACETS = ["countries", "people", "organizations", "places"];
const LABELS = {countries: "Country", people: "Person", organizations: "Organization", places: "Place"};
const PAGE_SIZE = 10;
const FACET_SIZE = 12;
// Filter kinds in the URL: "countries" (every value must match, as a shared link may say),
// "any_countries" (what a click adds: one of them) and "not_countries" (what an
// Alt/Ctrl/Shift-click or the "not" control adds: none of them).
const KINDS = [["", ""], ["any_", " (any)"], ["not_", ""]];
const FILTER_KEYS = KINDS.flatMap(([prefix]) => FACETS.map((f) => prefix + f));
// Parameters the page keeps in its URL and passes on to api/search.
const STATE_KEYS = ["q", "since", "until", "sort", "collapse", "page", ...FILTER_KEYS];
let lastRequest = 0;

const $ = (id) => document.getElementById(id);

function currentState() {
  const params = new URLSearchParams(window.location.search);
  const state = new URLSearchParams();
  for (const [key, value] of params) {
    if (STATE_KEYS.includes(key) && value.trim() !== "") state.append(key, value);
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

function setValues(state, key, values) {
  state.delete(key);
  for (const v of values) state.append(key, v);
}

function addFilter(facet, value, exclude) {
  const state = withoutPage(currentState());
  const key = (exclude ? "not_" : "any_") + facet;
  // A value is either wanted or excluded, never both.
  for (const other of KINDS.map(([prefix]) => prefix + facet)) {
    if (other !== key) setValues(state, other, state.getAll(other).filter((v) => v !== value));
  }
  if (!state.getAll(key).includes(value)) state.append(key, value);
  go(state);
}

function removeFilter(key, value) {
  const state = withoutPage(currentState());
  setValues(state, key, state.getAll(key).filter((v) => v !== value));
  go(state);
}

function setParam(key, value) {
  const state = withoutPage(currentState());
  if (value) state.set(key, value); else state.delete(key);
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
  $("sort").value = state.get("sort") || "";
  $("collapse").checked = state.get("collapse") === "true";
}

function renderChips(state) {
  const chips = $("chips");
  chips.replaceChildren();
  for (const facet of FACETS) {
    for (const [prefix, suffix] of KINDS) {
      const key = prefix + facet;
      const negated = prefix === "not_";
      for (const value of state.getAll(key)) {
        const chip = element("button", {type: "button", class: negated ? "chip not" : "chip",
          "data-key": key, "data-value": value, title: "Remove this filter"});
        chip.append(element("span", {class: "kind"}, (negated ? "not " : "") + LABELS[facet] + suffix),
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
    const chosen = [...state.getAll(facet), ...state.getAll("any_" + facet)];
    const excluded = state.getAll("not_" + facet);
    for (const {value, count} of (data.facets || {})[facet] || []) {
      const button = element("button", {type: "button", class: "pick", "data-facet": facet,
        "data-value": value, "data-count": String(count),
        title: "Click: add to the choices. Alt/Ctrl/Shift-click: exclude."});
      if (chosen.includes(value)) button.classList.add("chosen");
      if (excluded.includes(value)) button.classList.add("excluded");
      button.append(element("span", {class: "value"}, value),
        element("span", {class: "count"}, count.toLocaleString("en")));
      button.addEventListener("click", (event) => {
        addFilter(facet, value, event.altKey || event.ctrlKey || event.shiftKey || event.metaKey);
      });
      const exclude = element("button", {type: "button", class: "exclude", "data-facet": facet,
        "data-value": value, title: `Exclude ${value}`, "aria-label": `Exclude ${value}`}, "not");
      exclude.addEventListener("click", () => addFilter(facet, value, true));
      const item = element("li");
      item.append(button, exclude);
      list.append(item);
    }
    if (!list.children.length) list.append(element("li", {class: "none"}, "none"));
  }
}

// The first and last day of a histogram bucket: "2019", "2019-06" or "1990/1999".
function bucketSpan(label) {
  if (label.includes("/")) {
    const [first, last] = label.split("/");
    return [`${first}-01-01`, `${last}-12-31`];
  }
  const [year, month] = label.split("-").map(Number);
  if (!month) return [`${year}-01-01`, `${year}-12-31`];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, "0");
  return [`${year}-${mm}-01`, `${year}-${mm}-${String(last).padStart(2, "0")}`];
}

function renderHistogram(data) {
  // The matches per month or year, from the result's date buckets; a bar sets since/until.
  const box = $("histogram");
  const buckets = (data.dates && data.dates.buckets) || [];
  box.hidden = buckets.length === 0;
  box.replaceChildren();
  box.dataset.interval = (data.dates && data.dates.interval) || "";
  const top = Math.max(1, ...buckets.map((b) => b.count));
  const every = Math.ceil(buckets.length / 12); // at most about 12 labels fit
  buckets.forEach((bucket, i) => {
    const [since, until] = bucketSpan(bucket.value);
    const column = element("button", {type: "button", class: "column", "data-value": bucket.value,
      "data-count": String(bucket.count), title: `${bucket.value}: ${bucket.count} \u2013 click to show only these dates`});
    const bar = element("div", {class: "bar"});
    bar.style.height = `${Math.round((bucket.count / top) * 100)}%`;
    column.append(bar, element("span", {class: "label"}, i % every === 0 ? bucket.value : ""));
    column.addEventListener("click", () => {
      const state = withoutPage(currentState());
      state.set("since", since);
      state.set("until", until);
      go(state);
    });
    box.append(column);
  });
}

function renderSuggestions(data, state) {
  // "Did you mean": a word of the query or a filter value that matched nothing.
  const box = $("suggestions");
  const suggestions = data.did_you_mean || [];
  box.hidden = suggestions.length === 0;
  box.replaceChildren();
  if (!suggestions.length) return;
  box.append("Did you mean ");
  suggestions.forEach(({field, given, suggestion}, i) => {
    if (i) box.append(", ");
    const link = element("button", {type: "button", class: "suggestion", "data-field": field,
      "data-given": given, "data-suggestion": suggestion}, suggestion);
    link.addEventListener("click", () => {
      const next = withoutPage(currentState());
      if (field === "text") next.set("q", suggestion);
      for (const key of KINDS.map(([prefix]) => prefix + field)) {
        if (FILTER_KEYS.includes(key)) {
          setValues(next, key, next.getAll(key).map((v) => (v === given ? suggestion : v)));
        }
      }
      go(next);
    });
    box.append(link);
  });
  box.append("?");
}

function renderHits(data) {
  const hits = $("hits");
  hits.replaceChildren();
  data.hits.forEach((hit) => {
    const item = element("li", {class: "hit", "data-id": hit.id, "data-copies": String(hit.copies || 1)});
    // Only web addresses from the articles become links; anything else opens the stored copy.
    const href = /^https?:\/\//i.test(hit.url || "") ? hit.url : "api/documents/" + encodeURIComponent(hit.id);
    const title = element("a", {class: "title", href}, hit.title || hit.id);
    const meta = element("div", {class: "meta"});
    meta.append(element("time", {}, hit.date || "undated"));
    if (hit.source) meta.append(" \u00b7 ", element("span", {class: "source"}, hit.source));
    if (hit.copies > 1) meta.append(" \u00b7 ", element("span", {class: "copies"}, `${hit.copies} copies`));
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
  // Each facet is counted without its own filters, so the other values stay visible.
  params.set("disjunctive", "true");
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
    $("suggestions").hidden = true;
    $("histogram").hidden = true;
    $("pager").hidden = true;
    document.body.dataset.state = "error";
    return;
  }
  if (request !== lastRequest) return; // an older answer arriving after a newer request
  $("error").hidden = true;
  $("summary").replaceChildren(element("strong", {id: "total"}, data.total.toLocaleString("en")),
    data.total === 1 ? (data.collapsed ? " story" : " article") : (data.collapsed ? " stories" : " articles"));
  renderSuggestions(data, state);
  renderHistogram(data);
  renderHits(data);
  renderFacets(data, state);
  renderPager(data, state);
  document.title = (state.get("q") ? state.get("q") + " \u2013 " : "") + "newsfacet";
  document.body.dataset.state = "ready";
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

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", submit);
  $("sort").addEventListener("change", () => setParam("sort", $("sort").value));
  $("collapse").addEventListener("change", () => setParam("collapse", $("collapse").checked ? "true" : ""));
  window.addEventListener("popstate", load);
  load();
});
