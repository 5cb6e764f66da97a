# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exception-rule baseline: the file's form, its findings in the audit, and a baseline written from the rules
approving exactly those rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.baseline import BaselineError, baseline_entry, check_baseline
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import host, rule, target

NOW = 1795253400000
KINDS = ('rule_not_in_baseline', 'baseline_rule_missing', 'rule_differs_from_baseline')


def audit(rules, entries):
    baseline = None if entries is None else check_baseline({'rules': entries}, 'b.yml')
    return evaluate([host('web-1', instance_no='101')], [target('101', 'a')], [], rules, policy={}, now_ms=NOW, baseline=baseline)


def found(record):
    return sorted((f['kind'], f['severity'], f['id']) for f in record['findings'] if f['kind'] in KINDS)


def php_rule(rid='R1', **extra):
    return rule(rid, 'server', '101', process_name=('EQUAL', 'php-fpm'), **extra)


def test_no_baseline_no_findings():
    assert found(audit([php_rule()], None)) == []


def test_baseline_written_from_the_rules_approves_them():
    rules = [php_rule('R1'), rule('R2', 'everyServer', None, executor=('START', 'www'))]
    assert found(audit(rules, [baseline_entry(r) for r in rules])) == []


def test_three_findings():
    rules = [php_rule('R1'), rule('R3', 'server', '102', process_name=('EQUAL', 'php-fpm'))]
    approved = [
        {'rule_id': 'R1', 'target_type': 'server', 'target': '101', 'conditions': {'process_name': {'condition': 'START', 'value': 'php'}}},
        {'rule_id': 'R9', 'name': 'gone'},
    ]
    record = audit(rules, approved)
    assert found(record) == [
        ('baseline_rule_missing', 'medium', 'baseline/R9/baseline_rule_missing'),
        ('rule_differs_from_baseline', 'high', 'rule/R1/rule_differs_from_baseline'),
        ('rule_not_in_baseline', 'high', 'rule/R3/rule_not_in_baseline'),
    ]
    differs = [f for f in record['findings'] if f['kind'] == 'rule_differs_from_baseline'][0]
    assert differs['rule_id'] == 'R1'
    assert "process_name EQUAL 'php-fpm' (approved: START 'php')" in differs['message']
    missing = [f for f in record['findings'] if f['kind'] == 'baseline_rule_missing'][0]
    assert "'gone'" in missing['subject'] and 'R9' in missing['subject']


def test_by_id_alone_approves_any_form():
    assert found(audit([php_rule('R1')], [{'rule_id': 'R1'}])) == []


def test_by_name_target_conditions():
    entry = {'name': 'rule-R1', 'target_type': 'server', 'target': '101', 'conditions': {'process_name': {'condition': 'EQUAL', 'value': 'php-fpm'}}}
    assert found(audit([php_rule('R1')], [entry])) == []
    moved = dict(entry, target='102')
    assert found(audit([php_rule('R1')], [moved])) == [('rule_differs_from_baseline', 'high', 'rule/R1/rule_differs_from_baseline')]
    assert found(audit([], [entry])) == [('baseline_rule_missing', 'medium', 'baseline/rule-R1/baseline_rule_missing')]


def test_same_name_twin_is_not_approved_by_the_exact_one():
    twin = rule('R2', 'everyServer', None)
    twin['excepted_rule_name'] = 'rule-R1'
    entry = {'name': 'rule-R1', 'target_type': 'server', 'target': '101', 'conditions': {'process_name': {'condition': 'EQUAL', 'value': 'php-fpm'}}}
    assert found(audit([php_rule('R1'), twin], [entry])) == [('rule_not_in_baseline', 'high', 'rule/R2/rule_not_in_baseline')]


@pytest.mark.parametrize(
    'data, words',
    [
        ([], 'must be a mapping with a rules list'),
        ({'rules': 'x'}, 'must be a mapping with a rules list'),
        ({'rules': [], 'extra': 1}, "unknown top-level key 'extra'"),
        ({'rules': ['R1']}, 'rules[0] must be a mapping'),
        ({'rules': [{'name': 'x'}]}, 'rules[0] needs a rule_id, or a name with target_type and conditions'),
        ({'rules': [{'rule_id': 'R1', 'color': 'red'}]}, "unknown key 'color'"),
        ({'rules': [{'rule_id': 'R1', 'target_type': 'host'}]}, 'rules[0].target_type must be one of'),
        ({'rules': [{'rule_id': 'R1', 'target_type': 'server'}]}, 'rules[0].target is required for target_type server'),
        ({'rules': [{'rule_id': 'R1', 'target_type': 'everyServer', 'conditions': {'cmd': {}}}]}, "unknown field 'cmd'"),
        ({'rules': [{'rule_id': 'R1', 'target_type': 'everyServer', 'conditions': {'executor': {'condition': 'LIKE'}}}]}, 'condition must be one of'),
        ({'rules': [{'rule_id': 'R1'}, {'rule_id': 'R1'}]}, 'approves rule_id R1 a second time'),
    ],
)
def test_bad_baseline_is_one_line_naming_the_file(data, words):
    with pytest.raises(BaselineError) as err:
        check_baseline(data, '/etc/wbd/baseline.yml')
    assert words in str(err.value) and '/etc/wbd/baseline.yml' in str(err.value) and '\n' not in str(err.value)


def test_sliced_runs_merge_with_their_baseline_findings():
    """The merge keeps the baseline findings (account findings, the same in every slice), as the unsliced run has them."""
    from ansible_collections.ncloud.wbd.plugins.module_utils._audit.merge import merge_records
    from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._audit.test_audit_merge import as_file, run_of

    hosts = [host('web-%d' % n, instance_no=str(100 + n)) for n in range(4)]
    targets = [target(str(100 + n), 'srv-%d' % n) for n in range(4)]
    rules = [php_rule('R1'), rule('R3', 'server', '102', process_name=('EQUAL', 'x'))]
    baseline = check_baseline({'rules': [{'rule_id': 'R1', 'target_type': 'server', 'target': '109'}, {'rule_id': 'R9'}]}, 'b.yml')

    def run(part, now):
        return evaluate(part, targets, [], rules, policy={}, now_ms=now, run=run_of(part, None), baseline=baseline)

    full = run(hosts, NOW)
    slices = [as_file(run(hosts[j::2], NOW + j * 1000)) for j in range(2)]
    merged = merge_records(slices, ['a.json', 'b.json'])
    assert found(merged) == found(full) and len(found(full)) == 3
    assert merged['content_digest'] == full['content_digest']
