# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report: one self-contained page an auditor can open from disk or a mail attachment.

Nothing is loaded from anywhere: CSS and one small sorting script are inline, the charts are SVG
drawn here (so they work without JavaScript and print), and a Content-Security-Policy allows only
that exact script (by its hash), so even text that escaped the escaping could not run. Every value
goes through ``esc``: cleaned of characters HTML forbids, bidi controls made visible, truncated,
then ``html.escape``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import hashlib
import heapq
import html
import io
import itertools

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.rules import RULE_FIELDS
from ansible_collections.ncloud.wbd.plugins.module_utils._report import changes as report_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import (
    SEVERITIES,
    Sink,
    as_view,
    detection_state,
    display,
    evidence_text,
    severity_rank,
    status_rank,
    text,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._text import plural

CELL_LIMIT = 500  # characters shown in a table cell; the JSON report has the full text
ARG_LIMIT = 200  # process arguments are long and attacker-chosen: shown shorter
TOP_HOSTS = 25  # hosts in the "detections by host" chart
MAX_BARS = 92  # days in the time chart before days are grouped
DAY_MS = 86400000
STATES = (('unreviewed', 'u', 'unreviewed'), ('covered', 'c', 'covered by a rule'), ('other', 'o', 'other'))

# The only script on the page. Makes every table.sortable sortable by clicking (or Enter on) a header: numbers
# numerically, text in natural order, a cell's data-sort value first. Its hash goes into the CSP below.
SCRIPT = """
(function () {
  'use strict';
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
  function key(cell) {
    var v = cell ? cell.getAttribute('data-sort') : '';
    if (v === null) { v = cell.textContent.trim(); }
    var n = Number(v);
    return {v: v, n: v !== '' && isFinite(n) ? n : null};
  }
  function compare(a, b) {
    if (a.n !== null && b.n !== null) { return a.n - b.n; }
    if (a.n !== null) { return -1; }
    if (b.n !== null) { return 1; }
    return collator.compare(a.v, b.v);
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        var body = table.tBodies[0];
        var rows = Array.prototype.map.call(body.rows, function (row, i) { return [key(row.cells[col]), i, row]; });
        rows.sort(function (x, y) { return (asc ? 1 : -1) * compare(x[0], y[0]) || x[1] - y[1]; });
        rows.forEach(function (r) { body.appendChild(r[2]); });
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  });
  document.body.setAttribute('data-sort-ready', '1');
})();
"""
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode('utf-8')).digest()).decode('ascii')
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-%s'" % SCRIPT_HASH

STYLE = """
:root{--red:#c62828;--red-bg:#fdecea;--amber:#8a5300;--amber-bg:#fff1d6;--green:#2e7d32;--green-bg:#e6f4e7;
--violet:#6a1b9a;--violet-bg:#f3e5f5;--ink:#1f2933;--muted:#5f6b7a;--line:#dde2e8;--bg:#f4f6f9;--head:#eef1f5}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans KR","Malgun Gothic",sans-serif}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 10px}
.sub{color:var(--muted);margin:2px 0 12px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0;font-size:13px}
.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(112px,1fr));gap:8px;margin-top:18px}
.card{background:#fff;border:1px solid var(--line);border-top:4px solid var(--line);border-radius:6px;padding:8px 12px}
.card .n{display:block;font-size:22px;font-weight:650}
.card .l{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em}
.card.bad{border-top-color:var(--red)}.card.bad .n{color:var(--red)}
.card.warn{border-top-color:#e69b00}.card.warn .n{color:var(--amber)}
.card.ok{border-top-color:var(--green)}.card.ok .n{color:var(--green)}
.card.unk{border-top-color:var(--violet)}.card.unk .n{color:var(--violet)}
.card.wide{grid-column:span 2}.card .sev{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:14px;margin-top:14px}
.panel{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.panel h2{margin:0 0 6px;font-size:15px}
svg{display:block;width:100%;height:auto}
svg text{font-size:11px;fill:var(--muted)}
svg .lbl{fill:var(--ink)}svg .em{font-style:italic}
.u{fill:#e69b00;background:#e69b00}.c{fill:#4a7fd6;background:#4a7fd6}.o{fill:#b4bcc8;background:#b4bcc8}
.grid{stroke:#e6e9ee;stroke-width:1}
.legend{font-size:12px;color:var(--muted);display:flex;gap:14px;margin-top:4px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.wrap{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0;white-space:nowrap;font-weight:600}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tbody tr:hover{background:#f8fafc}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
td.t,td.nm{white-space:nowrap}
.b{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;white-space:nowrap}
.s-unprotected,.s-high,.s-bad{background:var(--red-bg);color:var(--red)}.s-critical{background:var(--red);color:#fff}
.s-unreviewed,.s-medium{background:var(--amber-bg);color:var(--amber)}.s-compliant,.s-ok{background:var(--green-bg);color:var(--green)}
.s-unknown,.s-incomplete{background:var(--violet-bg);color:var(--violet)}
.banner{margin:18px 0 0;background:var(--violet-bg);border:2px solid var(--violet);border-radius:6px;padding:10px 14px}
.banner h2{margin:0 0 6px;color:var(--violet)}.banner ul{margin:6px 0 0;padding-left:20px}.banner li{margin:3px 0}
.banner .ev{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.s-low,.s-covered{background:#e3edfb;color:#1f4f9c}.s-info,.s-other{background:#eceff2;color:#455263}
.muted{color:var(--muted)}.note{color:var(--muted);font-size:12px;margin:6px 0}
footer{margin:28px 0 0;color:var(--muted);font-size:12px}
@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.card,.panel,.wrap{border-color:#aaa;break-inside:avoid}.wrap{overflow:visible}
th{position:static}th::after{content:none!important}tr{break-inside:avoid}.charts{grid-template-columns:1fr}}
"""


def esc(value, limit=CELL_LIMIT):
    """Any record value as safe HTML text."""
    return html.escape(display(value, limit), quote=True)


def badge(value, kind=None):
    return '<span class="b s-%s">%s</span>' % (esc(kind or value, 40), esc(value, 60))


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _day(ms):
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(days=ms // DAY_MS)


# ---- charts ------------------------------------------------------------------------------------


def _nice_max(value):
    """Smallest 1/2/5 x 10^n at least ``value``: a round top for the y axis."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _legend():
    items = ''.join('<span><i class="%s"></i>%s</span>' % (cls, label) for _state, cls, label in STATES)
    return '<div class="legend">%s</div>' % items


def _stack(counts):
    return '%d detections (%s)' % (sum(counts), ', '.join('%d %s' % (n, s[0]) for n, s in zip(counts, STATES)))


_STATE_INDEX = dict((state, i) for i, (state, _c, _l) in enumerate(STATES))


def _window(record, detections):
    """(first UTC day, days a column, columns) of the time chart, from the look-back window; None when there is no
    time to chart. Only a record without its window reads the detections for it (their first and last times)."""
    run = record.get('run') or {}
    start = _num((run.get('policy') or {}).get('window_start_ms'))
    end = _num(run.get('started_at_ms'))
    if start is None or end is None:
        times = [t for t in (_num(d.get('detect_time')) for _h, d in detections) if t is not None]
        start = min(times) if start is None and times else start
        end = max(times) if end is None and times else end
    if start is None or end is None:
        return None
    first = int(start) // DAY_MS
    days = max(int(end) // DAY_MS - first + 1, 1)
    width = -(-days // MAX_BARS)
    return first, width, -(-days // width)


def _summaries(detections):
    """(host, detect_time, state, load) of each of ``detections`` (a common.Detections, or (host, detection) pairs)."""
    summaries = getattr(detections, 'summaries', None)
    if summaries is not None:
        return summaries()
    return ((host, d.get('detect_time'), detection_state(d), (lambda held=d: held)) for host, d in detections)


class Tally(object):
    """What the page shows of the detections, from one pass over them (each decoded once, as the record's lists may
    decode on access): the state counts per chart column and per host, and the newest ``max_rows`` for the table (the
    only detections kept)."""

    def __init__(self, record, detections, max_rows):
        self.window = _window(record, detections)
        self.buckets = [[0, 0, 0] for _i in range(self.window[2])] if self.window else []
        self.per_host, self.unmatched, self.total = {}, [0, 0, 0], 0
        heap = []  # (time, -order, host, load): the newest, the earlier first among equal times (as heapq.nlargest)
        for host, when, state, load in _summaries(detections):
            t = _num(when)
            self._count(host, t, _STATE_INDEX[state])
            item = (t or 0, -self.total, host, load)
            self.total += 1
            if len(heap) < max_rows:
                heapq.heappush(heap, item)
            elif max_rows > 0 and item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)
        # Only the rows shown are decoded (the lists' summaries give the rest).
        self.newest = [(host, load()) for _t, _o, host, load in sorted(heap, key=lambda item: item[:2], reverse=True)]

    def _count(self, host, t, state):
        counts = self.unmatched if host is None else self.per_host.setdefault(text(host), [0, 0, 0])
        counts[state] += 1
        if t is not None and self.window:
            first, width, columns = self.window
            self.buckets[min(max((int(t) // DAY_MS - first) // width, 0), columns - 1)][state] += 1


def time_chart(tally):
    """Stacked columns of detections per UTC day over the look-back window (days grouped beyond MAX_BARS)."""
    if tally.window is None:
        return '<p class="note">No detection times to chart.</p>'
    first, width, dummy = tally.window
    buckets = tally.buckets
    top = _nice_max(max([sum(b) for b in buckets] + [1]))
    w, h, left, bottom, upper = 720.0, 210.0, 36.0, 24.0, 8.0
    plot_w, plot_h = w - left - 6, h - bottom - upper
    slot_w = plot_w / len(buckets)
    out = ['<svg viewBox="0 0 %d %d" role="img" aria-label="Detections per day">' % (w, h)]
    for frac in (0, 0.5, 1):
        y = upper + plot_h * (1 - frac)
        out.append('<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>' % (left, y, w - 6, y))
        label = top * frac
        out.append('<text x="%.1f" y="%.1f" text-anchor="end">%s</text>' % (left - 4, y + 4, int(label) if label == int(label) else '%.1f' % label))
    step = -(-len(buckets) // 8)
    for i, counts in enumerate(buckets):
        x = left + i * slot_w + slot_w * 0.1
        day = _day((first + i * width) * DAY_MS)
        label = day.strftime('%Y-%m-%d') + ('' if width == 1 else ' +%dd' % (width - 1))
        out.append('<g><title>%s: %s</title>' % (esc(label), esc(_stack(counts))))
        y = upper + plot_h
        for n, (_state, cls, _label) in zip(counts, STATES):
            if n:
                height = plot_h * n / top
                y -= height
                out.append('<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>' % (cls, x, y, max(slot_w * 0.8, 0.5), height))
        out.append('</g>')
        if i % step == 0:
            out.append('<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>' % (left + (i + 0.5) * slot_w, h - 8, day.strftime('%m-%d')))
    out.append('</svg>')
    note = '' if width == 1 else '<p class="note">Each column is %d days.</p>' % width
    return ''.join(out) + _legend() + note


def host_chart(tally):
    """Horizontal stacked bars of detections for the TOP_HOSTS busiest hosts, plus the unmatched ones."""
    per_host, unmatched = tally.per_host, tally.unmatched
    rows = sorted(per_host.items(), key=lambda item: (-sum(item[1]), item[0]))
    shown = rows[:TOP_HOSTS] + ([(None, unmatched)] if sum(unmatched) else [])
    if not shown:
        return '<p class="note">No detections in the window.</p>'
    top = max(sum(counts) for _name, counts in shown)
    w, row_h, label_w = 720.0, 20.0, 170.0
    bar_w = w - label_w - 50
    h = row_h * len(shown) + 6
    out = ['<svg viewBox="0 0 %d %d" role="img" aria-label="Detections by host">' % (w, h)]
    for i, (name, counts) in enumerate(shown):
        y = 3 + i * row_h
        out.append('<g><title>%s: %s</title>' % (esc('unmatched' if name is None else name), esc(_stack(counts))))
        out.append(
            '<text class="lbl%s" x="%.1f" y="%.1f" text-anchor="end">%s</text>'
            % (' em' if name is None else '', label_w - 6, y + 13, esc('unmatched' if name is None else name, 26))
        )
        x = label_w
        for n, (_state, cls, _label) in zip(counts, STATES):
            if n:
                width = bar_w * n / top
                out.append('<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>' % (cls, x, y + 2, width, row_h - 6))
                x += width
        out.append('<text x="%.1f" y="%.1f">%d</text></g>' % (x + 4, y + 13, sum(counts)))
    out.append('</svg>')
    more = len(rows) - TOP_HOSTS
    note = '<p class="note">%d more hosts with detections are not shown.</p>' % more if more > 0 else ''
    return ''.join(out) + _legend() + note


# ---- tables ------------------------------------------------------------------------------------


def table(headers, rows, empty):
    """The pieces of a sortable table; ``headers`` are (label, css class of its cells); ``rows`` an iterable of rows, a
    row a list of (sort key or None, html). A row is made only when its piece is taken."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        yield '<p class="note">%s</p>' % empty
        return
    yield '<div class="wrap"><table class="sortable"><thead><tr>' + ''.join('<th scope="col">%s</th>' % label for label, _cls in headers)
    yield '</tr></thead><tbody>'
    for row in itertools.chain([first], rows):
        cells = (
            '<td%s%s>%s</td>' % (' class="%s"' % cls if cls else '', '' if sort is None else ' data-sort="%s"' % esc(sort, 40), cell)
            for (sort, cell), (_label, cls) in zip(row, headers)
        )
        yield '<tr>' + ''.join(cells) + '</tr>'
    yield '</tbody></table></div>'


def _plain(value, limit=CELL_LIMIT):
    return None, esc(value, limit)


def _count(value):
    n = _num(value)
    return (n, '%d' % n) if n is not None else (-1, '<span class="muted">&ndash;</span>')


def _host_row(name, host):
    target = host.get('target') or {}
    agent = target.get('agent_status')
    if not target:
        server = badge('not registered', 'bad')
    elif target.get('instance_no'):
        server = '%s <span class="muted">%s</span>' % (esc(target.get('server_name')), esc(target.get('instance_no')))
    else:
        server = esc(target.get('server_name'))
    return [
        (None, esc(host.get('name') or name, 80)),
        (status_rank(host.get('status')), badge(host.get('status'))),
        (None, '<br>'.join(esc(r) for r in host.get('reasons') or []) or '<span class="muted">&ndash;</span>'),
        _plain(host.get('matched_by')),
        (None, server),
        (None, badge(agent, 'ok' if agent == 'enable' else 'bad') if agent else ''),
        _count(host.get('detection_count')),
        _count(host.get('unreviewed_count')),
    ]


def hosts_table(record):
    """The pieces of the hosts table, worst status first."""
    rows = (_host_row(name, host) for name, host in as_view(record).hosts_by_status)
    return table(
        [
            ('Host', 'nm'),
            ('Status', ''),
            ('Reasons', ''),
            ('Matched by', ''),
            ('Target server', ''),
            ('Agent', ''),
            ('Detections', 'num'),
            ('Unreviewed', 'num'),
        ],
        rows,
        'No hosts in scope.',
    )


def findings_table(record):
    """The pieces of the findings table, in record order."""
    rows = (
        [
            (severity_rank(f.get('severity')), badge(f.get('severity'))),
            _plain(f.get('scope')),
            _plain(f.get('host'), 80),
            _plain(f.get('kind')),
            _plain(f.get('subject')),
            _plain(f.get('message')),
            (None, esc(f.get('rule_id') or f.get('detection_id'))),
        ]
        for f in as_view(record).record.get('findings') or []
    )
    return table(
        [('Severity', ''), ('Scope', ''), ('Host', 'nm'), ('Kind', ''), ('Subject', ''), ('Message', ''), ('Rule / detection', 'code')], rows, 'No findings.'
    )


def _detection_row(host, d, rule_names):
    state = detection_state(d)
    status = state if state != 'other' else 'confirmed' if d.get('action_status') == 'confirmed' else 'unconfirmed'
    covered = [text(rule_names.get(text(rule)) or rule) for rule in d.get('covered_by') or []]
    return [
        (_num(d.get('detect_time')), esc(d.get('detect_time_iso'))),
        (None, '<span class="muted">unmatched</span>' if host is None else esc(host, 80)),
        _plain(d.get('server_name') or d.get('host_name') or d.get('private_ip')),
        _plain(d.get('process_name')),
        _plain(d.get('process_arg'), ARG_LIMIT),
        _plain(d.get('executor')),
        (None, badge(status, {'unreviewed': 'unreviewed', 'covered': 'covered'}.get(status, 'other'))),
        _count(d.get('max_weight')),
        _plain(covered),
    ]


def detections_table(record, tally):
    """The pieces of the table of the newest detections (``tally.newest``); a 100,000-detection record stays a page a
    browser opens."""
    view = as_view(record)
    newest = tally.newest
    rule_names = dict((text(r.get('rule_id')), r.get('name')) for r in view.record.get('exception_rules') or [])
    headers = [
        ('Time (UTC)', 't'),
        ('Host', 'nm'),
        ('Server', ''),
        ('Process', 'code'),
        ('Argument', 'code'),
        ('Executor', ''),
        ('Status', ''),
        ('Max weight', 'num'),
        ('Covered by', ''),
    ]
    if tally.total > len(newest):
        yield '<p class="note">Showing %d of %d detections, newest first; the JSON report has all.</p>' % (len(newest), tally.total)
    yield from table(headers, (_detection_row(host, d, rule_names) for host, d in newest), 'No detections in the window.')


def _conditions(rule):
    conditions = rule.get('conditions') or {}
    parts = []
    for field in RULE_FIELDS:
        cond = conditions.get(field) or {}
        if cond.get('condition') not in (None, '', 'NOT_USE'):
            parts.append('%s %s "%s"' % (field, text(cond.get('condition')), text(cond.get('value'))))
    return '; '.join(parts)


def _rule_row(rule):
    why = 'disabled' if rule.get('disabled') else 'group deleted' if rule.get('group_is_deleted') else ''
    active = badge('yes', 'ok') if rule.get('active') else badge('no' + (' (%s)' % why if why else ''), 'other')
    conditions = _conditions(rule)
    hides = _num(rule.get('hides'))
    return [
        _plain(rule.get('name')),
        _plain(rule.get('target_type')),
        _plain(rule.get('target_name') or rule.get('target')),
        (1 if rule.get('active') else 0, active),
        _count(rule.get('compared_fields')),
        (None, esc(conditions) if conditions else badge('no field compared', 'bad')),
        _count(len(rule.get('covers') or [])),
        (hides, '%d' % hides) if hides is not None else (-1, '<span class="muted">&ndash;</span>'),
    ]


def rules_table(record):
    """The pieces of the exception rules table."""
    rows = (_rule_row(rule) for rule in as_view(record).record.get('exception_rules') or [])
    return table(
        [
            ('Name', ''),
            ('Target type', ''),
            ('Target', ''),
            ('Active', ''),
            ('Compared fields', 'num'),
            ('Conditions', 'code'),
            ('Covers', 'num'),
            ('Hides', 'num'),
        ],
        rows,
        'No exception rules.',
    )


# ---- page --------------------------------------------------------------------------------------


def _card(value, label, cls=''):
    n = _num(value)
    kind = cls if cls and n else ''
    return '<div class="card %s"><span class="n">%s</span><span class="l">%s</span></div>' % (kind, '%d' % n if n is not None else '&ndash;', label)


BANNER_MAX = 200  # problems listed in the banner; the JSON report has all


def banner(record):
    """The incomplete-data banner at the top of the page, or '' for a complete record. Problem text can carry
    detection data (server names, times as the API sent them): every piece goes through ``esc``."""
    view = as_view(record)
    problems = view.problems
    if not problems:
        return ''
    unknown = view.unknown_hosts
    items = []
    for problem in problems[:BANNER_MAX]:
        hosts = ' <span class="ev">hosts: %s</span>' % esc(problem['hosts']) if problem['hosts'] else ''
        evidence = evidence_text(problem['evidence'], CELL_LIMIT)
        evidence = ' <span class="ev">(%s)</span>' % esc(evidence) if evidence else ''
        items.append('<li>%s %s%s%s</li>' % (badge(problem['kind'], 'incomplete'), esc(problem['message']), hosts, evidence))
    if len(problems) > BANNER_MAX:
        items.append('<li>and %d more; the JSON report has all.</li>' % (len(problems) - BANNER_MAX))
    return (
        '<section class="banner" role="alert"><h2>Incomplete audit: these results may be wrong</h2>'
        '<p>The data the audit read were incomplete or ambiguous. %s; %s reported '
        '<span class="b s-unknown">unknown</span>%s. No host status here proves compliance until they are resolved.</p>'
        '<ul>%s</ul></section>\n'
        % (
            plural(len(problems), 'problem'),
            plural(len(unknown), 'host'),
            (': ' + esc(', '.join(unknown))) if unknown else '',
            ''.join(items),
        )
    )


def cards(summary):
    by_severity = summary.get('findings_by_severity') or {}
    out = [
        '<section class="cards">',
        _card(summary.get('hosts'), 'hosts in scope'),
        _card(summary.get('unprotected'), 'unprotected', 'bad'),
        _card(summary.get('unknown'), 'unknown', 'unk'),
        _card(summary.get('unreviewed'), 'unreviewed', 'warn'),
        _card(summary.get('compliant'), 'compliant', 'ok'),
        _card(summary.get('detections'), 'detections'),
        _card(summary.get('unreviewed_detections'), 'unreviewed detections', 'warn'),
        _card(summary.get('covered_detections'), 'covered by rules'),
        _card(summary.get('unmatched_detections'), 'unmatched detections', 'warn'),
    ]
    sev = ''.join(badge('%s %s' % (s, text(by_severity.get(s, 0))), s if by_severity.get(s) else 'other') for s in SEVERITIES)
    out.append(
        '<div class="card wide"><span class="n">%s</span><span class="l">findings</span><div class="sev">%s</div></div>'
        % (esc(summary.get('findings'), 20), sev)
    )
    out.append('</section>')
    return ''.join(out)


def metadata(record):
    run = record.get('run') or {}
    scope = run.get('inventory_scope') or {}
    policy = run.get('policy') or {}
    rows = [
        ('Run started', run.get('started_at_iso')),
        ('Collection', 'ncloud.wbd %s' % text(run.get('collection_version'))),
        ('Endpoint', run.get('endpoint')),
        ('Inventory scope', '%s hosts, limit %s' % (text(scope.get('count')), text(scope.get('limit')) or 'none')),
        ('Look-back', '%s (since %s)' % (text(policy.get('lookback')), text(policy.get('window_start_iso')))),
        (
            'Policy',
            ' \u00b7 '.join(
                '%s %s' % (k, text(policy.get(k)))
                for k in ('min_weight', 'high_weight', 'broad_rule_max_conditions', 'fail_on_unprotected', 'fail_on_unreviewed')
            ),
        ),
        ('Match keys', policy.get('match_keys')),
    ]
    return '<dl class="meta">%s</dl>' % ''.join('<dt>%s</dt><dd>%s</dd>' % (label, esc(value)) for label, value in rows)


def _page_head(view, tally):
    record = view.record
    started = text((record.get('run') or {}).get('started_at_iso'))
    return [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="%s">\n' % html.escape(CSP, quote=True),
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<title>Webshell audit %s%s</title>\n' % (esc(started, 40), ' (INCOMPLETE)' if view.problems else ''),
        '<style>%s</style>\n</head>\n<body>\n<main>\n' % STYLE,
        '<header><h1>Webshell audit report</h1><p class="sub">Webshell Behavior Detector coverage and review state, '
        'run %s</p>%s</header>\n' % (esc(started, 40), metadata(record)),
        banner(view),
        cards(record.get('summary') or {}),
        '\n',
        '<section class="charts"><div class="panel"><h2>Detections per day (UTC)</h2>%s</div>'
        '<div class="panel"><h2>Detections by host</h2>%s</div></section>\n' % (time_chart(tally), host_chart(tally)),
    ]


def run_sections(record):
    """(title, pieces) of what the report run adds: the changes since the previous run and the actions, each only
    when the run set it."""
    out = []
    if 'changes' in record:
        changes = record['changes']
        rows = ([_plain(kind, 40), _plain(line)] for kind, line in report_changes.lines(changes))
        out.append((esc(report_changes.title(changes), 80), table([('Change', ''), ('What', '')], rows, 'None.')))
    if record.get('actions') is not None:
        rows = (
            [_plain(a['kind'], 60), _plain(a['resource'], 80), (a['status'], badge(a['status'])), _plain(a['reason']), _plain(a['message'])]
            for a in record['actions']
        )
        headers = [('Kind', ''), ('Resource', ''), ('Status', ''), ('Reason', ''), ('Message', '')]
        out.append(('Actions', table(headers, rows, 'None.')))
    return tuple(out)


FOOTER = '<footer>Audit record by %s, schema version %s, content digest %s; page by ncloud.wbd.audit_report. The JSON report is the complete record.</footer>\n'


def write_html(record, handle, max_detections=2000):
    """The whole page, written to ``handle`` a table row at a time."""
    view = as_view(record)
    record = view.record
    sink = Sink(handle)
    tally = Tally(record, view.detections, max_detections)
    sections = (
        ('Hosts', hosts_table(view)),
        ('Findings', findings_table(view)),
        ('Detections', detections_table(view, tally)),
        ('Exception rules', rules_table(view)),
    )
    sections = sections + run_sections(record)
    for piece in _page_head(view, tally):
        sink.write(piece)
    for title, pieces in sections:
        sink.write('<h2>%s</h2>\n' % title)
        for piece in pieces:
            sink.write(piece)
        sink.write('\n')
    made_by = (esc(record.get('generator') or 'unknown', 80), esc(record.get('schema_version'), 10), esc(record.get('content_digest'), 64))
    sink.write(FOOTER % made_by)
    sink.write('</main>\n<script>%s</script>\n</body>\n</html>\n' % SCRIPT)
    sink.flush()


def render_html(record, max_detections=2000):
    """The whole page as text."""
    handle = io.BytesIO()
    write_html(record, handle, max_detections)
    return handle.getvalue().decode('utf-8')
