# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The renderers of plugins/module_utils/_report/render.py as they were before the reports were streamed (issue 16), kept
unchanged as the reference of their bytes: the streaming renderers must write exactly what these return. The JSON one
alone follows a later layout (issue 16: each detection one compact line), built here from ``json.dumps`` independently.

Renderers that turn an audit record (docs/docsite/rst/guide_record_schema.rst, schema version 2) into report files.

Every renderer is a pure function of the record: the same record gives the same bytes. Detection
fields are attacker-controlled, so every format escapes for its own syntax, and the text-based
formats (HTML, JUnit XML, Markdown) replace characters their syntax forbids with U+FFFD so the
reader sees that something was there. The JSON report is the canonical record; the others are views.

A record whose data were incomplete (``completeness.complete`` false) says so first in every view: an audit must never
look compliant on data it could not read completely. A complete record renders as it did before schema version 2,
apart from the count of ``unknown`` hosts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import (
    FORMATS,
    SEVERITIES,
    clean,
    completeness_problems,
    display,
    evidence_text,
    status_rank,
    text,
    unknown_hosts,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._text import plural
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report.reference_html import render_html

CSV_COLUMNS = ('severity', 'scope', 'host', 'kind', 'subject', 'message', 'rule_id', 'detection_id', 'host_status', 'run_started_at')
# OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula (or strips it).
CSV_TRIGGERS = ('=', '+', '-', '@', '\t', '\r')

MD_CELL_LIMIT = 200
MD_MAX_ROWS = 200
# Completeness problems are rows of their own in the CSV, before the findings: scope ``completeness``, severity high.
COMPLETENESS_SCOPE = 'completeness'
COMPLETENESS_SEVERITY = 'high'


# ---- JSON --------------------------------------------------------------------------------------


# The JSON layout changed in issue 16: the record keeps ``json.dumps(indent=2, sort_keys=True)``'s layout, but each
# detection is one compact line. The reference lays the record out with a unique placeholder string in place of each
# detection (indent=2 puts it on a line of its own, at the detection's indentation), then puts the detection's
# compact JSON where its placeholder's string was.
DETECTION_KEYS = ('unmatched_detections', 'ambiguous_detections', 'out_of_scope_detections', 'findings')
_TOKEN = '\x00reference-detection-%d-5f0c9a\x00'
_TOKEN_LINE = re.compile(r'^( *)"\\u0000reference-detection-(\d+)-5f0c9a\\u0000"(,?)$')


def _placeheld(record, detections):
    """A copy of ``record`` with every detection replaced by a placeholder string; ``detections`` gets them in order."""

    def hold(items):
        held = []
        for item in items:
            detections.append(item)
            held.append(_TOKEN % (len(detections) - 1))
        return held

    out = dict(record)
    if isinstance(record.get('hosts'), dict):
        out['hosts'] = dict(
            (name, dict(host, detections=hold(host['detections'])) if isinstance(host, dict) and isinstance(host.get('detections'), list) else host)
            for name, host in record['hosts'].items()
        )
    for key in DETECTION_KEYS:
        if isinstance(record.get(key), list):
            out[key] = hold(record[key])
    return out


def render_json(record):
    """The canonical report: the record itself, keys sorted, two-space indent, each detection and finding one compact line."""
    detections = []
    text = json.dumps(_placeheld(record, detections), indent=2, sort_keys=True, ensure_ascii=False)
    lines = []
    for line in text.split('\n'):
        match = _TOKEN_LINE.match(line)
        if match:
            compact = json.dumps(detections[int(match.group(2))], sort_keys=True, separators=(',', ':'), ensure_ascii=False)
            line = match.group(1) + compact + match.group(3)
        lines.append(line)
    return '\n'.join(lines) + '\n'


# ---- CSV ---------------------------------------------------------------------------------------


def csv_cell(value):
    """Cell text, prefixed with ``'`` when its first character would make a spreadsheet evaluate it."""
    cell = text(value)
    return "'" + cell if cell[:1] in CSV_TRIGGERS and cell else cell


def _csv_problem_rows(record, started):
    """A row per completeness problem: the hosts it makes ``unknown`` (comma-joined), its kind, message and evidence."""
    rows = []
    for problem in completeness_problems(record):
        evidence = problem['evidence']
        rows.append(
            [
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
        )
    return rows


def render_csv(record):
    """One row per finding, with the host's status and the run time; CRLF line ends (RFC 4180). When the record is
    incomplete, a row per completeness problem comes first (scope ``completeness``)."""
    hosts = record.get('hosts') or {}
    started = (record.get('run') or {}).get('started_at_iso')
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow(CSV_COLUMNS)
    for row in _csv_problem_rows(record, started):
        writer.writerow([csv_cell(cell) for cell in row])
    for finding in record.get('findings') or []:
        host = finding.get('host')
        status = (hosts.get(host) or {}).get('status') if finding.get('scope') == 'host' and isinstance(host, str) else None
        row = [finding.get(column) for column in CSV_COLUMNS[:-2]] + [status, started]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


# ---- JUnit XML ---------------------------------------------------------------------------------


def _suite(root, name, timestamp):
    return ET.SubElement(root, 'testsuite', name=name, tests='0', failures='0', errors='0', skipped='0', timestamp=timestamp)


def _failure(case, kind, message, details):
    failure = ET.SubElement(case, 'failure', type=clean(kind), message=clean(message))
    failure.text = clean('\n'.join('%s: %s' % (k, text(v)) for k, v in details if v not in (None, '')) + '\n' + text(message))


def _finding_failure(case, finding):
    _failure(
        case,
        finding.get('kind'),
        finding.get('message'),
        [
            ('severity', finding.get('severity')),
            ('finding', finding.get('id')),
            ('subject', finding.get('subject')),
            ('rule_id', finding.get('rule_id')),
            ('detection_id', finding.get('detection_id')),
        ],
    )


def _error(case, kind, message, details):
    error = ET.SubElement(case, 'error', type=clean(kind), message=clean(message))
    error.text = clean('\n'.join('%s: %s' % (k, text(v)) for k, v in details if v not in (None, '', [], {})) + '\n' + text(message))


def _count(suite, root):
    """A case with an error counts as an error (its verdict could not be reached), else with a failure as a failure."""
    cases = suite.findall('testcase')
    errored = sum(1 for case in cases if case.find('error') is not None)
    failed = sum(1 for case in cases if case.find('error') is None and case.find('failure') is not None)
    suite.set('tests', str(len(cases)))
    suite.set('failures', str(failed))
    suite.set('errors', str(errored))
    for key, value in (('tests', len(cases)), ('failures', failed), ('errors', errored)):
        root.set(key, str(int(root.get(key)) + value))


def _completeness_suite(root, record, timestamp):
    """Suite ``webshell_audit.completeness``, first in the file: an erroring test case per completeness problem."""
    problems = completeness_problems(record)
    if not problems:
        return
    suite = _suite(root, 'webshell_audit.completeness', timestamp)
    for index, problem in enumerate(problems, 1):
        case = ET.SubElement(suite, 'testcase', classname='webshell_audit.completeness', name=clean('completeness/%s/%d' % (problem['kind'], index)))
        _error(case, problem['kind'], problem['message'], [('hosts', problem['hosts']), ('evidence', evidence_text(problem['evidence'], 2000))])
    _count(suite, root)


def render_junit(record):
    """JUnit XML: suite ``webshell_audit.hosts`` (a test case per host, a failure per host finding, an error per reason
    of an ``unknown`` host) and suite ``webshell_audit.account`` (a test case per account finding); an incomplete record
    first has suite ``webshell_audit.completeness`` (an error per problem). ``failures`` and ``errors`` count test cases."""
    hosts = record.get('hosts') or {}
    timestamp = clean((record.get('run') or {}).get('started_at_iso'))
    by_host, account = {}, []
    for finding in record.get('findings') or []:
        if finding.get('scope') == 'host':
            by_host.setdefault(text(finding.get('host')), []).append(finding)
        else:
            account.append(finding)
    root = ET.Element('testsuites', name='webshell_audit', tests='0', failures='0', errors='0')
    _completeness_suite(root, record, timestamp)
    suite = _suite(root, 'webshell_audit.hosts', timestamp)
    for name in sorted(set(hosts) | set(by_host)):
        case = ET.SubElement(suite, 'testcase', classname='webshell_audit.hosts', name=clean(name))
        host = hosts.get(name) or {}
        if host.get('status') == 'unknown':
            # Not a failure of the host: the audit could not reach a verdict, which CI must not read as a pass.
            for reason in host.get('reasons') or ['the audit data for this host are incomplete or ambiguous']:
                _error(case, 'unknown', reason, [])
        for finding in by_host.get(name, []):
            _finding_failure(case, finding)
        if name not in by_host and host.get('status', 'compliant') not in ('compliant', 'unknown'):
            # A non-compliant host always fails, even in a record whose findings omit it.
            for reason in host.get('reasons') or [host.get('status')]:
                _failure(case, host.get('status'), reason, [])
    _count(suite, root)
    suite = _suite(root, 'webshell_audit.account', timestamp)
    for finding in account:
        case = ET.SubElement(suite, 'testcase', classname='webshell_audit.account', name=clean(finding.get('id')))
        _finding_failure(case, finding)
    _count(suite, root)
    if hasattr(ET, 'indent'):
        ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'


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


def _md_table(headers, rows, total=None):
    lines = ['| ' + ' | '.join(headers) + ' |', '|' + '---|' * len(headers)]
    lines.extend('| ' + ' | '.join(md_cell(c) for c in row) + ' |' for row in rows[:MD_MAX_ROWS])
    total = len(rows) if total is None else total
    if total > min(len(rows), MD_MAX_ROWS):
        lines.append('')
        lines.append('Showing %d of %d; the JSON report has all.' % (min(len(rows), MD_MAX_ROWS), total))
    return lines


def unmatched_servers(record):
    """Unmatched detections grouped by server: [(server_name, instance_no, private_ip, count, newest_iso)], most first."""
    groups = {}
    for detection in record.get('unmatched_detections') or []:
        key = tuple(text(detection.get(k)) for k in ('server_name', 'instance_no', 'private_ip'))
        count, newest = groups.get(key, (0, ''))
        groups[key] = (count + 1, max(newest, text(detection.get('detect_time_iso'))))
    return sorted((key + value for key, value in groups.items()), key=lambda row: (-row[3], row[:3]))


def md_banner(record):
    """Lines of the incomplete-data banner (a block quote listing each problem); [] for a complete record."""
    problems = completeness_problems(record)
    if not problems:
        return []
    unknown = unknown_hosts(record)
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
    lines.extend(_md_table([header for header, _key in MD_SUMMARY_COLUMNS], [[summary.get(key) for _header, key in MD_SUMMARY_COLUMNS]]))
    lines.append('')
    lines.append('Findings by severity: ' + ', '.join('%s %s' % (s, md_cell(by_severity.get(s, 0))) for s in SEVERITIES))
    return lines


def md_hosts(record):
    """The hosts that are not compliant, worst first; when there are none, whether that can be read as compliant."""
    lines = ['## Non-compliant hosts', '']
    hosts = record.get('hosts') or {}
    bad = sorted((h for h in hosts.values() if h.get('status') != 'compliant'), key=lambda h: (status_rank(h.get('status')), text(h.get('name'))))
    if bad:
        lines.extend(
            _md_table(['Host', 'Status', 'Reasons'], [[h.get('name'), h.get('status'), '; '.join(text(r) for r in h.get('reasons') or [])] for h in bad])
        )
    elif completeness_problems(record):
        lines.append('None is unprotected, unknown or unreviewed, but the data were incomplete (see the banner above): do not read this as compliant.')
    else:
        lines.append('None: every host in scope is compliant.')
    return lines


def md_account(record):
    """The findings that are not about one host (rules, detections, unmatched servers)."""
    lines = ['## Account findings', '']
    account = [f for f in record.get('findings') or [] if f.get('scope') != 'host']
    if account:
        lines.extend(
            _md_table(['Severity', 'Kind', 'Subject', 'Message'], [[f.get('severity'), f.get('kind'), f.get('subject'), f.get('message')] for f in account])
        )
    else:
        lines.append('None.')
    return lines


def md_unmatched(record):
    """The servers whose detections no inventory host matches, most detections first."""
    lines = ['## Unmatched detections', '']
    servers = unmatched_servers(record)
    if not servers:
        return lines + ['None.']
    count = len(record.get('unmatched_detections') or [])
    lines.append('%s on %s that no inventory host matches.' % (plural(count, 'detection'), plural(len(servers), 'server')))
    lines.append('')
    lines.extend(_md_table(['Server', 'Instance', 'Private IP', 'Detections', 'Newest'], servers))
    return lines


def render_markdown(record):
    """A summary for tickets: run line, the incomplete-data banner, counts, non-compliant hosts, account findings,
    unmatched servers."""
    lines = ['# Webshell audit report', '', md_run_line(record), '']
    lines.extend(md_banner(record))
    lines.extend(md_summary(record.get('summary') or {}))
    for section in (md_hosts, md_account, md_unmatched):
        lines.append('')
        lines.extend(section(record))
    lines.append('')
    return '\n'.join(lines)


# ---- all formats -------------------------------------------------------------------------------


def render_reports(record, formats=FORMATS, html_max_detections=2000):
    """{format: bytes} for a record made ready by report_common.prepare_record, rendered in memory before anything is written."""
    renderers = {
        'json': render_json,
        'csv': render_csv,
        'junit': render_junit,
        'markdown': render_markdown,
        'html': lambda r: render_html(r, max_detections=html_max_detections),
    }
    return dict((fmt, renderers[fmt](record).encode('utf-8')) for fmt in formats)
