# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Memos: replace, append a line once keeping the analyst's text, and the one-line rule of memo_append."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.memo import check_memo_options, current_memo, desired_memo


@pytest.mark.parametrize(
    'current, params, expected',
    [
        ('old', {'memo': 'new'}, 'new'),
        ('old', {'memo': ''}, ''),
        ('old', {}, 'old'),
        ('', {'memo_append': 'SEC-1'}, 'SEC-1'),
        ('analyst note', {'memo_append': 'SEC-1'}, 'analyst note\nSEC-1'),
        ('analyst note\n', {'memo_append': 'SEC-1'}, 'analyst note\nSEC-1'),
        ('analyst note\nSEC-1\nlater note', {'memo_append': 'SEC-1'}, 'analyst note\nSEC-1\nlater note'),
        ('SEC-10', {'memo_append': 'SEC-1'}, 'SEC-10\nSEC-1'),  # a line matches exactly, not as a prefix
        ('  SEC-1', {'memo_append': 'SEC-1'}, '  SEC-1\nSEC-1'),
    ],
)
def test_desired_memo(current, params, expected):
    assert desired_memo(current, params) == expected


def test_append_is_idempotent():
    once = desired_memo('kept', {'memo_append': 'line'})
    assert desired_memo(once, {'memo_append': 'line'}) == once == 'kept\nline'


def test_null_memo_is_empty_text():
    assert current_memo(None) == '' and current_memo('x') == 'x'


@pytest.mark.parametrize('line, message', [('', 'non-empty'), ('  ', 'non-empty'), ('a\nb', 'line break'), ('a\rb', 'line break')])
def test_memo_append_must_be_one_line(line, message):
    with pytest.raises(WbdConfigError, match=message):
        check_memo_options({'memo_append': line})


def test_memo_options_unset_pass():
    check_memo_options({'memo_append': None, 'memo': 'multi\nline is fine for a replacement'})
