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
    if orjson is not None:
        try:
            value = orjson.loads(text)
        except ValueError:  # orjson.JSONDecodeError: json decides (and words the error)
            pass
        else:
            if not holds_float(value):
                return value
    return json.loads(text)


def holds_float(value):
    """Whether a decoded JSON value holds a float anywhere (exact classes: it comes from a decoder)."""
    kind = value.__class__
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return False
    for item in value:
        kind = item.__class__
        if kind is float or ((kind is dict or kind is list) and holds_float(item)):
            return True
    return False
