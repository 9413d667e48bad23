/* Selection on the discovery page (creators/creator_list.html): "select this page", the selected
   count, and the bulk buttons. Delegated to the document so it keeps working after htmx swaps the results. */
(function () {
  "use strict";

  function rows() { return Array.prototype.slice.call(document.querySelectorAll('input[name="creator"][form="bulk"]')); }
  function refresh() {
    var picked = rows().filter(function (box) { return box.checked; }).length;
    var all = document.getElementById("select-all-matching");
    var selectingAll = all && all.checked;
    var label = document.getElementById("selected-count");
    if (label) label.textContent = selectingAll ? label.dataset.allLabel : picked + " selected";
    document.querySelectorAll("[data-needs-selection]").forEach(function (el) { el.disabled = !(picked || selectingAll); });
    var page = document.getElementById("select-page");
    if (page) { page.checked = picked > 0 && picked === rows().length; page.indeterminate = picked > 0 && picked < rows().length; }
  }
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.id === "select-page") { rows().forEach(function (box) { box.checked = el.checked; }); }
    if (el.id === "select-page" || el.id === "select-all-matching" || (el.name === "creator" && el.getAttribute("form") === "bulk")) refresh();
  });
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("#export-selection");
    var all = document.getElementById("select-all-matching");
    if (!link || (all && all.checked)) return;
    var ids = rows().filter(function (box) { return box.checked; }).map(function (box) { return "creator=" + encodeURIComponent(box.value); });
    if (ids.length) { e.preventDefault(); window.location.href = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + ids.join("&"); }
  });
  document.addEventListener("htmx:afterSettle", refresh);
  // Loaded at the end of <body>: the page is parsed, so refresh now (DOMContentLoaded may not have fired yet, or has).
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh); else refresh();
})();
