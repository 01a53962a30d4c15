// Charts of an open dataset's page: a histogram per numeric column and the last 30 days' use.
// The data come from json_script elements the page renders; ECharts is vendored locally.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function fmt(x) {
    return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2);
  }
  function histograms(stats, labels) {
    document.querySelectorAll("[data-histogram]").forEach(function (el) {
      var s = stats[el.getAttribute("data-histogram")];
      if (!s || !s.histogram.length) { return; }
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: {},
        grid: { left: 50, right: 10, top: 10, bottom: 50 },
        xAxis: { type: "category", axisLabel: { rotate: 30 },
                 data: s.histogram.map(function (b) { return fmt(b.low) + "–" + fmt(b.high); }) },
        yAxis: { type: "value", name: labels.rows },
        series: [{ type: "bar", data: s.histogram.map(function (b) { return b.count; }) }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function usage(days, labels) {
    var el = document.getElementById("usage-chart");
    if (!el || !days) { return; }
    var chart = echarts.init(el);
    var keys = ["views", "downloads", "api_calls"];
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: keys.map(function (k) { return labels[k]; }) },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: days.map(function (d) { return d.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k) {
        return { name: labels[k], type: "line", data: days.map(function (d) { return d[k]; }) };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    if (typeof echarts === "undefined") { return; }
    var labels = data("od-labels") || {};
    histograms(data("od-stats") || {}, labels);
    usage(data("od-usage"), labels);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
