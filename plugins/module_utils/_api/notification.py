# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notification interval: GetNotificationInterval answers in milliseconds, while
UpdateNotificationInterval takes names such as ``ten_min``
(https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-notification-getnotificationinterval).
The name <-> milliseconds table is inferred from the names; the docs do not state it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdMalformedResponseError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import NOTIFICATION_INTERVAL, TimeNotes, normalize

MINUTE_MS = 60000
INTERVAL_NAMES = {
    'one_min': MINUTE_MS,
    'two_min': 2 * MINUTE_MS,
    'three_min': 3 * MINUTE_MS,
    'four_min': 4 * MINUTE_MS,
    'five_min': 5 * MINUTE_MS,
    'ten_min': 10 * MINUTE_MS,
    'thirty_min': 30 * MINUTE_MS,
    'one_hour': 60 * MINUTE_MS,
    'three_hour': 180 * MINUTE_MS,
    'six_hour': 360 * MINUTE_MS,
    'twelve_hour': 720 * MINUTE_MS,
    'twenty_four_hour': 1440 * MINUTE_MS,
}
NAME_OF_MS = dict((ms, name) for name, ms in INTERVAL_NAMES.items())


def _milliseconds(value):
    """The interval as an int; the docs type it Integer, but a numeric string is accepted too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def interval_record(result, warn=None):
    """The one interval record of a GetNotificationInterval result (an object or an array of them), normalised.

    None when the account has no setting (null or an empty array). Of several
    records, the first one not marked deleted is used, with a warning.
    """
    if result is None:
        return None
    if isinstance(result, dict):
        records = [result]
    elif isinstance(result, list):
        records = result
    else:
        raise WbdMalformedResponseError(
            'WBD API answered GetNotificationInterval with a result of type %s; expected an object or a list.' % type(result).__name__
        )
    if not all(isinstance(r, dict) for r in records):
        raise WbdMalformedResponseError('WBD API answered GetNotificationInterval with a list holding something other than objects.')
    if not records:
        return None
    live = [r for r in records if not r.get('isDeleted')] or records
    if len(records) > 1 and warn:
        warn('GetNotificationInterval returned %d records; using the first one that is not deleted.' % len(records))
    notes = TimeNotes()
    record = normalize(live[0], NOTIFICATION_INTERVAL, notes)
    for line in notes.messages('GetNotificationInterval') if warn else ():
        warn(line)
    ms = _milliseconds(record.get('interval_ms'))
    if ms is None:
        raise WbdMalformedResponseError(
            'WBD API answered GetNotificationInterval without a numeric "interval" (got %s).' % type(record.get('interval_ms')).__name__
        )
    record['interval_ms'] = ms
    record['interval_name'] = NAME_OF_MS.get(ms)
    return record
