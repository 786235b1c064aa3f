// xxgk-search.js: Chinese full-text search over an xxgk portal's Pagefind index.
//
//   import { search, searchPage } from "/assets/xxgk-search.js";
//   const reports = await search("行政复议", { filters: { year: "2022" } });
//   // → [{ url, title, agency, year, excerpt }, ...] every matching report, in rank order
//
// This is the query side of generator/segment.py; the two must split text the
// same way (tests/test_search.py checks that they do). Pagefind never sees
// Chinese: the index holds ASCII tokens for the bigrams of the text and the
// unigrams of its distinct characters, and a query of n characters becomes a
// phrase of n − 1 bigrams (one character: its unigram), which matches exactly
// the reports containing it.

const SITE_ROOT = new URL("../", import.meta.url); // this file is <site root>/assets/xxgk-search.js

const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
const PIECES = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}])+)`, "gu");
const FILTER_KEYS = ["year", "region", "level", "agency"];

/** Full-width forms to half-width and lower case, as the index side does. */
export function normalise(text) {
  return text.normalize("NFKC").toLowerCase();
}

const hex = (ch) => ch.codePointAt(0).toString(16).padStart(5, "0");

/** The runs of Chinese characters and the words of letters and digits in `text`. */
export function pieces(text) {
  return Array.from(normalise(text).matchAll(PIECES), (m) => ({ text: m[0], chinese: m[1] !== undefined }));
}

/**
 * How one piece of a query is searched: its tokens, and whether they must
 * stand together exactly (a phrase) rather than as word prefixes.
 */
export function queryTokens(piece) {
  if (!piece.chinese) return { tokens: [piece.text], phrase: false };
  const chars = Array.from(piece.text);
  if (chars.length === 1) return { tokens: ["u" + hex(chars[0])], phrase: true };
  const bigrams = [];
  for (let i = 0; i + 1 < chars.length; i++) bigrams.push("u" + hex(chars[i]) + hex(chars[i + 1]));
  return { tokens: bigrams, phrase: true };
}

/** The terms of a query; every one of them must occur in a result. */
export function parseQuery(query) {
  return pieces(String(query ?? "")).map((piece) => ({ text: piece.text, ...queryTokens(piece) }));
}

/** The Pagefind query for `terms`: the longest phrase quoted (Pagefind takes one), the rest as words. */
export function pagefindQuery(terms) {
  const primary = longestPhrase(terms);
  const parts = primary ? [`"${primary.tokens.join(" ")}"`] : [];
  for (const term of terms) if (term !== primary) parts.push(...term.tokens);
  return parts.join(" ");
}

function longestPhrase(terms) {
  return terms.filter((t) => t.phrase).sort((a, b) => b.tokens.length - a.tokens.length)[0];
}

function pagefindFilters(filters = {}) {
  const out = {};
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value === undefined || value === null || value === "") continue;
    out[key] = Array.isArray(value) ? { any: value.map(String) } : String(value);
  }
  return out;
}

let instance = null;
let filtersLoaded = null;

/** Pagefind with every shard of the index merged in, and the table labels of each
 * format; loaded once, on the first search. */
function index() {
  instance ??= (async () => {
    const response = await fetch(new URL("pagefind/xxgk.json", SITE_ROOT));
    if (!response.ok) throw new Error("本站没有搜索索引");
    const { shards, labels, replaced = {} } = await response.json();
    const shardPath = (name) => new URL(`pagefind/${name}/`, SITE_ROOT).pathname;
    const pf = await import(new URL(`pagefind/${shards[0]}/pagefind.js`, SITE_ROOT).href);
    await pf.options({ basePath: shardPath(shards[0]), baseUrl: SITE_ROOT.pathname });
    await pf.init();
    await Promise.all(shards.slice(1).map((name) => pf.mergeIndex(shardPath(name), { baseUrl: SITE_ROOT.pathname })));
    const normalised = Object.fromEntries(Object.entries(labels).map(([format, list]) => [format, list.map(normalise)]));
    return { pf, labels: normalised, replaced };
  })();
  return instance;
}

// A word every indexed report has (generator/segment.py): searching for it lists
// reports by their filters alone; Pagefind's own empty search reads the whole index.
const EVERY_DOCUMENT = "xxgkdoc";

/**
 * A response without the results that are older versions of reports indexed anew
 * in the overlay shard (xxgk.json "replaced": Pagefind page id → report path),
 * and with them taken out of the filter counts. Only results whose id is listed
 * are loaded to check: ids are unique within a shard, not across shards.
 */
async function current(response, replaced) {
  const filters = response.filters ?? {};
  const suspects = response.results.filter((r) => Object.hasOwn(replaced, r.id));
  if (suspects.length === 0) return { results: response.results, filters };
  const counts = Object.fromEntries(Object.entries(filters).map(([key, values]) => [key, { ...values }]));
  const stale = new Set();
  await Promise.all(suspects.map(async (r) => {
    const data = await r.data();
    if (data.url !== new URL(replaced[r.id], SITE_ROOT).pathname) return;
    stale.add(r);
    for (const [key, values] of Object.entries(data.filters ?? {})) {
      for (const value of values) if (counts[key]?.[value]) counts[key][value] -= 1;
    }
  }));
  return { results: response.results.filter((r) => !stale.has(r)), filters: counts };
}

/** Search Pagefind for every one of `terms` (none: every report the filters allow). */
async function searchTerms(pf, replaced, terms, options) {
  if (terms.length === 0) return current(await pf.search(`"${EVERY_DOCUMENT}"`, options), replaced);
  const response = await current(await pf.search(pagefindQuery(terms), options), replaced);
  let results = response.results;
  // Pagefind takes one quoted phrase, and it drops a loose term that one index
  // (shard) does not hold at all instead of finding nothing: check every other
  // term with a search of its own, and keep the results that have them all.
  const primary = longestPhrase(terms);
  for (const term of terms.filter((t) => t !== primary)) {
    const alone = await pf.search(term.phrase ? `"${term.tokens.join(" ")}"` : term.tokens.join(" "), options);
    const ids = new Set(alone.results.map((r) => r.id));
    results = results.filter((r) => ids.has(r.id));
  }
  return { results, filters: response.filters };
}

function sumCounts(all) {
  const total = {};
  for (const counts of all) {
    for (const [key, values] of Object.entries(counts)) {
      total[key] ??= {};
      for (const [value, count] of Object.entries(values)) total[key][value] = (total[key][value] ?? 0) + count;
    }
  }
  return total;
}

/**
 * The Pagefind results matching `query`, before their data is loaded: every
 * report that contains each term, in rank order; with `counts`, also the
 * number of results for each filter value.
 *
 * Table labels are the same in every report of a format, so they are not in
 * the index: a term found in a format's labels is met by every report of that
 * format, and the other terms are searched among those reports.
 */
export async function match(query, { filters = {}, counts = false } = {}) {
  const terms = parseQuery(query);
  if (terms.length === 0) return { terms, results: [], filters: {} };
  const { pf, labels, replaced } = await index();
  if (counts) await (filtersLoaded ??= pf.filters()); // Pagefind counts filter values only once it has them
  const found = await searchAll(pf, labels, replaced, terms, filters);
  if (!counts) return { terms, results: found.results, filters: {} };
  // Count each filter's values as if that filter alone were not chosen, so the
  // other values stay on offer with the number of results they would give.
  const counted = { ...found.filters };
  for (const key of FILTER_KEYS.filter((k) => filters[k])) {
    const { [key]: _, ...others } = filters;
    counted[key] = (await searchAll(pf, labels, replaced, terms, others)).filters[key] ?? {};
  }
  return { terms, results: found.results, filters: counted };
}

/** Every report with every term, in its text or in its format's table labels. */
async function searchAll(pf, labels, replaced, terms, filters) {
  const groups = new Map(); // the terms left to search → the formats whose labels hold the others
  for (const [format, list] of Object.entries(labels)) {
    const rest = terms.filter((t) => !list.some((label) => label.includes(t.text)));
    const key = rest.map((t) => t.text).join(" ");
    if (!groups.has(key)) groups.set(key, { rest, formats: [] });
    groups.get(key).formats.push(format);
  }
  const base = pagefindFilters(filters);
  const plain = groups.size === 1 && [...groups.values()][0].rest.length === terms.length;
  const parts = plain
    ? [await searchTerms(pf, replaced, terms, { filters: base })]
    : await Promise.all([...groups.values()].map((g) => searchTerms(pf, replaced, g.rest, { filters: { ...base, format: { any: g.formats } } })));
  const counts = sumCounts(parts.map((p) => p.filters));
  delete counts.format;
  return { results: parts.flatMap((p) => p.results).sort((a, b) => b.score - a.score), filters: counts };
}

async function describe(result, terms) {
  const data = await result.data();
  return {
    url: data.url,
    title: data.meta.title ?? "",
    agency: data.meta.agency ?? "",
    year: Number(data.meta.year),
    excerpt: excerpt(data.meta.text ?? "", terms),
  };
}

/**
 * Every report matching `query`, in rank order, as {url, title, agency, year,
 * excerpt}; `excerpt` is HTML (escaped text, matches in <mark>). Loads each
 * result's data: for a page of results with counts, use searchPage().
 */
export async function search(query, { filters = {} } = {}) {
  const { terms, results } = await match(query, { filters });
  return Promise.all(results.map((r) => describe(r, terms)));
}

/**
 * One page of results for a search interface: {total, results, filters}, where
 * `filters` counts the results for every value of every filter (unless
 * `counts` is false: the counts need Pagefind's filter indexes, and a page can
 * show its results first and ask for the counts after).
 */
export async function searchPage(query, { filters = {}, offset = 0, limit = 10, counts = true } = {}) {
  const { terms, results, filters: counted } = await match(query, { filters, counts });
  const page = await Promise.all(results.slice(offset, offset + limit).map((r) => describe(r, terms)));
  return { total: results.length, results: page, filters: counted };
}

// --- excerpts -------------------------------------------------------------------

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * A short piece of `text` around the first match, as HTML with every match of
 * every term in <mark>. Matching is on normalised text, shown as written.
 */
export function excerpt(text, terms, before = 24, length = 90) {
  // Blocks (a heading, a paragraph) were lines: join them with an ideographic
  // space, as Chinese typesetting would, and never put a space inside a line.
  const chars = Array.from(text.trim().replace(/\s*\n\s*/g, "\u3000").replace(/[ \t]+/g, " "));
  const flat = []; // normalised code points, each with the index of the char it came from
  chars.forEach((ch, index) => {
    for (const c of normalise(ch)) flat.push({ c, index });
  });
  const marked = new Array(chars.length).fill(false);
  let first = -1;
  for (const term of terms) {
    const needle = Array.from(term.text);
    for (let i = 0; i + needle.length <= flat.length; i++) {
      if (needle.every((c, j) => flat[i + j].c === c)) {
        const start = flat[i].index;
        const end = flat[i + needle.length - 1].index;
        for (let k = start; k <= end; k++) marked[k] = true;
        if (first === -1 || start < first) first = start;
      }
    }
  }
  const from = Math.max(0, (first === -1 ? 0 : first) - before);
  const to = Math.min(chars.length, from + length);
  let html = from > 0 ? "…" : "";
  for (let k = from; k < to; k++) {
    if (marked[k] && (k === from || !marked[k - 1])) html += "<mark>";
    html += escape(chars[k]);
    if (marked[k] && (k === to - 1 || !marked[k + 1])) html += "</mark>";
  }
  return html + (to < chars.length ? "…" : "");
}
