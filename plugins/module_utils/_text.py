# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe text: the one definition of the characters that API text (attacker-controlled) may not carry into a
message, a reason, a file name or a report. Everything that cleans text uses these classes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# C0 controls, DEL and C1 controls: escape sequences that can rewrite a terminal or an AWX log.
CONTROLS = '\x00-\x1f\x7f-\x9f'
# Bidirectional controls make displayed text lie about its order (file.php shown as php.elif).
BIDI = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
# Unpaired surrogates (JSON can carry them as escapes) cannot be encoded as UTF-8 anywhere downstream.
SURROGATES = '\ud800-\udfff'
# Unicode noncharacters, which XML 1.0 forbids.
NONCHARACTERS = '\ufdd0-\ufdef\ufffe\uffff' + ''.join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(1, 17))

UNSAFE_RE = re.compile('[%s%s]' % (CONTROLS, BIDI))
BIDI_RE = re.compile('[%s]' % BIDI)
SURROGATE_RE = re.compile('[%s]' % SURROGATES)
# Forbidden by XML 1.0 or a parse error in HTML: C0 controls but tab/LF/CR, DEL, C1 controls, surrogates, noncharacters.
XML_FORBIDDEN_RE = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f%s%s]' % (SURROGATES, NONCHARACTERS))


def truncate(text, limit, ellipsis='\u2026'):
    """At most ``limit`` characters, ending in ``ellipsis`` when cut (``limit`` None: whole)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - len(ellipsis), 0)] + ellipsis


def one_line(value, limit=200, replacement=' ', ellipsis='...'):
    """Text for a one-line message or sentence: control and bidi characters replaced by ``replacement``,
    lone surrogates by U+FFFD, whitespace runs folded to one space, cut at ``limit``."""
    text = '%s' % (value,)
    if text.isascii() and text.isprintable() and '  ' not in text and text[:1] != ' ' and text[-1:] != ' ':
        return truncate(text, limit, ellipsis)  # nothing to replace or fold: the common case, tested in C
    text = SURROGATE_RE.sub('\ufffd', UNSAFE_RE.sub(replacement, ' '.join(text.split())))
    return truncate(' '.join(text.split()) if replacement.isspace() else text, limit, ellipsis)


def scrub_surrogates(value):
    """A copy with lone surrogates replaced by U+FFFD, in strings and keys at any depth."""
    if isinstance(value, str):
        return SURROGATE_RE.sub('\ufffd', value)
    if isinstance(value, dict):
        return dict((scrub_surrogates(k), scrub_surrogates(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub_surrogates(item) for item in value]
    return value


def plural(count, word):
    """``count`` and ``word`` for a sentence: 1 detection, 2 detections (regular plurals only)."""
    return '%d %s%s' % (count, word, '' if count == 1 else 's')
