// xxgk-search.js: Chinese full-text search over an xxgk portal's Pagefind index.
//
//   import { search, searchPage } from "/assets/xxgk-search.js";
//   const results = await search("行政复议", { filters: { year: "2022" }, sort: "year" });
//   // → [{ year, score, data }, ...] every matching report, best first
//   //   (sort: "relevance", the default, or "year": newest first);
//   const report = await results[0].data(); // → { url, title, agency, year, excerpt }
//
// This is the query side of generator/search/segment.py; the two must split text
// the same way (tests/test_search.py checks that they do). Pagefind never sees
// Chinese: the index holds ASCII tokens for the bigrams of the text and the
// unigrams of its distinct characters, and a query of n characters becomes a
// phrase of n − 1 bigrams (one character: its unigram), which matches exactly
// the reports containing it. Pagefind scores every exact-phrase match the same,
// so xxgk ranks the results itself, from where the tokens stand (see "ranking").

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

const SEP = " / "; // between the levels of a region, as the 地区 filter's values hold them

let manifest = null;
const instances = new Map(); // the shards an instance searches, joined → Pagefind over them, with what it has found out

/** The index's manifest, xxgk.json: its shards (and, scoped, each one's scope), the table labels
 * of each format (normalised, each with the place it names) and the layout of an indexed
 * document (generator/search/segment.py layout()); read once, on the first search. */
function readManifest() {
  manifest ??= (async () => {
    const response = await fetch(new URL("pagefind/xxgk.json", SITE_ROOT));
    if (!response.ok) throw new Error("本站没有搜索索引");
    const found = await response.json();
    const labels = Object.fromEntries(
      Object.entries(found.labels).map(([format, list]) => [format, list.map(([label, place]) => ({ label: normalise(label), place }))]),
    );
    return { ...found, labels, replaced: found.replaced ?? {}, shared: new Set(found.shared ?? []) };
  })();
  return manifest;
}

/** A filter's chosen values (a filter may name one, or any of several); none when it is not used. */
const chosen = (value) => [].concat(value ?? []).map(String).filter(Boolean);

/** Whether a shard of a scoped index (its scope: first and last year, area) may hold reports
 * the filters allow. An area at the manifest's depth holds the regions under it too. */
function allows(scope, filters, depth) {
  const years = chosen(filters.year).map(Number);
  if (years.length && !years.some((year) => scope.years[0] <= year && year <= scope.years[1])) return false;
  const regions = chosen(filters.region);
  if (!regions.length) return true;
  const area = scope.region; // "" for bodies without a region, which no region's results include
  const inside = (region) => area === region || area.startsWith(region + SEP) || (area.split(SEP).length === depth && region.startsWith(area + SEP));
  return area !== "" && regions.some(inside);
}

/**
 * The shards a search with `filters` reads. All of them, unless the index is scoped (an
 * archive: xxgk.json "scopes"); then those the filters allow, newest first, in batches of
 * about xxgk.json "batch" reports, of which the first `batches` (the reader asks for more),
 * and the overlay of recent edits. {shards, searched, total, from}: the reports of the
 * shards searched and of all the filters allow, and the earliest year searched (null, null,
 * null when the index is not scoped).
 */
export function scopeOf(m, filters = {}, batches = 1) {
  if (!m.scopes) return { shards: m.shards, searched: null, total: null, from: null };
  const allowed = m.shards.filter((name) => m.scopes[name] && allows(m.scopes[name], filters, m.depth));
  const searched = [];
  let batch = 1;
  let filled = 0;
  for (const name of allowed) {
    const reports = m.scopes[name].reports;
    if (filled > 0 && filled + reports > m.batch) [batch, filled] = [batch + 1, 0];
    if (batch > batches) break;
    searched.push(name);
    filled += reports;
  }
  const reports = (names) => names.reduce((n, name) => n + m.scopes[name].reports, 0);
  const years = searched.map((name) => m.scopes[name].years[0]);
  return {
    shards: [...m.shards.filter((name) => !m.scopes[name]), ...searched],
    searched: reports(searched),
    total: reports(allowed),
    from: years.length ? Math.min(...years) : null,
  };
}

/** Every year and every area a scoped index holds, for a search form to offer before they
 * are searched ({years, regions}, newest year first); null when the index is not scoped. */
export async function scopes() {
  const m = await readManifest();
  if (!m.scopes) return null;
  const years = new Set();
  const regions = new Set();
  for (const scope of Object.values(m.scopes)) {
    for (let year = scope.years[0]; year <= scope.years[1]; year++) years.add(year);
    if (scope.region) regions.add(scope.region);
  }
  return { years: [...years].sort((a, b) => b - a), regions: [...regions].sort((a, b) => a.localeCompare(b, "zh-CN")) };
}

/** Pagefind over the shards `names` (the first holds Pagefind's runtime when the index is not
 * scoped; each does when it is), made once and kept for the next search of the same shards. */
function index(names) {
  const key = names.join(" ");
  if (!instances.has(key)) {
    instances.set(key, (async () => {
      const m = await readManifest();
      const shardPath = (name) => new URL(`pagefind/${name}/`, SITE_ROOT).pathname;
      const runtime = await import(new URL(`pagefind/${m.shards[0]}/pagefind.js`, SITE_ROOT).href);
      const pf = runtime.createInstance({ basePath: shardPath(names[0]) });
      await pf.options({ baseUrl: SITE_ROOT.pathname });
      await pf.init();
      await Promise.all(names.slice(1).map((name) => pf.mergeIndex(shardPath(name), { baseUrl: SITE_ROOT.pathname })));
      return { pf, labels: m.labels, layout: m.layout, replaced: m.replaced, shared: m.shared, years: new Map(), counting: null };
    })());
  }
  return instances.get(key);
}

/** What tells results apart: their ids, except for an id that names a page in two shards
 * (xxgk.json "shared", a few among 100,000 reports), for which their pages' URLs, from their data. */
function pageKeys(results, shared) {
  return Promise.all(results.map((r) => (shared.has(r.id) ? r.data().then((data) => data.url) : r.id)));
}

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

/** Search Pagefind for every one of `terms` (none: every report the filters allow,
 * found by the word every report has, whose one position is its year's slot). */
async function searchTerms({ pf, layout, replaced, shared }, terms, options) {
  if (terms.length === 0) return current(await pf.search(`"${layout.every}"`, options), replaced);
  const response = await current(await pf.search(pagefindQuery(terms), options), replaced);
  let results = response.results;
  // Pagefind takes one quoted phrase, and it drops a loose term that one index
  // (shard) does not hold at all instead of finding nothing: check every other
  // term with a search of its own, and keep the results that have them all.
  const primary = longestPhrase(terms);
  for (const term of terms.filter((t) => t !== primary)) {
    const alone = await current(await pf.search(term.phrase ? `"${term.tokens.join(" ")}"` : term.tokens.join(" "), options), replaced);
    const found = new Set(await pageKeys(alone.results, shared));
    const keys = await pageKeys(results, shared);
    results = results.filter((_, k) => found.has(keys[k]));
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
 * The results matching `query`, before their data is loaded: every report that
 * contains each term, as {id, score, year, data}, best first (`sort` "year":
 * newest first, best first within a year); with `counts`, also the number of
 * results for each filter value. With `rank` false, the results come unranked,
 * for a caller that wants only their number or the counts.
 *
 * Table labels are the same in every report of a format, so they are not in
 * the index: a term found in a format's labels is met by every report of that
 * format, and the other terms are searched among those reports.
 */
export async function match(query, { filters = {}, counts = false, sort = "relevance", rank = true, batches = 1 } = {}) {
  const terms = parseQuery(query);
  if (terms.length === 0) return { terms, results: [], filters: {}, scope: null };
  const scope = scopeOf(await readManifest(), filters, batches);
  if (scope.shards.length === 0) return { terms, results: [], filters: {}, scope }; // no shard the filters allow
  const ix = await index(scope.shards);
  if (counts) await (ix.counting ??= ix.pf.filters()); // Pagefind counts filter values only once it has them
  const [found, stands, years] = await Promise.all([
    searchAll(ix, terms, filters),
    rank ? whereTermsStand(ix, terms, filters) : null,
    rank ? yearsOf(ix, filters) : null,
  ]);
  const results = rank
    ? await ranked(found.hits, terms, stands, years, ix.layout, sort)
    : found.hits.map(({ hit }) => ({ id: hit.id, data: () => hit.data() }));
  if (!counts) return { terms, results, filters: {}, scope };
  // Count each filter's values as if that filter alone were not chosen, so the
  // other values stay on offer with the number of results they would give.
  const counted = { ...found.filters };
  for (const key of FILTER_KEYS.filter((k) => filters[k])) {
    const { [key]: _, ...others } = filters;
    counted[key] = (await searchAll(ix, terms, others)).filters[key] ?? {};
  }
  return { terms, results, filters: counted, scope };
}

/** Every report with every term, in its text or in its format's table labels: each
 * Pagefind result with the terms its format's labels hold. */
async function searchAll(ix, terms, filters) {
  const groups = new Map(); // the terms left to search → the formats whose labels hold the others
  for (const [format, list] of Object.entries(ix.labels)) {
    const labelled = terms.filter((t) => list.some((entry) => entry.label.includes(t.text)));
    const rest = terms.filter((t) => !labelled.includes(t));
    const key = rest.map((t) => t.text).join(" ");
    if (!groups.has(key)) groups.set(key, { rest, labelled, formats: [] });
    groups.get(key).formats.push(format);
  }
  const base = pagefindFilters(filters);
  const plain = groups.size === 1 && [...groups.values()][0].rest.length === terms.length;
  const parts = plain
    ? [{ labelled: [], found: await searchTerms(ix, terms, { filters: base }) }]
    : await Promise.all(
        [...groups.values()].map(async (g) => ({
          labelled: g.labelled,
          found: await searchTerms(ix, g.rest, { filters: { ...base, format: { any: g.formats } } }),
        })),
      );
  const counts = sumCounts(parts.map((p) => p.found.filters));
  delete counts.format;
  const hits = parts.flatMap((p) => p.found.results.map((hit) => ({ hit, labelled: p.labelled })));
  return { hits, filters: counts };
}

// --- ranking ----------------------------------------------------------------------
//
// Pagefind gives every exact-phrase match the same score, so its own ranking says
// nothing here. It does give the position of every token it matched, and an
// indexed report is laid out by position (segment.py document_tokens): the word
// every report has stands at the slot of its year, the title and agency name come
// next, up to layout.headEnd, then the rest. One exact search for that word gives
// every report's year; one loose search per term, for its counting tokens (the
// index chunks the exact search reads already), gives where they stand in each
// report: each at its offset from one position on is one occurrence of the term.
// (Separators keep runs of text apart, so that is the term itself, unless the term
// repeats a bigram, as 公开公开 does, or is counted by its first and last bigram.)

/** What an occurrence in the title or the agency's name counts, against 1 elsewhere. */
export const HEAD_WEIGHT = 10;

/** What a term found in the table labels of a report's format counts (they are in every
 * report of the format, so they say little about one). */
export const LABEL_WEIGHT = 1;

/** A single character is found by its unigram, listed once per report: found, not counted. */
const counted = (term) => !(term.phrase && Array.from(term.text).length === 1);

/**
 * The tokens a term's occurrences are counted by, and the offset of each in an
 * occurrence: all of a term of up to three tokens, the first and the last of a
 * longer one. Pagefind's loose search takes time in the square of the postings of
 * its tokens (measured at 10,000 reports: 政府信息公开申请 by all seven bigrams took
 * 2.2 s a query); counts only rank, the exact search decides what is found.
 */
export function countedBy(term) {
  const n = term.tokens.length;
  const offsets = n <= 3 ? [...Array(n).keys()] : [0, n - 1];
  return { tokens: offsets.map((k) => term.tokens[k]), offsets };
}

/** How often an occurrence (every counting token at its offset) starts in the head and
 * after it, from the sorted positions of a term's counting tokens in one report. */
export function tally(positions, offsets, layout) {
  const at = new Set(positions);
  let head = 0;
  let body = 0;
  for (const p of positions) if (offsets.every((o) => at.has(p + o))) p < layout.headEnd ? head++ : body++;
  return { head, body };
}

/** For each term, the positions of its counting tokens in every report holding them, by
 * result id (a single character: none, it is not counted). */
function whereTermsStand({ pf }, terms, filters) {
  return Promise.all(
    terms.map(async (term) => {
      const byId = new Map();
      if (!counted(term)) return byId;
      const { results } = await pf.search(countedBy(term).tokens.join(" "), { filters: pagefindFilters(filters) });
      for (const r of results) byId.set(r.id, [...(byId.get(r.id) ?? []), r.words]);
      return byId;
    }),
  );
}

/** Every report's year, by result id, from the slot of the word every report has: one
 * exact search for it, kept (`years`: filters as JSON → the years of the reports they allow)
 * for the next query with the same filters. */
function yearsOf({ pf, layout, years: yearsFound }, filters) {
  const options = { filters: pagefindFilters(filters) };
  const key = JSON.stringify(options.filters);
  if (!yearsFound.has(key)) {
    yearsFound.set(key, pf.search(`"${layout.every}"`, options).then(({ results }) => {
      const byId = new Map();
      for (const r of results) byId.set(r.id, [...(byId.get(r.id) ?? []), layout.firstYear + r.words[0]]);
      return byId;
    }));
  }
  return yearsFound.get(key);
}

/** A result's positions for one term. Ids are unique within a shard only: when two shards
 * share one, the positions that hold the result's own matches are the result's. */
function positionsOf(byId, hit) {
  const candidates = byId.get(hit.id) ?? [];
  if (candidates.length < 2) return candidates[0];
  const own = new Set(hit.words);
  const shared = (positions) => positions.filter((p) => own.has(p)).length;
  return candidates.reduce((best, c) => (shared(c) > shared(best) ? c : best));
}

/** A result's year; when two shards share its id and their reports' years differ, read from its data. */
async function yearOf(years, hit) {
  const candidates = new Set(years.get(hit.id));
  return candidates.size === 1 ? [...candidates][0] : Number((await hit.data()).meta.year);
}

/**
 * The results as {id, score, year, data}, in order. The score adds up, for every
 * term, HEAD_WEIGHT for each occurrence in the title or agency name, 1 for each
 * other occurrence (a single character: 1 if found in the text) and LABEL_WEIGHT
 * if the report's table labels hold it. Relevance: highest score first, then newest;
 * year: newest first, then highest score. Ties keep Pagefind's order (newest shard first).
 */
async function ranked(hits, terms, stands, years, layout, sort) {
  const results = await Promise.all(
    hits.map(async ({ hit, labelled }) => {
      let score = 0;
      terms.forEach((term, k) => {
        if (!counted(term)) score += labelled.includes(term) ? 0 : 1;
        const positions = counted(term) && positionsOf(stands[k], hit);
        if (positions) {
          const found = tally(positions, countedBy(term).offsets, layout);
          score += HEAD_WEIGHT * found.head + found.body;
        }
        if (labelled.includes(term)) score += LABEL_WEIGHT;
      });
      return { id: hit.id, score, year: await yearOf(years, hit), data: () => hit.data() };
    }),
  );
  const byYear = sort === "year";
  return results.sort((a, b) => (byYear ? b.year - a.year || b.score - a.score : b.score - a.score || b.year - a.year));
}

async function describe(result, terms, labels) {
  const data = await result.data();
  const report = {
    url: data.url,
    title: data.meta.title ?? "",
    agency: data.meta.agency ?? "",
    year: Number(data.meta.year),
  };
  const text = data.meta.text ?? "";
  const regions = data.filters?.region ?? [];
  const fields = { ...report, region: regions.reduce((a, b) => (b.length > a.length ? b : a), "") };
  const places = labels[data.filters?.format?.[0]] ?? [];
  const leads = terms.filter((t) => !holds(text, t)).map((t) => whereFound(t, fields, places));
  return { ...report, excerpt: excerpt(text, terms, { leads: [...new Set(leads.filter(Boolean))] }) };
}

/**
 * Every report matching `query`, best first (`sort`: "relevance" or "year"), as
 * {year, score, data}: `data()` loads the report's description {url, title, agency,
 * year, excerpt} (`excerpt` is HTML: escaped text, matches in <mark>) when it is
 * asked for, as Pagefind's own results do. A term found in 100,000 reports is a
 * list of 100,000 results, not 100,000 requests at once, which browsers fail.
 * For a page of results with counts, use searchPage().
 */
export async function search(query, { filters = {}, sort = "relevance", batches = 1 } = {}) {
  const { terms, results } = await match(query, { filters, sort, batches });
  const { labels } = await readManifest();
  return results.map((r) => ({ year: r.year, score: r.score, data: () => describe(r, terms, labels) }));
}

/**
 * One page of results for a search interface: {total, results, filters, scope}, where
 * `filters` counts the results for every value of every filter (unless
 * `counts` is false: the counts need Pagefind's filter indexes, and a page can
 * show its results first and ask for the counts after), and `scope` says what was
 * searched of a scoped index (see scopeOf; `batches`: how many of its batches).
 */
export async function searchPage(query, { filters = {}, sort = "relevance", offset = 0, limit = 10, counts = true, batches = 1 } = {}) {
  const { terms, results, filters: counted, scope } = await match(query, { filters, counts, sort, rank: limit > 0, batches });
  if (terms.length === 0) return { total: 0, results: [], filters: counted, scope };
  const { labels } = await readManifest();
  const page = await Promise.all(results.slice(offset, offset + limit).map((r) => describe(r, terms, labels)));
  return { total: results.length, results: page, filters: counted, scope };
}

// --- excerpts -------------------------------------------------------------------

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Which characters of `chars` lie in a match of a term (matching on normalised
 * text), and where the first match starts (-1: none). */
function matches(chars, terms) {
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
        for (let k = start; k <= flat[i + needle.length - 1].index; k++) marked[k] = true;
        if (first === -1 || start < first) first = start;
      }
    }
  }
  return { marked, first };
}

/** Whether `text` holds `term`, as the excerpt would mark it. */
export function holds(text, term) {
  return matches(Array.from(text), [term]).first !== -1;
}

/** chars[from, to) as HTML, matches in <mark>. */
function marked(chars, flags, from, to) {
  let html = "";
  for (let k = from; k < to; k++) {
    if (flags[k] && (k === from || !flags[k - 1])) html += "<mark>";
    html += escape(chars[k]);
    if (flags[k] && (k === to - 1 || !flags[k + 1])) html += "</mark>";
  }
  return html;
}

/**
 * Where a term the narrative does not hold was found, as a line to show: the
 * report's title, its agency's name, the place a table label names (表四：行政复议),
 * its region or its year, the first that holds the term.
 */
export function whereFound(term, report, places) {
  if (holds(report.title, term)) return `标题：${report.title}`;
  if (holds(report.agency, term)) return `机关：${report.agency}`;
  const place = places.find((entry) => entry.label.includes(term.text));
  if (place) return place.place;
  if (holds(report.region, term)) return `地区：${report.region}`;
  if (holds(`${report.year}年`, term)) return `年度：${report.year}年`;
  return null;
}

/**
 * What a result shows of a report, as HTML with every match of every term in
 * <mark>: first the `leads` (where the terms the narrative lacks were found),
 * then a piece of the narrative `text` around its first match, shown as written.
 */
export function excerpt(text, terms, { leads = [], before = 24, length = 90 } = {}) {
  const shown = leads.map((line) => {
    const chars = Array.from(line);
    return marked(chars, matches(chars, terms).marked, 0, chars.length);
  });
  const room = Math.max(30, length - leads.reduce((n, line) => n + Array.from(line).length, 0));
  // Blocks (a heading, a paragraph) were lines: join them with an ideographic
  // space, as Chinese typesetting would, and never put a space inside a line.
  const chars = Array.from(text.trim().replace(/\s*\n\s*/g, "\u3000").replace(/[ \t]+/g, " "));
  const { marked: flags, first } = matches(chars, terms);
  const from = Math.max(0, (first === -1 ? 0 : first) - before);
  const to = Math.min(chars.length, from + room);
  const piece = chars.length === 0 ? "" : (from > 0 ? "…" : "") + marked(chars, flags, from, to) + (to < chars.length ? "…" : "");
  return [shown.join("；"), piece].filter(Boolean).join("\u3000");
}
