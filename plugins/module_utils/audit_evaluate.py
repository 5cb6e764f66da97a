# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit: from WBD lists and inventory hosts to the audit record (docs/audit-record.md).

Per host a status with reasons (unprotected > unreviewed > compliant), per account the
findings an auditor asks about (over-broad, orphaned and disabled rules, heavy or
malicious files). Every detection lands under its host or in ``unmatched_detections``;
none is dropped. Pure: the caller passes the records and the clock.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ncloud.wbd.plugins.module_utils.audit_match import (
    DEFAULT_MATCH_KEYS,
    HostIndex,
    match_detection,
    match_targets,
)
from ansible_collections.ncloud.wbd.plugins.module_utils.audit_rules import (
    compared_fields,
    covering_rules,
    is_active,
    rule_summary,
)
from ansible_collections.ncloud.wbd.plugins.module_utils.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils.fields import iso8601
from ansible_collections.ncloud.wbd.plugins.module_utils.filters import parse_time
from ansible_collections.ncloud.wbd.plugins.module_utils.report_common import SCHEMA_VERSION, SEVERITIES, content_digest, scrub_surrogates
from ansible_collections.ncloud.wbd.plugins.module_utils.version import COLLECTION_VERSION

GENERATOR = 'ncloud.wbd.webshell_audit'
DEFAULT_POLICY = {
    'lookback': '7d',
    'min_weight': 0,
    'high_weight': 80,
    'broad_rule_max_conditions': 1,
    'match_keys': list(DEFAULT_MATCH_KEYS),
    'fail_on_unprotected': False,
    'fail_on_unreviewed': False,
}
DETECTION_FIELDS = (
    'detection_id', 'detect_time', 'detect_time_iso', 'action_status',
    'instance_no', 'server_name', 'host_name', 'private_ip', 'container_name',
    'process_name', 'process_arg', 'executor', 'parent_process_name', 'parent_process_arg', 'parent_executor',
    'command', 'memo',
)
TARGET_FIELDS = ('instance_no', 'server_name', 'agent_status', 'server_group_id', 'server_group_name', 'ip_address')
# Long attacker-controlled text is cut in reason sentences (the record keeps it whole in the detection).
REASON_TEXT_MAX = 120
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f]')


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
    text = _CONTROL.sub('\ufffd', ' '.join(('%s' % (text,)).split())) if text is not None else ''
    return text if len(text) <= REASON_TEXT_MAX else text[:REASON_TEXT_MAX - 1] + '\u2026'


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def _int(value, name, minimum=0):
    if isinstance(value, bool):
        raise AuditInputError('%s must be a whole number, got %r.' % (name, value))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AuditInputError('%s must be a whole number, got %r.' % (name, value))
    if number < minimum:
        raise AuditInputError('%s must be %d or more, got %d.' % (name, minimum, number))
    return number


def check_policy(policy):
    """The policy with defaults filled in and numbers checked."""
    merged = dict(DEFAULT_POLICY)
    merged.update(dict((k, v) for k, v in (policy or {}).items() if v is not None))
    for name in ('min_weight', 'high_weight', 'broad_rule_max_conditions'):
        merged[name] = _int(merged[name], name)
    if not isinstance(merged['match_keys'], (list, tuple)):
        raise AuditInputError('match_keys must be a list of key names, got %r.' % (merged['match_keys'],))
    merged['match_keys'] = list(merged['match_keys'])
    return merged


def _files(detection):
    """Suspicion files trimmed, joined with the hash-scan result of their suspicious objects when enriched."""
    objects = dict((o.get('suspicion_file_id'), o) for o in detection.get('suspicious_objects') or [] if isinstance(o, dict))
    files = []
    for item in detection.get('suspicion_files') or []:
        if not isinstance(item, dict):
            continue
        entry = {'file_origin_name': item.get('file_origin_name'), 'weight': item.get('weight')}
        obj = objects.get(item.get('suspicion_file_id'))
        if obj is not None:
            entry.update(sha1=obj.get('sha1'), hash_scan_result=obj.get('hash_scan_result'), quarantined=bool(obj.get('quarantined')))
        files.append(entry)
    return files


def _weight(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def trim_detection(detection):
    """The detection as the record keeps it: the evidence fields, without the API's bookkeeping."""
    out = dict((f, detection.get(f)) for f in DETECTION_FIELDS)
    out['suspicion_files'] = _files(detection)
    out['suspicion_ips'] = [{'suspicion_ip': i.get('suspicion_ip'), 'country': i.get('country')}
                            for i in detection.get('suspicion_ips') or [] if isinstance(i, dict)]
    out['max_weight'] = max([_weight(f['weight']) for f in out['suspicion_files']] or [0])
    return out


def in_window(detection, start):
    """A detection without a usable time is kept (the audit never drops what it cannot place)."""
    moment = detection.get('detect_time')
    if isinstance(moment, bool) or not isinstance(moment, (int, float)):
        return True
    return moment >= start


def _newest_first(detections):
    return sorted(detections, key=lambda d: -d['detect_time'] if isinstance(d.get('detect_time'), (int, float)) else 0)


class Findings(object):
    """Collects findings; the ID names the problem so it stays the same from run to run."""

    def __init__(self):
        self.items = []

    def add(self, fid, kind, severity, message, scope='account', host=None, subject=None, rule_id=None, detection_id=None):
        self.items.append({'id': fid, 'scope': scope, 'host': host, 'severity': severity, 'kind': kind,
                           'subject': subject if subject is not None else host, 'message': message,
                           'rule_id': rule_id, 'detection_id': detection_id})

    def sorted(self):
        rank = dict((s, n) for n, s in enumerate(SEVERITIES))
        return sorted(self.items, key=lambda f: (rank.get(f['severity'], 9), f['scope'] != 'host', '%s' % f['subject'], f['id']))


def _rule_label(rule):
    return "rule '%s' (%s)" % (_short(rule.get('excepted_rule_name')), rule.get('excepted_rule_id'))


def _rule_findings(findings, rules, policy):
    for rule in rules:
        rid = '%s' % rule.get('excepted_rule_id')
        label = _rule_label(rule)
        if not is_active(rule):
            if rule.get('disabled'):
                findings.add('rule/%s/rule_disabled' % rid, 'rule_disabled', 'low',
                             '%s is disabled: it silences nothing; delete it or enable it on purpose.' % label,
                             subject=label, rule_id=rid)
            continue
        compared = compared_fields(rule)
        target = rule.get('except_target_type')
        if compared == 0:
            findings.add('rule/%s/overbroad_rule' % rid, 'overbroad_rule', 'high',
                         '%s compares no field (all six conditions NOT_USE): it silences every behaviour on its target '
                         '(%s %s).' % (label, target, _short(rule.get('except_target_name') or rule.get('except_target') or 'every server')),
                         subject=label, rule_id=rid)
        elif target == 'everyServer' and compared <= policy['broad_rule_max_conditions']:
            findings.add('rule/%s/overbroad_rule' % rid, 'overbroad_rule', 'medium',
                         '%s applies to every server and compares only %s.' % (label, _plural(compared, 'field')),
                         subject=label, rule_id=rid)
        if rule.get('group_is_deleted'):
            findings.add('rule/%s/rule_group_deleted' % rid, 'rule_group_deleted', 'medium',
                         "%s targets server group '%s', which was deleted." % (label, _short(rule.get('except_target_name') or rule.get('except_target'))),
                         subject=label, rule_id=rid)


def _detection_findings(findings, detection, policy):
    did = detection['detection_id']
    where = _short(detection.get('host') or detection.get('server_name') or detection.get('instance_no'))
    label = 'detection %s on %s' % (did, where)
    heavy = [f for f in detection['suspicion_files'] if _weight(f['weight']) >= policy['high_weight']]
    if heavy:
        files = ', '.join('%s: %s' % (_short(f['file_origin_name']), f['weight']) for f in heavy)
        findings.add('detection/%s/high_weight_file' % did, 'high_weight_file', 'high' if detection['unreviewed'] else 'medium',
                     '%s has %s weighing %d or more (%s).' % (label, _plural(len(heavy), 'suspicion file'), policy['high_weight'], files),
                     subject=label, host=detection.get('host'), detection_id=did)
    for number, item in enumerate(detection['suspicion_files']):
        if item.get('hash_scan_result') == 'malware' and not item.get('quarantined'):
            findings.add('detection/%s/malware_not_quarantined/%d' % (did, number), 'malware_not_quarantined', 'critical',
                         '%s: the hash scan calls %s malware and it is not quarantined.' % (label, _short(item['file_origin_name'])),
                         subject=label, host=detection.get('host'), detection_id=did)


def _since(lookback):
    """The window in words that stay the same from run to run (the digest must not move with the clock)."""
    text = ('%s' % (lookback,)).strip()
    return 'in the last %s' % text if text[:1].isdigit() and text[-1:].isalpha() else 'since %s' % text


def _host_reasons(findings, name, entry, policy):
    target = entry['target']
    if target is None:
        findings.add('host/%s/not_registered' % name, 'not_registered', 'high',
                     'not registered as a WBD detection target (no target matched by %s).' % ', '.join(policy['match_keys']),
                     scope='host', host=name)
    elif target.get('agent_status') != 'enable':
        findings.add('host/%s/agent_not_enabled' % name, 'agent_not_enabled', 'high',
                     "agent status is '%s' on detection target %s (instance %s); only an enabled agent detects."
                     % (_short(target.get('agent_status')), _short(target.get('server_name')), target.get('instance_no')),
                     scope='host', host=name)
    unreviewed = [d for d in entry['detections'] if d['unreviewed']]
    if unreviewed:
        newest = unreviewed[0]
        findings.add('host/%s/unreviewed_detections' % name, 'unreviewed_detections', 'high',
                     '%s %s not covered by an active exception rule (newest %s: %s).'
                     % (_plural(len(unreviewed), 'unconfirmed detection'), _since(policy['lookback']), newest.get('detect_time_iso'),
                        _short(newest.get('process_name'))),
                     scope='host', host=name)


def server_findings(findings, unmatched):
    """One finding per server whose detections no inventory host matches (the merge of job slices rebuilds them too)."""
    by_server = {}
    for detection in unmatched:
        by_server.setdefault('%s' % detection.get('instance_no'), []).append(detection)
    for instance, items in sorted(by_server.items()):
        label = 'server %s (instance %s)' % (_short(items[0].get('server_name') or items[0].get('host_name')), instance)
        findings.add('server/%s/unmatched_detections' % instance, 'unmatched_detections', 'medium',
                     '%s in the window on %s, which no inventory host matches (%s unconfirmed).'
                     % (_plural(len(items), 'detection'), label, sum(1 for d in items if d.get('action_status') != 'confirmed')),
                     subject=label)


def evaluate(hosts, targets, detections, rules, excepted=None, policy=None, now_ms=None, run=None):
    """The audit record (docs/audit-record.md) for inventory ``hosts`` and the WBD lists (normalised records).

    ``hosts``: ``[{'name': inventory_hostname, <match key>: value or list, ...}]``; ``excepted``: excepted
    detections (None when not fetched); ``now_ms``: the run time; ``run``: extra run metadata to keep.
    """
    policy = check_policy(policy)
    span = window(policy['lookback'], now_ms)
    policy.update(window_start_ms=span['window_start_ms'], window_start_iso=span['window_start_iso'])
    start = span['window_start_ms']
    index = HostIndex(hosts, policy['match_keys'])
    group_of = dict(('%s' % t.get('instance_no'), t.get('server_group_id')) for t in targets)
    target_of_host = match_targets(index, targets)
    host_of_instance = dict(('%s' % t.get('instance_no'), (host, key)) for host, (t, key) in target_of_host.items())

    entries = {}
    for host in sorted(h['name'] for h in hosts):
        target, key = target_of_host.get(host, (None, None))
        entries[host] = {'name': host, 'status': 'compliant', 'reasons': [], 'matched_by': key,
                         'target': dict((f, target.get(f)) for f in TARGET_FIELDS) if target else None, 'detections': []}
    unmatched = []
    covers = {}
    for raw in _newest_first(d for d in detections if in_window(d, start)):
        detection = trim_detection(raw)
        host, key = match_detection(index, raw, host_of_instance)
        detection['host'], detection['matched_by'] = host, key
        detection['covered_by'] = covering_rules(rules, raw, group_of.get('%s' % raw.get('instance_no')))
        for rid in detection['covered_by']:
            covers.setdefault(rid, []).append(detection['detection_id'])
        counts = detection['max_weight'] >= policy['min_weight']
        detection['unreviewed'] = bool(host is not None and detection.get('action_status') != 'confirmed' and not detection['covered_by'] and counts)
        (entries[host]['detections'] if host is not None else unmatched).append(detection)

    hides = None
    if excepted is not None:
        hides = {}
        for raw in excepted:
            if in_window(raw, start):
                for rid in covering_rules(rules, raw, group_of.get('%s' % raw.get('instance_no'))):
                    hides[rid] = hides.get(rid, 0) + 1

    every = [d for e in entries.values() for d in e['detections']] + unmatched
    findings = Findings()
    for name, entry in entries.items():
        _host_reasons(findings, name, entry, policy)
    for detection in every:
        _detection_findings(findings, detection, policy)
    server_findings(findings, unmatched)
    _rule_findings(findings, rules, policy)
    ordered = findings.sorted()

    by_host = {}  # one pass over the findings, not one per host
    for finding in ordered:
        if finding['scope'] == 'host':
            by_host.setdefault(finding['host'], []).append(finding)
    for name, entry in entries.items():
        entry['reasons'] = [f['message'] for f in by_host.get(name, [])]
        kinds = set(f['kind'] for f in by_host.get(name, []))
        entry['status'] = ('unprotected' if kinds & set(('not_registered', 'agent_not_enabled'))
                           else 'unreviewed' if 'unreviewed_detections' in kinds else 'compliant')
        entry['detection_count'] = len(entry['detections'])
        entry['unreviewed_count'] = sum(1 for d in entry['detections'] if d['unreviewed'])
        entry['covered_count'] = sum(1 for d in entry['detections'] if d['covered_by'])

    rule_records = []
    for rule in rules:
        summary = rule_summary(rule)
        summary['covers'] = covers.get(summary['rule_id'], [])
        summary['hides'] = None if hides is None else hides.get(summary['rule_id'], 0)
        rule_records.append(summary)

    run_meta = dict(collection_version=COLLECTION_VERSION)
    run_meta.update(run or {})
    run_meta.update(started_at_ms=now_ms, started_at_iso=span['now_iso'], policy=policy)
    record = {
        'schema_version': SCHEMA_VERSION,
        'generator': GENERATOR,
        'run': run_meta,
        'summary': {
            'hosts': len(entries),
            'unprotected': sum(1 for e in entries.values() if e['status'] == 'unprotected'),
            'unreviewed': sum(1 for e in entries.values() if e['status'] == 'unreviewed'),
            'compliant': sum(1 for e in entries.values() if e['status'] == 'compliant'),
            'detections': len(every),
            'unreviewed_detections': sum(1 for d in every if d['unreviewed']),
            'covered_detections': sum(1 for d in every if d['covered_by']),
            'unmatched_detections': len(unmatched),
            'targets': len(targets),
            'exception_rules': len(rules),
            'active_exception_rules': sum(1 for r in rules if is_active(r)),
            'findings': len(ordered),
            'findings_by_severity': dict((s, sum(1 for f in ordered if f['severity'] == s)) for s in SEVERITIES),
        },
        'hosts': entries,
        'unmatched_detections': unmatched,
        'exception_rules': rule_records,
        'findings': ordered,
    }
    try:
        record['content_digest'] = content_digest(record)
    except UnicodeEncodeError:
        # Lone surrogates (JSON can carry them as escapes) are not UTF-8: neither the digest, nor Ansible, nor a
        # report could encode the record. They become U+FFFD, as report_common.prepare_record does.
        record = scrub_surrogates(record)
        record['content_digest'] = content_digest(record)
    return record
