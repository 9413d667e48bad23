// The top bar's search box (templates/dashboard/base.html): `/` focuses it from anywhere but a field;
// htmx fetches the suggestions as you type; the arrows move through them, Enter opens the chosen one, or,
// with none chosen, submits the form to the full results page; Escape closes the list.
(function () {
  "use strict";

  function box() { return document.getElementById("top-search-q"); }
  function results() { return document.getElementById("top-search-results"); }
  function options() { var r = results(); return r ? Array.prototype.slice.call(r.querySelectorAll(".cd-search-option")) : []; }
  function active() { var r = results(); return r ? r.querySelector(".cd-search-option.active") : null; }

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function setActive(option) {
    var input = box();
    options().forEach(function (o) { o.classList.remove("active"); o.setAttribute("aria-selected", "false"); });
    if (option) {
      option.classList.add("active");
      option.setAttribute("aria-selected", "true");
      option.scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", option.id);
    } else if (input) {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    var r = results(), input = box();
    if (r) r.innerHTML = "";
    if (input) { input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
  }

  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (event.target !== input) return;
    var list = options(), current = active(), index = current ? list.indexOf(current) : -1;
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      setActive(list[(index + 1) % list.length]);
    } else if (event.key === "ArrowUp" && list.length) {
      event.preventDefault();
      setActive(list[index <= 0 ? list.length - 1 : index - 1]);
    } else if (event.key === "Enter" && current) {
      event.preventDefault();
      window.location.assign(current.href);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var r = results(), input = box();
    if (!r || event.detail.target !== r || !input) return;
    input.setAttribute("aria-expanded", r.querySelector(".cd-search-menu") ? "true" : "false");
    setActive(null);
  });

  // A click elsewhere closes the list; a click inside follows the link as usual.
  document.addEventListener("click", function (event) {
    var form = document.getElementById("top-search");
    if (form && !form.contains(event.target)) close();
  });
})();
