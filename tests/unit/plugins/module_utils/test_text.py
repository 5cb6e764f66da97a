# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_text: the one definition of safe text: its character classes, one_line, truncate and scrub_surrogates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import unicodedata

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils import _text
from ansible_collections.ncloud.wbd.plugins.module_utils._text import (
    BIDI_RE,
    SURROGATE_RE,
    UNSAFE_RE,
    XML_FORBIDDEN_RE,
    one_line,
    scrub_surrogates,
    truncate,
)
from ansible_collections.ncloud.wbd.tests.unit.plugins.module_utils.property_strategies import ANY_CHAR, examples
from hypothesis import given
from hypothesis import strategies as st

C0 = [chr(c) for c in range(0x20)]
C1 = [chr(c) for c in range(0x7F, 0xA0)]  # DEL and the C1 controls
BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [chr(p * 0x10000 + e) for p in range(17) for e in (0xFFFE, 0xFFFF)]


# ---- the classes -------------------------------------------------------------------------------


def every(pattern):
    """Every code point the pattern matches (one by one, the whole Unicode range)."""
    return set(chr(c) for c in range(0x110000) if pattern.match(chr(c)))


def test_unsafe_is_the_controls_and_the_bidi_controls():
    assert every(UNSAFE_RE) == set(C0 + C1 + BIDI)


def test_bidi_is_every_bidirectional_formatting_character():
    assert every(BIDI_RE) == set(BIDI)
    # The Unicode bidi classes of explicit embedding, override, isolate and mark characters (LRM, RLM, ALM included).
    formatting = set(chr(c) for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in ('LRE', 'RLE', 'LRO', 'RLO', 'PDF', 'LRI', 'RLI', 'FSI', 'PDI'))
    assert formatting <= set(BIDI) and set(BIDI) - formatting == set(['\u061c', '\u200e', '\u200f'])


def test_surrogates_are_the_lone_halves():
    assert every(SURROGATE_RE) == set(chr(c) for c in range(0xD800, 0xE000))


def test_xml_forbidden_is_what_xml_1_0_leaves_out():
    # XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; the C1 controls and the
    # noncharacters are "discouraged" there and a parse error in HTML, so they go too.
    allowed = set(['\t', '\n', '\r'])
    expected = (set(C0) - allowed) | set(C1) | set(chr(c) for c in range(0xD800, 0xE000)) | set(NONCHARACTERS)
    assert every(XML_FORBIDDEN_RE) == expected
    assert not XML_FORBIDDEN_RE.search('\t\n\r plain text, \u00e9\u4e2d\U0001f600 and \u202e')  # bidi is shown, not forbidden


# ---- truncate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'text, limit, ellipsis, expected',
    [
        ('abcdef', None, '\u2026', 'abcdef'),
        ('abcdef', 6, '\u2026', 'abcdef'),
        ('abcdef', 5, '\u2026', 'abcd\u2026'),
        ('abcdef', 5, '...', 'ab...'),
        ('abcdef', 1, '...', '...'),
        ('abcdef', 0, '\u2026', '\u2026'),
        ('', 0, '\u2026', ''),
    ],
)
def test_truncate(text, limit, ellipsis, expected):
    assert truncate(text, limit, ellipsis) == expected


@examples(200)
@given(st.text(ANY_CHAR, max_size=40), st.integers(min_value=1, max_value=50))
def test_truncate_keeps_the_limit_and_the_start(text, limit):
    cut = truncate(text, limit)
    assert len(cut) <= limit and (cut == text or (cut.endswith('\u2026') and text.startswith(cut[:-1])))


# ---- one_line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'value, kwargs, expected',
    [
        ('plain', {}, 'plain'),
        (None, {}, 'None'),
        (42, {}, '42'),
        ('  two\n lines\r\n\tand   tabs  ', {}, 'two lines and tabs'),
        ('evil\x1b[2Jescape', {}, 'evil [2Jescape'),
        ('file\u202egnp.php', {}, 'file gnp.php'),
        ('a\x00\x07\x7f\x85b', {}, 'a b'),
        ('lone \ud800 half', {}, 'lone \ufffd half'),
        ('evil\x1b[2J', {'replacement': '\ufffd'}, 'evil\ufffd[2J'),
        ('a\u202e\u2066b', {'replacement': '\ufffd'}, 'a\ufffd\ufffdb'),
        ('x' * 300, {}, 'x' * 197 + '...'),
        ('x' * 300, {'limit': 10, 'ellipsis': '\u2026'}, 'x' * 9 + '\u2026'),
        ('x' * 300, {'limit': None}, 'x' * 300),
        ('a \x1b\x1b b', {}, 'a b'),  # the spaces the controls leave are folded too
    ],
)
def test_one_line(value, kwargs, expected):
    assert one_line(value, **kwargs) == expected


@examples(300)
@given(st.text(ANY_CHAR, max_size=60), st.sampled_from([' ', '\ufffd', '']))
def test_one_line_is_one_safe_line(text, replacement):
    line = one_line(text, 50, replacement=replacement)
    assert len(line) <= 50
    assert not UNSAFE_RE.search(line) and not SURROGATE_RE.search(line)
    assert '\n' not in line and '\r' not in line
    line.encode('utf-8')  # never raises: a message may go anywhere
    if replacement == ' ':
        assert line == line.strip() and '  ' not in line


# ---- scrub_surrogates --------------------------------------------------------------------------


def test_scrub_surrogates_at_any_depth():
    value = {'k\udc80': ['a\ud800', ('b', {'c': '\udfff'})], 'n': 1, 'f': 1.5, 't': True, 'z': None}
    scrubbed = scrub_surrogates(value)
    assert scrubbed == {'k\ufffd': ['a\ufffd', ['b', {'c': '\ufffd'}]], 'n': 1, 'f': 1.5, 't': True, 'z': None}
    assert value['k\udc80'][0] == 'a\ud800', 'the input is not changed'
    json.dumps(scrubbed, ensure_ascii=False).encode('utf-8')


def test_scrub_surrogates_keeps_valid_text():
    text = 'caf\u00e9 \u4e2d\u6587 \U0001f600 \u202e'
    assert scrub_surrogates(text) == text and scrub_surrogates([text]) == [text]


@examples(200)
@given(
    st.recursive(
        st.text(ANY_CHAR, max_size=8) | st.integers(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(ANY_CHAR, max_size=4), inner, max_size=3),
        max_leaves=10,
    )
)
def test_scrubbed_values_encode(value):
    json.dumps(scrub_surrogates(value), ensure_ascii=False).encode('utf-8')


# Escapes of C0/C1 controls, DEL and bidi controls, as a character class in source would spell them.
_CLASS_ESCAPE = re.compile(r'\\x(?:0[0-9a-f]|1[0-9a-f]|7f|[89][0-9a-f])|\\u(?:061c|200[ef]|202[a-e]|206[6-9])', re.I)


@pytest.mark.parametrize('package', ['_audit', '_report'])
def test_the_audit_and_the_reports_define_no_control_characters_of_their_own(package):
    # One definition of safe text: code that cleans attacker-controlled text imports _text's classes.
    folder = os.path.join(os.path.dirname(os.path.abspath(_text.__file__)), package)
    spelled = []
    for name in sorted(n for n in os.listdir(folder) if n.endswith('.py')):
        with open(os.path.join(folder, name), encoding='utf-8') as handle:
            spelled.extend('%s: %s' % (name, m.group()) for m in _CLASS_ESCAPE.finditer(handle.read()))
    assert spelled == []
