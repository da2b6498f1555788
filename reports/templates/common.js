/* Shared by every page: DOM built from data with textContent only (never innerHTML), and chart helpers. */
'use strict';

var lab = (function () {
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else if (key === 'style') node.setAttribute('style', attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** A sentence where `names` in backticks become <code>, everything still as text. */
  function prose(tag, sentence, attrs) {
    var node = el(tag, attrs);
    String(sentence).split('`').forEach(function (part, i) {
      node.appendChild(i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part));
    });
    return node;
  }

  /** Axis labels: the same units as the tables (µs, ms, s). */
  function formatUs(us) {
    if (us < 1000) return Math.round(us) + ' µs';
    if (us < 1e6) return +(us / 1000).toPrecision(3) + ' ms';
    return +(us / 1e6).toPrecision(3) + ' s';
  }

  function table(headers, rows, className) {
    return el('div', { className: 'table-wrap' }, [
      el('table', { className: className || '' }, [
        headers === null ? null : el('thead', {}, [el('tr', {}, headers.map(function (h, i) { return el('th', { text: h, className: i === 0 ? 'name' : '' }); }))]),
        el('tbody', {}, rows),
      ]),
    ]);
  }

  function swatch(color) {
    return el('span', { className: 'swatch', style: 'background:' + color });
  }

  if (window.Chart) {
    Chart.defaults.animation = false; // drawn at once: for print, screenshots and slow projectors
    Chart.defaults.font.size = 15;
    Chart.defaults.color = '#111';
    Chart.defaults.borderColor = '#d0d0d0';
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.labels.usePointStyle = true;
  }

  function chartBox(title, note, config) {
    var canvas = el('canvas', { role: 'img', 'aria-label': title });
    var box = el('figure', { className: 'chart' }, [el('h3', { text: title }), el('div', { className: 'canvas' }, [canvas]), note ? el('p', { className: 'note', text: note }) : null]);
    box.chartConfig = config;
    box.canvas = canvas;
    return box;
  }

  /** Charts are created once their boxes are in the document, so they know their size. */
  function drawCharts(root) {
    root.querySelectorAll('figure.chart').forEach(function (box) {
      new Chart(box.canvas, box.chartConfig);
    });
  }

  function line(model, points, style, extra) {
    var dataset = {
      label: model,
      data: points,
      borderColor: style.color,
      backgroundColor: style.color,
      borderDash: style.dash,
      pointStyle: style.point,
      pointRadius: 5,
      borderWidth: 3,
      spanGaps: false,
    };
    Object.keys(extra || {}).forEach(function (k) { dataset[k] = extra[k]; });
    return dataset;
  }

  function logAxis(title) {
    return { type: 'logarithmic', title: { display: true, text: title }, ticks: { callback: function (v) { return formatUs(v); } } };
  }

  /** HDR plots put percentiles on a log axis of 1 / (1 − p): 90%, 99%, 99.9% are evenly spaced. */
  var PERCENTILE_TICKS = { 1: '0%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%' };
  function percentileAxis() {
    return {
      type: 'logarithmic',
      min: 1,
      max: 10000,
      title: { display: true, text: 'percentile' },
      afterBuildTicks: function (axis) { axis.ticks = [1, 10, 100, 1000, 10000].map(function (v) { return { value: v }; }); },
      ticks: { callback: function (v) { return PERCENTILE_TICKS[v] || ''; } },
    };
  }
  function percentileX(p) {
    return 1 / (1 - p / 100);
  }

  function data() {
    return JSON.parse(document.getElementById('lab-data').textContent);
  }

  /** Every page starts alike: its data, an emptied #app, and the style of each model by name. */
  function page() {
    var view = data();
    var app = document.getElementById('app');
    app.textContent = '';
    var styles = {};
    (view.models || []).forEach(function (m) { styles[m.name] = m; });
    return { view: view, app: app, styles: styles };
  }

  return { el: el, prose: prose, table: table, swatch: swatch, chartBox: chartBox, drawCharts: drawCharts, line: line, logAxis: logAxis, percentileAxis: percentileAxis, percentileX: percentileX, formatUs: formatUs, data: data, page: page };
})();
