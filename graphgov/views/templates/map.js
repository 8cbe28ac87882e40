/* graphgov map: legend, filters, search and detail panel over vis-network.
   Every text from the data goes into the page through textContent or as an attribute
   value set with setAttribute; nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("gg-data").textContent);
  timings.parsed = performance.now();
  var SVGNS = "http://www.w3.org/2000/svg";
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = { hiddenTypes: {}, committee: "", area: "", category: "" };
  var visible = new Set();

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function passes(n) {
    if (state.hiddenTypes[n.type]) return false;
    if (state.committee && (n.cm || []).indexOf(state.committee) < 0) return false;
    if (state.area && (n.ar || []).indexOf(state.area) < 0) return false;
    if (state.category && (n.ct || []).indexOf(state.category) < 0) return false;
    return true;
  }

  function computeVisible() {
    var next = new Set();
    nodes.forEach(function (n) { if (passes(n)) next.add(n.id); });
    visible = next;
  }
  computeVisible();

  var nodesView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) { return visible.has(e.from) && visible.has(e.to); }
  });
  timings.datasets = performance.now();
  var container = document.getElementById("gg-network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, data.options);
  var api = {
    data: data, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView, network: network,
    ready: false, renderedAt: null, timings: timings
  };
  timings.network = performance.now();
  window.graphgov = api;

  network.once("afterDrawing", function () {
    api.ready = true;
    api.renderedAt = performance.now();
    timings.drawn = api.renderedAt;
  });
  network.fit({ animation: false });

  function updateCount() {
    var shownEdges = edgesView.length;
    document.getElementById("gg-count").textContent =
      "显示 " + visible.size + " / " + nodes.length + " 个节点，" + shownEdges + " 条关系";
    document.getElementById("gg-empty").hidden = visible.size > 0;
  }

  function applyFilters() {
    computeVisible();
    nodesView.refresh();
    edgesView.refresh();
    updateCount();
    if (visible.size > 0) network.fit({ animation: false });
  }
  api.applyFilters = applyFilters;
  api.setFilter = function (name, value) {
    var select = document.getElementById("gg-filter-" + name);
    select.value = value;
    state[name] = value;
    applyFilters();
  };
  api.visibleIds = function () { return Array.from(visible); };

  /* legend: node types (click toggles), relation styles, severities */
  function swatch(shape, colour, dashes) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "14");
    var s;
    if (shape === "line") {
      s = document.createElementNS(SVGNS, "line");
      s.setAttribute("x1", "0"); s.setAttribute("y1", "7"); s.setAttribute("x2", "18"); s.setAttribute("y2", "7");
      s.setAttribute("stroke", colour); s.setAttribute("stroke-width", "2.5");
      if (dashes && dashes.length) s.setAttribute("stroke-dasharray", dashes.join(" "));
    } else if (shape === "square" || shape === "hexagon") {
      s = document.createElementNS(SVGNS, "rect");
      s.setAttribute("x", "3"); s.setAttribute("y", "1"); s.setAttribute("width", "12"); s.setAttribute("height", "12");
      s.setAttribute("fill", colour);
    } else if (shape === "diamond" || shape === "triangle" || shape === "triangleDown" || shape === "star") {
      s = document.createElementNS(SVGNS, "polygon");
      var pts = { diamond: "9,0 16,7 9,14 2,7", triangle: "9,1 16,13 2,13", triangleDown: "2,1 16,1 9,13",
        star: "9,0 11,5 17,5 12,9 14,14 9,11 4,14 6,9 1,5 7,5" }[shape];
      s.setAttribute("points", pts);
      s.setAttribute("fill", colour);
    } else {
      s = document.createElementNS(SVGNS, "circle");
      s.setAttribute("cx", "9"); s.setAttribute("cy", "7"); s.setAttribute("r", "6");
      s.setAttribute("fill", colour);
    }
    svg.appendChild(s);
    return svg;
  }

  var legend = document.getElementById("gg-legend");
  data.legend.forEach(function (item) {
    var li = el("li");
    li.setAttribute("data-type", item.type);
    li.setAttribute("title", "点击隐藏或显示这一类节点");
    li.appendChild(swatch(item.shape, item.colour));
    li.appendChild(el("span", item.name));
    li.appendChild(el("span", item.count, "gg-count-badge"));
    li.addEventListener("click", function () {
      state.hiddenTypes[item.type] = !state.hiddenTypes[item.type];
      li.classList.toggle("gg-off", !!state.hiddenTypes[item.type]);
      applyFilters();
    });
    legend.appendChild(li);
  });
  var edgeLegend = document.getElementById("gg-edge-legend");
  data.edgeLegend.forEach(function (item) {
    var li = el("li");
    li.appendChild(swatch("line", item.colour, item.dashes));
    li.appendChild(el("span", item.name));
    li.appendChild(el("span", item.count, "gg-count-badge"));
    edgeLegend.appendChild(li);
  });
  if (data.meta && data.meta.severity) {
    var sev = document.getElementById("gg-severity");
    if (data.meta.findingKinds && data.meta.findingKinds.length) {
      sev.appendChild(el("h3", "发现的问题（图中标出 / 共计）"));
      var kl = el("ul", null, "gg-legend");
      data.meta.findingKinds.forEach(function (k) {
        var li = el("li");
        li.appendChild(el("span", k[0]));
        li.appendChild(el("span", k[2] + " / " + k[1], "gg-count-badge"));
        kl.appendChild(li);
      });
      sev.appendChild(kl);
    }
    sev.appendChild(el("h3", "问题严重程度（节点边框）"));
    var ul = el("ul", null, "gg-legend");
    var zh = { high: "高", medium: "中", low: "低" };
    data.meta.severity.forEach(function (s) {
      var li = el("li");
      li.appendChild(swatch("dot", s.colour));
      li.appendChild(el("span", zh[s.severity] || s.severity));
      ul.appendChild(li);
    });
    sev.appendChild(ul);
  }

  /* filters */
  function fillSelect(name, choices) {
    var select = document.getElementById("gg-filter-" + name);
    choices.forEach(function (c) {
      var o = el("option", c[1]);
      o.value = c[0];
      select.appendChild(o);
    });
    if (!choices.length) select.disabled = true;
    select.addEventListener("change", function () {
      state[name] = select.value;
      applyFilters();
    });
  }
  fillSelect("committee", data.filters.committees);
  fillSelect("area", data.filters.areas);
  fillSelect("category", data.filters.categories);
  document.getElementById("gg-reset").addEventListener("click", function () {
    state = { hiddenTypes: {}, committee: "", area: "", category: "" };
    ["committee", "area", "category"].forEach(function (n) { document.getElementById("gg-filter-" + n).value = ""; });
    Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("gg-off"); });
    applyFilters();
  });

  if (data.notice) {
    var notice = document.getElementById("gg-notice");
    notice.textContent = data.notice;
    notice.hidden = false;
  }

  /* detail panel */
  var detail = document.getElementById("gg-detail");
  function showDetail(id) {
    var d = data.details[id];
    detail.textContent = "";
    if (!d) {
      detail.appendChild(el("p", "点击图中的节点查看详情。", "gg-hint"));
      return;
    }
    detail.setAttribute("data-node", id);
    detail.appendChild(el("h2", d.name));
    var n = nodes.get(id);
    var kind = d.kind + (n && !visible.has(id) ? "（已被筛选隐藏）" : "");
    detail.appendChild(el("p", kind, "gg-kind"));
    if (d.findings && d.findings.length) {
      detail.appendChild(el("h3", "发现的问题"));
      d.findings.forEach(function (f) {
        var box = el("div", null, "gg-finding");
        box.appendChild(el("strong", f.kindZh + (f.severity ? "（" + f.severity + "）" : "")));
        if (f.message) box.appendChild(el("div", f.message));
        if (f.evidence) box.appendChild(el("div", "依据：" + f.evidence, "gg-evidence"));
        if (f.suggestion) box.appendChild(el("div", "建议：" + f.suggestion));
        detail.appendChild(box);
      });
    }
    if (d.rows.length) {
      var table = el("table");
      d.rows.forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("th", r[0]));
        tr.appendChild(el("td", r[1]));
        table.appendChild(tr);
      });
      detail.appendChild(table);
    }
    d.sections.forEach(function (sec) {
      var section = el("section");
      section.setAttribute("data-section", sec[0]);
      section.appendChild(el("h3", sec[0] + "（" + sec[1].length + "）"));
      var list = el("ul");
      if (!sec[1].length) list.appendChild(el("li", "无", "gg-none"));
      sec[1].forEach(function (item) {
        var li = el("li");
        if (nodes.get(item[0])) {
          var b = el("button", item[1], "gg-link");
          b.type = "button";
          b.addEventListener("click", function () { select(item[0]); });
          li.appendChild(b);
        } else {
          li.textContent = item[1];
        }
        list.appendChild(li);
      });
      section.appendChild(list);
      detail.appendChild(section);
    });
  }
  api.showDetail = showDetail;

  function select(id) {
    if (visible.has(id)) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    }
    showDetail(id);
  }
  api.select = select;

  network.on("click", function (params) {
    if (params.nodes.length) showDetail(params.nodes[0]);
  });

  /* search: substring of the name, case-insensitive */
  var input = document.getElementById("gg-search-input");
  var results = document.getElementById("gg-search-results");
  var kindZh = {};
  data.legend.forEach(function (l) { kindZh[l.type] = l.name; });
  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var found = nodes.get({ filter: function (n) { return String(n.name).toLowerCase().indexOf(q) >= 0; } });
    // exact names first, then units (what planners look for), then names that start with the text, then shorter
    function rank(n) {
      var name = String(n.name).toLowerCase();
      return [name === q ? 0 : 1, n.kind === "Unit" ? 0 : 1, name.indexOf(q) === 0 ? 0 : 1, name.length];
    }
    found.sort(function (a, b) {
      var ra = rank(a), rb = rank(b);
      for (var i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
      return String(a.name) < String(b.name) ? -1 : 1;
    });
    return found;
  }
  api.search = function (text) { return search(text).map(function (n) { return n.id; }); };
  function showResults() {
    var found = search(input.value);
    results.textContent = "";
    results.hidden = !input.value.trim();
    if (!found.length) {
      results.appendChild(el("li", "没有找到", "gg-none"));
      return;
    }
    found.slice(0, 30).forEach(function (n) {
      var li = el("li");
      var b = el("button");
      b.type = "button";
      b.setAttribute("data-node", n.id);
      b.appendChild(el("span", n.name));
      b.appendChild(el("span", (kindZh[n.type] || n.kind) + (visible.has(n.id) ? "" : "·已隐藏"), "gg-kind"));
      b.addEventListener("click", function () { select(n.id); results.hidden = true; });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (found.length > 30) results.appendChild(el("li", "…共 " + found.length + " 个结果", "gg-none"));
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = search(input.value);
      if (found.length) { select(found[0].id); results.hidden = true; }
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });

  updateCount();
})();
