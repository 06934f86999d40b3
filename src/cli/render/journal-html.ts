import { createHash } from 'node:crypto';
import { formatStatus, type BugDetail, type GapRecord, type JournalExport } from '../../journal/index.js';

/**
 * The journal as ONE self-contained page for maintainers: inline CSS and JS, no external
 * requests (a Content-Security-Policy with hashes forbids any, and any injected handler).
 * Every value is HTML-escaped on the way in; the script only moves existing nodes and
 * builds highlighting spans with textContent, never innerHTML.
 */
export function renderJournalHtml(data: JournalExport): string {
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(STYLE)}'`,
    `script-src '${sha256(SCRIPT)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const statuses = unique(data.bugs.map((b) => b.status));
  const classes = unique(data.bugs.map((b) => b.verdict.class));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mesh compiler-bug journal</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Mesh compiler-bug journal</h1>
<p class="meta">Exported ${esc(data.exportedAt)} · schema v${data.schemaVersion} · ${data.bugs.length} bug(s) · ${data.gaps.length} known gap(s)</p>
</header>
<section id="bugs">
<div class="controls">
<input id="filter-text" type="search" placeholder="Filter: message, signature, repro…" aria-label="Filter text">
<select id="filter-status" aria-label="Status"><option value="">any status</option>${statuses.map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join('')}</select>
<select id="filter-class" aria-label="Class"><option value="">any class</option>${classes.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('')}</select>
<button id="expand-all" type="button">expand all</button>
<span id="shown-count">${data.bugs.length} of ${data.bugs.length} bugs</span>
</div>
<table id="bug-table">
<thead><tr>
<th data-key="id" data-type="num" aria-sort="ascending">id</th>
<th data-key="status">status</th>
<th data-key="class">class</th>
<th data-key="stage">stage</th>
<th data-key="seen" data-type="num">seen</th>
<th data-key="last">last seen</th>
<th data-key="message">message</th>
</tr></thead>
${data.bugs.map(bugBody).join('\n')}
</table>
${data.bugs.length === 0 ? '<p class="empty">The journal has no bugs yet.</p>' : ''}
</section>
${gapsSection(data.gaps)}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function bugBody(b: BugDetail): string {
  const search = [b.message, b.signature, b.stage, b.verdict.class, b.workaround ?? '', ...Object.values(b.repro), ...b.verdict.reasons].join('\n').toLowerCase();
  const attrs = {
    'data-id': String(b.id),
    'data-status': b.status,
    'data-class': b.verdict.class,
    'data-stage': b.stage,
    'data-seen': String(b.occurrenceCount),
    'data-last': b.lastSeen,
    'data-message': b.message.toLowerCase(),
    'data-search': search,
  };
  const attrText = Object.entries(attrs)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(' ');
  return `<tbody class="bug" ${attrText}>
<tr class="summary" tabindex="0" aria-expanded="false">
<td class="num">#${b.id}</td><td><span class="status s-${esc(b.status)}">${esc(formatStatus(b.status, b.duplicateOf))}</span></td><td>${esc(b.verdict.class)}</td><td>${esc(b.stage)}</td><td class="num">${b.occurrenceCount}</td><td>${esc(b.lastSeen.slice(0, 10))}</td><td class="message">${esc(b.message || b.signature)}</td>
</tr>
<tr class="detail" hidden><td colspan="7">${bugDetail(b)}</td></tr>
</tbody>`;
}

function bugDetail(b: BugDetail): string {
  const reasons = b.verdict.reasons.length > 0 ? `<ul>${b.verdict.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const files = Object.entries(b.repro);
  const repro =
    files.length === 0
      ? '<p class="dim">No repro stored.</p>'
      : files.map(([path, content]) => `<div class="file"><div class="path">${esc(path)}</div><pre class="code" data-lang="mesh">${esc(content)}</pre></div>`).join('');
  const occurrences = b.occurrences
    .map(
      (o) =>
        `<tr><td>${esc(o.seenAt)}</td><td>${esc(o.sourcePath ?? '')}</td><td>${esc(o.compilerVersion ?? '')} ${o.compilerDialect ? `(${esc(o.compilerDialect)})` : ''}<br><span class="dim">${esc(o.compilerPath ?? '')}</span></td><td><details><summary>output${o.outputTruncated ? ' (cut)' : ''}</summary><pre class="output">${esc(o.rawOutput)}</pre></details></td></tr>`,
    )
    .join('');
  const history = b.history
    .map((h) => `<tr><td>${esc(h.at)}</td><td>${esc(h.actor)}</td><td>${esc(h.field)}</td><td>${esc(h.from ?? '')}</td><td>${esc(h.to ?? '')}</td><td>${esc(h.note ?? '')}</td></tr>`)
    .join('');
  return `<dl>
<dt>Symptom</dt><dd>${esc(b.stage)}${b.code ? ` ${esc(b.code)}` : ''}: ${esc(b.message)}<br><code>${esc(b.signature)}</code> <span class="dim">(${esc(b.signatureVersion)}, ${esc(b.fingerprint)})</span></dd>
<dt>Verdict</dt><dd>${esc(b.verdict.class)}, confidence ${b.verdict.confidence.toFixed(2)}${b.verdict.gapKey ? `, known gap <code>${esc(b.verdict.gapKey)}</code>` : ''}${reasons}</dd>
<dt>Workaround</dt><dd>${b.workaround ? esc(b.workaround) : '<span class="dim">none recorded</span>'}</dd>
${b.fixedIn ? `<dt>Fixed in</dt><dd>${esc(b.fixedIn)}</dd>` : ''}
<dt>Seen</dt><dd>${b.occurrenceCount} time(s), first ${esc(b.firstSeen)}, last ${esc(b.lastSeen)}</dd>
</dl>
<h3>Repro</h3>${repro}
<h3>Occurrences</h3><table class="inner"><thead><tr><th>when</th><th>source</th><th>compiler</th><th>raw output</th></tr></thead><tbody>${occurrences}</tbody></table>
<h3>Status history</h3><table class="inner history"><thead><tr><th>when</th><th>who</th><th>field</th><th>from</th><th>to</th><th>note</th></tr></thead><tbody>${history}</tbody></table>`;
}

function gapsSection(gaps: readonly GapRecord[]): string {
  if (gaps.length === 0) return '';
  const rows = gaps
    .map((g) => {
      const dialects = g.dialects
        .map((d) => {
          const fix = d.fixedIn ? ` fixed in ${esc(d.fixedIn)}${d.fixedOn ? ` on ${esc(d.fixedOn)}` : ''}` : '';
          const reg = d.regressedIn ? `; regressed in ${esc(d.regressedIn)}${d.regressedOn ? ` on ${esc(d.regressedOn)}` : ''}` : '';
          return `<div><b>${esc(d.dialect)}</b>: <span class="status g-${esc(d.status)}">${esc(d.status)}</span>${fix}${reg}</div>`;
        })
        .join('');
      return `<tr><td><code>${esc(g.key)}</code></td><td>${esc(g.title)}</td><td>${esc(g.stage)}</td><td>${dialects}</td><td>${esc(g.workaround)}</td></tr>`;
    })
    .join('\n');
  return `<section id="gaps"><h2>Known gaps</h2>
<table class="inner"><thead><tr><th>key</th><th>title</th><th>stage</th><th>status per dialect</th><th>workaround</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

const STYLE = `
:root { --fg: #1d2330; --dim: #6b7385; --line: #d9dde5; --bg: #ffffff; --head: #f3f5f8; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 0 16px 48px; }
h1 { font-size: 22px; margin: 20px 0 4px; } h2 { font-size: 18px; margin-top: 32px; } h3 { font-size: 14px; margin: 14px 0 6px; }
.meta, .dim { color: var(--dim); }
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 12px 0; }
.controls input { flex: 1 1 260px; padding: 5px 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
#bug-table > thead th { background: var(--head); cursor: pointer; user-select: none; white-space: nowrap; }
#bug-table > thead th[aria-sort="ascending"]::after { content: " ▲"; }
#bug-table > thead th[aria-sort="descending"]::after { content: " ▼"; }
tr.summary { cursor: pointer; } tr.summary:hover { background: #f7f9fc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.message { max-width: 520px; overflow-wrap: anywhere; }
.status { padding: 1px 6px; border-radius: 8px; font-size: 12px; background: #eceff4; white-space: nowrap; }
.s-open, .s-regressed, .g-open { background: #fde2e1; color: #8c1d18; } .s-workaround { background: #fff1c2; color: #6b4e00; }
.s-fixed, .g-fixed { background: #dcf5e3; color: #17603a; } .s-wontfix, .s-duplicate { color: var(--dim); }
tr.detail > td { background: #fbfcfe; padding: 8px 16px 16px; }
dl { display: grid; grid-template-columns: 110px 1fr; gap: 4px 12px; margin: 0; } dt { color: var(--dim); } dd { margin: 0; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; overflow: auto; margin: 0; font: 12.5px/1.4 ui-monospace, monospace; }
.file { margin-bottom: 8px; } .path { font: 12px ui-monospace, monospace; color: var(--dim); margin-bottom: 2px; }
.tok-kw { color: #a626a4; font-weight: 600; } .tok-str { color: #2f7d32; } .tok-com { color: #8a8f98; font-style: italic; }
.tok-num { color: #b35900; } .tok-type { color: #1f5fbf; } .tok-atom { color: #0b7d87; }
table.inner { margin-top: 4px; } table.inner th { background: var(--head); font-weight: 600; }
`;

/**
 * Sorting, filtering, expanding and a small Mesh highlighter. Written for the browser as a
 * plain string: it is hashed into the CSP, so it must not depend on the data.
 */
const SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('bug-table');
  var bodies = Array.prototype.slice.call(table.querySelectorAll('tbody.bug'));
  var text = document.getElementById('filter-text');
  var status = document.getElementById('filter-status');
  var klass = document.getElementById('filter-class');
  var count = document.getElementById('shown-count');

  function applyFilter() {
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    bodies.forEach(function (b) {
      var ok = (!q || b.dataset.search.indexOf(q) !== -1 || ('#' + b.dataset.id) === q) &&
        (!status.value || b.dataset.status === status.value) &&
        (!klass.value || b.dataset['class'] === klass.value);
      b.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + bodies.length + ' bugs';
  }
  [text, status, klass].forEach(function (el) { el.addEventListener('input', applyFilter); el.addEventListener('change', applyFilter); });

  var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
  headers.forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.dataset.key;
      var numeric = th.dataset.type === 'num';
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var sorted = bodies.slice().sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return c !== 0 ? c * dir : (Number(a.dataset.id) - Number(b.dataset.id)) * dir;
      });
      sorted.forEach(function (b) { table.appendChild(b); });
    });
  });

  function toggle(body, open) {
    var detail = body.querySelector('tr.detail');
    var show = open === undefined ? detail.hidden : open;
    detail.hidden = !show;
    body.querySelector('tr.summary').setAttribute('aria-expanded', String(show));
  }
  bodies.forEach(function (b) {
    var summary = b.querySelector('tr.summary');
    summary.addEventListener('click', function () { toggle(b); });
    summary.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(b); } });
  });
  var expandAll = document.getElementById('expand-all');
  expandAll.addEventListener('click', function () {
    var open = expandAll.textContent === 'expand all';
    bodies.forEach(function (b) { toggle(b, open); });
    expandAll.textContent = open ? 'collapse all' : 'expand all';
  });

  var KEYWORDS = ('actor after alias and break call case cast cond continue def do else end false fn for if impl import ' +
    'in interface json let link match module monitor nil not or pub receive return self send service spawn struct ' +
    'supervisor terminate trait trap true type when where while with from').split(' ');
  var TOKEN = /(#[^\\n]*)|("""[\\s\\S]*?"""|"(?:[^"\\\\\\n]|\\\\.)*"?)|(:[a-z_][A-Za-z0-9_]*)|(\\b\\d[\\d_]*(?:\\.\\d+)?\\b)|(\\b[A-Z][A-Za-z0-9_]*\\b)|(\\b[a-z_][A-Za-z0-9_]*[?!]?)/g;
  function highlight(pre) {
    var src = pre.textContent;
    var out = document.createDocumentFragment();
    var last = 0, m;
    function span(cls, s) { var e = document.createElement('span'); e.className = cls; e.textContent = s; out.appendChild(e); }
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(src)) !== null) {
      if (m.index > last) out.appendChild(document.createTextNode(src.slice(last, m.index)));
      if (m[1]) span('tok-com', m[1]);
      else if (m[2]) span('tok-str', m[2]);
      else if (m[3]) span('tok-atom', m[3]);
      else if (m[4]) span('tok-num', m[4]);
      else if (m[5]) span('tok-type', m[5]);
      else if (KEYWORDS.indexOf(m[6]) !== -1) span('tok-kw', m[6]);
      else out.appendChild(document.createTextNode(m[6]));
      last = TOKEN.lastIndex;
    }
    if (last < src.length) out.appendChild(document.createTextNode(src.slice(last)));
    pre.textContent = '';
    pre.appendChild(out);
  }
  Array.prototype.forEach.call(document.querySelectorAll('pre.code[data-lang="mesh"]'), highlight);
  applyFilter();
})();
`;
