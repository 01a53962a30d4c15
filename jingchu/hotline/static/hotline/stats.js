// Charts of the hotline statistics page: tickets per day, by kind, category and region.
// The data come from the json_script element the page renders; ECharts is vendored locally.
(function () {
  "use strict";
  function data() {
    var el = document.getElementById("hl-chart-data");
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(rows, name) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true,
               data: rows.map(function (r) { return r.label; }) },
      series: [{ name: name, type: "bar", data: rows.map(function (r) { return r.count; }) }]
    };
  }
  function start() {
    var d = data();
    if (!d || typeof echarts === "undefined") { return; }
    draw("chart-days", {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: d.days.map(function (r) { return r.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: d.labels.tickets, type: "line",
                 data: d.days.map(function (r) { return r.count; }) }]
    });
    draw("chart-kinds", {
      tooltip: { trigger: "item" },
      series: [{ name: d.labels.tickets, type: "pie", radius: ["35%", "65%"],
                 data: d.kinds.map(function (r) { return { name: r.label, value: r.count }; }) }]
    });
    draw("chart-categories", bars(d.categories, d.labels.tickets));
    draw("chart-regions", bars(d.regions, d.labels.tickets));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
