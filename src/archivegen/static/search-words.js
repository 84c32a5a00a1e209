// Query words as the index has them, and typed words corrected from the archive's own vocabulary.
//
// The build writes the words Pagefind indexed (lower case, no diacritics, with the number of
// pages each is on) into pagefind/vocab/: "<ab>.json" holds the words beginning with those two
// letters, "<a>.json" every word beginning with that letter (index/prepare.py). A query word is
// kept when it is a word of the archive, begins one (a reader still typing, or a stem), or is one
// followed by an inflection; otherwise it is replaced by the nearest word of the archive
// (Damerau–Levenshtein distance 1, or 2 for words of 5 letters or more; ties go to the word on
// more pages, then alphabetical order). The answer depends on the query and the vocabulary
// only: never on what the page loaded before (Pagefind's own fallback for a word it does not
// know matches a shorter prefix among the index chunks it happens to have loaded).

// Dashes and slashes between words: each part is a word (the index is built the same way).
const JOINERS = /[\u2012\u2013\u2014\u2015\u2212/]/g;
const SUFFIXES = ["s", "es", "ed", "d", "ing", "er", "ers", "ly", "ion", "ions", "ment", "ments", "al", "'s", "’s"];
const MIN_WORD = 3;
// A query word on at least this share of the indexed pages is left out of a query with other words.
const COMMON = 0.9;

export function fold(word) {
  return word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
}

// A query word as the index has it: without quotes and trailing punctuation, folded.
export function indexWord(word) {
  return fold(word.replace(/^["“”]+|["“”.,;:!?]+$/g, ""));
}

// The query Pagefind is given: dashes and slashes between words become spaces.
export function splitJoined(query) {
  return query.replace(JOINERS, " ").replace(/\s+/g, " ").trim();
}

function keys(word) {
  const letter = (c) => (c && c >= "a" && c <= "z" ? c : "_");
  const first = letter(word[0]);
  return [first, first + letter(word[1])];
}

export class Vocabulary {
  constructor(base, names, pages = 0) {
    this.base = base;      // URL of the vocab/ folder
    this.names = new Set(names); // the files it has
    this.pages = pages;    // pages indexed (the counts are pages a word is on)
    this.files = new Map(); // file key -> Promise of {words (sorted), counts}
  }

  load(key) {
    if (!this.names.has(key)) return Promise.resolve({ counts: {}, words: [] });
    if (!this.files.has(key)) {
      this.files.set(key, fetch(new URL(`${key}.json`, this.base)).then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({})).then((counts) => ({ counts, words: Object.keys(counts).sort() })));
    }
    return this.files.get(key);
  }

  // Whether the archive has this word, a word it begins, or it plus an inflection.
  async known(word) {
    const { counts, words } = await this.load(keys(word)[1]);
    if (counts[word]) return true;
    const at = lowerBound(words, word);
    if (at < words.length && words[at].startsWith(word)) return true;
    return SUFFIXES.some((s) => word.endsWith(s) && word.length - s.length >= MIN_WORD
      && counts[word.slice(0, -s.length)]);
  }

  // The query without the words on nearly every page (COMMON of the pages or more: "the", and in
  // FRUS "document", "published"), when it has other words and no phrase in quotes. Such a word
  // hardly changes which records match (those lacking it join) nor their order (it tells no page
  // apart), and its index chunks are the largest of all: at 40,000 FRUS records "the" is ~350 KB
  // in every shard, so "the Hungarian revolution" fetched 2.8 MB.
  // With `orNothing`, a query of common words alone gives "" (a reader typing "the" has more to come).
  async withoutCommon(query, orNothing = false) {
    if (!this.pages || /["“”]/.test(query)) return query;
    const words = query.split(/\s+/).filter(Boolean);
    const common = await Promise.all(words.map(async (w) => {
      const word = indexWord(w);
      if (word.length < MIN_WORD) return false;
      const { counts } = await this.load(keys(word)[1]);
      return (counts[word] || 0) >= COMMON * this.pages;
    }));
    const kept = words.filter((_, i) => !common[i]);
    return kept.length ? kept.join(" ") : orNothing ? "" : query;
  }

  // Every word of the archive that begins with `word` (a Pagefind search for it matches them all).
  // Only for a word of the archive: a part of a word still being typed ("rev") begins hundreds.
  async extensions(word) {
    if (word.length < MIN_WORD) return [];
    const { counts, words } = await this.load(keys(word)[1]);
    if (!counts[word]) return [];
    const out = [];
    for (let at = lowerBound(words, word); at < words.length && words[at].startsWith(word); at++) out.push(words[at]);
    return out;
  }

  // The nearest word of the archive, or null.
  async nearest(word) {
    const { counts, words } = await this.load(keys(word)[0]);
    const limit = word.length >= 5 ? 2 : 1;
    let best = null;
    let bestDistance = limit + 1;
    for (const candidate of words) {
      if (Math.abs(candidate.length - word.length) > limit) continue;
      const d = distance(word, candidate, bestDistance + 1);
      if (d < bestDistance || (d === bestDistance && best !== null && counts[candidate] > counts[best])) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? best : null;
  }

  // The query with each unknown word replaced by its nearest word: {query, changed}. Words in
  // quotes (a phrase) and words with digits are kept as typed.
  async correct(query) {
    const parts = query.split(/(\s+)/);
    let quoted = false;
    let changed = false;
    const out = [];
    for (const part of parts) {
      const m = part.match(/^(["“”]?)([\p{L}\p{M}'’]*)(["“”]?[.,;:!?]*)$/u);
      const inPhrase = quoted || (m && m[1]);
      if (/["“”]/.test(part)) quoted = ((part.match(/["“”]/g) || []).length % 2 === 1) !== quoted;
      if (!m || inPhrase || !/\p{L}/u.test(m[2])) { out.push(part); continue; }
      const word = fold(m[2]).replace(/['’]s$/, "");
      if (word.length < MIN_WORD || await this.known(word)) { out.push(part); continue; }
      const better = await this.nearest(word);
      if (!better) { out.push(part); continue; }
      changed = true;
      out.push(m[1] + (/^\p{Lu}/u.test(m[2]) ? better[0].toUpperCase() + better.slice(1) : better) + m[3]);
    }
    return { query: out.join(""), changed };
  }
}

function lowerBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), giving
// up (returning `cap`) once every alignment costs `cap` or more.
export function distance(a, b, cap = Infinity) {
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      row.push(v);
      if (v < low) low = v;
    }
    if (low >= cap) return cap;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}
