/**
 * The report page: one self-contained HTML file (styles, d3-hierarchy and the data inlined;
 * nothing fetched). Names reach the page only as JSON text and the DOM only through
 * textContent, so a file called `<script>` is shown, never run.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { ReportData } from './data'

/** JSON that is safe inside <script>: no `</script>`, no `<!--`, no line separators. */
export function scriptSafeJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

function d3Hierarchy(): string {
  // The UMD build of d3-hierarchy (a dependency), inlined so the page needs no network. Its
  // exports map names it under the 'umd' condition only; its main entry sits beside it.
  const main = require.resolve('d3-hierarchy')
  return fs.readFileSync(path.join(path.dirname(main), 'd3-hierarchy.min.js'), 'utf8')
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
header{padding:14px 20px;background:#1d2330;color:#fff}header h1{margin:0;font-size:18px}header .meta{opacity:.75;font-size:12px;margin-top:4px}
main{padding:16px 20px;max-width:1400px;margin:auto}.tabs button,.mode button{border:1px solid #c5cad3;background:#fff;padding:5px 12px;cursor:pointer;border-radius:4px;margin-right:4px}
.tabs button.on,.mode button.on{background:#1d2330;color:#fff;border-color:#1d2330}.bar{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:10px 0}
.totals{display:flex;gap:18px;flex-wrap:wrap;margin:8px 0 12px}.totals div{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px 12px}.totals b{display:block;font-size:17px}
.crumbs{font-size:13px;margin:6px 0}.crumbs a{color:#2456c4;cursor:pointer;text-decoration:underline}.crumbs span.sep{margin:0 4px;color:#888}
#map{position:relative;width:100%;height:560px;background:#fff;border:1px solid #d7dbe2;border-radius:6px;overflow:hidden}
.cell{position:absolute;overflow:hidden;border:1px solid rgba(255,255,255,.85);font-size:11px;color:#111;padding:2px 4px;cursor:default;white-space:nowrap}
.cell.dir{cursor:zoom-in}.cell.sub{pointer-events:none}.cell.top>.n{display:inline}.cell.top>.s{margin-left:6px}.cell .n{font-weight:600;display:block;overflow:hidden;text-overflow:ellipsis}.cell .s{opacity:.75}
.cell.rest{background-image:repeating-linear-gradient(45deg,rgba(255,255,255,.35) 0 6px,transparent 6px 12px)}
.tables{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-top:16px}@media(max-width:900px){.tables{grid-template-columns:1fr}}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e1e4ea;font-size:12px}th,td{padding:4px 8px;border-bottom:1px solid #eef0f4;text-align:left}
td.num,th.num{text-align:right;white-space:nowrap}
.view{display:flex;gap:16px;align-items:flex-start}.view #map{flex:1}#groups{width:340px;flex:none;max-height:560px;overflow:auto}#groups:empty{display:none}#groups h2{margin-top:0}
td.share{width:70px}td.share i{display:block;height:8px;background:#8ecae6;border-radius:2px}@media(max-width:900px){.view{display:block}#groups{width:auto;max-height:none}}td.path{word-break:break-all}h2{font-size:15px;margin:14px 0 6px}.errors td{color:#9b1c1c}
`

const APP = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var el = function (tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  var human = function (n) { var i = 0; while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; } return (i ? n.toFixed(n < 10 ? 1 : 0) : String(n)) + ' ' + units[i]; };
  var state = { root: 0, mode: 'diskBytes', stack: [] };
  var palette = ['#8ecae6','#ffb703','#90be6d','#f28482','#cdb4db','#f4a261','#84a59d','#a3c4f3','#e9c46a','#b5838d','#99d98c','#ffafcc'];

  document.getElementById('meta').textContent = 'Scanned ' + data.roots.map(function (r) { return r.path; }).join(', ') +
    ' on ' + data.host + ' (from ' + data.cwd + ') at ' + data.generatedAt + ' in ' + (data.elapsedMs / 1000).toFixed(2) + ' s';
  var tabs = document.getElementById('tabs');
  data.roots.forEach(function (r, i) {
    var b = el('button', i === 0 ? 'on' : '', r.path);
    b.addEventListener('click', function () { state.root = i; state.stack = []; [].forEach.call(tabs.children, function (c, j) { c.className = j === i ? 'on' : ''; }); render(); });
    tabs.appendChild(b);
  });
  if (data.roots.length < 2) tabs.style.display = 'none';
  var modes = document.getElementById('mode');
  [['diskBytes', 'disk usage'], ['bytes', 'apparent size']].forEach(function (m) {
    var b = el('button', m[0] === state.mode ? 'on' : '', m[1]);
    b.dataset.mode = m[0];
    b.addEventListener('click', function () { state.mode = m[0]; [].forEach.call(modes.children, function (c) { c.className = c.dataset.mode === state.mode ? 'on' : ''; }); render(); });
    modes.appendChild(b);
  });

  function render() {
    var r = data.roots[state.root];
    var totals = document.getElementById('totals');
    totals.textContent = '';
    [['on disk', human(r.diskBytes)], ['apparent', human(r.bytes)], ['files', r.files.toLocaleString()], ['directories', r.dirs.toLocaleString()],
     ['symlinks', r.symlinks.toLocaleString()], ['errors', r.errorCount.toLocaleString()]].forEach(function (t) {
      var d = el('div'); d.appendChild(el('b', null, t[1])); d.appendChild(document.createTextNode(t[0])); totals.appendChild(d);
    });
    var node = r.tree; var trail = [node];
    state.stack.forEach(function (i) { node = node.children[i]; trail.push(node); });
    var crumbs = document.getElementById('crumbs');
    crumbs.textContent = '';
    trail.forEach(function (n, depth) {
      if (depth) crumbs.appendChild(el('span', 'sep', '/'));
      var a = el(depth === trail.length - 1 ? 'span' : 'a', null, n.name);
      if (depth < trail.length - 1) a.addEventListener('click', function () { state.stack = state.stack.slice(0, depth); render(); });
      crumbs.appendChild(a);
    });
    drawMap(node, r);
    fillGroups(r);
    fillTable('dirs', r.largestDirs, true);
    fillTable('files', r.largestFiles, false);
    var errs = document.getElementById('errors');
    errs.textContent = '';
    r.errors.forEach(function (e) { var tr = el('tr'); tr.appendChild(el('td', 'path', e.path)); tr.appendChild(el('td', null, e.code)); tr.appendChild(el('td', null, e.message)); errs.appendChild(tr); });
    document.getElementById('errors-box').style.display = r.errors.length ? '' : 'none';
  }

  function drawMap(node, r) {
    var map = document.getElementById('map');
    map.textContent = '';
    var w = map.clientWidth, h = map.clientHeight;
    var mode = state.mode;
    var h0 = d3.hierarchy(node, function (d) { return d.kind === 'dir' ? d.children : null; })
      .sum(function (d) { return d.kind === 'dir' && d.children && d.children.length ? 0 : Math.max(0, d[mode]); })
      .sort(function (a, b) { return b.value - a.value; });
    d3.treemap().size([w, h]).paddingInner(1).paddingTop(function (d) { return d.depth === 1 ? 16 : 0; }).round(true)(h0);
    var tops = h0.children || [];
    tops.forEach(function (top, i) {
      var colour = palette[i % palette.length];
      top.each(function (d) { d.colour = colour; });
    });
    var shown = h0.descendants().filter(function (d) { return d.depth === 1 || (d.depth === 2 && (d.x1 - d.x0) > 40 && (d.y1 - d.y0) > 24); });
    shown.forEach(function (d) {
      var kind = d.data.kind;
      var c = el('div', 'cell ' + kind + (d.depth === 1 ? ' top' : ' sub'));
      c.style.left = d.x0 + 'px'; c.style.top = d.y0 + 'px';
      c.style.width = Math.max(0, d.x1 - d.x0) + 'px'; c.style.height = Math.max(0, d.y1 - d.y0) + 'px';
      c.style.background = d.depth === 1 ? d.colour : 'rgba(255,255,255,.35)';
      c.title = d.data.name + ': ' + human(d.data.diskBytes) + ' on disk, ' + human(d.data.bytes) + ' apparent, ' + d.data.files.toLocaleString() + ' files';
      c.appendChild(el('span', 'n', d.data.name));
      c.appendChild(el('span', 's', human(d.value)));
      if (kind === 'dir' && d.data.children && d.data.children.length) {
        c.addEventListener('click', function (ev) {
          ev.stopPropagation();
          var path = []; var x = d; while (x.parent) { path.unshift(x.parent.data.children.indexOf(x.data)); x = x.parent; }
          state.stack = state.stack.concat(path); render();
        });
      }
      map.appendChild(c);
    });
  }

  function fillGroups(r) {
    var box = document.getElementById('groups');
    box.textContent = '';
    (r.groups || []).forEach(function (panel) {
      var whole = r[state.mode] || 1;
      box.appendChild(el('h2', null, 'By ' + panel.by));
      var table = el('table'); var head = el('tr');
      [[panel.by, ''], [state.mode === 'bytes' ? 'apparent' : 'on disk', 'num'], ['share', 'num'], ['entries', 'num']].forEach(function (h) { head.appendChild(el('th', h[1], h[0])); });
      var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
      var body = el('tbody');
      panel.rows.forEach(function (g) {
        var tr = el('tr');
        tr.appendChild(el('td', 'path', g.key));
        tr.appendChild(el('td', 'num', human(g[state.mode])));
        var share = el('td', 'share'); var bar = el('i'); bar.style.width = Math.min(100, 100 * g[state.mode] / whole).toFixed(1) + '%';
        share.title = (100 * g[state.mode] / whole).toFixed(1) + '%'; share.appendChild(bar); tr.appendChild(share);
        tr.appendChild(el('td', 'num', g.files.toLocaleString()));
        body.appendChild(tr);
      });
      table.appendChild(body); box.appendChild(table);
    });
  }

  function fillTable(id, rows, withFiles) {
    var body = document.getElementById(id);
    body.textContent = '';
    rows.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('td', 'path', row.path));
      tr.appendChild(el('td', 'num', human(row.diskBytes)));
      tr.appendChild(el('td', 'num', human(row.bytes)));
      if (withFiles) tr.appendChild(el('td', 'num', row.files.toLocaleString()));
      body.appendChild(tr);
    });
  }

  window.addEventListener('resize', render);
  render();
})();
`

export function html(data: ReportData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dirsize report</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>dirsize report</h1><div class="meta" id="meta"></div></header>
<main>
<div class="tabs" id="tabs"></div>
<div class="totals" id="totals"></div>
<div class="bar"><div class="mode" id="mode"></div><div class="crumbs" id="crumbs"></div></div>
<div class="view"><div id="map"></div><aside id="groups"></aside></div>
<div class="tables">
<div><h2>Largest directories</h2><table><thead><tr><th>path</th><th class="num">on disk</th><th class="num">apparent</th><th class="num">files</th></tr></thead><tbody id="dirs"></tbody></table></div>
<div><h2>Largest files</h2><table><thead><tr><th>path</th><th class="num">on disk</th><th class="num">apparent</th></tr></thead><tbody id="files"></tbody></table></div>
</div>
<div id="errors-box"><h2>Could not be read</h2><table class="errors"><tbody id="errors"></tbody></table></div>
</main>
<script type="application/json" id="report-data">${scriptSafeJson(data)}</script>
<script>${d3Hierarchy()}</script>
<script>${APP}</script>
</body>
</html>
`
}
