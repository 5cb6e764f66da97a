# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file side of the audit_merge action: which files src names, one-line errors, and a result the report role reads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.ncloud.wbd.plugins.action.audit_merge import expand_src, merge_files
from ansible_collections.ncloud.wbd.plugins.action.audit_report import record_in
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate

NOW = 1795253400000


def write_slice(path, hosts, now_ms=NOW, policy=None):
    targets = [{'instance_no': '1', 'server_name': 'web-1', 'agent_status': 'enable', 'server_group_id': 'G', 'ip_address': '10.0.0.1'}]
    record = evaluate(
        [{'name': h} for h in hosts],
        targets,
        [],
        [],
        policy=policy,
        now_ms=now_ms,
        run={'endpoint': 'https://wbd.example', 'inventory_scope': {'hosts': sorted(hosts), 'count': len(hosts), 'limit': None}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding='utf-8')
    return str(path)


def test_src_expands_globs_in_order_and_reads_each_file_once(tmp_path, monkeypatch):
    one = write_slice(tmp_path / 's1' / 'webshell-audit-latest.json', ['web-1'])
    two = write_slice(tmp_path / 's2' / 'webshell-audit-latest.json', ['app-2'])
    odd = write_slice(tmp_path / 'odd[1].json', ['x'])  # an existing name is taken as it is, glob characters and all
    monkeypatch.chdir(str(tmp_path))
    assert expand_src(['s*/webshell-audit-latest.json', one, 's1/../s1/webshell-audit-latest.json']) == [one, two]
    assert expand_src([odd]) == [odd]
    record, slices = merge_files([one, two])
    assert sorted(record['hosts']) == ['app-2', 'web-1'] and record['summary']['compliant'] == 1
    assert [s['src'] for s in slices] == [one, two] and slices[0]['account_digest'] == slices[1]['account_digest']
    # the registered result feeds ncloud.wbd.webshell_report's record_from (webshell_audit_evaluated) as it is
    assert record_in({'changed': False, 'record': record, 'slices': slices}, 'webshell_audit_evaluated') is record


@pytest.mark.parametrize(
    'items, message',
    [
        (['nothing-*.json'], 'src pattern {d}/nothing-*.json matches no file.'),
        (['missing.json'], 'src {d}/missing.json does not exist.'),
        (['.'], 'src {d} is a directory; name the JSON reports in it (for example {d}/webshell-audit-latest.json).'),
        ([], 'src names no file; give the JSON reports of the slices.'),
    ],
)
def test_src_errors_say_which_item(tmp_path, monkeypatch, items, message):
    monkeypatch.chdir(str(tmp_path))
    with pytest.raises(AnsibleActionFail) as err:
        expand_src(items)
    assert str(err.value) == 'audit_merge: ' + message.format(d=str(tmp_path))


def test_unreadable_or_foreign_files_fail_with_their_name(tmp_path):
    good = write_slice(tmp_path / 'a.json', ['web-1'])
    (tmp_path / 'bad.json').write_text('{"schema_version": 1,', encoding='utf-8')
    with pytest.raises(AnsibleActionFail, match=r'^audit_merge: src .*bad\.json is not a JSON report'):
        merge_files([good, str(tmp_path / 'bad.json')])
    other = write_slice(tmp_path / 'b.json', ['app-2'], now_ms=NOW + 1000, policy={'min_weight': 10})
    with pytest.raises(AnsibleActionFail) as err:
        merge_files([good, other])
    assert str(err.value).startswith('audit_merge: %s and %s are not slices of one audit run: they differ in policy (min_weight: 0 vs 10)' % (good, other))
    assert os.path.exists(good)


def test_refusals_naming_hostile_hosts_stay_one_clean_line(tmp_path):
    # Host names come from the slice files; an escape sequence or a newline in one must not reach the terminal.
    hostile = 'web\x1b[31m\n\u202e1'
    one = write_slice(tmp_path / 'a.json', [hostile])
    two = write_slice(tmp_path / 'b.json', [hostile])
    record = json.loads((tmp_path / 'b.json').read_text(encoding='utf-8'))
    record['hosts'][hostile]['reasons'] = ['another result']  # the same host with two results: refused, naming it
    (tmp_path / 'b.json').write_text(json.dumps(record), encoding='utf-8')
    with pytest.raises(AnsibleActionFail) as err:
        merge_files([one, two])
    message = str(err.value)
    assert message.startswith('audit_merge: host web') and 'different results' in message
    assert '\n' not in message and '\x1b' not in message and '\u202e' not in message
