# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RETURN blocks that must say the same thing stay equal.

ansible-core has no doc fragments for RETURN, so detection_info and excepted_detection_info each write out the
detection record's fields. The API returns the same record shape for both (the excepted list is the detections an
exception rule matched), so their RETURN blocks are compared here: equal once the excepted module's names are mapped
to the detection module's, except for the places listed in EXPECTED_DIFFERENCES.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))

# What the excepted module says differently, mapped to the detection module's words.
RENAMES = (
    ('excepted_detections', 'detections'),
    ('excepted detections', 'detections'),
    ('GetExceptedWebshell', 'GetWebshell'),
)

# Paths (keys joined with '.') whose values may differ: the list's own description (the excepted one says what an
# excepted detection is) and an example count.
EXPECTED_DIFFERENCES = {
    'detections.description',
    'total_count.sample',
}


def module_return(module):
    """The RETURN YAML of plugins/modules/MODULE.py, read without importing the module."""
    with open(os.path.join(ROOT, 'plugins', 'modules', module + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'RETURN':
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no RETURN' % module)


def renamed(value):
    if isinstance(value, dict):
        return dict((renamed(key), renamed(item)) for key, item in value.items())
    if isinstance(value, list):
        return [renamed(item) for item in value]
    if isinstance(value, str):
        for old, new in RENAMES:
            value = value.replace(old, new)
    return value


def differences(one, other, path=()):
    """The paths where two YAML values differ ('a.b.c'); a key on one side only is a difference too."""
    if isinstance(one, dict) and isinstance(other, dict):
        found = []
        for key in sorted(set(one) | set(other)):
            if key not in one or key not in other:
                found.append('.'.join(path + (key,)))
            else:
                found.extend(differences(one[key], other[key], path + (key,)))
        return found
    return [] if one == other else ['.'.join(path)]


def test_detection_and_excepted_detection_return_blocks_are_equal_but_for_their_names():
    detections = module_return('detection_info')
    excepted = renamed(module_return('excepted_detection_info'))
    found = set(differences(detections, excepted))
    assert found <= EXPECTED_DIFFERENCES, 'RETURN of excepted_detection_info differs from detection_info at %s' % sorted(found - EXPECTED_DIFFERENCES)
    # The shared part is the record: the same fields, each documented once per module and compared above.
    fields = detections['detections']['contains']
    assert len(fields) > 30 and 'suspicious_objects' in fields and 'detect_time_iso' in fields


def test_the_comparison_sees_a_field_documented_differently():
    excepted = module_return('excepted_detection_info')
    excepted['excepted_detections']['contains']['memo']['description'] = 'Something else.'
    del excepted['excepted_detections']['contains']['uid']
    found = differences(module_return('detection_info'), renamed(excepted))
    assert found == ['detections.contains.memo.description', 'detections.contains.uid', 'detections.description', 'total_count.sample']
