/* Copy buttons: <button data-copy="ID"> copies the value (or the text) of the element with that id,
   then says "Copied" on the button for a few seconds and, when it names one with
   data-copy-status="ID", in that live region too, so a screen reader hears it.
   navigator.clipboard needs a secure context (HTTPS or localhost); a self-hosted install on plain
   HTTP has none, so the fallback selects the text and uses execCommand("copy"); if both fail, the
   text stays selected and the button says how to copy it by hand. No inline script: the
   Content-Security-Policy forbids it, hence one delegated listener here. */
(function () {
  "use strict";

  var RESET_MS = 4000;

  function selectAndCopy(source) {
    try {
      source.focus();
      if (source.select) source.select();
      return document.execCommand("copy");
    } catch (err) {
      return false;
    }
  }

  function show(button, ok) {
    var label = button.querySelector("[data-copy-label]") || button;
    if (button.dataset.copyIdle === undefined) button.dataset.copyIdle = label.textContent;
    label.textContent = ok ? "Copied" : "Press and hold to copy";
    button.dataset.copied = ok ? "true" : "false";
    var status = button.dataset.copyStatus && document.getElementById(button.dataset.copyStatus);
    if (status) status.textContent = ok ? (button.dataset.copyWhat || "Text") + " copied." : "Press and hold the text to copy it.";
    window.clearTimeout(button._copyTimer);
    button._copyTimer = window.setTimeout(function () {
      label.textContent = button.dataset.copyIdle;
      delete button.dataset.copied;
    }, RESET_MS);
  }

  /* app.js selects a readonly <input data-select-on-click>; the same for a <textarea> (a long link that wraps). */
  document.addEventListener("click", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("textarea[data-select-on-click]")) el.select();
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var text = "value" in source ? source.value : source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { show(button, true); },
        function () { show(button, selectAndCopy(source)); }
      );
    } else {
      show(button, selectAndCopy(source));
    }
  });
})();
