# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_audit/record: the one record module: summarize, seal and load_record, and which way the imports point.

The audit and the merge finish their records with ``seal``; these tests check it on its own, from hand-built parts,
and that the audit, the merge and the merge action reach the record module without the report code.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import record as audit_record
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import (
    GENERATOR,
    RECORD_KEYS,
    SCHEMA_VERSION,
    SEVERITIES,
    RecordError,
    canonical_chunks,
    content_digest,
    load_record,
    seal,
    summarize,
    validate_record,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._audit.test_audit_evaluate import NOW, audit, detection
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host, target
from hypothesis import given
from hypothesis import strategies as st

LISTS = {'detections': {'complete': False, 'operation': 'GetWebshell', 'problems': ['short page']}, 'exception_rules': {'complete': True}}
PROBLEM = {'kind': 'incomplete_list', 'hosts': ['a'], 'evidence': {}, 'message': 'GetWebshell detection list is incomplete'}


def body():
    """The parts of a record the audit computes: two hosts, a detection in each detection list, two findings."""

    def item(did, **more):
        return dict({'detection_id': did, 'covered_by': [], 'unreviewed': False}, **more)

    return {
        'run': {'started_at_ms': NOW, 'endpoint': 'https://wbd.apigw.ntruss.com'},
        'hosts': {
            'a': {'name': 'a', 'status': 'unknown', 'detections': [item('1', unreviewed=True), item('2', covered_by=['R1'])]},
            'b': {'name': 'b', 'status': 'unprotected', 'detections': []},
        },
        'unmatched_detections': [item('3')],
        'ambiguous_detections': [item('4', covered_by=['R1'])],
        'out_of_scope_detections': [item('5')],
        'exception_rules': [{'rule_id': 'R1', 'active': True}],
        'findings': [{'id': 'host/a/x', 'severity': 'high'}, {'id': 'host/b/y', 'severity': 'high'}, {'id': 'rule/R1/z', 'severity': 'low'}],
    }


def test_seal_makes_the_whole_record():
    outside = {'9': {'instance_no': '9', 'server_name': 's9', 'hosts': ['c'], 'registered': True, 'detections': 1}}
    record = seal(body(), LISTS, [PROBLEM], outside, targets=4, exception_rules=1, active_exception_rules=1)
    assert list(record) == list(RECORD_KEYS) + ['content_digest']
    assert record['schema_version'] == SCHEMA_VERSION and record['generator'] == GENERATOR
    assert record['completeness'] == {'complete': False, 'lists': LISTS, 'problems': [PROBLEM]}
    assert record['scope'] == {'out_of_scope_servers': 1, 'out_of_scope_detections': 1, 'instance_nos': ['9'], 'servers': [outside['9']]}
    assert record['summary'] == {
        'unprotected': 1,
        'unreviewed': 0,
        'unknown': 1,
        'compliant': 0,
        'hosts': 2,
        'complete': False,
        'detections': 5,
        'unreviewed_detections': 1,
        'covered_detections': 2,
        'unmatched_detections': 1,
        'ambiguous_detections': 1,
        'out_of_scope_detections': 1,
        'findings': 3,
        'findings_by_severity': {'critical': 0, 'high': 2, 'medium': 0, 'low': 1, 'info': 0},
        'targets': 4,
        'exception_rules': 1,
        'active_exception_rules': 1,
    }
    assert record['content_digest'] == content_digest(record)
    assert validate_record(record) is record


def test_seal_of_a_complete_record_and_the_digest_ignores_the_run():
    first = seal(body(), {}, [], {})
    assert first['completeness'] == {'complete': True, 'lists': {}, 'problems': []} and first['summary']['complete'] is True
    later = body()
    later['run'] = {'started_at_ms': NOW + 1}
    assert seal(later, {}, [], {})['content_digest'] == first['content_digest']
    changed = body()
    changed['findings'].pop()
    assert seal(changed, {}, [], {})['content_digest'] != first['content_digest']


def test_seal_replaces_lone_surrogates():
    parts = body()
    parts['unmatched_detections'][0]['process_name'] = 'evil\udc80'
    record = seal(parts, {}, [], {})
    assert record['unmatched_detections'][0]['process_name'] == 'evil\ufffd'
    assert record['content_digest'] == content_digest(record)
    json.dumps(record, ensure_ascii=False).encode('utf-8')


def test_summarize_reads_the_record():
    record = seal(body(), {}, [], {})
    assert summarize(record, targets=7) == dict(record['summary'], targets=7)
    assert list(summarize(record))[:4] == ['unprotected', 'unreviewed', 'unknown', 'compliant']
    assert set(record['summary']['findings_by_severity']) == set(SEVERITIES)


def test_the_audit_is_sealed_by_the_record_module():
    record = audit([host('web-1', instance_no='1')], targets=[target('1', 'web-1')], detections=[detection('D1', '1')])
    rest = dict((k, v) for k, v in record.items() if k not in ('summary', 'completeness', 'scope', 'content_digest', 'schema_version', 'generator'))
    lists = record['completeness']['lists']
    assert seal(rest, lists, record['completeness']['problems'], {}, targets=1, exception_rules=0, active_exception_rules=0) == record


# ---- load_record -------------------------------------------------------------------------------


def test_load_record(tmp_path):
    path = tmp_path / 'r.json'
    path.write_text(json.dumps({'schema_version': 2, 'x': '\u00e9'}), encoding='utf-8')
    assert load_record(str(path)) == {'schema_version': 2, 'x': '\u00e9'}


@pytest.mark.parametrize(
    'content, message',
    [
        (b'{"a": ', 'is not a JSON report'),
        (b'\xff\xfe', 'is not a JSON report'),
        (b'[1, 2]', 'does not hold a JSON object but list'),
        (b'"text"', 'does not hold a JSON object but str'),
    ],
)
def test_load_record_refuses_what_is_not_a_json_object(tmp_path, content, message):
    path = tmp_path / 'r.json'
    path.write_bytes(content)
    with pytest.raises(RecordError, match=message) as caught:
        load_record(str(path))
    assert str(path) in str(caught.value)


def test_load_record_of_a_missing_file(tmp_path):
    with pytest.raises(RecordError, match='could not read src .*missing.json'):
        load_record(str(tmp_path / 'missing.json'))


# ---- layering ----------------------------------------------------------------------------------

PLUGINS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(audit_record.__file__))))


def imported(path):
    """The ansible_collections.ncloud.wbd modules a file imports (from ... import included)."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return sorted(n for n in names if n.startswith('ansible_collections.ncloud.wbd.'))


@pytest.mark.parametrize('name', sorted(n for n in os.listdir(os.path.join(PLUGINS, 'module_utils', '_audit')) if n.endswith('.py')))
def test_the_audit_imports_no_report_code_and_no_module_adapter(name):
    # The audit runs on the controller: neither the renderers nor AnsibleModule (the _module adapter) belong in it.
    assert [m for m in imported(os.path.join(PLUGINS, 'module_utils', '_audit', name)) if '._report' in m or '._module' in m] == []


def test_the_merge_action_loads_records_without_the_report_stack():
    modules = imported(os.path.join(PLUGINS, 'action', 'audit_merge.py'))
    assert 'ansible_collections.ncloud.wbd.plugins.module_utils._audit.record' in modules
    assert [m for m in modules if '._report' in m] == []


def test_the_report_takes_the_schema_from_the_record_module():
    modules = imported(os.path.join(PLUGINS, 'module_utils', '_report', 'common.py'))
    assert 'ansible_collections.ncloud.wbd.plugins.module_utils._audit.record' in modules


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30,
)


@given(_JSON, st.integers(min_value=0, max_value=4))
def test_the_digest_pieces_join_to_the_canonical_json(value, depth):
    expected = json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    assert ''.join(canonical_chunks(value, depth)) == expected
