# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group, the version and the documented facts stay in step with the files they describe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import importlib
import os
import re

import yaml
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import SITE_ENDPOINTS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.version import COLLECTION_VERSION, USER_AGENT

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def doc_strings(path):
    """The DOCUMENTATION, EXAMPLES and RETURN strings of a plugin file, read without importing it."""
    tree = ast.parse(read(path))
    return dict(
        (node.targets[0].id, node.value.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')
    )


def fragment(name):
    """A doc fragment of this collection (ncloud.wbd.FILE or ncloud.wbd.FILE.VARIANT) as YAML."""
    parts = name.split('.')
    assert parts[:2] == ['ncloud', 'wbd'] and len(parts) in (3, 4), name
    module = importlib.import_module('ansible_collections.ncloud.wbd.plugins.doc_fragments.' + parts[2])
    return yaml.safe_load(getattr(module.ModuleDocFragment, parts[3].upper() if len(parts) == 4 else 'DOCUMENTATION'))


def module_names():
    return sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py') and not name.startswith('_'))


def documented_attributes(module):
    """A module's attributes as ansible-doc shows them: its own, then its fragments'."""
    doc = yaml.safe_load(doc_strings('plugins/modules/%s.py' % module)['DOCUMENTATION'])
    attributes = dict(doc.get('attributes') or {})
    for name in doc.get('extends_documentation_fragment') or []:
        if name.startswith('ncloud.wbd.'):
            for key, value in (fragment(name).get('attributes') or {}).items():
                assert key not in attributes, '%s: attribute %s documented twice' % (module, key)
                attributes[key] = value
    return attributes


def test_action_group_lists_exactly_the_modules_that_talk_to_the_api():
    modules = module_names()
    # The modules that take the connection options: the _info modules, the write modules (attributes.write_module
    # fragment) and audit_evaluate, which runs the _info modules.
    writers = [name for name in modules if 'ncloud.wbd.attributes.write_module' in doc_strings('plugins/modules/%s.py' % name)['DOCUMENTATION']]
    api_modules = sorted([name for name in modules if name.endswith('_info')] + writers + ['audit_evaluate'])
    group = load('meta/runtime.yml')['action_groups']['wbd']
    assert api_modules, 'no API modules found'
    # module_defaults for the group hands every member the connection options; a module without them would reject them.
    assert sorted(group) == api_modules, 'meta/runtime.yml action group "wbd" must list every API module, and only those'
    assert 'audit_report' in modules and 'audit_report' not in group
    assert len(group) == len(set(group))


def test_every_module_documents_its_action_group_as_meta_runtime_yml_has_it():
    # antsibull-nox's action-groups check (antsibull-nox.toml) looks for the fragment ncloud.wbd.attributes.action_group
    # by name; this reads the resolved attribute, so a module outside the group documents that too (membership []).
    group = load('meta/runtime.yml')['action_groups']['wbd']
    for module in module_names():
        action_group = documented_attributes(module).get('action_group')
        assert action_group, '%s documents no action_group attribute' % module
        if module in group:
            assert action_group['membership'] == ['ncloud.wbd.wbd'] and action_group['support'] == 'full', module
        else:
            assert action_group['membership'] == [] and action_group['support'] == 'none', module


def read(rel):
    with open(os.path.join(ROOT, rel), encoding='utf-8') as handle:
        return handle.read()


def doc_texts():
    """(path, text) of every doc the collection ships: plugin doc strings, docs/, roles/, meta/ and the README."""
    yield 'README.md', read('README.md')
    for top in ('plugins', 'docs', 'roles', 'meta'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = [d for d in dirnames if d not in ('module_utils', 'plugin_utils', '__pycache__')]
            for filename in filenames:
                rel = os.path.relpath(os.path.join(dirpath, filename), ROOT)
                if filename.endswith('.py') and top == 'plugins':
                    yield rel, '\n'.join(doc_strings(rel).values())
                elif not filename.endswith(('.pyc', '.png')):
                    yield rel, read(rel)


def test_auth_fragment_plugin_variant_adds_only_env_entries_to_the_one_text():
    # ansible-doc merges the keys of an option from both fragments: the text is DOCUMENTATION's, the env entries PLUGIN's.
    text, plugin = fragment('ncloud.wbd.auth'), fragment('ncloud.wbd.auth.plugin')
    assert set(plugin) == {'options'} and set(plugin['options']) <= set(text['options'])
    for name, option in plugin['options'].items():
        assert set(option) == {'env'}, name
        assert 'env' not in text['options'][name]
        # each env entry is a variable the shared description names
        assert all('E(%s)' % entry['name'] in ' '.join(text['options'][name]['description']) for entry in option['env']), name
    assert [e['name'] for e in plugin['options']['access_key']['env']] == ['NCLOUD_ACCESS_KEY_ID', 'NCLOUD_ACCESS_KEY']
    fragments = yaml.safe_load(doc_strings('plugins/inventory/detection_targets.py')['DOCUMENTATION'])['extends_documentation_fragment']
    assert fragments[:2] == ['ncloud.wbd.auth', 'ncloud.wbd.auth.plugin']


def test_the_site_urls_are_documented_once_as_the_code_has_them():
    site = fragment('ncloud.wbd.auth')['options']['site']
    assert dict(re.findall(r'V\((\w+)\) is C\((https://[^)]+)\)', ' '.join(site['description']))) == SITE_ENDPOINTS
    assert site['choices'] == list(SITE_ENDPOINTS)
    hosts = [url.split('//', 1)[1] for name, url in SITE_ENDPOINTS.items() if name != 'public']
    restating = sorted(rel for rel, text in doc_texts() if rel != 'plugins/doc_fragments/auth.py' and any(host in text for host in hosts))
    assert not restating, 'only the auth doc fragment names the site URLs: %s' % restating


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
