/*
 * Draws the report figures of a served dashboard. Each figure is an empty element
 * <div data-figure="ID" data-height="H"> plus <script type="application/json" id="ID"> with
 * {"data", "layout", "config"} (reports.render.figure_data_html); plotly.js is loaded before
 * this file. A static file rather than inline scripts, so the Content-Security-Policy of the
 * page allows no inline script at all.
 */
(function () {
  "use strict";

  function draw() {
    if (!window.Plotly) {
      return;
    }
    // User Timing marks (DevTools' Performance panel; bench/dashboard_browser.py reads them):
    // plotly.js is ready, every figure is drawn.
    performance.mark("xinsheng:figures-start");
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-figure"));
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      element.style.width = "100%";
      element.style.height = (parseInt(element.getAttribute("data-height"), 10) || 380) + "px";
      window.Plotly.newPlot(element, spec.data, spec.layout, spec.config);
    });
    performance.mark("xinsheng:figures-drawn");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
