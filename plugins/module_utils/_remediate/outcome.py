# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What became of each planned action, from the registered results of the response modules that carried them out:
the rows of the reports' "Actions" section and the counts ``set_stats`` carries.

Statuses: ``planned`` (check mode), ``done`` (the module applied it), ``skipped`` (the module found it already so,
or its call did not run) and ``failed`` (with the module's message). A module that failed after some writes still
lists what it applied, so those actions are ``done``, not failed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._text import one_line

# (action kind, the result key of its module, how an entry names the resource)
ENTRIES = {
    'enable_agent': ('detection_targets', lambda e: '%s' % e.get('instance_no')),
    'quarantine_malware': ('suspicious_objects', lambda e: '%s/%s' % (e.get('detection_id'), e.get('object_id'))),
    'delete_rule': ('exception_rules', lambda e: '%s' % e.get('excepted_rule_id')),
    'annotate_unreviewed': ('detections', lambda e: '%s' % e.get('detection_id')),
}
STATUSES = ('planned', 'done', 'failed', 'skipped')
MESSAGE_MAX = 300


def _results_of(results, kind):
    """The registered results (a list: the detection calls are looped) that may hold the actions of ``kind``."""
    value = results.get(kind)
    if isinstance(value, dict) and isinstance(value.get('results'), list):
        return [r for r in value['results'] if isinstance(r, dict)]
    return [value] if isinstance(value, dict) else []


def _entries(results, kind):
    """({resource id: (entry, its call's result)}, the failed results) of ``kind``."""
    key, ident = ENTRIES[kind]
    found, failed = {}, []
    for result in _results_of(results, kind):
        if result.get('failed'):
            failed.append(result)
        for entry in result.get(key) or []:
            if isinstance(entry, dict):
                found[ident(entry)] = (entry, result)
    return found, failed


def _status(action, entry, result, failed, check_mode):
    """(status, message) of one action."""
    if entry is None:
        if failed:
            return 'failed', one_line('%s' % (failed[0].get('msg') or 'the module failed'), MESSAGE_MAX)
        return 'skipped', 'not carried out: its module call did not run'
    if check_mode:
        return 'planned', ('would call %s' % ', '.join(entry.get('actions') or [])) if entry.get('changed') else 'already so: no write needed'
    if entry.get('actions'):
        return 'done', 'applied %s%s' % (', '.join(entry['actions']), ' (still settling)' if entry.get('pending') else '')
    if result.get('failed'):
        return 'failed', one_line('%s' % (result.get('msg') or 'the module failed'), MESSAGE_MAX)
    return 'skipped', 'already so: no write needed'


def outcome(actions, results, check_mode):
    """The actions with ``status`` and ``message``, and the counts: ``{'actions': [...], 'counts': {...}}``."""
    results = results or {}
    rows = []
    by_kind = {}
    for action in actions:
        kind = action['kind']
        if kind not in by_kind:
            by_kind[kind] = _entries(results, kind)
        found, failed = by_kind[kind]
        entry, result = found.get(action['id'], (None, None))
        status, message = _status(action, entry, result, failed, check_mode)
        rows.append(dict(action, status=status, message=message))
    return {'actions': rows, 'counts': counts(rows)}


def counts(rows):
    """{status: number} over every status, zeros included, and ``total``."""
    out = dict((s, sum(1 for r in rows if r.get('status') == s)) for s in STATUSES)
    out['total'] = len(rows)
    return out


def report_rows(rows):
    """The rows the reports' Actions section takes: kind, resource, reason, status, message."""
    return [dict((k, r.get(k)) for k in ('kind', 'resource', 'reason', 'status', 'message')) for r in rows]
