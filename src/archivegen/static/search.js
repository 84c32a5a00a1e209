// The search page: Pagefind's JS API over every shard of the index, with our own accessible UI.
//
// The index is split into shards (search.py). The first shard's pagefind.js is loaded and the
// others are merged with mergeIndex; each carries a synthetic "shard" filter. Pagefind sums filter
// counts across merged indexes (exact, since every page is in one shard) and orders merged results
// by score, which is right for relevance but not for date order: a sorted search scores each
// result by its position within its own shard. So a date-sorted search with several shards asks
// each shard for its sorted list (filter shard=k) and merges the lists by the sort key, loading
// only the results it shows (and one look-ahead per shard). See docs/search.md.
//
// State lives in the URL (q, sort, from, to, page, and one parameter per filter value), so a
// search can be bookmarked and shared, and Back works.

const config = JSON.parse(document.getElementById("search-config").textContent);
const FILTER_KEYS = config.filters.map((f) => f.key);
const SHOWN_VALUES = 8;
const ORDERED_BY_VALUE = new Set(["decade", "year"]);

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const fromInput = document.getElementById("search-from");
const toInput = document.getElementById("search-to");
const filtersBox = document.getElementById("search-filters");
const statusBox = document.getElementById("search-status");
const resultsBox = document.getElementById("search-results");
const pagesBox = document.getElementById("search-pages");
const filtersSection = filtersBox.closest("section");
const filtersToggle = document.getElementById("filters-toggle");

const expanded = new Set();
let index = null;
let searchId = 0;

// ---------------------------------------------------------------------------------------------
// State <-> URL

function readState(search) {
  const params = new URLSearchParams(search);
  const year = (name) => {
    const v = parseInt(params.get(name) || "", 10);
    return Number.isFinite(v) ? v : null;
  };
  const filters = {};
  for (const key of FILTER_KEYS) {
    const values = params.getAll(key).filter((v) => v !== "");
    if (values.length) filters[key] = [...new Set(values)];
  }
  const sort = params.get("sort");
  return {
    q: params.get("q") || "",
    sort: sort === "oldest" || sort === "newest" ? sort : "",
    from: year("from"),
    to: year("to"),
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    filters,
  };
}

function stateQuery(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.sort) params.set("sort", state.sort);
  if (state.from !== null) params.set("from", String(state.from));
  if (state.to !== null) params.set("to", String(state.to));
  for (const key of FILTER_KEYS) for (const v of state.filters[key] || []) params.append(key, v);
  if (state.page > 1) params.set("page", String(state.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function stateFromForm(previous) {
  const year = (el) => {
    const v = parseInt(el.value, 10);
    return Number.isFinite(v) ? v : null;
  };
  return { ...previous, q: input.value.trim(), sort: sortSelect.value, from: year(fromInput), to: year(toInput), page: 1 };
}

function showStateInForm(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  fromInput.value = state.from ?? "";
  toInput.value = state.to ?? "";
}

let current = readState(location.search);

function go(state, { replace = false } = {}) {
  current = state;
  const url = `${location.pathname}${stateQuery(state)}`;
  if (url !== `${location.pathname}${location.search}`) {
    history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  run(state);
}

// ---------------------------------------------------------------------------------------------
// The index

async function loadIndex() {
  const manifestUrl = new URL(config.manifest, location.href);
  const response = await fetch(manifestUrl);
  if (!response.ok) throw new Error(`search index manifest: HTTP ${response.status}`);
  const manifest = await response.json();
  const shards = manifest.shards.map((s) => new URL(s, manifestUrl).pathname);
  if (!shards.length) return { pagefind: null, shards: 0 };
  const pagefind = await import(`${shards[0]}pagefind.js`);
  await pagefind.options({ basePath: shards[0], baseUrl: config.base, mergeFilter: { shard: "0" } });
  await Promise.all(shards.slice(1).map((path, i) =>
    pagefind.mergeIndex(path, { baseUrl: config.base, mergeFilter: { shard: String(i + 1) } })));
  // Loads every filter chunk, so that each search reports counts for every filter.
  await pagefind.filters();
  return { pagefind, shards: shards.length };
}

function pagefindFilters(state) {
  const filters = {};
  for (const key of FILTER_KEYS) if (state.filters[key]) filters[key] = state.filters[key];
  if (state.from !== null || state.to !== null) {
    const [first, last] = config.years.length ? config.years : [0, -1];
    let lo = Math.max(state.from ?? first, first);
    let hi = Math.min(state.to ?? last, last);
    const years = [];
    for (let y = lo; y <= hi; y++) years.push(String(y));
    // An empty range matches nothing; "any" of no values would match everything.
    filters[config.span] = { any: years.length ? years : ["none"] };
  }
  return filters;
}

const dataCache = new Map();
function dataOf(result) {
  if (!dataCache.has(result.id)) dataCache.set(result.id, result.data());
  return dataCache.get(result.id);
}
const sortKeyOf = async (result) => (await dataOf(result)).meta[config.sort_meta] || "";

// The first `count` results of several lists each sorted by key, in one order.
async function mergeSorted(lists, count, descending) {
  const pos = lists.map(() => 0);
  const out = [];
  while (out.length < count) {
    const heads = lists.map((list, k) => (pos[k] < list.length ? list[pos[k]] : null));
    // One look-ahead per list, so that the next comparison rarely waits for the network.
    lists.forEach((list, k) => { if (pos[k] + 1 < list.length) dataOf(list[pos[k] + 1]); });
    const keys = await Promise.all(heads.map((h) => (h ? sortKeyOf(h) : null)));
    let best = -1;
    keys.forEach((key, k) => {
      if (key === null) return;
      if (best < 0 || (descending ? key > keys[best] : key < keys[best])) best = k;
    });
    if (best < 0) break;
    out.push(heads[best]);
    pos[best] += 1;
  }
  return out;
}

async function search(state) {
  const { pagefind, shards } = index;
  if (!pagefind) return { total: 0, start: 0, data: [], counts: {}, order: "" };
  const term = state.q.trim() || null;
  const filters = pagefindFilters(state);
  const order = state.sort || (term ? "relevance" : "oldest");
  if (!term && !Object.keys(filters).length) {
    // Nothing asked yet: listing the whole archive would fetch every index chunk of every shard
    // (tens of MB at 40,000 records). Show the filters with their counts and wait.
    return { total: 0, start: 0, data: [], counts: await pagefind.filters(), order, idle: true };
  }
  const all = await pagefind.search(term, { filters });
  const total = all.results.length;
  const start = (state.page - 1) * config.page_size;
  const end = Math.min(total, start + config.page_size);
  let shown;
  if (order === "relevance") {
    shown = all.results.slice(start, end);
  } else {
    const sort = { [config.sort]: order === "oldest" ? "asc" : "desc" };
    if (shards === 1) {
      shown = (await pagefind.search(term, { filters, sort })).results.slice(start, end);
    } else {
      const lists = await Promise.all(Array.from({ length: shards }, (_, k) =>
        pagefind.search(term, { filters: { ...filters, shard: [String(k)] }, sort })));
      shown = (await mergeSorted(lists.map((r) => r.results), end, order === "newest")).slice(start);
    }
  }
  const data = await Promise.all(shown.map(dataOf));
  return { total, start, data, counts: all.filters, order };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// Pagefind's excerpt is escaped text with <mark> around matches: rebuild it as text nodes and
// <mark> elements so nothing in a record can become markup here.
function excerptNodes(excerpt) {
  const decode = (html) => new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.textContent;
  return excerpt.split(/(<mark>[\s\S]*?<\/mark>)/).filter(Boolean).map((part) => {
    const m = part.match(/^<mark>([\s\S]*)<\/mark>$/);
    return m ? el("mark", {}, decode(m[1])) : document.createTextNode(decode(part));
  });
}

function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

function renderResults(state, found) {
  const { total, start, data } = found;
  resultsBox.replaceChildren(...data.map((d) => el("li", { class: "search-result" },
    el("h3", {}, el("a", { href: d.url, class: "result-title" }, d.meta.title || d.url)),
    el("p", { class: "result-meta" }, [d.meta.date, d.meta.type].filter(Boolean).join(" · ")),
    d.excerpt && state.q ? el("p", { class: "result-excerpt" }, excerptNodes(d.excerpt)) : null)));
  resultsBox.start = start + 1;
  const what = state.q ? ` for “${state.q}”` : "";
  const narrowed = Object.keys(state.filters).length || state.from !== null || state.to !== null;
  statusBox.textContent = found.idle
    ? "Type words to search, or choose a filter or a date range to browse the records."
    : total === 0
    ? `No records found${what}${narrowed ? " with these filters" : ""}.`
    : `${plural(total, "record", "records")} found${what}${narrowed ? " with these filters" : ""}`
      + (total > data.length ? `; showing ${start + 1}–${start + data.length}.` : ".");
  renderPages(state, total);
}

function renderPages(state, total) {
  const pages = Math.ceil(total / config.page_size);
  if (pages <= 1) { pagesBox.replaceChildren(); return; }
  const link = (page, text, rel) => {
    const a = el("a", { href: stateQuery({ ...state, page }) || "?", rel }, text);
    a.addEventListener("click", (event) => { event.preventDefault(); go({ ...state, page }); input.focus(); });
    return a;
  };
  pagesBox.replaceChildren(el("ul", {},
    state.page > 1 ? el("li", {}, link(state.page - 1, "Previous page", "prev")) : null,
    el("li", {}, `Page ${state.page} of ${pages}`),
    state.page < pages ? el("li", {}, link(state.page + 1, "Next page", "next")) : null));
}

function renderFilters(state, counts) {
  const focused = document.activeElement?.dataset?.filterKey
    ? [document.activeElement.dataset.filterKey, document.activeElement.dataset.filterValue] : null;
  const groups = [];
  for (const { key, label } of config.filters) {
    const selected = new Set(state.filters[key] || []);
    const values = Object.entries(counts[key] || {}).filter(([v, n]) => n > 0 || selected.has(v));
    for (const v of selected) if (!values.some(([w]) => w === v)) values.push([v, 0]);
    if (!values.length) continue;
    values.sort(ORDERED_BY_VALUE.has(key)
      ? (a, b) => a[0].localeCompare(b[0], "en", { numeric: true })
      : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "en"));
    const open = expanded.has(key);
    const visible = open ? values : values.filter(([v], i) => i < SHOWN_VALUES || selected.has(v));
    const id = `filter-${key}`;
    const list = el("ul", { class: "filter-values" }, visible.map(([value, n]) => {
      const box = el("input", { type: "checkbox", checked: selected.has(value),
        "data-filter-key": key, "data-filter-value": value });
      box.addEventListener("change", () => toggleFilter(key, value, box.checked));
      return el("li", {}, el("label", {}, box, ` ${value} `, el("span", { class: "count" }, `(${n})`)));
    }));
    const group = el("fieldset", { class: "filter-group", id, "data-filter": key },
      el("legend", {}, label), list);
    if (values.length > SHOWN_VALUES) {
      const more = el("button", { type: "button", class: "link-button", "aria-expanded": String(open) },
        open ? `Show fewer ${label.toLowerCase()} values` : `Show all ${values.length} ${label.toLowerCase()} values`);
      more.addEventListener("click", () => {
        if (open) expanded.delete(key); else expanded.add(key);
        renderFilters(current, counts);
        document.querySelector(`#${id} .link-button`)?.focus();
      });
      group.append(more);
    }
    groups.push(group);
  }
  const active = Object.keys(state.filters).length || state.from !== null || state.to !== null;
  if (active) {
    const clear = el("button", { type: "button", class: "secondary" }, "Clear all filters");
    clear.addEventListener("click", () => {
      fromInput.value = ""; toInput.value = "";
      go({ ...current, filters: {}, from: null, to: null, page: 1 });
    });
    groups.unshift(clear);
  }
  filtersBox.replaceChildren(...groups);
  const chosen = Object.values(state.filters).reduce((n, values) => n + values.length, 0)
    + (state.from !== null || state.to !== null ? 1 : 0);
  filtersToggle.textContent = chosen ? `Filters (${chosen} chosen)` : "Filters";
  if (focused) {
    for (const box of filtersBox.querySelectorAll("input[data-filter-key]")) {
      if (box.dataset.filterKey === focused[0] && box.dataset.filterValue === focused[1]) box.focus();
    }
  }
}

function toggleFilter(key, value, on) {
  const filters = { ...current.filters };
  const values = new Set(filters[key] || []);
  if (on) values.add(value); else values.delete(value);
  if (values.size) filters[key] = [...values]; else delete filters[key];
  go({ ...current, filters, page: 1 });
}

// ---------------------------------------------------------------------------------------------

async function run(state) {
  const id = ++searchId;
  document.body.classList.add("search-busy");
  try {
    if (!index) index = await loadIndex();
    const found = await search(state);
    if (id !== searchId) return;
    renderResults(state, found);
    renderFilters(state, found.counts);
  } catch (error) {
    if (id !== searchId) return;
    console.warn(error);
    statusBox.textContent = "Search is not available: the search index could not be loaded.";
  } finally {
    if (id === searchId) document.body.classList.remove("search-busy");
  }
}

// On a phone (the one-column layout in search.css) the filters fold behind a button; on a wide
// screen they are a sidebar and the button is not shown.
function showFilters(open) {
  filtersSection.classList.toggle("folded", !open);
  filtersToggle.setAttribute("aria-expanded", String(open));
}
filtersToggle.hidden = false;
showFilters(!matchMedia("(max-width: 49.99rem)").matches);
filtersToggle.addEventListener("click", () => showFilters(filtersSection.classList.contains("folded")));

let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  // Typing replaces the history entry; submitting or choosing a filter adds one.
  typing = setTimeout(() => go(stateFromForm(current), { replace: true }), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  go(stateFromForm(current));
});
sortSelect.addEventListener("change", () => go(stateFromForm(current)));
window.addEventListener("popstate", () => {
  current = readState(location.search);
  showStateInForm(current);
  run(current);
});

showStateInForm(current);
run(current);
