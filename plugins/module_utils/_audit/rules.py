# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception rules evaluated locally, the way the WBD service applies them.

A rule compares six process fields of a detection, each with its own condition, and
all compared fields must agree (AND). ``NOT_USE`` leaves a field out, so a rule with
six ``NOT_USE`` conditions matches every behaviour on its target. Doing this locally
lets the audit say *which* rule covers *which* detection. Pure: records in, answers out.

A comparing condition (START, END, EQUAL, or CONTAIN, which the docs do not list) with a null or blank value is
*ambiguous*: a server may read it as "match anything" (an empty prefix is a prefix of everything) or as "match
nothing". Such a condition never matches here, so the rule never makes a detection covered on our word, and
``ambiguous_conditions`` names it so the audit can say why.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The compared fields, in the order of the API documents (our snake_case names).
RULE_FIELDS = ('process_name', 'process_arg', 'executor', 'parent_process_name', 'parent_process_arg', 'parent_executor')
CONDITIONS = ('EQUAL', 'START', 'END', 'NOT_USE')
# Conditions that compare a value, and so mean nothing definite without one (CONTAIN is not documented, but
# with an empty value it would match everything too).
VALUE_CONDITIONS = ('EQUAL', 'START', 'END', 'CONTAIN')
TARGET_TYPES = ('server', 'serverGroup', 'everyServer')


def _text(value):
    return '' if value is None else '%s' % (value,)


def condition_of(rule, field):
    """The rule's condition for a field, upper-cased; a missing condition means the field is not compared."""
    return _text(rule.get(field + '_condition') or 'NOT_USE').strip().upper()


def is_ambiguous(condition, expected):
    """A comparing condition whose value is null, empty or only whitespace (see the module docs)."""
    return condition in VALUE_CONDITIONS and not _text(expected).strip()


def field_matches(condition, expected, actual):
    """One condition: EQUAL exact, START prefix, END suffix, NOT_USE always; case-sensitive like the service.

    An unknown or ambiguous condition never matches: the audit must not claim a detection is covered when it
    cannot tell.
    """
    if condition == 'NOT_USE':
        return True
    if is_ambiguous(condition, expected):
        return False
    expected, actual = _text(expected), _text(actual)
    if condition == 'EQUAL':
        return actual == expected
    if condition == 'START':
        return actual.startswith(expected)
    if condition == 'END':
        return actual.endswith(expected)
    return False


def conditions_match(rule, detection):
    """All six conditions of the rule agree with the detection."""
    return all(field_matches(condition_of(rule, f), rule.get(f), detection.get(f)) for f in RULE_FIELDS)


def compared_fields(rule):
    """How many of the six fields the rule really compares: conditions other than NOT_USE, less the ambiguous ones.

    An ambiguous condition may compare nothing on the service, so it does not narrow the rule: the overbroad-rule
    check rates a rule by its broadest reading.
    """
    return sum(1 for f in RULE_FIELDS if condition_of(rule, f) != 'NOT_USE' and not is_ambiguous(condition_of(rule, f), rule.get(f)))


def ambiguous_conditions(rule):
    """The fields (our names, sorted) whose condition is ambiguous; [] when none is."""
    return sorted(f for f in RULE_FIELDS if is_ambiguous(condition_of(rule, f), rule.get(f)))


def is_active(rule):
    """Disabled and deleted rules silence nothing."""
    return not rule.get('disabled') and not rule.get('is_deleted') and not rule.get('deleted_time')


def target_matches(rule, instance_no, group_id):
    """Whether the rule's target includes a server (its instance number and its server group ID, if known)."""
    kind = rule.get('except_target_type')
    target = _text(rule.get('except_target'))
    if kind == 'everyServer':
        return True
    if kind == 'server':
        return bool(target) and target == _text(instance_no)
    if kind == 'serverGroup':
        return bool(target) and group_id is not None and target == _text(group_id)
    return False


def covering_rules(rules, detection, group_id):
    """IDs of the active rules that cover a detection on a server of group ``group_id`` (None: unknown)."""
    return [
        _text(r.get('excepted_rule_id'))
        for r in rules
        if is_active(r) and target_matches(r, detection.get('instance_no'), group_id) and conditions_match(r, detection)
    ]


def rule_summary(rule):
    """The rule as the audit record shows it (docs/docsite/rst/guide_record_schema.rst)."""
    return {
        'rule_id': _text(rule.get('excepted_rule_id')),
        'name': rule.get('excepted_rule_name'),
        'target_type': rule.get('except_target_type'),
        'target': rule.get('except_target'),
        'target_name': rule.get('except_target_name'),
        'active': is_active(rule),
        'disabled': bool(rule.get('disabled')),
        'group_is_deleted': bool(rule.get('group_is_deleted')),
        'compared_fields': compared_fields(rule),
        'conditions': dict((f, {'condition': condition_of(rule, f), 'value': _text(rule.get(f))}) for f in RULE_FIELDS),
        'created_time_iso': rule.get('created_time_iso'),
    }
