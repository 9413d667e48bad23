/* Creator import pages (creators/import_create.html, creators/import_mapping.html). */
(function () {
  "use strict";

  // Upload: a big file takes a while to send; say so, and keep the button from being pressed twice.
  var upload = document.getElementById("upload-form");
  if (upload) {
    upload.addEventListener("submit", function (event) {
      if (!event.target.querySelector("input[type=file]").value) return;
      var button = document.getElementById("upload-button");
      button.disabled = true;
      button.querySelector(".spinner-border").classList.remove("d-none");
      button.querySelector(".label").textContent = "Uploading…";
    });
  }

  // Mapping: show example values of the column a select now points at (data from json_script).
  var data = document.getElementById("column-examples");
  if (data) {
    var examples = JSON.parse(data.textContent);
    document.querySelectorAll("#mapping-form select[data-examples-target]").forEach(function (select) {
      select.addEventListener("change", function () {
        var cell = document.getElementById(select.dataset.examplesTarget);
        var values = examples[select.value] || [];
        cell.textContent = values.length ? values.join(" · ") : (select.value ? "(empty in the first rows)" : "");
      });
    });
  }
})();
