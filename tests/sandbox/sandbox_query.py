# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging and Search* filters for the WBD sandbox.

The real match semantics are undocumented; the sandbox picks simple, predictable
ones (see README): strings are case-sensitive substrings, enums are exact,
time ranges are inclusive and 0/absent means unbounded.
"""

import math


class QueryError(ValueError):
    """A bad request parameter; answered as the WBD HTTP-200 envelope with code 400."""


DETECTION_TEXT = (
    'executor',
    'executorOfParent',
    'hostName',
    'memo',
    'privateIPofServer',
    'processArg',
    'processArgOfParent',
    'processName',
    'processNameOfParent',
    'serverName',
)
RULE_TEXT = ('exceptedRuleName', 'executor', 'executorOfParent', 'processArg', 'processArgOfParent', 'processName', 'processNameOfParent')
SERVER_TEXT = ('ipAddress', 'serverName', 'serverGroupName', 'serverImageName', 'memo')
QUARANTINE_TEXT = ('fileOriginName', 'fileOwner', 'hostName', 'memo', 'quarantineFileName', 'serverName')

# resource -> (substring fields, {range prefix: record field}, exact fields)
FILTERS = {
    'detections': (DETECTION_TEXT, {'detectTime': 'detectTime'}, ('actionStatus',)),
    'exceptions': (DETECTION_TEXT, {'detectTime': 'detectTime'}, ('actionStatus',)),
    'exception-rules': (RULE_TEXT, {'createdTime': 'createdTime', 'deletedTime': 'deletedTime'}, ('exceptTarget',)),
    'deleted-exception-rules': (RULE_TEXT, {'createdTime': 'createdTime', 'deletedTime': 'deletedTime'}, ('exceptTarget',)),
    'servers': (SERVER_TEXT, {}, ()),
    'quarantines': (QUARANTINE_TEXT, {'quarantineTime': 'quarantineTime'}, ()),
}


def to_int(name, value, default):
    """Accept ints and numeric strings (the docs' own examples send "0"); None/'' means default."""
    if value is None or value == '':
        return default
    if isinstance(value, bool):
        raise QueryError('%s must be an integer' % name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QueryError('%s must be an integer' % name) from None


def paging(raw_index, raw_size, max_size, policy):
    """Validate pageIndex/pageSize (0-based, default 0/10) and apply the page-size policy."""
    index = to_int('pageIndex', raw_index, 0)
    size = to_int('pageSize', raw_size, 10)
    if index < 0:
        raise QueryError('pageIndex must be 0 or greater')
    if size < 1:
        raise QueryError('pageSize must be 1 or greater')
    if size > max_size:
        if policy == 'error':
            raise QueryError('pageSize must be less than or equal to %d' % max_size)
        size = max_size
    return index, size


def _text_check(field, wanted):
    if not isinstance(wanted, str):
        raise QueryError('%s must be a string' % field)
    return lambda rec: wanted in (rec.get(field) or '')


def _range_check(field, low, high):
    return lambda rec: rec.get(field) is not None and (not low or rec[field] >= low) and (not high or rec[field] <= high)


def _agent_status_check(wanted):
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list):
        raise QueryError('agentStatus must be an array of strings')
    allowed = set(wanted)
    return lambda rec: rec.get('agentStatus') in allowed


def _was_check(field, wanted):
    if not isinstance(wanted, str):
        raise QueryError('%s must be a string' % field)
    return lambda rec: any(wanted in (conf.get(field) or '') for conf in rec.get('wasConfigList') or [])


def _ip_check(wanted):
    if not isinstance(wanted, str):
        raise QueryError('suspiciousIP must be a string')
    return lambda rec: any(ip.get('suspicionIp') == wanted for ip in rec.get('suspicionIps') or [])


def build_predicates(resource, body, time_bounds=True):
    """Turn a Search* body into a list of record predicates; unknown keys are ignored, and so are the time bounds
    when ``time_bounds`` is false (the time-filter-ignored quirk; they are still validated)."""
    text_fields, ranges, exact_fields = FILTERS[resource]
    checks = []
    for field in text_fields:
        if body.get(field) not in (None, ''):
            checks.append(_text_check(field, body[field]))
    for field in exact_fields:
        wanted = body.get(field)
        if wanted not in (None, ''):
            checks.append(lambda rec, f=field, w=wanted: rec.get(f) == w)
    for prefix, field in ranges.items():
        low = to_int(prefix + 'From', body.get(prefix + 'From'), 0)
        high = to_int(prefix + 'To', body.get(prefix + 'To'), 0)
        if (low or high) and time_bounds:
            checks.append(_range_check(field, low, high))
    if resource in ('detections', 'exceptions') and body.get('suspiciousIP') not in (None, ''):
        checks.append(_ip_check(body['suspiciousIP']))
    if resource == 'servers':
        if body.get('agentStatus') not in (None, '', []):
            checks.append(_agent_status_check(body['agentStatus']))
        for field in ('webRootPath', 'fileUploadPath'):
            if body.get(field) not in (None, ''):
                checks.append(_was_check(field, body[field]))
    return checks


def matching(records, checks):
    """The records every check accepts, in order (all of them without checks)."""
    if not checks:
        return records
    return [rec for rec in records if all(check(rec) for check in checks)]


def page_of(records, checks, index, size):
    """The requested page of the matching records, with the total of all matches."""
    start = index * size
    matches = matching(records, checks)
    total = len(matches)
    content = matches[start : start + size]
    pages = int(math.ceil(total / float(size))) if total else 0
    return {'content': content, 'totalCount': total, 'pageSize': size, 'pageIndex': index, 'totalPages': pages}
