# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the audit_evaluate action (shared with its documentation module), what it keeps of them in the record
and what it derives from a record: the failure policy and the incomplete-data line the role acts on."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import auth_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import DEFAULT_CONCURRENCY

AUTH_OPTIONS = tuple(sorted(auth_argument_spec()))
# The options the role sets from its webshell_audit_<option> variables (messages name the variable for role users).
ROLE_OPTIONS = AUTH_OPTIONS + ('page_size', 'concurrency')
# A name with an underscore is an option wherever it stands; a plain word (site, timeout) only where a sentence
# uses it as one ("set timeout", "timeout must ...", "timeout: 5"), never inside NCLOUD_* names or other words.
_COMPOUND = re.compile(r'(?<![A-Za-z0-9_])(%s)(?![A-Za-z0-9_])' % '|'.join(n for n in ROLE_OPTIONS if '_' in n))
_PLAIN = re.compile(
    r'(?<![A-Za-z0-9_])(?:(?<=[Ss]et )(%s)(?![A-Za-z0-9_])|(%s)(?= must |: |=))'
    % ('|'.join(n for n in ROLE_OPTIONS if '_' not in n), '|'.join(n for n in ROLE_OPTIONS if '_' not in n))
)


def audit_evaluate_argument_spec():
    """The connection options (the action passes on only those set on the task, so module_defaults for the group
    still reach the info modules it runs), the fetch options and the audit's own."""
    spec = auth_argument_spec()
    spec.update(
        page_size=dict(type='int', default=100),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        suspicious_objects=dict(type='bool', default=False),
        excepted=dict(type='bool', default=True),
        hosts=dict(type='list', elements='str'),
        instance_no_var=dict(type='str', default='webshell_audit_instance_no'),
        server_name_var=dict(type='str', default='webshell_audit_server_name'),
        policy=dict(type='dict'),
        run=dict(type='dict'),
        record_dir=dict(type='path'),
        return_record=dict(type='bool', default=False),
        host_detections=dict(type='bool', default=False),
        fact=dict(type='str', default='webshell_audit_result'),
        failing_fact=dict(type='str', default='webshell_audit_failing_hosts'),
        variable_prefix=dict(type='str'),
        rule_baseline=dict(type='path'),
    )
    return spec


def role_names(message, prefix):
    """``message`` with the role's options named as its variables (access_key -> webshell_audit_access_key) when
    ``prefix`` is set; NCLOUD_* environment names stay, as they serve role users too."""
    if not prefix:
        return message
    message = _COMPOUND.sub(lambda m: prefix + m.group(1), message)
    return _PLAIN.sub(lambda m: prefix + (m.group(1) or m.group(2)), message)


def record_endpoint(endpoint, site):
    """The base URL the record names as the API it read: the one the info modules resolve from ``endpoint`` and
    ``site`` (the options, environment fallbacks applied), without user information (``user:pass@``); None when
    they name no valid API (the lists would have failed first)."""
    try:
        url = urlsplit(resolve_endpoint(endpoint or None, site or None))
    except WbdConfigError:
        return None
    return urlunsplit(url._replace(netloc=url.netloc.rpartition('@')[2]))


def record_run(args):
    """The ``run`` metadata for the record: the task's ``run``, with the endpoint the lists were read from unless it
    names one itself (``args``: the validated options of audit_evaluate)."""
    run = dict(args.get('run') or {})
    if args.get('rule_baseline') and 'rule_baseline' not in run:
        run['rule_baseline'] = args['rule_baseline']
    if 'endpoint' in run:
        return run
    return dict([('endpoint', record_endpoint(args.get('endpoint'), args.get('site')))] + list(run.items()))


def hosts_failing(record):
    """The hosts the record's failure policy does not accept, sorted.

    An ``unknown`` host is not failed here: its verdict is not known. The run fails for incomplete data instead
    (``incomplete_message``, webshell_audit_fail_on_incomplete), after the reports are written.
    """
    policy = record['run']['policy']
    failing = []
    for name, entry in record['hosts'].items():
        if entry['status'] == 'unknown':
            continue
        if (policy.get('fail_on_unprotected') and entry['status'] == 'unprotected') or (policy.get('fail_on_unreviewed') and entry['unreviewed_count'] > 0):
            failing.append(name)
    return sorted(failing)


def incomplete_message(record, limit=3):
    """One line naming the record's completeness problems (the first ``limit``), or None when it is complete."""
    completeness = record.get('completeness') or {}
    problems = [p for p in completeness.get('problems') or [] if isinstance(p, dict)]
    if completeness.get('complete', not problems) and not problems:
        return None
    unknown = sorted(name for name, entry in (record.get('hosts') or {}).items() if entry.get('status') == 'unknown')
    shown = ' | '.join('%s: %s' % (p.get('kind'), p.get('message')) for p in problems[:limit])
    more = ' (and %d more)' % (len(problems) - limit) if len(problems) > limit else ''
    hosts = ', '.join(unknown[:10]) + (' and %d more' % (len(unknown) - 10) if len(unknown) > 10 else '')
    return ' '.join(
        (
            'The audit data are incomplete, so %d host%s %s unknown%s: %s%s. Fix the cause (see the reports), or '
            'set webshell_audit_fail_on_incomplete: false to accept a partial result.'
            % (
                len(unknown),
                '' if len(unknown) == 1 else 's',
                'is' if len(unknown) == 1 else 'are',
                ' (%s)' % hosts if unknown else '',
                shown or 'the record says it is not complete',
                more,
            )
        ).split()
    )
