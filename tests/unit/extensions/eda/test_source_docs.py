# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each event source's DOCUMENTATION (what Automation Hub renders, through ansible-doc) parses and documents exactly
the options the source accepts, with their types, defaults and choices: validate-modules does not look at
extensions, so this test does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest
import yaml
from ansible_collections.ncloud.wbd.extensions.eda.plugins.module_utils import wbd_agents, wbd_detections
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import auth_argument_spec

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
SOURCES = {'detections': wbd_detections.ARGUMENT_SPEC, 'agent_status': wbd_agents.ARGUMENT_SPEC}


def documented(name):
    with open(os.path.join(ROOT, 'extensions', 'eda', 'plugins', 'event_source', name + '.py')) as handle:
        tree = ast.parse(handle.read())
    values = dict((node.targets[0].id, node.value.value) for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant))
    return yaml.safe_load(values['DOCUMENTATION']), yaml.safe_load(values['EXAMPLES'])


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_documentation_matches_the_options(name):
    doc, examples = documented(name)
    assert doc['name'] == name and doc['short_description'] and doc['version_added']
    assert examples and all(('ncloud.wbd.' + name) in rulebook['sources'][0] for rulebook in examples)
    spec = dict(auth_argument_spec(), **SOURCES[name]())
    assert sorted(doc['options']) == sorted(spec)
    for option, want in spec.items():
        got = doc['options'][option]
        assert got['type'] == want.get('type', 'str'), option
        assert got.get('default') == want.get('default'), option
        assert got.get('choices') == want.get('choices'), option
        assert got.get('elements') == want.get('elements'), option
        assert got['description'], option
