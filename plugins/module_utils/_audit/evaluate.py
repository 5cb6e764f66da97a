# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit: from WBD lists and inventory hosts to the audit record (docs/docsite/rst/guide_record_schema.rst).

Per host a status with reasons (unprotected > unreviewed > unknown > compliant), per account the
findings an auditor asks about (over-broad, ambiguous, orphaned and disabled rules, heavy or
malicious files). Every detection in the window lands under its host, in ``unmatched_detections``,
``ambiguous_detections`` or ``out_of_scope_detections``; none is dropped. A verdict that depends on
incomplete or ambiguous data is ``unknown`` and the record's ``completeness`` says why: an audit
never calls a host compliant on data it could not read whole. Pure: the caller passes the records,
their completeness and the clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import operator

from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields as wbd_fields
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import iso8601
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import parse_time
from ansible_collections.ncloud.wbd.plugins.module_utils._api.version import COLLECTION_VERSION
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import rules as audit_rules
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.baseline import compare as compare_baseline
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import (
    DEFAULT_MATCH_KEYS,
    HostIndex,
    place_detection,
    place_targets,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import LISTS, SEVERITIES, seal
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.rules import (
    RULE_FIELDS,
    RuleSet,
    compared_fields,
    covering_rules,
    is_active,
    rule_summary,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._text import one_line, plural

DEFAULT_POLICY = {
    'lookback': '7d',
    'min_weight': 0,
    'high_weight': 80,
    'broad_rule_max_conditions': 1,
    'match_keys': list(DEFAULT_MATCH_KEYS),
    'fail_on_unprotected': False,
    'fail_on_unreviewed': False,
}
# What the record keeps of a detection: when and where it was seen, the fields exception rules compare, command and memo.
DETECTION_FIELDS = (
    'detection_id',
    'detect_time',
    'detect_time_iso',
    'action_status',
    'instance_no',
    'server_name',
    'host_name',
    'private_ip',
    'container_name',
    *RULE_FIELDS,
    'command',
    'memo',
)
# The detection fields the audit reads (the record's, the match keys', the rules', the files' and IPs' that ``_files``
# and ``trim_detection`` keep): the audit asks the detection list for these only (``fields``), so the rest are never
# converted nor held (suspicious_objects is added when they are fetched).
READ_FIELDS = DETECTION_FIELDS + (
    'suspicion_files.suspicion_file_id',
    'suspicion_files.file_origin_name',
    'suspicion_files.weight',
    'suspicion_ips.suspicion_ip',
    'suspicion_ips.country',
)
LIST_WORDS = {
    'detection_targets': 'detection target list',
    'detections': 'detection list',
    'exception_rules': 'exception rule list',
    'excepted_detections': 'excepted detection list',
}
PROBLEM_KINDS = ('incomplete_list', 'ambiguous_match', 'unreadable_time', 'implausible_time', 'filter_disagrees')
# Detection IDs named in one problem's evidence at most (the count is always whole).
ID_CAP = 20
# Documented ranges of the policy numbers (docs/docsite/rst/guide_record_schema.rst, the role's argument specs).
RANGES = (('min_weight', 0, 100), ('high_weight', 1, 100), ('broad_rule_max_conditions', 0, 6))
TARGET_FIELDS = ('instance_no', 'server_name', 'agent_status', 'server_group_id', 'server_group_name', 'ip_address')
# Long attacker-controlled text is cut in reason sentences (the record keeps it whole in the detection).
REASON_TEXT_MAX = 120


class AuditInputError(ValueError):
    """Input the audit cannot use (a bad policy value)."""


def window(lookback, now_ms):
    """The look-back window ending now: ``lookback`` is an age (7d), an ISO 8601 time or epoch ms."""
    try:
        start = parse_time(lookback, now_ms, 'the look-back window')
    except (WbdConfigError, ValueError) as err:
        raise AuditInputError('%s' % (err,))
    if start > now_ms:
        raise AuditInputError('the look-back window starts in the future (%s).' % iso8601(start))
    return {'now_ms': now_ms, 'now_iso': iso8601(now_ms), 'window_start_ms': start, 'window_start_iso': iso8601(start)}


def _short(text):
    """Attacker-controlled text for a sentence: one line, no control characters (reasons reach terminals and
    AWX logs verbatim in failure messages, where an escape sequence could rewrite the screen), cut when long."""
    return one_line(text, REASON_TEXT_MAX, replacement='\ufffd', ellipsis='\u2026') if text is not None else ''


def _ranged(value, name, low, high):
    """A whole number in [low, high]: a weight of 500 would silently remove every high-weight finding."""
    number = None
    if not isinstance(value, (bool, float)):
        try:
            number = int(value)
        except (TypeError, ValueError):
            pass
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None:
        raise AuditInputError('%s must be a whole number from %d to %d, got %r.' % (name, low, high, value))
    if not low <= number <= high:
        raise AuditInputError('%s must be from %d to %d, got %d.' % (name, low, high, number))
    return number


def check_policy(policy, prefix=None):
    """The policy with defaults filled in and numbers checked against their documented ranges.

    ``prefix`` (the role's ``webshell_audit_``) makes the messages name the variable the user set, not the option.
    """
    prefix = prefix or ''
    merged = dict(DEFAULT_POLICY)
    merged.update(dict((k, v) for k, v in (policy or {}).items() if v is not None))
    for name, low, high in RANGES:
        merged[name] = _ranged(merged[name], prefix + name, low, high)
    if not isinstance(merged['match_keys'], (list, tuple)):
        raise AuditInputError('%smatch_keys must be a list of key names, got %r.' % (prefix, merged['match_keys']))
    merged['match_keys'] = list(merged['match_keys'])
    return merged


def _files(detection):
    """Suspicion files trimmed, joined with the hash-scan result of their suspicious objects when enriched.

    The file ID stays so a remediation can name the object to quarantine without a second lookup.
    """
    objects = dict((o.get('suspicion_file_id'), o) for o in detection.get('suspicious_objects') or [] if isinstance(o, dict))
    files = []
    for item in detection.get('suspicion_files') or []:
        if not isinstance(item, dict):
            continue
        entry = {'suspicion_file_id': item.get('suspicion_file_id'), 'file_origin_name': item.get('file_origin_name'), 'weight': item.get('weight')}
        obj = objects.get(item.get('suspicion_file_id'))
        if obj is not None:
            entry.update(sha1=obj.get('sha1'), hash_scan_result=obj.get('hash_scan_result'), quarantined=bool(obj.get('quarantined')))
        files.append(entry)
    return files


def _weight(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


_TAKE_FIELDS = operator.itemgetter(*DETECTION_FIELDS)


def trim_detection(detection):
    """The detection as the record keeps it: the evidence fields, without the API's bookkeeping."""
    try:
        out = dict(zip(DETECTION_FIELDS, _TAKE_FIELDS(detection)))  # every field there: the common case, in C
    except KeyError:
        out = dict((f, detection.get(f)) for f in DETECTION_FIELDS)
    out['suspicion_files'] = _files(detection)
    out['suspicion_ips'] = [
        {'suspicion_ip': i.get('suspicion_ip'), 'country': i.get('country')} for i in detection.get('suspicion_ips') or [] if isinstance(i, dict)
    ]
    out['max_weight'] = max([_weight(f['weight']) for f in out['suspicion_files']] or [0])
    return out


def time_problem(detection, now_ms):
    """(problem kind, reason) of a detection's time, or (None, None) when it is a plausible epoch-ms time.

    Such a detection can be placed in the window or out of it by a misread alone (seconds read as milliseconds
    give 1970), so it is neither dropped nor kept silently.
    """
    reason = wbd_fields.time_problem(detection.get('detect_time'), now_ms)
    if reason is None:
        return None, None
    return time_kind(detection), reason


def time_kind(detection):
    """The problem kind of a kept detection whose ``time_problem`` is set: implausible when it was read as a date.

    fields.normalize turns every readable form into epoch-ms ints with an ISO twin; an int with no possible date
    (10**40) has no twin and is as unreadable as text.
    """
    value = detection.get('detect_time')
    readable = isinstance(value, int) and not isinstance(value, bool) and wbd_fields.iso8601(value) is not None
    return 'implausible_time' if readable else 'unreadable_time'


def order_key(detection):
    """Newest first, then by ID: the order does not depend on the API's (the merge of job slices sorts the same way)."""
    moment = detection.get('detect_time')
    if isinstance(moment, (int, float)) and not isinstance(moment, bool):
        return (0, -moment, '%s' % (detection.get('detection_id'),))
    return (1, 0, '%s' % (detection.get('detection_id'),))


class Findings(object):
    """Collects findings; the ID names the problem so it stays the same from run to run."""

    def __init__(self):
        self.items = []

    def add(self, fid, kind, severity, message, scope='account', host=None, subject=None, rule_id=None, detection_id=None):
        self.items.append(
            {
                'id': fid,
                'scope': scope,
                'host': host,
                'severity': severity,
                'kind': kind,
                'subject': subject if subject is not None else host,
                'message': message,
                'rule_id': rule_id,
                'detection_id': detection_id,
            }
        )

    def sorted(self):
        rank = dict((s, n) for n, s in enumerate(SEVERITIES))
        return sorted(self.items, key=lambda f: (rank.get(f['severity'], 9), f['scope'] != 'host', '%s' % f['subject'], f['id']))


def _rule_label(rule):
    return "rule '%s' (%s)" % (_short(rule.get('excepted_rule_name')), rule.get('excepted_rule_id'))


def _rule_findings(findings, rules, policy):
    for rule in rules:
        _findings_of_rule(findings, rule, policy)


def _findings_of_rule(findings, rule, policy):
    """A rule's findings: disabled; or, when active, ambiguous, over-broad and aimed at a deleted group."""
    rid, label = '%s' % rule.get('excepted_rule_id'), _rule_label(rule)

    def add(kind, severity, message):
        findings.add('rule/%s/%s' % (rid, kind), kind, severity, message, subject=label, rule_id=rid)

    if not is_active(rule):
        if rule.get('disabled'):
            add('rule_disabled', 'low', '%s is disabled: it silences nothing; delete it or enable it on purpose.' % label)
        return
    empty = audit_rules.ambiguous_conditions(rule)
    if empty:
        # The audit counts it as covering nothing; the over-broad check below still rates its broadest reading
        # (compared_fields leaves the empty conditions out), since the service may read them as matching anything.
        add(
            'ambiguous_rule',
            'high',
            '%s compares %s with no value (null or empty): what such a condition matches is not defined, so '
            'the audit counts the rule as covering no detection (the service may apply it to every one); '
            'give the value or set the condition to NOT_USE.' % (label, ', '.join(empty)),
        )
    broad = _overbroad(rule, label, policy)
    if broad:
        add('overbroad_rule', *broad)
    if rule.get('group_is_deleted'):
        add(
            'rule_group_deleted',
            'medium',
            "%s targets server group '%s', which was deleted." % (label, _short(rule.get('except_target_name') or rule.get('except_target'))),
        )


def _baseline_findings(findings, rules, baseline):
    """Findings of the live rules against the approved baseline (``_audit/baseline.py``); none without a baseline."""
    for kind, severity, rule, entry, diff in compare_baseline(rules, baseline or []):
        if rule is None:
            key = entry['rule_id'] or entry['name']
            subject = "approved rule '%s'%s" % (_short(entry['name'] or ''), ' (%s)' % entry['rule_id'] if entry['rule_id'] else '')
            message = '%s of the rule baseline no longer exists: delete it from the baseline if it was removed on purpose.' % subject
            findings.add('baseline/%s/%s' % (key, kind), kind, severity, message, subject=subject, rule_id=entry['rule_id'])
            continue
        rid, label = '%s' % rule.get('excepted_rule_id'), _rule_label(rule)
        if kind == 'rule_not_in_baseline':
            message = '%s is not in the approved rule baseline: review it, then approve it in the baseline or delete it.' % label
        else:
            message = '%s differs from its approved form: %s.' % (label, _short(diff))
        findings.add('rule/%s/%s' % (rid, kind), kind, severity, message, subject=label, rule_id=rid)


def _overbroad(rule, label, policy):
    """(severity, message) when an active rule silences too much: high when it compares no field, medium when it
    applies to every server and compares few; None otherwise."""
    compared, target = compared_fields(rule), rule.get('except_target_type')
    if compared == 0:
        where = _short(rule.get('except_target_name') or rule.get('except_target') or 'every server')
        return 'high', '%s compares no field (all six conditions NOT_USE): it silences every behaviour on its target (%s %s).' % (label, target, where)
    if target == 'everyServer' and compared <= policy['broad_rule_max_conditions']:
        return 'medium', '%s applies to every server and compares only %s.' % (label, plural(compared, 'field'))
    return None


def _detection_findings(findings, detection, policy):
    did = detection['detection_id']
    where = _short(detection.get('host') or detection.get('server_name') or detection.get('instance_no'))
    label = 'detection %s on %s' % (did, where)
    heavy = [f for f in detection['suspicion_files'] if _weight(f['weight']) >= policy['high_weight']]
    if heavy:
        files = ', '.join('%s: %s' % (_short(f['file_origin_name']), f['weight']) for f in heavy)
        findings.add(
            'detection/%s/high_weight_file' % did,
            'high_weight_file',
            'high' if detection['unreviewed'] else 'medium',
            '%s has %s weighing %d or more (%s).' % (label, plural(len(heavy), 'suspicion file'), policy['high_weight'], files),
            subject=label,
            host=detection.get('host'),
            detection_id=did,
        )
    for number, item in enumerate(detection['suspicion_files']):
        if item.get('hash_scan_result') == 'malware' and not item.get('quarantined'):
            findings.add(
                'detection/%s/malware_not_quarantined/%d' % (did, number),
                'malware_not_quarantined',
                'critical',
                '%s: the hash scan calls %s malware and it is not quarantined.' % (label, _short(item['file_origin_name'])),
                subject=label,
                host=detection.get('host'),
                detection_id=did,
            )


def _since(lookback):
    """The window in words that stay the same from run to run (the digest must not move with the clock)."""
    text = ('%s' % (lookback,)).strip()
    return 'in the last %s' % text if text[:1].isdigit() and text[-1:].isalpha() else 'since %s' % text


def _list_words(names):
    words = [LIST_WORDS[n] for n in names]
    return words[0] if len(words) == 1 else '%s and %s' % (', '.join(words[:-1]), words[-1])


def _more(count, shown):
    """' and N more' when only ``shown`` of ``count`` things are named."""
    return ' and %d more' % (count - shown) if count > shown else ''


def _shares_text(shares):
    """'hosts a, b share private_ip '10.0.0.5', which detection target x (instance 1) matches' for each ambiguity."""
    parts = []
    for group in shares:
        what = ', '.join(group['subjects'][:3]) + _more(len(group['subjects']), 3)
        hosts = ', '.join(_short(h) for h in group['hosts'])
        verb = 'matches' if len(group['subjects']) == 1 else 'match'
        parts.append("hosts %s share %s '%s', which %s %s" % (hosts, group['key'], _short(group['value']), what, verb))
    return '; '.join(parts)


def _time_examples(detections):
    """The first three detections with a time problem and their problems, and how many more there are."""
    shown = ', '.join('%s (%s)' % (d['detection_id'], _short(d['time_problem'])) for d in detections[:3])
    return shown + _more(len(detections), 3)


def _host_finding(findings, name, kind, message):
    """Every host finding is high: each one alone makes the host's verdict bad or unknown."""
    findings.add('host/%s/%s' % (name, kind), kind, 'high', message, scope='host', host=name)


def _host_reasons(findings, name, entry, policy, doubt):
    """The host's findings; ``doubt``: what its verdict depends on ({'shares', 'lists', 'times', 'disagrees', 'status'})."""
    if doubt['shares']:
        _host_finding(
            findings,
            name,
            'ambiguous_match',
            'ambiguous match: %s; the audit cannot tell which host they belong to, so this verdict is unknown. '
            'Give each host a match value of its own (webshell_audit_instance_no is unique per server).' % _shares_text(doubt['shares']),
        )
    _registration_reason(findings, name, entry['target'], policy, doubt['status'])
    _unreviewed_reason(findings, name, entry, policy)
    if doubt['times']:
        _host_finding(
            findings,
            name,
            'time_problem',
            '%s with an unreadable or implausible time: %s; kept and judged as in the window, but where it falls is not known.'
            % (plural(len(doubt['times']), 'detection'), _time_examples(doubt['times'])),
        )
    if doubt['status'] == 'unknown' and (doubt['lists'] or doubt['disagrees']):
        _host_finding(findings, name, 'incomplete_data', _incomplete_text(entry['target'], doubt))


def _registration_reason(findings, name, target, policy, status):
    """Not registered (when that is certain) or registered with an agent that does not detect."""
    if target is None and status == 'unprotected':
        _host_finding(findings, name, 'not_registered', 'not registered as a WBD detection target (no target matched by %s).' % ', '.join(policy['match_keys']))
    elif target is not None and target.get('agent_status') != 'enable':
        _host_finding(
            findings,
            name,
            'agent_not_enabled',
            "agent status is '%s' on detection target %s (instance %s); only an enabled agent detects."
            % (_short(target.get('agent_status')), _short(target.get('server_name')), target.get('instance_no')),
        )


def _unreviewed_reason(findings, name, entry, policy):
    """The host's unreviewed detections, naming the newest (the detections are newest first)."""
    unreviewed = [d for d in entry['detections'] if d['unreviewed']]
    if unreviewed:
        newest = unreviewed[0]
        _host_finding(
            findings,
            name,
            'unreviewed_detections',
            '%s %s not covered by an active exception rule (newest %s: %s).'
            % (
                plural(len(unreviewed), 'unconfirmed detection'),
                _since(policy['lookback']),
                newest.get('detect_time_iso'),
                _short(newest.get('process_name')),
            ),
        )


def _incomplete_text(target, doubt):
    """Why an unknown verdict hangs on incomplete data: the lists that are incomplete, the time filter, or both."""
    missing = (
        'no detection target matched, and the host may be registered'
        if target is None and 'detection_targets' in doubt['lists']
        else 'a record missing from it could change this verdict'
    )
    why = ['the %s %s incomplete' % (_list_words(doubt['lists']), 'is' if len(doubt['lists']) == 1 else 'are')] if doubt['lists'] else []
    if doubt['disagrees']:
        why.append("the server's detection search returned detections from before the window it was asked for")
    return 'verdict unknown: %s (see completeness); %s.' % (' and '.join(why), missing)


def host_status(entry, doubt, incomplete):
    """unprotected > unreviewed > unknown > compliant, where each verdict that hangs on doubtful data is unknown.

    ``incomplete``: the names of the incomplete lists. A host no target matches is unknown (not unprotected) when the
    target list is incomplete or a target matched it ambiguously, unless its own detections make it unreviewed; an
    unreviewed host stays unreviewed only when the exception rules are complete (a missing rule could cover its
    detections); any doubt turns a compliant verdict into unknown.
    """
    target = entry['target']
    unreviewed = any(d['unreviewed'] for d in entry['detections'])
    if target is None and not (doubt['shares'] or 'detection_targets' in incomplete):
        return 'unprotected'
    if target is not None and target.get('agent_status') != 'enable':
        return 'unprotected'
    if unreviewed:  # certain even when the registration is not: its own detections say so
        return 'unknown' if 'exception_rules' in incomplete else 'unreviewed'
    if target is None:
        return 'unknown'
    if doubt['shares'] or doubt['times'] or incomplete or doubt['disagrees']:
        return 'unknown'
    return 'compliant'


def server_findings(findings, unmatched):
    """One finding per server whose detections no inventory host matches (the merge of job slices rebuilds them too)."""
    by_server = {}
    for detection in unmatched:
        by_server.setdefault('%s' % detection.get('instance_no'), []).append(detection)
    for instance, items in sorted(by_server.items()):
        label = 'server %s (instance %s)' % (_short(items[0].get('server_name') or items[0].get('host_name')), instance)
        findings.add(
            'server/%s/unmatched_detections' % instance,
            'unmatched_detections',
            'medium',
            '%s in the window on %s, which no inventory host matches (%s unconfirmed).'
            % (plural(len(items), 'detection'), label, sum(1 for d in items if d.get('action_status') != 'confirmed')),
            subject=label,
        )


def _incomplete(lists):
    """The names of the lists whose own evidence says they are not complete."""
    return [n for n in LISTS if lists.get(n) is not None and not lists[n].get('complete')]


def _ids(detections):
    ids = [d['detection_id'] for d in detections]
    return {'count': len(ids), 'detection_ids': ids[:ID_CAP]}


def _names(hosts):
    hosts = sorted(set(h for h in hosts if h is not None))
    return ', '.join(_short(h) for h in hosts[:10]) + _more(len(hosts), 10) if hosts else 'none'


def completeness_problems(lists, entries, placed, ambiguities, window_start_iso):
    """The record's completeness problems, each ``{'kind', 'message', 'hosts', 'evidence'}``, one line each.

    ``placed``: every detection the record holds (the merge of job slices rebuilds them with this function too);
    ``ambiguities``: the ambiguous-match groups (``{'key', 'value', 'hosts', 'subjects', 'instances', ...}``).
    """
    problems = _list_problems(lists, entries)
    problems.extend(_ambiguity_problem(group) for group in ambiguities)
    problems.extend(_time_problems(placed))
    problems.extend(_filter_problems(placed, entries, window_start_iso))
    return problems


def _list_problems(lists, entries):
    """A problem per list whose own evidence says it is incomplete, naming the hosts whose verdicts hang on it."""
    problems = []
    for name in LISTS:
        evidence = lists.get(name)
        if evidence is None or evidence.get('complete'):
            continue
        hosts = sorted(h for h, e in entries.items() if 'incomplete_list' in e['doubts'])
        why = '; '.join('%s' % p for p in evidence.get('problems') or []) or 'it says it is not complete'
        problems.append(
            {
                'kind': 'incomplete_list',
                'hosts': hosts,
                'evidence': dict(evidence, list=name),
                'message': '%s %s is incomplete: %s. Verdicts that depend on it are unknown (hosts: %s).'
                % (evidence.get('operation') or name, LIST_WORDS[name], _short(why), _names(hosts)),
            }
        )
    return problems


def _ambiguity_problem(group):
    return {
        'kind': 'ambiguous_match',
        'hosts': list(group['hosts']),
        'evidence': dict(group),
        'message': 'ambiguous match: %s; their verdicts are unknown. Give each host a match value of its '
        'own (webshell_audit_instance_no is unique per server).' % _shares_text([group]),
    }


def _time_problems(placed):
    """A problem per kind of time problem (unreadable, implausible) that some detection has."""
    problems = []
    for kind, words in (('unreadable_time', 'unreadable'), ('implausible_time', 'implausible')):
        found = [d for d in placed if d.get('time_problem') and time_kind(d) == kind]
        if found:
            hosts = sorted(set(h for d in found for h in [d.get('host')] + list(d.get('ambiguous_hosts') or []) if h))
            problems.append(
                {
                    'kind': kind,
                    'hosts': hosts,
                    'evidence': _ids(found),
                    'message': '%s %s an %s time: %s; each is kept and judged as in the window, and its '
                    'host\'s verdict is unknown unless it is unprotected or unreviewed (hosts: %s).'
                    % (plural(len(found), 'detection'), 'has' if len(found) == 1 else 'have', words, _time_examples(found), _names(hosts)),
                }
            )
    return problems


def _filter_problems(placed, entries, window_start_iso):
    """[the filter_disagrees problem] when the server returned detections from before the window asked for, else []."""
    early = [d for d in placed if d.get('before_window')]
    if not early:
        return []
    hosts = sorted(h for h, e in entries.items() if 'filter_disagrees' in e['doubts'])
    evidence = dict(_ids(early), window_start_iso=window_start_iso, earliest_iso=min(early, key=lambda d: d['detect_time']).get('detect_time_iso'))
    return [
        {
            'kind': 'filter_disagrees',
            'hosts': hosts,
            'evidence': evidence,
            'message': 'the detection search asked for detections since %s but the server returned %s from '
            'before it (earliest %s): its time filter and its times disagree, so the detection list '
            'cannot be trusted whole. They are kept and judged (hosts: %s).'
            % (window_start_iso, plural(len(early), 'detection'), evidence['earliest_iso'], _names(hosts)),
        }
    ]


class _Ambiguity(object):
    """The ambiguous-match groups: hosts sharing one key value, and what matched it."""

    def __init__(self):
        self.groups = {}

    def add(self, shared, subject, instance=None, detection_id=None):
        group = self.groups.setdefault(
            (shared['key'], shared['value'], tuple(shared['hosts'])),
            {
                'key': shared['key'],
                'value': shared['value'],
                'hosts': list(shared['hosts']),
                'subjects': [],
                'instances': [],
                'detections': 0,
                'detection_ids': [],
            },
        )
        if subject not in group['subjects']:
            group['subjects'].append(subject)
        if instance not in (None, '') and '%s' % instance not in group['instances']:
            group['instances'].append('%s' % instance)
        if detection_id is not None:
            group['detections'] += 1
            if len(group['detection_ids']) < ID_CAP:
                group['detection_ids'].append(detection_id)

    def ordered(self):
        return [self.groups[k] for k in sorted(self.groups, key=lambda k: (k[0], '%s' % k[1], k[2]))]

    def of_host(self, name):
        return [g for g in self.ordered() if name in g['hosts']]


def _server_label(record):
    return 'detection target %s (instance %s)' % (_short(record.get('server_name')), record.get('instance_no'))


def _outside(outside, instance, name, hosts, registered=False, detection=False):
    entry = outside.setdefault('%s' % instance, {'instance_no': '%s' % instance, 'server_name': name, 'hosts': [], 'registered': False, 'detections': 0})
    entry['hosts'] = sorted(set(entry['hosts']) | set(hosts))
    entry['registered'] = entry['registered'] or registered
    entry['server_name'] = entry['server_name'] or name
    entry['detections'] += 1 if detection else 0


def host_doubts(entry, doubt, incomplete):
    """The completeness problem kinds that touch the host (the problems name their hosts from these)."""
    kinds = set(time_kind(d) for d in doubt['times'])
    if doubt['shares']:
        kinds.add('ambiguous_match')
    if any(d['before_window'] for d in entry['detections']) or (doubt['disagrees'] and doubt['status'] == 'unknown'):
        kinds.add('filter_disagrees')
    if incomplete and doubt['status'] == 'unknown':
        kinds.add('incomplete_list')
    return [k for k in PROBLEM_KINDS if k in kinds]


def count_detections(entry):
    entry['detection_count'] = len(entry['detections'])
    entry['unreviewed_count'] = sum(1 for d in entry['detections'] if d['unreviewed'])
    entry['covered_count'] = sum(1 for d in entry['detections'] if d['covered_by'])


def _host_entry(name, target, key):
    """A host's entry before judging: compliant until a reason says otherwise, its target's fields, no detections."""
    return {
        'name': name,
        'status': 'compliant',
        'reasons': [],
        'doubts': [],
        'matched_by': key,
        'target': dict((f, target.get(f)) for f in TARGET_FIELDS) if target else None,
        'detections': [],
    }


class _Placement(object):
    """Where every target and detection belongs: a host of the play, inventory hosts outside it (``--limit``: out of
    scope, not findings), several hosts sharing a match value (ambiguous), or no host (unmatched).

    Detections arrive in the API's order, a page at a time; whatever depends on their order (the lists, the rules'
    ``covers``, the ambiguity and scope notes, the detection findings) is noted with the detection's ``order_key`` and
    settled newest first once all have arrived, so the record does not depend on the API's order or paging."""

    def __init__(self, hosts, others, targets, policy):
        self.play = play = set(h['name'] for h in hosts)
        self.index = HostIndex(list(hosts) + [h for h in others or () if h['name'] not in play], policy['match_keys'])
        self.policy = policy
        self.group_of = dict(('%s' % t.get('instance_no'), t.get('server_group_id')) for t in targets)
        target_of_host, ambiguous_targets = place_targets(self.index, targets)
        self.host_of_instance = dict(('%s' % t.get('instance_no'), (host, key)) for host, (t, key) in target_of_host.items())
        self.ambiguity, self.outside, self.shared_of_instance = _Ambiguity(), {}, {}
        for target, shared in ambiguous_targets:
            self.shared_of_instance['%s' % target.get('instance_no')] = shared
            if play & set(shared['hosts']):
                self.ambiguity.add(shared, _server_label(target), instance=target.get('instance_no'))
            else:
                _outside(self.outside, target.get('instance_no'), target.get('server_name'), shared['hosts'], registered=True)
        for host, (target, dummy) in target_of_host.items():
            if host not in play:
                _outside(self.outside, target.get('instance_no'), target.get('server_name'), [host], registered=True)
        self.entries = dict((host, _host_entry(host, *target_of_host.get(host, (None, None)))) for host in sorted(play))
        self.unmatched, self.ambiguous, self.out_of_scope, self.covers = [], [], [], {}
        self.noted = {'ambiguity': [], 'outside': [], 'findings': []}

    def place(self, raw, detection, rules, keep):
        """File ``detection`` (the record's copy of ``raw``) under its host or in one of the other lists, with the
        rules that cover it, whether it is unreviewed and its findings; ``keep`` turns it into what the lists hold."""
        host, key, shared = place_detection(self.index, raw, self.host_of_instance, self.shared_of_instance)
        detection['covered_by'] = covering_rules(rules, raw, self.group_of.get('%s' % raw.get('instance_no')))
        mine = host in self.play
        detection['host'], detection['matched_by'] = (host, key) if mine else (None, None)
        counts = detection['max_weight'] >= self.policy['min_weight']
        detection['unreviewed'] = bool(mine and detection.get('action_status') != 'confirmed' and not detection['covered_by'] and counts)
        order = order_key(detection)
        for rid in detection['covered_by']:
            self.covers.setdefault(rid, []).append((order, detection['detection_id']))
        if mine:
            group, held = (0, host), self.entries[host]['detections']
        elif shared is not None and self.play & set(shared['hosts']):
            group, held = (2,), self.ambiguous
            self._note_ambiguous(order, raw, detection, shared)
        elif host is not None or shared is not None:
            group, held = None, self.out_of_scope
            detection['outside_hosts'] = [host] if host is not None else list(shared['hosts'])
            self.noted['outside'].append((order, raw.get('instance_no'), raw.get('server_name'), detection['outside_hosts']))
        else:
            group, held = (1,), self.unmatched
        if group is not None:  # judged: the play's hosts', the unmatched and the ambiguous (not those out of scope)
            self._note_findings(group, order, detection)
        held.append(keep(detection))

    def _note_ambiguous(self, order, raw, detection, shared):
        detection['ambiguous_hosts'] = list(shared['hosts'])
        subject = 'detections on server %s (instance %s)' % (_short(raw.get('server_name') or raw.get('host_name')), raw.get('instance_no'))
        self.noted['ambiguity'].append((order, shared, subject, raw.get('instance_no'), detection['detection_id']))

    def _note_findings(self, group, order, detection):
        found = Findings()
        _detection_findings(found, detection, self.policy)
        if found.items:
            self.noted['findings'].append(((group, order), found.items))

    def settle(self):
        """Put everything noted per detection in the record's order (newest first, as ``order_key`` sorts)."""
        for held in [e['detections'] for e in self.entries.values()] + [self.unmatched, self.ambiguous, self.out_of_scope]:
            held.sort(key=order_key)
        for rid, pairs in self.covers.items():
            self.covers[rid] = [did for dummy, did in sorted(pairs, key=lambda pair: pair[0])]
        for dummy, shared, subject, instance, did in sorted(self.noted['ambiguity'], key=lambda note: note[0]):
            self.ambiguity.add(shared, subject, instance=instance, detection_id=did)
        for dummy, instance, name, hosts in sorted(self.noted['outside'], key=lambda note: note[0]):
            _outside(self.outside, instance, name, hosts, detection=True)

    def detection_findings(self):
        """The findings of the judged detections, in the order the judged lists hold them."""
        for dummy, items in sorted(self.noted['findings'], key=lambda note: note[0]):
            yield from items

    def judged(self):
        """The detections the audit judges: the play's hosts', the unmatched and the ambiguous ones (not those out of scope)."""
        return [d for e in self.entries.values() for d in e['detections']] + self.unmatched + self.ambiguous


def _kept(raw, now_ms, start, searched_since):
    """The record's copy of a detection, with its time problem and whether it is from before the window; None for a
    detection before the window when the caller listed more than the window (no search start was given)."""
    dummy, problem = time_problem(raw, now_ms)
    early = problem is None and raw['detect_time'] < start
    if early and searched_since is None:
        return None
    detection = trim_detection(raw)
    detection['time_problem'], detection['before_window'] = problem, early
    return detection


def _hidden(excepted, rules, group_of, start, now_ms, searched_since):
    """{rule ID: how many excepted detections in the window it covers}."""
    hides = {}
    for raw in excepted:
        if searched_since is not None or time_problem(raw, now_ms)[0] or raw['detect_time'] >= start:
            for rid in covering_rules(rules, raw, group_of.get('%s' % raw.get('instance_no'))):
                hides[rid] = hides.get(rid, 0) + 1
    return hides


def _judge(placement, rules, policy, lists, disagrees, baseline=None):
    """Every finding, sorted; on the way each host gets its status and doubts.

    ``disagrees``: the server returned detections from before the window it was asked for, so its time filter, and
    with it the detection list, cannot be trusted whole.
    """
    incomplete = _incomplete(lists)
    findings = Findings()
    for name, entry in placement.entries.items():
        doubt = {
            'shares': placement.ambiguity.of_host(name),
            'times': [d for d in entry['detections'] if d['time_problem']],
            'lists': incomplete,
            'disagrees': disagrees,
        }
        doubt['status'] = entry['status'] = host_status(entry, doubt, incomplete)
        entry['doubts'] = host_doubts(entry, doubt, incomplete)
        _host_reasons(findings, name, entry, policy, doubt)
    findings.items.extend(placement.detection_findings())
    server_findings(findings, placement.unmatched)
    _rule_findings(findings, rules, policy)
    if baseline is not None:
        _baseline_findings(findings, rules, baseline)
    return findings.sorted()


def _give_reasons(entries, ordered):
    """Each host's reasons (the messages of its findings, in their order) and detection counts."""
    by_host = {}  # one pass over the findings, not one per host
    for finding in ordered:
        if finding['scope'] == 'host':
            by_host.setdefault(finding['host'], []).append(finding)
    for name, entry in entries.items():
        entry['reasons'] = [f['message'] for f in by_host.get(name, [])]
        count_detections(entry)


def _rule_records(rules, covers, hides):
    """The record's ``exception_rules``: each rule with the detections it covers and how many excepted ones it hides."""
    records = []
    for rule in rules:
        summary = rule_summary(rule)
        summary['covers'] = covers.get(summary['rule_id'], [])
        summary['hides'] = None if hides is None else hides.get(summary['rule_id'], 0)
        records.append(summary)
    return records


def _run_metadata(run, now_ms, now_iso, policy):
    """The record's ``run``: the collection version, the caller's ``run``, the clock and the policy as applied."""
    meta = dict(collection_version=COLLECTION_VERSION)
    meta.update(run or {})
    meta.update(started_at_ms=now_ms, started_at_iso=now_iso, policy=policy)
    return meta


class Audit(object):
    """The audit fed the detection list as it arrives: ``add`` places each page's detections at once (so none is held
    longer than its placing), ``finish`` judges and seals the record.

    ``keep(detection)`` is what the record's lists hold of a placed detection: the detection itself by default, or a
    slim stand-in once it is written out (``record_file.RecordWriter.keep``). See ``evaluate`` for the arguments.
    """

    def __init__(self, hosts, targets, rules, policy=None, now_ms=None, others=None, searched_since=None, variable_prefix=None, keep=None):
        self.policy = policy = check_policy(policy, variable_prefix)
        self.span = span = window(policy['lookback'], now_ms)
        policy.update(window_start_ms=span['window_start_ms'], window_start_iso=span['window_start_iso'])
        self.now_ms, self.searched_since = now_ms, searched_since
        self.targets, self.rules, self.compiled = targets, rules, RuleSet(rules)
        self.placement = _Placement(hosts, others, targets, policy)
        self.keep = keep or _as_is

    def add(self, detections):
        """Place ``detections`` (normalised records, any order, any number of calls)."""
        start = self.span['window_start_ms']
        for raw in detections:
            detection = _kept(raw, self.now_ms, start, self.searched_since)
            if detection is not None:
                self.placement.place(raw, detection, self.compiled, self.keep)

    def finish(self, excepted=None, lists=None, run=None, baseline=None):
        """The sealed record, once every detection was added."""
        placement, policy, rules = self.placement, self.policy, self.rules
        placement.settle()
        lists = dict((n, dict(lists[n])) for n in LISTS if lists and lists.get(n) is not None)
        start = self.span['window_start_ms']
        hides = None if excepted is None else _hidden(excepted, self.compiled, placement.group_of, start, self.now_ms, self.searched_since)
        every = placement.judged() + placement.out_of_scope
        ordered = _judge(placement, rules, policy, lists, disagrees=any(d['before_window'] for d in every), baseline=baseline)
        _give_reasons(placement.entries, ordered)
        body = {
            'run': _run_metadata(run, self.now_ms, self.span['now_iso'], policy),
            'hosts': placement.entries,
            'unmatched_detections': placement.unmatched,
            'ambiguous_detections': placement.ambiguous,
            'out_of_scope_detections': placement.out_of_scope,
            'exception_rules': _rule_records(rules, placement.covers, hides),
            'findings': ordered,
        }
        problems = completeness_problems(lists, placement.entries, every, placement.ambiguity.ordered(), self.span['window_start_iso'])
        active = sum(1 for r in rules if is_active(r))
        return seal(body, lists, problems, placement.outside, targets=len(self.targets), exception_rules=len(rules), active_exception_rules=active)


def _as_is(detection):
    return detection


def evaluate(
    hosts,
    targets,
    detections,
    rules,
    excepted=None,
    policy=None,
    now_ms=None,
    run=None,
    lists=None,
    others=None,
    searched_since=None,
    variable_prefix=None,
    baseline=None,
):
    """The audit record (docs/docsite/rst/guide_record_schema.rst) for inventory ``hosts`` and the WBD lists (normalised records).

    ``hosts``: the audited hosts, ``[{'name': inventory_hostname, <match key>: value or list, ...}]``; ``others``:
    the inventory's other hosts (outside ``--limit``): their servers and detections are out of scope, not findings;
    ``excepted``: excepted detections (None when not fetched); ``lists``: each list's completeness evidence by list
    name (a list not given counts as complete: the caller vouches for it); ``searched_since``: the window start the
    detection search asked the server for (detections before it are then kept and reported, not dropped);
    ``now_ms``: the run time; ``run``: extra run metadata to keep; ``variable_prefix``: names policy errors after the
    role's variables; ``baseline``: the approved rules (``baseline.check_baseline``), None for no baseline check.
    """
    audit = Audit(hosts, targets, rules, policy=policy, now_ms=now_ms, others=others, searched_since=searched_since, variable_prefix=variable_prefix)
    audit.add(detections)
    return audit.finish(excepted=excepted, lists=lists, run=run, baseline=baseline)
