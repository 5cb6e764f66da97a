# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signature v2 (the NCP API gateway's HmacSHA256 over method, URI, timestamp and access key) against fixed vectors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.signing import (
    make_signature,
    request_target,
    signed_headers,
    string_to_sign,
)
from ansible_collections.ncloud.wbd.tests.unit.signature_vectors import ACCESS_KEY, EXTERNAL_VECTOR, SECRET_KEY, TIMESTAMP, VECTORS

KEY, SECRET, TS = ACCESS_KEY, SECRET_KEY, TIMESTAMP


@pytest.mark.parametrize('method, uri, expected', VECTORS)
def test_documented_vectors(method, uri, expected):
    assert make_signature(SECRET, method, uri, TS, KEY) == expected


def test_external_vector():
    secret, method, uri, ts, access, expected = EXTERNAL_VECTOR
    assert make_signature(secret, method, uri, ts, access) == expected


def test_string_to_sign_has_three_lines_and_no_trailing_newline():
    assert string_to_sign('get', '/p', TS, KEY) == 'GET /p\n%s\n%s' % (TS, KEY)


def test_request_target_keeps_order_and_encodes():
    assert request_target('/api/v1/detections', [('pageIndex', 0), ('pageSize', 20)]) == '/api/v1/detections?pageIndex=0&pageSize=20'
    assert request_target('/api/v1/detections', [('pageSize', 20), ('pageIndex', 0)]) == '/api/v1/detections?pageSize=20&pageIndex=0'
    assert request_target('/x', [('q', 'a b&c=/')]) == '/x?q=a%20b%26c%3D%2F'
    assert request_target('/api/v1/alarm/interval') == '/api/v1/alarm/interval'
    assert request_target('/x', [('skip', None)]) == '/x'


def test_signed_headers_match_vector_and_carry_no_secret():
    headers = signed_headers(KEY, SECRET, 'GET', '/api/v1/detections?pageIndex=0&pageSize=20', TS)
    assert headers == {
        'x-ncp-apigw-timestamp': TS,
        'x-ncp-iam-access-key': KEY,
        'x-ncp-apigw-signature-v2': '0R37Ii+kwZsUyrbt3ytwM2HWGGAO09kPbV8pCxj3138=',
    }
    assert SECRET not in repr(headers)


def test_fresh_timestamp_when_none_given():
    headers = signed_headers(KEY, SECRET, 'GET', '/p')
    assert headers['x-ncp-apigw-timestamp'].isdigit() and len(headers['x-ncp-apigw-timestamp']) == 13
