// A record's texts (original, translations): tabs to switch between them, and a side-by-side
// view on wide screens. Without JavaScript every text is shown, one after another.
// Tabs follow the WAI-ARIA tabs pattern: arrow keys, Home and End move between them.
(function () {
  "use strict";
  document.querySelectorAll("section.texts-many").forEach(function (box) {
    var controls = box.querySelector(".text-controls");
    var list = box.querySelector(".text-tabs");
    var tabs = Array.prototype.slice.call(box.querySelectorAll(".text-tabs button[data-text]"));
    var panels = Array.prototype.slice.call(box.querySelectorAll(".text-panels > .text"));
    var pair = box.querySelector(".text-side-by-side");
    if (!controls || !tabs.length) return;
    controls.hidden = false;
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-labelledby", "texts-heading");  // the heading, in the page's language
    tabs.forEach(function (tab) {
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", tab.getAttribute("data-text"));
    });
    panels.forEach(function (p) { p.setAttribute("role", "tabpanel"); p.setAttribute("aria-labelledby", p.id + "-tab"); });

    function show(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) tab.focus();
      });
      panels.forEach(function (p, i) { p.hidden = !sideBySide() && i !== index; });
    }
    function current() {
      for (var i = 0; i < tabs.length; i++) if (tabs[i].getAttribute("aria-selected") === "true") return i;
      return 0;
    }
    function sideBySide() { return pair.getAttribute("aria-pressed") === "true"; }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(i, false); });
      tab.addEventListener("keydown", function (e) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
        if (next === undefined) return;
        e.preventDefault();
        show((next + tabs.length) % tabs.length, true);
      });
    });
    pair.addEventListener("click", function () {
      var on = !sideBySide();
      pair.setAttribute("aria-pressed", on ? "true" : "false");
      box.classList.toggle("texts-paired", on);
      show(current(), false);
    });

    // A link to a text (#text-ru) or into one (#ru-note-4) shows that text.
    function follow() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (!target) return;
      for (var i = 0; i < panels.length; i++) {
        if (panels[i].contains(target)) {
          show(i, false);
          target.scrollIntoView();
          return;
        }
      }
    }
    window.addEventListener("hashchange", follow);
    show(0, false);
    follow();
  });
})();
