# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit camelCase -> snake_case maps for WBD records, and the normaliser that applies them.

A generic converter would turn ``privateIPofServer`` into ``private_i_pof_server``,
so every documented field is named here by hand. Millisecond timestamps stay
integers and gain an ISO 8601 UTC twin (``<name>_iso``); IDs become strings (they
are 22 digits, wider than int64). A field the docs do not list is kept, named by the
generic rule, so nothing the API sends is lost.

``null`` where the docs promise a value: a list of records (``suspicionFiles``,
``suspicionIps``, ``wasConfigList``) becomes ``[]``, because every caller iterates it
and "none known" is what null means there; any other field stays ``None`` (never
``''`` or ``0``), so "unknown" stays distinct from "empty". Text is passed through
unchanged, control and bidi characters included: escaping is the job of whatever
displays it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

_EPOCH_DATE = datetime.date(1970, 1, 1)
# Formatted parts of ISO times, reused: "YYYY-MM-DDT" per day (bounded: the API decides which days), "HH:MM:SS" per
# second of the day (at most 86,400) and ".mmmZ" per millisecond.
_ISO_DAYS = {}
_ISO_DAY_LIMIT = 100000
_ISO_CLOCK = {}
_ISO_MILLIS = ['.%03dZ' % millis for millis in range(1000)]


# What normalize does with one field: keep it, stringify an ID, add an ISO twin, or recurse into records.
_PLAIN, _ID, _TIME, _NESTED = range(4)
# Unknown field names are planned once and remembered, up to this many per map (they come from the API).
_PLAN_LIMIT = 1000


class FieldMap(object):
    """How one record type is renamed: ``names`` maps API name to our name."""

    def __init__(self, names, times=(), ids=(), nested=None):
        self.names = names
        self.times = frozenset(times)
        self.ids = frozenset(ids)
        self.nested = nested or {}
        self.steps = {}
        # Our names for documented fields and their ISO twins: an undocumented field spelled like one gets a prefix.
        self.taken = frozenset(list(names.values()) + [names.get(t, generic_snake(t)) + '_iso' for t in self.times])

    def step(self, key):
        """(our name, what to do, ISO name or nested map) for an API field; cached, since every record repeats them."""
        name = self.names.get(key)
        if name is None:
            name = generic_snake(key)
            if name in self.taken:
                name = 'api_' + name  # nothing the API sends is lost, not even a field named like one of ours
        if key in self.nested:
            step = (name, _NESTED, self.nested[key])
        elif key in self.ids:
            step = (name, _ID, None)
        elif key in self.times:
            step = (name, _TIME, name + '_iso')
        else:
            step = (name, _PLAIN, None)
        if len(self.steps) < _PLAN_LIMIT:
            self.steps[key] = step
        return step


def iso8601(ms):
    """ISO 8601 UTC with milliseconds for an epoch-ms value; None when it is not a usable number."""
    if isinstance(ms, bool) or not isinstance(ms, (int, float)):
        return None
    try:
        ms = int(ms)
    except (OverflowError, ValueError):
        return None
    return _iso_int(ms)


def _iso_int(ms):
    """iso8601 for an int. The date comes from a per-day cache and the time of day from a per-second-of-day cache
    (a listing's records share a few days), so most values cost two lookups and no datetime arithmetic."""
    seconds, millis = divmod(ms, 1000)
    days, second_of_day = divmod(seconds, 86400)
    day = _ISO_DAYS.get(days)
    if day is None:
        try:
            day = (_EPOCH_DATE + datetime.timedelta(days=days)).isoformat() + 'T'
        except OverflowError:
            return None
        if len(_ISO_DAYS) >= _ISO_DAY_LIMIT:
            _ISO_DAYS.clear()
        _ISO_DAYS[days] = day
    clock = _ISO_CLOCK.get(second_of_day)
    if clock is None:
        hours, rest = divmod(second_of_day, 3600)
        clock = _ISO_CLOCK[second_of_day] = '%02d:%02d:%02d' % (hours, rest // 60, rest % 60)
    return day + clock + _ISO_MILLIS[millis]


def generic_snake(name):
    """Fallback for fields the docs do not list."""
    name = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', '%s' % (name,))
    return re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name).lower()


def normalize(record, fmap):
    """A new dict with our names; nested lists of records are normalised with their own maps.

    A nested list that is null (or not a list) becomes ``[]`` and its non-object items are dropped;
    null scalars, IDs and times stay ``None`` (times get a ``None`` ISO twin).
    """
    out = {}
    steps = fmap.steps
    for key, value in record.items():
        name, kind, extra = steps.get(key) or fmap.step(key)
        if kind == _PLAIN:
            out[name] = value
        elif kind == _TIME:
            out[name] = value
            out[extra] = _iso_int(value) if type(value) is int else iso8601(value)  # pylint: disable=unidiomatic-typecheck
        elif kind == _ID:
            out[name] = value if value is None or isinstance(value, (bool, str)) else '%s' % (value,)
        else:
            out[name] = [normalize(v, extra) for v in value if isinstance(v, dict)] if isinstance(value, list) else []
    return out


SUSPICION_FILE = FieldMap(
    names={
        'suspicionFileId': 'suspicion_file_id',
        'detectionId': 'detection_id',
        'fileOriginName': 'file_origin_name',
        'fileOwner': 'file_owner',
        'weight': 'weight',
        'accessTime': 'access_time',
        'modifyTime': 'modify_time',
        'changeTime': 'change_time',
    },
    times=('accessTime', 'modifyTime', 'changeTime'),
    ids=('suspicionFileId', 'detectionId'),
)

SUSPICION_IP = FieldMap(
    names={
        'suspicionIpId': 'suspicion_ip_id',
        'detectionId': 'detection_id',
        'suspicionIp': 'suspicion_ip',
        'country': 'country',
        'platform': 'platform',
    },
    ids=('suspicionIpId', 'detectionId'),
)

DETECTION = FieldMap(
    names={
        'detectionId': 'detection_id',
        'instanceNo': 'instance_no',
        'hostName': 'host_name',
        'serverName': 'server_name',
        'containerName': 'container_name',
        'privateIPofServer': 'private_ip',
        'command': 'command',
        'processName': 'process_name',
        'processArg': 'process_arg',
        'processId': 'process_id',
        'executor': 'executor',
        'processIdOfParent': 'parent_process_id',
        'processNameOfParent': 'parent_process_name',
        'processArgOfParent': 'parent_process_arg',
        'executorOfParent': 'parent_executor',
        'uid': 'uid',
        'euid': 'euid',
        'gid': 'gid',
        'egid': 'egid',
        'actionStatus': 'action_status',
        'memo': 'memo',
        'actionTime': 'action_time',
        'detectTime': 'detect_time',
        'collectTime': 'collect_time',
        'lastUpdatedTime': 'last_updated_time',
        'isChecked': 'is_checked',
        'memberNo': 'member_no',
        'detectionRuleId': 'detection_rule_id',
        'suspicionFiles': 'suspicion_files',
        'suspicionIps': 'suspicion_ips',
        'osType': 'os_type',
    },
    times=('actionTime', 'detectTime', 'collectTime', 'lastUpdatedTime'),
    ids=('detectionId', 'instanceNo', 'memberNo', 'detectionRuleId', 'processId', 'processIdOfParent'),
    nested={'suspicionFiles': SUSPICION_FILE, 'suspicionIps': SUSPICION_IP},
)

EXCEPTION_RULE = FieldMap(
    names={
        'disabled': 'disabled',
        'actionName': 'action_name',
        'permission': 'permission',
        'exceptedRuleId': 'excepted_rule_id',
        'exceptedRuleName': 'excepted_rule_name',
        'exceptTargetType': 'except_target_type',
        'exceptTarget': 'except_target',
        'exceptTargetName': 'except_target_name',
        'processName': 'process_name',
        'processNameCondition': 'process_name_condition',
        'processArg': 'process_arg',
        'processArgCondition': 'process_arg_condition',
        'executor': 'executor',
        'executorCondition': 'executor_condition',
        'processNameOfParent': 'parent_process_name',
        'processNameOfParentCondition': 'parent_process_name_condition',
        'processArgOfParent': 'parent_process_arg',
        'processArgOfParentCondition': 'parent_process_arg_condition',
        'executorOfParent': 'parent_executor',
        'executorOfParentCondition': 'parent_executor_condition',
        'createdTime': 'created_time',
        'deletedTime': 'deleted_time',
        'isDeleted': 'is_deleted',
        'memo': 'memo',
        'memberNo': 'member_no',
        'groupIsDeleted': 'group_is_deleted',
    },
    times=('createdTime', 'deletedTime'),
    ids=('exceptedRuleId', 'exceptTarget', 'memberNo'),
)

WAS_CONFIG = FieldMap(
    names={
        'wasType': 'was_type',
        'webRootPath': 'web_root_path',
        'fileUploadPath': 'file_upload_path',
    },
)

DETECTION_TARGET = FieldMap(
    names={
        'instanceNo': 'instance_no',
        'serverName': 'server_name',
        'serverImageName': 'server_image_name',
        'serverStatus': 'server_status',
        'serverType': 'server_type',
        'serverEnvType': 'server_env_type',
        'ipAddress': 'ip_address',
        'agentStatus': 'agent_status',
        'serverGroupId': 'server_group_id',
        'serverGroupName': 'server_group_name',
        'platform': 'platform',
        'wasConfigList': 'was_configs',
        'memo': 'memo',
    },
    ids=('instanceNo', 'serverGroupId'),
    nested={'wasConfigList': WAS_CONFIG},
)

# GetWebshellSuspiciousObject (wbd-api.md 2.5); GetQuarantine returns the same records plus the quarantine time.
SUSPICIOUS_OBJECT = FieldMap(
    names={
        'suspicionFileId': 'suspicion_file_id',
        'detectionId': 'detection_id',
        'hostName': 'host_name',
        'serverName': 'server_name',
        'osType': 'os_type',
        'fileOriginName': 'file_origin_name',
        'quarantineFileName': 'quarantine_file_name',
        'fileSize': 'file_size',
        'sha1': 'sha1',
        'privateIPofServer': 'private_ip',
        'fileAuthority': 'file_authority',
        'fileOwner': 'file_owner',
        'fileGroup': 'file_group',
        'accessTime': 'access_time',
        'modifyTime': 'modify_time',
        'changeTime': 'change_time',
        'instanceNo': 'instance_no',
        'hashScanResult': 'hash_scan_result',
        'memo': 'memo',
        'weight': 'weight',
        'status': 'status',
        'quarantineTime': 'quarantine_time',
    },
    times=('accessTime', 'modifyTime', 'changeTime', 'quarantineTime'),
    ids=('suspicionFileId', 'detectionId', 'instanceNo'),
)

NOTIFICATION_INTERVAL = FieldMap(
    names={
        'id': 'id',
        'memberNo': 'member_no',
        'interval': 'interval_ms',
        'lastSendNotificationTime': 'last_send_notification_time',
        'createTime': 'create_time',
        'lastUpdatedTime': 'last_updated_time',
        'platform': 'platform',
        'isDeleted': 'is_deleted',
    },
    times=('lastSendNotificationTime', 'createTime', 'lastUpdatedTime'),
    ids=('id', 'memberNo'),
)


def is_quarantined(obj):
    """Whether a normalised suspicious object is quarantined: its status says so, or it carries a quarantine name.

    The docs do not name the status field or its values (wbd-api.md 2.5), so both signs count.
    """
    return obj.get('status') == 'quarantined' or bool(obj.get('quarantine_file_name'))
