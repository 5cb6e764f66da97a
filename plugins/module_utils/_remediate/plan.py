# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The remediation plan: a pure function from an audit record, the switches, the policy and the time to the list of
actions, each with the write module and arguments that carry it out and its reason from the audit.

Pure so the check-mode job and the apply job plan the same list from the same record, and so a unit test can say
exactly what a record makes happen. Nothing here writes: the writes are the response modules' (one implementation).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import iso8601
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import parse_time
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import all_detections
from ansible_collections.ncloud.wbd.plugins.module_utils._text import one_line

# The switches in the order the plan lists their actions; each names the action kind it turns on.
SWITCHES = (
    ('enable_agents', 'enable_agent'),
    ('quarantine_malware', 'quarantine_malware'),
    ('delete_unapproved_rules', 'delete_rule'),
    ('annotate_unreviewed', 'annotate_unreviewed'),
)
MODULES = {
    'enable_agent': 'ncloud.wbd.detection_target',
    'quarantine_malware': 'ncloud.wbd.suspicious_object',
    'delete_rule': 'ncloud.wbd.exception_rule',
    'annotate_unreviewed': 'ncloud.wbd.detection',
}
DEFAULT_POLICY = {'max_actions': 50, 'annotate_after': '3d', 'allow_incomplete': False}
MAX_ACTIONS_RANGE = (1, 10000)
# The start of the line the annotation appends; the rest is the detection's date, so the line is the same every run.
ANNOTATION_PREFIX = 'ncloud.wbd remediation:'
TEXT_MAX = 120
# A time far from 1970, so an age is checked for its form only (the plan itself measures it from the real now).
AGE_CHECK_NOW_MS = 4102444800000


class RemediationError(ValueError):
    """A plan that must not be carried out (bad input, incomplete data, over the cap); one line says why.
    ``actions`` holds the plan when there is one, so a refused plan is still listed."""

    def __init__(self, message, actions=None):
        super(RemediationError, self).__init__(message)
        self.actions = actions or []


def _short(text):
    return one_line('%s' % (text,), TEXT_MAX, replacement='\ufffd', ellipsis='\u2026') if text is not None else ''


def check_policy(policy, prefix=''):
    """The policy with defaults filled in; ``max_actions`` a whole number in its range, ``annotate_after`` an age."""
    merged = dict(DEFAULT_POLICY)
    merged.update(dict((k, v) for k, v in (policy or {}).items() if v is not None))
    cap, (low, high) = merged['max_actions'], MAX_ACTIONS_RANGE
    if isinstance(cap, bool) or not isinstance(cap, int) or not low <= cap <= high:
        raise RemediationError('%smax_actions must be a whole number from %d to %d, got %r.' % (prefix, low, high, cap))
    try:
        parse_time(merged['annotate_after'], AGE_CHECK_NOW_MS, prefix + 'annotate_after')
    except (WbdConfigError, ValueError) as err:
        raise RemediationError('%s' % (err,))
    return merged


def _finding_index(record):
    """{(kind, key): finding} for the findings a remediation acts on: by host, detection or rule."""
    index = {}
    for finding in record.get('findings') or []:
        key = finding.get('rule_id') or finding.get('detection_id') or finding.get('host')
        index.setdefault((finding.get('kind'), '%s' % (key,)), finding)
    return index


def _action(kind, ident, resource, args, reason, finding=None):
    return {
        'kind': kind,
        'id': ident,
        'resource': resource,
        'module': MODULES[kind],
        'args': args,
        'reason': reason,
        'finding_id': finding.get('id') if finding else None,
    }


def enable_agent_actions(record, findings):
    """One per registered target of an audited host whose agent status is exactly ``disable`` (other statuses,
    such as notInstalled, cannot be activated by the API)."""
    actions, seen = [], set()
    for name in sorted(record['hosts']):
        target = record['hosts'][name].get('target') or {}
        instance = target.get('instance_no')
        if target.get('agent_status') != 'disable' or instance is None or '%s' % instance in seen:
            continue
        seen.add('%s' % instance)
        finding = findings.get(('agent_not_enabled', name))
        reason = (
            finding['message'] if finding else "agent status is 'disable' on detection target %s (instance %s)." % (_short(target.get('server_name')), instance)
        )
        resource = 'detection target %s (%s)' % (instance, _short(target.get('server_name')))
        actions.append(_action('enable_agent', '%s' % instance, resource, {'instance_no': '%s' % instance, 'agent': 'enabled'}, reason, finding))
    return actions


def _malware_file(detection, finding):
    """The file a malware_not_quarantined finding names: its ID ends with the file's index in the detection."""
    files = detection.get('suspicion_files') or []
    tail = ('%s' % finding.get('id')).rsplit('/', 1)[-1]
    if tail.isdigit() and int(tail) < len(files):
        return files[int(tail)]
    return None


def quarantine_actions(record, skipped):
    """One per file of a ``malware_not_quarantined`` finding; a file the record cannot name (no
    ``suspicion_file_id``) is put in ``skipped`` with the reason, never dropped in silence."""
    detections = dict(('%s' % d.get('detection_id'), d) for d in all_detections(record))
    actions = []
    for finding in record.get('findings') or []:
        if finding.get('kind') != 'malware_not_quarantined':
            continue
        did = '%s' % finding.get('detection_id')
        item = _malware_file(detections.get(did) or {}, finding)
        fid = item.get('suspicion_file_id') if item else None
        if not fid:
            skipped.append(_action('quarantine_malware', did, 'a suspicious file of detection %s' % did, {}, finding.get('message'), finding))
            skipped[-1]['message'] = 'the audit record does not name the file (no suspicion_file_id): quarantine it in the console or audit again'
            continue
        resource = 'suspicious file %s (%s) of detection %s' % (fid, _short(item.get('file_origin_name')), did)
        args = {'detection_id': did, 'object_id': '%s' % fid}
        actions.append(_action('quarantine_malware', '%s/%s' % (did, fid), resource, args, finding.get('message'), finding))
    return actions


def delete_rule_actions(record):
    """One per ``rule_not_in_baseline`` finding: only rules the baseline does not approve are deleted."""
    names = dict(('%s' % r.get('rule_id'), r.get('name')) for r in record.get('exception_rules') or [])
    actions, seen = [], set()
    for finding in record.get('findings') or []:
        rid = '%s' % finding.get('rule_id')
        if finding.get('kind') != 'rule_not_in_baseline' or finding.get('rule_id') is None or rid in seen:
            continue
        seen.add(rid)
        resource = 'exception rule %s (%s)' % (rid, _short(names.get(rid)))
        actions.append(_action('delete_rule', rid, resource, {'rule_id': rid, 'state': 'absent'}, finding.get('message'), finding))
    return actions


def annotation_line(detection):
    """The one line the annotation appends: dated by the detection, so it is the same on every run and a second
    run finds it in the memo and appends nothing."""
    day = (detection.get('detect_time_iso') or '')[:10] or 'an unreadable date'
    return '%s unreviewed since %s; confirm it or say why in the console' % (ANNOTATION_PREFIX, day)


def annotate_actions(record, findings, after, now_ms):
    """One per unreviewed detection older than ``after`` whose memo does not hold its line yet."""
    cutoff = parse_time(after, now_ms, 'annotate_after')
    actions = []
    for name in sorted(record['hosts']):
        for detection in record['hosts'][name].get('detections') or []:
            moment = detection.get('detect_time')
            if not detection.get('unreviewed') or isinstance(moment, bool) or not isinstance(moment, int) or moment >= cutoff:
                continue
            line = annotation_line(detection)
            if line in ('%s' % (detection.get('memo') or '')).splitlines():
                continue
            did = '%s' % detection.get('detection_id')
            finding = findings.get(('unreviewed_detections', name))
            reason = 'unreviewed for more than %s (detected %s on %s)' % (after, detection.get('detect_time_iso') or iso8601(moment), _short(name))
            if finding:
                reason = '%s; %s' % (reason, finding['message'])
            args = {'detection_id': did, 'memo_append': line}
            actions.append(_action('annotate_unreviewed', did, 'detection %s on %s' % (did, _short(name)), args, reason, finding))
    return actions


def plan(record, switches, policy, now_ms, prefix=''):
    """``{'actions', 'skipped', 'count', 'calls'}`` for ``record`` with the ``switches`` on (enable_agents,
    quarantine_malware, delete_unapproved_rules, annotate_unreviewed); RemediationError when the record is
    incomplete (unless allowed) or the plan is over ``max_actions``, so nothing is written on doubtful data or at
    an unexpected scale."""
    policy = check_policy(policy, prefix)
    on = dict((name, bool((switches or {}).get(name))) for name, dummy in SWITCHES)
    complete = (record.get('completeness') or {}).get('complete')
    if any(on.values()) and complete is not True and not policy['allow_incomplete']:
        raise RemediationError(
            'the audit record is incomplete (%s): nothing is remediated on data the audit could not read whole; '
            'fix the cause and audit again, or set %sallow_incomplete.' % (_first_problem(record), prefix)
        )
    findings, skipped, actions = _finding_index(record), [], []
    if on['enable_agents']:
        actions.extend(enable_agent_actions(record, findings))
    if on['quarantine_malware']:
        actions.extend(quarantine_actions(record, skipped))
    if on['delete_unapproved_rules']:
        actions.extend(delete_rule_actions(record))
    if on['annotate_unreviewed']:
        actions.extend(annotate_actions(record, findings, policy['annotate_after'], now_ms))
    if len(actions) > policy['max_actions']:
        raise RemediationError(
            '%d actions planned, more than %smax_actions (%d): nothing was done; check the plan in check mode, then '
            'raise the cap or turn some switches off.' % (len(actions), prefix, policy['max_actions']),
            actions=actions,
        )
    return {'actions': actions, 'skipped': skipped, 'count': len(actions), 'calls': calls(actions)}


def _first_problem(record):
    problems = (record.get('completeness') or {}).get('problems') or []
    first = problems[0].get('message') if problems and isinstance(problems[0], dict) else None
    return _short(first) if first else 'its completeness section does not say it is complete'


def calls(actions):
    """The module calls that carry the actions out, one bulk call per module (annotations: one per line):
    ``{'detection_target': args or None, 'suspicious_object': ..., 'exception_rule': ..., 'detection': [args]}``."""
    by_kind = dict((kind, [a for a in actions if a['kind'] == kind]) for dummy, kind in SWITCHES)
    agents, files, rules = by_kind['enable_agent'], by_kind['quarantine_malware'], by_kind['delete_rule']
    lines = []
    for action in by_kind['annotate_unreviewed']:
        line = action['args']['memo_append']
        group = next((g for g in lines if g['memo_append'] == line), None)
        if group is None:
            lines.append({'detection_ids': [action['id']], 'memo_append': line})
        else:
            group['detection_ids'].append(action['id'])
    return {
        'detection_target': {'instance_nos': [a['id'] for a in agents], 'agent': 'enabled'} if agents else None,
        'suspicious_object': {'objects': [dict(a['args']) for a in files], 'state': 'quarantined'} if files else None,
        'exception_rule': {'rule_ids': [a['id'] for a in rules], 'state': 'absent'} if rules else None,
        'detection': lines,
    }
