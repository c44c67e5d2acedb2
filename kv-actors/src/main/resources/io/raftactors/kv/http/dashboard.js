// The raft-kv dashboard: renders the view the node streams at /events (server-sent events).
(function () {
  "use strict";
  var WINDOW_MS = 5 * 60 * 1000;
  var COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
  var last = null;

  function $(id) { return document.getElementById(id); }
  function text(v) { return v === null || v === undefined ? "–" : String(v); }
  function cell(row, value, cls) {
    var td = document.createElement("td");
    td.textContent = text(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }
  function color(id) {
    if (!id) return "#999";
    var n = parseInt(String(id).replace(/\D/g, ""), 10);
    return COLORS[(isNaN(n) ? id.length : n) % COLORS.length];
  }
  function button(label, action, member) {
    var b = document.createElement("button");
    b.textContent = label;
    b.setAttribute("data-action", action);
    if (member) b.setAttribute("data-member", member);
    b.addEventListener("click", function () { demo(action, member); });
    return b;
  }

  function demo(action, member) {
    var path = "demo/" + action + (member ? "/" + encodeURIComponent(member) : "");
    if (action === "load") path = "demo/load/" + (last && last.demo && last.demo.load ? "off" : "on");
    $("demomsg").textContent = "…";
    fetch(path, { method: "POST", headers: { "X-Raft-Demo": "1" } })
      .then(function (r) { return r.text().then(function (t) { $("demomsg").textContent = t; }); })
      .catch(function (e) { $("demomsg").textContent = String(e); });
  }

  function render(view) {
    last = view;
    $("self").textContent = view.self;
    $("self2").textContent = view.self;
    $("leader").textContent = view.leader || "none";
    $("term").textContent = view.term;
    var crashed = view.demo ? view.demo.crashed : [];
    var isolated = view.demo ? view.demo.isolated : [];

    var body = $("members").tBodies[0];
    body.textContent = "";
    var leader = null;
    view.members.forEach(function (m) { if (m.id === view.leader) leader = m; });
    view.members.forEach(function (m) {
      var row = document.createElement("tr");
      var down = !m.up || crashed.indexOf(m.id) >= 0;
      var cut = isolated.indexOf(m.id) >= 0;
      row.setAttribute("data-member", m.id);
      row.setAttribute("data-up", down ? "false" : "true");
      row.setAttribute("data-role", down ? "DOWN" : (m.role || "UNKNOWN"));
      row.className = down ? "down" : (cut ? "isolated" : "");
      cell(row, m.id, "id");
      var r = cell(row, "", "id");
      var badge = document.createElement("span");
      badge.className = "role " + (down ? "NONE" : (m.role || "NONE"));
      badge.textContent = down ? "down" : (m.role || "?").toLowerCase().replace("_", "-");
      r.appendChild(badge);
      cell(row, m.term); cell(row, m.commit); cell(row, m.applied); cell(row, m.lastLog);
      var lag = leader && leader.lag && m.id !== leader.id ? leader.lag[m.id] : (m.id === view.leader ? 0 : null);
      cell(row, lag);
      cell(row, m.keys);
      cell(row, down ? "down" : (cut ? "isolated" : "up"), "state");
      var actions = cell(row, "", "actions");
      if (view.demo) {
        actions.appendChild(crashed.indexOf(m.id) >= 0 ? button("Restart", "restart", m.id) : button("Crash", "crash", m.id));
        if (!cut && !down) actions.appendChild(button("Isolate", "isolate", m.id));
      }
      body.appendChild(row);
    });

    var traffic = $("traffic").tBodies[0];
    traffic.textContent = "";
    view.members.forEach(function (m) {
      Object.keys(m.sent || {}).forEach(function (peer) {
        var s = m.sent[peer];
        var row = document.createElement("tr");
        cell(row, m.id + " → " + peer, "id");
        cell(row, (s.messages || 0).toFixed(1));
        cell(row, ((s.bytes || 0) / 1024).toFixed(1));
        traffic.appendChild(row);
      });
    });

    renderHistory(view);
    if (view.demo) {
      $("demo").style.display = "block";
      $("load").textContent = view.demo.load ? "Stop load" : "Start load";
      $("loadinfo").textContent = "writes: " + view.demo.loadWrites + " ok, " + view.demo.loadFailures + " failed";
    }
  }

  function renderHistory(view) {
    var h = view.history;
    var now = view.at;
    // From the first change seen (at most five minutes back), so that a young cluster fills the bar.
    var from = Math.max(now - WINDOW_MS, h.length ? h[0].at : now);
    var span = Math.max(now - from, 10000);
    var line = $("timeline");
    line.textContent = "";
    for (var i = 0; i < h.length; i++) {
      var start = Math.max(h[i].at, from), end = i + 1 < h.length ? h[i + 1].at : now;
      if (end <= from) continue;
      var seg = document.createElement("div");
      seg.style.left = (100 * (start - from) / span) + "%";
      seg.style.width = Math.max(0.2, 100 * (end - start) / span) + "%";
      seg.style.background = color(h[i].leader);
      seg.title = "term " + h[i].term + ": " + (h[i].leader || "no leader");
      seg.textContent = h[i].leader ? h[i].leader + " (t" + h[i].term + ")" : "";
      line.appendChild(seg);
    }
    var body = $("history").tBodies[0];
    body.textContent = "";
    h.slice(-10).reverse().forEach(function (c) {
      var row = document.createElement("tr");
      cell(row, c.term);
      cell(row, c.leader || "election", "id");
      cell(row, new Date(c.at).toLocaleTimeString(), "id");
      body.appendChild(row);
    });
  }

  $("heal").addEventListener("click", function () { demo("heal"); });
  $("load").addEventListener("click", function () { demo("load"); });

  var source = new EventSource("events");
  source.onopen = function () { $("status").textContent = "live"; $("status").className = ""; };
  source.onerror = function () { $("status").textContent = "connection lost, retrying…"; $("status").className = "bad"; };
  source.onmessage = function (e) { render(JSON.parse(e.data)); };
})();
