# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report renderers on a small hand-built audit record, on attacker-controlled text, and at scale."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import copy
import csv
import hashlib
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import iso8601
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import SCHEMA_VERSION, RecordError, content_digest, validate_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.common import clean, prepare_record
from ansible_collections.ncloud.wbd.plugins.module_utils._report.html import CSP, SCRIPT, SCRIPT_HASH, render_html
from ansible_collections.ncloud.wbd.plugins.module_utils._report.render import (
    CSV_COLUMNS,
    CSV_TRIGGERS,
    md_cell,
    render_csv,
    render_json,
    render_junit,
    render_markdown,
    render_reports,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._report import reference_render

DAY = 86400000
T0 = 1795000000000  # run start
HOSTILE = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    'javascript:alert(1)',
    "=cmd|' /C calc'!A0",
    '+1',
    '-1',
    '@SUM(1)',
    '\tleading tab',
    '\rleading CR',
    'nul\x00 and \x01\x08\x0b\x0c\x1b\x1f\x7f\x85 controls',
    'non\ufffecharacters\uffff',
    'lone \ud800 surrogate',
    'right-to-left \u202egnp.exe',
    'pipe | back`tick` *star* _under_ [link](javascript:x) \\| & &lt;',
    'line\nbreak\r\nhere',
    'x' * 100000,
]
# Characters no renderer may emit into HTML or XML.
FORBIDDEN = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]')


def detection(det_id, host, days_ago, text=None, **fields):
    """A <detection> as the record schema guide describes it; ``text`` replaces every server-controlled string."""
    t = T0 - int(days_ago * DAY)
    d = dict(
        detection_id=det_id,
        detect_time=t,
        detect_time_iso=iso8601(t),
        action_status='blank',
        instance_no='1000000%s' % det_id[-1],
        server_name='web-prd-00%s' % det_id[-1],
        host_name='web-prd-00%s' % det_id[-1],
        private_ip='10.0.1.1%s' % det_id[-1],
        container_name='',
        process_name='/usr/bin/php',
        process_arg='php -r system($_GET["c"]);',
        executor='www-data',
        parent_process_name='/usr/sbin/apache2',
        parent_process_arg='-k start',
        parent_executor='root',
        command='php -r system($_GET["c"]);',
        memo='',
        suspicion_files=[{'file_origin_name': '/var/www/html/up/cmd.php', 'weight': 90}],
        suspicion_ips=[{'suspicion_ip': '203.0.113.9', 'country': 'KR'}],
        host=host,
        matched_by='instance_no' if host else None,
        max_weight=90,
        covered_by=[],
        unreviewed=False,
    )
    if text is not None:
        for key in ('server_name', 'host_name', 'process_name', 'process_arg', 'executor', 'parent_process_arg', 'command', 'memo'):
            d[key] = text
        d['suspicion_files'][0]['file_origin_name'] = text
    d.update(fields)
    return d


def rule(rule_id, name, target_type, compared, active=True, disabled=False, covers=(), text=None):
    conditions = dict(
        (f, {'condition': 'NOT_USE', 'value': ''})
        for f in ('process_name', 'process_arg', 'executor', 'parent_process_name', 'parent_process_arg', 'parent_executor')
    )
    for field, value in compared.items():
        conditions[field] = {'condition': 'START', 'value': value if text is None else text}
    return dict(
        rule_id=rule_id,
        name=name if text is None else text,
        target_type=target_type,
        target='1234567',
        target_name='web-prd-group',
        active=active,
        disabled=disabled,
        group_is_deleted=False,
        compared_fields=len(compared),
        conditions=conditions,
        covers=list(covers),
        hides=None if disabled else 2,
        created_time_iso='2026-08-07T05:04:24.480Z',
    )


def finding(scope, host, severity, kind, subject, message, rule_id=None, detection_id=None):
    return dict(
        id='%s/%s/%s' % (scope, host or subject, kind) if scope == 'host' else 'account/%s/%s' % (kind, subject),
        scope=scope,
        host=host,
        severity=severity,
        kind=kind,
        subject=subject,
        message=message,
        rule_id=rule_id,
        detection_id=detection_id,
    )


def host(name, status, reasons, matched_by, target, detections=(), unreviewed=0, covered=0):
    """A host of the record; ``detection_count`` is the number of ``detections``."""
    counts = dict(detection_count=len(detections), unreviewed_count=unreviewed, covered_count=covered)
    return dict(name=name, status=status, reasons=reasons, matched_by=matched_by, target=target, **counts, detections=list(detections))


def build_record(text=None):
    """Four hosts (two unprotected, one unreviewed, one compliant), three rules, an unmatched detection.

    With ``text``, that string goes into every field the monitored servers or account users control.
    """
    d_unrev = detection('2026110100000000000002', 'web-2', 1, text, unreviewed=True)
    d_cov = detection('2026110100000000000003', 'web-2', 2.5, covered_by=['R1'])
    d_conf = detection('2026110100000000000004', 'web-3', 4, action_status='confirmed', max_weight=10)
    d_ghost = detection('2026110100000000000005', None, 0.5, text)
    if text is None:
        d_ghost['server_name'] = 'ghost-001'
    reason_1 = "agent status is 'disable' on detection target web-prd-001 (instance 10000001)"
    reason_db = 'no detection target matches the host'
    reason_2 = '1 unconfirmed detection in the last 7 days not covered by an active exception rule' + (text or '')
    target = dict(
        instance_no='10000001',
        server_name='web-prd-001',
        agent_status='disable',
        server_group_id='1234567',
        server_group_name='web-prd-group',
        ip_address='10.0.1.15',
    )
    target_2 = dict(target, instance_no='10000002', server_name=text or 'web-prd-002', agent_status='enable')
    target_3 = dict(target, instance_no='10000003', server_name='web-prd-003', agent_status='enable')
    hosts = {
        'db-1': host('db-1', 'unprotected', [reason_db], None, None),
        'web-1': host('web-1', 'unprotected', [reason_1], 'instance_no', target),
        'web-2': host('web-2', 'unreviewed', [reason_2], 'private_ip', target_2, [d_unrev, d_cov], unreviewed=1, covered=1),
        'web-3': host('web-3', 'compliant', [], 'instance_no', target_3, [d_conf]),
    }
    rules = [
        rule('R1', 'allow-php-cli', 'serverGroup', {'process_name': '/usr/bin/php'}, covers=[d_cov['detection_id']]),
        rule('R2', 'allow-everything-under-slash', 'everyServer', {'process_name': '/'}, text=text),
        rule('R3', 'old-rule', 'server', {'executor': 'deploy', 'process_name': '/opt/x'}, active=False, disabled=True),
    ]
    findings = [
        finding('host', 'db-1', 'high', 'not_registered', 'db-1', reason_db),
        finding('host', 'web-1', 'high', 'agent_not_enabled', 'web-1', reason_1),
        finding('host', 'web-2', 'high', 'unreviewed_detections', 'web-2', reason_2),
        finding(
            'account',
            None,
            'medium',
            'overbroad_rule',
            text or 'allow-everything-under-slash',
            'everyServer rule %s compares only 1 field' % (text or 'allow-everything-under-slash'),
            rule_id='R2',
        ),
        finding(
            'account',
            None,
            'medium',
            'unmatched_detections',
            text or 'ghost-001',
            '1 detection on server %s that no inventory host matches' % (text or 'ghost-001'),
            detection_id=d_ghost['detection_id'],
        ),
        finding('account', None, 'low', 'rule_disabled', 'old-rule', 'exception rule old-rule is disabled', rule_id='R3'),
    ]
    return {
        'schema_version': SCHEMA_VERSION,
        'generator': 'ncloud.wbd.webshell_audit',
        'run': {
            'started_at_ms': T0,
            'started_at_iso': iso8601(T0),
            'collection_version': '0.1.0',
            'endpoint': 'https://wbd.apigw.ntruss.com',
            'inventory_scope': {'hosts': sorted(hosts), 'count': 4, 'limit': None},
            'policy': {
                'lookback': '7d',
                'window_start_ms': T0 - 7 * DAY,
                'window_start_iso': iso8601(T0 - 7 * DAY),
                'min_weight': 0,
                'high_weight': 80,
                'broad_rule_max_conditions': 1,
                'match_keys': ['instance_no', 'inventory_hostname', 'private_ip'],
                'fail_on_unprotected': False,
                'fail_on_unreviewed': False,
            },
        },
        'summary': {
            'hosts': 4,
            'unprotected': 2,
            'unknown': 0,
            'unreviewed': 1,
            'compliant': 1,
            'complete': True,
            'detections': 4,
            'unreviewed_detections': 1,
            'covered_detections': 1,
            'unmatched_detections': 1,
            'targets': 3,
            'exception_rules': 3,
            'active_exception_rules': 2,
            'findings': 6,
            'findings_by_severity': {'critical': 0, 'high': 3, 'medium': 2, 'low': 1, 'info': 0},
        },
        'hosts': hosts,
        'unmatched_detections': [d_ghost],
        'exception_rules': rules,
        'findings': findings,
        'completeness': {'complete': True, 'lists': {}, 'problems': []},
    }


def build_incomplete_record(text=None):
    """The fixture with web-3 made ``unknown`` by two completeness problems; ``text`` goes into the problem messages,
    host names in them and evidence, which carry detection data."""
    record = build_record(text)
    web3 = record['hosts']['web-3']
    web3.update(status='unknown', reasons=['detection 2026110100000000000004 has an unreadable detect time' + (text or '')])
    record['summary'].update(unknown=1, compliant=0, complete=False)
    record['completeness'] = {
        'complete': False,
        'lists': {'detections': {'complete': False}},
        'problems': [
            {
                'kind': 'incomplete_list',
                'message': 'GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages',
                'hosts': [],
                'evidence': {'operation': 'GetWebshell', 'total_announced': 237, 'records_delivered': 50},
            },
            {
                'kind': 'unreadable_time',
                'message': 'detection 2026110100000000000004 has detectTime %r' % (text or 'abc'),
                'hosts': ['web-3'],
                'evidence': {'detection_id': '2026110100000000000004', 'value': text or 'abc'},
            },
        ],
    }
    return record


def prepared(text=None):
    return prepare_record(build_record(text))[0]


def prepared_incomplete(text=None):
    return prepare_record(build_incomplete_record(text))[0]


@pytest.fixture(params=range(len(HOSTILE)), ids=lambda i: repr(HOSTILE[i][:24]))
def hostile(request):
    return HOSTILE[request.param]


class TagBalance(HTMLParser):
    """Fails on any end tag that does not close the innermost open element: escaping never broke the structure."""

    VOID = {'meta', 'br', 'rect', 'line', 'link', 'img', 'input'}

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.stack, self.tags, self.urls = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls.extend(v for k, v in attrs if k in ('src', 'href', 'action', 'xlink:href') or k.startswith('on'))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, 'unbalanced </%s> after %s' % (tag, self.stack[-5:])
        self.stack.pop()


def check_html(page):
    scripts = re.findall(r'<script\b', page, re.I)
    assert len(scripts) == 1, 'exactly one script element'
    body = re.search(r'<script>(.*?)</script>', page, re.S).group(1)
    assert body == SCRIPT
    digest = base64.b64encode(hashlib.sha256(body.encode('utf-8')).digest()).decode()
    assert digest == SCRIPT_HASH and ("'sha256-%s'" % digest) in CSP
    assert '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP.replace("'", '&#x27;') in page
    assert not FORBIDDEN.search(page)
    assert '\u202e' not in page
    assert not re.search(r'https?://(?!wbd\.apigw\.ntruss\.com)', page), 'no external URLs'
    assert 'url(' not in page and '@import' not in page
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], 'unclosed elements: %s' % parser.stack
    assert parser.urls == [], 'no links, sources or event handlers'
    assert parser.tags.count('script') == 1 and 'img' not in parser.tags
    page.encode('utf-8')


# ---- record handling ---------------------------------------------------------------------------


def test_validate_accepts_the_fixture():
    assert validate_record(build_record())['schema_version'] == SCHEMA_VERSION == 2
    assert validate_record(build_incomplete_record())['completeness']['complete'] is False


@pytest.mark.parametrize(
    'change, message',
    [
        (lambda r: r.update(schema_version=1), 'unsupported audit record schema_version 1; this collection reads 2'),
        (lambda r: r.update(schema_version=3), 'unsupported audit record schema_version 3; this collection reads 2'),
        (lambda r: r.update(schema_version='2'), "unsupported audit record schema_version '2'; this collection reads 2"),
        (lambda r: r.update(schema_version=True), 'unsupported audit record schema_version True'),
        (lambda r: r.pop('completeness'), 'has no completeness mapping'),
        (lambda r: r.update(completeness={'problems': []}), 'completeness.complete must be true or false, got None'),
        (lambda r: r.update(completeness={'complete': 'yes'}), "completeness.complete must be true or false, got 'yes'"),
        (lambda r: r.update(completeness={'complete': False, 'problems': {}}), 'completeness.problems must be a list'),
        (lambda r: r.update(completeness={'complete': False, 'problems': ['x']}), 'entry completeness.problems[0] must be a mapping'),
        (
            lambda r: r.update(completeness={'complete': True, 'problems': [{'kind': 'x', 'message': 'y'}]}),
            'says completeness.complete is true but lists 1 completeness problem(s)',
        ),
        (lambda r: r.pop('schema_version'), 'has no schema_version'),
        (lambda r: r.pop('findings'), "has no 'findings' key"),
        (lambda r: r.update(hosts=[]), "key 'hosts' must be a mapping, got list"),
        (lambda r: r['findings'].append('x'), 'entry findings[6] must be a mapping'),
        (lambda r: r['hosts']['web-2']['detections'].append(None), 'hosts.web-2.detections[2]'),
    ],
)
def test_validate_names_the_problem(change, message):
    record = build_record()
    change(record)
    with pytest.raises(RecordError, match=re.escape(message)):
        validate_record(record)


def test_content_digest_ignores_run_and_itself():
    record = build_record()
    digest = content_digest(record)
    assert re.match('^[0-9a-f]{64}$', digest)
    later = copy.deepcopy(record)
    later['run']['started_at_ms'] += 3600000
    later['content_digest'] = 'whatever'
    assert content_digest(later) == digest
    later['findings'].pop()
    assert content_digest(later) != digest
    body = dict((k, v) for k, v in record.items() if k not in ('run', 'content_digest'))
    expected = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8'))
    assert digest == expected.hexdigest()


def test_prepare_sets_digest_and_scrubs_lone_surrogates():
    record, claimed = prepare_record(build_record('a\ud800b'))
    assert claimed is None and record['content_digest'] == content_digest(record)
    assert record['unmatched_detections'][0]['process_arg'] == 'a\ufffdb'
    json.dumps(record, ensure_ascii=False).encode('utf-8')
    assert prepare_record(dict(build_record(), content_digest='stale'))[1] == 'stale'


# ---- each renderer on the plain fixture --------------------------------------------------------


def test_json_round_trips_and_is_canonical():
    record = prepared()
    out = render_json(record)
    assert out.endswith('}\n') and json.loads(out) == record
    assert out == reference_render.render_json(record)
    # json.dumps(indent=2) but for the detections: each is one compact line at its place in its list.
    lines = out.split('\n')
    for detection in [d for h in record['hosts'].values() for d in h['detections']] + record['unmatched_detections']:
        compact = json.dumps(detection, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
        assert sum(1 for line in lines if line.strip().rstrip(',') == compact) == 1
    assert len(lines) < len(json.dumps(record, indent=2).split('\n'))


def test_csv_rows():
    rows = list(csv.reader(io.StringIO(render_csv(prepared()), newline='')))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 7
    first = dict(zip(CSV_COLUMNS, rows[1]))
    assert first['host'] == 'db-1' and first['host_status'] == 'unprotected' and first['kind'] == 'not_registered'
    assert first['run_started_at'] == iso8601(T0)
    account = dict(zip(CSV_COLUMNS, rows[4]))
    assert account['scope'] == 'account' and account['host'] == '' and account['host_status'] == '' and account['rule_id'] == 'R2'
    assert render_csv(prepared()).count('\r\n') == 7


def test_junit_counts():
    root = ET.fromstring(render_junit(prepared()).encode('utf-8'))
    hosts, account = root.findall('testsuite')
    assert hosts.get('name') == 'webshell_audit.hosts' and account.get('name') == 'webshell_audit.account'
    assert (hosts.get('tests'), hosts.get('failures'), hosts.get('errors'), hosts.get('skipped')) == ('4', '3', '0', '0')
    assert (account.get('tests'), account.get('failures')) == ('3', '3')
    assert (root.get('tests'), root.get('failures')) == ('7', '6')
    assert hosts.get('timestamp') == iso8601(T0)
    cases = dict((c.get('name'), c) for c in hosts.findall('testcase'))
    assert sorted(cases) == ['db-1', 'web-1', 'web-2', 'web-3']
    assert cases['web-3'].find('failure') is None
    failure = cases['web-1'].find('failure')
    assert failure.get('type') == 'agent_not_enabled' and failure.get('message').startswith("agent status is 'disable'")
    assert 'severity: high' in failure.text
    names = [c.get('name') for c in account.findall('testcase')]
    assert names == ['account/overbroad_rule/allow-everything-under-slash', 'account/unmatched_detections/ghost-001', 'account/rule_disabled/old-rule']
    assert all(c.get('classname') == 'webshell_audit.account' for c in account.findall('testcase'))


def test_junit_fails_a_non_compliant_host_without_findings():
    record = prepared()
    record['findings'] = [f for f in record['findings'] if f['host'] != 'web-1']
    root = ET.fromstring(render_junit(record))
    case = [c for c in root.iter('testcase') if c.get('name') == 'web-1'][0]
    assert case.find('failure').get('type') == 'unprotected'


def test_markdown_sections():
    md = render_markdown(prepared())
    assert md.startswith('# Webshell audit report\n')
    for heading in ('## Summary', '## Non-compliant hosts', '## Account findings', '## Unmatched detections'):
        assert heading in md
    assert '| db-1 | unprotected | no detection target matches the host |' in md
    assert 'web-3 |' not in md  # compliant hosts are not listed
    assert '| ghost-001 | 10000005 | 10.0.1.15 | 1 |' in md
    assert 'high 3, medium 2, low 1' in md


def test_html_contents():
    page = render_html(prepared())
    check_html(page)
    for text in (
        'Webshell audit report',
        'https://wbd.apigw.ntruss.com',
        'web-prd-group',
        'allow-php-cli',
        'ghost-001',
        'data-sort-ready',
        'process_name START &quot;/usr/bin/php&quot;',
        'not registered',
        'no (disabled)',
    ):
        assert text in page, text
    assert page.count('<table class="sortable">') == 4
    assert page.count('<svg ') == 2
    assert 'Showing' not in page  # all four detections fit


def test_every_renderer_is_deterministic():
    assert render_reports(prepared()) == render_reports(prepared())
    assert sorted(render_reports(prepared(), ('csv', 'json'))) == ['csv', 'json']


def test_empty_record_renders():
    record = prepared()
    record.update(hosts={}, findings=[], unmatched_detections=[], exception_rules=[], summary={})
    out = render_reports(record)
    check_html(out['html'].decode())
    assert 'No findings.' in out['html'].decode() and 'No detection times' not in out['html'].decode()
    assert ET.fromstring(out['junit']).get('tests') == '0'
    assert out['csv'].decode().count('\r\n') == 1


# ---- hostile text ------------------------------------------------------------------------------


def test_html_escapes_hostile_text(hostile):
    page = render_html(prepared(hostile))
    check_html(page)
    assert len(page) < 120000, 'long values are truncated in the page'
    if hostile.startswith('<script'):
        assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    if '\u202e' in hostile:
        assert '[U+202E]gnp.exe' in page


def test_junit_is_strict_xml_with_hostile_text(hostile):
    data = render_junit(prepared(hostile)).encode('utf-8')
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert not FORBIDDEN.search(data.decode('utf-8'))
    root = ET.fromstring(data)  # expat: rejects anything XML 1.0 forbids
    assert (root.get('tests'), root.get('failures')) == ('7', '6')
    messages = [f.get('message') for f in root.iter('failure')]
    assert clean(prepared(hostile)['findings'][3]['message']) in messages


def test_csv_neutralises_and_round_trips(hostile):
    record = prepared(hostile)
    rows = list(csv.reader(io.StringIO(render_csv(record), newline='')))
    assert len(rows) == 1 + len(record['findings'])
    for finding, row in zip(record['findings'], rows[1:]):
        for column, cell in zip(CSV_COLUMNS, row):
            raw = finding.get(column) if column in finding else cell
            raw = '' if raw is None else raw
            if column in finding:
                expected = "'" + raw if raw[:1] in CSV_TRIGGERS else raw
                assert cell == expected, column
            assert cell[:1] not in CSV_TRIGGERS


def test_markdown_cells_are_escaped(hostile):
    md = render_markdown(prepared(hostile))
    assert '<' not in md and '>' not in md and '`' not in md
    assert not FORBIDDEN.search(md) and '\u202e' not in md
    for line in md.splitlines():
        if line.startswith('| '):
            cells = re.findall(r'(?:\\.|[^\\|])*\|', line[1:])  # a pipe ends a cell unless backslash-escaped
            header_cells = {'Host': 3, 'Severity': 4, 'Server': 5, 'Hosts': 10}
            widths = set(header_cells.values())
            assert len(cells) in widths, line[:200]
            for cell in cells:
                assert not re.search(r'(?<!\\)[*_\[\]]', re.sub(r'\\\\', '', cell)), cell[:200]
    assert max(len(line) for line in md.splitlines()) < 2000, 'long cells are truncated'


def test_md_cell_escapes():
    assert md_cell('a|b') == 'a\\|b'
    assert md_cell('<b>`x`</b>') == '&lt;b&gt;&#96;x&#96;&lt;/b&gt;'
    assert md_cell('*_[]~') == '\\*\\_\\[\\]\\~'
    assert md_cell('\\|') == '\\\\\\|'
    assert md_cell('one\ntwo\r\nthree') == 'one two three'
    assert md_cell('y' * 500).endswith('\u2026') and len(md_cell('y' * 500)) == 200


def test_json_round_trips_hostile_text(hostile):
    record = prepared(hostile)
    data = render_json(record).encode('utf-8')
    assert json.loads(data.decode('utf-8')) == record


def test_hostile_host_name():
    record = prepared()
    name = '<img src=x onerror=alert(1)>\x00\u202e'
    host = record['hosts'].pop('web-3')
    record['hosts'][name] = dict(host, name=name)
    out = render_reports(record)
    check_html(out['html'].decode())
    names = [c.get('name') for c in ET.fromstring(out['junit']).iter('testcase')]
    assert '<img src=x onerror=alert(1)>\ufffd\u202e' in names


# ---- scale -------------------------------------------------------------------------------------


def test_html_caps_the_detection_table_and_stays_fast():
    record = prepared()
    many = [
        detection('2026110100000000%06d' % i, 'web-2', (i % 7000) / 1000.0, unreviewed=(i % 3 == 0), covered_by=['R1'] if i % 3 == 1 else [])
        for i in range(100000)
    ]
    record['hosts']['web-2']['detections'] = many
    started = time.time()
    page = render_html(record, max_detections=2000)
    elapsed = time.time() - started
    assert elapsed < 20, 'rendering 100,000 detections took %.1fs' % elapsed
    assert 'Showing 2000 of 100002 detections, newest first; the JSON report has all.' in page
    table = page.split('<h2>Detections</h2>')[1].split('<h2>')[0]
    assert table.count('<tr>') == 2001
    times = [int(t) for t in re.findall(r'<td class="t" data-sort="(\d+)"', table)]
    assert times == sorted(times, reverse=True) and times[0] == T0 and times[-1] > T0 - DAY
    assert len(page) < 3000000
    check_html(page)


def test_time_chart_groups_long_windows():
    record = prepared()
    record['run']['policy']['window_start_ms'] = T0 - 365 * DAY
    page = render_html(record)
    assert 'Each column is 4 days.' in page
    assert page.count('<rect') > 0


# ---- completeness and the unknown status ------------------------------------------------------


def test_complete_record_has_no_banner_and_counts_unknown():
    out = dict((fmt, data.decode('utf-8')) for fmt, data in render_reports(prepared()).items())
    assert 'INCOMPLETE' not in out['markdown'] and 'class="banner"' not in out['html'] and 'INCOMPLETE' not in out['html']
    assert '| Hosts | Unprotected | Unknown | Unreviewed | Compliant |' in out['markdown']
    assert '| 4 | 2 | 0 | 1 | 1 |' in out['markdown']
    assert '<span class="n">0</span><span class="l">unknown</span>' in out['html']
    assert 'webshell_audit.completeness' not in out['junit'] and ET.fromstring(out['junit']).get('errors') == '0'
    assert ',completeness,' not in out['csv'] and out['csv'].count('\r\n') == 7


def test_markdown_banner_lists_every_problem_first():
    md = render_markdown(prepared_incomplete())
    head, rest = md.split('## Summary', 1)
    assert '> **INCOMPLETE AUDIT: the data the audit read were incomplete or ambiguous' in head
    assert '2 problems; 1 host reported unknown: web-3.' in head
    assert '> - incomplete\\_list: GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages' in head
    assert "> - unreadable\\_time: detection 2026110100000000000004 has detectTime 'abc' (hosts: web-3)" in head
    assert '| 4 | 2 | 1 | 1 | 0 |' in rest
    assert '| web-3 | unknown | detection 2026110100000000000004 has an unreadable detect time |' in rest
    # worst first: unprotected, then unknown, then unreviewed
    assert rest.index('| db-1 | unprotected') < rest.index('| web-3 | unknown') < rest.index('| web-2 | unreviewed')


def test_markdown_never_says_compliant_on_incomplete_data():
    record = prepared_incomplete()
    for host in record['hosts'].values():
        host.update(status='compliant', reasons=[])
    md = render_markdown(record)
    assert 'every host in scope is compliant' not in md and 'do not read this as compliant' in md


def test_markdown_banner_for_an_incomplete_record_without_problems():
    record = prepared()
    record['completeness'] = {'complete': False, 'lists': {}, 'problems': []}
    md = render_markdown(record)
    assert '> - incomplete: the audit record says its data are incomplete but names no problem' in md


def test_html_banner_at_the_top():
    page = render_html(prepared_incomplete())
    check_html(page)
    assert '<title>Webshell audit %s (INCOMPLETE)</title>' % iso8601(T0) in page
    banner = page.index('<section class="banner" role="alert">')
    assert page.index('</header>') < banner < page.index('<section class="cards">')
    section = page[banner : page.index('</section>', banner)]
    assert 'Incomplete audit: these results may be wrong' in section and '2 problems; 1 host reported' in section
    assert 'GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages' in section
    assert 'hosts: web-3' in section and 'operation=GetWebshell; records_delivered=50; total_announced=237' in section
    assert section.count('<li>') == 2
    assert '<span class="n">1</span><span class="l">unknown</span>' in page
    assert '<span class="b s-unknown">unknown</span>' in page.split('<h2>Hosts</h2>')[1]


def test_html_banner_escapes_hostile_problems(hostile):
    page = render_html(prepared_incomplete(hostile))
    check_html(page)
    if hostile.startswith('<script'):
        section = page[page.index('<section class="banner"') :]
        assert '&lt;script&gt;alert(1)&lt;/script&gt;' in section


def test_junit_completeness_errors_come_first():
    root = ET.fromstring(render_junit(prepared_incomplete()).encode('utf-8'))
    suites = root.findall('testsuite')
    assert [s.get('name') for s in suites] == ['webshell_audit.completeness', 'webshell_audit.hosts', 'webshell_audit.account']
    completeness, hosts, account = suites
    assert (completeness.get('tests'), completeness.get('errors'), completeness.get('failures')) == ('2', '2', '0')
    names = [c.get('name') for c in completeness.findall('testcase')]
    assert names == ['completeness/incomplete_list/1', 'completeness/unreadable_time/2']
    error = completeness.find('testcase').find('error')
    assert error.get('type') == 'incomplete_list' and error.get('message').startswith('GetWebshell announced 237')
    assert 'evidence: operation=GetWebshell' in error.text
    assert 'hosts: web-3' in completeness.findall('testcase')[1].find('error').text
    cases = dict((c.get('name'), c) for c in hosts.findall('testcase'))
    assert cases['web-3'].find('error').get('type') == 'unknown' and cases['web-3'].find('failure') is None
    assert (hosts.get('tests'), hosts.get('failures'), hosts.get('errors')) == ('4', '3', '1')
    assert (root.get('tests'), root.get('failures'), root.get('errors')) == ('9', '6', '3')
    assert account.get('errors') == '0'


def test_junit_unknown_host_with_findings_is_an_error_not_a_failure():
    record = prepared_incomplete()
    record['findings'].append(finding('host', 'web-3', 'high', 'ambiguous_match', 'web-3', 'web-3 and web-4 share 10.0.1.13'))
    hosts = ET.fromstring(render_junit(record)).findall('testsuite')[1]
    case = [c for c in hosts.findall('testcase') if c.get('name') == 'web-3'][0]
    assert case.find('error') is not None and case.find('failure').get('type') == 'ambiguous_match'
    assert (hosts.get('failures'), hosts.get('errors')) == ('3', '1')


def test_junit_completeness_is_strict_xml_with_hostile_text(hostile):
    data = render_junit(prepared_incomplete(hostile)).encode('utf-8')
    assert not FORBIDDEN.search(data.decode('utf-8'))
    root = ET.fromstring(data)
    assert root.get('errors') == '3'


def test_csv_completeness_rows_first():
    record = prepared_incomplete()
    rows = [dict(zip(CSV_COLUMNS, row)) for row in csv.reader(io.StringIO(render_csv(record), newline=''))][1:]
    assert len(rows) == 2 + len(record['findings'])
    first, second = rows[0], rows[1]
    assert (first['severity'], first['scope'], first['kind'], first['host'], first['host_status']) == ('high', 'completeness', 'incomplete_list', '', '')
    assert first['message'] == 'GetWebshell announced 237 records in 3 pages but delivered 50 after 5 pages'
    assert first['subject'] == 'operation=GetWebshell; records_delivered=50; total_announced=237'
    assert (second['kind'], second['host'], second['host_status'], second['detection_id']) == ('unreadable_time', 'web-3', 'unknown', '2026110100000000000004')
    assert rows[2]['scope'] == 'host' and rows[2]['kind'] == 'not_registered'


def test_csv_completeness_rows_are_neutralised(hostile):
    record = prepared_incomplete(hostile)
    rows = list(csv.reader(io.StringIO(render_csv(record), newline='')))
    for row in rows[1:3]:
        assert all(cell[:1] not in CSV_TRIGGERS for cell in row), row
    message = dict(zip(CSV_COLUMNS, rows[2]))['message']
    raw = record['completeness']['problems'][1]['message']
    assert message == ("'" + raw if raw[:1] in CSV_TRIGGERS else raw)


def test_markdown_banner_is_escaped(hostile):
    md = render_markdown(prepared_incomplete(hostile))
    assert '<' not in md
    assert all('>' not in (line[2:] if line.startswith('> ') else line.lstrip('>')) for line in md.splitlines())
    for line in md.splitlines():
        if line.startswith('> - '):
            assert '\n' not in line and len(line) < 2000
            assert not re.search(r'(?<!\\)[*_\[\]`<]', re.sub(r'\\\\', '', line[4:])), line[:200]
