// Charts of the cockpit's pages: a sparkline per KPI card (home), a KPI's history by month and
// by day, and its drill-down as bars. Data come from json_script elements (never inline
// scripts); ECharts is vendored locally.
(function () {
  "use strict";
  var charts = [];
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(el, option) {
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }
  function formatter(suffix) {
    return function (v) { return v === null || v === undefined ? "—" : v + suffix; };
  }
  function sparklines() {
    var d = data("ck-sparks");
    if (!d) { return; }
    document.querySelectorAll("[data-spark]").forEach(function (el) {
      var s = d[el.getAttribute("data-spark")];
      if (!s) { return; }
      draw(el, {
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 2 },
        tooltip: { trigger: "axis", confine: true, valueFormatter: formatter(s.suffix) },
        xAxis: { type: "category", show: false, boundaryGap: false, data: s.x },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: s.y, symbol: "none", lineStyle: { width: 1.5 },
                   areaStyle: { opacity: 0.12 } }]
      });
    });
  }
  function line(id, series, suffix, name) {
    draw(document.getElementById(id), {
      tooltip: { trigger: "axis", valueFormatter: formatter(suffix) },
      grid: { left: 50, right: 16, top: 16, bottom: 30 },
      xAxis: { type: "category", data: series.x },
      // A rate never passes 100%: without the cap one lone point stretches the axis past it.
      yAxis: { type: "value", scale: true, max: suffix === "%" ? 100 : null },
      series: [{ name: name, type: "line", data: series.y, connectNulls: false }]
    });
  }
  function bars(el, d) {
    var names = d.children.names;
    el.style.height = Math.max(240, names.length * 26 + 60) + "px";
    draw(el, {
      tooltip: { trigger: "axis", valueFormatter: formatter(d.suffix) },
      legend: { top: 0, data: [d.labels.value, d.labels.before] },
      grid: { left: 10, right: 30, top: 30, bottom: 20, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: names,
               axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ name: d.labels.value, type: "bar", data: d.children.values },
               { name: d.labels.before, type: "bar", data: d.before,
                 itemStyle: { opacity: 0.35 } }]
    });
  }
  function kpiPage() {
    var d = data("ck-kpi-data");
    if (!d) { return; }
    line("ck-chart-months", d.months, d.suffix, d.labels.value);
    line("ck-chart-days", d.days, d.suffix, d.labels.value);
    var el = document.getElementById("ck-chart-children");
    if (el && d.children.names.length) { bars(el, d); }
  }
  function start() {
    if (typeof echarts === "undefined") { return; }
    sparklines();
    kpiPage();
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
