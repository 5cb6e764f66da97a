# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info modules end to end over a stubbed session: options, env fallbacks, output shape, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.ncloud.wbd.plugins.module_utils import client as client_mod
from ansible_collections.ncloud.wbd.plugins.modules import detection_info, exception_rule_info

SECRET = 'unit-secret-never-printed'


class Response(object):
    def __init__(self, status, payload, headers=None):
        self.status_code = status
        self.content = json.dumps(payload).encode()
        self.headers = headers or {}


class PagedSession(object):
    """Serves a list as pages for GET ?pageIndex=&pageSize=."""

    def __init__(self, items, status=200, error=None):
        self.items = items
        self.status = status
        self.error = error
        self.urls = []

    def request(self, method, url, data=None, headers=None, **kwargs):
        self.urls.append(url)
        if self.error:
            return Response(self.status, self.error)
        query = dict(p.split('=') for p in url.split('?')[1].split('&'))
        index, size = int(query['pageIndex']), int(query['pageSize'])
        content = self.items[index * size:(index + 1) * size]
        return Response(200, {'success': True, 'code': 0, 'message': 'success',
                              'result': {'content': content, 'totalCount': len(self.items), 'pageSize': size, 'pageIndex': index}})

    def close(self):
        pass


def set_args(args):
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
    except ImportError:
        patch_module_args = None
    if patch_module_args is None:
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        return None
    return patch_module_args(args)


def run(module, args, session, monkeypatch, capsys):
    monkeypatch.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: session))
    ctx = set_args(args)
    with pytest.raises(SystemExit):
        if ctx is None:
            module.main()
        else:
            with ctx:
                module.main()
    out = capsys.readouterr().out
    assert SECRET not in out
    return json.loads(out)


@pytest.fixture
def env(monkeypatch):
    for name in ('NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID', 'NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY', 'NCLOUD_SITE',
                 'NCLOUD_WBD_ENDPOINT'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_detection_info_lists_all_pages(env, capsys):
    items = [{'detectionId': '%022d' % i, 'privateIPofServer': '10.0.0.%d' % (i % 250), 'detectTime': 1721740066493}
             for i in range(25)]
    session = PagedSession(items)
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1', 'page_size': 10},
                 session, env, capsys)
    assert result['changed'] is False and result['total_count'] == 25
    assert [d['detection_id'] for d in result['detections']] == [i['detectionId'] for i in items]
    assert result['detections'][3]['private_ip'] == '10.0.0.3'
    assert result['detections'][0]['detect_time_iso'] == '2024-07-23T13:07:46.493Z'
    assert len(session.urls) == 3 and 'ansible_facts' not in result


def test_env_fallbacks_in_documented_order(env, capsys):
    env.setenv('NCLOUD_ACCESS_KEY_ID', 'second-choice')
    env.setenv('NCLOUD_ACCESS_KEY', 'first-choice')
    env.setenv('NCLOUD_SECRET_ACCESS_KEY', SECRET)
    env.setenv('NCLOUD_WBD_ENDPOINT', 'http://127.0.0.1:2')
    session = PagedSession([{'exceptedRuleId': '1'}])
    result = run(exception_rule_info, {}, session, env, capsys)
    assert result['exception_rules'] == [{'excepted_rule_id': '1'}] and result['total_count'] == 1
    assert session.urls[0].startswith('http://127.0.0.1:2/api/v1/exception-rules?pageIndex=0&pageSize=100')


def test_missing_credentials_name_option_and_environment(env, capsys):
    result = run(detection_info, {'endpoint': 'http://127.0.0.1:1'}, PagedSession([]), env, capsys)
    assert result['failed'] is True
    assert 'access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID)' in result['msg']
    assert 'secret_key (or environment variable NCLOUD_SECRET_KEY / NCLOUD_SECRET_ACCESS_KEY)' in result['msg']


def test_api_error_is_one_line_without_secret(env, capsys):
    session = PagedSession([], status=401, error={'error': {'errorCode': '200', 'message': 'Authentication Failed'}})
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'endpoint': 'http://127.0.0.1:1'}, session, env, capsys)
    assert result['failed'] is True and '\n' not in result['msg']
    assert 'Authentication failed' in result['msg'] and result['error']['kind'] == 'authentication'


def test_bad_page_size(env, capsys):
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'page_size': 0}, PagedSession([]), env, capsys)
    assert result['failed'] is True and 'page_size must be positive' in result['msg']


def test_missing_requests_library_is_named(env, capsys):
    from ansible_collections.ncloud.wbd.plugins.module_utils import module as module_mod
    env.setattr(module_mod, 'HAS_REQUESTS', False)
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET}, PagedSession([]), env, capsys)
    assert result['failed'] is True and 'requests' in result['msg'] and 'Python library' in result['msg']


def test_retries_warn_once_and_results_stay_complete(env, capsys):
    class FlakySession(PagedSession):
        calls = 0

        def request(self, method, url, data=None, headers=None, **kwargs):
            self.calls += 1
            if self.calls in (1, 3):
                return Response(503, {'error': {'errorCode': '500', 'message': 'Endpoint Error'}})
            return PagedSession.request(self, method, url, data, headers, **kwargs)

    slept = []
    env.setattr(client_mod.time, 'sleep', slept.append)
    session = FlakySession([{'detectionId': str(i)} for i in range(15)])
    result = run(detection_info, {'access_key': 'AK', 'secret_key': SECRET, 'page_size': 10}, session, env, capsys)
    assert [d['detection_id'] for d in result['detections']] == [str(i) for i in range(15)]
    warnings = [w if isinstance(w, str) else repr(w) for w in result['warnings']]  # ansible-core 2.19 returns dicts
    assert len(warnings) == 1 and '2 of 4 WBD API requests were retries' in warnings[0], warnings
    assert len(slept) == 2
