# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hypothesis settings and strategies shared by the test_properties_* modules (not a test module itself).

Settings profiles, chosen with WBD_HYPOTHESIS_PROFILE:

- ``wbd-ci`` (default): derandomized, so every run (CI, ``make units-fast``, ``ansible-test units``) tries the
  same examples and a failure reproduces; no example database; no deadline (2 shared cores are noisy).
- ``wbd-explore``: random examples with the example database, for a local bug hunt, e.g.
  ``WBD_HYPOTHESIS_PROFILE=wbd-explore WBD_HYPOTHESIS_SCALE=20 bash tools/units-fast.sh -k properties``.

WBD_HYPOTHESIS_SCALE multiplies every property's example count (default 1).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches in ./.hypothesis, which the collection build would pack: keep them out of the repo.
if not os.environ.get('HYPOTHESIS_STORAGE_DIRECTORY'):
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), 'ncloud-wbd-hypothesis'))

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile('wbd-ci', deadline=None, derandomize=True, database=None, print_blob=False, suppress_health_check=_QUIET)
settings.register_profile('wbd-explore', deadline=None, derandomize=False, print_blob=True, suppress_health_check=_QUIET)

PROFILE = os.environ.get('WBD_HYPOTHESIS_PROFILE') or 'wbd-ci'
SCALE = float(os.environ.get('WBD_HYPOTHESIS_SCALE') or 1)


def examples(count, **overrides):
    """Settings for one property: the chosen profile with ``count`` examples (times WBD_HYPOTHESIS_SCALE)."""
    return settings(settings.get_profile(PROFILE), max_examples=max(1, int(count * SCALE)), **overrides)


def regression_examples(count):
    """Settings for a regression property (a bug these tests found, now fixed): a failure is reported on its own."""
    return examples(count, report_multiple_bugs=False)


# ---- text ---------------------------------------------------------------------------------------

# Every code point, lone surrogates included (Hypothesis leaves out category Cs unless told otherwise).
ANY_CHAR = st.characters(exclude_categories=())

# Pieces that break some syntax or some reader: markup, entities, CSV formula starts, controls, bidi overrides,
# XML-forbidden code points, noncharacters, Markdown syntax, line breaks of every kind.
FRAGMENTS = (
    '<script>alert(1)</script>',
    '</script>',
    '</style>',
    '<style>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=x>',
    '"',
    "'",
    '`',
    '<',
    '>',
    '&',
    '&amp;',
    '&lt;',
    '&#0;',
    '&#x1b;',
    ']]>',
    '<!--',
    '-->',
    '<![CDATA[',
    '<?xml ?>',
    '<!DOCTYPE x>',
    ' onclick=',
    'javascript:',
    'data:text/html,',
    'url(',
    '@import',
    'http://evil.example/',
    '=',
    '+',
    '-',
    '@',
    '\t',
    '\r',
    '\n',
    '\r\n',
    '=cmd|\' /C calc\'!A0',
    '=HYPERLINK("x")',
    '\x00',
    '\x01',
    '\x08',
    '\x0b',
    '\x0c',
    '\x1b[31m',
    '\x7f',
    '\x85',
    '\x9f',
    '\u2028',
    '\u2029',
    '\u200e',
    '\u200f',
    '\u061c',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\ud800',
    '\udfff',
    '\ud83d',
    '\ufdd0',
    '\ufffe',
    '\uffff',
    '\U0001fffe',
    '\U0010ffff',
    '\ufeff',
    '\ufffd',
    '\u00a0',
    '|',
    '\\',
    '*',
    '_',
    '[',
    ']',
    '~',
    '#',
    '{',
    '}',
    '%s',
    '%d',
    ' ',
    '  ',
    'x' * 300,
    '\u2026',
    'web-01',
    '12345678',
    '/usr/bin/php',
    '\U0001f600',
)


def hostile_text(max_pieces=8):
    """Any string, biased toward the fragments above glued to random code points (surrogates included)."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=4))
    return st.one_of(st.lists(piece, max_size=max_pieces).map(''.join), st.text(ANY_CHAR, max_size=30))


# ---- JSON ---------------------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(ANY_CHAR, max_size=12),
)


def json_values(max_leaves=8):
    """Any JSON value (as json.loads returns it)."""
    return st.recursive(
        JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=max_leaves
    )


def json_bytes(value, ascii_only=True):
    """The body a server would send; lone surrogates can only travel as \\uXXXX escapes."""
    try:
        return json.dumps(value, ensure_ascii=ascii_only).encode('utf-8')
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True).encode('utf-8')
