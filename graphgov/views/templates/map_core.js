/* graphgov map, part 1 of 4: data, what is shown (modes, layers, filters), selection, the URL fragment.
   Every text from the data goes into the page through textContent or setAttribute, never as HTML. */
(function () {
  "use strict";
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("gg-data").textContent);
  timings.parsed = performance.now();
  var S = data.styles || { nodes: {}, edges: {}, severity: {} };
  var gg = window.graphgov = {
    data: data, timings: timings, ready: false, renderedAt: null,
    hooks: { draw: [], beforeDraw: [], state: [] }
  };
  var FADE = 0.12;
  var nodeById = new Map(), childrenOf = new Map();
  /* the file holds nodes without empty fields and edges as columns (see MapData.to_json): unpack */
  var typeZh = {};
  data.legend.forEach(function (l) { typeZh[l.type] = l.name; });
  var TIE_LAYERS = [[1, "同属委员会"], [2, "共同参与项目"], [4, "共建协议"], [8, "党组织隶属"]];
  data.nodes.forEach(function (n) {
    n.text = n.text || n.name;
    n.cm = n.cm || []; n.ar = n.ar || []; n.ct = n.ct || []; n.gs = n.gs || {};
    n.layer = n.layer || null; n.own = n.own || null;
    var found = ((data.details[n.id] || {}).findings || []).filter(function () { return n.flag; })
      .map(function (f) { return f.kindZh; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
    n.title = n.name + "\n" + (typeZh[n.type] || n.kind) + (found.length ? "\n" + found.join("；") : "");
  });
  var cols = data.edges;
  data.edges = cols.from.map(function (f, i) {
    var e = { id: i, from: data.nodes[f].id, to: data.nodes[cols.to[i]].id, type: cols.types[cols.type[i]] };
    if (cols.w[i]) e.w = cols.w[i];
    if (cols.more[i]) Object.assign(e, cols.more[i]);
    if (e.type === "TIE") {
      e.title = "联系强度 " + (+e.w.toFixed(2)) + "：" + TIE_LAYERS.filter(function (b) { return cols.m[i] & b[0]; })
        .map(function (b) { return b[1]; }).join("、");
    }
    return e;
  });
  data.nodes.forEach(function (n) {
    nodeById.set(n.id, n);
    if (n.own) {
      if (!childrenOf.has(n.own)) childrenOf.set(n.own, []);
      childrenOf.get(n.own).push(n.id);
    }
  });
  gg.nodeById = nodeById;

  /* colour and shape come from one vis group per node type: a node record stays small, and
     vis-network builds 10,000 of them in a fraction of the time per-node styles take */
  function groupStyle(type) {
    var st = S.nodes[type] || { colour: "#607d8b", shape: "dot" };
    return { shape: st.shape, color: { background: st.colour, border: st.colour, highlight: { background: st.colour, border: "#000" },
                                        hover: { background: st.colour, border: "#000" } } };
  }
  function nodeStyle(n) {
    var rec = { id: n.id, x: n.x, y: n.y, size: n.size, group: n.type, title: n.title };
    if (n.sev) {
      var st = S.nodes[n.type] || { colour: "#607d8b" };
      rec.borderWidth = 5;
      rec.color = { background: st.colour, border: S.severity[n.sev] || "#d50000", highlight: { background: st.colour, border: "#000" } };
    }
    return rec;
  }
  // dashes and arrowheads cost more to draw than the line: a map of many thousand ties draws plain lines
  var PLAIN = cols.from.length > 6000;
  function edgeStyle(e) {
    var st = S.edges[e.type] || { colour: "#90a4ae", dashes: false, width: 1, arrow: false };
    var width = st.width;
    if (e.type === "TIE") width = Math.min(1 + 1.6 * Math.log(1 + (e.w || 0)) / Math.LN2, 6);
    if (e.type === "GROUP_TIE") width = Math.min(1 + Math.log(e.c || 1) / Math.LN2, 8);
    // weak ties (a shared party line) stay faint, strong ones (joint projects, agreements) show
    var opacity = e.type === "TIE" ? 0.12 + 0.5 * Math.min((e.w || 0) / 3, 1) : e.type === "MEMBER_OF" ? 0.45 : 0.75;
    var rec = { id: e.id, from: e.from, to: e.to, width: width, dashes: st.dashes, title: e.title,
                color: { color: st.colour, opacity: opacity } };
    if (e.bridge) { rec.color = { color: "#d50000", opacity: 1 }; rec.width = 5; rec.dashes = [10, 5]; }
    if (st.arrow && !PLAIN) rec.arrows = { to: { enabled: true, scaleFactor: 0.45 } };
    if (PLAIN && !e.bridge && e.type !== "MATCH" && e.type !== "SUGGESTED_TIE") rec.dashes = false;
    return rec;
  }

  /* overview nodes: one per group of each grouping, ids "G|grouping|group" */
  var groupNodes = [], groupEdges = [];
  var edgeById = new Map();
  Object.keys(data.overviews || {}).forEach(function (name) {
    var ov = data.overviews[name];
    ov.groups.forEach(function (grp) {
      var id = "G|" + name + "|" + grp.id;
      var n = { id: id, text: grp.label, name: grp.name, kind: "Group", type: "Group", grouping: name, group: grp.id,
                size: grp.size, x: grp.x, y: grp.y, rank: -grp.count, count: grp.count,
                title: grp.name + "\n" + grp.count + " 个成员单位和委员会（点击打开）" };
      nodeById.set(id, n);
      groupNodes.push(n);
    });
    ov.ties.forEach(function (t, i) {
      var e = { id: "GE|" + name + "|" + i, from: "G|" + name + "|" + t[0], to: "G|" + name + "|" + t[1],
                type: "GROUP_TIE", c: t[2], grouping: name, title: t[2] + " 条联系" };
      groupEdges.push(e);
    });
  });
  S.nodes.Group = S.nodes.Group || { colour: "#546e7a", shape: "dot" };
  data.options.groups = {};
  Object.keys(S.nodes).forEach(function (type) { data.options.groups[type] = groupStyle(type); });
  var allEdges = data.edges.concat(groupEdges);
  allEdges.forEach(function (e) { edgeById.set(e.id, e); });
  gg.edgeById = edgeById;

  var nodes = new vis.DataSet(data.nodes.concat(groupNodes).map(nodeStyle));
  var edges = new vis.DataSet(allEdges.map(edgeStyle));
  timings.datasets = performance.now();

  var groupings = Object.keys(data.overviews || {});
  var start = data.start || {};
  var state = {
    mode: start.mode || "net", grouping: start.grouping || groupings[0] || null, group: null,
    sel: start.select || null, layers: (start.layers || []).slice(), hidden: {},
    committee: "", area: "", category: ""
  };
  gg.state = state;
  var visible = new Set(), visibleEdges = new Set();

  function passesFilters(n) {
    if (state.hidden[n.type]) return false;
    if (state.committee && (n.cm || []).indexOf(state.committee) < 0) return false;
    if (state.area && (n.ar || []).indexOf(state.area) < 0) return false;
    if (state.category && (n.ct || []).indexOf(state.category) < 0) return false;
    if (state.mode === "group" && (n.gs || {})[state.grouping] !== state.group) return false;
    return true;
  }

  function computeVisible() {
    var next = new Set();
    if (state.mode === "overview") {
      groupNodes.forEach(function (n) { if (n.grouping === state.grouping) next.add(n.id); });
    } else {
      var layers = new Set(state.layers);
      var sel = state.sel && nodeById.get(state.sel);
      data.nodes.forEach(function (n) { if (!n.layer && passesFilters(n)) next.add(n.id); });
      data.nodes.forEach(function (n) {
        if (!n.layer) return;
        // a layer node shows when its layer is on, or beside its selected unit, or when selected itself
        var wanted = layers.has(n.layer) || (sel && n.own === sel.id) || n.id === state.sel;
        if (!wanted || !passesFilters(n)) return;
        if (n.own && !next.has(n.own) && n.id !== state.sel) return;
        next.add(n.id);
      });
    }
    visible = next;
    var ve = new Set();
    allEdges.forEach(function (e) {
      if (visible.has(e.from) && visible.has(e.to) && !state.hidden["edge:" + e.type]) ve.add(e.id);
    });
    visibleEdges = ve;
  }
  computeVisible();

  var nodesView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
  var edgesView = new vis.DataView(edges, { filter: function (e) { return visibleEdges.has(e.id); } });
  var container = document.getElementById("gg-network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, data.options);
  timings.network = performance.now();
  Object.assign(gg, { nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView, network: network });
  gg.visibleIds = function () { return Array.from(visible); };
  gg.isVisible = function (id) { return visible.has(id); };

  network.on("beforeDrawing", function (ctx) { gg.hooks.beforeDraw.forEach(function (f) { f(ctx); }); });
  network.on("afterDrawing", function (ctx) {
    gg.hooks.draw.forEach(function (f) { f(ctx); });
    // ready once a frame is drawn with every part of the page script loaded (labels included)
    if (gg.loaded && !gg.ready) { gg.ready = true; gg.renderedAt = timings.drawn = performance.now(); }
  });

  /* zoom: never so far out that the drawing is a speck, never so far in that one node fills the screen */
  var limits = { min: 0.05, max: 3 };
  function fit(ids) {
    var list = ids || Array.from(visible);
    if (!list.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    list.forEach(function (id) {
      var n = nodeById.get(id);
      if (!n) return;
      x0 = Math.min(x0, n.x - n.size); x1 = Math.max(x1, n.x + n.size);
      y0 = Math.min(y0, n.y - n.size); y1 = Math.max(y1, n.y + n.size);
    });
    if (state.mode !== "overview" && !ids) (data.boxes || []).forEach(function (b) {
      // the boxes frame their members: in a group, only its own box
      if (state.mode === "group" && b[0] !== state.group) return;
      if (state.mode === "net" && (state.committee || state.area || state.category)) return;
      x0 = Math.min(x0, b[2]); y0 = Math.min(y0, b[3]); x1 = Math.max(x1, b[4]); y1 = Math.max(y1, b[5]);
    });
    var w = container.clientWidth || 800, h = container.clientHeight || 600;
    var margin = 40, labelRoom = 30;
    var scale = Math.min((w - 2 * margin) / Math.max(x1 - x0, 1), (h - 2 * margin - labelRoom) / Math.max(y1 - y0, 1));
    scale = Math.min(scale, ids ? 1.4 : 1.2);
    if (!ids) gg.baseScale = scale;  // the zoom at which only the most important labels show
    limits.min = Math.min((gg.baseScale || scale) * 0.5, 0.5);
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 + labelRoom / 2 / scale }, scale: scale, animation: false });
  }
  gg.fit = fit;
  network.on("zoom", function () {
    var s = network.getScale();
    if (s < limits.min || s > limits.max) network.moveTo({ scale: Math.max(limits.min, Math.min(limits.max, s)), animation: false });
  });
  gg.zoomBy = function (factor) {
    network.moveTo({ scale: Math.max(limits.min, Math.min(limits.max, network.getScale() * factor)), animation: false });
  };

  /* selection: the node and its neighbours stand out, the rest fade */
  var faded = new Set(), fadedEdges = new Set();
  function neighbours(id) {
    var out = new Set();
    allEdges.forEach(function (e) {
      if (!visibleEdges.has(e.id)) return;
      if (e.from === id) out.add(e.to); else if (e.to === id) out.add(e.from);
    });
    return out;
  }
  gg.neighbours = function (id) { return Array.from(neighbours(id)); };
  function applyFade() {
    var keep = null, keepEdges = null;
    if (state.sel && visible.has(state.sel)) {
      keep = neighbours(state.sel);
      keep.add(state.sel);
      keepEdges = new Set();
      allEdges.forEach(function (e) { if (e.from === state.sel || e.to === state.sel) keepEdges.add(e.id); });
    }
    var nodeUpdates = [], edgeUpdates = [];
    var nextFaded = new Set(), nextFadedEdges = new Set();
    if (keep) {
      visible.forEach(function (id) { if (!keep.has(id)) nextFaded.add(id); });
      visibleEdges.forEach(function (id) { if (!keepEdges.has(id)) nextFadedEdges.add(id); });
    }
    nextFaded.forEach(function (id) { if (!faded.has(id)) nodeUpdates.push({ id: id, opacity: FADE }); });
    faded.forEach(function (id) { if (!nextFaded.has(id)) nodeUpdates.push({ id: id, opacity: 1 }); });
    nextFadedEdges.forEach(function (id) {
      if (!fadedEdges.has(id)) { var c = Object.assign({}, edges.get(id).color, { opacity: 0.06 }); edgeUpdates.push({ id: id, color: c }); }
    });
    fadedEdges.forEach(function (id) {
      if (!nextFadedEdges.has(id)) edgeUpdates.push({ id: id, color: edgeStyle(edgeById.get(id)).color });
    });
    faded = nextFaded; fadedEdges = nextFadedEdges;
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    gg.highlighted = keep;
  }

  function refresh(refit) {
    computeVisible();
    nodesView.refresh();
    edgesView.refresh();
    applyFade();
    if (state.sel && visible.has(state.sel)) {
      network.selectNodes([state.sel]);
      if (refit) fit([state.sel].concat(Array.from(neighbours(state.sel))));
    } else {
      network.unselectAll();
      if (refit && visible.size) fit();
    }
    gg.hooks.state.forEach(function (f) { f(state); });
    network.redraw();
  }
  gg.refresh = refresh;

  /* the view in the URL fragment: #v=group&g=committee&grp=Committee:C02&sel=Unit:U017&l=Need,Resource */
  function encodeState() {
    var p = new URLSearchParams();
    p.set("v", state.mode);
    if (state.grouping) p.set("g", state.grouping);
    if (state.mode === "group" && state.group) p.set("grp", state.group);
    if (state.sel) p.set("sel", state.sel);
    if (state.layers.length) p.set("l", state.layers.join(","));
    return "#" + p.toString();
  }
  function decodeState(hash) {
    var p = new URLSearchParams((hash || "").replace(/^#/, ""));
    if (!p.get("v")) return null;
    var next = { mode: p.get("v"), grouping: p.get("g") || state.grouping, group: p.get("grp"), sel: p.get("sel"),
                 layers: p.get("l") ? p.get("l").split(",") : [] };
    if (["net", "overview", "group"].indexOf(next.mode) < 0) return null;
    if (next.grouping && groupings.indexOf(next.grouping) < 0) next.grouping = groupings[0] || null;
    if ((next.mode !== "net") && !next.grouping) next.mode = "net";
    if (next.sel && !nodeById.has(next.sel)) next.sel = null;
    return next;
  }
  var trail = [];
  var historyWorks = true;
  function snapshot() { return { mode: state.mode, grouping: state.grouping, group: state.group, sel: state.sel, layers: state.layers.slice() }; }
  function apply(next, refit) {
    Object.assign(state, next);
    refresh(refit !== false);
  }
  /* one step of the planner's way through the map: remembered for the back button and the browser */
  function go(next) {
    trail.push(snapshot());
    apply(Object.assign(snapshot(), next));
    try { history.pushState(null, "", encodeState()); } catch (err) { historyWorks = false; }
  }
  gg.go = go;
  gg.back = function () {
    if (!trail.length) return false;
    if (historyWorks) { try { history.back(); return true; } catch (err) { historyWorks = false; } }
    apply(trail.pop());
    return true;
  };
  gg.canGoBack = function () { return trail.length > 0; };
  gg.setLayers = function (layers) {
    state.layers = layers.slice();
    refresh(false);
    try { history.replaceState(null, "", encodeState()); } catch (err) { historyWorks = false; }
  };
  window.addEventListener("popstate", function () {
    var next = decodeState(location.hash);
    if (trail.length) trail.pop();
    if (next) apply(next); else if (start) apply({ mode: start.mode || "net", grouping: start.grouping || groupings[0] || null,
                                                  group: null, sel: start.select || null, layers: (start.layers || []).slice() });
  });

  gg.select = function (id) {
    if (!nodeById.has(id)) return;
    var n = nodeById.get(id);
    if (n.kind === "Group") { gg.openGroup(n.grouping, n.group); return; }
    // a node outside the open group (or in the overview) is shown in the whole network
    var inGroup = state.mode === "group" && (n.gs || {})[state.grouping] === state.group;
    if (state.mode === "overview" || (state.mode === "group" && !inGroup)) { go({ mode: "net", group: null, sel: id }); return; }
    go({ sel: id });
  };
  gg.clearSelection = function () { if (state.sel) go({ sel: null }); };
  gg.openGroup = function (grouping, group) { go({ mode: "group", grouping: grouping, group: group, sel: null }); };
  gg.openOverview = function (grouping) { go({ mode: "overview", grouping: grouping || state.grouping, group: null, sel: null }); };
  gg.showAll = function () { go({ mode: "net", group: null, sel: null }); };

  network.on("click", function (params) {
    if (params.nodes.length) { gg.select(params.nodes[0]); return; }
    var box = gg.boxAt && gg.boxAt(params.pointer.DOM);
    if (box) { gg.openGroup(box.grouping, box.id); return; }
    if (params.edges.length && gg.showEdge) { gg.showEdge(params.edges[0]); return; }
    gg.clearSelection();
  });

  /* the page opens on the fragment when it names a view, else as the map was written */
  var initial = decodeState(location.hash);
  if (initial) { Object.assign(state, initial); refresh(true); }
  else {
    // the views were built on this state already: only the selection, the fade and the fit are left
    applyFade();
    if (state.sel && visible.has(state.sel)) {
      network.selectNodes([state.sel]);
      fit([state.sel].concat(Array.from(neighbours(state.sel))));
    } else fit();
  }
  try { history.replaceState(null, "", encodeState()); } catch (err) { historyWorks = false; }
  gg.encodeState = encodeState;
})();
