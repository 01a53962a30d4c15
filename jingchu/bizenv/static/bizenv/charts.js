// Charts of the business-environment pages: overall scores by city (bars with the range the
// missing values allow) and a city's trend. Data come from json_script elements; ECharts is
// vendored locally.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    if (typeof echarts === "undefined") { return; }
    var d = data("be-chart-data");
    if (d && d.cities.length) {
      draw("be-chart-overall", {
        tooltip: { trigger: "axis" },
        legend: { data: [d.labels.overall, d.labels.range] },
        grid: { left: 90, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", inverse: true, data: d.cities },
        series: [
          { name: d.labels.overall, type: "bar", data: d.overall },
          { name: d.labels.range, type: "scatter", symbolSize: 6,
            data: d.low.map(function (v, i) { return [v, i]; })
              .concat(d.high.map(function (v, i) { return [v, i]; })) }
        ]
      });
    }
    var t = data("be-trend-data");
    if (t && t.months.length) {
      draw("be-chart-trend", {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 40, top: 30, bottom: 30 },
        legend: { data: [t.labels.overall, t.labels.rank] },
        xAxis: { type: "category", data: t.months },
        yAxis: [{ type: "value", min: 0, max: 100 },
                { type: "value", inverse: true, min: 1, minInterval: 1 }],
        series: [{ name: t.labels.overall, type: "line", data: t.overall },
                 { name: t.labels.rank, type: "line", yAxisIndex: 1, data: t.rank }]
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
