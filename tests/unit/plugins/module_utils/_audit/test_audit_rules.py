# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception rules evaluated locally (shared/wbd-api.md 5.1): six fields AND-ed, EQUAL exact, START prefix,
END suffix, NOT_USE ignored; targets server / serverGroup / everyServer; disabled and deleted rules cover nothing.
A comparing condition with a null or blank value is ambiguous (issue 14): it never matches.

Expected answers are written out by hand; the property test compares with a reference written here from the
API notes, not with the module's helpers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import rules as audit_rules
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.rules import (
    ambiguous_conditions,
    compared_fields,
    condition_of,
    conditions_match,
    covering_rules,
    field_matches,
    is_active,
    is_ambiguous,
    rule_summary,
    target_matches,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.audit_inputs import FIELDS, rule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches in ./.hypothesis, which the collection build would pack: keep them out of the repo.
if not os.environ.get('HYPOTHESIS_STORAGE_DIRECTORY'):
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), 'ncloud-wbd-hypothesis'))

DETECTION = {
    'detection_id': '2024080714030700000001',
    'instance_no': '12345678',
    'process_name': '/usr/bin/php',
    'process_arg': '-r system($_GET[c]);',
    'executor': 'www-data',
    'parent_process_name': '/usr/sbin/apache2',
    'parent_process_arg': '-k start',
    'parent_executor': 'root',
}


def test_rule_fields_are_the_six_documented_ones():
    assert audit_rules.RULE_FIELDS == FIELDS


# ---- field_matches: one condition --------------------------------------------------------------


@pytest.mark.parametrize(
    'condition, expected, actual, result',
    [
        ('EQUAL', '/usr/bin/php', '/usr/bin/php', True),
        ('EQUAL', '/usr/bin/php', '/usr/bin/php8', False),
        ('EQUAL', '/usr/bin/php', '/usr/bin/ph', False),
        ('EQUAL', '/usr/bin/php', 'x/usr/bin/php', False),
        ('EQUAL', '/usr/bin/PHP', '/usr/bin/php', False),  # case-sensitive
        ('EQUAL', 'www-data', 'WWW-DATA', False),
        ('EQUAL', 'php', ' php', False),  # no trimming
        ('START', '/usr/bin/', '/usr/bin/php', True),
        ('START', '/usr/bin/php', '/usr/bin/php', True),  # a value is a prefix of itself
        ('START', '/usr/bin/php', '/usr/bin/ph', False),
        ('START', '/USR/', '/usr/bin/php', False),
        ('START', 'bin', '/usr/bin/php', False),  # inside, not at the start
        ('END', '/php', '/usr/bin/php', True),
        ('END', '/usr/bin/php', '/usr/bin/php', True),
        ('END', '/usr/bin', '/usr/bin/php', False),
        ('END', 'PHP', '/usr/bin/php', False),
        ('NOT_USE', 'anything', 'other', True),
        ('NOT_USE', '', None, True),
        ('NOT_USE', None, None, True),
        ('BOGUS', '/usr/bin/php', '/usr/bin/php', False),  # unknown never matches, even on equal values
        ('CONTAINS', 'bin', '/usr/bin/php', False),
        ('CONTAIN', 'bin', '/usr/bin/php', False),  # not documented: unknown, even with a value
        ('', '', '', False),
        (None, None, None, False),
    ],
)
def test_field_matches(condition, expected, actual, result):
    assert field_matches(condition, expected, actual) is result


@pytest.mark.parametrize(
    'condition, expected, actual, result',
    [
        # a None detection value is read as empty text
        ('EQUAL', 'php', None, False),
        ('START', 'php', None, False),
        ('END', 'php', None, False),
        ('NOT_USE', 'php', None, True),
    ],
)
def test_field_matches_none_values(condition, expected, actual, result):
    assert field_matches(condition, expected, actual) is result


# Regression, issue 14 item 4: a START/END/EQUAL value that is null or empty matched everything (an empty prefix is a
# prefix of every text), so one everyServer rule covered every detection. Such a condition is ambiguous: no match.
BLANKS = [None, '', ' ', '\t', ' \n ', '\u00a0', '\u3000']


@pytest.mark.parametrize('condition', ['EQUAL', 'START', 'END', 'CONTAIN'])
@pytest.mark.parametrize('blank', BLANKS)
@pytest.mark.parametrize('actual', [None, '', ' ', '/usr/bin/php'])
def test_a_comparing_condition_without_a_value_never_matches(condition, blank, actual):
    assert is_ambiguous(condition, blank) is True
    assert field_matches(condition, blank, actual) is False


@pytest.mark.parametrize(
    'condition, value, ambiguous',
    [
        ('NOT_USE', None, False),  # leaves the field out on purpose: no value is needed
        ('NOT_USE', '', False),
        ('EQUAL', 'php', False),
        ('START', ' php', False),  # a value with blanks around it is still a value
        ('END', 0, False),  # compared as text: '0'
        ('EQUAL', False, False),
        ('BOGUS', '', False),  # unknown: never matches anyway, but not a blank comparison we can name
        ('CONTAINS', None, False),
    ],
)
def test_what_is_not_ambiguous(condition, value, ambiguous):
    assert is_ambiguous(condition, value) is ambiguous


def test_field_matches_non_text_values_compare_as_text():
    assert field_matches('EQUAL', 123, '123') is True
    assert field_matches('START', 12, '123') is True
    assert field_matches('END', '23', 123) is True


# ---- condition_of ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'stored, expected',
    [
        ('EQUAL', 'EQUAL'),
        ('START', 'START'),
        ('END', 'END'),
        ('NOT_USE', 'NOT_USE'),
        ('equal', 'EQUAL'),
        (' start ', 'START'),
        (None, 'NOT_USE'),
        ('', 'NOT_USE'),
        ('SOMETHING', 'SOMETHING'),
    ],
)
def test_condition_of(stored, expected):
    assert condition_of({'process_name_condition': stored}, 'process_name') == expected


def test_condition_of_missing_key_is_not_use():
    assert condition_of({}, 'executor') == 'NOT_USE'


def test_missing_condition_means_field_not_compared():
    r = rule(process_name=('EQUAL', '/usr/bin/php'))
    del r['executor_condition']
    r['executor'] = 'somebody-else'  # a value without a condition is ignored
    assert conditions_match(r, DETECTION) is True
    assert compared_fields(r) == 1


def test_unknown_condition_defeats_the_rule():
    r = rule(process_name=('EQUAL', '/usr/bin/php'))
    r['executor_condition'] = 'REGEX'
    r['executor'] = '.*'
    assert conditions_match(r, DETECTION) is False
    assert covering_rules([r], DETECTION, None) == []
    assert compared_fields(r) == 2  # it is not NOT_USE, so it counts as compared


# ---- conditions_match: the six fields AND-ed ---------------------------------------------------


def test_all_not_use_matches_everything():
    r = rule()
    assert conditions_match(r, DETECTION) is True
    assert conditions_match(r, {}) is True


def test_every_field_agreeing_matches():
    r = rule(
        process_name=('EQUAL', '/usr/bin/php'),
        process_arg=('START', '-r '),
        executor=('EQUAL', 'www-data'),
        parent_process_name=('END', 'apache2'),
        parent_process_arg=('EQUAL', '-k start'),
        parent_executor=('START', 'ro'),
    )
    assert conditions_match(r, DETECTION) is True
    assert compared_fields(r) == 6


@pytest.mark.parametrize('failing', FIELDS)
def test_one_failing_field_defeats_the_rule(failing):
    good = {
        'process_name': ('EQUAL', '/usr/bin/php'),
        'process_arg': ('START', '-r '),
        'executor': ('EQUAL', 'www-data'),
        'parent_process_name': ('END', 'apache2'),
        'parent_process_arg': ('EQUAL', '-k start'),
        'parent_executor': ('START', 'ro'),
    }
    conditions = dict(good)
    condition = good[failing][0]
    conditions[failing] = (condition, 'zz-no-such-value')
    r = rule(**conditions)
    assert conditions_match(r, DETECTION) is False
    assert covering_rules([r], DETECTION, None) == []
    # and with that field alone switched off, the rule matches again
    conditions[failing] = ('NOT_USE', 'zz-no-such-value')
    assert conditions_match(rule(**conditions), DETECTION) is True


@pytest.mark.parametrize('field', FIELDS)
def test_each_field_is_read_from_its_own_key(field):
    # EQUAL on one field with the detection's own value matches; with another field's value it does not
    assert conditions_match(rule(**{field: ('EQUAL', DETECTION[field])}), DETECTION) is True
    other = [f for f in FIELDS if DETECTION[f] != DETECTION[field]][0]
    assert conditions_match(rule(**{field: ('EQUAL', DETECTION[other])}), DETECTION) is False


def test_rule_on_missing_detection_field():
    detection = dict(DETECTION, parent_executor=None)
    assert conditions_match(rule(parent_executor=('EQUAL', 'root')), detection) is False
    assert conditions_match(rule(parent_executor=('EQUAL', '')), detection) is False  # ambiguous, even on an empty field
    del detection['parent_executor']
    assert conditions_match(rule(parent_executor=('START', 'r')), detection) is False


# ---- target_matches ----------------------------------------------------------------------------


def test_server_target_by_instance_no():
    r = rule(target_type='server', target='12345678')
    assert target_matches(r, '12345678', None) is True
    assert target_matches(r, '12345678', '999') is True
    assert target_matches(r, '87654321', None) is False
    assert target_matches(r, None, None) is False


def test_server_target_instance_no_as_number():
    assert target_matches(rule(target_type='server', target='12345678'), 12345678, None) is True


def test_server_target_does_not_use_group():
    r = rule(target_type='server', target='555')
    assert target_matches(r, '12345678', '555') is False


def test_server_target_empty_never_matches():
    assert target_matches(rule(target_type='server', target=''), '', None) is False
    assert target_matches(rule(target_type='server', target=None), None, None) is False


def test_server_group_target_by_group_id():
    r = rule(target_type='serverGroup', target='1234567')
    assert target_matches(r, '12345678', '1234567') is True
    assert target_matches(r, '12345678', 1234567) is True
    assert target_matches(r, '12345678', '7654321') is False


def test_server_group_target_unknown_group_is_no_match():
    r = rule(target_type='serverGroup', target='1234567')
    assert target_matches(r, '12345678', None) is False
    # the group target is not an instance number
    assert target_matches(r, '1234567', None) is False


def test_server_group_target_empty_never_matches():
    assert target_matches(rule(target_type='serverGroup', target=''), '1', '') is False
    assert target_matches(rule(target_type='serverGroup', target=None), '1', None) is False


def test_every_server_target():
    r = rule(target_type='everyServer', target=None)
    assert target_matches(r, '12345678', None) is True
    assert target_matches(r, None, None) is True
    assert target_matches(r, '1', 'g') is True


@pytest.mark.parametrize('kind', ['EVERYSERVER', 'everyserver', 'group', 'all', '', None])
def test_unknown_target_type_never_matches(kind):
    r = rule(target_type=kind, target='12345678')
    assert target_matches(r, '12345678', '12345678') is False
    assert covering_rules([r], DETECTION, '12345678') == []


# ---- is_active ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'changes, active',
    [
        ({}, True),
        ({'disabled': None, 'is_deleted': None, 'deleted_time': None}, True),
        ({'disabled': True}, False),
        ({'is_deleted': True}, False),
        ({'deleted_time': 1722000000000}, False),
        ({'group_is_deleted': True}, True),  # still a live rule; the audit reports it separately
    ],
)
def test_is_active(changes, active):
    r = rule()
    r.update(changes)
    assert is_active(r) is active


def test_is_active_with_absent_keys():
    assert is_active({'excepted_rule_id': 'R'}) is True


@pytest.mark.parametrize('changes', [{'disabled': True}, {'is_deleted': True}, {'deleted_time': 1722000000000}])
def test_inactive_rules_cover_nothing(changes):
    r = rule(target_type='everyServer')
    r.update(changes)
    assert conditions_match(r, DETECTION) is True  # it would match...
    assert covering_rules([r], DETECTION, None) == []  # ...but silences nothing


# ---- covering_rules ----------------------------------------------------------------------------


def test_covering_rules_lists_ids_in_rule_order():
    rules = [
        rule('R1', 'server', '12345678', process_name=('EQUAL', '/usr/bin/php')),
        rule('R2', 'server', '99999999', process_name=('EQUAL', '/usr/bin/php')),  # other server
        rule('R3', 'serverGroup', '1234567', executor=('END', '-data')),
        rule('R4', 'serverGroup', '7654321', executor=('END', '-data')),  # other group
        rule('R5', 'everyServer', None, process_arg=('START', '-r')),
        rule('R6', 'everyServer', None, process_arg=('START', '-x')),  # conditions fail
    ]
    assert covering_rules(rules, DETECTION, '1234567') == ['R1', 'R3', 'R5']
    assert covering_rules(rules, DETECTION, None) == ['R1', 'R5']
    assert covering_rules(list(reversed(rules)), DETECTION, '1234567') == ['R5', 'R3', 'R1']


def test_covering_rules_ids_are_text():
    r = rule(rule_id=2024080714030700000003)
    assert covering_rules([r], DETECTION, None) == ['2024080714030700000003']


def test_covering_rules_empty():
    assert covering_rules([], DETECTION, None) == []


# ---- compared_fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    'conditions, count',
    [
        ({}, 0),
        ({'process_name': ('EQUAL', 'a')}, 1),
        ({'process_name': ('START', 'a'), 'parent_executor': ('END', 'b')}, 2),
        (dict((f, ('EQUAL', 'x')) for f in FIELDS), 6),
        ({'process_name': ('not_use', 'x')}, 0),  # lower-case NOT_USE is still NOT_USE
    ],
)
def test_compared_fields(conditions, count):
    assert compared_fields(rule(**conditions)) == count


def test_compared_fields_missing_conditions():
    assert compared_fields({}) == 0


def test_ambiguous_conditions_do_not_count_as_compared():
    # the service may read them as "any value": the overbroad check must rate the rule by that broadest reading
    r = rule(process_name=('EQUAL', '/usr/bin/php'), executor=('START', None), parent_process_arg=('END', ' '))
    assert compared_fields(r) == 1
    assert compared_fields(rule(process_name=('START', ''))) == 0


# ---- ambiguous_conditions ----------------------------------------------------------------------


def test_ambiguous_conditions_names_the_fields_sorted():
    r = rule(
        process_name=('START', None), executor=('EQUAL', ''), parent_executor=('END', '  '), process_arg=('EQUAL', 'x'), parent_process_name=('NOT_USE', '')
    )
    assert ambiguous_conditions(r) == ['executor', 'parent_executor', 'process_name']


@pytest.mark.parametrize('field', FIELDS)
def test_ambiguous_conditions_reads_each_field_and_its_condition(field):
    assert ambiguous_conditions(rule(**{field: ('start', None)})) == [field]  # lower-case conditions too
    assert ambiguous_conditions(rule(**{field: ('START', 'x')})) == []
    r = rule()
    del r[field]  # a value that is absent is null
    r[field + '_condition'] = 'END'
    assert ambiguous_conditions(r) == [field]


def test_ambiguous_conditions_none():
    assert ambiguous_conditions(rule()) == [] and ambiguous_conditions({}) == []
    assert ambiguous_conditions(rule(process_name=('EQUAL', '/usr/bin/php'))) == []


def test_an_ambiguous_rule_covers_nothing_even_with_every_other_field_agreeing():
    # the case: an everyServer rule whose only comparing condition is START with a null value
    everything = rule('R9', 'everyServer', None, process_name=('START', None))
    assert covering_rules([everything], DETECTION, None) == []
    assert covering_rules([everything], dict((f, '') for f in FIELDS), None) == []
    # with the value given it covers what it says
    assert covering_rules([rule('R9', process_name=('START', '/usr/'))], DETECTION, None) == ['R9']


# ---- rule_summary ------------------------------------------------------------------------------


def test_rule_summary_shape():
    r = rule('2024080714030700000003', 'serverGroup', '1234567', process_name=('START', '/usr/bin/php'))
    r.update(
        excepted_rule_name='allow-php-cli', except_target_name='web-prd-group', created_time_iso='2024-08-07T14:03:07.000Z', memo='a note', member_no='26***90'
    )
    assert rule_summary(r) == {
        'rule_id': '2024080714030700000003',
        'name': 'allow-php-cli',
        'target_type': 'serverGroup',
        'target': '1234567',
        'target_name': 'web-prd-group',
        'active': True,
        'disabled': False,
        'group_is_deleted': False,
        'compared_fields': 1,
        'conditions': {
            'process_name': {'condition': 'START', 'value': '/usr/bin/php'},
            'process_arg': {'condition': 'NOT_USE', 'value': ''},
            'executor': {'condition': 'NOT_USE', 'value': ''},
            'parent_process_name': {'condition': 'NOT_USE', 'value': ''},
            'parent_process_arg': {'condition': 'NOT_USE', 'value': ''},
            'parent_executor': {'condition': 'NOT_USE', 'value': ''},
        },
        'created_time_iso': '2024-08-07T14:03:07.000Z',
        'action_name': None,
    }


def test_rule_summary_of_sparse_rule_has_all_six_conditions():
    summary = rule_summary({'excepted_rule_id': 'R9', 'disabled': True, 'group_is_deleted': True, 'executor': None, 'executor_condition': 'equal'})
    assert sorted(summary['conditions']) == sorted(FIELDS)
    assert summary['conditions']['executor'] == {'condition': 'EQUAL', 'value': ''}
    assert summary['conditions']['process_name'] == {'condition': 'NOT_USE', 'value': ''}
    assert summary['active'] is False and summary['disabled'] is True and summary['group_is_deleted'] is True
    assert summary['compared_fields'] == 0  # EQUAL with a null value is ambiguous: it compares nothing definite
    assert summary['name'] is None and summary['target_type'] is None and summary['created_time_iso'] is None


def test_rule_summary_deleted_rule_is_inactive_but_not_disabled():
    summary = rule_summary(dict(rule('R'), is_deleted=True))
    assert summary['active'] is False and summary['disabled'] is False


# ---- property: covering_rules agrees with a plain reference ------------------------------------


def reference_covering(rules, detection, group_id):
    """Straight from the API notes (shared/wbd-api.md 5.1), written independently of the module."""
    found = []
    for r in rules:
        if r.get('disabled') or r.get('is_deleted') or r.get('deleted_time'):
            continue
        kind = r.get('except_target_type')
        target = r.get('except_target')
        if kind == 'everyServer':
            on_target = True
        elif kind == 'server':
            on_target = bool(target) and target == detection.get('instance_no')
        elif kind == 'serverGroup':
            on_target = bool(target) and group_id is not None and target == group_id
        else:
            on_target = False
        if not on_target:
            continue
        ok = True
        for field in FIELDS:
            condition = (r.get(field + '_condition') or 'NOT_USE').strip().upper()
            want = r.get(field) or ''
            have = detection.get(field) or ''
            if condition == 'NOT_USE':
                continue
            if condition in ('EQUAL', 'START', 'END', 'CONTAIN') and (want == '' or want.isspace()):
                ok = False  # ambiguous (issue 14)
            elif condition == 'EQUAL':
                ok = have == want
            elif condition == 'START':
                ok = have[: len(want)] == want
            elif condition == 'END':
                ok = len(have) >= len(want) and have[len(have) - len(want) :] == want
            else:
                ok = False
            if not ok:
                break
        if ok:
            found.append(r.get('excepted_rule_id'))
    return found


# a tiny alphabet so that equal, prefix and suffix relations happen often
TEXT = st.one_of(st.none(), st.text(alphabet='aAb/', max_size=3), st.sampled_from([' ', '\t']))
IDS = st.sampled_from(['1', '2', '3'])
CONDITION = st.sampled_from(['EQUAL', 'START', 'END', 'NOT_USE', 'not_use', 'equal', 'BOGUS', 'CONTAIN', None, ''])


@st.composite
def rules_strategy(draw):
    out = []
    for n in range(draw(st.integers(min_value=0, max_value=4))):
        r = {
            'excepted_rule_id': 'R%d' % n,
            'except_target_type': draw(st.sampled_from(['server', 'serverGroup', 'everyServer', 'other', None])),
            'except_target': draw(st.one_of(st.none(), st.just(''), IDS)),
            'disabled': draw(st.sampled_from([False, True, None])),
            'is_deleted': draw(st.sampled_from([False, True, None])),
            'deleted_time': draw(st.sampled_from([None, None, 1722000000000])),
        }
        for field in FIELDS:
            r[field] = draw(TEXT)
            r[field + '_condition'] = draw(CONDITION)
        out.append(r)
    return out


@st.composite
def detection_strategy(draw):
    detection = {'instance_no': draw(st.one_of(st.none(), IDS))}
    for field in FIELDS:
        detection[field] = draw(TEXT)
    return detection


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy(), detection=detection_strategy(), group_id=st.one_of(st.none(), IDS))
def test_covering_rules_agrees_with_reference(rules, detection, group_id):
    assert covering_rules(rules, detection, group_id) == reference_covering(rules, detection, group_id)
