/* Report pages: multi-series charts (vendored Chart.js) and tables sortable on any column. */
(function () {
  "use strict";

  function compact(v) {
    return new Intl.NumberFormat(undefined, {notation: Math.abs(v) >= 10000 ? "compact" : "standard", maximumFractionDigits: 2}).format(v);
  }

  function drawChart(canvas) {
    if (typeof window.Chart === "undefined" || window.Chart.getChart(canvas)) return;
    var source = document.getElementById(canvas.dataset.series);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var hasRight = spec.datasets.some(function (d) { return d.axis === "y1"; });
    var isLineOnly = spec.datasets.every(function (d) { return d.kind === "line"; });
    var datasets = spec.datasets.map(function (d) {
      var line = d.kind === "line";
      return {
        type: line ? "line" : "bar",
        label: d.label,
        data: d.data,
        yAxisID: d.axis,
        borderColor: d.color,
        backgroundColor: line ? d.color + "1a" : d.color,
        borderWidth: line ? 2 : 0,
        borderRadius: line ? 0 : 4,
        maxBarThickness: 26,
        fill: line && spec.datasets.length === 1,
        tension: 0.3,
        spanGaps: true,
        pointRadius: line ? (d.data.length > 31 ? 0 : 3) : 0,
        pointHoverRadius: 5,
        order: line ? 0 : 1
      };
    });
    var grid = "rgba(4, 32, 69, 0.06)", tick = "#6b7280";
    var scales = {
      x: {grid: {display: false}, border: {display: false}, ticks: {color: tick, maxRotation: 0, autoSkip: true, maxTicksLimit: 10}},
      y: {beginAtZero: true, grid: {color: grid}, border: {display: false}, ticks: {color: tick, callback: compact}}
    };
    if (hasRight) {
      scales.y1 = {position: "right", beginAtZero: true, grid: {display: false}, border: {display: false}, ticks: {color: tick, callback: compact}};
    }
    new window.Chart(canvas, {
      data: {labels: spec.labels, datasets: datasets},
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: {duration: 300},
        interaction: {mode: "index", intersect: false},
        scales: scales,
        plugins: {
          legend: {position: "bottom", align: "start", labels: {usePointStyle: true, pointStyle: "circle", boxWidth: 8, padding: 16, color: tick}},
          tooltip: {callbacks: {label: function (ctx) { return " " + ctx.dataset.label + ": " + (ctx.parsed.y === null ? "—" : new Intl.NumberFormat().format(ctx.parsed.y)); }}}
        }
      }
    });
    canvas.dataset.drawn = isLineOnly ? "line" : "mixed";
  }

  function sortTable(table, index, button) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = button.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    table.querySelectorAll("button[data-sort]").forEach(function (b) { b.removeAttribute("aria-sort"); });
    button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    button.closest("th").setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.sortValue, y = b.cells[index].dataset.sortValue;
      if (x === "" && y === "") return 0;
      if (x === "") return 1;  /* unknown figures sort last either way */
      if (y === "") return -1;
      var nx = Number(x), ny = Number(y), result;
      if (!isNaN(nx) && !isNaN(ny)) result = nx - ny; else result = x.localeCompare(y);
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("table[data-sortable] button[data-sort]");
    if (!button) return;
    var th = button.closest("th");
    sortTable(button.closest("table"), Array.prototype.indexOf.call(th.parentNode.children, th), button);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-series]").forEach(drawChart);
  });
  window.addEventListener("beforeprint", function () {
    if (typeof window.Chart === "undefined") return;
    Object.values(window.Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
  /* The report period: the from/to inputs show only for "Custom"; a preset applies as soon as it is chosen. */
  function syncRange(select) {
    var custom = select.form && select.form.querySelector("[data-custom-range]");
    if (custom) custom.hidden = select.value !== "custom";
  }
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.matches || !select.matches("select[data-range-select]")) return;
    syncRange(select);
    if (select.value !== "custom" && select.form) select.form.requestSubmit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-range-select]").forEach(syncRange);
  });
})();
