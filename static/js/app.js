/* CreatorDesk: small progressive enhancements. Everything works without this file except charts. */
(function () {
  "use strict";

  var PALETTE = ["#066fd1", "#7c3aed", "#0ca678", "#f59f00", "#d63939", "#17a2b8", "#ae3ec9", "#f76707"];

  function parseList(raw) {
    if (!raw) return [];
    raw = raw.trim();
    if (raw.charAt(0) === "[") {
      try { return JSON.parse(raw); } catch (e) { return []; }
    }
    return raw.split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s !== ""; });
  }

  function formatNumber(n) {
    return new Intl.NumberFormat(undefined, {notation: n >= 10000 ? "compact" : "standard"}).format(n);
  }

  /* Initialise one <canvas data-chart="bar|line|doughnut" data-labels="US,IN" data-values="137,60">.
     Optional: data-label (dataset name), data-index-axis="y" (horizontal bars), data-colors="#hex,#hex",
     data-color="#hex" (bars and lines). Lines start their axis at the data, not at zero, so growth shows. */
  function initChart(canvas) {
    if (typeof window.Chart === "undefined" || window.Chart.getChart(canvas)) return;
    var type = canvas.dataset.chart;
    var labels = parseList(canvas.dataset.labels);
    var values = parseList(canvas.dataset.values).map(Number);
    var colors = parseList(canvas.dataset.colors);
    if (!colors.length) colors = PALETTE;
    var horizontal = canvas.dataset.indexAxis === "y";
    var isRound = type === "doughnut" || type === "pie";
    var isLine = type === "line";

    var dataset = {
      label: canvas.dataset.label || "",
      data: values,
      backgroundColor: isRound ? colors.slice(0, values.length) : (canvas.dataset.color || colors[0]),
      borderWidth: isRound ? 2 : 0,
      borderColor: isRound ? "#fff" : undefined,
      borderRadius: isRound ? 0 : 4,
      maxBarThickness: 28,
      hoverOffset: isRound ? 4 : 0
    };
    if (isLine) {
      var lineColor = canvas.dataset.color || colors[0];
      dataset.borderColor = lineColor;
      dataset.borderWidth = 2;
      dataset.backgroundColor = lineColor + "1a";  /* the same colour at 10 % under the line */
      dataset.fill = true;
      dataset.tension = 0.3;
      dataset.pointRadius = values.length > 30 ? 0 : 2;
      dataset.pointHoverRadius = 4;
    }

    var gridColor = "rgba(4, 32, 69, 0.06)";
    var tickColor = "#6b7280";
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: {duration: 400},
      plugins: {
        legend: {
          display: isRound,
          position: "bottom",
          labels: {usePointStyle: true, pointStyle: "circle", boxWidth: 8, padding: 14, color: tickColor}
        },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var v = isRound ? ctx.parsed : (horizontal ? ctx.parsed.x : ctx.parsed.y);
              return " " + (ctx.dataset.label ? ctx.dataset.label + ": " : "") + new Intl.NumberFormat().format(v);
            }
          }
        }
      }
    };
    if (isRound) {
      options.cutout = "68%";
    } else {
      options.indexAxis = horizontal ? "y" : "x";
      if (isLine) options.interaction = {mode: "index", intersect: false};
      var valueAxis = {
        beginAtZero: !isLine,
        grid: {color: gridColor},
        border: {display: false},
        ticks: {color: tickColor, precision: 0, callback: function (v) { return formatNumber(v); }}
      };
      var categoryAxis = {grid: {display: false}, border: {display: false}, ticks: {color: tickColor}};
      options.scales = horizontal ? {x: valueAxis, y: categoryAxis} : {x: categoryAxis, y: valueAxis};
    }
    new window.Chart(canvas, {type: type, data: {labels: labels, datasets: [dataset]}, options: options});
  }

  function initCharts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("canvas[data-chart]")) initChart(scope);
    scope.querySelectorAll("canvas[data-chart]").forEach(initChart);
  }
  window.CreatorDesk = {initCharts: initCharts};

  function destroyCharts(root) {
    if (typeof window.Chart === "undefined" || !root || !root.querySelectorAll) return;
    var canvases = Array.prototype.slice.call(root.querySelectorAll("canvas[data-chart]"));
    if (root.matches && root.matches("canvas[data-chart]")) canvases.push(root);
    canvases.forEach(function (c) {
      var chart = window.Chart.getChart(c);
      if (chart) chart.destroy();
    });
  }

  /* Toasts: success/info messages fade out; errors and "sticky" ones stay until closed. */
  function dismiss(el) {
    el.classList.add("cd-toast-hide");
    setTimeout(function () { el.remove(); }, 250);
  }
  function scheduleToasts(root) {
    (root || document).querySelectorAll(".cd-toast:not(.cd-toast-sticky):not([data-timer])").forEach(function (el) {
      el.setAttribute("data-timer", "1");
      var timer = setTimeout(function () { dismiss(el); }, 6000);
      el.addEventListener("mouseenter", function () { clearTimeout(timer); }, {once: true});
    });
  }
  function toast(text, level) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "alert alert-" + (level || "danger") + " alert-dismissible cd-toast shadow-sm cd-toast-sticky";
    el.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "cd-toast-text";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { dismiss(el); });
    el.appendChild(body);
    el.appendChild(close);
    box.appendChild(el);
  }

  /* <form data-confirm="Remove this member?"> asks before a plain (non-htmx) submit. */
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  /* <select data-autosubmit> submits its form on change. */
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });

  /* Behaviour that used to live in inline on*= and hx-on attributes, which the Content-Security-Policy
     forbids: each is a data- attribute handled here by one delegated listener. */

  /* <input readonly data-select-on-click> selects its whole value when clicked (links, tokens, secrets). */
  document.addEventListener("click", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("input[data-select-on-click]")) el.select();
  });

  /* <button data-copy-previous> copies the value of the input just before it and says so. */
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-copy-previous]");
    if (!button || !button.previousElementSibling || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.previousElementSibling.value).catch(function () {});
    button.textContent = "Copied";
  });

  /* <input data-mirror-upper="id"> writes its value, upper-cased, into the field with that id
     (the colour picker beside a hex field). */
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el || !el.dataset || !el.dataset.mirrorUpper) return;
    var target = document.getElementById(el.dataset.mirrorUpper);
    if (target) target.value = el.value.toUpperCase();
  });

  /* Inside [data-keep-on-error] an htmx error answer (4xx/5xx) leaves the content as it was: a panel
     whose lazy load fails keeps its plain-link fallback. */
  document.addEventListener("htmx:beforeSwap", function (e) {
    var box = e.target.closest && e.target.closest("[data-keep-on-error]");
    if (box && e.detail.xhr.status >= 400) e.detail.shouldSwap = false;
  });

  /* <form data-upload-progress> with a <progress> inside shows how much of an htmx upload was sent.
     Capture phase: the bar is up to date before any listener the event bubbles to reads it. */
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = e.target.closest && e.target.closest("[data-upload-progress]");
    var bar = form && form.querySelector("progress");
    if (bar && e.detail.total) bar.value = e.detail.loaded / e.detail.total * 100;
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    scheduleToasts(document);
  });
  document.addEventListener("htmx:afterSettle", function (e) { initCharts(e.target); });
  document.addEventListener("htmx:beforeCleanupElement", function (e) { destroyCharts(e.target); });
  document.addEventListener("htmx:responseError", function () {
    toast("Something went wrong on our side. Please try again in a moment.", "danger");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("Could not reach CreatorDesk. Check your connection and try again.", "warning");
  });
})();
