/* graphgov map, part 4 of 4: the current view as a picture (PNG from the canvas, SVG drawn anew) and for print,
   each with the title, the legend of what is shown and the date. */
(function () {
  "use strict";
  var gg = window.graphgov, data = gg.data, network = gg.network;
  var SVGNS = "http://www.w3.org/2000/svg";
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var TITLE_H = 56, LEGEND_W = 230, FOOT_H = 26;
  var container = document.getElementById("gg-network");

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function subtitle() {
    var parts = Array.prototype.map.call(document.querySelectorAll("#gg-crumbs li"), function (li) { return li.textContent; });
    return parts.join(" › ");
  }
  /* what the legend of a picture lists: the node types and tie types now on screen */
  function shownLegend() {
    var types = {}, ties = {};
    gg.visibleIds().forEach(function (id) { var n = gg.nodeById.get(id); types[n.type] = (types[n.type] || 0) + 1; });
    gg.edgesView.getIds().forEach(function (id) { var e = gg.edgeById.get(id); ties[e.type] = (ties[e.type] || 0) + 1; });
    var nodes = data.legend.filter(function (l) { return types[l.type]; }).map(function (l) {
      return { name: l.name.replace(/^成员单位·/, "单位·"), colour: l.colour, shape: l.shape, count: types[l.type] };
    });
    if (types.Group) nodes.push({ name: "分组（大小=成员数）", colour: "#546e7a", shape: "dot", count: types.Group });
    var edges = Object.keys(ties).map(function (t) {
      var st = data.styles.edges[t] || { zh: t, colour: "#90a4ae", dashes: false };
      return { name: st.zh, colour: st.colour, dashes: st.dashes, count: ties[t] };
    });
    return { nodes: nodes, edges: edges };
  }

  /* -- PNG: the vis canvas (with its labels) framed by title, legend and date -- */
  function drawLegendCanvas(ctx, x, y, legend) {
    ctx.textBaseline = "middle";
    ctx.font = "bold 14px " + FONT; ctx.fillStyle = "#212121";
    ctx.fillText("图例", x, y + 8); y += 24;
    ctx.font = "12px " + FONT;
    legend.nodes.forEach(function (l) {
      ctx.fillStyle = l.colour; ctx.beginPath(); ctx.arc(x + 7, y + 7, 6, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = "#212121"; ctx.fillText(l.name + "（" + l.count + "）", x + 20, y + 7); y += 19;
    });
    y += 6;
    legend.edges.forEach(function (l) {
      ctx.strokeStyle = l.colour; ctx.lineWidth = 2.5; ctx.setLineDash(l.dashes || []);
      ctx.beginPath(); ctx.moveTo(x, y + 7); ctx.lineTo(x + 16, y + 7); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = "#212121"; ctx.fillText(l.name, x + 20, y + 7); y += 19;
    });
    return y;
  }
  gg.exportPNG = function () {
    var src = container.querySelector("canvas");
    var w = container.clientWidth, h = container.clientHeight, ratio = 2;
    var legend = shownLegend();
    var need = 40 + 19 * (legend.nodes.length + legend.edges.length) + 20;
    var H = TITLE_H + Math.max(h, need) + FOOT_H, W = w + LEGEND_W;
    var out = document.createElement("canvas");
    out.width = W * ratio; out.height = H * ratio;
    var ctx = out.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = "#b71c1c"; ctx.fillRect(0, TITLE_H - 4, W, 3);
    ctx.textBaseline = "alphabetic";
    ctx.fillStyle = "#212121"; ctx.font = "bold 20px " + FONT;
    ctx.fillText(gg.fitText(data.title, "bold 20px " + FONT, W - 30), 14, 26);
    ctx.font = "13px " + FONT; ctx.fillStyle = "#616161";
    ctx.fillText(gg.fitText(subtitle(), "13px " + FONT, W - 30), 14, 46);
    ctx.drawImage(src, 0, TITLE_H, w, h);
    ctx.strokeStyle = "#e0e0e0"; ctx.strokeRect(0.5, TITLE_H + 0.5, w - 1, h - 1);
    drawLegendCanvas(ctx, w + 14, TITLE_H + 8, legend);
    ctx.textBaseline = "middle"; ctx.font = "12px " + FONT; ctx.fillStyle = "#757575";
    ctx.fillText("导出日期 " + today() + " · graphgov · 显示 " + gg.visibleIds().length + " 个节点", 14, H - FOOT_H / 2);
    return out.toDataURL("image/png");
  };

  /* -- SVG: the same view drawn as vectors -- */
  function node(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function shape(kind, x, y, r, fill, stroke, sw, opacity) {
    var a = { fill: fill, stroke: stroke, "stroke-width": sw, opacity: opacity };
    var pts;
    if (kind === "square") return node("rect", Object.assign(a, { x: x - r, y: y - r, width: 2 * r, height: 2 * r }));
    if (kind === "diamond") pts = [[0, -1], [1, 0], [0, 1], [-1, 0]];
    else if (kind === "triangle") pts = [[0, -1], [0.87, 0.5], [-0.87, 0.5]];
    else if (kind === "triangleDown") pts = [[0, 1], [0.87, -0.5], [-0.87, -0.5]];
    else if (kind === "star") {
      pts = [];
      for (var i = 0; i < 10; i++) { var ang = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? 0.45 : 1; pts.push([rr * Math.cos(ang), rr * Math.sin(ang)]); }
    } else return node("circle", Object.assign(a, { cx: x, cy: y, r: r }));
    return node("polygon", Object.assign(a, { points: pts.map(function (p) { return (x + p[0] * r).toFixed(1) + "," + (y + p[1] * r).toFixed(1); }).join(" ") }));
  }
  gg.exportSVG = function () {
    var v = gg.view(), legend = shownLegend();
    var need = 40 + 19 * (legend.nodes.length + legend.edges.length) + 20;
    var W = v.w + LEGEND_W, H = TITLE_H + Math.max(v.h, need) + FOOT_H;
    var svg = node("svg", { xmlns: SVGNS, width: W, height: H, viewBox: "0 0 " + W + " " + H, "font-family": FONT });
    svg.appendChild(node("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }));
    svg.appendChild(node("text", { x: 14, y: 26, "font-size": 20, "font-weight": "bold", fill: "#212121" }, data.title));
    svg.appendChild(node("text", { x: 14, y: 46, "font-size": 13, fill: "#616161" }, subtitle()));
    svg.appendChild(node("rect", { x: 0, y: TITLE_H - 4, width: W, height: 3, fill: "#b71c1c" }));
    var defs = node("defs", {}), clip = node("clipPath", { id: "gg-clip" });
    clip.appendChild(node("rect", { x: 0, y: 0, width: v.w, height: v.h }));
    defs.appendChild(clip); svg.appendChild(defs);
    var g = node("g", { transform: "translate(0," + TITLE_H + ")", "clip-path": "url(#gg-clip)" });
    svg.appendChild(g);
    (gg.state.mode === "overview" ? [] : (data.boxes || [])).forEach(function (b) {
      if (gg.state.mode === "group" && b[0] !== gg.state.group) return;
      var p0 = v.toDOM(b[2], b[3]), p1 = v.toDOM(b[4], b[5]);
      g.appendChild(node("rect", { x: p0[0], y: p0[1], width: p1[0] - p0[0], height: p1[1] - p0[1], fill: "#eceff1", "fill-opacity": 0.55, stroke: "#b0bec5" }));
    });
    gg.edgesView.get().forEach(function (e) {
      var rec = gg.edgeById.get(e.id), a = gg.nodeById.get(rec.from), b = gg.nodeById.get(rec.to);
      var p = v.toDOM(a.x, a.y), q = v.toDOM(b.x, b.y);
      var attrs = { x1: p[0].toFixed(1), y1: p[1].toFixed(1), x2: q[0].toFixed(1), y2: q[1].toFixed(1), stroke: e.color.color,
                    "stroke-opacity": e.color.opacity, "stroke-width": Math.max(0.5, e.width * v.scale).toFixed(2) };
      if (e.dashes && e.dashes.length) attrs["stroke-dasharray"] = e.dashes.join(" ");
      g.appendChild(node("line", attrs));
    });
    gg.nodesView.get().forEach(function (n) {
      var rec = gg.nodeById.get(n.id), st = data.styles.nodes[rec.type] || { colour: "#607d8b", shape: "dot" };
      var p = v.toDOM(n.x, n.y);
      g.appendChild(shape(st.shape, p[0], p[1], Math.max(1, n.size * v.scale), st.colour,
                          rec.sev ? data.styles.severity[rec.sev] : st.colour, rec.sev ? 3 : 1,
                          n.opacity === undefined ? 1 : n.opacity));
    });
    gg.labels.forEach(function (l) {
      g.appendChild(node("text", { x: l.x.toFixed(1), y: (l.y + l.h - 3).toFixed(1), "font-size": l.size,
        "font-weight": /bold/.test(l.font) ? "bold" : "normal", fill: l.colour, stroke: "#fff", "stroke-width": 3,
        "paint-order": "stroke", "stroke-linejoin": "round" }, l.text));
    });
    var lx = v.w + 14, ly = TITLE_H + 8;
    svg.appendChild(node("text", { x: lx, y: ly + 13, "font-size": 14, "font-weight": "bold" }, "图例"));
    ly += 24;
    legend.nodes.forEach(function (l) {
      svg.appendChild(shape(l.shape, lx + 7, ly + 7, 6, l.colour, l.colour, 1, 1));
      svg.appendChild(node("text", { x: lx + 20, y: ly + 11, "font-size": 12 }, l.name + "（" + l.count + "）"));
      ly += 19;
    });
    ly += 6;
    legend.edges.forEach(function (l) {
      var a = { x1: lx, y1: ly + 7, x2: lx + 16, y2: ly + 7, stroke: l.colour, "stroke-width": 2.5 };
      if (l.dashes && l.dashes.length) a["stroke-dasharray"] = l.dashes.join(" ");
      svg.appendChild(node("line", a));
      svg.appendChild(node("text", { x: lx + 20, y: ly + 11, "font-size": 12 }, l.name));
      ly += 19;
    });
    svg.appendChild(node("text", { x: 14, y: H - 9, "font-size": 12, fill: "#757575" },
      "导出日期 " + today() + " · graphgov · 显示 " + gg.visibleIds().length + " 个节点"));
    return new XMLSerializer().serializeToString(svg);
  };

  function fileName(ext) {
    return (data.title || "网络图").replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 60) + "_" + today() + "." + ext;
  }
  function download(href, name) {
    var a = document.createElement("a");
    a.href = href; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  document.getElementById("gg-png").addEventListener("click", function () { download(gg.exportPNG(), fileName("png")); });
  document.getElementById("gg-svg").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([gg.exportSVG()], { type: "image/svg+xml" }));
    download(url, fileName("svg"));
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
  });

  /* print: the current view as vectors on one A3 page (the screen's panels are left out) */
  var printBox = document.getElementById("gg-print");
  gg.preparePrint = function () {
    var doc = new DOMParser().parseFromString(gg.exportSVG(), "image/svg+xml");
    var svg = document.importNode(doc.documentElement, true);
    svg.removeAttribute("width"); svg.removeAttribute("height");
    printBox.textContent = "";
    printBox.appendChild(svg);
  };
  window.addEventListener("beforeprint", gg.preparePrint);
  document.getElementById("gg-print-btn").addEventListener("click", function () { gg.preparePrint(); window.print(); });

  gg.loaded = true;
  network.redraw();
})();
