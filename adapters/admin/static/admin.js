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
// Charts (Chart.js, served from /admin/static/vendor): the numbers come from a JSON block the page carries, and the
// tables below each chart hold the same numbers, so a page without scripts loses nothing.
(() => {
  const data = document.getElementById("chart-data");
  if (!data) return;
  const chart = JSON.parse(data.textContent);
  if (!window.Chart) {
    document.querySelectorAll(".chart-fallback").forEach((p) => { p.hidden = false; });
    return;
  }
  const colours = ["#1f5fbf", "#2f8f4e", "#d08a00", "#8a4fbf", "#c8322b", "#138a8a", "#6b7280", "#b3559a"];
  const daily = document.getElementById("chart-daily");
  if (daily) {
    new window.Chart(daily, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map((set, n) => ({ ...set, backgroundColor: colours[n % colours.length] })),
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    daily.dataset.drawn = "yes";
  }
  const share = document.getElementById("chart-share");
  if (share && chart.share) {
    new window.Chart(share, {
      type: "doughnut",
      data: {
        labels: chart.share.labels,
        datasets: [{ data: chart.share.data, backgroundColor: chart.share.data.map((_, n) => colours[n % colours.length]) }],
      },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } },
    });
    share.dataset.drawn = "yes";
  }
})();
