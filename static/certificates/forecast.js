/* The forecast page's chart: certificates due for review or renewal per month, one bar a
   month stacked by group. The figures come from the page's <script type="application/json"
   id="forecast-data"> block (the table below the chart holds the same numbers), since the
   Content-Security-Policy runs no inline script. */
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("forecast-chart");
    var source = document.getElementById("forecast-data");
    if (!holder || !source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    // Set through the CSSOM, which the policy allows (a style attribute it would refuse).
    if (!holder.clientHeight) {
      holder.style.height = "420px";
    }
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      // richText draws the tooltip on the canvas: the HTML one carries inline styles.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.months, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", name: "证书数", minInterval: 1 },
      series: data.series.map(function (group) {
        return {
          name: group.name,
          type: "bar",
          stack: "due",
          data: group.data,
        };
      }),
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
