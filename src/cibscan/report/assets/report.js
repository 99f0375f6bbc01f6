/* cibscan report: builds the page from the embedded JSON.
 *
 * Every string in the data was written by the people being investigated. This script only
 * ever puts data into the page as text (textContent / text nodes), never as markup; it sets an
 * href only for https: addresses on the platform hosts cibscan builds links for, and an image
 * src only for data:image/png|jpeg URIs. Invisible and direction-changing characters are shown
 * as visible markers such as [U+202E], so that what a reader sees is what the data holds.
 */
(function () {
  "use strict";

  var STARTED = performance.now();
  var DATA = JSON.parse(document.getElementById("cibscan-data").textContent);
  var SAFE_HOSTS = window.CIBSCAN_SAFE_HOSTS || [];
  var PAGE_SIZE = 50;

  // ---- text, elements, links -------------------------------------------------------------
  // C0/C1 controls, soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width and
  // bidirectional controls, word joiner and invisible operators, BOM.
  var INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

  function codepoint(ch) {
    return "[U+" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "]";
  }

  /** A string with its invisible characters replaced by visible [U+XXXX] markers. */
  function visible(s) {
    if (s === null || s === undefined) return "";
    return String(s).replace(INVISIBLE, codepoint);
  }

  /** Text nodes for a data string; invisible characters become marked spans. */
  function txt(s) {
    var frag = document.createDocumentFragment();
    if (s === null || s === undefined) return frag;
    s = String(s);
    var last = 0;
    s.replace(INVISIBLE, function (ch, at) {
      if (at > last) frag.appendChild(document.createTextNode(s.slice(last, at)));
      var mark = document.createElement("span");
      mark.className = "ctl";
      mark.textContent = codepoint(ch);
      frag.appendChild(mark);
      last = at + ch.length;
      return ch;
    });
    if (last < s.length) frag.appendChild(document.createTextNode(s.slice(last)));
    return frag;
  }

  /** el("div", {className: "x"}, child, ...): children are nodes or data strings (as text). */
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (Object.prototype.hasOwnProperty.call(props, k) && props[k] !== undefined && props[k] !== null) {
          if (k === "dataset") {
            for (var d in props.dataset) node.dataset[d] = props.dataset[d];
          } else {
            node[k] = props[k];
          }
        }
      }
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    if (child instanceof Node) node.appendChild(child);
    else node.appendChild(txt(child));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /** The address when it is https: on a host cibscan links to, else null. */
  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      var u = new URL(url);
      if (u.protocol === "https:" && SAFE_HOSTS.indexOf(u.hostname) >= 0 && !u.username && !u.password) return u.href;
    } catch (e) { /* not a URL */ }
    return null;
  }

  function extLink(url, label) {
    var href = safeHref(url);
    if (!href) return null;
    return el("a", {href: href, target: "_blank", rel: "noopener noreferrer nofollow", className: "ext", title: "Open the original (" + new URL(href).hostname + ")"}, label || "\u2197");
  }

  function safeImage(uri) {
    return typeof uri === "string" && /^data:image\/(png|jpeg);base64,[A-Za-z0-9+\/=]+$/.test(uri) ? uri : null;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en") : String(Math.round(v * 1000) / 1000);
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (Array.isArray(v)) return v.map(fmt).join(", ");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function rowsAsObjects(tbl) {
    if (!tbl) return [];
    return tbl.rows.map(function (r) {
      var o = {};
      tbl.columns.forEach(function (c, i) { o[c] = r[i]; });
      return o;
    });
  }

  function truncNote(tbl, what) {
    if (tbl && tbl.total > tbl.rows.length)
      return el("p", {className: "note"}, "Showing the first " + fmt(tbl.rows.length) + " of " + fmt(tbl.total) + " " + what + " (the exports hold them all).");
    return null;
  }

  // ---- lookups -------------------------------------------------------------------------
  var ACCOUNTS = new Map();
  rowsAsObjects(DATA.accounts).forEach(function (a) { ACCOUNTS.set(String(a.account_id), a); });
  var POSTS = new Map();
  rowsAsObjects(DATA.posts).forEach(function (p) { if (!POSTS.has(String(p.post_id))) POSTS.set(String(p.post_id), p); });
  var FINDINGS = rowsAsObjects(DATA.findings);
  var FINDING_BY_KEY = new Map();
  FINDINGS.forEach(function (f) { FINDING_BY_KEY.set(f.finding_key, f); });

  function handleOf(id) {
    var a = ACCOUNTS.get(String(id));
    return a && a.handle ? "@" + a.handle : String(id);
  }

  /** An account as a chip: @handle, display name, link to the profile where ids allow. */
  function accountChip(id, role) {
    var a = ACCOUNTS.get(String(id));
    var chip = el("span", {className: "acct", title: "account id " + visible(id)});
    chip.appendChild(el("span", {className: "handle"}, a && a.handle ? "@" + a.handle : String(id)));
    if (a && a.display_name) chip.appendChild(el("span", {className: "dname"}, a.display_name));
    if (role && role !== "member") chip.appendChild(el("span", {className: "role"}, role));
    var l = a && extLink(a.url);
    if (l) chip.appendChild(l);
    return chip;
  }

  function confBadge(c) {
    return el("span", {className: "conf conf-" + (["high", "medium", "low"].indexOf(c) >= 0 ? c : "other")}, c);
  }

  // ---- sortable, filterable, paged tables ------------------------------------------------
  var ACCOUNT_COLUMNS = ["account_id", "original_id", "impersonator_id", "account_a", "account_b"];
  var SELECT_COLUMNS = ["confidence", "detector", "kind", "key_kind", "lookalike_class", "role", "platform", "format", "reason"];

  /**
   * DataTable({columns: [{name, label, render, filter: "select"}], rows: [[...]], onRow})
   * rows are arrays in column order; render(value, row) returns a node or a string.
   */
  function DataTable(opts) {
    var cols = opts.columns, rows = opts.rows;
    var state = {q: "", sel: {}, sort: opts.sort === undefined ? -1 : opts.sort, dir: opts.dir || -1, page: 0};
    var root = el("div", {className: "dt"});
    if (opts.id) root.id = opts.id;
    var controls = el("div", {className: "dt-controls"});
    var search = el("input", {type: "search", placeholder: "Filter rows\u2026", className: "dt-search", ariaLabel: "Filter rows"});
    controls.appendChild(search);
    var selects = [];
    cols.forEach(function (c, i) {
      if (c.filter !== "select") return;
      var values = Array.from(new Set(rows.map(function (r) { return r[i] === null || r[i] === undefined ? "" : String(r[i]); }))).sort();
      if (values.length < 2 || values.length > 60) return;
      var s = el("select", {className: "dt-select", ariaLabel: c.label, dataset: {column: c.name}});
      s.appendChild(el("option", {value: ""}, c.label + ": all"));
      values.forEach(function (v) { s.appendChild(el("option", {value: v}, c.label + ": " + visible(v))); });
      s.addEventListener("change", function () { state.sel[i] = s.value; state.page = 0; draw(); });
      selects.push(s);
      controls.appendChild(s);
    });
    var count = el("span", {className: "dt-count"});
    controls.appendChild(count);
    root.appendChild(controls);
    var table = el("table", {className: "dt-table"});
    var thead = el("thead"), tr = el("tr");
    cols.forEach(function (c, i) {
      var th = el("th", {scope: "col", title: "Sort by " + c.label}, c.label);
      th.addEventListener("click", function () {
        if (state.sort === i) state.dir = -state.dir; else { state.sort = i; state.dir = c.numeric ? -1 : 1; }
        state.page = 0;
        draw();
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el("tbody");
    table.appendChild(tbody);
    root.appendChild(el("div", {className: "dt-scroll"}, table));
    var pager = el("div", {className: "dt-pager"});
    var prev = el("button", {type: "button"}, "\u2190 previous"), next = el("button", {type: "button"}, "next \u2192");
    var pageLabel = el("span");
    prev.addEventListener("click", function () { state.page--; draw(); });
    next.addEventListener("click", function () { state.page++; draw(); });
    pager.appendChild(prev); pager.appendChild(pageLabel); pager.appendChild(next);
    root.appendChild(pager);
    var haystack = null;
    search.addEventListener("input", function () { state.q = search.value.toLowerCase(); state.page = 0; draw(); });

    function draw() {
      if (!haystack && state.q) haystack = rows.map(function (r) { return r.map(fmt).join("\u0001").toLowerCase(); });
      var idx = [];
      for (var j = 0; j < rows.length; j++) {
        var r = rows[j], ok = true;
        for (var k in state.sel) {
          if (state.sel[k] !== "" && String(r[k] === null || r[k] === undefined ? "" : r[k]) !== state.sel[k]) { ok = false; break; }
        }
        if (ok && state.q && haystack[j].indexOf(state.q) < 0) ok = false;
        if (ok) idx.push(j);
      }
      if (state.sort >= 0) {
        var s = state.sort, d = state.dir;
        idx.sort(function (a, b) {
          var x = rows[a][s], y = rows[b][s];
          if (x === y) return a - b;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * d;
        });
      }
      var pages = Math.max(1, Math.ceil(idx.length / PAGE_SIZE));
      state.page = Math.min(Math.max(0, state.page), pages - 1);
      clear(tbody);
      idx.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE).forEach(function (j) {
        var r = rows[j], row = el("tr");
        cols.forEach(function (c, i) {
          var v = r[i];
          row.appendChild(el("td", {className: c.numeric ? "num" : ""}, c.render ? c.render(v, r) : fmt(v)));
        });
        if (opts.onRow) {
          row.className = "clickable";
          row.tabIndex = 0;
          row.addEventListener("click", function () { markSelected(row); opts.onRow(r); });
          row.addEventListener("keydown", function (e) { if (e.key === "Enter") { markSelected(row); opts.onRow(r); } });
        }
        tbody.appendChild(row);
      });
      count.textContent = fmt(idx.length) + " of " + fmt(rows.length) + " rows";
      root.dataset.shown = String(idx.length);
      pageLabel.textContent = " page " + (state.page + 1) + " / " + pages + " ";
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      Array.from(thead.querySelectorAll("th")).forEach(function (th, i) {
        th.className = i === state.sort ? (state.dir > 0 ? "sorted asc" : "sorted desc") : "";
      });
    }

    function markSelected(row) {
      Array.from(tbody.querySelectorAll("tr.selected")).forEach(function (r) { r.classList.remove("selected"); });
      row.classList.add("selected");
    }

    draw();
    return root;
  }

  /** A DataTable for a report table {columns, rows}, with sensible renderers by column name. */
  function autoTable(tbl, opts) {
    opts = opts || {};
    var hide = opts.hide || [];
    var keep = [];
    tbl.columns.forEach(function (c, i) { if (hide.indexOf(c) < 0) keep.push(i); });
    var sample = tbl.rows.slice(0, 50);
    var columns = keep.map(function (i) {
      var name = tbl.columns[i];
      var numeric = sample.length > 0 && sample.every(function (r) { return r[i] === null || typeof r[i] === "number"; });
      var c = {name: name, label: name.replace(/_/g, " "), numeric: numeric};
      if (SELECT_COLUMNS.indexOf(name) >= 0) c.filter = "select";
      if (name === "confidence") c.render = confBadge;
      else if (ACCOUNT_COLUMNS.indexOf(name) >= 0) c.render = function (v) { return v === null ? "" : accountChip(v); };
      else if (opts.render && opts.render[name]) c.render = opts.render[name];
      return c;
    });
    var rows = tbl.rows.map(function (r) {
      var shown = keep.map(function (i) { return r[i]; });
      shown.full = r;  // onRow hears the whole row, hidden columns included
      return shown;
    });
    var sortIdx = opts.sort ? keep.indexOf(tbl.columns.indexOf(opts.sort)) : -1;
    var onRow = opts.onRow ? function (r) { opts.onRow(r.full); } : undefined;
    return DataTable({columns: columns, rows: rows, onRow: onRow, id: opts.id, sort: sortIdx, dir: opts.dir || -1});
  }

  // ---- evidence and finding details ------------------------------------------------------
  function postLine(id) {
    var p = POSTS.get(String(id));
    if (!p) return el("li", {className: "post"}, el("code", null, String(id)), el("span", {className: "muted"}, " (post not in this workspace)"));
    return el("li", {className: "post"},
      el("span", {className: "when"}, p.created_at || ""), " ",
      accountChip(p.account_id), " ",
      el("span", {className: "kind"}, p.kind || ""), " ",
      extLink(p.url, "open original \u2197"),
      el("div", {className: "text"}, p.text || ""));
  }

  function evidenceList(key) {
    var items = (DATA.evidence || {})[key] || [];
    var box = el("div", {className: "evidence"});
    if (!items.length) { box.appendChild(el("p", {className: "muted"}, "No itemised evidence stored for this finding.")); return box; }
    items.forEach(function (e) {
      var card = el("div", {className: "ev"});
      card.appendChild(el("div", {className: "ev-head"}, el("strong", null, e.what || ""), e.at ? el("span", {className: "when"}, " " + e.at) : null));
      if (e.detail) card.appendChild(el("p", null, e.detail));
      if (e.target) card.appendChild(el("p", null, "target: ", el("code", {className: "target"}, e.target)));
      var vals = e.values && typeof e.values === "object" ? Object.keys(e.values) : [];
      if (vals.length) card.appendChild(el("p", {className: "values"}, vals.map(function (k) { return k + " = " + fmt(e.values[k]); }).join(" \u00b7 ")));
      if (e.accounts && e.accounts.length) {
        card.appendChild(el("div", {className: "chips"}, e.accounts.map(function (a) { return accountChip(a); }),
          e.more_accounts ? el("span", {className: "muted"}, " and " + e.more_accounts + " more") : null));
      }
      if (e.posts && e.posts.length) {
        card.appendChild(el("ul", {className: "posts"}, e.posts.map(postLine)));
        if (e.more_posts) card.appendChild(el("p", {className: "muted"}, "and " + e.more_posts + " more posts"));
      }
      box.appendChild(card);
    });
    return box;
  }

  function findingDetail(f) {
    var box = el("div", {className: "finding-detail", dataset: {key: f.finding_key}});
    box.appendChild(el("h3", null, f.title || f.finding_key));
    box.appendChild(el("p", null, confBadge(f.confidence), " score " + fmt(f.score) + " \u00b7 " + f.detector + " / " + f.kind + " \u00b7 " + fmt(f.n_accounts) + " accounts"));
    if (f.summary) box.appendChild(el("p", {className: "summary"}, f.summary));
    var m = f.metrics && typeof f.metrics === "object" ? f.metrics : {};
    var mk = Object.keys(m);
    if (mk.length) {
      var dl = el("dl", {className: "metrics"});
      mk.forEach(function (k) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, fmt(m[k]))); });
      box.appendChild(dl);
    }
    var members = (DATA.members || {})[f.finding_key] || [];
    if (members.length) {
      box.appendChild(el("h4", null, "Accounts (" + fmt(f.n_accounts) + ")"));
      box.appendChild(el("div", {className: "chips members"}, members.map(function (m) { return accountChip(m[0], m[1]); })));
      if (f.n_accounts > members.length) box.appendChild(el("p", {className: "muted"}, "Showing " + members.length + " of " + fmt(f.n_accounts) + "."));
    }
    box.appendChild(el("h4", null, "Evidence"));
    box.appendChild(evidenceList(f.finding_key));
    return box;
  }

  // ---- sections ----------------------------------------------------------------------------
  var SECTIONS = [];
  function section(id, label, build, when) {
    if (when === false) return;
    SECTIONS.push({id: id, label: label, build: build});
  }

  function card(label, value) {
    return el("div", {className: "card"}, el("div", {className: "card-value"}, value), el("div", {className: "card-label"}, label));
  }

  function buildOverview(root) {
    var o = DATA.overview;
    root.appendChild(el("h2", null, "Overview"));
    root.appendChild(el("div", {className: "cards"},
      card("posts", fmt(o.posts)), card("accounts", fmt(o.accounts)), card("rejected records", fmt(o.rejects)),
      card("findings", fmt(DATA.findings.total)),
      card("flagged accounts", fmt(DATA.accounts_ranked ? DATA.accounts_ranked.total : 0))));
    root.appendChild(el("p", null, o.first_post ? "Posts from " + o.first_post + " to " + o.last_post + " (UTC)." : "No posts ingested."));
    var kv = function (obj) { return Object.keys(obj || {}).map(function (k) { return k + " " + fmt(obj[k]); }).join(", "); };
    if (o.posts_by_platform && Object.keys(o.posts_by_platform).length) root.appendChild(el("p", null, "By platform: " + kv(o.posts_by_platform) + ". By kind: " + kv(o.posts_by_kind) + "."));
    root.appendChild(el("h3", null, "What was ingested"));
    var src = {columns: ["path", "format", "posts", "accounts", "rejects", "duplicates"], rows: (o.sources || []).map(function (s) { return [s.path, s.format, s.posts, s.accounts, s.rejects, s.duplicates]; })};
    root.appendChild(autoTable(src, {id: "sources-table"}));
    root.appendChild(el("h3", null, "Rejected records by reason"));
    if (!o.rejects_by_reason.length) root.appendChild(el("p", {className: "muted"}, "No record was rejected."));
    o.rejects_by_reason.forEach(function (r) {
      var d = el("details", {className: "rejects"});
      d.appendChild(el("summary", null, fmt(r.n) + " \u00d7 " + visible(r.reason)));
      r.examples.forEach(function (x) {
        d.appendChild(el("div", {className: "reject"}, el("div", {className: "muted"}, x.source + ", " + x.position + ": " + visible(x.detail)), el("pre", null, x.raw)));
      });
      root.appendChild(d);
    });
    root.appendChild(el("h3", null, "Top findings"));
    if (!FINDINGS.length) root.appendChild(el("p", {className: "muted"}, "No detector flagged anything in this workspace."));
    var list = el("ol", {className: "top-findings"});
    FINDINGS.slice(0, 10).forEach(function (f) {
      var a = el("a", {href: "#findings"}, f.title || f.finding_key);
      a.addEventListener("click", function (e) { e.preventDefault(); show("findings"); selectFinding(f.finding_key); });
      list.appendChild(el("li", null, confBadge(f.confidence), " ", a, el("span", {className: "muted"}, " \u2014 " + f.detector + ", " + fmt(f.n_accounts) + " accounts, score " + fmt(f.score))));
    });
    root.appendChild(list);
  }

  function buildAccounts(root) {
    root.appendChild(el("h2", null, "Flagged accounts"));
    root.appendChild(el("p", {className: "muted"}, "Strongest first. A flag is a reason to look, not a verdict: see Methods."));
    append(root, truncNote(DATA.accounts_ranked, "accounts"));
    root.appendChild(autoTable(DATA.accounts_ranked, {id: "accounts-table", sort: "score", render: {handle: function (v) { return v === null ? "" : "@" + v; }}}));
    if (DATA.clusters_ranked) {
      root.appendChild(el("h3", null, "Ranked clusters"));
      root.appendChild(autoTable(DATA.clusters_ranked, {sort: "score"}));
    }
  }

  var selectFinding = function () {};
  function buildFindings(root) {
    root.appendChild(el("h2", null, "Findings and evidence"));
    append(root, truncNote(DATA.findings, "findings"));
    var detail = el("div", {className: "detail", id: "finding-detail"}, el("p", {className: "muted"}, "Select a finding to see its accounts and evidence."));
    var tbl = {columns: ["finding_key", "title", "detector", "kind", "confidence", "score", "n_accounts", "summary"],
      rows: FINDINGS.map(function (f) { return [f.finding_key, f.title, f.detector, f.kind, f.confidence, f.score, f.n_accounts, f.summary]; })};
    selectFinding = function (key) {
      var f = FINDING_BY_KEY.get(key);
      if (f) { clear(detail).appendChild(findingDetail(f)); detail.scrollIntoView({block: "nearest"}); }
    };
    root.appendChild(el("div", {className: "split"},
      el("div", {className: "split-main"}, autoTable(tbl, {id: "findings-table", hide: ["finding_key"], sort: "score", onRow: function (r) { selectFinding(r[0]); }})),
      detail));
  }

  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354"];

  function buildNetwork(root) {
    var t0 = performance.now();
    var net = DATA.network;
    root.appendChild(el("h2", null, "Coordination network"));
    root.appendChild(el("p", {className: "muted"}, "Each dot is an account, each disc a cluster of accounts that acted together; lines are the strongest co-action links. Click a dot or a cluster row to see its members and evidence. Drag to pan, scroll to zoom."));
    append(root, truncNote(net.nodes, "cluster members"));
    append(root, truncNote(net.edges, "links (the strongest " + DATA.meta.limits.edges_per_node + " per account are drawn)"));
    var clusters = net.clusters ? rowsAsObjects(net.clusters) : [];
    var clusterInfo = new Map();
    clusters.forEach(function (c) { clusterInfo.set(String(c.cluster_id), c); });
    var byCluster = new Map();
    net.nodes.rows.forEach(function (n) {
      var c = String(n[1]);
      if (!byCluster.has(c)) byCluster.set(c, []);
      byCluster.get(c).push(n);
    });
    var clusterIds = Array.from(byCluster.keys());
    var color = new Map();
    clusterIds.forEach(function (c, i) { color.set(c, PALETTE[i % PALETTE.length]); });

    var controls = el("div", {className: "net-controls"});
    var confSel = el("select", {id: "net-confidence", ariaLabel: "Minimum confidence"},
      el("option", {value: "0"}, "clusters: all confidences"), el("option", {value: "2"}, "clusters: medium or high"), el("option", {value: "3"}, "clusters: high only"));
    var minSize = el("input", {type: "number", min: "1", value: "1", id: "net-min-size", ariaLabel: "Minimum cluster size", title: "Minimum cluster size"});
    var find = el("input", {type: "search", placeholder: "Find an account (handle or id)\u2026", id: "net-find", ariaLabel: "Find an account"});
    controls.appendChild(confSel); controls.appendChild(el("label", null, " min size ", minSize)); controls.appendChild(find);
    var status = el("span", {className: "muted", id: "net-status"});
    controls.appendChild(status);
    root.appendChild(controls);
    var container = el("div", {id: "sigma-container", className: "sigma"});
    var panel = el("div", {className: "detail", id: "cluster-detail"}, el("p", {className: "muted"}, "Select a cluster."));
    root.appendChild(el("div", {className: "split"}, container, panel));

    var CONF_RANK = {high: 3, medium: 2, low: 1};
    var visibleClusters = new Set(clusterIds);
    var selected = null, selectedSize = 0, found = null;

    var graph = new graphology.Graph({type: "undirected", multi: false, allowSelfLoops: false});
    net.nodes.rows.forEach(function (n) {
      var a = ACCOUNTS.get(String(n[0]));
      graph.addNode(String(n[0]), {x: n[2], y: n[3], size: 1.5 + Math.min(4, Math.sqrt(n[4] || 0) / 2), color: color.get(String(n[1])),
        label: visible(a && a.handle ? "@" + a.handle : n[0]), cluster: String(n[1])});
    });
    net.edges.rows.forEach(function (e) {
      var a = String(net.nodes.rows[e[0]][0]), b = String(net.nodes.rows[e[1]][0]);
      if (a !== b && !graph.hasEdge(a, b)) graph.addEdge(a, b, {size: 0.5, color: "#c8ccd4"});
    });

    var EXTENT = 1;
    net.nodes.rows.forEach(function (n) { EXTENT = Math.max(EXTENT, Math.abs(n[2]), Math.abs(n[3])); });
    var renderer = new Sigma(graph, container, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.5,
      zIndex: true,
      // big graphs: draw edges and labels once the camera stops, so panning and zooming stay fluid
      hideEdgesOnMove: graph.order > 5000,
      hideLabelsOnMove: graph.order > 5000,
      allowInvalidContainer: true,  // the section may be hidden (another tab) while the camera still moves
      nodeReducer: function (node, attrs) {
        var res = Object.assign({}, attrs);
        if (!visibleClusters.has(attrs.cluster)) { res.hidden = true; return res; }
        if (selected !== null && attrs.cluster !== selected) { res.color = "#cfd4db"; res.label = null; res.zIndex = 0; }
        else if (selected !== null) { res.zIndex = 1; res.forceLabel = selectedSize <= 25; }
        if (found === node) { res.highlighted = true; res.forceLabel = true; res.zIndex = 2; }
        return res;
      },
      edgeReducer: function (edge, attrs) {
        var res = Object.assign({}, attrs);
        var c = graph.getNodeAttribute(graph.source(edge), "cluster");
        if (!visibleClusters.has(c)) res.hidden = true;
        else if (selected !== null && c !== selected) res.hidden = true;
        return res;
      }
    });
    renderer.on("afterRender", function () { container.dataset.drawn = "1"; });
    renderer.on("clickNode", function (e) { selectCluster(graph.getNodeAttribute(e.node, "cluster"), e.node); });
    renderer.on("clickStage", function () { selectCluster(null); });
    window.cibscanReport = {graph: graph, renderer: renderer, selectCluster: function (c) { selectCluster(c); }};

    function findingFor(cid) {
      return FINDING_BY_KEY.get("coordination:" + cid) || FINDINGS.find(function (f) { return f.detector === "coordination" && String(f.id) === cid; });
    }

    function focus(nodes) {
      if (!nodes.length) return;
      var xs = 0, ys = 0;
      nodes.forEach(function (n) { var d = renderer.getNodeDisplayData(String(n[0])); if (d) { xs += d.x; ys += d.y; } });
      // a cluster is a disc of radius ~sqrt(size) in layout units: frame it with some margin
      var ratio = Math.min(1, Math.max(0.01, 3 * Math.sqrt(nodes.length) / EXTENT));
      renderer.getCamera().animate({x: xs / nodes.length, y: ys / nodes.length, ratio: ratio}, {duration: 400});
    }

    function selectCluster(cid, node) {
      selected = cid === null || cid === undefined ? null : String(cid);
      selectedSize = selected === null ? 0 : (byCluster.get(selected) || []).length;
      renderer.refresh();
      clear(panel);
      if (selected === null) { panel.appendChild(el("p", {className: "muted"}, "Select a cluster.")); renderer.getCamera().animatedReset({duration: 300}); return; }
      panel.dataset.cluster = selected;
      var nodes = (byCluster.get(selected) || []).slice().sort(function (a, b) { return (b[5] || 0) - (a[5] || 0); });
      var info = clusterInfo.get(selected);
      panel.appendChild(el("h3", null, "Cluster " + selected + " \u00b7 " + nodes.length + " accounts"));
      if (info) {
        panel.appendChild(el("p", null, info.confidence ? confBadge(info.confidence) : null,
          " score " + fmt(info.score) + " \u00b7 " + visible(fmt(info.kinds)) + " \u00b7 " + (info.start || "") + " \u2192 " + (info.end || "") +
          " \u00b7 median gap " + fmt(info.median_gap_s) + " s \u00b7 density " + fmt(info.density)));
        if (info.top_targets && info.top_targets.length) panel.appendChild(el("p", null, "top targets: ", info.top_targets.map(function (t) { return el("code", {className: "target"}, t); })));
      }
      if (node) panel.appendChild(el("p", null, "selected account: ", accountChip(node)));
      panel.appendChild(el("h4", null, "Members"));
      panel.appendChild(DataTable({
        id: "cluster-members",
        columns: [{name: "account", label: "account", render: function (v) { return accountChip(v); }}, {name: "degree", label: "degree", numeric: true}, {name: "strength", label: "strength", numeric: true}],
        rows: nodes.map(function (n) { return [n[0], n[4], n[5]]; }), sort: 2, dir: -1
      }));
      var f = findingFor(selected);
      if (f) {
        panel.appendChild(el("h4", null, "Finding"));
        panel.appendChild(el("p", null, confBadge(f.confidence), " ", f.title || "", el("br"), f.summary || ""));
        panel.appendChild(el("h4", null, "Evidence"));
        panel.appendChild(evidenceList(f.finding_key));
      }
      focus(nodes);
    }

    function applyFilters() {
      var minConf = Number(confSel.value), min = Number(minSize.value) || 1;
      visibleClusters = new Set(clusterIds.filter(function (c) {
        var info = clusterInfo.get(c), size = byCluster.get(c).length;
        var conf = info && info.confidence ? (CONF_RANK[info.confidence] || 0) : (findingFor(c) ? CONF_RANK[findingFor(c).confidence] || 0 : 0);
        return size >= min && conf >= minConf;
      }));
      if (selected !== null && !visibleClusters.has(selected)) selectCluster(null);
      status.textContent = " " + visibleClusters.size + " of " + clusterIds.length + " clusters shown";
      container.dataset.visibleClusters = String(visibleClusters.size);
      renderer.refresh();
    }
    confSel.addEventListener("change", applyFilters);
    minSize.addEventListener("input", applyFilters);
    find.addEventListener("change", function () {
      var q = find.value.trim().toLowerCase().replace(/^@/, "");
      found = null;
      graph.forEachNode(function (n) {
        if (found) return;
        var a = ACCOUNTS.get(n);
        if (n.toLowerCase() === q || (a && a.handle && a.handle.toLowerCase() === q)) found = n;
      });
      if (found) selectCluster(graph.getNodeAttribute(found, "cluster"), found);
      else { status.textContent = " no account " + visible(find.value) + " in the network"; renderer.refresh(); }
    });
    applyFilters();

    root.appendChild(el("h3", null, "Clusters"));
    var ctbl = net.clusters || {columns: ["cluster_id", "size"], rows: clusterIds.map(function (c) { return [c, byCluster.get(c).length]; })};
    root.appendChild(autoTable(ctbl, {id: "clusters-table", sort: ctbl.columns.indexOf("score") >= 0 ? "score" : "size",
      onRow: function (r) { selectCluster(String(r[ctbl.columns.indexOf("cluster_id")])); container.scrollIntoView({block: "nearest"}); }}));
    root.dataset.buildMs = String(Math.round(performance.now() - t0));
    if (net.calibration) {
      root.appendChild(el("h3", null, "Calibration (how many links chance alone would make)"));
      root.appendChild(autoTable(net.calibration));
    }
  }

  function svg(tag, attrs) {
    var n = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs) n.setAttribute(k, String(attrs[k]));
    return n;
  }

  function timeline(key, series, bursts) {
    var W = 640, H = 90, P = 4;
    var t = series.map(function (s) { return Date.parse(s[0].replace(" ", "T") + "Z"); });
    var t0 = Math.min.apply(null, t), t1 = Math.max.apply(null, t) + 1;
    var ymax = Math.max.apply(null, series.map(function (s) { return s[2]; })) || 1;
    var X = function (v) { return P + (W - 2 * P) * (v - t0) / Math.max(1, t1 - t0); };
    var Y = function (v) { return H - P - (H - 2 * P) * v / ymax; };
    var g = svg("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, class: "timeline", role: "img"});
    var title = svg("title", {});
    title.textContent = visible(key) + ": posts per bin, peak " + ymax;
    g.appendChild(title);
    bursts.forEach(function (b) {
      var s = Date.parse(String(b.start).replace(" ", "T") + "Z"), e = Date.parse(String(b.end).replace(" ", "T") + "Z");
      if (isFinite(s) && isFinite(e)) g.appendChild(svg("rect", {x: X(s), y: 0, width: Math.max(2, X(e) - X(s)), height: H, class: "burst"}));
    });
    g.appendChild(svg("polyline", {points: series.map(function (s, i) { return X(t[i]) + "," + Y(s[2]); }).join(" "), class: "series"}));
    return g;
  }

  function buildFloods(root) {
    var fl = DATA.floods;
    root.appendChild(el("h2", null, "Floods"));
    append(root, truncNote(fl.bursts, "bursts"));
    root.appendChild(autoTable(fl.bursts, {id: "bursts-table", sort: "score"}));
    var bursts = rowsAsObjects(fl.bursts);
    var keys = Object.keys(fl.series || {});
    if (keys.length) {
      root.appendChild(el("h3", null, "Timelines (shaded: detected bursts)"));
      keys.forEach(function (k) {
        var bk = bursts.filter(function (b) { return b.key === k; });
        root.appendChild(el("div", {className: "tl"}, el("div", {className: "tl-key"}, k, bk[0] ? " (" + bk[0].key_kind + ")" : ""), timeline(k, fl.series[k], bk)));
      });
    }
  }

  function avatarBox(id) {
    var uri = safeImage((DATA.avatars || {})[String(id)]);
    return uri ? el("img", {src: uri, className: "avatar", alt: "profile image of " + visible(handleOf(id)), width: 72, height: 72}) : el("div", {className: "avatar none"}, "no image");
  }

  function profileCard(id, label) {
    var a = ACCOUNTS.get(String(id)) || {};
    return el("div", {className: "profile"},
      el("div", {className: "muted"}, label), avatarBox(id), accountChip(id),
      a.description ? el("div", {className: "bio"}, a.description) : null,
      el("div", {className: "muted"}, (a.created_at ? "created " + a.created_at : "") + (a.followers !== undefined && a.followers !== null ? " \u00b7 " + fmt(a.followers) + " followers" : "")));
  }

  function buildImpersonation(root) {
    var im = DATA.impersonation;
    root.appendChild(el("h2", null, "Impersonation and spoofed outlets"));
    var pairs = im.impersonation_pairs;
    if (pairs) {
      root.appendChild(el("h3", null, "Look-alike accounts"));
      append(root, truncNote(pairs, "pairs"));
      var cards = el("div", {className: "pairs"});
      rowsAsObjects(pairs).slice(0, 60).forEach(function (p) {
        cards.appendChild(el("div", {className: "pair"},
          profileCard(p.original_id, "original"),
          el("div", {className: "pair-why"}, confBadge(p.confidence), el("div", null, visible(p.lookalike_class)),
            el("div", null, "edit distance " + fmt(p.edit_distance)), el("div", null, "name similarity " + fmt(p.name_similarity)),
            p.avatar_distance !== null && p.avatar_distance !== undefined ? el("div", null, "avatar distance " + fmt(p.avatar_distance)) : null,
            el("ul", null, (p.reasons || []).map(function (r) { return el("li", null, r); }))),
          profileCard(p.impersonator_id, "look-alike")));
      });
      root.appendChild(cards);
      root.appendChild(autoTable(pairs, {id: "pairs-table", sort: "score"}));
    }
    if (im.spoofed_domains_hits) {
      root.appendChild(el("h3", null, "Links to look-alike outlet domains"));
      root.appendChild(el("p", {className: "muted"}, "Domains are shown as text and never linked: do not visit them from a work machine."));
      root.appendChild(autoTable(im.spoofed_domains_hits, {id: "domains-table", sort: "n_posts"}));
    }
  }

  function buildTables(title, tables, note) {
    return function (root) {
      root.appendChild(el("h2", null, title));
      if (note) root.appendChild(el("p", {className: "muted"}, note));
      Object.keys(tables).forEach(function (name) {
        root.appendChild(el("h3", null, name));
        append(root, truncNote(tables[name], "rows"));
        root.appendChild(autoTable(tables[name], {id: "table-" + name, sort: tables[name].columns.indexOf("score") >= 0 ? "score" : undefined}));
      });
    };
  }

  function buildMethods(root) {
    var m = DATA.methods;
    root.appendChild(el("h2", null, "Methods"));
    root.appendChild(el("h3", null, "What a flag shows"));
    root.appendChild(el("p", null, m.proves));
    root.appendChild(el("h3", null, "What a flag does not show"));
    root.appendChild(el("p", null, m.does_not_prove));
    root.appendChild(el("h3", null, "Confidence grades"));
    var dl = el("dl", {className: "glossary"});
    m.confidence.forEach(function (c) { dl.appendChild(el("dt", null, confBadge(c[0]))); dl.appendChild(el("dd", null, c[1])); });
    root.appendChild(dl);
    root.appendChild(el("h3", null, "Detectors and the parameters used"));
    if (!m.detectors.length) root.appendChild(el("p", {className: "muted"}, "No detector results are stored in this workspace."));
    m.detectors.forEach(function (d) {
      var box = el("div", {className: "method", id: "method-" + d.name});
      box.appendChild(el("h4", null, d.name, d.ran_without_findings ? el("span", {className: "muted"}, " (ran; no findings)") : null));
      if (d.meaning) box.appendChild(el("p", null, d.meaning));
      if (d.summary) box.appendChild(el("p", {className: "muted"}, d.summary));
      if (d.references.length) box.appendChild(el("ul", {className: "refs"}, d.references.map(function (r) { return el("li", null, r); })));
      if (d.params.length) box.appendChild(autoTable({columns: ["parameter", "value", "meaning"], rows: d.params}));
      root.appendChild(box);
    });
    root.appendChild(el("h3", null, "Signals"));
    var sl = el("dl", {className: "glossary"});
    m.signals.forEach(function (s) { sl.appendChild(el("dt", null, s[0])); sl.appendChild(el("dd", null, s[1])); });
    root.appendChild(sl);
    root.appendChild(el("h3", null, "About this file"));
    root.appendChild(el("p", null, "Made by cibscan " + DATA.meta.cibscan_version + " on " + DATA.meta.generated_at + " UTC from workspace " + visible(DATA.meta.workspace) +
      ". It loads nothing from the network. Text from the data is shown exactly as written; invisible or direction-changing characters appear as markers like [U+202E]. Caps on what is embedded: " +
      Object.keys(DATA.meta.limits).map(function (k) { return k.replace(/_/g, " ") + " " + fmt(DATA.meta.limits[k]); }).join(", ") + "."));
  }

  section("overview", "Overview", buildOverview);
  section("accounts", "Accounts", buildAccounts, !!DATA.accounts_ranked);
  section("network", "Network", buildNetwork, !!(DATA.network && DATA.network.nodes.rows.length));
  section("floods", "Floods", buildFloods, !!DATA.floods);
  section("impersonation", "Impersonation", buildImpersonation, !!DATA.impersonation);
  section("personas", "Personas", buildTables("Personas and early amplifiers", DATA.personas || {}, "Batches of accounts created together with shared traits, and accounts that amplify a source early."), !!DATA.personas);
  section("laundering", "Laundering", buildTables("Narrative laundering", DATA.laundering || {}, "Accounts whose timelines are mostly unrelated but carry a steady minority of a campaign's lines, timed to its active windows more than their own posting rhythm explains (share: aligned posts / all posts; q: FDR-corrected permutation p-value). A candidate shows behaviour, not who runs the account or why."), !!DATA.laundering);
  section("findings", "Findings", buildFindings);
  section("more", "More tables", buildTables("More tables", DATA.more || {}, "Tables other detectors stored."), !!(DATA.more && Object.keys(DATA.more).length));
  section("methods", "Methods", buildMethods);

  // ---- navigation ----------------------------------------------------------------------------
  var built = {}, nav = document.getElementById("nav"), main = document.getElementById("main");
  document.getElementById("report-title").textContent = visible(DATA.meta.title);

  function show(id) {
    var s = SECTIONS.find(function (x) { return x.id === id; }) || SECTIONS[0];
    SECTIONS.forEach(function (x) {
      var node = document.getElementById("section-" + x.id);
      if (node) node.hidden = x.id !== s.id;
    });
    Array.from(nav.children).forEach(function (b) { b.setAttribute("aria-current", b.dataset.section === s.id ? "page" : "false"); });
    if (!built[s.id]) {
      built[s.id] = true;
      var node = document.getElementById("section-" + s.id);
      try { s.build(node); } catch (e) {
        node.appendChild(el("p", {className: "error"}, "This section could not be drawn: " + e.message));
        throw e;
      }
    }
    if (s.id === "network" && window.cibscanReport) window.cibscanReport.renderer.refresh();  // it may have been drawn while hidden
    if (location.hash !== "#" + s.id) history.replaceState(null, "", "#" + s.id);
  }

  SECTIONS.forEach(function (s) {
    var b = el("button", {type: "button", dataset: {section: s.id}}, s.label);
    b.addEventListener("click", function () { show(s.id); });
    nav.appendChild(b);
    main.appendChild(el("section", {id: "section-" + s.id, hidden: true, className: "page"}));
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  show(location.hash.slice(1) || "overview");
  document.documentElement.dataset.scriptMs = String(Math.round(performance.now() - STARTED));
  document.documentElement.dataset.ready = "1";
})();
