# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What changed since the last run, and what a run did: the ``changes`` and ``actions`` parts of a report.

Auditors ask first what is new since yesterday. Each report run compares its record with the previous JSON report in
the report directory, but only one written by audit_report for the same endpoint and the same inventory scope: any
other comparison would list differences that are not changes, so the report says why it compared nothing instead.
The previous report is checked from the few top-level lines it needs (``generator``, ``schema_version``, ``run``)
before it is read, and then only as far as the comparison needs it (``read_lean``): a detection a line, each kept
down to its ID. Both parts stay out of the content digest, like ``run``: they describe the run, not the
findings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import DETECTION_LISTS, GENERATOR, SCHEMA_VERSION
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import summarized
from ansible_collections.ncloud.wbd.plugins.module_utils._json import loads_values

ACTION_STATUSES = ('planned', 'done', 'failed', 'skipped')
ACTION_KEYS = ('kind', 'resource', 'reason', 'status', 'message')
# The lists of ``changes`` and what their counts are called (set_stats, the module result).
CHANGE_LISTS = ('findings_new', 'findings_resolved', 'hosts_changed', 'rules_added', 'rules_removed', 'rules_changed', 'detections_new')
# The parts of a rule that make it a different rule when they change (not its covers: those follow the detections).
RULE_PARTS = ('name', 'target_type', 'target', 'active', 'disabled', 'conditions')
_TOP = re.compile(r'^  "((?:[^"\\]|\\.)*)": (.*)$')
_WANTED = ('changes', 'content_digest', 'generator', 'run', 'schema_version')  # sorted
_DECODER = json.JSONDecoder()


def _text(value):
    return '' if value is None else '%s' % (value,)


def scope_key(run):
    """What makes two runs' scopes the same: the inventory hosts they audited (the whole scope when it lists none)."""
    scope = (run or {}).get('inventory_scope')
    if isinstance(scope, dict) and isinstance(scope.get('hosts'), list):
        return sorted(_text(h) for h in scope['hosts'])
    return scope


def _head(path):
    """{key: value} of generator, schema_version and run of a JSON report laid out as audit_report writes it; None
    when the file is not laid out so. Reads line by line, looks only at top-level lines (two spaces and a quote: a
    cheap test that skips the detections) and stops after ``schema_version`` (the keys are sorted)."""
    found = {}
    with open(path, 'rb') as handle:
        if handle.readline() != b'{\n':
            return None
        lines = iter(handle)
        for raw in lines:
            if not raw.startswith(b'  "'):
                continue
            match = _TOP.match(raw.decode('utf-8').rstrip('\r\n'))
            if match is None:
                continue
            if match.group(1) > _WANTED[-1]:
                break
            if match.group(1) not in _WANTED:
                continue
            value = match.group(2).rstrip(',')
            if value in ('{', '['):
                value = _gather(value, (line.decode('utf-8') for line in lines), 1)
            found[match.group(1)] = json.loads(value)
            if len(found) == len(_WANTED):
                break
    return found if 'generator' in found else None


def _gather(opening, lines, depth):
    """The JSON text of a value laid out over several lines (its opening ``{`` or ``[`` already read), up to its
    closing line, which is at the indentation of its key (``depth`` levels)."""
    closing = '  ' * depth + {'{': '}', '[': ']'}[opening]
    parts = [opening]
    for more in lines:
        line = more.rstrip('\r\n')
        parts.append(line)
        if line.rstrip(',') == closing:
            return '\n'.join(parts).rstrip(',')
    raise ValueError('the report ends inside a value')


def changes_since(path, record):
    """The ``changes`` of ``record`` against the JSON report at ``path``. A report of this very run (the same start
    and content digest: the record rendered again) gives its own ``changes`` back, so rendering again changes nothing."""
    try:
        head = _head(path) if os.path.exists(path) else None
    except (IOError, OSError, ValueError) as err:
        return not_compared('not compared: the previous report %s could not be read (%s)' % (os.path.basename(path), err))
    run = (record.get('run') or {}).get('started_at_iso')
    if head and (head.get('run') or {}).get('started_at_iso') == run and head.get('content_digest') == record.get('content_digest'):
        if isinstance(head.get('changes'), dict):
            return head['changes']
    previous, why = previous_report(path, record, head)
    return compare(previous, record) if previous is not None else not_compared(why)


def previous_report(path, record, head):
    """(previous record, None) when the JSON report at ``path`` (its first lines ``head``) can be compared with
    ``record``; (None, why not)."""
    if not os.path.exists(path):
        return None, 'no previous record: this is the first run in this report directory'
    try:
        if head is None or head.get('generator') != GENERATOR or head.get('schema_version') != SCHEMA_VERSION:
            return None, 'not compared: %s is not an audit_report JSON report of schema version %d' % (os.path.basename(path), SCHEMA_VERSION)
        before, now = head.get('run') or {}, record.get('run') or {}
        if before.get('endpoint') != now.get('endpoint'):
            return None, 'not compared: the previous run (%s) read another endpoint (%s)' % (_text(before.get('started_at_iso')), _text(before.get('endpoint')))
        if scope_key(before) != scope_key(now):
            return None, 'not compared: the previous run (%s) audited another inventory scope' % _text(before.get('started_at_iso'))
        previous = read_lean(path)
    except (IOError, OSError, ValueError) as err:
        return None, 'not compared: the previous report %s could not be read (%s)' % (os.path.basename(path), err)
    if not isinstance(previous, dict) or not isinstance(previous.get('findings'), list) or not isinstance(previous.get('hosts'), dict):
        return None, 'not compared: the previous report %s is not a whole audit record' % os.path.basename(path)
    return previous, None


def _detections(record):
    """Every detection of a record, wherever the audit filed it (a detection may move between lists from run to run)."""
    for host in (record.get('hosts') or {}).values():
        yield from (host or {}).get('detections') or []
    for key in DETECTION_LISTS:
        yield from record.get(key) or []


def _new_detections(record, seen, since):
    """The detections of ``record`` whose ID is not in ``seen`` and whose time is not before ``since`` (decoded)."""
    hosts = record.get('hosts') or {}
    for items in [(host or {}).get('detections') for host in hosts.values()] + [record.get(key) for key in DETECTION_LISTS]:
        for summary in summarized(items or []):
            did, when, load = summary[0], summary[1], summary[4]
            if _text(did) not in seen and not (isinstance(when, int) and isinstance(since, int) and when < since):
                yield load()


# What compare reads of a previous report, by key: a detection list is kept down to its detection IDs, a mapping
# of them (``hosts``) key by key; the sections of a report run (``changes``, ``actions``) and the ones compare does not
# read are skipped. Any other key is parsed whole (it is small).
_KEPT_IDS = 'ids'
_SKIPPED = ('actions', 'changes', 'completeness', 'scope', 'summary')
LEAN_LAYOUT = dict([('hosts', {'*': {'detections': _KEPT_IDS}})] + [(key, _KEPT_IDS) for key in DETECTION_LISTS] + [(key, None) for key in _SKIPPED])


class _WholeRead(Exception):
    """The previous report is not laid out a detection a line (an earlier release's report): read it whole."""


def read_lean(path):
    """The previous JSON report at ``path`` as far as ``compare`` reads it: each detection only as {detection_id}.

    A report laid out a detection a line is read a line at a time (memory does not grow with whole detections); one in
    the older, fully indented layout is read whole."""
    try:
        with open(path, 'rb') as handle:
            if handle.readline() != b'{\n':
                raise _WholeRead()
            return _lean_object((raw.decode('utf-8').rstrip('\r\n') for raw in handle), LEAN_LAYOUT, 0)
    except _WholeRead:
        with open(path, 'rb') as handle:
            return json.loads(handle.read().decode('utf-8'))


def _lean_object(lines, layout, depth):
    """The object whose ``{`` opened the line before ``lines``, up to its closing line, each value as ``layout`` says."""
    found = {}
    pad, closing = '  ' * (depth + 1), '  ' * depth + '}'
    for line in lines:
        if line.rstrip(',') == closing:
            return found
        if not line.startswith(pad + '"'):
            raise _WholeRead()
        key, value = _member(line.partition(pad)[2])
        kept = layout.get(key, layout.get('*'))
        if kept is None and key in layout:
            if value in ('{', '['):
                _gather(value, lines, depth + 1)
        elif kept == _KEPT_IDS and value == '[':
            found[key] = _lean_ids(lines, depth + 1)
        elif isinstance(kept, dict) and value == '{':
            found[key] = _lean_object(lines, kept, depth + 1)
        else:
            found[key] = json.loads(_gather(value, lines, depth + 1) if value in ('{', '[') else value)
    raise ValueError('the report ends inside an object')


def _member(text):
    """(key, the value's text on this line) of a ``"key": value`` line."""
    key, end = _DECODER.raw_decode(text)
    rest = text[end:]
    if not isinstance(key, str) or not rest.startswith(': '):
        raise _WholeRead()
    return key, rest[2:].rstrip(',')


def _lean_ids(lines, depth):
    """The list whose ``[`` opened the line before ``lines``, each detection (one line) kept as {detection_id}."""
    kept = []
    closing = '  ' * depth + ']'
    for line in lines:
        if line.rstrip(',') == closing:
            return kept
        item = line.strip().rstrip(',')
        if item in ('{', '['):
            raise _WholeRead()
        found = loads_values(item, ('detection_id',))
        if found is not None:
            kept.append({'detection_id': found[0]})
    raise ValueError('the report ends inside a list')


def _finding(f):
    return dict((k, f.get(k)) for k in ('id', 'severity', 'kind', 'subject', 'host', 'rule_id', 'detection_id'))


def _rule(r):
    return {'rule_id': r.get('rule_id'), 'name': r.get('name'), 'action_name': r.get('action_name')}


def _rule_changes(before, now):
    """(added, removed, changed) rules by rule ID; a change names the parts that differ."""
    old = dict((_text(r.get('rule_id')), r) for r in before if isinstance(r, dict))
    new = dict((_text(r.get('rule_id')), r) for r in now if isinstance(r, dict))
    added = [_rule(new[i]) for i in sorted(new) if i not in old]
    removed = [_rule(old[i]) for i in sorted(old) if i not in new]
    changed = []
    for rid in sorted(set(old) & set(new)):
        parts = [p for p in RULE_PARTS if old[rid].get(p) != new[rid].get(p)]
        if parts:
            changed.append(dict(_rule(new[rid]), changed=parts))
    return added, removed, changed


def compare(previous, record):
    """The ``changes`` of ``record`` since ``previous`` (both audit records)."""
    old_ids = set(_text(f.get('id')) for f in previous.get('findings') or [] if isinstance(f, dict))
    new_ids = set(_text(f.get('id')) for f in record.get('findings') or [])
    hosts_before = previous.get('hosts') or {}
    hosts_changed = []
    for name, host in sorted((record.get('hosts') or {}).items()):
        was = (hosts_before.get(name) or {}).get('status') if isinstance(hosts_before.get(name), dict) else None
        if was is not None and was != host.get('status'):
            hosts_changed.append({'host': name, 'before': was, 'after': host.get('status')})
    seen = set(_text(d.get('detection_id')) for d in _detections(previous) if isinstance(d, dict))
    since = ((previous.get('run') or {}).get('policy') or {}).get('window_start_ms')
    # Kept as the few keys a change shows, one detection at a time: a record's detections may be decoded on demand, and
    # from the summaries of a record read from its file only the new ones are.
    fresh = [
        dict((k, d.get(k)) for k in ('detection_id', 'host', 'instance_no', 'server_name', 'detect_time_iso', 'process_name', 'action_status'))
        for d in _new_detections(record, seen, since)
    ]
    added, removed, changed = _rule_changes(previous.get('exception_rules') or [], record.get('exception_rules') or [])
    run = previous.get('run') or {}
    return {
        'compared': True,
        'reason': None,
        'previous': {'started_at_iso': run.get('started_at_iso'), 'content_digest': previous.get('content_digest')},
        'findings_new': [_finding(f) for f in record.get('findings') or [] if _text(f.get('id')) not in old_ids],
        'findings_resolved': [_finding(f) for f in previous.get('findings') or [] if isinstance(f, dict) and _text(f.get('id')) not in new_ids],
        'hosts_changed': hosts_changed,
        'rules_added': added,
        'rules_removed': removed,
        'rules_changed': changed,
        'detections_new': fresh,
    }


def not_compared(reason):
    """The ``changes`` of a run that compared nothing, saying why."""
    return dict([('compared', False), ('reason', reason), ('previous', None)] + [(name, []) for name in CHANGE_LISTS])


def change_counts(changes):
    """{list: count} of ``changes`` plus whether it compared anything: what set_stats and the module result carry."""
    counts = dict((name, len(changes.get(name) or [])) for name in CHANGE_LISTS)
    counts.update(compared=bool(changes.get('compared')), reason=changes.get('reason'), previous=(changes.get('previous') or {}).get('started_at_iso'))
    return counts


def check_actions(actions):
    """The ``actions`` option checked: a list of {kind, resource, reason, status, message}; ValueError (one line).
    Other keys (a remediation's own bookkeeping) are left out of the reports, not refused.
    """
    if actions is None:
        return None
    out = []
    for number, action in enumerate(actions):
        if not isinstance(action, dict):
            raise ValueError('actions[%d] must be a mapping with kind, resource, reason, status and message' % number)
        if action.get('status') not in ACTION_STATUSES:
            raise ValueError('actions[%d].status must be one of %s, got %r' % (number, ', '.join(ACTION_STATUSES), action.get('status')))
        for key in ('kind', 'resource'):
            if not isinstance(action.get(key), str) or not action[key]:
                raise ValueError('actions[%d].%s must be a non-empty string' % (number, key))
        out.append(dict((k, action[k] if k in ('kind', 'resource', 'status') else _text(action.get(k))) for k in ACTION_KEYS))
    return out


def action_counts(actions):
    """{status: count} of the actions (every status, 0 when none)."""
    return dict((s, sum(1 for a in actions or [] if a['status'] == s)) for s in ACTION_STATUSES)


def title(changes):
    """The section title: ``Changes since <previous run start>``, or ``Changes since the previous run``."""
    previous = (changes or {}).get('previous') or {}
    return 'Changes since %s' % (previous.get('started_at_iso') or 'the previous run')


def lines(changes):
    """[(kind, text)] of the changes, a line each (the renderers escape the text for their format)."""
    if not changes.get('compared'):
        return [('not_compared', _text(changes.get('reason')))]
    out = []
    for f in changes['findings_new']:
        out.append(('finding_new', '%s %s: %s' % (_text(f['severity']), _text(f['kind']), _text(f['subject']))))
    for f in changes['findings_resolved']:
        out.append(('finding_resolved', '%s %s: %s' % (_text(f['severity']), _text(f['kind']), _text(f['subject']))))
    for h in changes['hosts_changed']:
        out.append(('host_status_changed', '%s: was %s, now %s' % (_text(h['host']), _text(h['before']), _text(h['after']))))
    for kind, key in (('rule_added', 'rules_added'), ('rule_removed', 'rules_removed'), ('rule_changed', 'rules_changed')):
        for r in changes[key]:
            what = ' (%s)' % ', '.join(r['changed']) if r.get('changed') else ''
            by = ' by %s' % _text(r['action_name']) if r.get('action_name') else ''
            out.append((kind, "rule '%s' (%s)%s%s" % (_text(r['name']), _text(r['rule_id']), what, by)))
    for d in changes['detections_new']:
        where = _text(d['host'] or d['server_name'] or d['instance_no'])
        out.append(('detection_new', '%s on %s at %s (%s)' % (_text(d['detection_id']), where, _text(d['detect_time_iso']), _text(d['process_name']))))
    return out or [('no_change', 'no change since the previous run')]
