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


def test_the_docs_site_page_is_written_from_the_sources_as_they_are():
    """docs/docsite/rst/eda_event_sources.rst (antsibull-docs renders no event source) must be what
    tools/eda_source_docs.py writes from the current DOCUMENTATION and EXAMPLES."""
    import subprocess
    import sys

    tool = os.path.join(ROOT, 'tools', 'eda_source_docs.py')
    done = subprocess.run([sys.executable, tool, '--check'], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(os.path.join(ROOT, 'docs', 'docsite', 'rst', 'eda_event_sources.rst')) as handle:
        page = handle.read()
    for name in SOURCES:
        doc = documented(name)[0]
        assert 'ncloud.wbd.%s:' % name in page
        assert all('``%s``' % option in page for option in doc['options'])
