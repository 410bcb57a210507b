// govbot admin console: sortable tables and the copy button. Everything works without this file.
"use strict";
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("th[data-type]").forEach((th, index) => {
    th.tabIndex = 0;
    const sort = () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows).filter((row) => row.cells.length > index);
      const key = (row) => {
        const cell = row.cells[index];
        return th.dataset.type === "number" ? Number(cell.dataset.value || 0) : cell.textContent.trim();
      };
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "ko");
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (event) => { if (event.key === "Enter") sort(); });
  });
});
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", () => {
    const text = document.getElementById(button.dataset.copy).textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text);
  });
});
