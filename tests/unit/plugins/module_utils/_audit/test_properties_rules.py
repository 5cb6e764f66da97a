# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the exception-rule evaluator (audit_rules) and of its use by the audit (audit_evaluate).

A plain reference written here from the API notes (shared/wbd-api.md 5.1) decides what a rule covers: six fields
AND-ed, EQUAL exact, START prefix, END suffix, NOT_USE (or no condition) ignored, anything else never matches,
all case-sensitive; a comparing condition (EQUAL, START, END, CONTAIN) whose value is null, empty or only blanks is
ambiguous and never matches (issue 14); targets everyServer, server (instance number) and serverGroup (group ID, unknown: no match),
compared as text; disabled and deleted rules cover nothing. Conditions are read case- and blank-insensitively,
which test_audit_rules.py pins by hand. The module's helpers are checked one by one and as a whole, then inside
a whole audit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._audit import rules as audit_rules
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import evaluate
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import ANY_CHAR, examples
from hypothesis import given
from hypothesis import strategies as st

FIELDS = ('process_name', 'process_arg', 'executor', 'parent_process_name', 'parent_process_arg', 'parent_executor')
DAY = 86400000
NOW = 1795253400000


# ---- the reference --------------------------------------------------------------------------------


def as_text(value):
    return '' if value is None else str(value)


def ref_condition(rule, field):
    condition = rule.get(field + '_condition')
    return as_text(condition).strip().upper() if condition else 'NOT_USE'


def ref_ambiguous(condition, want):
    text = as_text(want)
    return condition in ('EQUAL', 'START', 'END', 'CONTAIN') and (text == '' or text.isspace())


def ref_compared(rule):
    return sum(1 for f in FIELDS if ref_condition(rule, f) != 'NOT_USE' and not ref_ambiguous(ref_condition(rule, f), rule.get(f)))


def ref_field(condition, want, have):
    if condition == 'NOT_USE':
        return True
    if ref_ambiguous(condition, want):
        return False
    want, have = as_text(want), as_text(have)
    if condition == 'EQUAL':
        return have == want
    if condition == 'START':
        return have[: len(want)] == want
    if condition == 'END':
        return len(have) >= len(want) and have[len(have) - len(want) :] == want
    return False


def ref_conditions(rule, detection):
    return all(ref_field(ref_condition(rule, f), rule.get(f), detection.get(f)) for f in FIELDS)


def ref_active(rule):
    return not (rule.get('disabled') or rule.get('is_deleted') or rule.get('deleted_time'))


def ref_target(rule, instance_no, group_id):
    kind, target = rule.get('except_target_type'), as_text(rule.get('except_target'))
    if kind == 'everyServer':
        return True
    if kind == 'server':
        return target != '' and target == as_text(instance_no)
    if kind == 'serverGroup':
        return target != '' and group_id is not None and target == as_text(group_id)
    return False


def ref_covering(rules, detection, group_id):
    return [
        as_text(r.get('excepted_rule_id'))
        for r in rules
        if ref_active(r) and ref_target(r, detection.get('instance_no'), group_id) and ref_conditions(r, detection)
    ]


# ---- strategies -----------------------------------------------------------------------------------

# Values over a tiny alphabet make EQUAL / prefix / suffix relations frequent: every string over 'ab/' up to three
# characters, a few case, blank and Unicode look-alikes (case-sensitive, no trimming, no normalisation), numbers
# (compared as text), None (empty) and Ellipsis (the key is absent); one value in ten is any text at all.
# Few, flat choices: a draw costs Hypothesis about as much as the evaluation, so thousands of examples stay quick.
TINY = sorted(set(a + b + c for a in ['', 'a', 'b', '/'] for b in ['', 'a', 'b', '/'] for c in ['', 'a', 'b', '/']))
ODD = [
    'A',
    'aA',
    ' a',
    'a ',
    '\u00df',
    'SS',
    '\u017f',
    's',
    'e\u0301',
    '\u00e9',
    '\ud800',
    '\x00',
    '12',
    None,
    None,
    0,
    1,
    12,
    ' ',
    '\t\n',
    '\u00a0',
    '\u2003',
    '\u200b',
]  # blanks (ambiguous values) and a zero-width space, which is not blank
VALUES = st.one_of([st.sampled_from(TINY + ODD)] * 9 + [st.text(ANY_CHAR, max_size=6)])
VALUES_OR_ABSENT = st.one_of([st.sampled_from(TINY + ODD + [Ellipsis] * 6)] * 9 + [st.text(ANY_CHAR, max_size=6)])
CONDITIONS = st.sampled_from(
    ['EQUAL', 'START', 'END', 'NOT_USE'] * 6
    + [
        'equal',
        'Start',
        ' end ',
        'not_use',
        '\tEQUAL\n',
        'NOT USE',
        'CONTAINS',
        'CONTAIN',
        'contain',
        'REGEX',
        'EQUALS',
        '',
        ' ',
        None,
        0,
        False,
        '\u017ftart',
        'EQUAL\u00a0',
    ]
)
# A field's condition: half of them leave the field out (NOT_USE, spelled some way, or no condition at all), so that
# rules match often enough for the rest to matter; a few are unknown (never match).
CONDITIONS_OR_ABSENT = st.sampled_from(
    ['EQUAL', 'START', 'END'] * 4
    + ['equal', 'Start', ' end ', '\u017ftart', 'EQUAL\u00a0']
    + ['NOT USE', 'CONTAINS', 'CONTAIN', 'REGEX']
    + ['NOT_USE'] * 6
    + ['not_use', '', None, 0, False]
    + [Ellipsis] * 6
)
IDS = st.sampled_from(['1', '2', '3', ' 1', '01', 1, 2, 3])
MAYBE_ID = st.sampled_from([None, '', '1', '2', '3', ' 1', '01', 1, 2, 3])
TARGET_TYPES = st.sampled_from(['server', 'serverGroup', 'everyServer', 'server', 'serverGroup', 'everyServer', 'EVERYSERVER', 'group', '', None])
FLAGS = st.sampled_from([False, False, False, None, True, 0, 1, '', 'yes'])
DELETED_TIMES = st.sampled_from([None, None, None, 0, 1722000000000, ''])
RULE_IDS = st.one_of(st.sampled_from(['R%d' % n for n in range(8)]), st.integers(10**21, 10**22))
DETECTIONS = st.builds(
    lambda instance, values: dict([('instance_no', instance)] + [(f, v) for f, v in zip(FIELDS, values) if v is not Ellipsis]),
    MAYBE_ID,
    st.tuples(*[VALUES_OR_ABSENT for dummy in FIELDS]),
)
GROUPS = MAYBE_ID
# Rules are mostly written from a detection: each value is the detection's own, a prefix or a suffix of it (so that
# EQUAL, START and END hold often), another value, or absent.
RELATIONS = st.sampled_from(['same', 'same', 'prefix', 'suffix', 'other', 'absent'])
RULE_HEADS = st.tuples(RULE_IDS, TARGET_TYPES, MAYBE_ID, FLAGS, FLAGS, DELETED_TIMES)
RULE_FIELD_SPECS = st.tuples(*[st.tuples(CONDITIONS_OR_ABSENT, RELATIONS, st.integers(0, 4), VALUES) for dummy in FIELDS])
RULE_SPECS = st.lists(st.tuples(RULE_HEADS, RULE_FIELD_SPECS, st.integers(0, 99)), max_size=5)


def rule_from(head, specs, detection):
    """A rule from its head (ID, target, flags) and, per field, (condition, relation to the detection, cut, other)."""
    rule_id, kind, target, disabled, deleted, deleted_time = head
    rule = dict(excepted_rule_id=rule_id, except_target_type=kind, except_target=target, disabled=disabled, is_deleted=deleted, deleted_time=deleted_time)
    for field, (condition, relation, cut, other) in zip(FIELDS, specs):
        have = as_text(detection.get(field))
        value = {
            'same': detection.get(field, Ellipsis),
            'prefix': have[:cut],
            'suffix': have[len(have) - cut :] if cut else '',
            'other': other,
            'absent': Ellipsis,
        }[relation]
        if value is not Ellipsis:
            rule[field] = value
        if condition is not Ellipsis:
            rule[field + '_condition'] = condition
    return rule


def rules_for(specs, detections):
    """Rules, each written from one of the detections (or from nothing when there is none)."""
    return [rule_from(head, fields, detections[pick % len(detections)] if detections else {}) for head, fields, pick in specs]


CASES = st.builds(lambda detection, specs, group_id: (rules_for(specs, [detection]), detection, group_id), DETECTIONS, RULE_SPECS, GROUPS)
ONE_RULE_CASES = st.builds(
    lambda detection, head, fields, group_id: (rule_from(head, fields, detection), detection, group_id), DETECTIONS, RULE_HEADS, RULE_FIELD_SPECS, GROUPS
)


# ---- audit_rules --------------------------------------------------------------------------------------


@examples(2000)
@given(case=CASES)
def test_covering_rules_agrees_with_the_reference(case):
    rules, detection, group_id = case
    assert audit_rules.covering_rules(rules, detection, group_id) == ref_covering(rules, detection, group_id)
    for rule in rules:
        # each part on its own, so a disagreement names the part
        assert audit_rules.is_active(rule) == ref_active(rule), rule
        assert audit_rules.target_matches(rule, detection.get('instance_no'), group_id) == ref_target(rule, detection.get('instance_no'), group_id), rule
        assert audit_rules.conditions_match(rule, detection) == ref_conditions(rule, detection), (rule, detection)
        for field in FIELDS:
            assert audit_rules.condition_of(rule, field) == ref_condition(rule, field)
        assert audit_rules.compared_fields(rule) == ref_compared(rule)
        assert audit_rules.ambiguous_conditions(rule) == sorted(f for f in FIELDS if ref_ambiguous(ref_condition(rule, f), rule.get(f)))
        if audit_rules.ambiguous_conditions(rule):
            assert not audit_rules.covering_rules([rule], detection, group_id)  # an ambiguous rule never covers
        # a rule covers a detection on its own exactly when it is listed with the others (order kept, no interplay)
        assert audit_rules.covering_rules([rule], detection, group_id) == ref_covering([rule], detection, group_id)


@examples(2000)
@given(condition=CONDITIONS, want=VALUES, have=VALUES)
def test_one_condition_agrees_with_the_reference(condition, want, have):
    normalised = ref_condition({'x_condition': condition}, 'x')
    assert audit_rules.field_matches(normalised, want, have) is ref_field(normalised, want, have)
    # the three comparing conditions nest: EQUAL implies START and END
    if audit_rules.field_matches('EQUAL', want, have):
        assert audit_rules.field_matches('START', want, have) and audit_rules.field_matches('END', want, have)


@examples(1000)
@given(case=ONE_RULE_CASES, field=st.sampled_from(FIELDS), other=VALUES)
def test_a_field_the_rule_does_not_compare_never_matters(case, field, other):
    rule, detection, group_id = case
    # metamorphic: change a field the rule leaves out, or switch a field off: coverage follows the reference
    if ref_condition(rule, field) == 'NOT_USE':
        changed = dict(detection, **{field: other})
        assert audit_rules.covering_rules([rule], changed, group_id) == audit_rules.covering_rules([rule], detection, group_id)
    switched_off = dict(rule, **{field + '_condition': 'NOT_USE'})
    if audit_rules.covering_rules([rule], detection, group_id):
        assert audit_rules.covering_rules([switched_off], detection, group_id) == audit_rules.covering_rules([rule], detection, group_id)
    # a rule that compares nothing covers every detection on its target while active
    blanket = dict(rule, **dict((f + '_condition', 'NOT_USE') for f in FIELDS))
    expected = ref_active(rule) and ref_target(rule, detection.get('instance_no'), group_id)
    assert bool(audit_rules.covering_rules([blanket], detection, group_id)) == expected


@examples(600)
@given(case=ONE_RULE_CASES)
def test_rule_summary_describes_the_rule(case):
    rule = case[0]
    summary = audit_rules.rule_summary(rule)
    assert summary['rule_id'] == as_text(rule['excepted_rule_id'])
    assert summary['active'] == ref_active(rule) and summary['disabled'] == bool(rule.get('disabled'))
    assert sorted(summary['conditions']) == sorted(FIELDS)
    for field in FIELDS:
        assert summary['conditions'][field] == {'condition': ref_condition(rule, field), 'value': as_text(rule.get(field))}
    assert summary['compared_fields'] == sum(
        1
        for f in FIELDS
        if summary['conditions'][f]['condition'] != 'NOT_USE' and not ref_ambiguous(summary['conditions'][f]['condition'], summary['conditions'][f]['value'])
    )


# ---- inside the audit -----------------------------------------------------------------------------

INSTANCES = ['1001', '1002', '1003', '1004', '1005']
HOSTS = [{'name': 'host-%d' % n, 'instance_no': instance} for n, instance in enumerate(INSTANCES[:4])]


TARGETS = st.lists(
    st.tuples(st.sampled_from(INSTANCES), st.sampled_from(['enable', 'disable']), st.sampled_from([None, '1', '2', 3])), unique_by=lambda t: t[0]
)
AUDIT_DETECTIONS = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(INSTANCES), st.none()),
        st.tuples(*[VALUES for dummy in FIELDS]),
        st.one_of(st.integers(0, 10 * DAY), st.none()),
        st.sampled_from(['blank', 'confirmed', None]),
        st.lists(st.integers(0, 100), max_size=2),
    ),
    max_size=10,
)
EXCEPTED = st.one_of(st.none(), st.lists(DETECTIONS.map(lambda d: dict(d, detect_time=NOW - DAY)), max_size=4))


def audit_case(targets, detections, rules, excepted, min_weight):
    """Targets for some instances (each in a group, or none), detections on any instance, some outside the window."""
    targets = [{'instance_no': i, 'server_name': 'srv-%s' % i, 'agent_status': agent, 'server_group_id': group} for i, agent, group in targets]
    detections = [
        dict(
            zip(FIELDS, values),
            detection_id='D%03d' % n,
            instance_no=instance,
            action_status=status,
            detect_time=None if age is None else NOW - age,
            server_name=None,
            suspicion_files=[{'file_origin_name': '/f%d' % k, 'weight': w} for k, w in enumerate(weights)],
        )
        for n, (instance, values, age, status, weights) in enumerate(detections)
    ]
    return targets, detections, rules_for(rules, detections), excepted, min_weight


AUDITS = st.builds(audit_case, TARGETS, AUDIT_DETECTIONS, RULE_SPECS, EXCEPTED, st.integers(0, 60))


@examples(500)
@given(case=AUDITS)
def test_the_audit_applies_the_rules_like_the_reference(case):
    targets, detections, rules, excepted, min_weight = case
    record = evaluate(HOSTS, targets, detections, rules, excepted=excepted, policy={'min_weight': min_weight}, now_ms=NOW)
    group_of = dict((t['instance_no'], t['server_group_id']) for t in targets)
    placed = [(name, d) for name, host in record['hosts'].items() for d in host['detections']]
    placed += [(None, d) for d in record['unmatched_detections']]
    # every detection in the window is in the record exactly once; the others are not
    in_window = [d for d in detections if d['detect_time'] is None or d['detect_time'] >= NOW - 7 * DAY]
    assert sorted(d['detection_id'] for dummy, d in placed) == sorted(d['detection_id'] for d in in_window)
    raw = dict((d['detection_id'], d) for d in detections)
    covers = {}
    for host, d in placed:
        source = raw[d['detection_id']]
        expected = ref_covering(rules, source, group_of.get(source['instance_no']))
        assert d['covered_by'] == expected, (source, rules)
        for rule_id in expected:
            covers.setdefault(rule_id, []).append(d['detection_id'])
        heaviest = max([f['weight'] for f in source['suspicion_files']] or [0])
        assert d['unreviewed'] == (host is not None and source['action_status'] != 'confirmed' and not expected and heaviest >= min_weight)
    # per rule: the detections it covers, and how many excepted detections it accounts for
    assert [r['rule_id'] for r in record['exception_rules']] == [as_text(r['excepted_rule_id']) for r in rules]
    for summary in record['exception_rules']:
        assert sorted(summary['covers']) == sorted(covers.get(summary['rule_id'], []))
        if excepted is None:
            assert summary['hides'] is None
        else:
            assert summary['hides'] == sum(1 for d in excepted if summary['rule_id'] in ref_covering(rules, d, group_of.get(d.get('instance_no'))))
    # the counts agree with the lists
    summary = record['summary']
    assert summary['covered_detections'] == sum(1 for dummy, d in placed if d['covered_by'])
    assert summary['unreviewed_detections'] == sum(1 for dummy, d in placed if d['unreviewed'])
    assert summary['active_exception_rules'] == sum(1 for r in rules if ref_active(r))
    for host in record['hosts'].values():
        assert host['status'] in ('unprotected', 'unreviewed', 'unknown', 'compliant')
        if host['status'] == 'compliant':
            assert not any(d['unreviewed'] for d in host['detections'])
