# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fetch the WBD lists and evaluate the audit in the controller's worker, without Jinja in between.

Passing tens of thousands of detections through a template (registered results into a filter,
the record out of it) makes ansible-core 2.19 copy and inspect every value, which costs far more
than the audit itself. Here the records stay Python objects from the API to the record, and the record is kept in
a private file on the controller (``_audit/record_file.py``); only its path and a few small lists leave as the task
result, unless ``return_record`` asks for the record too.

The four lists are fetched in this worker with the info modules' own code (their entries of
``info_operations.INFO_OPERATIONS`` on a ``connect.Connection``: the same options, validation, environment
fallbacks, credentials, paging and errors), which spares a module process, its JSON output and ansible-core's
parsing of it per list. When the task sets ``environment`` (which only a module process would see) or the
controller's Python lacks requests, the info modules run as modules instead.

Each list is asked for with ``allow_partial: true``: a list whose pages do not add up comes back with
``complete: false`` and its evidence instead of failing the task, so the audit can still write a record
that says which verdicts are ``unknown`` and why (docs/docsite/rst/guide_record_schema.rst, ``completeness``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

import yaml
from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import HAS_REQUESTS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import Connection, validate_options
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.info_operations import INFO_OPERATIONS
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.baseline import BaselineError, check_baseline
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import READ_FIELDS, Audit, AuditInputError, window
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.match import MatchError
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.options import (
    AUTH_OPTIONS,
    audit_evaluate_argument_spec,
    hosts_failing,
    incomplete_message,
    record_run,
    role_names,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record_file import RecordFileError, RecordWriter, materialized
from ansible_collections.ncloud.wbd.plugins.module_utils._gc import paused_gc
from ansible_collections.ncloud.wbd.plugins.plugin_utils.audit_hosts import HostKeysError, host_keys


def list_completeness(module, result):
    """A list result's completeness evidence; a result without any is not taken as complete (never assumed)."""
    evidence = result.get('completeness')
    if isinstance(evidence, dict) and isinstance(evidence.get('complete'), bool):
        return evidence
    return {
        'complete': False,
        'operation': INFO_OPERATIONS[module].operation,
        'problems': [
            'ncloud.wbd.%s returned no completeness evidence, so the list cannot be shown to be whole; update the '
            'collection on the controller so the module and this action match.' % module
        ],
    }


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    variable_prefix = None

    def _list(self, module, args, key, task_vars, warnings, sink=None):
        """One info module's records (its completeness into ``self.lists``), or the task fails with its message.

        With ``sink`` (an object with ``extend(records)``, ``count``, ``value`` and ``close()``, as ``listing.RecordList``)
        the records go to it page by page and the result is its ``value``."""
        name = 'ncloud.wbd.' + module
        started = time.time()
        args = dict(args, allow_partial=True)
        prefix, lists = self.variable_prefix, self.__dict__.setdefault('lists', {})
        if HAS_REQUESTS and not any(self._task.environment or ()):  # [{}] when nothing is set
            records = self._list_here(module, name, args, key, warnings, lists, prefix, sink)
        else:
            result = self._execute_module(module_name=name, module_args=args, task_vars=task_vars)
            warnings.extend(result.get('warnings') or [])
            if result.get('failed') or key not in result:
                raise AnsibleActionFail('%s: %s' % (name, role_names(result.get('msg') or 'returned no %s' % key, prefix)))
            records = result[key]
            lists[key] = list_completeness(module, result)
            if sink is not None:
                sink.extend(records)
                records = sink.value
        self.timings[module] = round(time.time() - started, 2)
        return records

    @staticmethod
    def _list_here(module, name, args, key, warnings, lists=None, prefix=None, sink=None):
        """The info module's work in this worker: the same options, checks, requests and records, no module process."""
        operation = INFO_OPERATIONS[module]
        connection = None
        sinks = {} if sink is None else {'new_sink': lambda: sink}
        try:
            connection = Connection(validate_options(operation.argument_spec(), args), warnings.append, **sinks)
            result = connection.run(operation.work)
        except WbdError as err:
            message = connection.redact(str(err)) if connection is not None else '%s' % err
            raise AnsibleActionFail('%s: %s' % (name, role_names(message, prefix)))
        if lists is not None:
            lists[key] = list_completeness(module, result)
        return result[key]

    @staticmethod
    def _inventory(task_vars, names, args):
        """(play hosts, the inventory's other hosts) with their match keys; the others' servers are out of scope."""
        hostvars = task_vars['hostvars']
        try:
            play = host_keys(hostvars, list(names), instance_no_var=args['instance_no_var'], server_name_var=args['server_name_var'])
            chosen = set(h['name'] for h in play)
            rest = [n for n in (task_vars.get('groups') or {}).get('all') or [] if n not in chosen]
            others = host_keys(hostvars, rest, instance_no_var=args['instance_no_var'], server_name_var=args['server_name_var'])
        except HostKeysError as err:
            raise AnsibleActionFail('audit_evaluate: %s' % (err,))
        return play, others

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        self.timings, self.lists = {}, {}
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(argument_spec=audit_evaluate_argument_spec())
        self.variable_prefix = prefix = args['variable_prefix']
        # Only what the task sets (module_defaults for the group included, since this action is in the group): a default
        # of ours would override the info modules' own fallbacks (environment, credential file).
        connection = dict((k, args[k]) for k in AUTH_OPTIONS if k in self._task.args and args.get(k) is not None)
        paging = dict(connection, page_size=args['page_size'], concurrency=args['concurrency'])
        policy = dict(args['policy'] or {})
        now_ms = int(time.time() * 1000)
        try:
            since = window(policy.get('lookback', '7d'), now_ms)['window_start_ms']
        except AuditInputError as err:
            raise AnsibleActionFail('audit_evaluate: %s%s' % ('%slookback: ' % prefix if prefix else '', err))
        baseline, warnings = read_baseline(args['rule_baseline'], prefix), []
        targets = self._list('detection_target_info', dict(paging), 'detection_targets', task_vars, warnings)
        rules = self._list('exception_rule_info', dict(paging), 'exception_rules', task_vars, warnings)
        names = args['hosts'] if args['hosts'] is not None else task_vars.get('ansible_play_hosts_all', [])
        hosts, others = self._inventory(task_vars, names, args)
        writer = None
        try:
            writer = RecordWriter(args['record_dir'] or private_record_dir())
            with paused_gc():
                out = self._audit(args, paging, policy, now_ms, since, hosts, others, targets, rules, baseline, task_vars, warnings, writer)
        except RecordFileError as err:
            raise AnsibleActionFail('audit_evaluate: %s' % (err,))
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        result.update(out)
        if warnings:
            result['warnings'] = warnings
        return result

    def _audit(self, args, paging, policy, now_ms, since, hosts, others, targets, rules, baseline, task_vars, warnings, writer):
        """The task's result: the detections placed page by page as they arrive (each written to the record file at
        once; by a helper process when the listing has one, see ``_api/offload``), then the excepted detections, the
        judging, the seal and the record file (``conclude``)."""
        prefix = self.variable_prefix
        sink = None
        try:
            audit = Audit(hosts, targets, rules, policy=policy, now_ms=now_ms, others=others, searched_since=since, variable_prefix=prefix, keep=writer.keep)
            sink = AuditSink(audit, writer, self.timings)
            read = list(READ_FIELDS) + (['suspicious_objects'] if args['suspicious_objects'] else [])
            wanted = dict(paging, since=since, suspicious_objects=args['suspicious_objects'], fields=read)
            self._list('detection_info', wanted, 'detections', task_vars, warnings, sink=sink)
            excepted = None
            if args['excepted']:
                excepted = self._list('excepted_detection_info', dict(paging, since=since), 'excepted_detections', task_vars, warnings)
            return sink.conclude(args, dict(excepted=excepted, lists=self.lists, run=record_run(args), baseline=baseline))
        except MatchError as err:
            raise AnsibleActionFail('audit_evaluate: %s%s' % ('%smatch_keys: ' % prefix if prefix else '', err))
        except AuditInputError as err:
            raise AnsibleActionFail('audit_evaluate: %s' % (err,))
        finally:
            if sink is not None:
                sink.release()


class AuditSink(object):
    """Where the detection list's pages go: straight into the audit, so no page outlives its placing (a
    ``listing.RecordList`` would hold them all). ``value`` is how many there were.

    When the listing forks a helper process (``_api/offload``), the placing, and then ``conclude``, happen there: the
    helper holds the placed audit, and the parent gets back only the task's result."""

    costly_extend = True  # placing costs more than normalising: a helper pays even for the fields the audit reads

    def __init__(self, audit, writer, timings):
        self.audit, self.writer, self.timings, self.count = audit, writer, timings, 0
        self.helper = None

    def extend(self, records):
        started = time.time()
        self.audit.add(records)
        self.count += len(records)
        self.timings['place'] = self.timings.get('place', 0) + time.time() - started

    def share_file(self):
        return self.writer.share_file()

    def walked(self, helper):
        """In the parent, after the walk: the helper keeps the placed audit until ``conclude``."""
        self.helper = helper
        self.count = helper.call('count')

    def answer(self, request):
        """In the helper: how many detections it placed, or the task's result (``conclude``)."""
        if request == 'count':
            return self.count
        dummy, args, finish, timings = request
        self.timings.update((k, v) for k, v in timings.items() if k != 'place')
        return conclude(self.audit, self.writer, self.timings, args, finish)

    def conclude(self, args, finish):
        """The task's result (``conclude``), from the helper that placed the detections when there is one."""
        if self.helper is None:
            return conclude(self.audit, self.writer, self.timings, args, finish)
        out = self.helper.call(('conclude', args, finish, dict(self.timings)))
        self.timings.update(out['timings'])
        self.helper.close()
        self.helper = None
        self.writer.handed_over()
        return out

    def release(self):
        """Let the helper end; stop it when the audit failed before ``conclude`` (its error is raised already)."""
        if self.helper is not None:
            self.helper.abort()
            self.helper = None

    @property
    def value(self):
        return self.count

    def close(self):
        """Nothing to release: the audit's record writer is removed by the action on failure."""


def conclude(audit, writer, timings, args, finish):
    """The task's result from a placed ``audit``: judged and sealed (``finish``: the ``Audit.finish`` arguments), the
    record kept by ``writer``. ``timings`` get ``place``, ``evaluate`` and ``keep_record``."""
    started = time.time()
    record = audit.finish(**finish)
    # place: placing the detections while they arrive (within detection_info); evaluate: judging and sealing.
    timings.update(place=round(timings.get('place', 0), 2), evaluate=round(time.time() - started, 2))
    started = time.time()
    path = writer.finish(record)
    timings['keep_record'] = round(time.time() - started, 2)
    return action_result(record, args, timings, path)


def read_baseline(path, prefix=None):
    """The approved rules of the baseline file at ``path`` on the controller (None without one); a bad file fails the
    task with one line naming it, before any list is fetched."""
    if not path:
        return None
    name = '%srule_baseline' % (prefix or '')
    try:
        with open(path, 'rb') as handle:
            data = yaml.safe_load(handle.read().decode('utf-8'))
    except (IOError, OSError) as err:
        raise AnsibleActionFail('audit_evaluate: %s: could not read the rule baseline %s: %s' % (name, path, err.strerror or err))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        where = getattr(err, 'problem_mark', None)
        at = ' (line %d)' % (where.line + 1) if where is not None else ''
        raise AnsibleActionFail('audit_evaluate: %s: the rule baseline %s is not valid YAML%s.' % (name, path, at))
    try:
        return check_baseline(data, path)
    except BaselineError as err:
        raise AnsibleActionFail('audit_evaluate: %s: %s.' % (name, err))


def private_record_dir():
    """Where the record is kept by default: inside the directory ansible-core makes for this ansible-playbook run on
    the controller (0700, shared by its workers, removed when the run ends), so no record outlives its run."""
    return os.path.join(C.DEFAULT_LOCAL_TMP, 'ncloud.wbd-audit')


def action_result(record, args, timings, path):
    """The task result: what is small (the summary, the hosts by verdict, the completeness, each host's facts) and
    the path of the record kept on the controller; the record itself only when ``return_record`` asks for it."""
    failing = hosts_failing(record)
    statuses = record['hosts']
    out = dict(
        changed=False,
        record_path=path,
        content_digest=record['content_digest'],
        summary=record['summary'],
        timings=timings,
        complete=record['completeness']['complete'],
        completeness_problems=[p['message'] for p in record['completeness']['problems']],
        incomplete_message=incomplete_message(record),
        failing_hosts=failing,
        unprotected_hosts=sorted(h for h, entry in statuses.items() if entry['status'] == 'unprotected'),
        unreviewed_hosts=sorted(h for h, entry in statuses.items() if entry['unreviewed_count'] > 0),
        unknown_hosts=sorted(h for h, entry in statuses.items() if entry['status'] == 'unknown'),
        host_facts=[host_fact(name, entry, args['host_detections']) for name, entry in sorted(statuses.items())],
        ansible_facts=dict([(args['failing_fact'], failing)] if args['fact'] else []),
    )
    if args['return_record']:
        record = materialized(record)
        if args['fact']:
            out['ansible_facts'][args['fact']] = record
        else:
            out['record'] = record
    return out


def host_fact(name, entry, detections):
    """A host's facts for the role's publishing loop; its detections only when asked (they are the bulk of the
    record, and ansible-core copies every fact a task sets)."""
    fact = dict(host=name, status=entry['status'], reasons=entry['reasons'], target=entry['target'], unreviewed_count=entry['unreviewed_count'])
    if detections:
        fact['detections'] = [d.decoded() if hasattr(d, 'decoded') else d for d in entry.get('detections') or []]
    return fact
