# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks the reports of an audit run over tests/sandbox/fixtures/hostile.json.

    python check_reports.py FIXTURE INVENTORY REPORT_DIR PLAYBOOK_LOG SCREENSHOT_SH WORK_DIR

Prints one line per check and exits 1 on the first failed one. The markers a payload leaves when it runs
(WBDPWN in the title, the DOM or the console, a data-wbdpwn attribute) are built at run time, so they
occur nowhere in the data; the checker first proves it sees them in control pages that do run script.
"""

import csv
import html.parser
import json
import os
import re
import subprocess
import sys
import xml.dom.minidom
import xml.etree.ElementTree as ET

MARKERS = ('WBDPWN', 'data-wbdpwn')
CSP_VIOLATION = 'violates the following Content Security Policy'
CSV_TRIGGERS = ('=', '+', '-', '@', '\t', '\r')
# Characters XML 1.0 does not allow at all.
XML_FORBIDDEN = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
# The tags the report itself uses; anything else in the page came from the data.
REPORT_TAGS = {
    'html',
    'head',
    'meta',
    'title',
    'style',
    'body',
    'main',
    'header',
    'h1',
    'h2',
    'p',
    'dl',
    'dt',
    'dd',
    'section',
    'div',
    'span',
    'svg',
    'line',
    'text',
    'g',
    'rect',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'br',
    'footer',
    'i',
    'script',
}
RULE_FIELDS = {
    'processName': 'process_name',
    'processArg': 'process_arg',
    'executor': 'executor',
    'processNameOfParent': 'parent_process_name',
    'processArgOfParent': 'parent_process_arg',
    'executorOfParent': 'parent_executor',
}
DETECTION_FIELDS = {
    'hostName': 'host_name',
    'serverName': 'server_name',
    'privateIPofServer': 'private_ip',
    'containerName': 'container_name',
    **RULE_FIELDS,
    'command': 'command',
    'memo': 'memo',
}
CHECKS = []


def ok(name, detail=''):
    CHECKS.append(name)
    print('ok   %s%s' % (name, ': %s' % detail if detail else ''))


def fail(name, detail):
    print('FAIL %s: %s' % (name, detail))
    sys.exit(1)


def check(condition, name, detail=''):
    if not condition:
        fail(name, detail or 'condition false')
    ok(name)


def read(path, mode='r'):
    with open(path, mode, **({'encoding': 'utf-8', 'newline': ''} if mode == 'r' else {})) as handle:
        return handle.read()


def strings(value):
    """Every string in a JSON value (keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# ---- HTML --------------------------------------------------------------------------------------


class TagCollector(html.parser.HTMLParser):
    """Tags, attributes and script elements of a page, as an HTML parser sees them."""

    def __init__(self):
        html.parser.HTMLParser.__init__(self, convert_charrefs=True)
        self.tags = []
        self.body_attrs = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == 'body':
            self.body_attrs.extend(attrs)

    handle_startendtag = handle_starttag


def page_structure(text):
    parser = TagCollector()
    parser.feed(text)
    parser.close()
    return parser


def check_markup(text, where):
    """No tag, event handler or script URL the report does not make itself."""
    page = page_structure(text)
    foreign = sorted(set(tag for tag, _attrs in page.tags if tag not in REPORT_TAGS))
    check(not foreign, '%s: only the report\'s own tags' % where, 'foreign tags %s' % foreign)
    handlers = sorted(set(name for _tag, attrs in page.tags for name, _value in attrs if name.startswith('on')))
    check(not handlers, '%s: no event-handler attribute' % where, 'found %s' % handlers)
    urls = [
        (tag, name, value)
        for tag, attrs in page.tags
        for name, value in attrs
        if name in ('href', 'src', 'action', 'data', 'formaction', 'xlink:href', 'srcdoc')
    ]
    check(not urls, '%s: no URL attribute at all' % where, 'found %s' % urls[:5])
    scripts = [tag for tag, _attrs in page.tags if tag == 'script']
    check(len(scripts) == 1, '%s: exactly one script element (the report\'s)' % where, 'found %d' % len(scripts))
    return page


def render(screenshot_sh, page, work, name):
    """(DOM after scripts ran, console lines) of ``page`` in headless Chromium."""
    dom, console = os.path.join(work, name + '.dom.html'), os.path.join(work, name + '.console.log')
    run = subprocess.run(['bash', screenshot_sh, page, '-', dom, console], capture_output=True, text=True, timeout=180, check=False)
    if run.returncode != 0:
        fail('chromium %s' % name, run.stdout + run.stderr)
    return read(dom), read(console)


def markers_in(dom, console):
    """Which run markers a rendered page shows: title/DOM text, body attribute, console."""
    found = []
    page = page_structure(dom)
    if any(marker in dom for marker in MARKERS):
        found.append('DOM')
    if any(name == 'data-wbdpwn' for name, _value in page.body_attrs):
        found.append('body attribute')
    if any(marker in console for marker in MARKERS):
        found.append('console')
    return found


def check_html(html_path, screenshot_sh, work, live_payloads):
    text = read(html_path)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n', text)
    check(csp is not None, 'html: has its Content-Security-Policy meta element')
    check_markup(text, 'html as written')
    no_csp = text.replace(csp.group(0), '')
    live = ''.join(live_payloads)
    pages = {
        'report': text,
        'report-without-csp': no_csp,  # escaping alone must hold
        'control-live-payloads': no_csp.replace('</main>', '</main>' + live),
        'control-live-payloads-csp': text.replace('</main>', '</main>' + live),
    }
    rendered = {}
    for name, content in pages.items():
        path = os.path.join(work, name + '.html')
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(content)
        rendered[name] = render(screenshot_sh, path, work, name)
    # The checker sees script that runs, and CSP blocking it.
    dom, console = rendered['control-live-payloads']
    seen = markers_in(dom, console)
    check(
        seen == ['DOM', 'body attribute', 'console'],
        'control: live payloads without CSP are detected in DOM, body attribute and console',
        'detected only in %s' % seen,
    )
    dom, console = rendered['control-live-payloads-csp']
    check(CSP_VIOLATION in console, 'control: live payloads under the CSP are detected as CSP violations', console[-500:])
    check(not markers_in(dom, console), 'control: the CSP blocks them')
    for name in ('report', 'report-without-csp'):
        dom, console = rendered[name]
        seen = markers_in(dom, console)
        check(not seen, '%s: no data script ran (no marker in DOM, body or console)' % name, 'markers in %s' % seen)
        body = dict(page_structure(dom).body_attrs)
        check(body.get('data-sort-ready') == '1', '%s: the report\'s own script ran (body data-sort-ready="1")' % name, 'body attributes %s' % body)
        check_markup(dom, '%s DOM' % name)
    check(CSP_VIOLATION not in rendered['report'][1], 'report: no Content-Security-Policy violation in the console', rendered['report'][1][:800])


# ---- other formats -----------------------------------------------------------------------------


def check_csv(path, record, hosts):
    with open(path, encoding='utf-8', newline='') as handle:
        rows = list(csv.reader(handle))
    # The rows of what the report run adds (scope changes / actions) come after the findings.
    rows = [row for row in rows if len(row) < 2 or row[1] not in ('changes', 'actions')]
    check(len(rows) == len(record['findings']) + 1, 'csv: one row per finding', '%d rows, %d findings' % (len(rows), len(record['findings'])))
    live = [(n, cell) for n, row in enumerate(rows) for cell in row if cell.startswith(CSV_TRIGGERS)]
    check(not live, 'csv: no cell starts with = + - @ TAB or CR', 'row %s' % (live[:3],))
    prefixed = dict((t, sum(1 for row in rows for cell in row if cell.startswith("'" + t))) for t in CSV_TRIGGERS)
    check(all(prefixed.values()), 'csv: every trigger character reached a cell and was prefixed with a quote', '%r' % prefixed)
    header = rows[0]
    column = header.index('host')
    cells = set(row[column] for row in rows[1:] if row[header.index('scope')] == 'host')
    check(all(record['hosts'][name]['reasons'] for name in hosts), 'csv: every host has host findings (the data makes all fail)')
    want = set(("'" + name) if name.startswith(CSV_TRIGGERS) else name for name in hosts)
    check(
        cells == want,
        'csv: the host column holds every hostile host name (prefixed where needed)',
        'missing %r, extra %r' % (sorted(want - cells)[:3], sorted(cells - want)[:3]),
    )
    return rows


def same_but_replaced(original, shown):
    """``shown`` is ``original`` with some characters replaced by U+FFFD, every XML-forbidden one among them."""
    if len(original) != len(shown):
        return False
    for a, b in zip(original, shown):
        if a != b and b != '\ufffd':
            return False
        if XML_FORBIDDEN.match(a) and b != '\ufffd':
            return False
    return True


def check_junit(path, record, hosts):
    raw = read(path, 'rb')
    try:
        root = ET.fromstring(raw)  # expat: a strict XML 1.0 parser
        xml.dom.minidom.parseString(raw)
    except (ET.ParseError, Exception) as exc:  # pylint: disable=broad-except
        fail('junit: strict XML parsers accept it', exc)
    ok('junit: xml.etree and xml.dom.minidom parse it')
    suites = dict((s.get('name'), s) for s in root.iter('testsuite'))
    cases = [c.get('name') for c in suites['webshell_audit.hosts'].iter('testcase')]
    check(len(cases) == len(hosts), 'junit: one test case per host', '%d cases for %d hosts' % (len(cases), len(hosts)))
    unmatched = [h for h in hosts if not any(same_but_replaced(h, c) for c in cases)]
    check(not unmatched, 'junit: every host name survives, forbidden characters replaced by U+FFFD', repr(unmatched[:3]))
    texts = [f.get('message') or '' for f in root.iter('failure')] + [f.text or '' for f in root.iter('failure')]
    check(
        any(']]>' in t for t in texts) and any('<script>' in t for t in texts) and any('&' in t for t in texts),
        'junit: ]]>, <script> and & survive as text in failures',
    )
    total = sum(int(s.get('tests')) for s in suites.values())
    check(total == int(root.get('tests')) == sum(1 for _c in root.iter('testcase')), 'junit: the counts add up')


def check_markdown(path):
    text = read(path)
    check('<' not in text, 'markdown: no raw < (no HTML a ticket system could render)')
    bad = sorted(
        set(
            'U+%04X' % ord(c)
            for c in text
            if (ord(c) < 32 and c != '\n') or 0x7F <= ord(c) <= 0x9F or c in '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c'
        )
    )
    check(not bad, 'markdown: no control or bidi characters', ', '.join(bad))


# ---- the JSON record ---------------------------------------------------------------------------


def check_record(record, fixture, hosts):
    check(sorted(record['hosts']) == sorted(hosts), 'json: the hosts are the inventory\'s, names unchanged')
    detections = dict((d['detection_id'], d) for h in record['hosts'].values() for d in h['detections'])
    detections.update((d['detection_id'], d) for d in record['unmatched_detections'])
    check(
        sorted(detections) == sorted(d['detectionId'] for d in fixture['detections']),
        'json: every detection, none dropped',
        '%d of %d' % (len(detections), len(fixture['detections'])),
    )
    compared = 0
    for raw in fixture['detections']:
        got = detections[raw['detectionId']]
        for camel, snake in DETECTION_FIELDS.items():
            if got[snake] != raw[camel]:
                fail(
                    'json: detection fields hold the original strings',
                    '%s %s: %r... != %r...' % (raw['detectionId'], snake, ('%s' % got[snake])[:80], raw[camel][:80]),
                )
            compared += 1
        files = [(f['file_origin_name'], f['weight']) for f in got['suspicion_files']]
        if files != [(f['fileOriginName'], f['weight']) for f in raw['suspicionFiles']]:
            fail('json: suspicion file names hold the original strings', raw['detectionId'])
        if [i['country'] for i in got['suspicion_ips']] != [i['country'] for i in raw['suspicionIps']]:
            fail('json: suspicion IP countries hold the original strings', raw['detectionId'])
        compared += len(files) + len(raw['suspicionIps'])
    ok('json: detection fields, file names and countries hold the original strings', '%d values' % compared)
    servers = dict((s['instanceNo'], s) for s in fixture['servers'])
    for name, host in record['hosts'].items():
        target = host['target']
        if hosts[name] is None:
            check(target is None, 'json: the unregistered host has no target')
            continue
        server = servers[hosts[name]]
        got = (target['server_name'], target['server_group_name'], target['agent_status'])
        if got != (server['serverName'], server['serverGroupName'], server['agentStatus']):
            fail('json: target fields hold the original strings', name)
    ok('json: target server names, group names and agent statuses hold the original strings')
    rules = dict((r['rule_id'], r) for r in record['exception_rules'])
    for raw in fixture['exception-rules']:
        got = rules[raw['exceptedRuleId']]
        if got['name'] != raw['exceptedRuleName'] or got['target_name'] != raw.get('exceptTargetName', got['target_name']):
            fail('json: rule names hold the original strings', raw['exceptedRuleId'])
        for camel, snake in RULE_FIELDS.items():
            if got['conditions'][snake]['value'] != raw.get(camel, ''):
                fail('json: rule condition values hold the original strings', '%s %s' % (raw['exceptedRuleId'], snake))
    ok('json: rule names, target names and condition values hold the original strings')
    big = [s for s in strings(record) if len(s) >= 100000]
    check(len(big) >= 5, 'json: the 100 kB strings are whole', '%d strings of 100 kB or more' % len(big))


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__)
        return 2
    fixture_path, inventory_path, reports, playbook_log, screenshot_sh, work = argv[1:]
    fixture_text = read(fixture_path)
    fixture = json.loads(fixture_text)
    inventory = json.loads(read(inventory_path))
    hosts = dict((name, hvars.get('webshell_audit_instance_no')) for name, hvars in inventory['all']['hosts'].items())
    canary = os.environ['WBD_HOSTILE_CANARY']
    data_strings = list(strings(fixture)) + list(strings(inventory))
    check(
        not any(m in s for s in data_strings + [fixture_text] for m in MARKERS + (canary, '40002')),
        'the data holds no run marker, canary or template result itself',
    )

    from make_hostile_fixture import SCRIPT_PAYLOADS  # pylint: disable=import-outside-toplevel

    record = json.loads(read(os.path.join(reports, 'webshell-audit-latest.json')))
    check_record(record, fixture, hosts)
    outputs = dict(
        (name, read(os.path.join(reports, 'webshell-audit-latest.' + ext), 'rb').decode('utf-8'))
        for name, ext in (('json', 'json'), ('csv', 'csv'), ('html', 'html'), ('junit', 'junit.xml'), ('md', 'md'))
    )
    outputs['playbook output'] = read(playbook_log, 'rb').decode('utf-8', 'replace')
    for name, text in outputs.items():
        check(
            canary not in text and '40002' not in text and 'WBDPWN' not in text,
            '%s: no template was evaluated, no lookup ran (canary, 40000 + 2, pipe marker absent)' % name,
        )
    check_csv(os.path.join(reports, 'webshell-audit-latest.csv'), record, hosts)
    check_junit(os.path.join(reports, 'webshell-audit-latest.junit.xml'), record, list(hosts))
    check_markdown(os.path.join(reports, 'webshell-audit-latest.md'))
    check_html(os.path.join(reports, 'webshell-audit-latest.html'), screenshot_sh, work, [text for _tag, text in SCRIPT_PAYLOADS])
    # Last, as they depend on the failure policy having failed the hosts (runme.sh checks that separately).
    check('red\ufffd[31m' in outputs['playbook output'], 'playbook output: the policy failures quote the ANSI-laden server name')
    check(
        '\x1b' not in outputs['playbook output'] and '\x9b' not in outputs['playbook output'],
        'playbook output: no terminal escape sequence from the data (the failure reasons are cleaned)',
    )
    print('%d checks passed' % len(CHECKS))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
