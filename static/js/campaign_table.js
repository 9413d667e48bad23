/* The campaign's outreach table (outreach/_campaign_table.html, swapped in by htmx): select-all and
   the bulk buttons' state. One delegated listener serves every swap of the panel. */
(function () {
  "use strict";

  function refresh() {
    var form = document.getElementById("campaign-bulk");
    if (!form) return;
    var n = form.querySelectorAll('input[name="collaboration"]:checked').length;
    var label = document.getElementById("table-selected-count");
    if (label) label.textContent = n + " selected";
    form.querySelectorAll("[data-needs-selection]").forEach(function (b) { b.disabled = n === 0; });
  }

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el || !el.closest || !el.closest("#campaign-bulk")) return;
    if (el.id === "table-select-all") {
      el.closest("#campaign-bulk").querySelectorAll('input[name="collaboration"]').forEach(function (box) { box.checked = el.checked; });
    }
    refresh();
  });
  document.addEventListener("htmx:afterSettle", refresh);
})();
