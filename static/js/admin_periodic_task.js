/* Admin, periodic task form (templates/admin/djcelery/change_periodictask_form.html): under the
   crontab field, say in words when the chosen schedule runs. django-celery-beat ships this inline. */
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  if (!$ || !script || !data) return;
  var readableCrontabs = JSON.parse(data.textContent);
  var originalHelp = script.dataset.crontabHelp || "";

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help");
    help.text(originalHelp);
    help.append($("<br>"), document.createTextNode("Translation: " + (readableCrontabs[$("#id_crontab").val()] || "")));
  });
})();
