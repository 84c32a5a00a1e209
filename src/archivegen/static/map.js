// The map page (render/maps.py): moving and zooming by buttons, arrow keys and +/-, and markers
// clustered where they would overlap at the current zoom. Everything is drawn from the page's
// own data (#map-data) on the site's own basemap: no request leaves the site.
(function () {
  "use strict";
  var box = document.querySelector(".map-interactive");
  var data = document.getElementById("map-data");
  if (!box || !data) return;
  var svg = box.querySelector("svg.map");
  var layer = svg.querySelector(".map-markers");
  var places = JSON.parse(data.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var start = svg.getAttribute("data-view-box").split(" ").map(Number);
  var view = start.slice();

  function clamp() {
    view[2] = Math.min(360, Math.max(4, view[2]));
    view[3] = view[2] / 2;
    view[0] = Math.min(180 - view[2], Math.max(-180, view[0]));
    view[1] = Math.min(90 - view[3], Math.max(-90, view[1]));
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clusters() {
    // Greedy: a place joins the first cluster whose centre is closer than a twentieth of the view.
    var reach = view[2] / 20, out = [];
    places.forEach(function (p) {
      for (var i = 0; i < out.length; i++) {
        var c = out[i];
        if (Math.abs(c.x - p.x) < reach && Math.abs(c.y - p.y) < reach) { c.members.push(p); return; }
      }
      out.push({x: p.x, y: p.y, members: [p]});
    });
    return out;
  }

  function zoomTo(members) {
    var xs = members.map(function (p) { return p.x; }), ys = members.map(function (p) { return p.y; });
    var w = Math.max(4, (Math.max.apply(null, xs) - Math.min.apply(null, xs)) * 1.6,
                     (Math.max.apply(null, ys) - Math.min.apply(null, ys)) * 3.2);
    var cx = (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2;
    var cy = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
    view = [cx - w / 2, cy - w / 4, w, w / 2];
    draw();
  }

  function draw() {
    clamp();
    svg.setAttribute("viewBox", view.map(function (v) { return +v.toFixed(3); }).join(" "));
    var r = view[2] / 90, font = view[2] / 50;
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    clusters().forEach(function (c) {
      if (c.members.length === 1) {
        var p = c.members[0];
        var a = el("a", {href: p.url, "aria-label": p.name});
        a.appendChild(el("circle", {cx: p.x, cy: p.y, r: r}));
        a.appendChild(el("text", {x: p.x + r * 1.4, y: p.y + r * 0.6, "font-size": font}, p.name));
        layer.appendChild(a);
        return;
      }
      var names = c.members.map(function (p) { return p.name; }).join(", ");
      var g = el("g", {"class": "cluster", role: "button", tabindex: "0",
                       "aria-label": c.members.length + " places: " + names + ". Zoom in"});
      g.appendChild(el("circle", {cx: c.x, cy: c.y, r: r * 1.8}));
      g.appendChild(el("text", {x: c.x, y: c.y, "font-size": font}, String(c.members.length)));
      g.addEventListener("click", function () { zoomTo(c.members); });
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); zoomTo(c.members); }
      });
      layer.appendChild(g);
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
  draw();
})();
