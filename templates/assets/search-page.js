// The search page: reads the query, the sort and the filters from the URL, shows
// one page of results with their filters and counts, and keeps the URL in step so
// every search can be bookmarked or shared. Built on xxgk-search.js.
import { scopes, searchPage } from "./xxgk-search.js";

const PAGE_SIZE = 10;
const FILTERS = ["year", "region", "level", "agency"];
const LEVEL_ORDER = ["省级", "市级", "县级", "乡镇/街道", "部门"];

const form = document.querySelector("[data-xxgk-search]");
const input = form.querySelector("input[name=q]");
const fieldset = form.querySelector(".search-filters");
const sorter = form.querySelector("select[name=sort]");
const SORTS = Array.from(sorter.options, (option) => option.value); // "" (relevance, the default) or "year"
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const pages = document.getElementById("search-pages");
const scopeNote = document.getElementById("search-scope");

function state() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const key of FILTERS) if (params.get(key)) filters[key] = params.get(key);
  const sort = SORTS.includes(params.get("sort")) ? params.get("sort") : "";
  const more = Math.max(1, Math.floor(Number(params.get("more"))) || 1); // batches of a large archive searched
  return { q: params.get("q") ?? "", sort, filters, page: Math.max(1, Number(params.get("page")) || 1), more };
}

function url({ q, sort, filters, page, more = 1 }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (sort) params.set("sort", sort);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (more > 1) params.set("more", String(more));
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function order(key, values) {
  if (key === "year") return values.sort((a, b) => Number(b) - Number(a));
  if (key === "level") return values.sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b));
  return values.sort((a, b) => a.localeCompare(b, "zh-CN"));
}

/** The filters' values, each with the number of results it would give. A large archive is
 * searched a part at a time, so its every year and area is offered too (`held`), without a
 * number when the part searched has none of its reports. */
function showFilters(counts, chosen, held) {
  for (const key of FILTERS) {
    const select = form.querySelector(`select[name=${key}]`);
    const values = new Set(Object.entries(counts[key] ?? {}).filter(([value, count]) => count > 0 || value === chosen[key]).map(([v]) => v));
    for (const value of (key === "year" ? held?.years : key === "region" ? held?.regions : null) ?? []) values.add(String(value));
    if (chosen[key]) values.add(chosen[key]);
    select.replaceChildren(element("option", { value: "" }, "全部"));
    for (const value of order(key, [...values])) {
      const label = key === "region" ? value.split(" / ").slice(-1)[0] : value;
      const depth = key === "region" ? value.split(" / ").length - 1 : 0;
      const count = counts[key]?.[value];
      const option = element("option", { value }, `${"　".repeat(depth)}${label}${count ? `（${count}）` : ""}`);
      option.selected = value === chosen[key];
      select.append(option);
    }
  }
  fieldset.hidden = false;
}

/** What of a large archive was searched, and a way to search more of it. */
function showScope(scope, current) {
  scopeNote.replaceChildren();
  scopeNote.hidden = !(scope?.searched !== null && scope?.searched < scope?.total);
  if (scopeNote.hidden) return;
  const count = (n) => n.toLocaleString("zh-CN");
  const more = element("a", { href: url({ ...current, more: current.more + 1, page: 1 }) }, "继续搜索更早的报告");
  scopeNote.append(
    `报告很多，为了快一些，先在 ${scope.from} 年以来的 ${count(scope.searched)} 份报告中搜索（符合筛选条件的共 ${count(scope.total)} 份）。`,
    more,
    "，或选择地区、年度缩小范围。",
  );
}

function showResults(response, current) {
  list.replaceChildren();
  pages.replaceChildren();
  showScope(response.scope, current);
  if (response.total === 0) {
    status.textContent = `没有找到包含“${current.q}”的报告。`;
    return;
  }
  const first = (current.page - 1) * PAGE_SIZE;
  const order = current.sort === "year" ? "按年度排列，新的在前" : "按相关度排列";
  status.textContent = `找到 ${response.total} 份报告，${order}，显示第 ${first + 1}–${first + response.results.length} 份。`;
  for (const result of response.results) {
    const excerpt = element("p", { class: "excerpt" });
    excerpt.innerHTML = result.excerpt; // escaped by xxgk-search.js; only <mark> is markup
    list.append(
      element(
        "li",
        {},
        element("h2", {}, element("a", { href: result.url }, result.title)),
        element("p", { class: "meta-inline" }, `${result.agency} · ${result.year}年`),
        excerpt,
      ),
    );
  }
  const last = Math.ceil(response.total / PAGE_SIZE);
  if (current.page > 1) pages.append(element("a", { href: url({ ...current, page: current.page - 1 }), rel: "prev" }, "上一页"));
  if (last > 1) pages.append(element("span", {}, `第 ${current.page} / ${last} 页`));
  if (current.page < last) pages.append(element("a", { href: url({ ...current, page: current.page + 1 }), rel: "next" }, "下一页"));
}

async function run() {
  const current = state();
  input.value = current.q;
  sorter.value = current.sort;
  if (!current.q.trim()) {
    status.textContent = "请输入要搜索的词语。";
    list.replaceChildren();
    return;
  }
  status.textContent = "正在搜索…";
  const options = {
    filters: current.filters,
    sort: current.sort || "relevance",
    offset: (current.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    batches: current.more,
  };
  try {
    // Results first; the counts for the filters need more of the index, so they follow.
    showResults(await searchPage(current.q, { ...options, counts: false }), current);
    showFilters((await searchPage(current.q, { ...options, limit: 0 })).filters, current.filters, await scopes());
  } catch (error) {
    status.textContent = `搜索暂时不可用：${error.message}`;
  }
}

function go(next) {
  history.pushState(null, "", url(next));
  run();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const filters = {};
  for (const key of FILTERS) filters[key] = form.querySelector(`select[name=${key}]`).value;
  go({ q: input.value.trim(), sort: sorter.value, filters, page: 1 });
});
for (const select of [sorter, ...fieldset.querySelectorAll("select")]) select.addEventListener("change", () => form.requestSubmit());
for (const links of [pages, scopeNote]) {
  links.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    event.preventDefault();
    history.pushState(null, "", link.getAttribute("href"));
    run().then(() => status.focus());
  });
}
window.addEventListener("popstate", run);
status.tabIndex = -1;
run();
