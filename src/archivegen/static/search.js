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
// Loading is lazy (issue #7: at 40,000 records every filter of every shard is ~1.1 MB). Opening the
// page loads each shard's entry and page metadata, the wasm, the query's index chunks and the
// shown results' fragments. A filter group is collapsed until the reader opens it (or chooses one
// of its values): opening it loads that key's filter chunks once (preload), after which every
// search reports its counts. With nothing asked yet the counts are the build's whole-archive
// tables (search/facets/<key>.json). Browsing by filters alone searches for the one value every
// record page carries (config.browse) instead of Pagefind's filter-only search, which loads every
// index chunk.
//
// Manifest version 2 may add a "delta" bundle (record pages changed since their home shard was
// indexed; merged last as one more shard) and "hidden" (stale copies still inside a home shard:
// page id -> the filter values they were indexed with). Hidden results are dropped from every
// list and total, and their filter values subtracted from the counts, so the page shows what a
// clean index would.
//
// A query word the archive does not have is corrected from its vocabulary (search-words.js) and
// the page says so ("Showing results for …, search instead for …", which searches verbatim).
// Dashes and slashes between words split them, as in the index (index/prepare.py).
//
// State lives in the URL (q, sort, from, to, page, verbatim, and one parameter per filter
// value), so a search can be bookmarked and shared, and Back works.

import { Vocabulary, fold, indexWord, splitJoined } from "./search-words.js";

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
const correctionBox = document.getElementById("search-correction");
const helpBox = document.getElementById("search-help");
const filtersSection = filtersBox.closest("section");
const filtersToggle = document.getElementById("filters-toggle");

const expanded = new Set();      // groups showing all their values
const openGroups = new Set();    // groups shown open (their counts are loaded and shown)
const closedGroups = new Set();  // groups the reader closed although a value is chosen
const loadedKeys = new Set();    // filter keys whose chunks every merged index has loaded
let index = null;
let indexLoading = null;
let searchId = 0;
const DEBOUNCE_MS = 80;          // first results within 300 ms of the last keystroke (issue #7)
const PRELOAD_MIN = 3;           // a shorter last word matches too many words' chunks to fetch ahead

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
    verbatim: params.get("verbatim") === "1",
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
  if (state.verbatim && state.q) params.set("verbatim", "1");
  const text = params.toString();
  return text ? `?${text}` : "";
}

function stateFromForm(previous) {
  const year = (el) => {
    const v = parseInt(el.value, 10);
    return Number.isFinite(v) ? v : null;
  };
  const q = input.value.trim();
  return { ...previous, q, sort: sortSelect.value, from: year(fromInput), to: year(toInput), page: 1,
    verbatim: previous.verbatim && q === previous.q };
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
  if (manifest.version !== config.version) throw new Error(`search index manifest: version ${manifest.version}`);
  const pages = (manifest.pages || []).reduce((a, b) => a + b, 0);
  const vocab = manifest.vocab ? new Vocabulary(new URL(manifest.vocab, manifestUrl), manifest.vocab_files || [], pages) : null;
  // The delta bundle (version 2) is one more index after the home shards, with its own shard value.
  const bundles = [...manifest.shards, ...(manifest.delta ? [manifest.delta] : [])]
    .map((s) => new URL(s, manifestUrl).pathname);
  const hidden = new Map(Object.entries(manifest.hidden || {}));
  // Hidden ids are dropped from the home shards' lists only, never from the delta's.
  const delta = manifest.delta ? bundles.length - 1 : -1;
  if (!bundles.length) return { pagefind: null, shards: 0, hidden, delta, vocab };
  const pagefind = await import(`${bundles[0]}pagefind.js`);
  await pagefind.options({ basePath: bundles[0], baseUrl: config.base, mergeFilter: { shard: "0" },
    ranking: config.ranking });
  await Promise.all(bundles.slice(1).map((path, i) =>
    pagefind.mergeIndex(path, { baseUrl: config.base, mergeFilter: { shard: String(i + 1) } })));
  // No pagefind.filters(): it loads every filter chunk of every shard (~1.1 MB at 40,000 records).
  return { pagefind, shards: bundles.length, hidden, delta, vocab };
}

function ensureIndex() {
  indexLoading ??= loadIndex().then((loaded) => (index = loaded));
  return indexLoading;
}

// Load the filter chunks of `keys` (each once per page): from then on every search counts them.
// Pagefind's preload loads the chunks of the filter keys it is given and of the term, then stops.
async function loadKeys(keys, term) {
  const missing = keys.filter((k) => !loadedKeys.has(k));
  if (!missing.length || !index.pagefind) return;
  await index.pagefind.preload(term, { filters: Object.fromEntries(missing.map((k) => [k, []])) });
  for (const k of missing) loadedKeys.add(k);
}

// Whole-archive counts of `keys` (search/facets/<key>.json, each fetched once).
const facetFiles = new Map();
async function loadFacets(keys) {
  for (const key of keys) {
    if (!facetFiles.has(key)) {
      facetFiles.set(key, fetch(new URL(`${key}.json`, new URL(config.facets, location.href))).then((r) => {
        if (!r.ok) throw new Error(`filter counts: HTTP ${r.status}`);
        return r.json();
      }));
    }
  }
  const counts = {};
  for (const key of keys) counts[key] = await facetFiles.get(key);
  return counts;
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

// Drop hidden (stale) results and take their filter values off the counts. A page edited and
// then changed back is in the delta with the very id of its hidden copy: the id then comes twice
// and one copy stays, so each hidden id drops one result.
function withoutHidden(results, counts) {
  const { hidden } = index;
  if (!hidden.size) return results;
  const dropped = new Set();
  return results.filter((r) => {
    const stale = hidden.get(r.id);
    if (!stale || dropped.has(r.id)) return true;
    dropped.add(r.id);
    for (const [key, values] of Object.entries(stale)) {
      if (!counts[key]) continue;
      for (const v of values) if (counts[key][v]) counts[key][v] -= 1;
    }
    return false;
  });
}

// Recent searches' results, so that turning a page or changing the order back does not search
// again (a search over 8 shards costs the reader's machine ~0.3 s). Keyed by everything that
// decides the answer: the words searched, the filters, the filter keys counted, the order. The
// index never changes while the page is open.
const searches = new Map();
function remembered(key, run) {
  if (!searches.has(key)) {
    if (searches.size >= 16) searches.delete(searches.keys().next().value);
    searches.set(key, run().catch((error) => { searches.delete(key); throw error; }));
  }
  return searches.get(key);
}

async function search(state) {
  const { pagefind, shards, hidden, delta, vocab } = index;
  if (!pagefind) return { total: 0, start: 0, data: [], counts: {}, order: "", words: [] };
  let query = splitJoined(state.q) || null;
  let corrected = null;
  if (query && vocab && !state.verbatim) {
    const fixed = await vocab.correct(query);
    if (fixed.changed) query = corrected = fixed.query;
  }
  // The search leaves out the words on nearly every page (search-words.js, withoutCommon); a
  // title is still matched against every word typed, while the record page marks only the
  // words searched (marking every "the" of a transcription hides the words that were meant).
  const typed = query;
  if (query && vocab) {
    query = await vocab.withoutCommon(query);
    await loadExtensions(pagefind, vocab, query);
  }
  const filters = pagefindFilters(state);
  const order = state.sort || (query ? "relevance" : "oldest");
  if (!query && !Object.keys(filters).length) {
    // Nothing asked yet: listing the whole archive would fetch every index chunk of every shard
    // (tens of MB at 40,000 records). Show the whole-archive counts of the open groups and wait.
    const counts = await loadFacets([...openGroups]);
    return { total: 0, start: 0, data: [], counts, order, idle: true, words: [] };
  }
  // Browsing by filters alone: every record page carries the browse value (search.py).
  const term = query ?? config.browse;
  await loadKeys([...openGroups], term);
  const { counts, results } = await remembered(JSON.stringify(["all", term, filters, [...loadedKeys].sort()]),
    async () => {
      const all = await pagefind.search(term, { filters });
      return { counts: all.filters, results: withoutHidden(all.results, all.filters) };
    });
  const total = results.length;
  const start = (state.page - 1) * config.page_size;
  const end = Math.min(total, start + config.page_size);
  let shown;
  if (order === "relevance") {
    shown = results.slice(start, end);
  } else {
    const sort = { [config.sort]: order === "oldest" ? "asc" : "desc" };
    const visible = (r) => !hidden.has(r.id);
    if (shards === 1) {
      const sorted = await remembered(JSON.stringify(["sorted", term, filters, sort]),
        () => pagefind.search(term, { filters, sort }));
      shown = sorted.results.filter(visible).slice(start, end);
    } else {
      const lists = await remembered(JSON.stringify(["sorted", term, filters, sort]), () =>
        Promise.all(Array.from({ length: shards }, (_, k) =>
          pagefind.search(term, { filters: { ...filters, shard: [String(k)] }, sort }))));
      const kept = lists.map((r, k) => (k === delta ? r.results : r.results.filter(visible)));
      shown = (await mergeSorted(kept, end, order === "newest")).slice(start);
    }
  }
  let data = await Promise.all(shown.map(dataOf));
  const titleWords = typed ? queryWords(typed) : [];
  if (order === "relevance" && titleWords.length) data = titlesFirst(data, titleWords);
  const words = query ? queryWords(query) : [];
  return { total, start, data, counts, order, corrected, words };
}

// Pagefind matches a query word as a prefix of the index's words, but only among the index chunks
// it has loaded: the chunk whose range holds the word, and whatever earlier searches loaded. So
// that results never depend on earlier searches (nor on where chunk boundaries fall), the chunks
// of every word of the archive that the query word begins are loaded first, once: a search for
// "german" finds "Germany" whether or not the page searched for it before. Parts of words (a
// reader still typing) and words under three letters are left to Pagefind: they begin too many.
async function loadExtensions(pagefind, vocab, query) {
  const all = [...new Set((await Promise.all(queryWords(query).map((w) => vocab.extensions(w)))).flat())];
  if (all.length) await pagefind.preload(all.join(" "));
}

// Within a page of results by relevance, records whose title holds the query's words in order
// come first, then those whose title holds them all; otherwise Pagefind's order stands. A
// reader typing (part of) a title means that record.
function titlesFirst(data, words) {
  const rank = (d) => {
    const title = (shown(d.meta.title).match(/[\p{L}\p{N}\p{M}]+/gu) || []).map(fold);
    const has = (w, i) => (i === words.length - 1 ? title.some((t) => t.startsWith(w)) : title.includes(w));
    if (!words.every(has)) return 2;
    for (let at = 0; at + words.length <= title.length; at++) {
      if (words.every((w, i) => (i === words.length - 1 ? title[at + i].startsWith(w) : title[at + i] === w))) return 0;
    }
    return 1;
  };
  return data.map((d, i) => [rank(d), i, d]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , d]) => d);
}

// The words to mark on a record page after a click (highlight.js).
function queryWords(query) {
  return [...new Set(query.split(/\s+/).map(indexWord).filter(Boolean))];
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
// The index reads dashes between words with hair spaces around them (index/prepare.py): they are
// taken out of what is shown.
const shown = (text) => (text || "").replace(/\u200a/g, "");

function excerptNodes(excerpt) {
  const decode = (html) => shown(new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.textContent);
  return excerpt.split(/(<mark>[\s\S]*?<\/mark>)/).filter(Boolean).map((part) => {
    const m = part.match(/^<mark>([\s\S]*)<\/mark>$/);
    return m ? el("mark", {}, decode(m[1])) : document.createTextNode(decode(part));
  });
}

// The page's words, translated by the build (search_page.search_messages): %(name)s filled in.
function t(key, vars = {}) {
  return config.messages[key].replace(/%\((\w+)\)s/g, (_, name) => String(vars[name]));
}

// A message whose placeholders are elements: its text around them, and the elements in their place.
function tNodes(key, nodes) {
  return config.messages[key].split(/%\((\w+)\)s/).map((part, i) => (i % 2 ? nodes[part] : part));
}

// A filter's label inside a sentence: lower case in English ("Show all 12 type values"); other
// languages keep the label's case (German capitalises nouns).
function inText(label) {
  return document.documentElement.lang.startsWith("en") ? label.toLowerCase() : label;
}

function count(n) {
  return n.toLocaleString(document.documentElement.lang || "en");
}

// Pagefind reads records/<id>/index.html as records/<id>.html (search_index.input_name).
function pageUrl(url) {
  return url.replace(/\/records\/([^/]+)\.html$/, "/records/$1/");
}

// A result row tells records apart: several may share a title ("Editorial Note"), so it shows
// the date, type, creators, collection and record id (record metadata, templates/record.html).
// Its link carries the query words, which highlight.js marks on the record page.
function resultRow(d, found, state) {
  const href = pageUrl(d.url) + (found.words.length ? `?${new URLSearchParams({ highlight: found.words.join(" ") })}` : "");
  const facts = [d.meta.date, d.meta.type, d.meta.creators, d.meta.collection].filter(Boolean).join(" · ");
  return el("li", { class: "search-result" },
    el("h3", {}, el("a", { href, class: "result-title" }, shown(d.meta.title) || pageUrl(d.url))),
    el("p", { class: "result-meta" }, facts, d.meta.id ? [" · ", el("code", { class: "result-id" }, d.meta.id)] : null),
    d.excerpt && state.q ? el("p", { class: "result-excerpt" }, excerptNodes(d.excerpt)) : null);
}

// "Showing results for X — search instead for Y" when a word was corrected.
function renderCorrection(state, found) {
  if (!found.corrected) { correctionBox.hidden = true; correctionBox.replaceChildren(); return; }
  const instead = { ...state, verbatim: true, page: 1 };
  const link = el("a", { href: stateQuery(instead) || "?" }, state.q);
  link.addEventListener("click", (event) => { event.preventDefault(); go(instead); });
  correctionBox.replaceChildren(...tNodes("corrected", { corrected: el("strong", {}, found.corrected), query: link }));
  correctionBox.hidden = false;
}

// No results: ways on (without the filters, or browsing), shown under the status line.
function renderHelp(state, found) {
  const narrowed = Object.keys(state.filters).length || state.from !== null || state.to !== null;
  helpBox.hidden = found.idle || found.total > 0;
  const clear = helpBox.querySelector("[data-help=filters]");
  clear.hidden = !narrowed;
  const without = { ...state, filters: {}, from: null, to: null, page: 1 };
  const a = clear.querySelector("a");
  a.href = stateQuery(without) || "?";
  a.onclick = (event) => { event.preventDefault(); fromInput.value = ""; toInput.value = ""; go(without); };
}

function renderResults(state, found) {
  const { total, start, data } = found;
  resultsBox.replaceChildren(...data.map((d) => resultRow(d, found, state)));
  resultsBox.start = start + 1;
  const what = state.q ? t("for_query", { q: found.corrected || state.q }) : "";
  const narrowed = Object.keys(state.filters).length || state.from !== null || state.to !== null
    ? t("with_filters") : "";
  const text = found.idle
    ? t("idle")
    : total === 0
    ? t("none", { what, narrowed })
    : t(total === 1 ? "found_one" : "found_other", { n: count(total), what, narrowed })
      + (total > data.length ? t("showing", { first: count(start + 1), last: count(start + data.length) }) : ".");
  // Unchanged text is not re-announced (opening a filter group re-runs the search).
  if (statusBox.textContent !== text) statusBox.textContent = text;
  renderCorrection(state, found);
  renderHelp(state, found);
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
    state.page > 1 ? el("li", {}, link(state.page - 1, t("previous_page"), "prev")) : null,
    el("li", {}, t("page_of", { page: state.page, pages })),
    state.page < pages ? el("li", {}, link(state.page + 1, t("next_page"), "next")) : null));
}

// Each filter group is a disclosure: closed (no counts loaded) until the reader opens it, or
// open because one of its values is chosen. `counts` holds the keys whose chunks are loaded.
function renderFilters(state, counts, { loading = false } = {}) {
  const focusId = document.activeElement?.dataset?.focus ?? null;
  const groups = [];
  for (const { key, label } of config.filters) {
    const selected = new Set(state.filters[key] || []);
    const open = openGroups.has(key);
    const id = `filter-${key}`;
    const toggle = el("button", { type: "button", class: "filter-toggle", "aria-expanded": String(open),
      "aria-controls": `${id}-values`, "data-focus": `toggle ${key}` }, label,
      selected.size ? el("span", { class: "chosen" }, t("chosen", { n: selected.size })) : null);
    toggle.addEventListener("click", () => toggleGroup(key, !open));
    const group = el("div", { class: "filter-group", id, "data-group": key }, el("h3", {}, toggle));
    groups.push(group);
    if (!open) continue;
    const body = el("fieldset", { class: "filter-values-box", id: `${id}-values`, "data-filter": key },
      el("legend", { class: "visually-hidden" }, label));
    group.append(body);
    if (!counts[key]) {
      body.append(el("p", { class: "filter-note" }, loading ? t("loading") : t("no_values")));
      if (!loading && !selected.size) continue;
    }
    const values = Object.entries(counts[key] || {}).filter(([v, n]) => n > 0 || selected.has(v));
    for (const v of selected) if (!values.some(([w]) => w === v)) values.push([v, 0]);
    if (!values.length) {
      if (counts[key]) body.append(el("p", { class: "filter-note" }, t("none_here")));
      continue;
    }
    values.sort(ORDERED_BY_VALUE.has(key)
      ? (a, b) => a[0].localeCompare(b[0], "en", { numeric: true })
      : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "en"));
    const all = expanded.has(key);
    const visible = all ? values : values.filter(([v], i) => i < SHOWN_VALUES || selected.has(v));
    body.append(el("ul", { class: "filter-values" }, visible.map(([value, n]) => {
      const box = el("input", { type: "checkbox", checked: selected.has(value),
        "data-filter-key": key, "data-filter-value": value, "data-focus": `value ${key} ${value}` });
      box.addEventListener("change", () => toggleFilter(key, value, box.checked));
      return el("li", {}, el("label", {}, box, ` ${value} `,
        counts[key] ? el("span", { class: "count" }, `(${n})`) : null));
    })));
    if (values.length > SHOWN_VALUES) {
      const more = el("button", { type: "button", class: "link-button", "aria-expanded": String(all),
        "data-focus": `more ${key}` },
        all ? t("show_fewer", { label: inText(label) }) : t("show_all", { n: values.length, label: inText(label) }));
      more.addEventListener("click", () => {
        if (all) expanded.delete(key); else expanded.add(key);
        renderFilters(current, counts);
      });
      body.append(more);
    }
  }
  const active = Object.keys(state.filters).length || state.from !== null || state.to !== null;
  if (active) {
    const clear = el("button", { type: "button", class: "secondary", "data-focus": "clear" }, t("clear"));
    clear.addEventListener("click", () => {
      fromInput.value = ""; toInput.value = "";
      go({ ...current, filters: {}, from: null, to: null, page: 1 });
    });
    groups.unshift(clear);
  }
  filtersBox.replaceChildren(...groups);
  const chosen = Object.values(state.filters).reduce((n, values) => n + values.length, 0)
    + (state.from !== null || state.to !== null ? 1 : 0);
  filtersToggle.textContent = chosen ? t("filters_chosen", { n: chosen }) : t("filters");
  if (focusId !== null) {
    for (const node of filtersBox.querySelectorAll("[data-focus]")) {
      if (node.dataset.focus === focusId) { node.focus(); break; }
    }
  }
}

let lastCounts = {};

function toggleGroup(key, open) {
  if (open) { openGroups.add(key); closedGroups.delete(key); } else { openGroups.delete(key); closedGroups.add(key); }
  if (!open || lastCounts[key]) { renderFilters(current, lastCounts); return; }
  // Show the group at once, then its counts when its chunks (or the whole-archive table) arrive.
  renderFilters(current, lastCounts, { loading: true });
  run(current);
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
  // A group with a chosen value opens (unless the reader closed it).
  for (const key of Object.keys(state.filters)) if (!closedGroups.has(key)) openGroups.add(key);
  document.body.classList.add("search-busy");
  try {
    await ensureIndex();
    const found = await search(state);
    if (id !== searchId) return;
    renderResults(state, found);
    lastCounts = found.counts;
    renderFilters(state, found.counts);
  } catch (error) {
    if (id !== searchId) return;
    console.warn(error);
    statusBox.textContent = t("unavailable");
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
  // A newer query is on its way: results of an older one must not be shown over it.
  searchId += 1;
  document.body.classList.add("search-busy");
  const next = stateFromForm(current);
  // Fetch the query's chunks while the reader types, so the search after the pause finds them.
  const last = next.q.split(/\s+/).pop() || "";
  if (index?.pagefind && last.length >= PRELOAD_MIN) {
    // Without the words on nearly every page, as the search will be (withoutCommon); nothing
    // while the query is such words alone ("the": 2.8 MB of chunks at 40,000 records).
    const { pagefind, vocab } = index;
    (vocab ? vocab.withoutCommon(splitJoined(next.q), true) : Promise.resolve(next.q))
      .then((q) => q && pagefind.preload(q, { filters: pagefindFilters(next) })).catch(() => {});
  }
  // Typing replaces the history entry; submitting or choosing a filter adds one.
  typing = setTimeout(() => go(stateFromForm(current), { replace: true }), DEBOUNCE_MS);
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
