# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each info module does, written once: its options beyond the connection's and its work on a
``connect.Connection``. The modules' main() run an entry as a module; the audit action runs the same entries in its
worker, so a list the audit reads is the list the module returns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api import filters, resources
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import detection_argument_spec, list_argument_spec, output_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._api.notification import interval_record


class InfoOperation(object):
    """One info module: ``argument_spec()`` (its options beyond the connection's), ``work(connection)`` (its result
    dict), the result ``key`` its records or record come under and the API ``operation`` it calls first."""

    def __init__(self, key, argument_spec, work, operation):
        self.key = key
        self.argument_spec = argument_spec
        self.work = work
        self.operation = operation


def _lister(key, resource):
    """The work of a module that lists ``resource`` as it is (suspicious objects when the option asks for them)."""

    def work(connection):
        return connection.list_result(key, resource, with_objects=bool(connection.params.get('suspicious_objects')))

    return work


def _list_exception_rules(connection):
    """The live rules, or the deleted ones with ``deleted``; a deletion window alone would be silently ignored."""
    if connection.params['deleted']:
        return connection.list_result('exception_rules', resources.DELETED_EXCEPTION_RULES)
    for option in ('deleted_since', 'deleted_until'):
        if not filters.is_unset(connection.params.get(option)):
            raise WbdConfigError('%s filters deleted rules; set deleted: true to list them.' % option)
    return connection.list_result('exception_rules', resources.EXCEPTION_RULES)


def _exception_rule_argument_spec():
    spec = list_argument_spec(filters.DELETED_EXCEPTION_RULE)
    spec['deleted'] = dict(type='bool', default=False)
    return spec


def _read_notification_interval(connection):
    result = connection.client.request(
        'GET', resources.NOTIFICATION_INTERVAL_PATH, operation=resources.NOTIFICATION_INTERVAL_OP, permission=resources.NOTIFICATION_INTERVAL_PERMISSION
    )
    return {'notification_interval': interval_record(result, warn=connection.warn)}


def _with_output(argument_spec):
    """``argument_spec`` plus what a list module returns and where (``fields``, ``dest``): the modules' options, not
    the audit's (it reads the same entries' work with its own options)."""

    def spec():
        return dict(argument_spec(), **output_argument_spec())

    return spec


def _list_operation(key, resource, argument_spec):
    return InfoOperation(key, _with_output(argument_spec), _lister(key, resource), resource.get_op)


INFO_OPERATIONS = {
    'detection_info': _list_operation('detections', resources.DETECTIONS, detection_argument_spec),
    'excepted_detection_info': _list_operation('excepted_detections', resources.EXCEPTED_DETECTIONS, detection_argument_spec),
    'exception_rule_info': InfoOperation(
        'exception_rules', _with_output(_exception_rule_argument_spec), _list_exception_rules, resources.EXCEPTION_RULES.get_op
    ),
    'detection_target_info': _list_operation('detection_targets', resources.DETECTION_TARGETS, lambda: list_argument_spec(filters.DETECTION_TARGET)),
    'quarantine_info': _list_operation('quarantines', resources.QUARANTINES, lambda: list_argument_spec(filters.QUARANTINE)),
    'notification_interval_info': InfoOperation('notification_interval', dict, _read_notification_interval, resources.NOTIFICATION_INTERVAL_OP),
}
