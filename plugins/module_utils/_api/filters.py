# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server-side filters: module options that become the JSON body of a WBD Search* call.

Each list resource declares its filters once (option name, API field, kind); the
argument spec and the search body are both derived from that declaration, so an
option can never be accepted and then silently not sent. Pure: time is passed in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import re

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, clean_text

_EPOCH = datetime.datetime(1970, 1, 1)
UNIT_MS = {'s': 1000, 'm': 60000, 'h': 3600000, 'd': 86400000, 'w': 604800000}
# Epoch milliseconds below this (2001-09-09) are almost surely epoch seconds or a compact date such as 20240701.
MIN_EPOCH_MS = 10**12
_AGE = re.compile(r'^([0-9]+)\s*([smhdw])$')
_DIGITS = re.compile(r'^[0-9]+$')
# Parsed by hand rather than with datetime.fromisoformat, whose accepted forms differ between Python 3.10 and 3.11.
_ISO = re.compile(
    r'^([0-9]{4})-([0-9]{2})-([0-9]{2})'
    r'(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?'
    r'(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?$'
)
_TIME_HELP = 'an ISO 8601 date or time (2024-07-01, 2024-07-01T09:30:00+09:00), a relative age such as 30m, 12h, 7d or 2w, or epoch milliseconds'


def parse_time(value, now_ms, option):
    """Epoch milliseconds for a time option: ISO 8601 (UTC when no offset), a relative age, or epoch ms."""
    if isinstance(value, bool):
        raise WbdConfigError('%s must be %s, got a boolean.' % (option, _TIME_HELP))
    if isinstance(value, float) and not math.isfinite(value):
        raise WbdConfigError('%s must be %s, got %s.' % (option, _TIME_HELP, value))
    text = None
    if isinstance(value, (int, float)):
        ms = int(value)
    else:
        text = ('%s' % (value,)).strip()
        age = _AGE.match(text)
        if _DIGITS.match(text):
            ms = int(text)
        elif age:
            ms = now_ms - int(age.group(1)) * UNIT_MS[age.group(2)]
        else:
            ms = _iso_ms(text, option)
    if ms < 0:
        raise WbdConfigError('%s lies before 1970 (%d ms); give %s.' % (option, ms, _TIME_HELP))
    if (text is None or _DIGITS.match(text)) and ms < MIN_EPOCH_MS:
        raise WbdConfigError(
            '%s is %d, which as epoch milliseconds lies before 2001: it looks like epoch seconds or a compact date. Give %s.' % (option, ms, _TIME_HELP)
        )
    return ms


def _iso_ms(text, option):
    match = _ISO.match(text)
    try:
        if not match:
            raise ValueError(text)
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        offset = datetime.timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        if offset >= datetime.timedelta(hours=24):
            raise ValueError(text)
    except ValueError:
        raise WbdConfigError('%s must be %s; got "%s".' % (option, _TIME_HELP, clean_text(text, 60)))
    if sign == '-':
        offset = -offset
    delta = moment - offset - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + int((fraction or '0')[:3].ljust(3, '0'))


class Filter(object):
    """One module option sent as one field of a Search* body.

    ``kind`` is ``text`` (a string, matched as the API sees fit), ``choice`` (a string
    from ``values``, translated through it), ``list`` (strings from ``values``) or
    ``since`` / ``until`` (a time, sent as epoch ms; the pair is checked for order).
    """

    def __init__(self, option, api_name, kind='text', values=None, aliases=None):
        self.option = option
        self.api_name = api_name
        self.kind = kind
        self.values = values
        self.aliases = aliases or []

    def argument_spec(self):
        if self.kind == 'choice':
            spec = dict(type='str', choices=list(self.values))
        elif self.kind == 'list':
            spec = dict(type='list', elements='str', choices=list(self.values))
        elif self.kind in ('since', 'until'):
            spec = dict(type='raw')
        else:
            spec = dict(type='str')
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        return spec

    def api_value(self, value, now_ms):
        if self.kind == 'choice':
            return self.values[value]
        if self.kind in ('since', 'until'):
            return parse_time(value, now_ms, self.option)
        return value


def filters_argument_spec(filters):
    return dict((f.option, f.argument_spec()) for f in filters)


def is_unset(value):
    """Empty strings and lists count as "no filter", so templated playbooks can pass '' for "any"."""
    return value is None or value == '' or value == []


def _windows(filters):
    """(since, until) pairs, matched by API field: detectTimeFrom goes with detectTimeTo."""
    untils = dict((f.api_name[: -len('To')], f) for f in filters if f.kind == 'until')
    return [(f, untils[f.api_name[: -len('From')]]) for f in filters if f.kind == 'since' and f.api_name[: -len('From')] in untils]


def search_body(filters, params, now_ms):
    """The filter part of a Search* body, or None when no filter is set (the module then lists with GET)."""
    body = {}
    for flt in filters:
        value = params.get(flt.option)
        if not is_unset(value):
            body[flt.api_name] = flt.api_value(value, now_ms)
    for since, until in _windows(filters):
        if since.api_name in body and until.api_name in body and body[since.api_name] > body[until.api_name]:
            raise WbdConfigError(
                '%s (%s) is later than %s (%s): the time window is empty.'
                % (since.option, clean_text(params[since.option], 40), until.option, clean_text(params[until.option], 40))
            )
    return body or None


def _text(*pairs):
    return [Filter(option, api_name) for option, api_name in pairs]


PROCESS_FILTERS = _text(
    ('process_name', 'processName'),
    ('process_arg', 'processArg'),
    ('executor', 'executor'),
    ('parent_process_name', 'processNameOfParent'),
    ('parent_process_arg', 'processArgOfParent'),
    ('parent_executor', 'executorOfParent'),
)

# SearchWebshell and SearchExceptedWebshell (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-webshell-searchwebshell,
# https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-exceptedwebshell-searchexceptedwebshell).
_DETECTION_TEXT = _text(
    ('host_name', 'hostName'),
    ('server_name', 'serverName'),
    ('private_ip', 'privateIPofServer'),
    ('suspicious_ip', 'suspiciousIP'),
    ('memo', 'memo'),
)
DETECTION = [
    Filter('action_status', 'actionStatus', 'choice', values={'confirmed': 'confirmed', 'unconfirmed': 'blank'}),
    Filter('since', 'detectTimeFrom', 'since'),
    Filter('until', 'detectTimeTo', 'until'),
    *_DETECTION_TEXT,
    *PROCESS_FILTERS,
]

# SearchExceptionRule; SearchDeletedExceptionRule adds the deletion window
# (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-deletedexceptionrule-searchdeletedexceptionrule).
EXCEPTION_RULE = [
    Filter('name', 'exceptedRuleName', aliases=['excepted_rule_name']),
    Filter('target', 'exceptTarget', aliases=['except_target']),
    Filter('created_since', 'createdTimeFrom', 'since'),
    Filter('created_until', 'createdTimeTo', 'until'),
] + PROCESS_FILTERS
DELETED_EXCEPTION_RULE = EXCEPTION_RULE + [
    Filter('deleted_since', 'deletedTimeFrom', 'since'),
    Filter('deleted_until', 'deletedTimeTo', 'until'),
]

AGENT_STATUSES = ('enable', 'disable', 'notInstalled', 'error', 'activating', 'down')

# SearchDetectionTarget (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-searchdetectiontarget).
DETECTION_TARGET = [
    Filter('agent_status', 'agentStatus', 'list', values=AGENT_STATUSES),
] + _text(
    ('server_name', 'serverName'),
    ('ip_address', 'ipAddress'),
    ('server_group_name', 'serverGroupName'),
    ('server_image_name', 'serverImageName'),
    ('web_root_path', 'webRootPath'),
    ('file_upload_path', 'fileUploadPath'),
    ('memo', 'memo'),
)

# SearchQuarantine (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-quarantine-searchquarantine).
QUARANTINE = [
    Filter('since', 'quarantineTimeFrom', 'since'),
    Filter('until', 'quarantineTimeTo', 'until'),
] + _text(
    ('file_origin_name', 'fileOriginName'),
    ('file_owner', 'fileOwner'),
    ('host_name', 'hostName'),
    ('server_name', 'serverName'),
    ('quarantine_file_name', 'quarantineFileName'),
    ('memo', 'memo'),
)
