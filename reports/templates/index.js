/* The index of runs. */
'use strict';

(function () {
  var el = lab.el;
  var entries = lab.data().entries;
  var app = document.getElementById('app');
  app.textContent = '';
  app.appendChild(el('h1', { text: 'Concurrency lab — runs' }));
  app.appendChild(el('p', { className: 'subtitle', text: entries.length + ' run' + (entries.length === 1 ? '' : 's') + ', newest first. Compare two with: npm run compare -- <a.json> <b.json>' }));
  app.appendChild(lab.table(['run', 'date', 'machine', 'Node.js', 'profile', 'cases', 'status'], entries.map(function (e) {
    return el('tr', { className: e.failed > 0 || !e.complete ? 'failed' : '' }, [
      el('td', { className: 'name' }, [el('a', { href: e.href, text: e.runId })]),
      el('td', { className: 'name', text: e.startedAt.replace('T', ' ').slice(0, 19) + ' UTC' }),
      el('td', { className: 'name', text: e.machine }),
      el('td', { className: 'name', text: e.node }),
      el('td', { className: 'name', text: e.profile }),
      el('td', { text: String(e.cases) }),
      el('td', { className: 'name', text: (e.complete ? 'complete' : 'incomplete') + (e.failed > 0 ? ', ' + e.failed + ' failed' : '') }),
    ]);
  })));
})();
