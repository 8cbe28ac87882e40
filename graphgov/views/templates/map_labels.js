/* graphgov map, part 2 of 4: the group boxes and the labels.
   vis-network draws no label itself: every label is placed here, in screen pixels, in order of
   importance (the selected node, its neighbours, the most central units, committees, the rest),
   and only where it overlaps no label already placed. So labels never pile up at any zoom:
   zooming in makes room and more of them appear. */
(function () {
  "use strict";
  var gg = window.graphgov, data = gg.data, network = gg.network;
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var LINE = 16, GAP = 3, CELL = 64;
  var TOP = data.nodes.filter(function (n) { return n.top; }).length;
  var container = document.getElementById("gg-network");
  var measure = document.createElement("canvas").getContext("2d");
  var widths = new Map();
  var boxGrouping = (data.meta || {}).boxGrouping || null;

  function font(size, bold) { return (bold ? "bold " : "") + size + "px " + FONT; }
  function textWidth(text, f) {
    var key = f + "|" + text;
    var w = widths.get(key);
    if (w === undefined) { measure.font = f; w = Math.ceil(measure.measureText(text).width); widths.set(key, w); }
    return w;
  }
  gg.textWidth = textWidth;
  gg.font = font;
  /* cut a text to a width at a whole character (code point), with an ellipsis */
  function fitText(text, f, width) {
    if (textWidth(text, f) <= width) return text;
    var chars = Array.from(text);
    while (chars.length > 1 && textWidth(chars.join("") + "…", f) > width) chars.pop();
    return chars.length > 1 ? chars.join("") + "…" : "";
  }
  gg.fitText = fitText;

  var order = Array.from(gg.nodeById.values()).sort(function (a, b) { return a.rank - b.rank; }).map(function (n) { return n.id; });

  function view() {
    var w = container.clientWidth, h = container.clientHeight;
    var scale = network.getScale(), vp = network.getViewPosition();
    return { w: w, h: h, scale: scale, toDOM: function (x, y) { return [(x - vp.x) * scale + w / 2, (y - vp.y) * scale + h / 2]; } };
  }
  gg.view = view;

  function shownBoxes() {
    if (gg.state.mode === "overview" || !data.boxes) return [];
    if (gg.state.mode === "group") {
      return gg.state.grouping === boxGrouping ? data.boxes.filter(function (b) { return b[0] === gg.state.group; }) : [];
    }
    if (gg.state.committee || gg.state.area || gg.state.category) return [];
    return data.boxes;
  }

  /* the boxes, under everything, in canvas coordinates */
  gg.hooks.beforeDraw.push(function (ctx) {
    var boxes = shownBoxes();
    if (!boxes.length) return;
    var s = network.getScale();
    ctx.save();
    ctx.lineWidth = 1.2 / s;
    boxes.forEach(function (b) {
      var x0 = b[2], y0 = b[3], w = b[4] - b[2], h = b[5] - b[3];
      ctx.fillStyle = "rgba(236, 239, 241, 0.55)";
      ctx.fillRect(x0, y0, w, h);
      ctx.fillStyle = "rgba(207, 216, 220, 0.75)";
      ctx.fillRect(x0, y0, w, Math.min(34, h));
      ctx.strokeStyle = "#b0bec5";
      ctx.strokeRect(x0, y0, w, h);
    });
    ctx.restore();
  });

  /* silos (gaps view): one dashed outline around each closed group's members */
  function hull(points) {
    points = points.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    if (points.length < 3) return points;
    function cross(o, a, b) { return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]); }
    var lower = [], upper = [];
    points.forEach(function (p) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
      lower.push(p);
    });
    points.slice().reverse().forEach(function (p) {
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
      upper.push(p);
    });
    return lower.slice(0, -1).concat(upper.slice(0, -1));
  }
  var silos = ((data.meta || {}).silos || []).map(function (s) {
    var pts = [];
    s.members.forEach(function (id) {
      var n = gg.nodeById.get(id), r = n.size + 14;
      [[-r, -r], [r, -r], [r, r], [-r, r]].forEach(function (d) { pts.push([n.x + d[0], n.y + d[1]]); });
    });
    return { name: s.name, members: s.members, hull: hull(pts) };
  });
  gg.silos = silos;
  gg.hooks.beforeDraw.push(function (ctx) {
    if (!silos.length || gg.state.mode === "overview") return;
    var s = network.getScale();
    ctx.save();
    silos.forEach(function (silo) {
      if (!silo.members.some(gg.isVisible)) return;
      ctx.beginPath();
      silo.hull.forEach(function (p, i) { if (i) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]); });
      ctx.closePath();
      ctx.fillStyle = "rgba(213, 0, 0, 0.06)"; ctx.fill();
      ctx.setLineDash([10 / s, 6 / s]); ctx.lineWidth = 2.5 / s; ctx.strokeStyle = "#d50000"; ctx.stroke();
    });
    ctx.restore();
  });

  /* a uniform grid of placed boxes, for the overlap test */
  function Grid() { this.cells = new Map(); this.items = []; }
  Grid.prototype.keys = function (r, fn) {
    for (var i = Math.floor(r.x / CELL); i <= Math.floor((r.x + r.w) / CELL); i++) {
      for (var j = Math.floor(r.y / CELL); j <= Math.floor((r.y + r.h) / CELL); j++) fn(i + "," + j);
    }
  };
  Grid.prototype.hits = function (r) {
    var hit = false, cells = this.cells;
    this.keys(r, function (k) {
      if (hit) return;
      var list = cells.get(k);
      if (!list) return;
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (r.x < o.x + o.w + GAP && o.x < r.x + r.w + GAP && r.y < o.y + o.h + GAP && o.y < r.y + r.h + GAP) { hit = true; return; }
      }
    });
    return hit;
  };
  Grid.prototype.blockers = function (r) {
    return this.items.filter(function (o) {
      return r.x < o.x + o.w + GAP && o.x < r.x + r.w + GAP && r.y < o.y + o.h + GAP && o.y < r.y + r.h + GAP;
    });
  };
  Grid.prototype.remove = function (gone) {
    var items = this.items.filter(function (o) { return gone.indexOf(o) < 0; });
    this.cells = new Map(); this.items = [];
    items.forEach(this.add, this);
  };
  Grid.prototype.add = function (r) {
    var cells = this.cells;
    this.items.push(r);
    this.keys(r, function (k) { if (!cells.has(k)) cells.set(k, []); cells.get(k).push(r); });
  };

  function place() {
    var v = view(), grid = new Grid(), state = gg.state;
    var inView = function (r) { return r.x >= 0 && r.y >= 0 && r.x + r.w <= v.w && r.y + r.h <= v.h; };
    var sel = state.sel && gg.isVisible(state.sel) ? state.sel : null;
    var lit = gg.highlighted || null;
    var seen = new Set();
    // labels beyond the most central units come with the zoom: twice the zoom, four times the labels
    var zoom = v.scale / (gg.baseScale || v.scale);
    var budget = Math.max(1, zoom * zoom) * (TOP + 1) * 1.2;
    var titled = new Set(shownBoxes().map(function (b) { return b[0]; }));
    // kept free where possible: the blocks' title bars (for their names), and the nodes themselves
    var bars = new Grid(), dots = new Grid();
    shownBoxes().forEach(function (b) {
      var p0 = v.toDOM(b[2], b[3]), p1 = v.toDOM(b[4], b[5]);
      bars.add({ x: p0[0], y: p0[1], w: p1[0] - p0[0], h: Math.max(34 * v.scale, LINE + 4) });
    });
    gg.visibleIds().forEach(function (id) {
      var n = gg.nodeById.get(id), p = v.toDOM(n.x, n.y), r = n.size * v.scale - 1;
      if (r >= 3 && p[0] > -r && p[1] > -r && p[0] < v.w + r && p[1] < v.h + r) dots.add({ x: p[0] - r, y: p[1] - r, w: 2 * r, h: 2 * r });
    });
    var taken = 0;

    function tryNode(id) {
      if (seen.has(id) || !gg.isVisible(id)) return;
      seen.add(id);
      var n = gg.nodeById.get(id);
      if (lit && !lit.has(id)) return;  // faded nodes keep quiet
      if (titled.has(id) && !lit) return;  // a committee named by its box's title already
      var p = v.toDOM(n.x, n.y), r = n.size * v.scale;
      if (p[0] < -200 || p[1] < -50 || p[0] > v.w + 200 || p[1] > v.h + 50) return;
      var strong = n.top || n.kind === "Group" || id === sel;
      var neighbour = !!(lit && lit.has(id));
      if (!strong && !neighbour && (taken >= budget || r < 3)) return;
      var size = strong ? 13 : 12, f = font(size, strong), w = textWidth(n.text, f), h = LINE;
      // below, right, above, left, then the corners; the most important labels also try a step or two further
      // out. Near places come first, covering a node if need be, before far ones
      var d = r * 0.72;
      var near = [[p[0] - w / 2, p[1] + r + 2], [p[0] + r + 4, p[1] - h / 2], [p[0] - w / 2, p[1] - r - 2 - h],
                  [p[0] - r - 4 - w, p[1] - h / 2], [p[0] + d + 2, p[1] + d], [p[0] + d + 2, p[1] - d - h],
                  [p[0] - d - 2 - w, p[1] + d], [p[0] - d - 2 - w, p[1] - d - h]];
      var owner = n.own && gg.nodeById.get(n.own);
      if (owner) {
        // a list node around its unit: its label points away from the unit first
        var dx = n.x - owner.x, dy = n.y - owner.y;
        near.unshift(near[Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 1 : 3) : (dy > 0 ? 0 : 2)]);
      }
      var far = [];
      if (strong || neighbour) {
        for (var k = 1; k <= 2; k++) {
          far.push([p[0] - w / 2, p[1] + r + 2 + k * (h + 2)], [p[0] - w / 2, p[1] - r - 2 - (k + 1) * (h + 2)],
                   [p[0] + r + 4, p[1] - h / 2 + k * (h + 2)], [p[0] + r + 4, p[1] - h / 2 - k * (h + 2)],
                   [p[0] - r - 4 - w, p[1] - h / 2 + k * (h + 2)], [p[0] - r - 4 - w, p[1] - h / 2 - k * (h + 2)]);
        }
      }
      function boxAt(sp) {
        return { id: id, kind: "node", text: n.text, font: f, size: size, x: sp[0], y: sp[1], w: w, h: h,
                 colour: strong ? "#000" : "#263238", top: !!n.top };
      }
      var boxes = near.map(boxAt), farBoxes = far.map(boxAt);
      // [places, keep off title bars, keep off nodes]
      var tries = [[boxes, 1, 1], [boxes, 1, 0], [farBoxes, 1, 1], [farBoxes, 1, 0], [boxes, 0, 0], [farBoxes, 0, 0]];
      for (var t = 0; t < tries.length; t++) {
        var list = tries[t][0];
        for (var i = 0; i < list.length; i++) {
          if ((tries[t][1] && bars.hits(list[i])) || (tries[t][2] && dots.hits(list[i]))) continue;
          if (inView(list[i]) && !grid.hits(list[i])) { grid.add(list[i]); taken++; return; }
        }
      }
      boxes = boxes.concat(farBoxes);
      if (!n.top) return;
      // a most central unit is named even if a block's title must give way
      for (i = 0; i < boxes.length; i++) {
        var gone = inView(boxes[i]) ? grid.blockers(boxes[i]) : [];
        if (gone.length && gone.every(function (o) { return o.kind === "box"; })) {
          grid.remove(gone); grid.add(boxes[i]); taken++;
          gone.forEach(function (o) { evicted.push(o.box); });  // the title finds another place later if it can
          return;
        }
      }
    }
    function boxTitle(b) {
      // a block's name: along its top edge, else shorter, else along its bottom edge
      var p0 = v.toDOM(b[2], b[3]), p1 = v.toDOM(b[4], b[5]);
      var f = font(13, true), room = p1[0] - p0[0] - 10;
      if (room < 28 || p1[1] - p0[1] < LINE + 6) return false;
      var texts = [fitText(b[1], f, room), fitText(b[1], f, Math.min(room, 7 * 13)), fitText(b[1], f, Math.min(room, 4 * 13))];
      var ys = [p0[1] + 3, p1[1] - LINE - 3];
      for (var j = 0; j < ys.length; j++) {
        for (var i = 0; i < texts.length; i++) {
          if (!texts[i]) continue;
          var w = textWidth(texts[i], f);
          // at the box's left corner, else its right one
          for (var x = 0; x < 2; x++) {
            var r = { id: "box:" + b[0], kind: "box", text: texts[i], font: f, size: 13, x: x ? p1[0] - 5 - w : p0[0] + 5,
                      y: ys[j], w: w, h: LINE, colour: "#37474f", box: b };
            if (inView(r) && !grid.hits(r)) { grid.add(r); return true; }
          }
        }
      }
      return false;
    }
    function boxTitles() { shownBoxes().forEach(boxTitle); }
    function siloTitles() {
      silos.forEach(function (silo) {
        if (state.mode === "overview" || !silo.members.some(gg.isVisible) || !silo.hull.length) return;
        var top = silo.hull.reduce(function (a, b) { return b[1] < a[1] ? b : a; });
        var bottom = silo.hull.reduce(function (a, b) { return b[1] > a[1] ? b : a; });
        var f = font(13, true), text = "孤岛：" + silo.name, w = textWidth(text, f);
        var spots = [v.toDOM(top[0], top[1]), v.toDOM(bottom[0], bottom[1])];
        for (var i = 0; i < spots.length; i++) {
          var r = { id: "silo:" + silo.name, kind: "silo", text: text, font: f, size: 13, x: spots[i][0] - w / 2,
                    y: i ? spots[i][1] + 2 : spots[i][1] - LINE - 2, w: w, h: LINE, colour: "#d50000" };
          if (inView(r) && !grid.hits(r)) { grid.add(r); break; }
        }
      });
    }
    function matchScores() {
      // a proposal's score is what the matches view is for
      gg.edgesView.getIds().forEach(function (eid) {
        var rec = gg.edgeById.get(eid);
        if (rec.type !== "MATCH" || !rec.label) return;
        var a = gg.nodeById.get(rec.from), b = gg.nodeById.get(rec.to);
        var p = v.toDOM((a.x + b.x) / 2, (a.y + b.y) / 2), f = font(11, true), w = textWidth(rec.label, f);
        [0, -12, 12].some(function (dy) {
          var box = { id: "edge:" + rec.id, kind: "edge", text: rec.label, font: f, size: 11, x: p[0] - w / 2, y: p[1] - 7 + dy,
                      w: w, h: 14, colour: "#00a844" };
          if (inView(box) && !grid.hits(box)) { grid.add(box); return true; }
          return false;
        });
      });
    }

    // in order of what a planner reads first: the selection and its neighbours (units and committees
    // before its own lists), the proposals' scores, the blocks, the most central units, the rest
    if (sel) {
      tryNode(sel);
      Array.from(lit || []).sort(function (a, b) {
        var na = gg.nodeById.get(a), nb = gg.nodeById.get(b);
        return (!!na.layer - !!nb.layer) || na.rank - nb.rank;
      }).forEach(tryNode);
    }
    matchScores();
    boxTitles();
    siloTitles();
    var evicted = [];
    order.forEach(function (id) { if (gg.nodeById.get(id).top) tryNode(id); });
    evicted.forEach(boxTitle);
    order.forEach(tryNode);
    return grid.items;
  }

  gg.labels = [];
  gg.hooks.draw.push(function (ctx) {
    var labels = place();
    gg.labels = labels;
    var ratio = ctx.canvas.width / (container.clientWidth || 1);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    labels.forEach(function (l) {
      ctx.font = l.font;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.strokeText(l.text, l.x, l.y + 1);
      ctx.fillStyle = l.colour;
      ctx.fillText(l.text, l.x, l.y + 1);
    });
    ctx.restore();
  });

  /* label boxes in page coordinates, for tests and for the picture export */
  gg.labelBoxes = function () {
    var rect = container.getBoundingClientRect();
    return gg.labels.map(function (l) {
      return { id: l.id, kind: l.kind, text: l.text, size: l.size, top: !!l.top,
               x: rect.left + l.x, y: rect.top + l.y, w: l.w, h: l.h };
    });
  };

  /* a click on a box's title bar opens that group */
  gg.boxAt = function (pt) {
    if (!boxGrouping || gg.state.mode !== "net") return null;
    var v = view();
    var hit = null;
    shownBoxes().forEach(function (b) {
      var p0 = v.toDOM(b[2], b[3]), p1 = v.toDOM(b[4], b[5]);
      var bar = Math.max(34 * v.scale, LINE + 4);
      if (pt.x >= p0[0] && pt.x <= p1[0] && pt.y >= p0[1] && pt.y <= p0[1] + bar) hit = { id: b[0], grouping: boxGrouping };
    });
    return hit;
  };
})();
