# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderers that turn an audit record (docs/docsite/rst/guide_record_schema.rst, schema version 2) into report files.

Every renderer is a pure function of the record: the same record gives the same bytes. Detection
fields are attacker-controlled, so every format escapes for its own syntax, and the text-based
formats (HTML, JUnit XML, Markdown) replace characters their syntax forbids with U+FFFD so the
reader sees that something was there. The JSON report is the canonical record; the others are views.

Each format has a ``write_<format>(record or ReportView, handle)`` that streams it to a binary handle as it renders
it (``report_writers`` gives them for one run, sharing one ReportView); ``render_<format>`` and ``render_reports``
gather the same bytes in memory, for tests and the benchmark.

A record whose data were incomplete (``completeness.complete`` false) says so first in every view: an audit must never
look compliant on data it could not read completely. A complete record renders as it did before schema version 2,
apart from the count of ``unknown`` hosts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import DETECTION_LISTS
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import field_values
from ansible_collections.ncloud.wbd.plugins.module_utils._report import changes as report_changes
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import (
    FORMATS,
    SEVERITIES,
    Sink,
    as_view,
    clean,
    display,
    evidence_text,
    status_rank,
    text,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._report.html import write_html
from ansible_collections.ncloud.wbd.plugins.module_utils._text import plural

CSV_COLUMNS = ('severity', 'scope', 'host', 'kind', 'subject', 'message', 'rule_id', 'detection_id', 'host_status', 'run_started_at')
# OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula (or strips it).
CSV_TRIGGERS = ('=', '+', '-', '@', '\t', '\r')

MD_CELL_LIMIT = 200
MD_MAX_ROWS = 200
# Completeness problems are rows of their own in the CSV, before the findings: scope ``completeness``, severity high.
COMPLETENESS_SCOPE = 'completeness'
COMPLETENESS_SEVERITY = 'high'


# ---- JSON --------------------------------------------------------------------------------------

# The detection lists and the findings of a record: each item is written compactly on one line of its own.
_LINES = 'lines'
JSON_LAYOUT = dict([('hosts', {'*': {'detections': _LINES}}), ('findings', _LINES)] + [(key, _LINES) for key in DETECTION_LISTS])
_COMPACT = json.JSONEncoder(sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode
JSON_BATCH = 1024  # pieces of the indent=2 encoder joined into one write to the Sink
_INDENTED = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def detection_texts(items):
    """The compact JSON of each detection of ``items``: the sequence's own ``canonical_texts()`` when it has them (a
    lazy sequence then decodes nothing), else each one encoded by the C encoder."""
    texts = getattr(items, 'canonical_texts', None)
    return texts() if callable(texts) else (_COMPACT(item) for item in items)


def _is_list(value):
    return isinstance(value, (list, tuple, Sequence)) and not isinstance(value, (str, bytes))


def _json_value(sink, value, layout, depth):
    """``value`` at nesting ``depth``: a detection list a detection per line, a mapping holding one key by key, anything
    else as ``json.dumps(indent=2)`` lays it out (JSON text holds no raw newline, so indenting it is a replace)."""
    if layout == _LINES and _is_list(value):
        _json_lines(sink, value, depth)
    elif isinstance(layout, dict) and isinstance(value, dict) and all(isinstance(key, str) for key in value):
        _json_object(sink, value, layout, depth)
    elif isinstance(value, (dict, list, tuple)):
        chunks = _INDENTED.iterencode(value)
        while True:
            batch = ''.join(itertools.islice(chunks, JSON_BATCH))
            if not batch:
                break
            sink.write(batch.replace('\n', '\n' + '  ' * depth))
    else:
        sink.write(_COMPACT(value))


def _json_object(sink, mapping, layout, depth):
    """A mapping as the indent=2 encoder writes it, keys sorted, each value by ``_json_value``."""
    if not mapping:
        sink.write('{}')
        return
    pad = '\n' + '  ' * (depth + 1)
    for index, key in enumerate(sorted(mapping)):
        sink.write('%s%s%s: ' % (',' if index else '{', pad, _COMPACT(key)))
        _json_value(sink, mapping[key], layout.get(key, layout.get('*')), depth + 1)
    sink.write('\n' + '  ' * depth + '}')


def _json_lines(sink, items, depth):
    """A detection list: one compact detection a line, at the list's item indentation."""
    pad = '\n' + '  ' * (depth + 1)
    empty = True
    for line in detection_texts(items):
        sink.write(('[' if empty else ',') + pad + line)
        empty = False
    sink.write('[]' if empty else '\n' + '  ' * depth + ']')


def write_json(record, handle):
    """The canonical report: the record itself, keys sorted, two-space indent, except that each detection (every item
    of a host's ``detections`` and of the record's detection lists) and each finding is one compact line (``json.loads``
    of it is the record). Every top-level key starts a line of its own (``changes`` and ``run`` read the head of a previous report
    from those lines); a detection a line is fast to write (the C encoder, or the lazy lists' own texts) and to grep."""
    sink = Sink(handle)
    _json_value(sink, as_view(record).record, JSON_LAYOUT, 0)
    sink.write('\n')
    sink.flush()


# ---- CSV ---------------------------------------------------------------------------------------


def csv_cell(value):
    """Cell text, prefixed with ``'`` when its first character would make a spreadsheet evaluate it."""
    cell = text(value)
    return "'" + cell if cell[:1] in CSV_TRIGGERS and cell else cell


def _csv_problem_rows(view, started):
    """A row per completeness problem: the hosts it makes ``unknown`` (comma-joined), its kind, message and evidence."""
    for problem in view.problems:
        evidence = problem['evidence']
        yield [
            COMPLETENESS_SEVERITY,
            COMPLETENESS_SCOPE,
            problem['hosts'],
            problem['kind'],
            evidence_text(evidence, 500),
            problem['message'],
            evidence.get('rule_id'),
            evidence.get('detection_id'),
            'unknown' if problem['hosts'] else None,
            started,
        ]


def write_csv(record, handle):
    """One row per finding, with the host's status and the run time; CRLF line ends (RFC 4180). When the record is
    incomplete, a row per completeness problem comes first (scope ``completeness``)."""
    view = as_view(record)
    hosts = view.record.get('hosts') or {}
    started = (view.record.get('run') or {}).get('started_at_iso')
    sink = Sink(handle)
    writer = csv.writer(sink, lineterminator='\r\n')
    writer.writerow(CSV_COLUMNS)
    for row in _csv_problem_rows(view, started):
        writer.writerow([csv_cell(cell) for cell in row])
    for finding in view.record.get('findings') or []:
        host = finding.get('host')
        status = (hosts.get(host) or {}).get('status') if finding.get('scope') == 'host' and isinstance(host, str) else None
        row = [finding.get(column) for column in CSV_COLUMNS[:-2]] + [status, started]
        writer.writerow([csv_cell(cell) for cell in row])
    for row in _csv_run_rows(view.record, started):
        writer.writerow([csv_cell(cell) for cell in row])
    sink.flush()


def _csv_run_rows(record, started):
    """Rows of what the report run adds, after the findings: a row per change (scope ``changes``; one row saying why
    when nothing was compared) and a row per action (scope ``actions``), only when the run set them."""
    if 'changes' in record:
        for kind, line in report_changes.lines(record['changes']):
            yield [None, 'changes', None, kind, report_changes.title(record['changes']), line, None, None, None, started]
    for action in record.get('actions') or []:
        message = '%s: %s (reason: %s)' % (action['status'], action['message'], action['reason'])
        yield [None, 'actions', None, action['kind'], action['resource'], message, None, None, action['status'], started]


# ---- JUnit XML ---------------------------------------------------------------------------------
# Written a test case at a time: each case is built and serialised by ElementTree (its escaping, its attribute
# order), laid out as ElementTree.indent lays out the whole document; the counts in the suite tags come first.

_INDENT = hasattr(ET, 'indent')  # Python 3.9+: the layout of ET.indent, else none (as the tree's tostring gave)
JUNIT_BATCH = 200  # test cases serialised at a time
UNKNOWN_REASON = 'the audit data for this host are incomplete or ambiguous'


def _layout(level):
    return '\n' + '  ' * level if _INDENT else ''


def _failure(case, kind, message, details):
    failure = ET.SubElement(case, 'failure', type=clean(kind), message=clean(message))
    failure.text = clean('\n'.join('%s: %s' % (k, text(v)) for k, v in details if v not in (None, '')) + '\n' + text(message))


def _error(case, kind, message, details):
    error = ET.SubElement(case, 'error', type=clean(kind), message=clean(message))
    error.text = clean('\n'.join('%s: %s' % (k, text(v)) for k, v in details if v not in (None, '', [], {})) + '\n' + text(message))


def _finding_entry(finding):
    details = [
        ('severity', finding.get('severity')),
        ('finding', finding.get('id')),
        ('subject', finding.get('subject')),
        ('rule_id', finding.get('rule_id')),
        ('detection_id', finding.get('detection_id')),
    ]
    return _failure, finding.get('kind'), finding.get('message'), details


def _completeness_cases(view):
    """An erroring test case per completeness problem: (classname, name, entries)."""
    for index, problem in enumerate(view.problems, 1):
        details = [('hosts', problem['hosts']), ('evidence', evidence_text(problem['evidence'], 2000))]
        yield 'webshell_audit.completeness', clean('completeness/%s/%d' % (problem['kind'], index)), [(_error, problem['kind'], problem['message'], details)]


def _host_cases(view):
    """A test case per host: an error per reason of an ``unknown`` host, a failure per host finding, and a failure per
    reason of a non-compliant host the findings omit."""
    hosts = view.record.get('hosts') or {}
    by_host = view.findings_by_host
    names = view.host_names if all(name in hosts for name in by_host) else sorted(set(hosts) | set(by_host))
    for name in names:
        host = hosts.get(name) or {}
        entries = []
        if host.get('status') == 'unknown':
            # Not a failure of the host: the audit could not reach a verdict, which CI must not read as a pass.
            entries.extend((_error, 'unknown', reason, []) for reason in host.get('reasons') or [UNKNOWN_REASON])
        entries.extend(_finding_entry(finding) for finding in by_host.get(name, []))
        if name not in by_host and host.get('status', 'compliant') not in ('compliant', 'unknown'):
            # A non-compliant host always fails, even in a record whose findings omit it.
            entries.extend((_failure, host.get('status'), reason, []) for reason in host.get('reasons') or [host.get('status')])
        yield 'webshell_audit.hosts', clean(name), entries


def _junit_suites(view):
    """[(suite name, [case])], the completeness suite first when the record is incomplete; the actions suite last
    when the run set actions (a failed action is a failed case)."""
    suites = [('webshell_audit.completeness', list(_completeness_cases(view)))] if view.problems else []
    suites.append(('webshell_audit.hosts', list(_host_cases(view))))
    suites.append(('webshell_audit.account', [('webshell_audit.account', clean(f.get('id')), [_finding_entry(f)]) for f in view.account_findings]))
    if view.record.get('actions') is not None:
        suites.append(('webshell_audit.actions', list(_action_cases(view.record['actions']))))
    return suites


def _action_cases(actions):
    for action in actions:
        details = [('status', action['status']), ('reason', action['reason'])]
        entries = [(_failure, action['kind'], action['message'] or 'failed', details)] if action['status'] == 'failed' else []
        yield 'webshell_audit.actions', clean('%s %s: %s' % (action['kind'], action['resource'], action['status'])), entries


def _junit_changes(record):
    """The changes suite (no test case; the changes as its system-out), only when the run compared or said why not."""
    if 'changes' not in record:
        return ''
    changes = record['changes']
    suite = ET.Element('testsuite', name='webshell_audit.changes', tests='0', failures='0', errors='0', skipped='0')
    out = ET.SubElement(suite, 'system-out')
    out.text = clean('\n'.join('%s: %s' % item for item in [('title', report_changes.title(changes))] + report_changes.lines(changes)))
    if _INDENT:
        suite.text, out.tail = _layout(2), _layout(1)
    return _layout(1) + ET.tostring(suite, encoding='unicode')


def _counts(cases):
    """(tests, failures, errors): a case with an error counts as an error (its verdict could not be reached), else
    with a failure as a failure."""
    errored = sum(1 for _c, _n, entries in cases if any(add is _error for add, _k, _m, _d in entries))
    failed = sum(1 for _c, _n, entries in cases if entries and not any(add is _error for add, _k, _m, _d in entries))
    return len(cases), failed, errored


def _tag(tag, attrs, empty=False):
    """The start tag (or the empty element) as ElementTree writes it."""
    element = ET.tostring(ET.Element(tag, dict(attrs)), encoding='unicode')
    return element if empty else element[:-3] + '>'


def _case(classname, name, entries):
    case = ET.Element('testcase', classname=classname, name=name)
    for add, kind, message, details in entries:
        add(case, kind, message, details)
    if len(case) and _INDENT:
        case.text = _layout(3)
        for child in case:
            child.tail = _layout(3)
        case[-1].tail = _layout(2)
    return case


def _cases_xml(cases):
    """The test cases of a suite as ElementTree writes them in the indented tree, JUNIT_BATCH cases a serialisation."""
    for start in range(0, len(cases), JUNIT_BATCH):
        end = start + JUNIT_BATCH
        batch = ET.Element('batch')
        for case in cases[start:end]:
            batch.append(_case(*case))
            batch[-1].tail = _layout(2)
        if end >= len(cases):
            batch[-1].tail = _layout(1)
        yield ET.tostring(batch, encoding='unicode')[7:-8]  # without <batch> and </batch>


def write_junit(record, handle):
    """JUnit XML: suite ``webshell_audit.hosts`` (a test case per host, a failure per host finding, an error per reason
    of an ``unknown`` host) and suite ``webshell_audit.account`` (a test case per account finding); an incomplete record
    first has suite ``webshell_audit.completeness`` (an error per problem). ``failures`` and ``errors`` count test cases."""
    view = as_view(record)
    timestamp = clean((view.record.get('run') or {}).get('started_at_iso'))
    suites = _junit_suites(view)
    counts = [_counts(cases) for _name, cases in suites]
    totals = [str(sum(count[i] for count in counts)) for i in range(3)]
    sink = Sink(handle)
    sink.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    sink.write(_tag('testsuites', zip(('name', 'tests', 'failures', 'errors'), ['webshell_audit'] + totals)))
    for (name, cases), count in zip(suites, counts):
        attrs = [('name', name)] + list(zip(('tests', 'failures', 'errors'), (str(n) for n in count))) + [('skipped', '0'), ('timestamp', timestamp)]
        sink.write(_layout(1) + _tag('testsuite', attrs, empty=not cases))
        if cases:
            sink.write(_layout(2))
            for piece in _cases_xml(cases):
                sink.write(piece)
            sink.write('</testsuite>')
    sink.write(_junit_changes(view.record))
    sink.write(_layout(0) + '</testsuites>\n')
    sink.flush()


# ---- Markdown ----------------------------------------------------------------------------------

_MD_ESCAPES = [
    ('\\', '\\\\'),
    ('&', '&amp;'),
    ('<', '&lt;'),
    ('>', '&gt;'),
    ('`', '&#96;'),
    ('|', '\\|'),
    ('*', '\\*'),
    ('_', '\\_'),
    ('[', '\\['),
    (']', '\\]'),
    ('~', '\\~'),
]
_MD_SPACE = re.compile(r'[\r\n\t]+')


def md_cell(value, limit=MD_CELL_LIMIT):
    """A Markdown table cell: one line, truncated, with Markdown and HTML syntax escaped."""
    cell = display(_MD_SPACE.sub(' ', text(value)).strip(), limit)
    for char, escaped in _MD_ESCAPES:
        cell = cell.replace(char, escaped)
    return cell


def _md_table(headers, rows, total):
    """The lines of a table of the first MD_MAX_ROWS ``rows`` (an iterable of ``total`` rows)."""
    lines = ['| ' + ' | '.join(headers) + ' |', '|' + '---|' * len(headers)]
    lines.extend('| ' + ' | '.join(md_cell(c) for c in row) + ' |' for row in itertools.islice(rows, MD_MAX_ROWS))
    if total > MD_MAX_ROWS:
        lines.append('')
        lines.append('Showing %d of %d; the JSON report has all.' % (MD_MAX_ROWS, total))
    return lines


def unmatched_servers(record):
    """Unmatched detections grouped by server: [(server_name, instance_no, private_ip, count, newest_iso)], most first."""
    record = as_view(record).record
    groups = {}
    for values in field_values(record.get('unmatched_detections'), ('server_name', 'instance_no', 'private_ip', 'detect_time_iso')):
        key = tuple(text(value) for value in values[:3])
        count, newest = groups.get(key, (0, ''))
        groups[key] = (count + 1, max(newest, text(values[3])))
    return sorted((key + value for key, value in groups.items()), key=lambda row: (-row[3], row[:3]))


def md_banner(record):
    """Lines of the incomplete-data banner (a block quote listing each problem); [] for a complete record."""
    view = as_view(record)
    problems = view.problems
    if not problems:
        return []
    unknown = view.unknown_hosts
    lines = [
        '> **INCOMPLETE AUDIT: the data the audit read were incomplete or ambiguous, so these results may be wrong.** '
        '%s; %s reported unknown%s.'
        % (plural(len(problems), 'problem'), plural(len(unknown), 'host'), (': ' + md_cell(', '.join(unknown))) if unknown else ''),
        '>',
    ]
    for problem in problems[:MD_MAX_ROWS]:
        hosts = ' (hosts: %s)' % md_cell(', '.join(problem['hosts'])) if problem['hosts'] else ''
        lines.append('> - %s: %s%s' % (md_cell(problem['kind'], 60), md_cell(problem['message'], 500), hosts))
    if len(problems) > MD_MAX_ROWS:
        lines.append('> - and %d more; the JSON report has all.' % (len(problems) - MD_MAX_ROWS))
    lines.append('')
    return lines


# The summary table's columns: (header, summary key).
MD_SUMMARY_COLUMNS = (
    ('Hosts', 'hosts'),
    ('Unprotected', 'unprotected'),
    ('Unknown', 'unknown'),
    ('Unreviewed', 'unreviewed'),
    ('Compliant', 'compliant'),
    ('Detections', 'detections'),
    ('Unreviewed detections', 'unreviewed_detections'),
    ('Covered', 'covered_detections'),
    ('Unmatched', 'unmatched_detections'),
    ('Findings', 'findings'),
)


def md_run_line(record):
    """The line under the title: when, which collection and endpoint, how many hosts, which window."""
    run = record.get('run') or {}
    scope = run.get('inventory_scope') or {}
    values = (
        run.get('started_at_iso'),
        run.get('collection_version'),
        run.get('endpoint'),
        scope.get('count'),
        scope.get('limit') or 'none',
        (run.get('policy') or {}).get('lookback'),
    )
    return 'Run %s · ncloud.wbd %s · endpoint %s · %s inventory hosts (limit: %s) · look-back %s' % tuple(md_cell(v) for v in values)


def md_summary(summary):
    """The counts table and the findings by severity."""
    by_severity = summary.get('findings_by_severity') or {}
    lines = ['## Summary', '']
    lines.extend(_md_table([header for header, _key in MD_SUMMARY_COLUMNS], [[summary.get(key) for _header, key in MD_SUMMARY_COLUMNS]], 1))
    lines.append('')
    lines.append('Findings by severity: ' + ', '.join('%s %s' % (s, md_cell(by_severity.get(s, 0))) for s in SEVERITIES))
    return lines


def md_hosts(record):
    """The hosts that are not compliant, worst first; when there are none, whether that can be read as compliant."""
    view = as_view(record)
    lines = ['## Non-compliant hosts', '']
    # Already in status order; the sort by the name each host carries keeps that order (and costs a pass) when the
    # names are their keys, as the audit writes them.
    bad = [host for _name, host in view.hosts_by_status if host.get('status') != 'compliant']
    bad.sort(key=lambda h: (status_rank(h.get('status')), text(h.get('name'))))
    if bad:
        rows = ([h.get('name'), h.get('status'), '; '.join(text(r) for r in h.get('reasons') or [])] for h in bad)
        lines.extend(_md_table(['Host', 'Status', 'Reasons'], rows, len(bad)))
    elif view.problems:
        lines.append('None is unprotected, unknown or unreviewed, but the data were incomplete (see the banner above): do not read this as compliant.')
    else:
        lines.append('None: every host in scope is compliant.')
    return lines


def md_account(record):
    """The findings that are not about one host (rules, detections, unmatched servers)."""
    lines = ['## Account findings', '']
    account = as_view(record).account_findings
    if account:
        rows = ([f.get('severity'), f.get('kind'), f.get('subject'), f.get('message')] for f in account)
        lines.extend(_md_table(['Severity', 'Kind', 'Subject', 'Message'], rows, len(account)))
    else:
        lines.append('None.')
    return lines


def md_unmatched(record):
    """The servers whose detections no inventory host matches, most detections first."""
    lines = ['## Unmatched detections', '']
    servers = unmatched_servers(record)
    if not servers:
        return lines + ['None.']
    count = len(as_view(record).record.get('unmatched_detections') or [])
    lines.append('%s on %s that no inventory host matches.' % (plural(count, 'detection'), plural(len(servers), 'server')))
    lines.append('')
    lines.extend(_md_table(['Server', 'Instance', 'Private IP', 'Detections', 'Newest'], servers, len(servers)))
    return lines


def md_changes(record):
    """What changed since the previous run (or why nothing was compared); [] when the run did not compare."""
    record = as_view(record).record
    if 'changes' not in record:
        return []
    changes = record['changes']
    found = report_changes.lines(changes)
    lines = ['## ' + md_cell(report_changes.title(changes)), '']
    lines.extend('- %s: %s' % (md_cell(kind, 40), md_cell(line, 500)) for kind, line in found[:MD_MAX_ROWS])
    if len(found) > MD_MAX_ROWS:
        lines.append('- and %d more; the JSON report has all.' % (len(found) - MD_MAX_ROWS))
    return lines


def md_actions(record):
    """The actions of the run (planned in check mode, done otherwise); [] when the run set none."""
    actions = as_view(record).record.get('actions')
    if actions is None:
        return []
    lines = ['## Actions', '']
    if not actions:
        return lines + ['None.']
    rows = ([a['kind'], a['resource'], a['status'], a['reason'], a['message']] for a in actions)
    return lines + _md_table(['Kind', 'Resource', 'Status', 'Reason', 'Message'], rows, len(actions))


def write_markdown(record, handle):
    """A summary for tickets: run line, the incomplete-data banner, counts, non-compliant hosts, account findings,
    unmatched servers; written a section at a time."""
    view = as_view(record)
    sink = Sink(handle)
    for line in ['# Webshell audit report', '', md_run_line(view.record), ''] + md_banner(view) + md_summary(view.record.get('summary') or {}):
        sink.write(line + '\n')
    for section in (md_hosts, md_account, md_unmatched, md_changes, md_actions):
        if section in (md_changes, md_actions) and not section(view):
            continue
        sink.write('\n')
        for line in section(view):
            sink.write(line + '\n')
    sink.flush()


# ---- all formats -------------------------------------------------------------------------------

WRITERS = {'json': write_json, 'csv': write_csv, 'junit': write_junit, 'markdown': write_markdown, 'html': write_html}


def report_writers(record, formats=FORMATS, html_max_detections=2000):
    """{format: write(handle)} for a record made ready by prepare_record: each call streams that report to the binary
    handle. All of them read one ReportView of the record, so what several formats derive from it is derived once."""
    view = as_view(record)

    def writer(fmt):
        options = {'max_detections': html_max_detections} if fmt == 'html' else {}
        return lambda handle: WRITERS[fmt](view, handle, **options)

    return dict((fmt, writer(fmt)) for fmt in formats)


def render_reports(record, formats=FORMATS, html_max_detections=2000):
    """{format: bytes} for a record made ready by prepare_record: the streamed reports, each gathered in memory."""
    out = {}
    for fmt, write in report_writers(record, formats, html_max_detections).items():
        handle = io.BytesIO()
        write(handle)
        out[fmt] = handle.getvalue()
    return out


def _text_of(write):
    def render(record, *args, **kwargs):
        handle = io.BytesIO()
        write(record, handle, *args, **kwargs)
        return handle.getvalue().decode('utf-8')

    render.__doc__ = 'The report %s writes, as text.' % write.__name__
    return render


render_json = _text_of(write_json)
render_csv = _text_of(write_csv)
render_junit = _text_of(write_junit)
render_markdown = _text_of(write_markdown)
