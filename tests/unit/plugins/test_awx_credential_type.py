# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential type (docs/awx/credential_type.yml) stays in step with the code it feeds.

Every environment variable it injects must be one the modules read for the option its input is named after, and the
first one they read for it; every input must be injected; secret inputs are exactly the no_log options; the site
choices are the argument spec's. The injectors are rendered as AWX renders them (a sandboxed Jinja environment in
which an input the credential leaves empty renders as '') and fed through the modules' own argument validation and
key resolution, so the test shows that each input reaches the module and that an empty endpoint is harmless.
The environment names the code falls back to must also be documented in the auth doc fragment, and the copy of the
credential type in the AWX guide must say what the file says.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml
from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.ncloud.wbd.plugins.doc_fragments.auth import ModuleDocFragment
from ansible_collections.ncloud.wbd.plugins.module_utils._api import credentials
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import SITE_ENDPOINTS, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import auth_argument_spec
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CREDENTIAL_TYPE = os.path.join(ROOT, 'docs', 'awx', 'credential_type.yml')
GUIDE = os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_awx.rst')
# What AWX accepts (awx/main/fields.py): env names are shell words, and none may start with ANSIBLE_.
ENV_NAME = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
INPUT_ID = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
SECRET = 'awx-test-secret-Zq81'


@pytest.fixture(scope='module')
def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def fields(credential_type):
    return dict((field['id'], field) for field in credential_type['inputs']['fields'])


def code_env_names():
    """{option: (env names in the order the code reads them)}, from the code itself."""
    names = dict((option, tuple(env)) for option, env in credentials.ENV_NAMES.items())
    for option, spec in auth_argument_spec().items():
        fallback = spec.get('fallback')
        if fallback and fallback[0] is env_fallback:
            assert option not in names, '%s is read from the environment in two places' % option
            names[option] = tuple(fallback[1])
    return names


def referenced_inputs(template):
    return meta.find_undeclared_variables(ImmutableSandboxedEnvironment().parse(template))


def render_env(credential_type, inputs):
    """The environment AWX builds for a job: every env injector rendered with the inputs that are set."""
    env = ImmutableSandboxedEnvironment()
    namespace = dict((name, value) for name, value in inputs.items() if value)
    return dict((name, env.from_string(template).render(**namespace)) for name, template in credential_type['injectors']['env'].items())


def module_view(environ, monkeypatch):
    """What a module makes of this environment: validated options, resolved keys and the base URL."""
    for name in [name for names in code_env_names().values() for name in names]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(auth_argument_spec()).validate({})
    if result.error_messages:
        return None, result.error_messages
    params = result.validated_parameters
    access_key, secret_key, sources, dummy = credentials.resolve_credentials(params, os.environ, read_file=lambda *a: {})
    return dict(
        params, access_key=access_key, secret_key=secret_key, sources=sources, base_url=resolve_endpoint(params.get('endpoint'), params.get('site'))
    ), []


def test_the_code_reads_the_four_options_from_the_environment():
    names = code_env_names()
    assert sorted(names) == ['access_key', 'endpoint', 'secret_key', 'site']
    assert all(names.values())


def test_shape_is_a_valid_awx_cloud_credential_type(credential_type):
    assert credential_type['kind'] == 'cloud'
    assert credential_type['name'] and credential_type['description']
    assert set(credential_type) <= {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert set(credential_type['injectors']) == {'env'}, 'only env injectors: the modules read the environment'
    ids = [field['id'] for field in credential_type['inputs']['fields']]
    assert len(ids) == len(set(ids))
    for field in credential_type['inputs']['fields']:
        assert INPUT_ID.match(field['id']) and field['id'] != 'tower'
        assert field['label'] and field.get('type', 'string') == 'string'
        if 'default' in field:
            assert field['default'] in field.get('choices', [field['default']])
    assert set(credential_type['inputs']['required']) <= set(ids)
    for name in credential_type['injectors']['env']:
        assert ENV_NAME.match(name) and not name.startswith('ANSIBLE_'), name


def test_every_injected_variable_is_the_first_one_the_code_reads_for_its_input(credential_type):
    names = code_env_names()
    for env_name, template in credential_type['injectors']['env'].items():
        used = referenced_inputs(template)
        assert len(used) == 1, '%s must inject exactly one input, not %s' % (env_name, sorted(used))
        input_id = used.pop()
        assert input_id in names, '%s injects input %s, which is no module option read from the environment' % (env_name, input_id)
        assert env_name in names[input_id], '%s is not read by the modules for %s (they read %s)' % (env_name, input_id, ', '.join(names[input_id]))
        # The first name wins over the others, so no other variable in the job environment can shadow the credential.
        assert env_name == names[input_id][0], '%s: inject %s, which the modules read first' % (input_id, names[input_id][0])


def test_every_input_is_injected_and_every_template_uses_a_defined_input(credential_type):
    defined = set(fields(credential_type))
    used = set()
    for template in credential_type['injectors']['env'].values():
        used |= referenced_inputs(template)
    assert used <= defined, 'injectors use undefined inputs: %s' % sorted(used - defined)
    assert defined <= used, 'inputs never injected: %s' % sorted(defined - used)
    assert defined == set(code_env_names()), 'one input per module option that the environment can set'


def test_secret_inputs_are_exactly_the_no_log_options(credential_type):
    spec = auth_argument_spec()
    for input_id, field in fields(credential_type).items():
        assert bool(field.get('secret')) == bool(spec[input_id].get('no_log')), input_id
    assert fields(credential_type)['secret_key']['secret'] is True


def test_site_offers_the_argument_spec_choices_and_must_be_set(credential_type):
    site = fields(credential_type)['site']
    assert site['choices'] == auth_argument_spec()['site']['choices']
    assert sorted(site['choices']) == sorted(SITE_ENDPOINTS)
    # AWX injects an unset input as '', and the modules refuse an empty NCLOUD_SITE (see the test below).
    assert 'site' in credential_type['inputs']['required']
    assert {'access_key', 'secret_key'} <= set(credential_type['inputs']['required'])
    assert 'endpoint' not in credential_type['inputs']['required']


def test_every_input_reaches_the_module(credential_type, monkeypatch):
    inputs = {'access_key': 'AWXACCESS01', 'secret_key': SECRET, 'site': 'gov', 'endpoint': 'http://127.0.0.1:8080'}
    view, errors = module_view(render_env(credential_type, inputs), monkeypatch)
    assert not errors
    assert (view['access_key'], view['secret_key']) == (inputs['access_key'], inputs['secret_key'])
    assert all(source.startswith('environment variable ') for source in view['sources'].values())
    assert (view['site'], view['endpoint'], view['base_url']) == ('gov', inputs['endpoint'], inputs['endpoint'])


@pytest.mark.parametrize('site', sorted(SITE_ENDPOINTS))
def test_an_empty_endpoint_is_injected_as_empty_and_the_site_is_used(credential_type, monkeypatch, site):
    inputs = {'access_key': 'AWXACCESS01', 'secret_key': SECRET, 'site': site}
    environ = render_env(credential_type, inputs)
    assert environ['NCLOUD_WBD_ENDPOINT'] == ''  # what AWX does with an input left empty
    view, errors = module_view(environ, monkeypatch)
    assert not errors
    assert view['base_url'] == SITE_ENDPOINTS[site]


def test_an_empty_site_would_fail_the_modules_which_is_why_it_is_required(credential_type, monkeypatch):
    environ = render_env(credential_type, {'access_key': 'AWXACCESS01', 'secret_key': SECRET})
    assert environ['NCLOUD_SITE'] == ''
    view, errors = module_view(environ, monkeypatch)
    assert view is None and any('site' in error for error in errors), errors


def test_every_environment_variable_the_code_reads_is_documented():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    for option, env_names in code_env_names().items():
        text = ' '.join(options[option]['description'])
        for name in env_names:
            assert 'E(%s)' % name in text, 'the auth doc fragment does not mention E(%s) under %s' % (name, option)


def yaml_blocks(rst_path):
    """The YAML code blocks of an RST file, parsed."""
    with open(rst_path) as handle:
        lines = handle.read().splitlines()
    blocks = []
    for number, line in enumerate(lines):
        if line.strip() == '.. code-block:: yaml':
            indent = len(line) - len(line.lstrip())
            body = []
            for text in lines[number + 1 :]:
                if text.strip() and len(text) - len(text.lstrip()) <= indent:
                    break
                body.append(text)
            blocks.append(yaml.safe_load('\n'.join(body)))
    return blocks


def test_the_guide_shows_the_credential_type_as_the_file_defines_it(credential_type):
    shown = [block for block in yaml_blocks(GUIDE) if isinstance(block, dict) and 'injectors' in block]
    assert len(shown) == 1, 'the AWX guide should show the credential type once'
    shown = shown[0]
    assert (shown['name'], shown['kind']) == (credential_type['name'], credential_type['kind'])
    assert shown['injectors'] == credential_type['injectors']
    assert shown['inputs']['required'] == credential_type['inputs']['required']
    # The guide leaves out the help texts.
    without_help = [dict((k, v) for k, v in field.items() if k != 'help_text') for field in credential_type['inputs']['fields']]
    assert shown['inputs']['fields'] == without_help
