# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search filters: every time format, every rejected value, and every option reaching the API field the
WBD API reference (https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector) names for it.

The expected API fields and millisecond values below are written out by hand (times with
``calendar.timegm``), never read back from the filter lists under test.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import filters
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import filters_argument_spec, parse_time, search_body


def utc_ms(year, month, day, hour=0, minute=0, second=0, ms=0):
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) * 1000 + ms


JULY_1 = utc_ms(2024, 7, 1)  # 2024-07-01T00:00:00Z
NOW = utc_ms(2024, 7, 31, 12)  # the injected "now" of the relative ages
SECOND, MINUTE, HOUR, DAY, WEEK = 1000, 60 * 1000, 3600 * 1000, 86400 * 1000, 7 * 86400 * 1000


def test_hand_computed_anchor():
    # 2024-07-01 is day 19905 since 1970-01-01 (54 years, 13 of them leap years, plus 182 days of 2024).
    assert JULY_1 == (54 * 365 + 13 + 182) * DAY == 1719792000000


# ---- parse_time: accepted forms -----------------------------------------------------------------


@pytest.mark.parametrize(
    'value, expected',
    [
        # date only: midnight UTC
        ('2024-07-01', JULY_1),
        ('1970-01-01', 0),
        ('2024-02-29', utc_ms(2024, 2, 29)),
        # date and time without offset: UTC
        ('2024-07-01T09:30:00', utc_ms(2024, 7, 1, 9, 30)),
        ('2024-07-01T09:30', utc_ms(2024, 7, 1, 9, 30)),
        ('2024-07-01 09:30:00', utc_ms(2024, 7, 1, 9, 30)),
        # Z, upper and lower case
        ('2024-07-01T00:00:00Z', JULY_1),
        ('2024-07-01T00:00:00z', JULY_1),
        ('2024-07-01T23:59:59Z', utc_ms(2024, 7, 1, 23, 59, 59)),
        # offsets: +09:00 (KST) is nine hours earlier in UTC, -05:30 five and a half hours later
        ('2024-07-01T09:30:00+09:00', utc_ms(2024, 7, 1, 0, 30)),
        ('2024-07-01T00:00:00+09:00', utc_ms(2024, 6, 30, 15)),
        ('2024-07-01T09:30:00-05:30', utc_ms(2024, 7, 1, 15, 0)),
        ('2024-07-01T00:00:00+00:00', JULY_1),
        ('2024-07-01T09:30:00+0900', utc_ms(2024, 7, 1, 0, 30)),
        ('2024-07-01T09:30:00+09', utc_ms(2024, 7, 1, 0, 30)),
        # fractional seconds: milliseconds kept, anything finer dropped
        ('2024-07-01T00:00:00.123Z', JULY_1 + 123),
        ('2024-07-01T00:00:00.123456Z', JULY_1 + 123),
        ('2024-07-01T00:00:00.999999Z', JULY_1 + 999),
        ('2024-07-01T00:00:00.5+09:00', utc_ms(2024, 6, 30, 15) + 500),
        ('2024-07-01T12:34:56.789', utc_ms(2024, 7, 1, 12, 34, 56, 789)),
        # surrounding spaces
        ('  2024-07-01T00:00:00Z  ', JULY_1),
        # epoch milliseconds: ints, digit strings, floats (truncated)
        (JULY_1, JULY_1),
        ('1719792000000', JULY_1),
        (' 1719792000000 ', JULY_1),
        (1719792000000.9, JULY_1),
        (10**12, 10**12),
        # forms Python 3.10's datetime.fromisoformat refuses but 3.11 takes: the parser must not depend on the version
        ('2024-07-01T00:00:00.5+09', utc_ms(2024, 6, 30, 15) + 500),
        ('2024-07-01T09:30:00,250Z', utc_ms(2024, 7, 1, 9, 30) + 250),
    ],
)
def test_parse_time_accepts(value, expected):
    assert parse_time(value, NOW, 'since') == expected


@pytest.mark.parametrize(
    'value, age_ms',
    [
        ('30s', 30 * SECOND),
        ('30m', 30 * MINUTE),
        ('12h', 12 * HOUR),
        ('7d', 7 * DAY),
        ('2w', 2 * WEEK),
        ('0s', 0),
        ('90m', 90 * MINUTE),
        (' 7d ', 7 * DAY),
        ('7 d', 7 * DAY),
    ],
)
def test_parse_time_relative_ages_count_back_from_the_injected_now(value, age_ms):
    assert parse_time(value, NOW, 'since') == NOW - age_ms
    assert parse_time(value, NOW + 1234, 'since') == NOW + 1234 - age_ms


def test_parse_time_relative_age_reaching_back_to_1970_exactly_is_fine():
    assert parse_time('1d', DAY, 'since') == 0


def test_parse_time_takes_date_objects_as_yaml_gives_them():
    # An unquoted YAML date or timestamp may arrive as a date/datetime object rather than a string.
    assert parse_time(datetime.date(2024, 7, 1), NOW, 'since') == JULY_1
    assert parse_time(datetime.datetime(2024, 7, 1, 9, 30), NOW, 'since') == utc_ms(2024, 7, 1, 9, 30)
    kst = datetime.timezone(datetime.timedelta(hours=9))
    assert parse_time(datetime.datetime(2024, 7, 1, 9, 30, tzinfo=kst), NOW, 'since') == utc_ms(2024, 7, 1, 0, 30)


# ---- parse_time: rejected forms -------------------------------------------------------------------

HELP_WORDS = ('ISO 8601', '2024-07-01', 'relative age', '7d', 'epoch milliseconds')


def rejected(value, option='until', now=NOW):
    with pytest.raises(WbdConfigError) as info:
        parse_time(value, now, option)
    message = str(info.value)
    assert info.value.kind == 'configuration'
    assert '\n' not in message and message.startswith(option + ' ')
    for word in HELP_WORDS:
        assert word in message, (word, message)
    return message


@pytest.mark.parametrize('value', [True, False])
def test_parse_time_rejects_booleans(value):
    assert 'got a boolean' in rejected(value)


@pytest.mark.parametrize(
    'value, shown',
    [
        (-1, '-1 ms'),
        (-JULY_1, '-%d ms' % JULY_1),
        ('1969-12-31T23:59:59Z', '-1000 ms'),
        ('1970-01-01T08:59:59+09:00', '-1000 ms'),
        (-0.5 - 1, '-1 ms'),
    ],
)
def test_parse_time_rejects_times_before_1970(value, shown):
    message = rejected(value)
    assert 'before 1970' in message and shown in message


def test_parse_time_rejects_an_age_reaching_before_1970():
    message = rejected('2w', now=WEEK)
    assert 'before 1970' in message and '-%d ms' % WEEK in message


@pytest.mark.parametrize(
    'value',
    [
        'yesterday',
        'now',
        '7y',
        '7 days',
        '7d ago',
        '-7d',
        '-1',
        '+5',
        '2024-13-01',
        '2024-07-32',
        '2024-07-01T25:00:00',
        '2024/07/01',
        '01.07.2024',
        '1719792000000.5',
        'Z',
        'z',
        '12:00',
        '',
        '   ',
        'd',
        '1e12',
    ],
)
def test_parse_time_rejects_garbage_and_quotes_it(value):
    message = rejected(value)
    assert 'got "%s"' % value.strip() in message


def test_parse_time_rejects_structures():
    assert 'got "[1, 2]"' in rejected([1, 2])
    assert 'got "{' in rejected({'a': 1})


def test_parse_time_error_shows_garbage_on_one_line_and_bounded():
    message = rejected('2024\n07\x1b[31m-01' + 'x' * 500)
    assert '\x1b' not in message and 'x' * 61 not in message and len(message) < 400


@pytest.mark.parametrize('value', [float('nan'), float('inf'), float('-inf')])
def test_parse_time_rejects_non_finite_floats_with_config_error(value):
    # int() raises ValueError for NaN and OverflowError for infinities; `since: .nan` in YAML must not crash the module.
    with pytest.raises(WbdConfigError) as info:
        parse_time(value, NOW, 'since')
    assert 'since' in str(info.value)


# ---- search_body: every option of every resource reaches its API field -------------------------

TIME_IN = '2024-07-01T09:30:00+09:00'
TIME_OUT = utc_ms(2024, 7, 1, 0, 30)
LATER_IN = '2024-07-02'
LATER_OUT = utc_ms(2024, 7, 2)

# option -> (API field, a value a user might give, what the API must receive); from the API reference.
PROCESS = {
    'process_name': ('processName', 'php-cgi', 'php-cgi'),
    'process_arg': ('processArg', '-r system', '-r system'),
    'executor': ('executor', 'apache', 'apache'),
    'parent_process_name': ('processNameOfParent', 'httpd', 'httpd'),
    'parent_process_arg': ('processArgOfParent', '-DFOREGROUND', '-DFOREGROUND'),
    'parent_executor': ('executorOfParent', 'root', 'root'),
}
DETECTION_TABLE = dict(
    PROCESS,
    **{
        'action_status': ('actionStatus', 'confirmed', 'confirmed'),
        'since': ('detectTimeFrom', TIME_IN, TIME_OUT),
        'until': ('detectTimeTo', LATER_IN, LATER_OUT),
        'host_name': ('hostName', 'web01', 'web01'),
        'server_name': ('serverName', 'web-prd-001', 'web-prd-001'),
        'private_ip': ('privateIPofServer', '10.0.0.7', '10.0.0.7'),
        'suspicious_ip': ('suspiciousIP', '203.0.113.45', '203.0.113.45'),
        'memo': ('memo', 'checked by ops', 'checked by ops'),
    },
)
EXCEPTION_RULE_TABLE = dict(
    PROCESS,
    **{
        'name': ('exceptedRuleName', 'php maintenance', 'php maintenance'),
        'target': ('exceptTarget', '25000097', '25000097'),
        'created_since': ('createdTimeFrom', TIME_IN, TIME_OUT),
        'created_until': ('createdTimeTo', LATER_IN, LATER_OUT),
    },
)
DELETED_EXCEPTION_RULE_TABLE = dict(
    EXCEPTION_RULE_TABLE,
    **{
        'deleted_since': ('deletedTimeFrom', '1719792000000', JULY_1),
        'deleted_until': ('deletedTimeTo', JULY_1 + 1, JULY_1 + 1),
    },
)
DETECTION_TARGET_TABLE = {
    'agent_status': ('agentStatus', ['enable', 'down'], ['enable', 'down']),
    'server_name': ('serverName', 'web-prd-001', 'web-prd-001'),
    'ip_address': ('ipAddress', '10.0.0.7', '10.0.0.7'),
    'server_group_name': ('serverGroupName', 'web', 'web'),
    'server_image_name': ('serverImageName', 'rocky-8', 'rocky-8'),
    'web_root_path': ('webRootPath', '/var/www/html', '/var/www/html'),
    'file_upload_path': ('fileUploadPath', '/var/www/html/uploads', '/var/www/html/uploads'),
    'memo': ('memo', 'dmz', 'dmz'),
}
QUARANTINE_TABLE = {
    'since': ('quarantineTimeFrom', TIME_IN, TIME_OUT),
    'until': ('quarantineTimeTo', LATER_IN, LATER_OUT),
    'file_origin_name': ('fileOriginName', '/var/www/html/cmd.php', '/var/www/html/cmd.php'),
    'file_owner': ('fileOwner', 'apache', 'apache'),
    'host_name': ('hostName', 'web01', 'web01'),
    'server_name': ('serverName', 'web-prd-001', 'web-prd-001'),
    'quarantine_file_name': ('quarantineFileName', 'cmd.php.quarantine', 'cmd.php.quarantine'),
    'memo': ('memo', 'sent to CERT', 'sent to CERT'),
}
TABLES = [
    ('DETECTION', DETECTION_TABLE),
    ('EXCEPTION_RULE', EXCEPTION_RULE_TABLE),
    ('DELETED_EXCEPTION_RULE', DELETED_EXCEPTION_RULE_TABLE),
    ('DETECTION_TARGET', DETECTION_TARGET_TABLE),
    ('QUARANTINE', QUARANTINE_TABLE),
]
ONE_OPTION = [(name, option) for name, table in TABLES for option in sorted(table)]


@pytest.mark.parametrize('name, table', TABLES, ids=[t[0] for t in TABLES])
def test_filter_list_offers_exactly_the_documented_options(name, table):
    options = [f.option for f in getattr(filters, name)]
    assert sorted(options) == sorted(table) and len(options) == len(set(options))


@pytest.mark.parametrize('name, option', ONE_OPTION, ids=['%s-%s' % pair for pair in ONE_OPTION])
def test_each_option_alone_sends_only_its_api_field(name, option):
    api_name, given, sent = dict(TABLES)[name][option]
    assert search_body(getattr(filters, name), {option: given}, NOW) == {api_name: sent}


@pytest.mark.parametrize('name, table', TABLES, ids=[t[0] for t in TABLES])
def test_all_options_together(name, table):
    params = dict((option, given) for option, (api_name, given, sent) in table.items())
    expected = dict((api_name, sent) for option, (api_name, given, sent) in table.items())
    assert search_body(getattr(filters, name), params, NOW) == expected


@pytest.mark.parametrize('name', [t[0] for t in TABLES])
def test_nothing_set_is_none_so_the_module_lists_with_get(name):
    flts = getattr(filters, name)
    assert search_body(flts, {}, NOW) is None
    every_option_unset = dict((f.option, None) for f in flts)
    assert search_body(flts, every_option_unset, NOW) is None
    # other module options are never filters
    assert search_body(flts, {'access_key': 'AK', 'page_size': 100, 'max_results': 5, 'deleted': True}, NOW) is None


@pytest.mark.parametrize('unset', [None, '', []])
def test_empty_string_and_list_count_as_unset(unset):
    params = {'host_name': unset, 'since': unset, 'action_status': unset, 'memo': 'x'}
    assert search_body(filters.DETECTION, params, NOW) == {'memo': 'x'}
    assert search_body(filters.DETECTION_TARGET, {'agent_status': unset, 'server_name': unset}, NOW) is None


@pytest.mark.parametrize('value', [0, '0', 1719792000, '1719792000', '20240701', 10**12 - 1])
def test_parse_time_rejects_numbers_that_look_like_seconds_or_compact_dates(value):
    message = rejected(value)
    assert 'looks like epoch seconds or a compact date' in message and str(value) in message


@pytest.mark.parametrize('value', ['7D', '12H', '6M', '2W'])
def test_parse_time_units_are_lowercase_only(value):
    # 6M would otherwise silently mean six minutes to someone who meant months.
    assert 'got "%s"' % value in rejected(value)


def test_zero_and_whitespace_are_not_unset():
    with pytest.raises(WbdConfigError):
        search_body(filters.QUARANTINE, {'since': 0}, NOW)
    with pytest.raises(WbdConfigError):
        search_body(filters.QUARANTINE, {'since': ' '}, NOW)


@pytest.mark.parametrize('given, sent', [('confirmed', 'confirmed'), ('unconfirmed', 'blank')])
def test_action_status_choice_is_translated(given, sent):
    assert search_body(filters.DETECTION, {'action_status': given}, NOW) == {'actionStatus': sent}


def test_list_filter_keeps_every_item_in_order():
    everything = ['down', 'enable', 'disable', 'notInstalled', 'error', 'activating']
    assert search_body(filters.DETECTION_TARGET, {'agent_status': everything}, NOW) == {'agentStatus': everything}
    assert search_body(filters.DETECTION_TARGET, {'agent_status': ['enable']}, NOW) == {'agentStatus': ['enable']}


def test_relative_times_use_the_now_given():
    body = search_body(filters.DETECTION, {'since': '7d', 'until': '1h'}, NOW)
    assert body == {'detectTimeFrom': NOW - 7 * DAY, 'detectTimeTo': NOW - HOUR}


def test_bad_time_names_its_option():
    with pytest.raises(WbdConfigError) as info:
        search_body(filters.DELETED_EXCEPTION_RULE, {'deleted_until': 'last tuesday'}, NOW)
    assert str(info.value).startswith('deleted_until must be') and 'last tuesday' in str(info.value)


WINDOWS = [
    ('DETECTION', 'since', 'until'),
    ('QUARANTINE', 'since', 'until'),
    ('EXCEPTION_RULE', 'created_since', 'created_until'),
    ('DELETED_EXCEPTION_RULE', 'created_since', 'created_until'),
    ('DELETED_EXCEPTION_RULE', 'deleted_since', 'deleted_until'),
]


@pytest.mark.parametrize('name, since, until', WINDOWS)
def test_since_later_than_until_names_both_options_and_values(name, since, until):
    with pytest.raises(WbdConfigError) as info:
        search_body(getattr(filters, name), {since: '2024-07-02', until: '2024-07-01T23:59:59Z'}, NOW)
    message = str(info.value)
    assert '\n' not in message and 'later than' in message and 'empty' in message
    assert message.startswith('%s (2024-07-02) is later than %s (2024-07-01T23:59:59Z)' % (since, until))


@pytest.mark.parametrize('name, since, until', WINDOWS)
def test_equal_since_and_until_is_a_valid_window(name, since, until):
    body = search_body(getattr(filters, name), {since: '2024-07-01', until: JULY_1}, NOW)
    assert sorted(body.values()) == [JULY_1, JULY_1] and len(body) == 2


def test_window_order_is_checked_across_formats():
    with pytest.raises(WbdConfigError) as info:
        search_body(filters.DETECTION, {'since': '1h', 'until': '2d'}, NOW)
    assert 'since (1h) is later than until (2d)' in str(info.value)
    assert search_body(filters.DETECTION, {'since': '2d', 'until': '1h'}, NOW) == {'detectTimeFrom': NOW - 2 * DAY, 'detectTimeTo': NOW - HOUR}


def test_windows_are_independent():
    # created window fine, deleted window reversed: only the deleted pair is named
    with pytest.raises(WbdConfigError) as info:
        search_body(
            filters.DELETED_EXCEPTION_RULE,
            {'created_since': '2024-07-01', 'created_until': '2024-07-02', 'deleted_since': '2024-07-05', 'deleted_until': '2024-07-04'},
            NOW,
        )
    assert str(info.value).startswith('deleted_since (2024-07-05) is later than deleted_until (2024-07-04)')
    # a since of one window later than the until of the other is no error
    body = search_body(filters.DELETED_EXCEPTION_RULE, {'created_since': '2024-07-05', 'deleted_until': '2024-07-04'}, NOW)
    assert body == {'createdTimeFrom': utc_ms(2024, 7, 5), 'deletedTimeTo': utc_ms(2024, 7, 4)}


def test_one_sided_window_is_fine():
    assert search_body(filters.QUARANTINE, {'until': '2024-07-01'}, NOW) == {'quarantineTimeTo': JULY_1}


# ---- argument specs ---------------------------------------------------------------------------------


def test_detection_argument_spec_kinds():
    spec = filters_argument_spec(filters.DETECTION)
    assert spec['action_status']['type'] == 'str'
    assert sorted(spec['action_status']['choices']) == ['confirmed', 'unconfirmed']
    assert spec['since'] == {'type': 'raw'} and spec['until'] == {'type': 'raw'}
    for option in (
        'host_name',
        'server_name',
        'private_ip',
        'suspicious_ip',
        'memo',
        'process_name',
        'process_arg',
        'executor',
        'parent_process_name',
        'parent_process_arg',
        'parent_executor',
    ):
        assert spec[option] == {'type': 'str'}, option


def test_exception_rule_argument_spec_aliases_and_times():
    spec = filters_argument_spec(filters.DELETED_EXCEPTION_RULE)
    assert spec['name'] == {'type': 'str', 'aliases': ['excepted_rule_name']}
    assert spec['target'] == {'type': 'str', 'aliases': ['except_target']}
    for option in ('created_since', 'created_until', 'deleted_since', 'deleted_until'):
        assert spec[option] == {'type': 'raw'}, option
    assert 'deleted_since' not in filters_argument_spec(filters.EXCEPTION_RULE)


def test_detection_target_argument_spec_list_of_choices():
    spec = filters_argument_spec(filters.DETECTION_TARGET)['agent_status']
    assert spec['type'] == 'list' and spec['elements'] == 'str'
    assert sorted(spec['choices']) == sorted(['enable', 'disable', 'notInstalled', 'error', 'activating', 'down'])


def test_quarantine_argument_spec_kinds():
    spec = filters_argument_spec(filters.QUARANTINE)
    assert spec['since'] == {'type': 'raw'} and spec['until'] == {'type': 'raw'}
    assert all(spec[o] == {'type': 'str'} for o in ('file_origin_name', 'file_owner', 'host_name', 'server_name', 'quarantine_file_name', 'memo'))


def test_argument_spec_is_a_fresh_copy():
    spec = filters_argument_spec(filters.DETECTION)
    spec['action_status']['choices'].append('bogus')
    assert 'bogus' not in filters_argument_spec(filters.DETECTION)['action_status']['choices']
