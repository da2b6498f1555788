/* The comparison page: runs side by side (see reports/compare-view.ts). */
'use strict';

(function () {
  var el = lab.el;
  var page = lab.page();
  var view = page.view;
  var app = page.app;
  var styles = page.styles;
  var RUN_DASH = [[], [10, 5], [3, 3], [14, 4, 3, 4]];

  app.appendChild(el('h1', { text: view.title }));
  app.appendChild(el('p', { className: 'subtitle' }, ['Index: ', el('a', { href: '../index.html', text: 'all runs' })]));
  if (view.warnings.length > 0) {
    app.appendChild(el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: 'Read this before comparing' }),
      el('ul', {}, view.warnings.map(function (w) { return el('li', { text: w }); })),
    ]));
  }
  app.appendChild(lab.table(['run', 'started', 'machine', 'Node.js', 'profile', 'line'], view.runs.map(function (r, i) {
    return el('tr', {}, [
      el('td', { className: 'name', text: r.label + (r.complete ? '' : ' (incomplete)') }),
      el('td', { className: 'name', text: r.startedAt }),
      el('td', { className: 'name', text: r.machine }),
      el('td', { className: 'name', text: r.node }),
      el('td', { className: 'name', text: r.profile }),
      el('td', { className: 'name', text: i === 0 ? 'solid' : ['dashed', 'dotted', 'dash-dot'][(i - 1) % 3] }),
    ]);
  }), 'facts'));
  app.appendChild(el('p', { text: 'Ratios compare each run with the first: for throughput, above 1 means more requests per second; for p99, above 1 means slower.' }));

  view.workloads.forEach(function (w) {
    var section = el('section', { 'data-workload': w.name }, [el('h2', {}, ['Workload ', el('code', { text: w.name })]), el('p', { text: w.description })]);
    var labels = w.connections.map(String);
    function overlay(field) {
      var datasets = [];
      w.models.forEach(function (model) {
        view.runs.forEach(function (run, i) {
          var pts = w.connections.map(function (n) {
            var row = w.rows.filter(function (r) { return r.model === model && r.connections === n; })[0];
            return row ? row.runs[i][field] : null;
          });
          var style = styles[model];
          datasets.push(lab.line(model + ' · ' + run.label, pts, { color: style.color, point: style.point, dash: RUN_DASH[i % RUN_DASH.length] }));
        });
      });
      return datasets;
    }
    var xAxis = { title: { display: true, text: 'concurrent clients' } };
    section.appendChild(el('div', { className: 'charts' }, [
      lab.chartBox('Throughput (requests per second)', 'Colour: model. Line style: run.', {
        type: 'line', data: { labels: labels, datasets: overlay('rps') },
        options: { scales: { x: xAxis, y: { beginAtZero: true, title: { display: true, text: 'requests / s' } } } },
      }),
      lab.chartBox('Tail latency (p99)', 'Log scale.', {
        type: 'line', data: { labels: labels, datasets: overlay('p99') },
        options: { scales: { x: xAxis, y: lab.logAxis('p99 latency') } },
      }),
    ]));
    var headers = ['model', 'clients'];
    view.runs.forEach(function (r) { headers.push('req/s ' + r.label); });
    view.runs.slice(1).forEach(function (r) { headers.push('× ' + r.label); });
    view.runs.forEach(function (r) { headers.push('p99 ' + r.label); });
    view.runs.slice(1).forEach(function (r) { headers.push('p99 × ' + r.label); });
    section.appendChild(lab.table(headers, w.rows.map(function (row) {
      var cells = [el('td', { className: 'name' }, [lab.swatch(styles[row.model].color), row.model]), el('td', { text: String(row.connections) })];
      row.runs.forEach(function (f, i) { cells.push(el('td', { 'data-field': 'rps', 'data-run': String(i), 'data-value': f.rps === null ? '' : String(f.rps), text: f.failed ? 'failed' : f.text.rps })); });
      row.rpsRatio.forEach(function (x) { cells.push(el('td', { 'data-field': 'rpsRatio', text: x === null ? '—' : x.toFixed(2) + '×' })); });
      row.runs.forEach(function (f, i) { cells.push(el('td', { 'data-field': 'p99', 'data-run': String(i), 'data-value': f.p99 === null ? '' : String(f.p99), text: f.failed ? 'failed' : f.text.p99 })); });
      row.p99Ratio.forEach(function (x) { cells.push(el('td', { 'data-field': 'p99Ratio', text: x === null ? '—' : x.toFixed(2) + '×' })); });
      return el('tr', { 'data-model': row.model, 'data-connections': String(row.connections), className: row.runs.some(function (f) { return f.failed; }) ? 'failed' : '' }, cells);
    }), 'numbers'));
    app.appendChild(section);
  });
  lab.drawCharts(app);
})();
