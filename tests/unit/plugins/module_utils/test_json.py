# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_json.loads: the json module's value or error, whether orjson read the text or not."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils import _json

TEXTS = [
    '{"success": true, "result": {"content": [{"detectionId": "2025062923584200319524", "n": 1}], "totalCount": 1}}',
    '{"detectionId": 2025062923584200319524}',  # an ID sent as a number, wider than 64 bits
    '[18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809]',
    '{"a": [{"b": {"c": [1.5, 1e400, -0.0]}}]}',
    '[NaN, Infinity, -Infinity]',
    '{"a": "\\ud800 lone"}',
    '{"a": 1, "a": 2}',
    ' {"a": "\\u0000\\u2028"} \n',
]
BAD = ['', '{"a": 1}x', '[1,]', "{'a': 1}", '\ufeff{}', '[01]', '["\x01"]']
DEEP = ['[' * depth + ']' * depth for depth in (1025, 1100, 5000)]  # past orjson's limit; json's depends on Python


def outcome(loads, text):
    """('ok', the value as JSON) or ('error', its class, its message) of reading ``text``."""
    try:
        return ('ok', json.dumps(loads(text)))
    except (ValueError, RecursionError) as err:
        return ('error', type(err), str(err))


@pytest.mark.parametrize('text', BAD + DEEP)
def test_the_same_error_or_value_as_the_json_module(text):
    assert outcome(_json.loads, text) == outcome(json.loads, text)
    assert outcome(json.loads, text)[0] == 'error' or text in DEEP


def test_floats_are_found_at_any_depth():
    assert _json.holds_float({'a': [{'b': [1, 2.0]}]}) and not _json.holds_float({'a': [{'b': [1, '2.0', None, True]}]})


@pytest.mark.parametrize('text', TEXTS + ['{"b": 1.5, "a": "x"}', '{"a": 123456789012345678901, "b": 2}', '{"a": [1, 2.5]}', '[{"a": 1}]', '"a"'])
def test_the_values_of_some_names_are_the_json_modules(text):
    value = json.loads(text)
    expected = tuple(value.get(name) for name in ('a', 'b')) if isinstance(value, dict) else None
    assert json.dumps(_json.loads_values(text, ('a', 'b'))) == json.dumps(expected)
