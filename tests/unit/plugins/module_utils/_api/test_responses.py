# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every answer the API can give maps to the result or to one typed, actionable error."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import errors, responses
from ansible_collections.ncloud.wbd.plugins.module_utils._api.responses import RequestInfo, parse_response

NOW = 1763700000.0


@pytest.fixture(autouse=True)
def fresh_warnings():
    """Each test is a new module run: no warning given yet."""
    responses.WARN_ONCE.given.clear()
    yield
    responses.WARN_ONCE.given.clear()


def info(signed_at=NOW, warn=None):
    return RequestInfo(
        'GET', '/api/v1/detections?pageIndex=0&pageSize=100', operation='GetWebshell', permission='View/getWebShellEvents', signed_at=signed_at, warn=warn
    )


def body(obj):
    return json.dumps(obj).encode()


def gateway(code, message):
    return body({'error': {'errorCode': code, 'message': message}})


def date(ts):
    return {'Date': email.utils.formatdate(ts, usegmt=True)}


def raised(status, payload, headers=None, request=None):
    with pytest.raises(errors.WbdError) as exc:
        parse_response(status, headers or {}, payload, request or info())
    return exc.value


def test_success_returns_result():
    assert parse_response(200, {}, body({'success': True, 'code': 0, 'message': 'success', 'result': {'content': []}}), info()) == {'content': []}


def test_bad_signature_names_keys_and_clock_is_fine():
    err = raised(401, gateway('200', 'Authentication Failed'), date(NOW))
    assert isinstance(err, errors.WbdAuthError) and not err.retryable
    assert 'Authentication failed' in err.message and 'secret_key' in err.message
    assert 'clock looks fine' in err.message


def test_clock_skew_is_named_with_minutes():
    err = raised(401, gateway(200, 'Authentication Failed'), date(NOW + 600))
    assert isinstance(err, errors.WbdAuthError)
    assert '10 minutes behind' in err.message and 'NTP' in err.message


def test_clock_hint_without_date_header_mentions_five_minutes():
    assert 'within 5 minutes' in raised(401, gateway('200', 'Authentication Failed')).message


def test_permission_denied_names_the_permission():
    err = raised(401, gateway('210', 'Permission Denied'))
    assert isinstance(err, errors.WbdPermissionError)
    assert 'View/getWebShellEvents' in err.message and 'sub-account' in err.message


def test_rate_limit_is_retryable_and_reads_retry_after():
    err = raised(429, gateway('410', 'Throttle Limited'), {'Retry-After': '2'})
    assert isinstance(err, errors.WbdRateLimitError) and err.retryable and err.retry_after == 2.0


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_5xx_are_retryable_gateway_errors(status):
    err = raised(status, gateway('500', 'Endpoint Error'))
    assert isinstance(err, errors.WbdGatewayError) and err.retryable and err.status == status


@pytest.mark.parametrize('status', [400, 403, 404, 413])
def test_client_errors_are_not_retried(status):
    assert not raised(status, gateway('300', 'Not Found Exception')).retryable


def test_html_502_page_is_described_by_its_title():
    page = b'<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>'
    err = raised(502, page, {'Content-Type': 'text/html'})
    assert err.retryable and '502 Bad Gateway' in err.message and '\n' not in err.message


def test_html_200_page_is_malformed_and_not_retried():
    err = raised(200, b'<html><title>Login</title></html>', {'Content-Type': 'text/html'})
    assert isinstance(err, errors.WbdMalformedResponseError) and not err.retryable
    assert 'Login' in err.message and 'endpoint' in err.message


def test_truncated_json_is_malformed_and_retryable():
    err = raised(200, body({'success': True, 'result': {'content': [1, 2, 3]}})[:20])
    assert isinstance(err, errors.WbdMalformedResponseError) and err.retryable and 'cut off' in err.message


def test_envelope_error_reports_code_and_message():
    err = raised(200, body({'success': False, 'code': 8004, 'message': 'Invaliddata.', 'result': None}))
    assert isinstance(err, errors.WbdApiError) and 'code 8004' in err.message and 'Invaliddata.' in err.message


def test_missing_platform_header_hint():
    err = raised(200, body({'success': False, 'code': 400, 'message': 'Platform must be not null.', 'result': None}))
    assert 'X-NCP-USE_PLATFORM_TYPE' in err.message


@pytest.mark.parametrize('payload', [body({'result': {}}), body([1, 2]), body('ok')])
def test_not_an_envelope(payload):
    assert isinstance(raised(200, payload), errors.WbdMalformedResponseError)


def test_missing_result():
    err = raised(200, body({'success': True, 'code': 0, 'message': 'success'}))
    assert isinstance(err, errors.WbdMalformedResponseError) and '"result"' in err.message


def page(*records):
    return body({'success': True, 'code': 0, 'message': 'success', 'result': {'content': list(records), 'totalCount': len(records)}})


def test_invalid_utf8_is_replaced_kept_and_warned_once():
    warnings = []
    bad = b'{"success": true, "result": {"content": [{"detectionId": "1", "processArg": "sh \xc3\x28\xff"}, {"detectionId": "2"}]}}'
    for dummy in range(3):  # three pages with bad bytes: one warning
        result = parse_response(200, {}, bad, info(warn=warnings.append))
    assert result['content'] == [{'detectionId': '1', 'processArg': 'sh \ufffd(\ufffd'}, {'detectionId': '2'}]
    assert len(warnings) == 1
    assert 'not valid UTF-8' in warnings[0] and 'U+FFFD' in warnings[0] and 'GetWebshell' in warnings[0]


def test_invalid_utf8_warning_goes_to_the_module_result_by_default(monkeypatch):
    given = []
    monkeypatch.setattr(responses, 'module_warn', given.append)
    parse_response(200, {}, b'{"success": true, "result": "\xff"}', info())
    assert len(given) == 1 and 'not valid UTF-8' in given[0]


def test_invalid_utf8_in_a_cut_off_body_is_still_a_cut_off_body():
    warnings = []
    full = '{"success": true, "result": {"content": [{"memo": "\uc545\uc131"}]}}'.encode('utf-8')
    cut = full[: full.index('\uc545'.encode('utf-8')) + 1]  # in the middle of a 3-byte character
    with pytest.raises(errors.WbdMalformedResponseError) as exc:
        parse_response(200, {}, cut, info(warn=warnings.append))
    assert exc.value.retryable and 'cut off' in exc.value.message and warnings == []


def test_invalid_utf8_html_page_is_still_malformed():
    err = raised(200, b'<html><title>Login \xff</title></html>', {'Content-Type': 'text/html'})
    assert isinstance(err, errors.WbdMalformedResponseError) and not err.retryable


def test_lone_surrogate_escapes_are_replaced_and_warned_once():
    warnings = []
    raw = b'{"success": true, "result": {"content": [{"memo": "a\\udc80b", "\\ud800k": ["\\udbff"]}]}}'
    for dummy in range(2):
        result = parse_response(200, {}, raw, info(warn=warnings.append))
    assert result['content'] == [{'memo': 'a\ufffdb', '\ufffdk': ['\ufffd']}]
    json.dumps(result).encode('utf-8')  # what Ansible needs: every string encodes
    assert len(warnings) == 1 and 'unpaired UTF-16 surrogate' in warnings[0]


def test_surrogate_pairs_and_control_characters_are_kept_unchanged():
    warnings = []
    text = 'ctl\x00\x07\x1b[31m \u202eexe.php\u202c \u2066x\u2069\r\n\U0001f600 \uc545\uc131'
    raw = json.dumps({'success': True, 'result': {'content': [{'memo': text}]}}).encode('ascii')  # ASCII: escapes only
    assert b'\\ud83d\\ude00' in raw
    assert parse_response(200, {}, raw, info(warn=warnings.append))['content'][0]['memo'] == text
    assert warnings == []


def test_a_1mb_field_is_kept_whole():
    arg = 'sh -c ' + 'A' * (1024 * 1024)
    assert parse_response(200, {}, page({'processArg': arg}), info())['content'][0]['processArg'] == arg


def test_redirect_is_not_followed():
    err = raised(302, b'', {'Location': 'https://login.example/'})
    assert 'login.example' in err.message and not err.retryable


def test_server_text_is_cleaned_to_one_safe_line():
    err = raised(500, gateway('900', 'line1\nline2\x1b[31m\u202eevil' + 'x' * 500))
    assert '\n' not in err.message and '\x1b' not in err.message and '\u202e' not in err.message
    assert len(err.message) < 700


SOURCE = 'the access key (NCPA..., 21 characters) came from credentials file /home/u/.ncloud/configure, profile [prod], the secret key too'


def with_source(uri='/api/v1/detections?pageIndex=0&pageSize=100'):
    return RequestInfo('GET', uri, operation='GetWebshell', permission='View/getWebShellEvents', signed_at=NOW, credential_source=SOURCE)


def test_authentication_failure_names_where_the_keys_came_from():
    err = raised(401, gateway('200', 'Authentication Failed'), date(NOW), with_source())
    assert isinstance(err, errors.WbdAuthError) and not err.retryable
    assert err.message == (
        'Authentication failed: WBD API GetWebshell (GET /api/v1/detections?pageIndex=0&pageSize=100) answered HTTP 401, '
        'gateway error 200 (Authentication Failed). The access key is unknown or the signature does not match: check '
        'access_key and secret_key where they came from: %s; the clock looks fine (within 0 s of the API\'s), so the key '
        'pair is the likely cause.' % SOURCE
    )


def test_permission_denied_names_where_the_key_came_from_too():
    err = raised(401, gateway('210', 'Permission Denied'), None, with_source())
    assert isinstance(err, errors.WbdPermissionError) and err.message.endswith('or use another key; %s.' % SOURCE)


def test_source_text_is_kept_to_one_line():
    request = with_source()
    request.credential_source = 'from\nsomewhere\x1b[31m'
    message = raised(401, gateway('200', 'Authentication Failed'), None, request).message
    assert '\n' not in message and '\x1b' not in message and 'where they came from: from somewhere' in message


@pytest.mark.parametrize(
    'uri, hint',
    [
        ('/api/v1/detections', 'the endpoint does not serve this WBD operation: check that endpoint/site point at the WBD API'),
        ('/v1/api/v1/detections?pageIndex=0', "the endpoint's path /v1 is put before every operation path (/api/v1/...)"),
        ('/api/v1/api/v1/detections', "the endpoint's path /api/v1 is put before every operation path (/api/v1/...)"),
    ],
)
def test_not_found_says_what_path_was_wrong(uri, hint):
    err = raised(404, gateway('300', 'Not Found Exception'), None, with_source(uri))
    assert isinstance(err, errors.WbdGatewayError) and not err.retryable
    assert err.message.startswith('Not found: WBD API GetWebshell (GET %s) answered HTTP 404, gateway error 300' % uri)
    assert hint in err.message and '\n' not in err.message


@pytest.mark.parametrize(
    'page',
    [
        b'<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body>nginx</body></html>',
        b'<html><head><title>400 Bad Request</title></head><body><p>Your browser sent a request that this server could not '
        b'understand.<br />Reason: You\'re speaking plain HTTP to an SSL-enabled server port.<br /></p></body></html>',
        b'Client sent an HTTP request to an HTTPS server.\n',
    ],
)
def test_plain_http_to_an_https_port_is_named(page):
    err = raised(400, page, {'Content-Type': 'text/html'})
    assert isinstance(err, errors.WbdConnectionError) and err.kind == 'connection' and not err.retryable
    assert err.message.startswith('Protocol mismatch: WBD API GetWebshell')
    assert 'The endpoint speaks HTTPS but was sent plain HTTP: use https:// in endpoint' in err.message and '\n' not in err.message


def test_other_400_pages_stay_refusals():
    err = raised(400, b'<html><title>400 Bad Request</title></html>', {'Content-Type': 'text/html'})
    assert isinstance(err, errors.WbdGatewayError) and err.message.startswith('Request refused')
