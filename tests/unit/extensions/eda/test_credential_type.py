# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EDA credential type (docs/eda/credential_type.yml) injects what the event sources read, and the decision
environment installs the ansible-rulebook the tests run; the guide shows both as the files say."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml
from ansible_collections.ncloud.wbd.plugins.module_utils._api import credentials
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import auth_argument_spec

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))


def load(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def first_env_name(option):
    """The environment variable the sources (the collection's connect code) read first for ``option``."""
    if option in credentials.ENV_NAMES:
        return credentials.ENV_NAMES[option][0]
    return auth_argument_spec()[option]['fallback'][1][0]


def test_each_input_is_injected_as_the_variable_the_sources_read_first():
    credential_type = load('docs', 'eda', 'credential_type.yml')
    fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
    env = credential_type['injectors']['env']
    assert set(credential_type['injectors']) == {'env'}
    assert env == dict((first_env_name(option), '{{ %s }}' % option) for option in fields)
    assert [name for name, field in fields.items() if field.get('secret')] == [k for k, v in auth_argument_spec().items() if v.get('no_log')]
    assert not [name for name in env if name.startswith(('EDA_', 'ANSIBLE_'))]


def test_decision_environment_pins_the_tested_ansible_rulebook():
    definition = load('docs', 'eda', 'decision-environment.yml')
    with open(os.path.join(ROOT, 'requirements', 'eda.txt')) as handle:
        tested = re.search(r'^ansible[-_]rulebook==(\S+)$', handle.read(), re.M | re.I).group(1)
    assert definition['version'] == 3
    assert 'ansible-rulebook==%s' % tested in definition['dependencies']['python']
    assert 'ncloud.wbd' in [c['name'] for c in definition['dependencies']['galaxy']['collections']]


def test_the_guide_shows_the_files_as_they_are():
    with open(os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_eda.rst')) as handle:
        guide = handle.read()
    for name, value in load('docs', 'eda', 'credential_type.yml')['injectors']['env'].items():
        assert "%s: '%s'" % (name, value) in guide
    for line in ('ansible-rulebook==', 'java-17-openjdk-headless [platform:rpm]', 'registry.access.redhat.com/ubi9/python-311:latest'):
        assert line in guide and line in open(os.path.join(ROOT, 'docs', 'eda', 'decision-environment.yml')).read()
