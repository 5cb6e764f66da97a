# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group and the version stay in step with the files they describe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml
from ansible_collections.ncloud.wbd.plugins.module_utils._api.version import COLLECTION_VERSION, USER_AGENT

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def test_action_group_lists_exactly_the_modules_that_talk_to_the_api():
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py') and not name.startswith('_'))
    # The _info modules, and audit_evaluate, which runs them and takes the same connection options.
    api_modules = sorted([name for name in modules if name.endswith('_info')] + ['audit_evaluate'])
    group = load('meta/runtime.yml')['action_groups']['wbd']
    assert api_modules, 'no API modules found'
    # module_defaults for the group hands every member the connection options; a module without them would reject them.
    assert sorted(group) == api_modules, 'meta/runtime.yml action group "wbd" must list every API module, and only those'
    assert 'audit_report' in modules and 'audit_report' not in group
    assert len(group) == len(set(group))


def test_version_matches_galaxy_yml():
    assert load('galaxy.yml')['version'] == COLLECTION_VERSION
    assert USER_AGENT == 'ncloud.wbd/' + COLLECTION_VERSION


def test_role_readmes_name_every_role_variable():
    # Galaxy shows the role README; a variable added to the argument spec but not to the README would be invisible there.
    roles = sorted(os.listdir(os.path.join(ROOT, 'roles')))
    assert roles
    for role in roles:
        with open(os.path.join(ROOT, 'roles', role, 'README.md')) as handle:
            readme = handle.read()
        assert readme.startswith('# Role ncloud.wbd.%s\n' % role)
        specs = load('roles/%s/meta/argument_specs.yml' % role)['argument_specs']
        names = set(name for spec in specs.values() for name in spec.get('options', {}))
        assert names
        missing = sorted(name for name in names if '`%s`' % name not in readme)
        assert not missing, 'roles/%s/README.md does not mention %s' % (role, ', '.join(missing))
