/* xxgk: the query builder (/data/query/). Without this script the page says where the
   same figures are (the region pages, the downloads).
   - Fetches index.json (the measures and rates with their definitions, the years, the
     regions and the agencies) and builds a form: compare regions or agencies, which
     ones, which years, which measures and rates.
   - On 查询 fetches the file of each year asked for (each once per page load) and shows
     one table: a row per region or agency and year, a column per measure or rate, and
     below it what every column means. A polite status says what was loaded.
   - The question is kept in the address (?by=region&regions=…&years=2023,2022&measures=…;
     by=agency&within=<region> asks for every agency under a region),
     so a reloaded or shared address shows the same table at once.
   - 下载 CSV saves the table shown (UTF-8 with a BOM, CRLF, RFC 4180 quoting; rates as
     plain numbers, an empty field where the table shows "—"); 打印 prints it.
   The figures, region totals included, are the build's (the same functions as the region
   pages): this script picks rows and columns and formats them, and adds nothing up. */
(() => {
  "use strict";

  const root = document.querySelector("[data-query]");
  if (!root || !("fetch" in window)) return;

  const WHOLE = "全部"; // the whole portal's "region", first in index.json
  const SEPARATOR = " / ";
  const DEFAULT_COLUMNS = ["received", "results", "disclosure-rate"];
  const NAMES_IN_CAPTION = 3;
  const COLUMNS_IN_CAPTION = 4;
  const CSV_NAME = "xxgk-query.csv";

  let index = null; // index.json
  let columns = []; // measures then rates: {key, label, unit, definition, kind: "count" | "money" | "rate", at}
  let form = null;
  let status = null;
  let output = null;
  let actions = null; // 下载 CSV and 打印, shown with a table
  let shown = null; // the table on the page, as model() gives it, for the CSV
  let asked = 0; // the latest question: an earlier answer arriving late is dropped
  const years = new Map(); // year -> Promise of its file, fetched once per page load
  let counter = 0;

  // --- small helpers ----------------------------------------------------------------

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    node.append(...children);
    return node;
  }

  const uid = (prefix) => `query-${prefix}-${++counter}`;
  const lastName = (path) => path.split(SEPARATOR).slice(-1)[0];
  const depth = (path) => (path === WHOLE ? 0 : path.split(SEPARATOR).length);

  /* Chinese enumeration: "甲", "甲和乙", "甲、乙和丙". */
  function enumerate(items) {
    if (items.length < 2) return items.join("");
    return `${items.slice(0, -1).join("、")}和${items[items.length - 1]}`;
  }

  function unitOf(column) {
    return column.kind === "rate" ? "%" : column.unit;
  }

  function header(column) {
    return `${column.label}（${unitOf(column)}）`;
  }

  /* A figure as the table shows it and as the CSV writes it. */
  function figure(value, kind) {
    if (value === null || value === undefined) return { text: "—", csv: "" };
    if (kind === "rate") return { text: `${value.toFixed(1)}%`, csv: value.toFixed(1) };
    const text = kind === "money" ? value.toFixed(4) : String(value);
    return { text, csv: text };
  }

  // --- the question, and the address that keeps it -----------------------------------

  function entities(question) {
    return question.by === "agency" ? question.agencies : question.regions;
  }

  function encode(value) {
    return encodeURIComponent(value).replace(/%2F/g, "/").replace(/%20/g, "+");
  }

  function address(question) {
    const parts = [
      `by=${question.by}`,
      `${question.by === "agency" ? "agencies" : "regions"}=${entities(question).map(encode).join(",")}`,
      `years=${question.years.join(",")}`,
      `measures=${question.columns.map(encode).join(",")}`,
    ];
    return `${location.pathname}?${parts.join("&")}`;
  }

  /* The address's parameters, each a list split at its literal commas (a comma inside a
     name is written %2C, so it survives). */
  function parameters() {
    const found = {};
    for (const part of location.search.replace(/^\?/, "").split("&")) {
      if (!part) continue;
      const [key, value = ""] = part.split("=");
      try {
        found[decodeURIComponent(key)] = value.split(",").filter(Boolean).map((v) => decodeURIComponent(v.replace(/\+/g, " ")));
      } catch (error) {
        // a malformed escape: the parameter is ignored
      }
    }
    return found;
  }

  /* The question in the address, each list kept to what index.json knows, in its order;
     null when the address asks nothing. */
  function fromAddress() {
    const given = parameters();
    if (!["by", "regions", "agencies", "within", "years", "measures"].some((key) => key in given)) return null;
    const pick = (known, wanted) => known.filter((value) => (wanted || []).includes(String(value)));
    /* within=<region>: every agency under it (a region page's link to another year's comparison) */
    const within = (given.within || [])[0];
    const under = (agency) => agency.region === within || agency.region.startsWith(within + SEPARATOR);
    return {
      by: (given.by || [])[0] === "agency" ? "agency" : "region",
      regions: pick(index.regions.map((r) => r.path), given.regions),
      agencies: within && !given.agencies ? index.agencies.filter(under).map((a) => a.id) : pick(index.agencies.map((a) => a.id), given.agencies),
      years: pick(index.years.map((y) => y.year), given.years).reverse(),
      columns: pick(columns.map((c) => c.key), given.measures),
    };
  }

  function defaults() {
    const latest = index.years.length ? [index.years[index.years.length - 1].year] : [];
    return { by: "region", regions: [WHOLE], agencies: [], years: latest, columns: DEFAULT_COLUMNS.filter((key) => columns.some((c) => c.key === key)) };
  }

  /* What is missing before the question can be answered, in words; "" when nothing is. */
  function incomplete(question) {
    if (!entities(question).length) return question.by === "agency" ? "请至少选择一个机关。" : "请至少选择一个地区。";
    if (!question.years.length) return "请至少选择一个年度。";
    if (!question.columns.length) return "请至少选择一个统计项目或比率。";
    return "";
  }

  // --- the form ---------------------------------------------------------------------

  /* A checkbox or radio with its label, and a note under it (named as its description). */
  function option(type, name, value, text, note) {
    const id = uid(name);
    const input = element("input", { type, name, value, id });
    const parts = [input, element("label", { for: id }, ...[text].flat())];
    if (note) {
      const noteId = `${id}-note`;
      input.setAttribute("aria-describedby", noteId);
      parts.push(element("small", { id: noteId }, note));
    }
    return element("div", { class: "query-option" }, ...parts);
  }

  function fieldset(legend, className, ...children) {
    return element("fieldset", { class: className }, element("legend", {}, legend), ...children);
  }

  /* The regions of index.json in tree order (each followed by the regions within it), as
     the registry's order lists a region after the one holding it but not always next to it. */
  function regionTree() {
    const children = new Map();
    for (const region of index.regions) {
      if (region.path === WHOLE) continue;
      const parent = region.path.includes(SEPARATOR) ? region.path.split(SEPARATOR).slice(0, -1).join(SEPARATOR) : WHOLE;
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(region);
    }
    const ordered = [];
    const visit = (path) => {
      for (const region of children.get(path) || []) {
        ordered.push(region);
        visit(region.path);
      }
    };
    const whole = index.regions.find((r) => r.path === WHOLE);
    if (whole) ordered.push(whole);
    visit(WHOLE);
    const listed = new Set(ordered.map((r) => r.path));
    return ordered.concat(index.regions.filter((r) => !listed.has(r.path)));
  }

  function regionOptions() {
    const list = element("div", { class: "query-list" });
    for (const region of regionTree()) {
      const count = `${region.agencies} 个机关`;
      const text = region.path === WHOLE ? [WHOLE] : [lastName(region.path)];
      if (region.path !== WHOLE && region.path.includes(SEPARATOR)) {
        text.push(element("span", { class: "visually-hidden" }, `（${region.path.split(SEPARATOR).slice(0, -1).join(SEPARATOR)}）`));
      }
      const item = option("checkbox", "regions", region.path, text, region.path === WHOLE ? `全站 ${count}` : count);
      item.style.setProperty("--depth", String(depth(region.path)));
      list.append(item);
    }
    return fieldset("地区", "query-regions", element("p", { class: "note" }, "每个地区的合计与地区统计页面相同（汇总报告所汇总机关的数据不重复计算）。"), list);
  }

  function agencyOptions() {
    const list = element("div", { class: "query-list" });
    const groups = new Map(regionTree().map((r) => [r.path, []]));
    for (const agency of index.agencies) {
      if (!groups.has(agency.region)) groups.set(agency.region, []);
      groups.get(agency.region).push(agency);
    }
    for (const [path, agencies] of groups) {
      if (!agencies.length) continue;
      const items = agencies.map((a) => option("checkbox", "agencies", a.id, a.name));
      list.append(fieldset(path || "其他", "query-group", element("div", { class: "query-options" }, ...items)));
    }
    return fieldset("机关", "query-agencies", list);
  }

  function columnOptions(kind) {
    const chosen = columns.filter((c) => (kind === "rate") === (c.kind === "rate"));
    const items = chosen.map((c) => option("checkbox", "measures", c.key, header(c), c.definition));
    return fieldset(kind === "rate" ? "比率" : "统计项目", "query-columns", element("div", { class: "query-options" }, ...items));
  }

  function buildForm() {
    const by = fieldset(
      "比较什么",
      "query-by",
      element("div", { class: "query-options query-inline" }, option("radio", "by", "region", "地区（合计）"), option("radio", "by", "agency", "机关")),
    );
    const yearList = [...index.years].reverse().map((y) => option("checkbox", "years", String(y.year), `${y.year}年`));
    form = element(
      "form",
      { class: "query-form", "aria-label": "数据查询条件" },
      by,
      regionOptions(),
      agencyOptions(),
      fieldset("年度", "query-years", element("div", { class: "query-options query-inline" }, ...yearList)),
      columnOptions("measure"),
      columnOptions("rate"),
      element("div", { class: "query-buttons" }, element("button", { type: "submit" }, "查询")),
    );
    form.addEventListener("change", (event) => {
      if (event.target.name === "by") showEntities();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ask(read(), true);
    });
    return form;
  }

  function showEntities() {
    const by = form.elements.by.value;
    form.querySelector(".query-regions").hidden = by !== "region";
    form.querySelector(".query-agencies").hidden = by !== "agency";
  }

  function checked(name) {
    return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`), (input) => input.value);
  }

  /* The question the form asks, in index.json's order. */
  function read() {
    const years = checked("years").map(Number);
    return {
      by: form.elements.by.value === "agency" ? "agency" : "region",
      regions: index.regions.map((r) => r.path).filter((path) => checked("regions").includes(path)),
      agencies: index.agencies.map((a) => a.id).filter((id) => checked("agencies").includes(id)),
      years: index.years.map((y) => y.year).filter((year) => years.includes(year)).reverse(),
      columns: columns.map((c) => c.key).filter((key) => checked("measures").includes(key)),
    };
  }

  function fill(question) {
    const lists = { regions: question.regions, agencies: question.agencies, years: question.years.map(String), measures: question.columns };
    for (const [name, values] of Object.entries(lists)) {
      form.querySelectorAll(`input[name="${name}"]`).forEach((input) => {
        input.checked = values.includes(input.value);
      });
    }
    form.querySelectorAll('input[name="by"]').forEach((input) => {
      input.checked = input.value === question.by;
    });
    showEntities();
  }

  /* Focus the first choice of the part of the form that is missing something. */
  function focusMissing(question) {
    const name = !entities(question).length ? (question.by === "agency" ? "agencies" : "regions") : !question.years.length ? "years" : "measures";
    form.querySelector(`input[name="${name}"]`)?.focus();
  }

  // --- the data ---------------------------------------------------------------------

  async function json(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  function yearFile(year) {
    if (!years.has(year)) {
      const entry = index.years.find((y) => y.year === year);
      const promise = json(entry.url);
      promise.catch(() => years.delete(year)); // a failed file is fetched again next time
      years.set(year, promise);
    }
    return years.get(year);
  }

  // --- the answer -------------------------------------------------------------------

  function yearsInWords(list) {
    const sorted = [...list].sort((a, b) => a - b);
    const consecutive = sorted.length > 2 && sorted[sorted.length - 1] - sorted[0] === sorted.length - 1;
    return consecutive ? `${sorted[0]}—${sorted[sorted.length - 1]} 年` : `${sorted.join("、")} 年`;
  }

  function caption(question, picked) {
    const agencies = new Map(index.agencies.map((a) => [a.id, a.name]));
    const names = question.by === "agency" ? question.agencies.map((id) => agencies.get(id)) : question.regions.map((path) => (path === WHOLE ? "全站" : lastName(path)));
    const noun = question.by === "agency" ? "个机关" : "个地区";
    const who = names.length > NAMES_IN_CAPTION ? `${names.slice(0, NAMES_IN_CAPTION).join("、")}等 ${names.length} ${noun}` : names.join("、");
    const labels = picked.map((c) => c.label);
    const what = labels.length > COLUMNS_IN_CAPTION ? `${labels.slice(0, COLUMNS_IN_CAPTION - 1).join("、")}等 ${labels.length} 项` : enumerate(labels);
    return `${who} ${yearsInWords(question.years)}的${what}${question.by === "region" ? "（地区合计）" : ""}`;
  }

  /* A row's figures, in the order of the columns picked: null (or no row at all) shows "—". */
  function figures(found, picked) {
    return picked.map((c) => figure(found ? (c.kind === "rate" ? found.r : found.m)[c.at] : null, c.kind));
  }

  /* The table's headers and rows, from the years' files: nothing is computed here. Rows go
     by region or agency in index.json's order, then by year, oldest first. */
  function model(question, files) {
    const picked = question.columns.map((key) => columns.find((c) => c.key === key));
    const ascending = [...question.years].sort((a, b) => a - b);
    const headers = [question.by === "agency" ? "机关" : "地区", "年度"];
    if (question.by === "region") headers.push("报告（份）", "其中有统计表（份）");
    headers.push(...picked.map(header));
    const agencies = new Map(index.agencies.map((a) => [a.id, a]));
    const reports = new Map(ascending.map((year) => [year, new Map(files.get(year).reports.map((r) => [r.agency, r]))]));
    const rows = [];
    const missing = [];
    for (const key of entities(question)) {
      for (const year of ascending) {
        const head = { text: String(year), csv: String(year) };
        if (question.by === "region") {
          const found = files.get(year).regions[key];
          const counts = ["reports", "comparable"].map((k) => figure(found ? found[k] : null, "count"));
          rows.push({ name: { text: key, csv: key }, cells: [head, ...counts, ...figures(found, picked)] });
        } else {
          const agency = agencies.get(key);
          const report = reports.get(year).get(key);
          if (!report) missing.push(`${agency.name} ${year} 年`);
          const href = report ? index.report_url.replace("{agency}", encodeURIComponent(key)).replace("{year}", year) : null;
          rows.push({ name: { text: agency.name, csv: agency.name, href }, cells: [head, ...figures(report, picked)] });
        }
      }
    }
    return { caption: caption(question, picked), headers, rows, picked, missing, by: question.by };
  }

  function render(table) {
    const captionId = uid("caption");
    const head = element("tr", {}, ...table.headers.map((text, i) => element("th", { scope: "col", ...(i === 0 ? { class: "label-head" } : {}) }, text)));
    const body = table.rows.map((row) => {
      const name = row.name.href ? element("a", { href: row.name.href }, row.name.text) : row.name.text;
      const [year, ...figures] = row.cells;
      return element(
        "tr",
        {},
        element("th", { scope: "row", class: "label" }, name),
        element("th", { scope: "row", class: "query-year" }, year.text),
        ...figures.map((cell) => element("td", { class: "num" }, cell.text)),
      );
    });
    const box = element(
      "div",
      { class: "table-scroll", role: "region", "aria-labelledby": captionId, tabindex: "0" },
      element("table", { class: "summary query-table" }, element("caption", { id: captionId }, table.caption), element("thead", {}, head), element("tbody", {}, ...body)),
    );
    const definitions = element("dl", { class: "definitions" });
    if (table.by === "region") {
      definitions.append(
        element("dt", {}, "报告（份）"),
        element("dd", {}, "该地区该年度已发布的年度报告数，包括已由汇总报告计入的机关的报告（合计中这些机关的数据只通过汇总报告计算一次）。"),
        element("dt", {}, "其中有统计表（份）"),
        element("dd", {}, "其中按全国统一格式填报统计表的报告数；自由格式的报告没有可比数据。"),
      );
    }
    for (const column of table.picked) definitions.append(element("dt", {}, header(column)), element("dd", {}, column.definition));
    const parts = [box];
    if (table.missing.length) parts.push(element("p", {}, `没有年度报告：${table.missing.join("；")}。`));
    parts.push(
      element("h2", {}, "各列的含义"),
      definitions,
      element("p", { class: "note" }, "“—”表示没有可比数据（如自由格式的报告，或该年度的格式没有这一项），比率为“—”表示其分母为 0。数字取自本站收录的年度报告，与地区统计页面和数据下载由同一套计算得出。"),
    );
    parts.push(element("p", { class: "print-footer" }, "本页地址：", element("span", { "data-query-url": "" }), "　打印日期：", element("time", { "data-query-date": "" })));
    output.replaceChildren(...parts);
    stamp();
    output.hidden = actions.hidden = false;
    shown = table;
  }

  /* An address with its Chinese as Chinese: on paper it is read, and typed again. */
  function readable(url) {
    try {
      return decodeURI(url);
    } catch (error) {
      return url;
    }
  }

  /* The print footer: the address that asks this question again, and today's date. */
  function stamp() {
    const address = output.querySelector("[data-query-url]");
    const date = output.querySelector("[data-query-date]");
    if (!address || !date) return;
    const today = new Date();
    address.textContent = readable(location.href.split("#")[0]);
    date.textContent = [today.getFullYear(), today.getMonth() + 1, today.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
    date.setAttribute("datetime", date.textContent);
  }

  async function ask(question, fromForm) {
    const mine = ++asked;
    const missing = incomplete(question);
    if (missing) {
      status.textContent = missing;
      if (fromForm) focusMissing(question);
      return;
    }
    history.replaceState(null, "", address(question));
    const yearsText = yearsInWords(question.years);
    status.textContent = `正在载入 ${yearsText}的数据…`;
    const settled = await Promise.allSettled(question.years.map(yearFile));
    if (mine !== asked) return;
    const failed = question.years.filter((_, i) => settled[i].status === "rejected");
    if (failed.length) {
      const reason = settled.find((s) => s.status === "rejected").reason;
      output.replaceChildren();
      output.hidden = actions.hidden = true;
      shown = null;
      status.textContent = `无法载入 ${yearsInWords(failed)}的数据（${reason.message || reason}），请检查网络后再点击“查询”。`;
      return;
    }
    const files = new Map(question.years.map((year, i) => [year, settled[i].value]));
    const table = model(question, files);
    render(table);
    status.textContent = `已载入 ${yearsText}的数据：表格共 ${table.rows.length} 行、${table.picked.length} 项数据。`;
  }

  // --- CSV and print ------------------------------------------------------------------

  function csvField(text) {
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function csv(table) {
    const lines = [table.headers, ...table.rows.map((row) => [row.name, ...row.cells].map((cell) => cell.csv))];
    return `\uFEFF${lines.map((fields) => fields.map(csvField).join(",")).join("\r\n")}\r\n`;
  }

  function download() {
    if (!shown) return;
    const url = URL.createObjectURL(new Blob([csv(shown)], { type: "text/csv;charset=utf-8" }));
    const link = element("a", { href: url, download: CSV_NAME, hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // --- start ------------------------------------------------------------------------

  function columnsOf(data) {
    const kind = (unit) => (unit === "万元" ? "money" : "count");
    return [...data.measures.map((m, at) => ({ ...m, kind: kind(m.unit), at })), ...data.rates.map((r, at) => ({ ...r, unit: "%", kind: "rate", at }))];
  }

  async function start() {
    status = element("p", { class: "query-status", role: "status", "aria-live": "polite" });
    root.append(status);
    status.textContent = "正在载入数据查询…";
    try {
      index = await json(root.dataset.index);
    } catch (error) {
      status.replaceChildren(
        `无法载入数据查询（${error.message}）。同样的数据可以在`,
        element("a", { href: root.dataset.regions }, "地区统计"),
        "页面查看，或在",
        element("a", { href: root.dataset.downloads }, "数据下载"),
        "页面下载。",
      );
      return;
    }
    columns = columnsOf(index);
    actions = element(
      "div",
      { class: "query-actions", hidden: "" },
      element("button", { type: "button", "data-query-csv": "" }, "下载 CSV"),
      element("button", { type: "button", "data-query-print": "" }, "打印"),
    );
    actions.querySelector("[data-query-csv]").addEventListener("click", download);
    actions.querySelector("[data-query-print]").addEventListener("click", () => window.print());
    output = element("div", { class: "query-output", hidden: "" });
    const result = element("section", { class: "query-result", "aria-label": "查询结果" }, actions, output);
    root.insertBefore(buildForm(), status);
    root.append(result);
    window.addEventListener("beforeprint", stamp);
    const question = fromAddress();
    fill(question || defaults());
    if (question) ask(question, false);
    else status.textContent = "请选择要比较的地区或机关、年度和项目，然后点击“查询”。";
  }

  start();
})();
