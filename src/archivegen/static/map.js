// The map page (render/maps.py): moving and zooming by buttons, arrow keys and +/-, and places
// grouped where their pins would overlap at the current zoom. Drawn from the page's own data
// (#map-data) over the site's own basemap: no request leaves the site.
(function () {
  "use strict";
  var box = document.querySelector(".map-interactive");
  var data = document.getElementById("map-data");
  if (!box || !data) return;
  var svg = box.querySelector("svg.map");
  var pins = box.querySelector(".map-pins");
  var places = JSON.parse(data.textContent);
  var start = svg.getAttribute("data-view-box").split(" ").map(Number);
  var view = start.slice();

  function clamp() {
    view[2] = Math.min(360, Math.max(2, view[2]));
    view[3] = view[2] / 2;
    view[0] = Math.min(180 - view[2], Math.max(-180, view[0]));
    view[1] = Math.min(90 - view[3], Math.max(-90, view[1]));
  }

  function groups() {
    // Places whose pins would overlap at this zoom share one group (greedy, in the data's order):
    // a pin is a 24 px dot with its name to the right, so ~130 px across and 28 px high.
    var perPx = view[2] / Math.max(box.clientWidth, 1), out = [];
    places.forEach(function (p) {
      for (var i = 0; i < out.length; i++) {
        var g = out[i];
        if (Math.abs(g.x - p.x) < 130 * perPx && Math.abs(g.y - p.y) < 30 * perPx) { g.members.push(p); return; }
      }
      out.push({x: p.x, y: p.y, members: [p]});
    });
    return out;
  }

  function zoomTo(members) {
    var xs = members.map(function (p) { return p.x; }), ys = members.map(function (p) { return p.y; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var w = Math.max(2, (maxX - minX) * 2.5, (maxY - minY) * 5);
    view = [(minX + maxX) / 2 - w / 2, (minY + maxY) / 2 - w / 4, w, w / 2];
    draw();
    box.focus();
  }

  function place(li, x, y) {
    li.style.left = (100 * (x - view[0]) / view[2]).toFixed(2) + "%";
    li.style.top = (100 * (y - view[1]) / view[3]).toFixed(2) + "%";
  }

  function draw() {
    clamp();
    svg.setAttribute("viewBox", view.map(function (v) { return +v.toFixed(3); }).join(" "));
    box.setAttribute("data-view", svg.getAttribute("viewBox"));
    while (pins.firstChild) pins.removeChild(pins.firstChild);
    groups().forEach(function (g) {
      if (g.x < view[0] || g.x > view[0] + view[2] || g.y < view[1] || g.y > view[1] + view[3]) return;
      var li = document.createElement("li");
      place(li, g.x, g.y);
      if (g.members.length === 1) {
        var p = g.members[0], a = document.createElement("a"), dot = document.createElement("span"),
            label = document.createElement("span");
        a.className = "map-pin"; a.href = p.url;
        dot.className = "map-dot"; label.className = "map-label"; label.textContent = p.name;
        a.appendChild(dot); a.appendChild(label); li.appendChild(a);
      } else {
        var b = document.createElement("button");
        b.type = "button"; b.className = "map-cluster"; b.textContent = String(g.members.length);
        b.setAttribute("aria-label", g.members.length + " places: " +
          g.members.map(function (p) { return p.name; }).join(", ") + ". Zoom in");
        b.addEventListener("click", function () { zoomTo(g.members); });
        li.appendChild(b);
      }
      pins.appendChild(li);
    });
  }

  function zoom(factor) {
    var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
    view[2] *= factor; view[3] = view[2] / 2;
    view[0] = cx - view[2] / 2; view[1] = cy - view[3] / 2;
    draw();
  }

  function pan(dx, dy) { view[0] += dx * view[2] / 8; view[1] += dy * view[3] / 8; draw(); }

  box.addEventListener("keydown", function (e) {
    if (e.target !== box) return;  // keys on a pin or a group keep their usual meaning
    var keys = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
    if (keys[e.key]) { pan(keys[e.key][0], keys[e.key][1]); }
    else if (e.key === "+" || e.key === "=") { zoom(1 / 1.5); }
    else if (e.key === "-" || e.key === "_") { zoom(1.5); }
    else if (e.key === "0") { view = start.slice(); draw(); }
    else return;
    e.preventDefault();
  });
  var controls = document.querySelector(".map-controls");
  controls.hidden = false;
  controls.addEventListener("click", function (e) {
    var what = e.target.getAttribute && e.target.getAttribute("data-map");
    if (what === "in") zoom(1 / 1.5);
    else if (what === "out") zoom(1.5);
    else if (what === "reset") { view = start.slice(); draw(); }
  });
  window.addEventListener("resize", draw);
  draw();
})();
