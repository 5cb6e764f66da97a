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
    """IDs of the active rules that cover a detection on a server of group ``group_id`` (None: unknown), in the
    rules' order. ``rules``: rule records, or a RuleSet made of them once for many detections."""
    return (rules if isinstance(rules, RuleSet) else RuleSet(rules)).covering(detection, group_id)


_COMPARE = {'EQUAL': str.__eq__, 'START': str.startswith, 'END': str.endswith}


def _compiled(position, rule):
    """(position, ID, compared fields as (field, test, value)) of a rule that can cover anything; None otherwise
    (inactive, or a condition that never matches: unknown or ambiguous)."""
    if not is_active(rule):
        return None
    checks = []
    for field in RULE_FIELDS:
        condition = condition_of(rule, field)
        if condition == 'NOT_USE':
            continue
        if condition not in _COMPARE or is_ambiguous(condition, rule.get(field)):
            return None
        checks.append((field, _COMPARE[condition], _text(rule.get(field))))
    return position, _text(rule.get('excepted_rule_id')), tuple(checks)


class RuleSet(object):
    """The rules compiled once and indexed by target, so each detection is tested only against the rules whose
    target can include its server; the same answers as target_matches and conditions_match rule by rule."""

    def __init__(self, rules):
        self.every, self.by_server, self.by_group = [], {}, {}
        for position, rule in enumerate(rules):
            compiled = _compiled(position, rule)
            kind, target = rule.get('except_target_type'), _text(rule.get('except_target'))
            if compiled is None or (kind != 'everyServer' and not target):
                continue
            if kind == 'everyServer':
                self.every.append(compiled)
            elif kind == 'server':
                self.by_server.setdefault(target, []).append(compiled)
            elif kind == 'serverGroup':
                self.by_group.setdefault(target, []).append(compiled)

    def candidates(self, instance_no, group_id):
        """The compiled rules whose target includes the server, in the rules' order."""
        found = self.every + self.by_server.get(_text(instance_no), [])
        if group_id is not None:
            found = found + self.by_group.get(_text(group_id), [])
        return sorted(found) if len(found) > 1 and (self.by_server or self.by_group) else found

    def covering(self, detection, group_id):
        out = []
        for dummy, rule_id, checks in self.candidates(detection.get('instance_no'), group_id):
            for field, test, expected in checks:
                actual = detection.get(field)
                if not test(actual if actual.__class__ is str else _text(actual), expected):
                    break
            else:
                out.append(rule_id)
        return out


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
        'action_name': rule.get('action_name'),
    }
