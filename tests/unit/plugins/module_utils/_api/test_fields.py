# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import functools
import json
import types
from unittest import mock

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import (
    DETECTION,
    DETECTION_TARGET,
    EXCEPTION_RULE,
    PLAUSIBLE_SINCE_MS,
    SUSPICIOUS_OBJECT,
    TimeNotes,
    generic_snake,
    iso8601,
    normalize,
    read_time,
    time_problem,
)

SEED_DETECTION = {
    'detectionId': 2024072323595700000436,
    'instanceNo': '25****97',
    'hostName': 'h',
    'serverName': 's',
    'containerName': '',
    'privateIPofServer': '10.0.0.1',
    'command': 'c',
    'processName': 'p',
    'processArg': 'pa',
    'processId': 41,
    'executor': 'DefaultAppPool',
    'processIdOfParent': '1',
    'processNameOfParent': 'w3wp.exe',
    'processArgOfParent': 'ppa',
    'executorOfParent': 'DefaultAppPool',
    'uid': '33',
    'euid': '33',
    'gid': '33',
    'egid': '33',
    'actionStatus': 'confirmed',
    'actionTime': 1721742708822,
    'detectTime': 1721740066493,
    'collectTime': 1721740067452,
    'lastUpdatedTime': None,
    'isChecked': True,
    'memberNo': 2600090,
    'detectionRuleId': '2024072318114600000013',
    'osType': 'LINUX',
    'suspicionFiles': [
        {
            'suspicionFileId': '2024072323595800000443',
            'fileOriginName': '/var/www/x.php',
            'fileOwner': 'S-1-5-32-544',
            'weight': 29,
            'accessTime': 1721742550000,
            'modifyTime': 1721742550000,
            'changeTime': 1721742542000,
            'detectionId': '2024072323595700000436',
        }
    ],
    'suspicionIps': [{'suspicionIpId': '1', 'detectionId': '2', 'suspicionIp': '203.0.113.9', 'country': 'KR', 'platform': 'VPC'}],
    'newFieldFromApi': 'kept',
}


def test_detection_is_mapped_by_hand():
    d = normalize(SEED_DETECTION, DETECTION)
    assert d['private_ip'] == '10.0.0.1' and 'private_i_pof_server' not in d
    assert d['detection_id'] == '2024072323595700000436'  # IDs become strings, digits intact
    assert d['process_id'] == '41' and d['member_no'] == '2600090'
    assert d['parent_process_name'] == 'w3wp.exe' and d['parent_executor'] == 'DefaultAppPool'
    assert d['detect_time'] == 1721740066493 and d['detect_time_iso'] == '2024-07-23T13:07:46.493Z'
    assert d['last_updated_time'] is None and d['last_updated_time_iso'] is None
    assert d['suspicion_files'][0]['weight'] == 29 and d['suspicion_files'][0]['access_time_iso'] == '2024-07-23T13:49:10.000Z'
    assert d['suspicion_ips'][0] == {'suspicion_ip_id': '1', 'detection_id': '2', 'suspicion_ip': '203.0.113.9', 'country': 'KR', 'platform': 'VPC'}
    assert d['new_field_from_api'] == 'kept'
    assert len(d) == len(SEED_DETECTION) + 4  # every field kept, plus four ISO twins


def test_null_nested_lists_become_empty():
    d = normalize({'detectionId': '1', 'suspicionFiles': None, 'suspicionIps': [None, {'suspicionIp': 'x'}]}, DETECTION)
    assert d['suspicion_files'] == [] and d['suspicion_ips'] == [{'suspicion_ip': 'x'}]


def test_null_documented_strings_stay_none_and_null_lists_become_empty():
    """The API documents strings and arrays; null scalars must stay None ("unknown"), null lists become []."""
    nulls = dict((key, None) for key in SEED_DETECTION)
    nulls['detectionId'] = '2024072323595700000436'
    d = normalize(nulls, DETECTION)
    assert d['suspicion_files'] == [] and d['suspicion_ips'] == []
    for name in (
        'server_name',
        'host_name',
        'process_arg',
        'command',
        'private_ip',
        'instance_no',
        'process_id',
        'member_no',
        'detect_time',
        'detect_time_iso',
        'is_checked',
        'new_field_from_api',
    ):
        assert d[name] is None, name
    assert len(d) == len(SEED_DETECTION) + 4


def test_null_or_odd_nested_lists_of_a_target():
    t = normalize({'instanceNo': 1, 'serverName': None, 'wasConfigList': None, 'ipAddress': None}, DETECTION_TARGET)
    assert t == {'instance_no': '1', 'server_name': None, 'was_configs': [], 'ip_address': None}
    odd = normalize({'wasConfigList': 'not a list', 'memo': None}, DETECTION_TARGET)
    assert odd == {'was_configs': [], 'memo': None}


def test_hostile_and_huge_text_passes_unchanged():
    """Escaping belongs to whatever displays the text; the module result carries it as the API sent it."""
    hostile = 'ctl\x00\x07\x1b[31m \u202eexe.php\u202c \u2066x\u2069\r\n\ufffd'
    big = 'sh -c ' + 'A' * (1024 * 1024)
    d = normalize({'memo': hostile, 'processArg': big, 'suspicionFiles': [{'fileOriginName': hostile}]}, DETECTION)
    assert d['memo'] == hostile and d['process_arg'] == big and d['suspicion_files'] == [{'file_origin_name': hostile}]


def test_exception_rule_conditions():
    r = normalize(
        {
            'exceptedRuleId': '2024080714042400000006',
            'processNameOfParentCondition': 'START',
            'groupIsDeleted': None,
            'createdTime': 1723007064480,
            'deletedTime': None,
        },
        EXCEPTION_RULE,
    )
    assert r == {
        'excepted_rule_id': '2024080714042400000006',
        'parent_process_name_condition': 'START',
        'group_is_deleted': None,
        'created_time': 1723007064480,
        'created_time_iso': '2024-08-07T05:04:24.480Z',
        'deleted_time': None,
        'deleted_time_iso': None,
    }


def test_iso8601_edges():
    assert iso8601(0) == '1970-01-01T00:00:00.000Z'
    assert iso8601(True) is None and iso8601('1') is None and iso8601(10**20) is None


def test_generic_snake():
    assert generic_snake('newFieldFromApi') == 'new_field_from_api'
    assert generic_snake('HTTPStatus') == 'http_status'


# ---- times in any form (issue 14 "Values") ------------------------------------------------------------------------

T = 1721740066493  # 2024-07-23T13:07:46.493Z
T_ISO = '2024-07-23T13:07:46.493Z'
NOW = T + 3600000


def test_plausible_since_is_2015_in_utc():
    assert PLAUSIBLE_SINCE_MS == (datetime.datetime(2015, 1, 1) - datetime.datetime(1970, 1, 1)) // datetime.timedelta(milliseconds=1)
    assert iso8601(PLAUSIBLE_SINCE_MS) == '2015-01-01T00:00:00.000Z'


@pytest.mark.parametrize(
    'value, ms, form',
    [
        (T, T, None),  # what the docs promise: no conversion
        (T // 1000, T - 493, 'int-s'),
        (T * 1000 + 999, T, 'int-us'),  # below a millisecond: rounded down
        (T * 1000000 + 999999, T, 'int-ns'),
        (float(T), T, 'float-ms'),
        (T + 0.9, T, 'float-ms'),
        (T / 1000.0, T, 'float-s'),  # 1721740066.493: the decimal digits as sent, not the binary float's
        (1721740066.4939, T, 'float-s'),
        (str(T), T, 'text-ms'),
        (' %d ' % T, T, 'text-ms'),
        ('1721740066', T - 493, 'text-s'),
        ('1721740066.493', T, 'text-s'),
        ('+1721740066493', T, 'text-ms'),
        ('1.721740066493e12', T, 'text-ms'),
        ('1721740066493000', T, 'text-us'),
        ('1721740066493000000', T, 'text-ns'),
        (T_ISO, T, 'iso'),
        ('2024-07-23t13:07:46.493z', T, 'iso'),
        ('2024-07-23T22:07:46.493+09:00', T, 'iso'),
        ('2024-07-23T22:07:46.493+0900', T, 'iso'),
        ('2024-07-23T22:07:46.493+09', T, 'iso'),
        ('2024-07-23T08:37:46.493-04:30', T, 'iso'),
        ('2024-07-23 13:07:46,493Z', T, 'iso'),
        ('2024-07-23T13:07:46.4939999Z', T, 'iso'),  # fraction beyond ms: cut, not rounded up
        ('2024-07-23T13:07:46.4Z', T - 93, 'iso'),
        ('2024-07-23T13:07:46Z', T - 493, 'iso'),
        ('2024-07-23T13:07Z', T - 46493, 'iso'),
        ('2024-07-23T13:07:46.493', T, 'iso-no-offset'),  # read as UTC, and said so
        ('2024-07-23', T - (13 * 3600 + 7 * 60 + 46) * 1000 - 493, 'iso-no-offset'),
        ('2024-02-29T00:00:00Z', 1709164800000, 'iso'),
        (0, 0, None),  # 0 is 0 in every unit: no conversion (and implausible, see below)
        (-1, -1000, 'int-s'),
    ],
)
def test_read_time_forms(value, ms, form):
    assert read_time(value) == (ms, form)


@pytest.mark.parametrize(
    'value',
    [
        True,
        False,  # booleans are never times
        'abc',
        '',
        '   ',
        'now',
        '2024-07-23T',
        '2024-7-23',
        '2024-02-30T00:00:00Z',
        '2024-07-23T24:00:00Z',
        '2024-07-23T13:60:00Z',
        '2024-07-23T13:07:61Z',
        '2024-07-23T13:07:46+24:00',
        '2024-07-23T13:07:46+09:60',
        '20240723T130746Z',
        '1721740066493ms',
        '0x1A',
        '1_721_740_066_493',
        'nan',
        'inf',
        '1e400',
        '9' * 5000,
        float('nan'),
        float('inf'),
        -float('inf'),
        1.5e300,
        10**40,
        -(10**40),
        10**1000,
        [T],
        {'ms': T},
        '\u0661\u0662\u0663',  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_read_time_unreadable(value):
    assert read_time(value) == (None, fields.UNREADABLE)


def test_read_time_null_is_no_time_not_a_problem():
    assert read_time(None) == (None, None)


@pytest.mark.parametrize(
    'value, problem',
    [
        (T, None),
        (PLAUSIBLE_SINCE_MS, None),
        (NOW + fields.DAY_MS, None),
        (PLAUSIBLE_SINCE_MS - 1, 'before 2015: 2014-12-31T23:59:59.999Z'),
        (T // 1000, 'before 2015: 1970-01-20T22:15:40.066Z'),  # seconds read as milliseconds
        (NOW + fields.DAY_MS + 1, 'more than a day in the future: 2024-07-24T14:07:46.494Z'),
        (10**40, 'not a readable time: 1%s' % ('0' * 36 + '...')),  # no date: what normalize keeps as sent
        (-(10**17), 'not a readable time: -100000000000000000'),  # before the year 1
        (253402300799999, 'more than a day in the future: 9999-12-31T23:59:59.999Z'),
        (None, 'no time (null)'),
        ('abc', "not a readable time: 'abc'"),
        (T_ISO, "not a readable time: '%s'" % T_ISO),  # not converted yet: normalize does that
        (float(T), 'not a readable time: 1721740066493.0'),
        (True, 'not a readable time: True'),
        ('x\x1b[31m\u202e' + 'y' * 100, "not a readable time: 'x [31m %s...'" % ('y' * 30)),  # one short, clean line
    ],
)
def test_time_problem(value, problem):
    assert time_problem(value, NOW) == problem


def test_time_problem_without_a_clock_checks_only_the_past():
    assert time_problem(10**14 - 1, None) is None and time_problem(1, None).startswith('before 2015')


def test_seconds_are_no_longer_read_as_milliseconds():
    # Regression, issue 14 item 3: detectTime in epoch seconds became 1970 and every detection fell outside the window.
    d = normalize({'detectTime': 1721740066, 'collectTime': '2024-07-23T13:07:47Z', 'actionTime': str(T)}, DETECTION)
    assert d == {
        'detect_time': T - 493,
        'detect_time_iso': '2024-07-23T13:07:46.000Z',
        'collect_time': T + 507,
        'collect_time_iso': '2024-07-23T13:07:47.000Z',
        'action_time': T,
        'action_time_iso': T_ISO,
    }
    assert time_problem(d['detect_time'], NOW) is None


def test_unreadable_times_stay_as_sent_with_a_null_twin():
    d = normalize({'detectTime': 'yesterday', 'actionTime': True, 'collectTime': {'t': 1}, 'lastUpdatedTime': None}, DETECTION)
    assert d == {
        'detect_time': 'yesterday',
        'detect_time_iso': None,
        'action_time': True,
        'action_time_iso': None,
        'collect_time': {'t': 1},
        'collect_time_iso': None,
        'last_updated_time': None,
        'last_updated_time_iso': None,
    }


def test_implausible_times_are_converted_and_noted():
    notes = TimeNotes(now_ms=NOW)
    d = normalize({'detectTime': 5, 'actionTime': NOW + 2 * fields.DAY_MS, 'collectTime': 1300000000000}, DETECTION, notes)
    assert d['detect_time'] == 5000 and d['detect_time_iso'] == '1970-01-01T00:00:05.000Z'
    assert d['action_time'] == NOW + 2 * fields.DAY_MS and d['collect_time'] == 1300000000000  # kept as converted
    assert [(e['field'], e['kind'], e['count']) for e in notes.problems()] == [
        ('actionTime', 'future', 1),
        ('collectTime', 'early', 1),
        ('detectTime', 'early', 1),
    ]


def test_plain_plausible_milliseconds_leave_no_note():
    notes = TimeNotes(now_ms=NOW)
    d = normalize(SEED_DETECTION, DETECTION, notes)
    assert d == normalize(SEED_DETECTION, DETECTION)
    assert notes.entries() == [] and notes.messages('GetWebshell') == []


def test_the_same_result_with_or_without_notes():
    record = {'detectTime': '1721740066', 'actionTime': 'x', 'collectTime': 3, 'suspicionFiles': [{'accessTime': T_ISO}]}
    assert normalize(record, DETECTION, TimeNotes(now_ms=NOW)) == normalize(record, DETECTION)


def test_time_notes_messages_one_line_per_field_and_kind():
    notes = TimeNotes(now_ms=NOW)
    records = [{'detectTime': T // 1000 + n, 'collectTime': '2024-07-23T13:07:46', 'suspicionFiles': [{'accessTime': T * 1000}]} for n in range(237)]
    records.append({'detectTime': 'soon', 'actionTime': 7, 'collectTime': T + 90 * fields.DAY_MS})
    for record in records:
        normalize(record, DETECTION, notes)
    assert notes.messages('GetWebshell') == [
        'GetWebshell: actionTime came as epoch seconds in 1 record (e.g. 7 -> 1970-01-01T00:00:07.000Z); converted to epoch milliseconds.',
        'GetWebshell: actionTime lies before 2015 in 1 record (e.g. 7 -> 1970-01-01T00:00:07.000Z): a data problem (a wrong '
        'clock or time unit on the server); such times cannot be trusted.',
        'GetWebshell: collectTime came as ISO 8601 text without a UTC offset in 237 records (e.g. \'2024-07-23T13:07:46\' -> '
        '2024-07-23T13:07:46.000Z); read as UTC and converted to epoch milliseconds.',
        'GetWebshell: collectTime lies more than a day in the future (after 2024-07-24T14:07:46.493Z) in 1 record (e.g. '
        '1729516066493 -> 2024-10-21T13:07:46.493Z): a data problem (a wrong clock or time unit on the server); such times '
        'cannot be trusted.',
        'GetWebshell: detectTime came as epoch seconds in 237 records (e.g. 1721740066 -> 2024-07-23T13:07:46.000Z); converted to epoch milliseconds.',
        "GetWebshell: detectTime is not a readable time in 1 record (e.g. 'soon'): a data problem; the value is kept as sent, "
        'with no ISO time, so those records cannot be placed in time. Check what the server sends.',
        'GetWebshell: suspicionFiles[].accessTime came as epoch microseconds in 237 records (e.g. 1721740066493000 -> '
        '2024-07-23T13:07:46.493Z); converted to epoch milliseconds.',
    ]
    assert [e['problem'] for e in notes.entries()] == [False, True, False, True, False, True, False]
    assert notes.messages()[0].startswith('actionTime came as')  # no operation: no prefix


def test_time_notes_quote_hostile_examples_on_one_line():
    notes = TimeNotes(now_ms=NOW)
    normalize({'detectTime': 'x\r\nGetWebshell: all good \u202e' + 'A' * 500}, DETECTION, notes)
    [message] = notes.messages('GetWebshell')
    assert '\n' not in message and '\r' not in message and '\u202e' not in message and len(message) < 300


def test_time_notes_of_a_suspicious_object_list():
    notes = TimeNotes(now_ms=NOW)
    o = normalize({'quarantineTime': '1721740066493', 'accessTime': T}, SUSPICIOUS_OBJECT, notes)
    assert o['quarantine_time'] == T and o['quarantine_time_iso'] == T_ISO
    assert notes.messages('GetWebshellSuspiciousObject') == [
        "GetWebshellSuspiciousObject: quarantineTime came as numeric text in epoch milliseconds in 1 record (e.g. "
        "'1721740066493' -> 2024-07-23T13:07:46.493Z); converted to epoch milliseconds."
    ]


def test_time_notes_default_clock_is_now():
    import time

    before = int(time.time() * 1000)
    notes = TimeNotes()
    assert before <= notes.now_ms <= int(time.time() * 1000) and notes.until_ms == notes.now_ms + fields.DAY_MS


def test_booleans_and_ids_are_never_times():
    notes = TimeNotes(now_ms=NOW)
    d = normalize({'detectTime': False, 'detectionId': 1721740066}, DETECTION, notes)
    assert d['detect_time'] is False and d['detect_time_iso'] is None and d['detection_id'] == '1721740066'
    assert [(e['field'], e['kind']) for e in notes.entries()] == [('detectTime', 'unreadable')]


# ---- plans run as made code, or field by field (_apply) ----------------------------------------------------------

HOSTILE_KEYS = ["a'b", 'x\n', "__import__('os')", 'K[0]', 'n0', 'v1', 'take', '"""', '\\', '{}', '@', '#', 'record', 'notes']


def fresh(fmap):
    """A copy of ``fmap`` with nothing planned yet (nested maps too)."""
    return fields.FieldMap(fmap.names, fmap.times, fmap.ids, dict((key, fresh(inner)) for key, inner in fmap.nested.items()))


def by_apply(record, fmap, notes=None):
    """normalize with every plan run field by field, as before plans were made into code."""
    with mock.patch.object(fields, '_runner', return_value=None):
        return normalize(record, fmap, notes)


def hostile_record(n):
    record = dict((key, [n, key, None, True, 1.5, '%d' % n][i % 6]) for i, key in enumerate(HOSTILE_KEYS))
    record.update(SEED_DETECTION, detectTime=[T, '1721740066', None, False, 7, 'x'][n % 6], processId=[41, None, True, 'p', 2.5, -1][n % 6])
    record['suspicionFiles'] = [{"K[0]": n, 'accessTime': [T, None, '2024-07-23T13:07:46', 0][n % 4], 'detectionId': n}, 'not a record', None]
    record['suspicionIps'] = [None, {}, {'suspicionIpId': n % 2 == 0}] if n % 3 else None
    return record


@pytest.mark.parametrize('keep', [None, ['a\'b', 'x\n', 'k[0]', 'detect_time_iso', 'suspicion_files.k[0]', 'suspicion_ips.suspicion_ip_id']])
def test_made_code_normalizes_hostile_names_as_apply_does(keep):
    made_map, apply_map = fresh(DETECTION), fresh(DETECTION)
    if keep is not None:
        made_map, apply_map = made_map.projected(keep), apply_map.projected(keep)
    made_notes, apply_notes = TimeNotes(now_ms=NOW), TimeNotes(now_ms=NOW)
    for n in range(12):
        record = hostile_record(n)
        made, applied = normalize(record, made_map, made_notes), by_apply(record, apply_map, apply_notes)
        assert json.dumps(made) == json.dumps(applied)  # the same keys in the same order, 1 told from 1.0 and True
        assert normalize(record, made_map) == by_apply(record, apply_map)
    assert made_notes.seen == apply_notes.seen and made_notes.seen
    made_plan, apply_plan = [m.plans[tuple(hostile_record(0))] for m in (made_map, apply_map)]
    assert isinstance(made_plan.run, types.FunctionType) and isinstance(apply_plan.run, functools.partial)


def test_made_code_depends_on_kinds_not_names():
    """Two shapes of the same kinds share one compiled maker: no name is part of the source."""
    fmap = fresh(DETECTION)
    normalize({'memo': 1, 'detectTime': T, "__import__('os').system('x')": 2}, fmap)
    makers = len(fields._MAKERS)
    out = normalize({'hostName': 1, 'collectTime': T, "'); import os; ('": 2}, fmap)
    assert len(fields._MAKERS) == makers
    assert list(out) == ['host_name', 'collect_time', "'); import os; ('", 'collect_time_iso']


def test_colliding_names_and_empty_shapes_run_by_apply():
    fmap = fresh(DETECTION)
    collide = {'detectTime': T, 'detect_time_iso': 'mine', 'apiDetectTimeIso': 'also mine'}
    out = normalize(collide, fmap)
    assert out == by_apply(collide, fresh(DETECTION)) and list(out) == list(by_apply(collide, fresh(DETECTION)))
    assert isinstance(fmap.plans[tuple(collide)].run, functools.partial)
    assert normalize({}, fmap) == {} and normalize({'memo': 'm'}, fmap.projected(['host_name'])) == {}
    one = normalize({'detectTime': '1721740066'}, fmap.projected(['detect_time_iso']))
    assert one == {'detect_time': 1721740066000, 'detect_time_iso': '2024-07-23T13:07:46.000Z'}


def test_wide_records_run_by_apply():
    record = dict(('field%d' % n, n) for n in range(fields._MAKE_MOST + 1))
    fmap = fresh(DETECTION)
    assert normalize(record, fmap) == dict(('field%d' % n, n) for n in range(fields._MAKE_MOST + 1))
    assert isinstance(fmap.plans[tuple(record)].run, functools.partial)
