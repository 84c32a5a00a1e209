// Citation box: a style switch (Chicago / MLA / APA) and a copy button for the visible citation.
// Without JavaScript the page shows the Chicago citation and the controls stay hidden.
(function () {
  "use strict";
  document.querySelectorAll("section.cite").forEach(function (box) {
    var controls = box.querySelector(".cite-controls");
    var buttons = box.querySelectorAll(".cite-style");
    var citations = box.querySelectorAll(".citation");
    var status = box.querySelector(".cite-status");
    if (!controls) return;
    controls.hidden = false;

    function visible() {
      for (var i = 0; i < citations.length; i++) if (!citations[i].hidden) return citations[i];
      return citations[0];
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var style = button.getAttribute("data-style");
        buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        citations.forEach(function (c) { c.hidden = c.getAttribute("data-style") !== style; });
        status.textContent = "";
      });
    });

    function fallbackCopy(text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok;
    }

    box.querySelector(".cite-copy").addEventListener("click", function () {
      var text = visible().textContent.replace(/\s+/g, " ").trim();
      // The words come translated from the page (partials/citation.html).
      var copied = status.getAttribute("data-copied"), notCopied = status.getAttribute("data-not-copied");
      var done = function () { status.textContent = copied; };
      var failed = function () {
        status.textContent = fallbackCopy(text) ? copied : notCopied;
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  });
})();
