// The cockpit's big screen (大屏). The page arrives with its first figures in #sc-data and its
// settings in #sc-config (json_script); this draws the map of Hubei and the trend with the
// vendored ECharts, turns the map through the indicators every few seconds (pausable), polls
// data.json for fresh figures, counts the live counters up, and scales the 1920×1080 stage to
// the window. User data only ever reaches the page as text (textContent), never as markup.
(function () {
  "use strict";

  var W = 1920, H = 1080;
  var config, state = { data: null, paused: false, index: 0, lastFetch: 0, loading: false };
  var mapChart = null, trendChart = null, mapReady = false, names = {};

  function $(id) { return document.getElementById(id); }

  function json(id) {
    var el = $(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // Stage -------------------------------------------------------------------------------------

  function fit() {
    var stage = $("sc-stage");
    var scale = Math.min(window.innerWidth / W, window.innerHeight / H);
    var left = Math.max(0, (window.innerWidth - W * scale) / 2);
    var top = Math.max(0, (window.innerHeight - H * scale) / 2);
    stage.style.transform = "translate(" + left + "px," + top + "px) scale(" + scale + ")";
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  // The clock shows the platform's time zone (the "as of" time's), whatever the browser's.
  var clockFormat = null;

  function tick() {
    var d = new Date(), p = {};
    if (clockFormat === null) {
      try {
        clockFormat = new Intl.DateTimeFormat("en-CA", {
          timeZone: config.time_zone, year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
        });
      } catch (e) {
        clockFormat = false;
      }
    }
    if (clockFormat) {
      clockFormat.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    } else {
      p = { year: d.getFullYear(), month: pad(d.getMonth() + 1), day: pad(d.getDate()),
            hour: pad(d.getHours()), minute: pad(d.getMinutes()), second: pad(d.getSeconds()) };
    }
    $("sc-clock").textContent = p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" +
      p.minute + ":" + p.second;
  }

  // Small DOM helpers ---------------------------------------------------------------------------

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function setText(id, text) {
    var node = $(id);
    if (node) { node.textContent = text; }
  }

  function fill(list, rows, make, empty) {
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!rows || !rows.length) {
      list.appendChild(el("li", "sc-empty", empty || config.labels.no_data));
      return;
    }
    rows.forEach(function (row) { list.appendChild(make(row)); });
  }

  function orgItem(row) {
    var li = el("li");
    li.appendChild(el("span", "sc-name", row.name));
    li.appendChild(el("span", "sc-val", row.text));
    return li;
  }

  function cityItem(row) {
    var li = el("li");
    li.setAttribute("data-city", row.code);
    if (row.code === state.data.region.code) { li.className = "sc-current"; }
    li.appendChild(el("span", "sc-rank", row.rank === null ? "–" : row.rank));
    li.appendChild(el("span", "sc-name", row.name));
    li.appendChild(el("span", "sc-val", row.text));
    return li;
  }

  // Counters, counted up from what they showed -----------------------------------------------

  function formatCount(value) {
    return Math.round(value).toLocaleString("en-US");
  }

  function countUp(node, to) {
    var from = parseFloat(node.getAttribute("data-shown") || "0") || 0;
    node.setAttribute("data-shown", String(to));
    var start = null, span = 1200;
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      node.textContent = formatCount(to);
      return;
    }
    function step(now) {
      if (start === null) { start = now; }
      var t = Math.min(1, (now - start) / span);
      var eased = 1 - Math.pow(1 - t, 3);
      node.textContent = formatCount(from + (to - from) * eased);
      if (t < 1) { window.requestAnimationFrame(step); }
    }
    window.requestAnimationFrame(step);
  }

  function drawCounters(counters) {
    var list = $("sc-counters");
    counters.forEach(function (c) {
      var li = list.querySelector('[data-counter="' + c.code + '"]');
      if (!li) {
        li = el("li");
        li.setAttribute("data-counter", c.code);
        li.appendChild(el("span", "sc-counter-value"));
        li.appendChild(el("span", "sc-counter-name", c.name));
        list.appendChild(li);
      }
      var value = li.querySelector(".sc-counter-value");
      if (c.value === null) {
        value.setAttribute("data-shown", "0");
        value.textContent = c.text;
      } else {
        countUp(value, c.value);
      }
    });
  }

  // Charts ------------------------------------------------------------------------------------

  var GOOD_LAST = ["#e0524f", "#f0b43c", "#3fd5a0"];

  function shortName(name) {
    return name.length > 5 ? name.slice(0, 2) + name.slice(-1) : name;
  }

  function mapOption(d) {
    var known = {}, values = [];
    d.map.forEach(function (m) {
      known[m.code] = m;
      if (m.value !== null) { values.push(m.value); }
    });
    var min = values.length ? Math.min.apply(null, values) : 0;
    var max = values.length ? Math.max.apply(null, values) : 1;
    if (max - min < 1e-9) { min = max - Math.max(1, Math.abs(max) * 0.1); }
    var precision = d.kpi.unit === "count" ? 0 : 1;
    var unit = d.kpi.unit === "rate" ? "%" : "";
    var data = d.map.filter(function (m) { return m.value !== null; }).map(function (m) {
      var item = { name: m.code, value: m.value };
      if (m.code === d.region.code) {
        item.itemStyle = { borderColor: "#ffffff", borderWidth: 3 };
      }
      return item;
    });
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var m = known[p.name];
          var label = esc(names[p.name] || p.name);
          if (!m) { return label + "<br>" + esc(config.labels.not_in_scope); }
          return label + "<br>" + esc(d.kpi.name) + ": " +
            esc(m.value === null ? config.labels.no_data : m.text);
        },
        textStyle: { fontSize: 18 }
      },
      visualMap: {
        show: values.length > 1, type: "continuous", min: min, max: max, calculable: false,
        orient: "vertical", left: 0, bottom: 10, itemHeight: 180,
        text: [max.toFixed(precision) + unit, min.toFixed(precision) + unit],
        precision: precision,
        inRange: { color: d.kpi.higher_is_better ? GOOD_LAST : GOOD_LAST.slice().reverse() },
        textStyle: { color: "#cfe6ff", fontSize: 16 }
      },
      series: [{
        type: "map", map: "hubei", nameProperty: "code", roam: false, selectedMode: false,
        left: 80, right: 10, top: "middle",
        label: {
          show: true, color: "#eaf4ff", fontSize: 15,
          formatter: function (p) { return shortName(names[p.name] || p.name); }
        },
        itemStyle: { areaColor: "#24324d", borderColor: "#5fb8ff", borderWidth: 1 },
        emphasis: { label: { color: "#ffffff" }, itemStyle: { areaColor: "#3d6ea8" } },
        data: data
      }]
    };
  }

  function trendOption(d) {
    var unit = d.kpi.unit === "rate" ? "%" : "";
    var line = {
      type: "line", smooth: true, showSymbol: false, connectNulls: false,
      lineStyle: { width: 3, color: "#4fd2ff" },
      areaStyle: { color: "rgba(79,210,255,0.18)" },
      data: d.trend.map(function (p) { return p.value; })
    };
    if (d.kpi.target !== null) {
      line.markLine = {
        symbol: "none", silent: true, lineStyle: { color: "#f0b43c", type: "dashed" },
        label: { color: "#f0b43c", formatter: config.labels.target + " " + d.kpi.target_text },
        data: [{ yAxis: d.kpi.target }]
      };
    }
    return {
      grid: { left: 56, right: 24, top: 24, bottom: 36 },
      tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? config.labels.no_data : v + unit;
      } },
      xAxis: {
        type: "category", data: d.trend.map(function (p) { return p.day.slice(5); }),
        axisLabel: { color: "#9fb7d8", fontSize: 13 }, axisLine: { lineStyle: { color: "#3a5070" } }
      },
      yAxis: {
        type: "value", scale: true, max: unit === "%" ? 100 : null,
        axisLabel: { color: "#9fb7d8", fontSize: 13, formatter: "{value}" + unit },
        splitLine: { lineStyle: { color: "rgba(95,184,255,0.12)" } }
      },
      series: [line]
    };
  }

  // Drawing the figures -------------------------------------------------------------------------

  function draw(d) {
    state.data = d;
    document.querySelectorAll(".sc-kpi-name").forEach(function (n) { n.textContent = d.kpi.name; });
    var figure = $("sc-figure");
    figure.textContent = d.figure.text;
    figure.className = "sc-figure-value" + (d.figure.meets === true ? " sc-meet" :
      d.figure.meets === false ? " sc-miss" : "");
    setText("sc-period", d.period.start + " – " + d.period.end);
    setText("sc-target", d.kpi.target_text ? " · " + config.labels.target + " " + d.kpi.target_text : "");
    setText("sc-definition", d.kpi.definition);
    setText("sc-asof", d.as_of.text || "—");
    var select = $("sc-kpi");
    if (select.value !== d.kpi.code) { select.value = d.kpi.code; }
    drawCounters(d.counters);
    fill($("sc-best"), d.top.best, orgItem);
    fill($("sc-worst"), d.top.worst, orgItem,
         d.top.best.length ? config.labels.all_above : config.labels.no_data);
    if (d.cities) { fill($("sc-cities"), d.cities, cityItem); }
    if (trendChart) { trendChart.setOption(trendOption(d), true); }
    if (mapChart && mapReady) { mapChart.setOption(mapOption(d), true); }
  }

  // Fetching --------------------------------------------------------------------------------------

  function load(code) {
    if (state.loading) { return; }
    state.loading = true;
    var url = config.data_url + "?" + new URLSearchParams({ region: config.region, kpi: code });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (d) {
        state.lastFetch = Date.now();
        setText("sc-status", "");
        draw(d);
        if (window.history && window.history.replaceState) {
          var q = new URLSearchParams(window.location.search);
          q.set("kpi", d.kpi.code);
          window.history.replaceState(null, "", "?" + q.toString());
        }
      })
      .catch(function () { setText("sc-status", "⚠"); })
      .then(function () { state.loading = false; });
  }

  function indexOf(code) {
    for (var i = 0; i < config.kpis.length; i += 1) {
      if (config.kpis[i].code === code) { return i; }
    }
    return 0;
  }

  var rotateTimer = null;

  function rotate() {
    if (state.paused || !config.kpis.length) { return; }
    state.index = (state.index + 1) % config.kpis.length;
    load(config.kpis[state.index].code);
  }

  function restartRotation() {
    if (rotateTimer) { window.clearInterval(rotateTimer); }
    rotateTimer = window.setInterval(rotate, config.rotate_seconds * 1000);
  }

  function poll() {
    // The rotation's own loads keep the counters fresh; poll only when it has not loaded lately.
    if (Date.now() - state.lastFetch >= (config.poll_seconds - 1) * 1000) {
      load(state.data.kpi.code);
    }
  }

  function togglePause() {
    state.paused = !state.paused;
    var button = $("sc-pause");
    button.textContent = state.paused ? config.labels.resume : config.labels.pause;
    button.setAttribute("aria-pressed", state.paused ? "true" : "false");
    if (!state.paused) { restartRotation(); }
  }

  // Start -------------------------------------------------------------------------------------------

  function start() {
    config = json("sc-config");
    var first = json("sc-data");
    state.index = indexOf(first.kpi.code);
    state.lastFetch = Date.now();
    fit();
    window.addEventListener("resize", fit);
    tick();
    window.setInterval(tick, 1000);
    if (typeof echarts !== "undefined") {
      trendChart = echarts.init($("sc-trend"));
      mapChart = echarts.init($("sc-map"));
      fetch(config.geojson_url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          geo.features.forEach(function (f) { names[f.properties.code] = f.properties.name; });
          echarts.registerMap("hubei", geo);
          mapReady = true;
          mapChart.setOption(mapOption(state.data), true);
        })
        .catch(function () { setText("sc-status", "⚠"); });
    }
    draw(first);
    $("sc-kpi").addEventListener("change", function (e) {
      state.index = indexOf(e.target.value);
      load(e.target.value);
      restartRotation();
    });
    $("sc-pause").addEventListener("click", togglePause);
    restartRotation();
    window.setInterval(poll, config.poll_seconds * 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
