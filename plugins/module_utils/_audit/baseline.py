# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exception-rule baseline: the rules a team approved, and the audit's findings against it.

An exception rule silences detections, so a rule nobody approved is a hole an attacker (or a hurried operator) can
open in the console. The baseline is a reviewed YAML file (``webshell_audit_rule_baseline``); the audit holds the live
rules to it: a rule it does not approve (high), an approved rule that is gone (medium), a rule whose target or
conditions changed from the approved form (high). Pure: the parsed file and the rule records in, findings out.

File (``playbooks/rule_baseline.yml`` writes one from the current rules)::

    rules:
      - rule_id: '2024072323595700000436'       # by ID; with target_type or conditions the form is checked too
        name: php-fpm workers
        target_type: server                     # server, serverGroup or everyServer
        target: '25000097'                      # the instance number or group ID; omitted for everyServer
        conditions:                             # the compared fields; a field not listed is NOT_USE
          process_name: {condition: EQUAL, value: php-fpm}
      - name: cron jobs                         # by name + target + conditions (no ID): survives re-creation
        target_type: everyServer
        conditions:
          parent_process_name: {condition: EQUAL, value: /usr/sbin/cron}
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.rules import CONDITIONS, RULE_FIELDS, TARGET_TYPES, condition_of

ENTRY_KEYS = ('rule_id', 'name', 'target_type', 'target', 'conditions')
FORM_KEYS = ('target_type', 'target', 'conditions')


class BaselineError(ValueError):
    """The baseline file cannot be used; the message is one line naming the file and the entry."""


def _text(value):
    return '' if value is None else '%s' % (value,)


def _conditions(raw, where):
    """{field: (CONDITION, value)} of the compared fields of an entry's ``conditions``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BaselineError('%s.conditions must be a mapping of field to {condition, value}' % where)
    out = {}
    for field, spec in raw.items():
        if field not in RULE_FIELDS:
            raise BaselineError('%s.conditions: unknown field %r (one of %s)' % (where, field, ', '.join(RULE_FIELDS)))
        spec = spec if isinstance(spec, dict) else {}
        condition = _text(spec.get('condition')).strip().upper()
        if condition not in CONDITIONS:
            raise BaselineError('%s.conditions.%s.condition must be one of %s' % (where, field, ', '.join(CONDITIONS)))
        if condition != 'NOT_USE':
            out[field] = (condition, _text(spec.get('value')))
    return out


def _entry(raw, where):
    """One approved rule, checked: {'rule_id', 'name', 'form' (None when approved by ID alone)}."""
    if not isinstance(raw, dict):
        raise BaselineError('%s must be a mapping' % where)
    unknown = sorted(set(raw) - set(ENTRY_KEYS))
    if unknown:
        raise BaselineError('%s: unknown key %r (allowed: %s)' % (where, unknown[0], ', '.join(ENTRY_KEYS)))
    rule_id, name = _text(raw.get('rule_id')).strip(), raw.get('name')
    has_form = any(k in raw for k in FORM_KEYS)
    if not rule_id and (name is None or not has_form):
        raise BaselineError('%s needs a rule_id, or a name with target_type and conditions' % where)
    form = None
    if has_form:
        kind = raw.get('target_type')
        if kind not in TARGET_TYPES:
            raise BaselineError('%s.target_type must be one of %s, got %r' % (where, ', '.join(TARGET_TYPES), kind))
        target = '' if kind == 'everyServer' else _text(raw.get('target')).strip()
        if kind != 'everyServer' and not target:
            raise BaselineError('%s.target is required for target_type %s' % (where, kind))
        form = (kind, target, _conditions(raw.get('conditions'), where))
    return {'rule_id': rule_id or None, 'name': None if name is None else _text(name), 'form': form}


def check_baseline(data, path):
    """The approved rules of a parsed baseline file; BaselineError (one line, naming ``path``) for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get('rules'), list):
        raise BaselineError('rule baseline %s must be a mapping with a rules list' % path)
    unknown = sorted(k for k in data if k not in ('rules', 'comment'))
    if unknown:
        raise BaselineError('rule baseline %s: unknown top-level key %r' % (path, unknown[0]))
    entries, seen = [], set()
    for number, raw in enumerate(data['rules']):
        entry = _entry(raw, 'rule baseline %s: rules[%d]' % (path, number))
        if entry['rule_id'] and entry['rule_id'] in seen:
            raise BaselineError('rule baseline %s: rules[%d] approves rule_id %s a second time' % (path, number, entry['rule_id']))
        seen.add(entry['rule_id'])
        entries.append(entry)
    return entries


def rule_form(rule):
    """(target type, target, {field: (CONDITION, value)}) of a rule record (API fields, snake_case)."""
    kind = rule.get('except_target_type')
    target = '' if kind == 'everyServer' else _text(rule.get('except_target')).strip()
    conditions = dict((f, (condition_of(rule, f), _text(rule.get(f)))) for f in RULE_FIELDS if condition_of(rule, f) != 'NOT_USE')
    return kind, target, conditions


def _show(condition):
    return "%s '%s'" % condition if condition else 'NOT_USE'


def differences(form, approved):
    """What differs between a rule's form and its approved one, as text; '' when nothing does."""
    out = []
    if form[:2] != approved[:2]:
        out.append("target %s '%s' (approved: %s '%s')" % (form[0], form[1], approved[0], approved[1]))
    for field in RULE_FIELDS:
        now, then = form[2].get(field), approved[2].get(field)
        if now != then:
            out.append('%s %s (approved: %s)' % (field, _show(now), _show(then)))
    return '; '.join(out)


def compare(rules, entries):
    """[(kind, severity, rule or None, entry or None, detail)] for the live ``rules`` against the approved ``entries``."""
    by_id = dict((_text(r.get('excepted_rule_id')), r) for r in rules)
    claimed, out = set(), []
    for entry in (e for e in entries if e['rule_id']):
        rule = by_id.get(entry['rule_id'])
        if rule is None:
            out.append(('baseline_rule_missing', 'medium', None, entry, ''))
            continue
        claimed.add(entry['rule_id'])
        diff = differences(rule_form(rule), entry['form']) if entry['form'] else ''
        if diff:
            out.append(('rule_differs_from_baseline', 'high', rule, entry, diff))
    for entry in (e for e in entries if not e['rule_id']):
        same_name = [r for r in rules if _text(r.get('excepted_rule_id')) not in claimed and _text(r.get('excepted_rule_name')) == entry['name']]
        exact = [r for r in same_name if rule_form(r) == entry['form']]
        if not same_name:
            out.append(('baseline_rule_missing', 'medium', None, entry, ''))
        # With an exact match, the others of that name are not approved by this entry (rule_not_in_baseline below).
        for rule in same_name if not exact else []:
            out.append(('rule_differs_from_baseline', 'high', rule, entry, differences(rule_form(rule), entry['form'])))
        claimed.update(_text(r.get('excepted_rule_id')) for r in exact or same_name)
    out.extend(('rule_not_in_baseline', 'high', r, None, '') for r in rules if _text(r.get('excepted_rule_id')) not in claimed)
    return out


def baseline_entry(rule):
    """The approved form of a rule record, as the baseline file keeps it (for playbooks/rule_baseline.yml)."""
    kind, target, conditions = rule_form(rule)
    entry = {'rule_id': _text(rule.get('excepted_rule_id')), 'name': rule.get('excepted_rule_name'), 'target_type': kind}
    if kind != 'everyServer':
        entry['target'] = target
    entry['conditions'] = dict((f, {'condition': c, 'value': v}) for f, (c, v) in sorted(conditions.items()))
    return entry
