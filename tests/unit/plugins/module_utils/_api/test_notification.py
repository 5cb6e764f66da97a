# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GetNotificationInterval answers: an object or an array, null or empty, several records, malformed ones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdMalformedResponseError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.notification import INTERVAL_NAMES, interval_record

# The names UpdateNotificationInterval takes. GetNotificationInterval reports milliseconds; each name says its length
# (<number>_<unit>), so the expected milliseconds are read off the names, not restated next to the table under test.
MINUTE_NAMES = ('one_min', 'two_min', 'three_min', 'four_min', 'five_min', 'ten_min', 'thirty_min')
HOUR_NAMES = ('one_hour', 'three_hour', 'six_hour', 'twelve_hour', 'twenty_four_hour')
NUMBERS = {'one': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'ten': 10, 'twelve': 12, 'thirty': 30, 'twenty_four': 24}
MINUTE = 60000
UNIT_MS = {'min': MINUTE, 'hour': 60 * MINUTE}


def named_ms(name):
    number, unit = name.rsplit('_', 1)
    return NUMBERS[number] * UNIT_MS[unit]


EXPECTED_NAMES = dict((name, named_ms(name)) for name in MINUTE_NAMES + HOUR_NAMES)
RECORD = {
    'id': 17,
    'memberNo': '27****48',
    'interval': 600000,
    'lastSendNotificationTime': 1721740066493,
    'createTime': 0,
    'lastUpdatedTime': None,
    'platform': 'VPC',
    'isDeleted': False,
}


def recorder():
    """A warn callback that keeps what it was told in .seen."""
    seen = []

    def warn(message):
        seen.append(message)

    warn.seen = seen
    return warn


def test_name_table_matches_the_api_reference():
    assert INTERVAL_NAMES == EXPECTED_NAMES


def test_object_result_is_normalised():
    warn = recorder()
    record = interval_record(dict(RECORD), warn)
    assert record == {
        'id': '17',
        'member_no': '27****48',
        'interval_ms': 600000,
        'interval_name': 'ten_min',
        'last_send_notification_time': 1721740066493,
        'last_send_notification_time_iso': '2024-07-23T13:07:46.493Z',
        'create_time': 0,
        'create_time_iso': '1970-01-01T00:00:00.000Z',
        'last_updated_time': None,
        'last_updated_time_iso': None,
        'platform': 'VPC',
        'is_deleted': False,
    }
    # The documented example's createTime 0 is 1970: kept, and said to be a data problem (one line per field).
    assert len(warn.seen) == 1 and warn.seen[0].startswith('GetNotificationInterval: createTime lies before 2015 in 1 record')


def test_array_of_one_is_the_same_as_the_object():
    warn = recorder()
    assert interval_record([dict(RECORD)], warn) == interval_record(dict(RECORD))
    assert len(warn.seen) == 1 and 'createTime' in warn.seen[0]


def test_plausible_times_give_no_warning():
    warn = recorder()
    interval_record(dict(RECORD, createTime=1721740066000), warn)
    assert warn.seen == []


def test_interval_times_in_seconds_are_converted_and_said():
    warn = recorder()
    record = interval_record(dict(RECORD, createTime=1721740066, lastSendNotificationTime=1721740066), warn)
    assert record['create_time'] == 1721740066000 and record['last_send_notification_time'] == 1721740066000
    assert len(warn.seen) == 2 and all('epoch seconds' in line for line in warn.seen)


@pytest.mark.parametrize('name, ms', sorted(EXPECTED_NAMES.items()))
def test_every_interval_gets_its_name(name, ms):
    record = interval_record({'interval': ms})
    assert record['interval_ms'] == ms and record['interval_name'] == name


@pytest.mark.parametrize('ms', [0, 1, 90000, 59999, 7 * 24 * 3600000])
def test_unknown_interval_has_no_name(ms):
    record = interval_record({'interval': ms})
    assert record['interval_ms'] == ms and record['interval_name'] is None


@pytest.mark.parametrize('given', ['600000', ' 600000 '])
def test_numeric_string_interval_is_accepted(given):
    record = interval_record({'interval': given})
    assert record['interval_ms'] == 600000 and record['interval_name'] == 'ten_min'


def test_float_interval_is_made_an_integer():
    record = interval_record({'interval': 3600000.0})
    assert record['interval_ms'] == 3600000 and isinstance(record['interval_ms'], int) and record['interval_name'] == 'one_hour'


def test_unknown_fields_are_kept():
    assert interval_record({'interval': MINUTE, 'alarmType': 'mail'})['alarm_type'] == 'mail'


@pytest.mark.parametrize('result', [None, []])
def test_no_setting_is_none(result):
    warn = recorder()
    assert interval_record(result, warn) is None and warn.seen == []


def test_several_records_take_the_first_live_one_and_warn():
    warn = recorder()
    records = [{'id': 1, 'interval': MINUTE, 'isDeleted': True}, {'id': 2, 'interval': 5 * MINUTE, 'isDeleted': False}, {'id': 3, 'interval': 10 * MINUTE}]
    record = interval_record(records, warn)
    assert record['id'] == '2' and record['interval_name'] == 'five_min'
    assert len(warn.seen) == 1 and 'returned 3 records' in warn.seen[0] and 'not deleted' in warn.seen[0]


def test_several_live_records_take_the_first():
    warn = recorder()
    record = interval_record([{'id': 'a', 'interval': MINUTE}, {'id': 'b', 'interval': 2 * MINUTE}], warn)
    assert record['id'] == 'a' and len(warn.seen) == 1 and 'returned 2 records' in warn.seen[0]


def test_a_missing_isdeleted_counts_as_live():
    record = interval_record([{'id': 1, 'interval': MINUTE, 'isDeleted': True}, {'id': 2, 'interval': 2 * MINUTE}])
    assert record['id'] == '2'


def test_several_records_without_a_warn_callback():
    assert interval_record([{'interval': MINUTE, 'isDeleted': True}, {'interval': 2 * MINUTE}])['interval_ms'] == 2 * MINUTE


def malformed(result):
    with pytest.raises(WbdMalformedResponseError) as info:
        interval_record(result, recorder())
    message = str(info.value)
    assert info.value.kind == 'malformed_response' and '\n' not in message and 'GetNotificationInterval' in message
    return message


@pytest.mark.parametrize('result, type_name', [('600000', 'str'), (600000, 'int'), (True, 'bool'), (1.5, 'float')])
def test_result_of_the_wrong_type(result, type_name):
    message = malformed(result)
    assert 'type %s' % type_name in message and 'object or a list' in message


@pytest.mark.parametrize('result', [[RECORD, 'x'], [None], [[RECORD]], ['600000']])
def test_list_with_something_other_than_objects(result):
    assert 'other than objects' in malformed(result)


@pytest.mark.parametrize(
    'record, type_name',
    [
        ({'id': 1}, 'NoneType'),
        ({'interval': None}, 'NoneType'),
        ({'interval': 'ten_min'}, 'str'),
        ({'interval': ''}, 'str'),
        ({'interval': '-600000'}, 'str'),
        ({'interval': True}, 'bool'),
        ({'interval': [600000]}, 'list'),
        ({'interval': {'ms': 600000}}, 'dict'),
    ],
)
def test_record_without_a_numeric_interval(record, type_name):
    message = malformed(record)
    assert 'numeric "interval"' in message and '(got %s)' % type_name in message
    assert malformed([record]) == message
