# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the report writers for any text in the fields servers and users control.

An audit record is built with the real evaluator from one server-controlled string (every process field, file
path, memo, server name, detection ID, rule name and ID, endpoint) and two inventory host names, each any Unicode
text: controls, NUL, lone surrogates, bidi overrides, markup, quotes, CSV formula starts. Then, for every format:
JSON gives the record back exactly (lone surrogates as U+FFFD); each CSV cell is the value, with ``'`` in front
when it starts with = + - @ TAB or CR; JUnit is well-formed XML whose names and messages are the values with only
the characters XML forbids replaced; the HTML page has the same elements and attributes as the page of a harmless
record of the same shape, one script (the page's own, with its CSP hash) and no forbidden or bidi characters;
Markdown tables keep their columns and let no markup through.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import collections
import copy
import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.rules import RULE_FIELDS
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.html import CSP, SCRIPT, STYLE
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import CSV_COLUMNS, render_reports
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import rule as exception_rule
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import examples, hostile_text
from hypothesis import example, given
from hypothesis import strategies as st

HOUR = 3600 * 1000
NOW = 1795253400000
# The detection's text fields (the server controls them all); the rule compares RULE_FIELDS.
FIELDS = ('server_name', 'host_name', 'private_ip', 'container_name', *RULE_FIELDS, 'command', 'memo')
# OWASP CSV injection: a cell starting with one of these is a formula (or gets stripped) in a spreadsheet.
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
SURROGATES = re.compile('[\ud800-\udfff]')
BIDI = re.compile('[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]')
# Not in XML 1.0 (C0 controls but TAB LF CR, surrogates, U+FFFE/U+FFFF), plus what HTML calls a parse error
# (DEL, C1 controls, noncharacters): the reports show U+FFFD there.
NOT_TEXT = re.compile(
    '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff%s]'
    % ''.join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17))
)


def scrubbed(text):
    return SURROGATES.sub('\ufffd', text)


def xml_text(text):
    return NOT_TEXT.sub('\ufffd', text)


# ---- the record -----------------------------------------------------------------------------------

SHAPES = st.tuples(st.sampled_from(['enable', 'disable']), st.booleans(), st.sampled_from([10, 90]), st.booleans(), st.sampled_from(['blank', 'confirmed']))


def audit_record(text, host_1, host_2, shape):
    """Two hosts (one matched to a target by instance number, one unregistered), a detection on the first and an
    unmatched one, an everyServer rule: every field the servers or the account's users control is ``text``."""
    agent, rule_disabled, weight, rule_compares, status = shape
    hosts = [{'name': host_1, 'instance_no': '1001'}, {'name': host_2, 'instance_no': '1002'}]
    targets = [{'instance_no': '1001', 'server_name': text, 'agent_status': agent, 'server_group_id': 'G1', 'server_group_name': text, 'ip_address': text}]
    files = [{'suspicion_file_id': 'F1', 'file_origin_name': text, 'weight': weight}]
    ips = [{'suspicion_ip': text, 'country': text}]
    detections = [
        dict(
            dict.fromkeys(FIELDS, text),
            detection_id=text,
            instance_no='1001',
            detect_time=NOW - HOUR,
            action_status=status,
            suspicion_files=files,
            suspicion_ips=ips,
        ),
        dict(
            dict.fromkeys(FIELDS, text),
            detection_id='D2',
            instance_no='1009',
            detect_time=NOW - 2 * HOUR,
            action_status='blank',
            suspicion_files=files,
            suspicion_ips=ips,
        ),
    ]
    compared = {'process_name': ('START', text)} if rule_compares else {}
    conditions = dict(dict.fromkeys(RULE_FIELDS, ('NOT_USE', text)), **compared)
    rule = dict(exception_rule(text, disabled=rule_disabled, group_is_deleted=False, **conditions), excepted_rule_name=text, except_target_name=text, memo=text)
    run = {'endpoint': text, 'inventory_scope': {'hosts': [host_1, host_2], 'count': 2, 'limit': text}}
    record = evaluate(hosts, targets, detections, [rule], excepted=[], policy={'match_keys': ['instance_no']}, now_ms=NOW, run=run)
    return prepare_record(record)[0]


TEXT = hostile_text()
# (text, host name, other host name, shape, incomplete); two inventory hosts never share a name
CASES = st.tuples(TEXT, TEXT, TEXT, SHAPES, st.booleans()).filter(lambda case: scrubbed(case[1]) != scrubbed(case[2]))
# Spreadsheet formulas, markup and controls at the very start of every value, and names that are nothing but that.
EXAMPLES = [
    ("=HYPERLINK(\"http://x\",\"y\")", '+1', '-1', ('disable', False, 90, False, 'blank'), True),
    ('@SUM(A1)', '\tTAB', '\rCR', ('enable', True, 90, True, 'blank'), False),
    ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u202egnp.php', ('enable', False, 90, True, 'confirmed'), True),
    ('\x00\ud800\x1b[31m\u2028]]>&#0;', '\ufffe', '\udfff=', ('disable', True, 10, False, 'blank'), True),
    ('', '=', "'", ('enable', False, 10, False, 'blank'), False),
]


def with_examples(test):
    for case in EXAMPLES:
        test = example(case=case)(test)
    return test


# ---- the checks, one per format ------------------------------------------------------------------


def check_json(record, text, host_1, host_2, data):
    parsed = json.loads(data.decode('utf-8'))
    assert parsed == record
    # and the values are where the record format puts them, whole (lone surrogates become U+FFFD)
    assert sorted(parsed['hosts']) == sorted([scrubbed(host_1), scrubbed(host_2)])
    detection = parsed['hosts'][scrubbed(host_1)]['detections'][0]
    for field in FIELDS + ('detection_id',):
        assert detection[field] == scrubbed(text)
    assert detection['suspicion_files'][0]['file_origin_name'] == scrubbed(text)
    assert parsed['unmatched_detections'][0]['process_arg'] == scrubbed(text)
    assert parsed['exception_rules'][0]['name'] == parsed['exception_rules'][0]['rule_id'] == scrubbed(text)
    assert parsed['run']['endpoint'] == scrubbed(text)


def csv_expected(value):
    cell = '' if value is None else value if isinstance(value, str) else str(value)
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def check_csv(record, text, host_1, host_2, data):
    rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
    assert rows[0] == list(CSV_COLUMNS)
    problems = [] if record['completeness']['complete'] else record['completeness']['problems'] or [None]
    assert [row[1] for row in rows[1 : 1 + len(problems)]] == ['completeness'] * len(problems)
    assert all(cell[:1] not in FORMULA_STARTS for row in rows[1 : 1 + len(problems)] for cell in row)
    rows = rows[:1] + rows[1 + len(problems) :]
    assert len(rows) == 1 + len(record['findings'])
    started = record['run']['started_at_iso']
    for finding, row in zip(record['findings'], rows[1:]):
        assert len(row) == len(CSV_COLUMNS)
        cells = dict(zip(CSV_COLUMNS, row))
        for column in CSV_COLUMNS[:-2]:
            assert cells[column] == csv_expected(finding[column]), column
        status = record['hosts'][finding['host']]['status'] if finding['scope'] == 'host' else None
        assert cells['host_status'] == csv_expected(status) and cells['run_started_at'] == started
        assert all(cell[:1] not in FORMULA_STARTS for cell in row)
    # the host names and the server's text travel whole
    host_cells = set(dict(zip(CSV_COLUMNS, row))['host'] for row in rows[1:])
    assert csv_expected(scrubbed(host_2)) in host_cells  # the unregistered host always has a finding
    heavy = [dict(zip(CSV_COLUMNS, row)) for row in rows[1:] if row[3] == 'high_weight_file']
    assert heavy == [] or csv_expected(scrubbed(text)) in [cells['detection_id'] for cells in heavy]
    overbroad = [dict(zip(CSV_COLUMNS, row)) for row in rows[1:] if row[3] == 'overbroad_rule']
    assert overbroad == [] or overbroad[0]['rule_id'] == csv_expected(scrubbed(text))


# ---- JUnit XML ----------------------------------------------------------------------------------------


def check_junit(record, data):
    root = ET.fromstring(data)  # expat: a conforming XML 1.0 parser, it refuses anything not well-formed
    suites = dict((suite.get('name'), suite) for suite in root.findall('testsuite'))
    complete = record['completeness']['complete']
    assert list(suites) == ([] if complete else ['webshell_audit.completeness']) + ['webshell_audit.hosts', 'webshell_audit.account']
    hosts_suite, account_suite = suites['webshell_audit.hosts'], suites['webshell_audit.account']
    if not complete:
        problems = record['completeness']['problems'] or [None]
        assert int(suites['webshell_audit.completeness'].get('errors')) == len(problems)
    testcases = hosts_suite.findall('testcase')  # one per host, in host name order
    assert [c.get('name') for c in testcases] == [xml_text(name) for name in sorted(record['hosts'])]
    failed = [c for c in testcases if c.find('failure') is not None and c.find('error') is None]
    errored = [c for c in testcases if c.find('error') is not None]
    assert int(hosts_suite.get('tests')) == len(record['hosts'])
    assert int(hosts_suite.get('failures')) == len(failed) == sum(1 for h in record['hosts'].values() if h['status'] not in ('compliant', 'unknown'))
    assert int(hosts_suite.get('errors')) == len(errored) == sum(1 for h in record['hosts'].values() if h['status'] == 'unknown')
    account = [f for f in record['findings'] if f['scope'] != 'host']
    assert [c.get('name') for c in account_suite.findall('testcase')] == [xml_text(f['id']) for f in account]
    for name, testcase in zip(sorted(record['hosts']), testcases):
        failures = testcase.findall('failure')
        mine = [f for f in record['findings'] if f['scope'] == 'host' and f['host'] == name]
        # attribute values come back exactly (TAB, CR, LF included), element text up to XML's line-end rule
        assert [f.get('message') for f in failures] == [xml_text(f['message']) for f in mine]
        assert [f.get('type') for f in failures] == [f['kind'] for f in mine]
        for element, finding in zip(failures, mine):
            assert element.text.endswith(xml_text(finding['message']).replace('\r\n', '\n').replace('\r', '\n'))


# ---- HTML -----------------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Everything a browser would build from the page: elements with their attributes, scripts, styles, text."""

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.elements, self.scripts, self.styles, self.oddities, self.text = [], [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(attrs)))
        self._in = tag if tag in ('script', 'style') else None
        if tag == 'script':
            self.scripts.append('')
        elif tag == 'style':
            self.styles.append('')

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == 'script':
            self.scripts[-1] += data
        elif self._in == 'style':
            self.styles[-1] += data
        else:
            self.text.append(data)

    def handle_comment(self, data):
        self.oddities.append(('comment', data))

    def handle_decl(self, decl):
        if decl != 'DOCTYPE html':
            self.oddities.append(('declaration', decl))

    def handle_pi(self, data):
        self.oddities.append(('processing instruction', data))

    def unknown_decl(self, data):
        self.oddities.append(('unknown declaration', data))


def structure(page):
    """Each element with its attributes and their values."""
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return collections.Counter((tag, tuple(sorted(attrs))) for tag, attrs in parser.elements), parser


HARMLESS = {}


def harmless_structure(shape, incomplete=False, blank=False):
    """The structure of the page of a record of the same shape (and completeness) whose text is all plain letters, or
    empty when the drawn text is blank (a rule whose compare value is blank is ambiguous: it covers nothing and has a
    finding of its own, so the page has other rows)."""
    key = (shape, incomplete, blank)
    if key not in HARMLESS:
        text = '' if blank else 'plain'
        record = audit_record(text, 'host-a', 'host-b', shape)
        if incomplete:
            record = made_incomplete(record, text, 'host-a')
        HARMLESS[key] = structure(render_reports(record, ('html',))['html'].decode())[0]
    return HARMLESS[key]


def check_html(text, shape, data, incomplete=False):
    page = data.decode('utf-8')
    found, parser = structure(page)
    # the same elements and attributes as the page of a harmless record: nothing in the data became markup
    harmless = harmless_structure(shape, incomplete, blank=not scrubbed(text).strip())
    assert found == harmless, sorted((found - harmless).elements())[:5]
    assert not [attr for tag, attrs in parser.elements for attr, dummy in attrs if attr.startswith('on')]
    assert parser.oddities == []
    # one script, the page's own, allowed by the Content-Security-Policy hash; the page's own style
    assert parser.scripts == [SCRIPT] and parser.styles == [STYLE]
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode('utf-8')).digest()).decode('ascii')
    policies = [dict(attrs)['content'] for tag, attrs in parser.elements if tag == 'meta' and dict(attrs).get('http-equiv') == 'Content-Security-Policy']
    assert policies == [CSP] and "script-src 'sha256-%s'" % digest in CSP and "default-src 'none'" in CSP
    # no character HTML forbids, no bidi control left to reorder what the auditor reads
    assert not NOT_TEXT.search(page) and not BIDI.search(page)
    # the data is there as text: the start of the process argument (cells are truncated, bidi shown as [U+XXXX])
    visible = BIDI.sub(lambda m: '[U+%04X]' % ord(m.group()), xml_text(scrubbed(text)))[:150]
    assert visible.strip() == '' or visible in ''.join(parser.text)


# ---- Markdown ---------------------------------------------------------------------------------------------


def check_markdown(data):
    md = data.decode('utf-8')
    # '>' only opens the lines of the incomplete-data banner (a block quote)
    assert '<' not in md and '`' not in md
    assert all('>' not in (line[2:] if line.startswith('> ') else line.lstrip('>')) for line in md.split('\n'))
    assert not NOT_TEXT.search(md) and not BIDI.search(md)
    widths = {'Hosts': 10, 'Host': 3, 'Severity': 4, 'Server': 5}
    width = None
    for line in md.split('\n'):
        if not line.startswith('|'):
            width = None
            continue
        # a cell ends at a pipe that no backslash escapes; escaped Markdown syntax only
        cells = re.findall(r'(?:\\.|[^\\|])*\|', line[1:])
        assert ''.join(cells) == line[1:], line[:200]
        if width is None:
            width = widths[cells[0].strip(' |')]
        assert len(cells) == width, line[:200]
        for cell in cells:
            assert not re.search(r'(?<!\\)[*_\[\]~]', re.sub(r'\\\\', '', cell)), cell[:200]


# ---- the property ---------------------------------------------------------------------------------


def made_incomplete(record, text, host):
    """The record with a completeness problem whose message, hosts and evidence are ``text`` (problems quote the data
    they could not read) that makes ``host`` unknown."""
    record = copy.deepcopy(record)
    record['hosts'][scrubbed(host)].update(status='unknown', reasons=['unreadable time: ' + text])
    record['completeness'] = {
        'complete': False,
        'lists': {},
        'problems': [{'kind': 'unreadable_time', 'message': text, 'hosts': [host], 'evidence': {'value': text, 'detection_id': text}}],
    }
    return prepare_record(record)[0]


@examples(1000)
@given(case=CASES)
@with_examples
def test_every_report_format_is_safe_and_faithful_for_any_text(case):
    # One record per example for all five formats: drawing the text costs more than rendering it.
    text, host_1, host_2, shape, incomplete = case
    record = audit_record(text, host_1, host_2, shape)
    if incomplete:
        record = made_incomplete(record, text, host_1)
    out = render_reports(record)
    check_json(record, text, host_1, host_2, out['json'])
    check_csv(record, text, host_1, host_2, out['csv'])
    check_junit(record, out['junit'])
    check_markdown(out['markdown'])
    check_html(text, shape, out['html'], incomplete)
