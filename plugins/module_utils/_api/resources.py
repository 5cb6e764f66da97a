# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WBD list resources: path, operation names, record ID field, field map, search
filters, and the sub-account permission the error messages name when the gateway
answers code 210."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore[attr-defined,no-redef]

from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, filters


class ListResource(object):
    """One paged WBD collection, listed with GET and searched with POST on the same path.

    ``objects_op`` names the per-record suspicious-object call, when the resource has one.
    """

    def __init__(self, path, get_op, search_op, id_key, field_map, search_filters, permission=None, objects_op=None):
        self.path = path
        self.get_op = get_op
        self.search_op = search_op
        self.id_key = id_key
        self.field_map = field_map
        self.filters = search_filters
        self.permission = permission
        self.objects_op = objects_op

    def objects_path(self, record_id):
        # IDs are 22 digits, but they come from the API: never let one add path segments or a query.
        return '%s/%s/suspicious-objects' % (self.path, quote('%s' % (record_id,), safe=''))


# Permission names come from the older gov/fin API guides (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector) and may be dated.
DETECTIONS = ListResource(
    '/api/v1/detections',
    'GetWebshell',
    'SearchWebshell',
    'detectionId',
    fields.DETECTION,
    filters.DETECTION,
    permission='View/getWebShellEvents',
    objects_op='GetWebshellSuspiciousObject',
)
EXCEPTED_DETECTIONS = ListResource(
    '/api/v1/exceptions',
    'GetExceptedWebshell',
    'SearchExceptedWebshell',
    'detectionId',
    fields.DETECTION,
    filters.DETECTION,
    permission='the View permission for excepted detections',
    objects_op='GetExceptedWebshellSuspiciousObject',
)
EXCEPTION_RULES = ListResource(
    '/api/v1/exception-rules',
    'GetExceptionRule',
    'SearchExceptionRule',
    'exceptedRuleId',
    fields.EXCEPTION_RULE,
    filters.EXCEPTION_RULE,
    permission='the View permission for exception rules',
)
DELETED_EXCEPTION_RULES = ListResource(
    '/api/v1/deleted-exception-rules',
    'GetDeletedExceptionRule',
    'SearchDeletedExceptionRule',
    'exceptedRuleId',
    fields.EXCEPTION_RULE,
    filters.DELETED_EXCEPTION_RULE,
    permission='the View permission for exception rules',
)
DETECTION_TARGETS = ListResource(
    '/api/v1/servers',
    'GetDetectionTarget',
    'SearchDetectionTarget',
    'instanceNo',
    fields.DETECTION_TARGET,
    filters.DETECTION_TARGET,
    permission='the View permission for detection settings',
)
QUARANTINES = ListResource(
    '/api/v1/quarantines',
    'GetQuarantine',
    'SearchQuarantine',
    'suspicionFileId',
    fields.SUSPICIOUS_OBJECT,
    filters.QUARANTINE,
    permission='the View permission for quarantines',
)

NOTIFICATION_INTERVAL_PATH = '/api/v1/alarm/interval'
NOTIFICATION_INTERVAL_OP = 'GetNotificationInterval'
NOTIFICATION_INTERVAL_PERMISSION = 'the View permission for notification settings'
