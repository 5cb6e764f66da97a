# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A write goes through the signed client once: retried after a 429 (refused before WBD saw it), never after a
5xx or a timeout, which ``apply_changes`` settles by reading the state again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdGatewayError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.apply import send
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.plan import Step, WriteOp
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils._respond.write_api import WriteApi, servers

OP = WriteOp('UpdateDetectionTargetMemo', 'PATCH', '/api/v1/servers/%s/memo')


def client(api):
    return WbdClient('http://127.0.0.1:1', 'AK', 'SK', retries=3, session=api, sleep=lambda s: None)


def test_a_write_is_retried_after_429_only(fakes):
    api = WriteApi(servers=servers(1), by_call={1: fakes.gateway_error(429, '410', 'Throttle Limited')})
    send(client(api), Step(OP, ['25000000'], {'content': 'x'}))
    assert len(api.writes) == 1 and len(api.calls) == 2 and api.lists['/api/v1/servers'][0]['memo'] == 'x'


def test_a_write_is_not_retried_after_503(fakes):
    api = WriteApi(servers=servers(1), faults={'/api/v1/servers/25000000/memo': ['fail']})
    with pytest.raises(WbdGatewayError):
        send(client(api), Step(OP, ['25000000'], {'content': 'x'}))
    assert len(api.calls) == 1


def test_reads_keep_their_retries(fakes):
    api = WriteApi(servers=servers(1), by_call={1: fakes.Response(503, b'busy')})
    assert client(api).request('GET', '/api/v1/alarm/interval')['interval'] == 600000
    assert len(api.calls) == 2


def test_path_parameters_are_quoted():
    assert OP.path_for(['1/../x?y']) == '/api/v1/servers/1%2F..%2Fx%3Fy/memo'
