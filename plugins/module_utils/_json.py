# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON read exactly as the json module reads it, by orjson (optional, several times faster) where it gives the same.

orjson reads an int wider than 64 bits as a float, and refuses what json reads (NaN, Infinity, a lone surrogate,
nesting deeper than 1,024). So a text orjson refuses, or whose value holds any float, is read again by json: floats
are rare in WBD answers and records, and checking the value costs far less than reading the text twice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    import orjson
except ImportError:
    orjson = None


def loads(text):
    """``json.loads(text)``: the same value, or the same error."""
    return _read(text, _whole)


def loads_values(text, names):
    """The values of ``names`` (None for one it lacks) in the JSON object ``text``, exactly as ``json.loads`` reads
    them; None when ``text`` is no object. Only these values are checked for floats: the rest is read, never used."""
    return _read(text, lambda value: tuple(value.get(name) for name in names) if value.__class__ is dict else None)


def _read(text, pick):
    """``pick`` of the value of ``text`` as json reads it: orjson's when it reads the text and what ``pick`` takes
    from its value holds no float, else json's (or json's error)."""
    if orjson is not None:
        try:
            value = orjson.loads(text)
        except ValueError:  # orjson.JSONDecodeError: json decides (and words the error)
            pass
        else:
            picked = pick(value)
            if not holds_float(picked):
                return picked
    return pick(json.loads(text))


def _whole(value):
    return value


def holds_float(value):
    """Whether a decoded JSON value (or a tuple of them) holds a float anywhere (exact classes: it comes from a
    decoder)."""
    kind = value.__class__
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list and kind is not tuple:
        return False
    for item in value:
        kind = item.__class__
        if kind is float or ((kind is dict or kind is list) and holds_float(item)):
            return True
    return False
