# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the response normaliser: whatever status, headers and body a server (or a proxy in front of
it) sends, ``parse_response`` returns the envelope's result or raises one typed WbdError with a one-line
message, and ``fields.normalize`` maps any JSON object without raising, reading times in any form a server may
send (issue 14: epoch ms, s, us or ns as numbers or numeric text, ISO 8601) as a reference written here says.

The expected error class, retry flag and result are computed here from the API reference (the gateway's errors and
WBD's own codes), not with the module's helpers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import fractions
import json
import math
import re
import unicodedata
from unittest import mock

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import errors, fields
from ansible_collections.ncloud.wbd.plugins.module_utils._api.responses import RequestInfo, parse_response
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import (
    JSON_SCALARS,
    examples,
    hostile_text,
    json_bytes,
    json_values,
    regression_examples,
)
from hypothesis import example, given
from hypothesis import strategies as st

# Header values that no message may ever show: only Location and Content-Type are quoted in messages.
SECRET = 'S3CR3T-do-not-show-0f9e8d7c'
SIGNATURE = 'bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWxvbmctZW5vdWdo='
RETRY_STATUSES = (429, 500, 502, 503, 504)  # throttling and transient gateway failures
BLANK = r'[\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]'
# Unicode's Bidi_Control characters but U+061C, which test_messages_hold_no_arabic_letter_mark covers (a known bug)
BIDI = re.compile('[\u200e\u200f\u202a-\u202e\u2066-\u2069]')
SURROGATE = re.compile('[\ud800-\udfff]')
# The main property keeps JSON nesting and Date years where Python's own parsers work; the regression tests below
# (bugs these properties found, fixed) cover what lies beyond.
MAX_DEPTH = 200
MAX_YEAR = 9999


def info():
    request = RequestInfo(
        'GET', '/api/v1/detections?pageIndex=0&pageSize=100', operation='GetWebshell', permission='View/getWebShellEvents', signed_at=1763700000.0
    )
    request.signatures.append(SIGNATURE)
    return request


# ---- strategies -----------------------------------------------------------------------------------

STATUS = st.one_of(
    st.sampled_from([200, 201, 204, 206, 299, 300, 301, 302, 304, 307, 399, 400, 401, 403, 404, 405, 409, 413, 429, 500, 501, 502, 503, 504, 505, 599]),
    st.integers(min_value=0, max_value=999),
)

NOT_2XX = st.integers(100, 999).filter(lambda s: not 200 <= s < 300)

DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def http_dates(years):
    """RFC 7231 dates, some of them odd (day 0 or 40, hour 29, two-digit or far years, other zones)."""
    return st.builds(
        lambda day, mday, month, year, h, m, s, zone: '%s, %02d %s %d %02d:%02d:%02d %s' % (day, mday, month, year, h, m, s, zone),
        st.sampled_from(DAYS),
        st.integers(0, 40),
        st.sampled_from(MONTHS),
        years,
        st.integers(0, 29),
        st.integers(0, 61),
        st.integers(0, 61),
        st.sampled_from(['GMT', 'UTC', '+0900', '-0000', 'EST', '']),
    )


# requests hands over header values decoded as ISO-8859-1, so they hold code points below 256 only
HEADER_TEXT = hostile_text().map(lambda text: ''.join(c for c in text if ord(c) < 256))
DATE = st.one_of(http_dates(st.integers(0, MAX_YEAR)), HEADER_TEXT)
RETRY_AFTER = st.one_of(
    st.integers(-10, 10**7).map(str),
    st.floats().map(repr),
    st.sampled_from(['', ' ', 'nan', '-nan', 'inf', '-inf', 'Infinity', '1e999', '0x10', '1_000', ' 7 ']),
    http_dates(st.integers(0, MAX_YEAR)),
    HEADER_TEXT,
)
HEADERS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            'Date': DATE,
            'date': DATE,
            'Retry-After': RETRY_AFTER,
            'retry-after': RETRY_AFTER,
            'Content-Type': st.one_of(st.sampled_from(['application/json', 'text/html; charset=utf-8']), HEADER_TEXT),
            'content-type': HEADER_TEXT,
            'Location': st.one_of(st.just('https://login.example/'), HEADER_TEXT),
            'location': HEADER_TEXT,
            'Set-Cookie': st.just('session=%s; HttpOnly' % SECRET),
            'x-ncp-iam-access-key': st.just(SECRET),
            'x-ncp-apigw-signature-v2': st.just(SECRET),
            'Authorization': st.just('Bearer %s' % SECRET),
            'X-Debug': st.just(SECRET),
        },
    ),
)

CODES = st.one_of(st.sampled_from([0, 400, 8004, 8008, '400', '210', 210, ' 210 ', '\x00210', '200', '410', '500', None]), JSON_SCALARS)
MESSAGES = st.one_of(st.sampled_from(['success', 'Platform must be not null.', 'Permission Denied', 'Throttle Limited']), hostile_text(), JSON_SCALARS)
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        'success': st.one_of(st.booleans(), JSON_SCALARS, json_values(3)),
        'code': st.one_of(CODES, json_values(3)),
        'message': MESSAGES,
        'result': json_values(),
        'requestId': hostile_text(),
    },
)
SUCCESS_ENVELOPES = st.fixed_dictionaries({'success': st.just(True), 'result': json_values()}, optional={'code': CODES, 'message': MESSAGES})
GATEWAY_ERRORS = st.builds(
    lambda code, message, wrapped, code_key: {'error': {code_key: code, 'message': message}} if wrapped else {code_key: code, 'message': message},
    CODES,
    MESSAGES,
    st.booleans(),
    st.sampled_from(['errorCode', 'code']),
)


DEPTHS = st.integers(0, MAX_DEPTH)
FRACTIONS = st.floats(0, 1)


def nested(inner):
    """A JSON value wrapped in up to MAX_DEPTH arrays."""
    return st.builds(lambda value, depth: json.loads('[' * depth + json.dumps(value) + ']' * depth), inner, DEPTHS)


def cut(values):
    """A JSON body cut short, as a dropped connection leaves it."""
    return st.builds(lambda body, fraction: body[: int(len(body) * fraction)], values.map(json_bytes), FRACTIONS)


def html_page(title, text):
    return ('<!DOCTYPE html><html><head><title>%s</title></head><body>%s</body></html>' % (title, text)).encode('utf-8', 'surrogatepass')


BODIES = st.one_of(
    st.builds(json_bytes, st.one_of(ENVELOPES, SUCCESS_ENVELOPES, GATEWAY_ERRORS, json_values()), st.booleans()),
    st.builds(
        json_bytes, st.one_of(nested(json_values(4)).map(lambda value: {'success': True, 'result': value}), nested(GATEWAY_ERRORS), nested(JSON_SCALARS))
    ),
    cut(st.one_of(ENVELOPES, GATEWAY_ERRORS)),
    st.builds(html_page, hostile_text(), hostile_text()),
    st.builds(lambda pad, body: pad + body, st.sampled_from([b' ', b'\n\t', b'\xef\xbb\xbf', b'\x0c']), st.builds(json_bytes, SUCCESS_ENVELOPES)),
    st.binary(max_size=200),
    st.just(b''),
)


# ---- the reference ----------------------------------------------------------------------------------


def decoded(body, errors_mode='strict'):
    """The JSON value of a body, or ValueError when it is no JSON (not UTF-8, or not parseable)."""
    try:
        return json.loads(body.decode('utf-8', errors_mode))
    except (ValueError, RecursionError):
        return ValueError


def scrubbed(value):
    """A WBD payload as the module passes it on: invalid UTF-8 and lone surrogates become U+FFFD."""
    if isinstance(value, str):
        return SURROGATE.sub('\ufffd', value)
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    if isinstance(value, dict):
        return dict((scrubbed(key), scrubbed(item)) for key, item in value.items())
    return value


def gateway_code_is_210(body):
    data = decoded(body)
    if not isinstance(data, dict):
        return False
    err = data['error'] if isinstance(data.get('error'), dict) else data
    code = err['errorCode'] if 'errorCode' in err else err.get('code')
    return code is not None and re.match('^%s*210%s*$' % (BLANK, BLANK), '%s' % (code,)) is not None


def expected_error(status, body):
    """(error class, retryable) the API notes call for; None when the answer is a success."""
    if status == 401:
        return (errors.WbdPermissionError if gateway_code_is_210(body) else errors.WbdAuthError), False
    if status == 429:
        return errors.WbdRateLimitError, True
    if status == 403:
        return errors.WbdPermissionError, False
    if not 200 <= status < 300:
        return errors.WbdGatewayError, status in RETRY_STATUSES
    envelope = decoded(body, 'replace')  # a few invalid bytes in a record must not fail a whole listing
    if envelope is ValueError:
        # a cut-off JSON body is worth another try, an HTML page or garbage is not
        return errors.WbdMalformedResponseError, body.lstrip()[:1] in (b'{', b'[')
    if not isinstance(envelope, dict) or 'success' not in envelope:
        return errors.WbdMalformedResponseError, False
    if envelope['success'] is not True:
        return errors.WbdApiError, False
    if 'result' not in envelope:
        return errors.WbdMalformedResponseError, False
    return None


def assert_one_safe_line(message):
    assert isinstance(message, str) and message.strip(), repr(message)
    assert len(message.splitlines()) == 1, repr(message)
    assert not [c for c in message if unicodedata.category(c) in ('Cc', 'Zl', 'Zp')], repr(message)
    assert not BIDI.search(message), repr(message)
    assert len(message) < 1200, len(message)
    assert SECRET not in message
    # (lone surrogates: see test_gateway_error_messages_hold_no_lone_surrogate, a known bug)


def same_json(a, b):
    """Equality that holds for NaN-free JSON and tells 1 from 1.0 from True."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# ---- parse_response ---------------------------------------------------------------------------------


@examples(2000)
@given(status=STATUS, headers=HEADERS, body=BODIES)
@example(status=401, headers={'Date': 'Mon, 01 Jan 2024 00:00:00 GMT'}, body=b'{"error":{"errorCode":" 210","message":"x"}}')
@example(status=200, headers={}, body=b'{"success":true,"result":null}')
@example(status=200, headers={}, body=b'{"success":true}')
@example(status=200, headers={}, body=b'{"success":"true","result":1}')
@example(status=429, headers={'Retry-After': 'nan'}, body=b'')
@example(status=302, headers={'Location': 'https://x/\r\n\u202eSet-Cookie: a'}, body=b'<html>')
def test_parse_response_returns_the_result_or_one_typed_error(status, headers, body):
    request = info()
    try:
        result = parse_response(status, headers, body, request)
    except errors.WbdError as err:
        expected = expected_error(status, body)
        assert expected is not None, 'a success answer raised %r' % err
        cls, retryable = expected
        assert err.__class__ is cls, (err.__class__.__name__, err.message)
        assert bool(err.retryable) is retryable, err.message
        assert err.status == status
        assert_one_safe_line(err.message)
        assert str(err) == err.message
        if not 200 <= status < 300:
            assert 'HTTP %d' % status in err.message
        if err.retry_after is not None:
            assert status == 429 or status >= 500
            assert isinstance(err.retry_after, (int, float)) and not isinstance(err.retry_after, bool)
            assert not math.isnan(err.retry_after) and err.retry_after >= 0
        # what the client does before showing it: an echoed signature is blanked out
        assert SIGNATURE not in err.redact(request.signatures).message
    else:
        assert expected_error(status, body) is None, 'no error for HTTP %d %r' % (status, body[:80])
        assert same_json(result, scrubbed(decoded(body, 'replace'))['result'])


@examples(300)
@given(status=st.integers(200, 299), envelope=SUCCESS_ENVELOPES, ascii_only=st.booleans())
def test_every_success_envelope_gives_back_its_result(status, envelope, ascii_only):
    # Any JSON value under "result" comes back unchanged, big integers included; lone surrogates (which only
    # JSON escapes can carry) come back as U+FFFD.
    result = parse_response(status, {}, json_bytes(envelope, ascii_only), info())
    assert same_json(result, scrubbed(envelope['result']))


@examples(300)
@given(status=NOT_2XX, headers=HEADERS, body=BODIES)
def test_retry_flag_follows_the_status(status, headers, body):
    with pytest.raises(errors.WbdError) as caught:
        parse_response(status, headers, body, info())
    assert caught.value.retryable == (status in RETRY_STATUSES)
    assert isinstance(caught.value, errors.WbdRateLimitError) == (status == 429)


# ---- known bugs: typed errors are promised here too --------------------------------------------------


@regression_examples(200)
@given(status=NOT_2XX, name=st.sampled_from(['Date', 'Retry-After']), date=http_dates(st.integers(MAX_YEAR + 1, 10**6)))
@example(status=500, name='Date', date='Mon, 01 Jan 10000 00:00:00 GMT')
def test_far_future_http_dates_give_typed_errors(status, name, date):
    headers = {name: date}
    if name == 'Retry-After':
        headers['Date'] = 'Mon, 01 Jan 2024 00:00:00 GMT'
    with pytest.raises(errors.WbdError):
        parse_response(status, headers, b'', info())


@regression_examples(100)
@given(status=STATUS, depth=st.integers(1000, 100000), closed=st.booleans())
@example(status=200, depth=100000, closed=False)
def test_deeply_nested_json_gives_a_typed_error(status, depth, closed):
    body = b'[' * depth + (b']' * depth if closed else b'')
    with pytest.raises(errors.WbdError):
        parse_response(status, {}, body, info())


@regression_examples(100)
@given(status=NOT_2XX, before=hostile_text(), after=hostile_text(), key=st.sampled_from(['message', 'errorCode']))
@example(status=502, before='', after='', key='message')
def test_gateway_error_messages_hold_no_lone_surrogate(status, before, after, key):
    body = json_bytes({'error': dict({'errorCode': '500', 'message': 'x'}, **{key: before + '\ud800' + after})})
    with pytest.raises(errors.WbdError) as caught:
        parse_response(status, {}, body, info())
    caught.value.message.encode('utf-8')


@regression_examples(100)
@given(status=STATUS, before=hostile_text(), after=hostile_text())
@example(status=500, before='', after='')
def test_messages_hold_no_arabic_letter_mark(status, before, after):
    with pytest.raises(errors.WbdError) as caught:
        parse_response(status, {}, (before + '\u061c' + after).encode('utf-8', 'surrogatepass'), info())
    assert '\u061c' not in caught.value.message


# ---- fields.normalize ---------------------------------------------------------------------------------

MAPS = {
    'DETECTION': fields.DETECTION,
    'SUSPICION_FILE': fields.SUSPICION_FILE,
    'SUSPICION_IP': fields.SUSPICION_IP,
    'EXCEPTION_RULE': fields.EXCEPTION_RULE,
    'DETECTION_TARGET': fields.DETECTION_TARGET,
    'WAS_CONFIG': fields.WAS_CONFIG,
    'SUSPICIOUS_OBJECT': fields.SUSPICIOUS_OBJECT,
    'NOTIFICATION_INTERVAL': fields.NOTIFICATION_INTERVAL,
}
TIMES = st.one_of(
    st.integers(-(10**16), 10**16),
    st.integers(),
    st.floats(),
    st.sampled_from([0, 1721740066493, -1, 2**63]),
    # the units a server may really use: seconds, milliseconds, microseconds, nanoseconds of 2015-2035
    st.sampled_from([1, 1000, 10**6, 10**9]).flatmap(lambda per_s: st.integers(1420070400 * per_s, 2051222400 * per_s)),
    st.floats(1420070400.0, 2051222400.0),
)
# ISO 8601 as servers write it: T, t or blank, seconds and a fraction of any length or not, Z, an offset or none.
ISO_TIMES = st.builds(
    lambda moment, clock, fraction, sep, zone: (
        moment.strftime('%Y-%m-%d')
        if clock == 'date'
        else '%04d-%s%s%s%s%s'
        % (moment.year, moment.strftime('%m-%d'), sep, moment.strftime(clock), '.' + fraction if fraction and clock.endswith('S') else '', zone)
    ),
    st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30)),
    st.sampled_from(['%H:%M:%S', '%H:%M:%S', '%H:%M', 'date']),
    st.text('0123456789', max_size=9),
    st.sampled_from(['T', 'T', 't', ' ']),
    st.sampled_from(['', 'Z', 'Z', 'z', '+09:00', '-0430', '+05', '+23:59', '-00:00', ' Z', '+24:00']),
)
NUMERIC_TEXT = st.one_of(
    TIMES.filter(lambda v: not isinstance(v, float) or math.isfinite(v)).map(repr),
    st.tuples(st.sampled_from(['', ' ', '+', '-']), st.integers(0, 10**20)).map(lambda t: '%s%d' % t),
)
ISO = re.compile(r'^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$')


SOME_VALUE = st.one_of(JSON_SCALARS, JSON_SCALARS, JSON_SCALARS, json_values(4))
TIME_VALUES = st.one_of(TIMES, JSON_SCALARS, ISO_TIMES, NUMERIC_TEXT)
UNDOCUMENTED_KEYS = st.lists(st.text(max_size=12), max_size=3, unique=True)
_KEY_LISTS = {}
_NESTED = {}


def key_lists(fmap, depth):
    """Some of the map's documented keys (strategies are cached: building one costs more than a draw)."""
    slot = (id(fmap), depth)
    if slot not in _KEY_LISTS:
        _KEY_LISTS[slot] = st.lists(st.sampled_from(sorted(fmap.names)), unique=True, max_size=12 if depth == 0 else 4)
    return _KEY_LISTS[slot]


def documented_value(fmap, key, depth):
    if key in fmap.nested:
        slot = (id(fmap), key)
        if slot not in _NESTED:
            _NESTED[slot] = st.one_of(st.lists(st.one_of(api_records(fmap.nested[key], depth + 1), JSON_SCALARS), max_size=3), JSON_SCALARS)
        return _NESTED[slot]
    if key in fmap.times:
        return TIME_VALUES
    return SOME_VALUE


def taken_names(fmap):
    """Every name normalize may produce from a documented key."""
    return set(fmap.names.values()) | set(fmap.names[k] + '_iso' for k in fmap.times)


@st.composite
def api_records(draw, fmap, depth=0):
    """A record as the API might send it: some documented keys, any values, some undocumented keys whose generic
    names collide with nothing (collisions: see the regression test below)."""
    record = {}
    for key in draw(key_lists(fmap, depth)):
        record[key] = draw(documented_value(fmap, key, depth) if depth == 0 else JSON_SCALARS)
    taken = taken_names(fmap)
    for key in draw(UNDOCUMENTED_KEYS):
        name = fields.generic_snake(key)
        if key not in fmap.names and name not in taken:
            taken.add(name)
            record[key] = draw(SOME_VALUE)
    return record


def reference_iso(value):
    """The ISO 8601 twin of an epoch-ms value, or None when it is no usable number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    try:
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=int(value))
    except OverflowError:
        return None
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond // 1000,
    )


RAW = 'kept as sent'
REF_NUMBER = re.compile(r'[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')
REF_ISO = re.compile(
    r'([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?'
    r'\s*(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?'
)
UTC_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def ref_number_ms(number):
    """Epoch ms of a number (a Fraction) by its magnitude: < 1e11 seconds, < 1e14 ms, < 1e17 us, else ns."""
    size = abs(number)
    if size >= 10**30:
        return RAW
    scale = 1000 if size < 10**11 else 1 if size < 10**14 else fractions.Fraction(1, 1000) if size < 10**17 else fractions.Fraction(1, 10**6)
    return math.floor(number * scale)


def ref_iso_ms(match):
    year, month, day, hour, minute, second, fraction, dummy, sign, off_h, off_m = match.groups()
    try:
        zone = datetime.timezone((-1 if sign == '-' else 1) * datetime.timedelta(hours=int(off_h or 0), minutes=int(off_m or 0)))
        if off_m is not None and int(off_m) > 59:
            return RAW
        moment = datetime.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), int((fraction or '')[:3].ljust(3, '0')) * 1000, tzinfo=zone
        )
    except ValueError:
        return RAW
    return (moment - UTC_EPOCH) // datetime.timedelta(milliseconds=1)


def ref_time(value):
    """What a time field becomes: epoch ms, None (null), or RAW (no time: kept as sent, ISO twin None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return RAW
    if isinstance(value, float):
        ms = ref_number_ms(fractions.Fraction(repr(value))) if math.isfinite(value) else RAW
    elif isinstance(value, int):
        ms = ref_number_ms(fractions.Fraction(value))
    else:
        text = value.strip()
        if len(text) > 64:
            return RAW
        if REF_NUMBER.fullmatch(text):
            ms = ref_number_ms(fractions.Fraction(text))
        elif REF_ISO.fullmatch(text):
            ms = ref_iso_ms(REF_ISO.fullmatch(text))
        else:
            return RAW
    if ms is RAW or not -62135596800000 <= ms <= 253402300799999:  # 0001-01-01 to 9999-12-31
        return RAW
    return ms


def check_normalized(record, fmap, out):
    assert isinstance(out, dict)
    produced = 0
    for key, value in record.items():
        name = fmap.names.get(key) or fields.generic_snake(key)
        produced += 1
        if key in fmap.nested:
            assert isinstance(out[name], list)
            inner = [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
            assert len(out[name]) == len(inner)
            for raw, normal in zip(inner, out[name]):
                check_normalized(raw, fmap.nested[key], normal)
        elif key in fmap.ids and value is not None and not isinstance(value, bool):
            assert out[name] == '%s' % (value,)
        elif key in fmap.times:
            produced += 1
            expected, iso = ref_time(value), out[name + '_iso']
            if expected is RAW or expected is None:
                assert same_json(out[name], value) and iso is None, (key, value, out[name], iso)
            else:
                assert type(out[name]) is int and out[name] == expected, (key, value, out[name], expected)  # pylint: disable=unidiomatic-typecheck
                assert iso == reference_iso(expected), (value, iso)
        else:
            assert same_json(out[name], value), (key, value, out[name])
    assert len(out) == produced, sorted(set(out) - set(fmap.names.get(k) or fields.generic_snake(k) for k in record))


@examples(1500)
@given(case=st.one_of([st.tuples(st.just(name), api_records(MAPS[name])) for name in sorted(MAPS)]))
def test_normalize_maps_every_documented_field_and_keeps_the_rest(case):
    map_name, record = case
    fmap = MAPS[map_name]
    check_normalized(record, fmap, fields.normalize(record, fmap))


@examples(1000)
@given(values=st.lists(TIME_VALUES, max_size=6), now=st.integers(1420070400000, 2051222400000))
def test_time_notes_count_what_normalize_did(values, now):
    records = [{'detectTime': v, 'suspicionFiles': [{'accessTime': v}]} for v in values]
    notes = fields.TimeNotes(now_ms=now)
    outs = [fields.normalize(r, fields.DETECTION, notes) for r in records]
    assert outs == [fields.normalize(r, fields.DETECTION) for r in records]  # notes change nothing
    expected = {}
    for value in values:
        ms = ref_time(value)
        kinds = ['unreadable'] if ms is RAW else [] if ms is None else ['early'] if ms < 1420070400000 else ['future'] if ms > now + 86400000 else []
        for kind in kinds:
            expected[kind] = expected.get(kind, 0) + 1
    for field in ('detectTime', 'suspicionFiles[].accessTime'):
        problems = dict((e['kind'], e['count']) for e in notes.problems() if e['field'] == field)
        assert problems == expected, (field, values)
    conversions = sum(e['count'] for e in notes.entries() if not e['problem'] and e['field'] == 'detectTime')
    plain = sum(1 for v in values if type(v) is int and ref_time(v) == v)  # pylint: disable=unidiomatic-typecheck
    assert conversions == sum(1 for v in values if ref_time(v) not in (RAW, None)) - plain
    lines = notes.messages('GetWebshell')
    assert len(lines) == len(notes.entries()) == len(set(lines))
    for line in lines:
        assert line.startswith('GetWebshell: ') and '\n' not in line and '\r' not in line and len(line) < 400


@examples(1000)
@given(
    record=st.dictionaries(st.one_of(st.sampled_from(sorted(fields.DETECTION.names)), st.text(max_size=10)), SOME_VALUE, max_size=8),
    map_name=st.sampled_from(sorted(MAPS)),
)
def test_normalize_never_raises_on_any_json_object(record, map_name):
    out = fields.normalize(record, MAPS[map_name])
    assert isinstance(out, dict) and len(out) <= 2 * len(record)
    json.dumps(out)  # still plain JSON data


@examples(500)
@given(ms=st.one_of(st.integers(-30610224000000, 253402300799999), st.sampled_from([-30610224000000, 0, 253402300799999])))
def test_iso8601_round_trips_every_millisecond_of_years_1000_to_9999(ms):
    # (before the year 1000 strftime writes the year with fewer than four digits; no API sends such times)
    iso = fields.iso8601(ms)
    match = ISO.match(iso)
    assert match, iso
    moment = datetime.datetime(*[int(g) for g in match.groups()[:6]], microsecond=int(match.group(7)) * 1000)
    assert (moment - datetime.datetime(1970, 1, 1)) // datetime.timedelta(milliseconds=1) == ms


def unplanned(fmap):
    """A copy of ``fmap`` with nothing planned yet (nested maps too)."""
    return fields.FieldMap(fmap.names, fmap.times, fmap.ids, dict((key, unplanned(inner)) for key, inner in fmap.nested.items()))


@st.composite
def listings(draw):
    """(map name, records, the ``fields`` to keep or None): documented records, or any object with keys that may collide."""
    map_name = draw(st.sampled_from(sorted(MAPS)))
    fmap = MAPS[map_name]
    keys = st.one_of(st.sampled_from(sorted(fmap.names)), st.sampled_from(sorted(taken_names(fmap))), st.text(max_size=8))
    records = st.one_of(api_records(fmap), st.dictionaries(keys, st.one_of(SOME_VALUE, TIME_VALUES), max_size=8))
    keep = st.none() | st.lists(st.sampled_from(sorted(fields.output_names(fmap)) + ['api_memo']), max_size=6)
    return map_name, draw(st.lists(records, min_size=1, max_size=4)), draw(keep)


@examples(1000)
@given(case=listings(), now=st.integers(1420070400000, 2051222400000))
def test_plans_made_into_code_normalize_as_apply_does(case, now):
    map_name, records, keep = case
    maps = [unplanned(MAPS[map_name]) for dummy in range(2)]
    if keep is not None:
        maps = [fmap.projected(keep) for fmap in maps]
    notes = [fields.TimeNotes(now_ms=now) for dummy in range(2)]
    made = [fields.normalize(record, maps[0], notes[0]) for record in records + records]
    with mock.patch.object(fields, '_runner', return_value=None):
        applied = [fields.normalize(record, maps[1], notes[1]) for record in records + records]
    assert json.dumps(made) == json.dumps(applied)  # the same keys in the same order, 1 told from 1.0 and True
    assert json.dumps(list(notes[0].seen.items())) == json.dumps(list(notes[1].seen.items()))  # the same notes, in the same order


# (map, documented key, our name) where an undocumented key spelled like our name is a different key
COLLIDING = [
    (m, key, MAPS[m].names[key]) for m in sorted(MAPS) for key in sorted(MAPS[m].names) if MAPS[m].names[key] != key and MAPS[m].names[key] not in MAPS[m].names
]


@examples(100)
@given(case=st.sampled_from(COLLIDING), twin_of_iso=st.booleans(), undocumented_first=st.booleans())
@example(case=('DETECTION', 'hostName', 'host_name'), twin_of_iso=False, undocumented_first=False)
def test_normalize_loses_no_field_even_when_names_collide(case, twin_of_iso, undocumented_first):
    map_name, documented, name = case
    fmap = MAPS[map_name]
    twin = name + '_iso' if twin_of_iso and documented in fmap.times else name
    items = [(documented, 1), (twin, 2)]
    record = dict(reversed(items) if undocumented_first else items)
    out = fields.normalize(record, fmap)
    assert len(out) == len(record) + sum(1 for k in record if k in fmap.times)
