/* xxgk: small enhancements for pages that are complete without them.
   - Each table box narrower than its table gets its hint ("左右滑动查看全表") shown,
     and named as the box's description; the hint follows the window and font size.
   - The print button (hidden in the page) is shown, and prints.
   - The print footer gets the page's full address and the date it is printed
     (without this script it shows the page's path).
   - The headers of a table marked data-sortable become buttons that sort its rows: figures
     by their data-sort number (largest first, then smallest; cells without one last), the
     first column by name; the header says how (aria-sort). Without this script the table
     stays in the order the page gives. */
(() => {
  "use strict";

  const isoDate = (d) => [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, "0")).join("-");

  function updateHint(box) {
    const hint = document.getElementById(box.dataset.scrollHint || "");
    if (!hint) return;
    const overflows = box.scrollWidth > box.clientWidth + 1;
    hint.hidden = !overflows;
    if (overflows) box.setAttribute("aria-describedby", hint.id);
    else box.removeAttribute("aria-describedby");
  }

  function fillPrintFooter() {
    const address = document.querySelector("[data-print-url]");
    if (address) address.textContent = location.href.split("#")[0];
    const date = document.querySelector("[data-print-date]");
    if (date) {
      date.textContent = isoDate(new Date());
      date.setAttribute("datetime", date.textContent);
      date.closest("[hidden]")?.removeAttribute("hidden");
    }
  }

  const boxes = document.querySelectorAll(".table-scroll[data-scroll-hint]");
  boxes.forEach(updateHint);
  if ("ResizeObserver" in window) {
    const observer = new ResizeObserver((entries) => entries.forEach((entry) => updateHint(entry.target)));
    boxes.forEach((box) => observer.observe(box));
  }

  function sortBy(table, column, header) {
    const descending = header.getAttribute("aria-sort") !== "descending";
    const body = table.tBodies[0];
    const key = (row) => row.cells[column].dataset.sort;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      if (column === 0) return (descending ? -1 : 1) * a.cells[0].textContent.localeCompare(b.cells[0].textContent, "zh-CN");
      const x = key(a), y = key(b);
      if (x === "" || y === "") return (x === "") - (y === "");
      return (descending ? -1 : 1) * (Number(x) - Number(y));
    });
    rows.forEach((row) => body.appendChild(row));
    table.querySelectorAll("thead th").forEach((th) => th.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  document.querySelectorAll("table[data-sortable]").forEach((table) => {
    table.querySelectorAll("thead th").forEach((header, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.append(...header.childNodes);
      header.append(button);
      button.addEventListener("click", () => sortBy(table, column, header));
    });
  });

  document.querySelectorAll("button[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
  fillPrintFooter();
  window.addEventListener("beforeprint", fillPrintFooter);
})();
