// The live dashboard: one EventSource on /live (the platform's
// GET /api/v1/metrics/live), 60 seconds of history drawn on three canvases.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) { return; }
  var env = root.getAttribute("data-environment");
  var status = document.getElementById("live-status");
  var points = [];
  var keep = 60;

  function fmtMs(v) { return v < 10 ? v.toFixed(2) + " ms" : v.toFixed(0) + " ms"; }

  function draw(id, series, colors, unit) {
    var c = document.getElementById(id);
    var ctx = c.getContext("2d");
    var w = c.width, h = c.height, pad = 24;
    ctx.clearRect(0, 0, w, h);
    var max = 0;
    series.forEach(function (s) { s.forEach(function (v) { if (v > max) { max = v; } }); });
    if (max === 0) { max = 1; }
    ctx.strokeStyle = "#d0d7de";
    ctx.fillStyle = "#57606a";
    ctx.font = "11px system-ui, sans-serif";
    ctx.beginPath(); ctx.moveTo(pad, h - pad); ctx.lineTo(w, h - pad); ctx.stroke();
    ctx.fillText(max.toFixed(max < 10 ? 1 : 0) + unit, 2, 12);
    ctx.fillText("0", 2, h - pad);
    series.forEach(function (s, i) {
      ctx.strokeStyle = colors[i];
      ctx.lineWidth = 2;
      ctx.beginPath();
      s.forEach(function (v, j) {
        var x = pad + (w - pad) * (j + keep - s.length) / (keep - 1);
        var y = (h - pad) - (h - pad - 14) * v / max;
        if (j === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.stroke();
    });
  }

  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }

  function table(apis) {
    var body = document.getElementById("api-rows");
    body.textContent = "";
    var rows = apis.filter(function (a) { return a.count > 0; });
    if (rows.length === 0) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = cell("No traffic in the last second.");
      td.colSpan = 8;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (a) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-api", a.api || "");
      [a.api || "(no API)", String(a.count), String(a.errors["4xx"]), String(a.errors["5xx"]),
        fmtMs(a.p50Ms), fmtMs(a.p95Ms), fmtMs(a.p99Ms), fmtMs(a.maxMs)].forEach(function (t) { tr.appendChild(cell(t)); });
      body.appendChild(tr);
    });
  }

  function onEvent(ev) {
    var d = JSON.parse(ev.data);
    var t = d.total;
    points.push(t);
    if (points.length > keep) { points.shift(); }
    document.getElementById("rps").textContent = String(t.count);
    document.getElementById("errrate").textContent = (t.errorRate * 100).toFixed(1) + " %";
    document.getElementById("latency").textContent = t.count ? fmtMs(t.p50Ms) + " / " + fmtMs(t.p95Ms) + " / " + fmtMs(t.p99Ms) : "–";
    draw("chart-rps", [points.map(function (p) { return p.count; })], ["#0b5cad"], "/s");
    draw("chart-errors", [points.map(function (p) { return p.errorRate * 100; })], ["#b42318"], " %");
    draw("chart-latency", [points.map(function (p) { return p.p50Ms; }), points.map(function (p) { return p.p95Ms; }),
      points.map(function (p) { return p.p99Ms; })], ["#116329", "#bf8700", "#b42318"], " ms");
    table(d.apis || []);
    status.textContent = "Live: " + env + ", second ending " + new Date(Date.parse(d.start) + 1000).toLocaleTimeString();
  }

  var es = new EventSource("/live?environment=" + encodeURIComponent(env));
  es.addEventListener("metrics", onEvent);
  es.addEventListener("end", function () { es.close(); status.textContent = "The server is shutting down; reload the page once it is back."; });
  es.onerror = function () { status.textContent = "Connection to the live metrics lost; retrying…"; };
  window.addEventListener("pagehide", function () { es.close(); });
})();
