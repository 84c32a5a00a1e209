// The scan viewer (issue 15): zoom a page image by keyboard (+, −, 0), buttons or pinch, and move
// it with the arrow keys or by scrolling. The region scrolls; the image is the site's own IIIF
// derivative, swapped for the full size once it is shown wider than the small one.
(function () {
  "use strict";
  var STEP = 1.25, MAX = 8, MOVE = 40;

  function setup(view) {
    var img = view.querySelector("img");
    var base = img.width, scale = 1, large = false;
    var fullWidth = Number(img.getAttribute("data-full-width")) || base;
    function zoom(to) {
      scale = Math.min(Math.max(to, 1), Math.max(MAX, fullWidth / base));
      img.style.width = Math.round(base * scale) + "px";
      img.style.maxWidth = "none";
      img.style.height = "auto";
      if (!large && base * scale > base) {
        large = true;
        img.src = img.getAttribute("data-large");
      }
    }
    view.addEventListener("keydown", function (e) {
      var key = e.key;
      if (key === "+" || key === "=") zoom(scale * STEP);
      else if (key === "-" || key === "\u2212" || key === "_") zoom(scale / STEP);
      else if (key === "0") { zoom(1); view.scrollLeft = 0; view.scrollTop = 0; }
      else if (key === "ArrowLeft") view.scrollLeft -= MOVE;
      else if (key === "ArrowRight") view.scrollLeft += MOVE;
      else if (key === "ArrowUp") view.scrollTop -= MOVE;
      else if (key === "ArrowDown") view.scrollTop += MOVE;
      else return;
      e.preventDefault();
    });
    var buttons = view.parentNode.querySelector(".scan-zoom");
    if (buttons) {
      buttons.hidden = false;
      buttons.addEventListener("click", function (e) {
        var what = e.target.getAttribute("data-zoom");
        if (what === "in") zoom(scale * STEP);
        else if (what === "out") zoom(scale / STEP);
        else if (what === "reset") zoom(1);
      });
    }
    var pinch = 0;
    view.addEventListener("touchstart", function (e) {
      if (e.touches.length === 2) pinch = distance(e.touches);
    }, { passive: true });
    view.addEventListener("touchmove", function (e) {
      if (e.touches.length !== 2 || !pinch) return;
      var now = distance(e.touches);
      zoom(scale * now / pinch);
      pinch = now;
      e.preventDefault();
    }, { passive: false });
  }

  function distance(t) {
    return Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY);
  }

  document.querySelectorAll(".scan-view").forEach(setup);
})();
