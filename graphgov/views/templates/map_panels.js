/* graphgov map, part 3 of 4: legend, layers, filters, findings, the detail panel, search, where-am-I.
   Text from the data only ever goes in through textContent and setAttribute. */
(function () {
  "use strict";
  var gg = window.graphgov, data = gg.data, state = gg.state;
  var SVGNS = "http://www.w3.org/2000/svg";
  var LAYER_ZH = { Need: "需求", Resource: "资源", Project: "项目", PartyOrg: "党组织", Area: "区域" };
  var SEV_ZH = { high: "高", medium: "中", low: "低" };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function $(id) { return document.getElementById(id); }

  function swatch(shape, colour, dashes) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "14");
    var s;
    if (shape === "line") {
      s = document.createElementNS(SVGNS, "line");
      s.setAttribute("x1", "0"); s.setAttribute("y1", "7"); s.setAttribute("x2", "16"); s.setAttribute("y2", "7");
      s.setAttribute("stroke", colour); s.setAttribute("stroke-width", "2.5");
      if (dashes && dashes.length) s.setAttribute("stroke-dasharray", dashes.join(" "));
    } else if (shape === "square") {
      s = document.createElementNS(SVGNS, "rect");
      s.setAttribute("x", "2"); s.setAttribute("y", "1"); s.setAttribute("width", "12"); s.setAttribute("height", "12");
      s.setAttribute("fill", colour);
    } else if (shape === "diamond" || shape === "triangle" || shape === "triangleDown" || shape === "star") {
      s = document.createElementNS(SVGNS, "polygon");
      s.setAttribute("points", { diamond: "8,0 15,7 8,14 1,7", triangle: "8,1 15,13 1,13", triangleDown: "1,1 15,1 8,13",
        star: "8,0 10,5 16,5 11,9 13,14 8,11 3,14 5,9 0,5 6,5" }[shape]);
      s.setAttribute("fill", colour);
    } else {
      s = document.createElementNS(SVGNS, "circle");
      s.setAttribute("cx", "8"); s.setAttribute("cy", "7"); s.setAttribute("r", "6");
      s.setAttribute("fill", colour);
    }
    svg.appendChild(s);
    return svg;
  }
  gg.swatch = swatch;

  /* legend: committees and unit types (a click hides or shows them) */
  var legend = $("gg-legend");
  data.legend.filter(function (item) { return !item.layer; }).forEach(function (item) {
    var li = el("li");
    li.setAttribute("data-type", item.type);
    li.setAttribute("title", item.name + "：点击隐藏或显示");
    li.appendChild(swatch(item.shape, item.colour));
    li.appendChild(el("span", item.name.replace(/^成员单位·/, ""), "gg-name"));
    li.appendChild(el("span", item.count, "gg-count-badge"));
    li.addEventListener("click", function () {
      state.hidden[item.type] = !state.hidden[item.type];
      li.classList.toggle("gg-off", !!state.hidden[item.type]);
      gg.refresh(false);
    });
    legend.appendChild(li);
  });
  if (data.legend.some(function (i) { return /^Unit:/.test(i.type); })) legend.classList.add("gg-two-col");

  /* layers: the three lists, party organizations and areas, off until asked for */
  var layersBox = $("gg-layers");
  var layerItems = data.legend.filter(function (item) { return item.layer; });
  layerItems.forEach(function (item) {
    var li = el("li"), box = el("input");
    box.type = "checkbox";
    box.id = "gg-layer-" + item.type;
    box.setAttribute("data-layer", item.type);
    box.checked = state.layers.indexOf(item.type) >= 0;
    var label = el("label");
    label.setAttribute("for", box.id);
    label.appendChild(swatch(item.shape, item.colour));
    label.appendChild(el("span", LAYER_ZH[item.type] || item.name, "gg-name"));
    li.appendChild(box); li.appendChild(label);
    li.appendChild(el("span", item.count, "gg-count-badge"));
    box.addEventListener("change", function () {
      var next = state.layers.filter(function (l) { return l !== item.type; });
      if (box.checked) next.push(item.type);
      gg.setLayers(next);
    });
    layersBox.appendChild(li);
  });
  if (!layerItems.length) $("gg-layers-box").hidden = true;
  else layersBox.appendChild(el("li", "选中一个单位时，它的需求、资源、项目会显示在它周围。", "gg-hint"));

  var edgeLegend = $("gg-edge-legend");
  data.edgeLegend.forEach(function (item) {
    var li = el("li");
    li.appendChild(swatch("line", item.colour, item.dashes));
    li.appendChild(el("span", item.name, "gg-name"));
    li.appendChild(el("span", item.count, "gg-count-badge"));
    edgeLegend.appendChild(li);
  });

  /* findings (gaps view): shown in the detail panel while nothing is selected */
  function findingsSummary(box) {
    var meta = data.meta || {};
    if (!meta.severity) return false;
    box.appendChild(el("h2", "发现的问题"));
    box.appendChild(el("p", "图中标出 / 共计；点击节点看说明", "gg-kind"));
    var kl = el("ul", null, "gg-legend gg-kinds");
    (meta.findingKinds || []).forEach(function (k) {
      var li = el("li");
      li.appendChild(el("span", k[0], "gg-name"));
      li.appendChild(el("span", k[2] + " / " + k[1], "gg-count-badge"));
      kl.appendChild(li);
    });
    box.appendChild(kl);
    var sl = el("p", null, "gg-sev-row");
    sl.appendChild(el("span", "边框："));
    meta.severity.forEach(function (s) { sl.appendChild(swatch("dot", s.colour)); sl.appendChild(el("span", SEV_ZH[s.severity] || s.severity)); });
    sl.appendChild(swatch("line", "#d50000", [6, 3])); sl.appendChild(el("span", "桥"));
    sl.appendChild(swatch("line", "#00bfa5", [3, 5])); sl.appendChild(el("span", "建议结对"));
    box.appendChild(sl);
    var worst = data.nodes.filter(function (n) { return n.sev && !n.layer; })
      .sort(function (a, b) { return ["high", "medium", "low"].indexOf(a.sev) - ["high", "medium", "low"].indexOf(b.sev) || a.rank - b.rank; });
    if (worst.length) {
      box.appendChild(el("h3", "需要关注的单位和委员会（" + worst.length + "）"));
      var list = el("ul");
      worst.slice(0, 12).forEach(function (n) {
        var li = el("li");
        li.appendChild(linkTo(n.id, n.name + "：" + (data.details[n.id].findings || []).map(function (f) { return f.kindZh; }).filter(function (v, i, a) { return a.indexOf(v) === i; }).join("、")));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    (meta.silos || []).forEach(function (silo) {
      box.appendChild(findingBox({ kindZh: "孤岛：" + silo.name, severity: silo.severity, message: silo.message }));
    });
    return true;
  }

  /* filters */
  function fillSelect(name, choices) {
    var select = $("gg-filter-" + name);
    choices.forEach(function (c) { var o = el("option", c[1]); o.value = c[0]; select.appendChild(o); });
    if (!choices.length) select.disabled = true;
    select.addEventListener("change", function () { state[name] = select.value; gg.refresh(true); });
  }
  fillSelect("committee", data.filters.committees);
  fillSelect("area", data.filters.areas);
  fillSelect("category", data.filters.categories);
  gg.setFilter = function (name, value) { $("gg-filter-" + name).value = value; state[name] = value; gg.refresh(true); };
  $("gg-reset").addEventListener("click", function () {
    state.hidden = {}; state.committee = state.area = state.category = "";
    ["committee", "area", "category"].forEach(function (n) { $("gg-filter-" + n).value = ""; });
    Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("gg-off"); });
    gg.refresh(true);
  });
  function updateCount() {
    var n = gg.visibleIds().length;
    $("gg-count").textContent = "显示 " + n + " 个节点，" + gg.edgesView.length + " 条关系";
    $("gg-empty").hidden = n > 0;
  }

  if (data.notice) { $("gg-notice").textContent = data.notice; $("gg-notice").hidden = false; }

  /* the detail panel */
  var detail = $("gg-detail");
  function linkTo(id, text) {
    if (!gg.nodeById.has(id)) return el("span", text);
    var b = el("button", text, "gg-link");
    b.type = "button";
    b.setAttribute("data-node", id);
    b.addEventListener("click", function () { gg.select(id); });
    return b;
  }
  function findingBox(f) {
    var box = el("div", null, "gg-finding gg-sev-" + (f.severity || "none"));
    box.appendChild(el("strong", f.kindZh + (f.severity ? "（" + (SEV_ZH[f.severity] || f.severity) + "）" : "")));
    if (f.message) box.appendChild(el("div", f.message));
    if (f.evidence) box.appendChild(el("div", "依据：" + f.evidence, "gg-evidence"));
    if (f.suggestion) box.appendChild(el("div", "建议：" + f.suggestion));
    return box;
  }
  function showDetail(id) {
    detail.textContent = "";
    detail.removeAttribute("data-node");
    var n = id && gg.nodeById.get(id);
    if (!n) {
      if (!findingsSummary(detail)) detail.appendChild(el("p", "点击节点查看详情；点击方框标题或分组打开该组。", "gg-hint"));
      return;
    }
    detail.setAttribute("data-node", id);
    if (n.kind === "Group") {
      detail.appendChild(el("h2", n.name));
      detail.appendChild(el("p", n.count + " 个成员单位和委员会", "gg-kind"));
      return;
    }
    var d = data.details[id] || { name: n.name, kind: n.kind, rows: [], sections: [] };
    detail.appendChild(el("h2", d.name));
    detail.appendChild(el("p", d.kind + (gg.isVisible(id) ? "" : "（已被筛选隐藏）"), "gg-kind"));
    if (n.gs && state.mode !== "group") {
      Object.keys(n.gs).forEach(function (name) {
        var ov = data.overviews[name];
        if (!ov || name !== state.grouping) return;
        var grp = ov.groups.filter(function (g) { return g.id === n.gs[name]; })[0];
        if (!grp) return;
        var b = el("button", "打开所在的组：" + grp.name, "gg-open-group");
        b.type = "button";
        b.addEventListener("click", function () { gg.openGroup(name, grp.id); });
        detail.appendChild(b);
      });
    }
    if (d.findings && d.findings.length) {
      detail.appendChild(el("h3", "发现的问题"));
      d.findings.forEach(function (f) { detail.appendChild(findingBox(f)); });
    }
    if (d.rows.length) {
      var table = el("table");
      d.rows.forEach(function (r) {
        var tr = el("tr"); tr.appendChild(el("th", r[0])); tr.appendChild(el("td", r[1])); table.appendChild(tr);
      });
      detail.appendChild(table);
    }
    d.sections.forEach(function (sec) {
      var section = el("section");
      section.setAttribute("data-section", sec[0]);
      section.appendChild(el("h3", sec[0] + "（" + sec[1].length + "）"));
      var list = el("ul");
      if (!sec[1].length) list.appendChild(el("li", "无", "gg-none"));
      sec[1].forEach(function (key) {
        var li = el("li"), on = gg.nodeById.get(key);
        li.appendChild(linkTo(key, on ? on.name : (data.names || {})[key] || key));
        list.appendChild(li);
      });
      section.appendChild(list);
      detail.appendChild(section);
    });
  }
  gg.showDetail = showDetail;
  gg.showEdge = function (edgeId) {
    var e = gg.edgeById.get(edgeId);
    if (!e || !e.title) return;
    detail.textContent = "";
    detail.setAttribute("data-edge", String(edgeId));
    var a = gg.nodeById.get(e.from), b = gg.nodeById.get(e.to);
    detail.appendChild(el("h2", (gg.data.styles.edges[e.type] || {}).zh || e.type));
    var p = el("p", null, "gg-kind");
    p.appendChild(linkTo(e.from, a ? a.name : e.from));
    p.appendChild(el("span", " — "));
    p.appendChild(linkTo(e.to, b ? b.name : e.to));
    detail.appendChild(p);
    if (e.bridge) detail.appendChild(findingBox({ kindZh: "关键联系（桥）", severity: "high", message: e.title }));
    else detail.appendChild(el("p", e.title));
  };

  /* where am I: whole network / overview › group › node, and the way back */
  var crumbs = $("gg-crumbs");
  function crumb(text, action, current) {
    var li = el("li");
    if (current) li.appendChild(el("span", text, "gg-here"));
    else { var b = el("button", text, "gg-link"); b.type = "button"; b.addEventListener("click", action); li.appendChild(b); }
    crumbs.appendChild(li);
  }
  function groupName(grouping, gid) {
    var ov = data.overviews[grouping];
    var grp = ov && ov.groups.filter(function (g) { return g.id === gid; })[0];
    return grp ? grp.name : gid;
  }
  var groupingSelect = $("gg-grouping");
  var pick = el("option", "选择分组…");
  pick.value = "";
  groupingSelect.appendChild(pick);
  Object.keys(data.overviews || {}).forEach(function (name) {
    var o = el("option", "按" + data.overviews[name].zh + "（" + data.overviews[name].groups.length + " 组）");
    o.value = name;
    groupingSelect.appendChild(o);
  });
  if (groupingSelect.options.length < 2) groupingSelect.parentNode.hidden = true;
  groupingSelect.addEventListener("change", function () { if (groupingSelect.value) gg.openOverview(groupingSelect.value); });
  function updateCrumbs() {
    crumbs.textContent = "";
    var m = state.mode, sel = state.sel && gg.nodeById.get(state.sel);
    if (m === "overview") crumb("分组概览（按" + data.overviews[state.grouping].zh + "）", null, !sel);
    else crumb("全图", gg.showAll, m === "net" && !sel);
    if (m === "group") {
      crumb(groupName(state.grouping, state.group), function () { gg.go({ sel: null }); }, !sel);
    }
    if (sel) crumb(sel.name, null, true);
    $("gg-back").disabled = !gg.canGoBack();
    groupingSelect.value = m === "overview" ? state.grouping : "";
    Array.prototype.forEach.call(document.querySelectorAll("#gg-layers input"), function (b) {
      b.checked = state.layers.indexOf(b.getAttribute("data-layer")) >= 0;
    });
    document.body.setAttribute("data-mode", m);
    updateCount();
    showDetail(state.sel);
  }
  gg.hooks.state.push(updateCrumbs);
  $("gg-back").addEventListener("click", function () { gg.back(); });
  $("gg-all").addEventListener("click", gg.showAll);
  $("gg-zoom-in").addEventListener("click", function () { gg.zoomBy(1.4); });
  $("gg-zoom-out").addEventListener("click", function () { gg.zoomBy(1 / 1.4); });
  $("gg-fit").addEventListener("click", function () { gg.fit(); });

  /* search: any part of a name, case-insensitive; units first */
  var input = $("gg-search-input"), results = $("gg-search-results");
  var kindZh = {};
  data.legend.forEach(function (l) { kindZh[l.type] = l.name; });
  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var found = data.nodes.filter(function (n) { return String(n.name).toLowerCase().indexOf(q) >= 0; });
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
  gg.search = function (text) { return search(text).map(function (n) { return n.id; }); };
  function showResults() {
    var found = search(input.value);
    results.textContent = "";
    results.hidden = !input.value.trim();
    if (!found.length) { results.appendChild(el("li", "没有找到", "gg-none")); return; }
    found.slice(0, 30).forEach(function (n) {
      var li = el("li"), b = el("button");
      b.type = "button";
      b.setAttribute("data-node", n.id);
      b.appendChild(el("span", n.name));
      b.appendChild(el("span", kindZh[n.type] || n.kind, "gg-kind"));
      b.addEventListener("click", function () { gg.select(n.id); results.hidden = true; });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (found.length > 30) results.appendChild(el("li", "…共 " + found.length + " 个结果", "gg-none"));
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var f = search(input.value); if (f.length) { gg.select(f[0].id); results.hidden = true; } }
    else if (ev.key === "Escape") results.hidden = true;
  });

  updateCrumbs();
})();
