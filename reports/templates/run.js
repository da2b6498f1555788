/* The run page: draws the view model embedded as JSON (see reports/run-view.ts). */
'use strict';

(function () {
  var el = lab.el;
  var page = lab.page();
  var view = page.view;
  var app = page.app;
  var styles = page.styles;

  app.appendChild(el('h1', { text: view.title }));
  app.appendChild(el('p', { className: 'subtitle', text: 'Run ' + view.runId }, view.indexHref === null ? [] : [' · ', el('a', { href: view.indexHref, text: 'all runs' })]));
  if (!view.complete) app.appendChild(el('p', { className: 'banner', text: 'Incomplete run: it was interrupted, and only the cases below finished.' }));

  app.appendChild(el('section', { className: 'box glance', 'data-section': 'glance' }, [
    el('h3', { text: 'At a glance' }),
    el('ul', {}, view.headlines.map(function (h) { return lab.prose('li', h); })),
  ]));
  if (view.warnings.length > 0) {
    app.appendChild(el('section', { className: 'box warnings', 'data-section': 'warnings' }, [
      el('h3', { text: 'Warnings: read the numbers with these in mind' }),
      el('ul', {}, view.warnings.map(function (w) { return el('li', { text: w }); })),
    ]));
  }
  if (view.failed.length > 0) {
    app.appendChild(el('section', { className: 'box failures', 'data-section': 'failed' }, [
      el('h3', { text: 'Failed cases (' + view.failed.length + ')' }),
      el('ul', {}, view.failed.map(function (f) { return el('li', { text: f }); })),
    ]));
  }

  app.appendChild(el('h2', { text: 'Machine and options' }));
  app.appendChild(lab.table(null, view.facts.map(function (f) {
    return el('tr', {}, [el('th', { className: 'name', text: f[0] }), el('td', { className: 'name', text: f[1] })]);
  }), 'facts'));

  app.appendChild(el('h2', { text: 'The models' }));
  app.appendChild(el('div', { className: 'models' }, view.models.map(function (m) {
    return el('div', { className: 'model', style: 'border-top-color:' + m.color }, [
      el('h3', {}, [lab.swatch(m.color), el('code', { text: m.name }), ' — ' + m.summary]),
      lab.prose('p', m.paragraph),
    ]);
  })));

  view.workloads.forEach(function (w) { app.appendChild(workloadSection(w)); });
  lab.drawCharts(app);

  function points(series, field) {
    return series.cells.map(function (c) { return c[field]; });
  }

  function workloadSection(w) {
    var labels = w.connections.map(String);
    var section = el('section', { 'data-workload': w.name }, [
      el('h2', {}, ['Workload ', el('code', { text: w.name })]),
      el('p', { text: w.description + ' — ' }, w.paths.map(function (p, i) { return el('code', { text: (i ? ' ' : '') + p }); })),
      lab.prose('p', w.headline, { className: 'headline' }),
    ]);
    var xAxis = { title: { display: true, text: 'concurrent clients' } };
    var charts = [
      lab.chartBox('Throughput (requests per second)', 'Higher is better. Mean over repeats.', {
        type: 'line',
        data: { labels: labels, datasets: w.series.map(function (s) { return lab.line(s.model, points(s, 'rps'), styles[s.model]); }) },
        options: { scales: { x: xAxis, y: { beginAtZero: true, title: { display: true, text: 'requests / s' } } } },
      }),
      lab.chartBox('Median latency (p50)', 'Log scale: each labelled power of ten is ten times the one below.', {
        type: 'line',
        data: { labels: labels, datasets: w.series.map(function (s) { return lab.line(s.model, points(s, 'p50'), styles[s.model]); }) },
        options: { scales: { x: xAxis, y: lab.logAxis('p50 latency') } },
      }),
      lab.chartBox('Tail latency (p99)', 'One request in a hundred waited at least this long. Log scale.', {
        type: 'line',
        data: { labels: labels, datasets: w.series.map(function (s) { return lab.line(s.model, points(s, 'p99'), styles[s.model]); }) },
        options: { scales: { x: xAxis, y: lab.logAxis('p99 latency') } },
      }),
    ];
    if (w.distributionAt !== null) {
      charts.push(lab.chartBox('Latency distribution at ' + w.distributionAt + ' clients', 'HDR plot: the right end is the worst requests. Both axes log.', {
        type: 'line',
        data: {
          datasets: w.series.map(function (s) {
            var c = s.cells.filter(function (x) { return x.connections === w.distributionAt; })[0];
            var pts = (c ? c.distribution : []).filter(function (d) { return d.percentile < 100; }).map(function (d) { return { x: lab.percentileX(d.percentile), y: d.us }; });
            return lab.line(s.model, pts, styles[s.model], { pointRadius: 2 });
          }),
        },
        options: { parsing: true, scales: { x: lab.percentileAxis(), y: lab.logAxis('latency') } },
      }));
    }
    charts.push(lab.chartBox('Server CPU (% of one core)', 'The whole process tree: pool threads and cluster processes included.', {
      type: 'line',
      data: { labels: labels, datasets: w.series.map(function (s) { return lab.line(s.model, points(s, 'serverCpuPercent'), styles[s.model]); }) },
      options: { scales: { x: xAxis, y: { beginAtZero: true, title: { display: true, text: '% of one core' } } } },
    }));
    var peaks = w.series.map(function (s) {
      var values = s.cells.map(function (c) { return c.serverRssPeakBytes; }).filter(function (v) { return v !== null; });
      return values.length ? Math.max.apply(null, values) / 1048576 : null;
    });
    charts.push(lab.chartBox('Peak memory (resident, MiB)', 'Largest resident memory of the whole server, over all clients levels.', {
      type: 'bar',
      data: { labels: w.series.map(function (s) { return s.model; }), datasets: [{ label: 'peak RSS (MiB)', data: peaks, backgroundColor: w.series.map(function (s) { return styles[s.model].color; }) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'MiB' } } } },
    }));
    section.appendChild(el('div', { className: 'charts' }, charts));

    section.appendChild(el('h3', { text: 'The numbers behind the charts' }));
    var rows = [];
    w.series.forEach(function (s) {
      s.cells.forEach(function (c) {
        if (c.runs === 0) return;
        var failed = c.rps === null && c.failed.length > 0;
        var status = failed ? 'failed: ' + c.failed.join('; ') : c.failed.length ? c.failed.length + ' of ' + c.runs + ' failed: ' + c.failed.join('; ') : 'ok';
        function num(field, value, textValue) { return el('td', { 'data-field': field, 'data-value': value === null ? '' : String(value), text: textValue }); }
        rows.push(el('tr', { className: failed ? 'failed' : '', 'data-model': c.model, 'data-connections': String(c.connections) }, [
          el('td', { className: 'name' }, [lab.swatch(styles[s.model].color), c.model]),
          el('td', { text: String(c.connections) }),
          num('rps', c.rps, c.text.rps),
          num('p50', c.p50, c.text.p50),
          num('p99', c.p99, c.text.p99),
          num('p999', c.p999, c.text.p999),
          num('serverCpuPercent', c.serverCpuPercent, c.text.cpu),
          num('serverRssPeakBytes', c.serverRssPeakBytes, c.text.rss),
          num('clientCpuPercent', c.clientCpuPercent, c.text.client),
          num('servedBy', c.servedBy, c.servedBy === null ? '—' : String(c.servedBy)),
          num('errors', c.errors + c.timeouts + c.non2xx, c.errors + ' / ' + c.timeouts + ' / ' + c.non2xx),
          el('td', { className: 'name', 'data-field': 'status', text: status }),
        ]));
      });
    });
    section.appendChild(lab.table(['model', 'clients', 'req/s', 'p50', 'p99', 'p99.9', 'server CPU', 'peak RSS', 'client CPU', 'served by', 'errors / timeouts / non-2xx', 'status'], rows, 'numbers'));

    if (w.distributionAt !== null) {
      var withDist = w.series.map(function (s) {
        return { model: s.model, cell: s.cells.filter(function (x) { return x.connections === w.distributionAt; })[0] };
      }).filter(function (x) { return x.cell && x.cell.distribution.length > 0; });
      if (withDist.length > 0) {
        section.appendChild(el('h3', { text: 'Latency distribution at ' + w.distributionAt + ' clients' }));
        var percentiles = withDist[0].cell.distribution.map(function (d) { return d.percentile; });
        section.appendChild(lab.table(['percentile'].concat(withDist.map(function (x) { return x.model; })), percentiles.map(function (p, i) {
          return el('tr', {}, [el('td', { className: 'name', text: p + '%' })].concat(withDist.map(function (x) {
            var d = x.cell.distribution[i];
            return el('td', { 'data-field': 'distribution', 'data-value': d ? String(d.us) : '', text: d ? lab.formatUs(d.us) : '—' });
          })));
        }), 'distribution'));
      }
    }
    return section;
  }
})();
