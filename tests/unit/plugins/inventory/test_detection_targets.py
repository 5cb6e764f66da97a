# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ncloud.wbd.detection_targets inventory plugin over a stubbed HTTP session.

The plugin runs for real (its documented options registered with Ansible's configuration, the real
_read_config_data, client, signing, paging, constructed features and jsonfile cache); only the HTTP session is a
stub, one that checks the signature against the key pair it knows, as the gateway does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.doc_fragments import constructed, inventory_cache
from ansible.template import Templar

try:  # ansible-core >= 2.19 templates only trusted strings
    from ansible.template import trust_as_template
except ImportError:  # before, every string was trusted

    def trust_as_template(value):
        return value


from ansible_collections.ncloud.wbd.plugins.doc_fragments import auth, detection_filters
from ansible_collections.ncloud.wbd.plugins.inventory import detection_targets as plugin_mod
from ansible_collections.ncloud.wbd.plugins.module_utils._api import client as client_mod
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError
from ansible_collections.ncloud.wbd.plugins.module_utils._inventory.hosts import assign_hostnames

NAME = 'ncloud.wbd.detection_targets'
ACCESS = 'UNITACCESSKEY'
SECRET = 'unit-inventory-secret-never-shown'
ENDPOINT = 'http://127.0.0.1:1'
CACHE_ENV_NAMES = (
    'ANSIBLE_INVENTORY_CACHE',
    'ANSIBLE_CACHE_PLUGIN',
    'ANSIBLE_INVENTORY_CACHE_PLUGIN',
    'ANSIBLE_CACHE_PLUGIN_CONNECTION',
    'ANSIBLE_INVENTORY_CACHE_CONNECTION',
)


def server(instance, name, ip, status='enable', group='web-prd', **extra):
    record = {
        'instanceNo': instance,
        'serverName': name,
        'ipAddress': ip,
        'agentStatus': status,
        'serverGroupId': 'g-' + group,
        'serverGroupName': group,
        'serverImageName': 'rocky-8',
        'platform': 'VPC',
        'wasConfigList': [{'wasType': 'nginx', 'webRootPath': '/srv/www', 'fileUploadPath': '/srv/www/up'}],
        'memo': '',
    }
    record.update(extra)
    return record


SERVERS = [
    server('1001', 'web-01', '10.0.0.1'),
    server('1002', 'web-02', '10.0.0.2', status='notInstalled'),
    server('1003', 'api-01', '10.0.1.1', group='api.prd', serverImageName='win-2019'),
    server('1004', 'api-02', '10.0.1.2', status='down', group=''),
]


TARGETS_PATH = '/api/v1/servers'


def search_targets(servers, body):
    """The agentStatus and serverGroupName filters of SearchDetectionTarget, as the API applies them."""
    servers = [s for s in servers if not body.get('agentStatus') or s['agentStatus'] in body['agentStatus']]
    return [s for s in servers if body.get('serverGroupName', '') in s['serverGroupName']]


class Recorder(object):
    """The plugin's display, keeping its warnings."""

    def __init__(self, real):
        self.real = real
        self.warnings = []

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)

    def __getattr__(self, name):
        return getattr(self.real, name)


def documented_options():
    """The options of the plugin's DOCUMENTATION with its fragments merged, as the plugin loader registers them."""
    doc = yaml.safe_load(plugin_mod.DOCUMENTATION)
    assert doc['extends_documentation_fragment'] == [
        'ncloud.wbd.auth',
        'ncloud.wbd.auth.plugin',
        'ncloud.wbd.detection_filters.targets',
        'ansible.builtin.constructed',
        'ansible.builtin.inventory_cache',
    ]
    options = {}
    for fragment in (
        auth.ModuleDocFragment.DOCUMENTATION,
        auth.ModuleDocFragment.PLUGIN,
        detection_filters.ModuleDocFragment.TARGETS,
        constructed.ModuleDocFragment.DOCUMENTATION,
        inventory_cache.ModuleDocFragment.DOCUMENTATION,
    ):
        # ansible-doc merges an option's keys across fragments (ncloud.wbd.auth.plugin adds only the env entries)
        for name, option in yaml.safe_load(fragment)['options'].items():
            options.setdefault(name, {}).update(option)
    options.update(doc['options'])
    return options


class Harness(object):
    def __init__(self, tmp_path, monkeypatch, fakes):
        self.tmp_path = tmp_path
        self.monkeypatch = monkeypatch
        self.fakes = fakes
        self.api = self.target_api(list(SERVERS))
        monkeypatch.setattr(client_mod.WbdClient, '_new_session', staticmethod(lambda pool_size: self.api))
        C.config.initialize_plugin_configuration_definitions('inventory', NAME, documented_options())
        self.warnings = []

    def target_api(self, servers, **paging):
        """The WBD API serving ``servers`` as detection targets to requests signed with the unit key pair."""
        return self.fakes.Api(lists={TARGETS_PATH: servers}, keys={ACCESS: SECRET}, search=search_targets, **paging)

    def write(self, config, filename='test.wbd.yml'):
        path = self.tmp_path / filename
        path.write_text(yaml.safe_dump(dict({'plugin': NAME}, **config)))
        return str(path)

    def parse(self, config, cache=True, filename='test.wbd.yml'):
        """An InventoryData filled by one run of the plugin, as InventoryManager.parse_source runs it."""
        path = self.write(config, filename)
        plugin = plugin_mod.InventoryModule()
        # What the plugin loader sets when it loads the plugin by its FQCN.
        plugin._load_name = NAME
        plugin.ansible_name = NAME
        plugin._redirected_names = [NAME]
        plugin.display = Recorder(plugin.display)
        inventory = InventoryData()
        assert plugin.verify_file(path)
        try:
            plugin.parse(inventory, DataLoader(), path, cache=cache)
            try:
                plugin.update_cache_if_changed()
            except AttributeError:  # no cache configured: InventoryManager ignores it the same way
                pass
        finally:
            self.warnings.extend(plugin.display.warnings)
        return inventory


@pytest.fixture
def harness(tmp_path, wbd_env, fakes):
    for name in CACHE_ENV_NAMES:
        wbd_env.delenv(name, raising=False)
    return Harness(tmp_path, wbd_env, fakes)


AUTH = {'access_key': ACCESS, 'secret_key': SECRET, 'endpoint': ENDPOINT, 'page_size': 2}


def hostvars(inventory, name):
    return inventory.get_host(name).get_vars()


def members(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts()) if group in inventory.groups else None


# ---- hosts, variables, default groups ------------------------------------------------------------------------


def test_one_host_per_target_with_prefixed_vars_and_default_groups(harness):
    inventory = harness.parse(AUTH)
    assert sorted(inventory.hosts) == ['api-01', 'api-02', 'web-01', 'web-02']
    web = hostvars(inventory, 'web-01')
    assert web['wbd_instance_no'] == '1001' and web['wbd_ip_address'] == '10.0.0.1' and web['wbd_agent_status'] == 'enable'
    assert web['wbd_server_group_name'] == 'web-prd' and web['wbd_server_group_id'] == 'g-web-prd'
    assert web['wbd_was_configs'] == [{'was_type': 'nginx', 'web_root_path': '/srv/www', 'file_upload_path': '/srv/www/up'}]
    assert web['webshell_audit_instance_no'] == '1001'
    assert 'ansible_host' not in web  # only through compose
    assert members(inventory, 'wbd_agent_enable') == ['api-01', 'web-01']
    assert members(inventory, 'wbd_agent_notInstalled') == ['web-02']
    assert members(inventory, 'wbd_agent_down') == ['api-02']
    assert members(inventory, 'wbd_group_web_prd') == ['web-01', 'web-02']
    assert members(inventory, 'wbd_group_api_prd') == ['api-01']  # 'api.prd' sanitised
    assert not any(g.startswith('wbd_group_') and 'api-02' in members(inventory, g) for g in inventory.groups)
    # 4 targets, page size 2: the first page, the one its total announces and, the last being exactly full, the
    # (empty) page that proves the end; all plain GETs
    assert [c.method for c in harness.api.calls] == ['GET', 'GET', 'GET']
    assert harness.warnings == []


def test_default_groups_and_audit_vars_can_be_turned_off(harness):
    inventory = harness.parse(dict(AUTH, group_by_agent_status=False, group_by_server_group=False, audit_vars=False))
    assert not [g for g in inventory.groups if g.startswith('wbd_')]
    assert 'webshell_audit_instance_no' not in hostvars(inventory, 'web-01')


@pytest.mark.parametrize(
    'field, names',
    [
        ('instance_no', ['1001', '1002', '1003', '1004']),
        ('ip_address', ['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.0.1.2']),
    ],
)
def test_hostname_choice(harness, field, names):
    inventory = harness.parse(dict(AUTH, hostname=field))
    assert sorted(inventory.hosts) == names
    assert hostvars(inventory, names[0])['wbd_server_name'] == 'web-01'


def test_shared_names_get_the_instance_number_and_a_warning(harness):
    harness.api.lists[TARGETS_PATH] = [
        server('2001', 'web', '10.0.0.1'),
        server('2002', 'web', '10.0.0.2', status='down'),
        server('2003', '', '10.0.0.3'),
        server('2004', 'web_2001', '10.0.0.4'),  # already the name the first 'web' would get
        server('', 'orphan', '10.0.0.5'),
    ]
    inventory = harness.parse(AUTH)
    assert sorted(inventory.hosts) == ['2003', 'web_2001', 'web_2001_2', 'web_2002']
    assert hostvars(inventory, 'web_2001_2')['wbd_instance_no'] == '2001'
    assert hostvars(inventory, 'web_2002')['wbd_agent_status'] == 'down'
    assert hostvars(inventory, 'web_2001')['wbd_instance_no'] == '2004'
    text = '\n'.join(harness.warnings)
    assert 'share the server_name "web"' in text and 'NAME_INSTANCENO' in text
    assert 'have no server_name and are named by their instance number: "2003"' in text
    assert 'Skipped a detection target without an instance number (server name "orphan"' in text


def test_shared_names_fail_with_duplicate_hostnames_error(harness):
    harness.api.lists[TARGETS_PATH] = [server('2001', 'web', '10.0.0.1'), server('2002', 'web', '10.0.0.2')]
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse(dict(AUTH, duplicate_hostnames='error'))
    message = '%s' % caught.value
    assert 'same server_name' in message and '"web"' in message and 'duplicate_hostnames: suffix' in message


def test_shared_ip_addresses_are_kept_apart(harness):
    harness.api.lists[TARGETS_PATH] = [server('3001', 'a', '10.9.9.9'), server('3002', 'b', '10.9.9.9')]
    inventory = harness.parse(dict(AUTH, hostname='ip_address'))
    assert sorted(inventory.hosts) == ['10.9.9.9_3001', '10.9.9.9_3002']


def test_api_text_is_never_templated(harness):
    harness.api.lists[TARGETS_PATH] = [server('4001', 'web-01', '10.0.0.1', memo='{{ 6 * 7 }}')]
    inventory = harness.parse(AUTH)
    variables = hostvars(inventory, 'web-01')
    assert variables['wbd_memo'] == '{{ 6 * 7 }}'
    templar = Templar(loader=DataLoader(), variables=variables)
    assert templar.template(trust_as_template('{{ wbd_memo }}')) == '{{ 6 * 7 }}'
    assert templar.template(trust_as_template('{{ 6 * 7 }}')) in (42, '42')  # the same text from the inventory file would be


# ---- constructed ---------------------------------------------------------------------------------------------


def test_compose_keyed_groups_and_groups(harness):
    inventory = harness.parse(
        dict(
            AUTH,
            compose={'ansible_host': 'wbd_ip_address', 'protected': "wbd_agent_status == 'enable'"},
            keyed_groups=[{'key': 'wbd_server_image_name', 'prefix': 'image'}, {'key': "wbd_was_configs | map(attribute='was_type') | list", 'prefix': 'was'}],
            groups={'unprotected': 'not protected', 'windows': "'win' in wbd_server_image_name"},
        )
    )
    assert hostvars(inventory, 'web-02')['ansible_host'] == '10.0.0.2'
    assert hostvars(inventory, 'web-01')['protected'] is True
    assert members(inventory, 'unprotected') == ['api-02', 'web-02']
    assert members(inventory, 'windows') == ['api-01']
    assert members(inventory, 'image_win_2019') == ['api-01']
    assert members(inventory, 'image_rocky_8') == ['api-02', 'web-01', 'web-02']
    assert members(inventory, 'was_nginx') == ['api-01', 'api-02', 'web-01', 'web-02']


def test_strict_fails_on_a_broken_expression_and_lax_skips_it(harness):
    config = dict(AUTH, compose={'owner': 'no_such_variable.name'})
    inventory = harness.parse(config)
    assert 'owner' not in hostvars(inventory, 'web-01')
    with pytest.raises(AnsibleError) as caught:
        harness.parse(dict(config, strict=True))
    assert 'Could not set owner' in '%s' % caught.value


# ---- filters, options ----------------------------------------------------------------------------------------


def test_filters_are_sent_as_search(harness):
    inventory = harness.parse(dict(AUTH, agent_status=['notInstalled', 'down'], server_group_name=''))
    assert sorted(inventory.hosts) == ['api-02', 'web-02']
    assert [c.method for c in harness.api.calls] == ['POST', 'POST']  # page 0 exactly full: one confirming page
    assert harness.api.calls[0].body == {'agentStatus': ['notInstalled', 'down'], 'pageIndex': 0, 'pageSize': 2}


@pytest.mark.parametrize(
    'config, words',
    [
        ({'concurrency': 0}, 'concurrency must be between 1 and 32'),
        ({'page_size': 0}, 'page_size must be positive'),
        ({'endpoint': 'ftp://wbd.example'}, 'endpoint must be an http(s) base URL'),
        ({'timeout': 0}, 'timeout must be positive'),
    ],
)
def test_bad_options_fail_before_any_request(harness, config, words):
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse(dict(AUTH, **config))
    assert words in '%s' % caught.value and harness.api.calls == []


def test_verify_file_accepts_only_its_own_names(harness, tmp_path):
    plugin = plugin_mod.InventoryModule()
    for name in ('prod.wbd.yml', 'wbd.yaml', 'x.detection_targets.yml', 'detection_targets.yaml'):
        (tmp_path / name).write_text('plugin: %s\n' % NAME)
        assert plugin.verify_file(str(tmp_path / name)), name
    for name in ('hosts.yml', 'wbd.json', 'wbd.yml.bak'):
        (tmp_path / name).write_text('plugin: %s\n' % NAME)
        assert not plugin.verify_file(str(tmp_path / name)), name
    assert not plugin.verify_file(str(tmp_path / 'missing.wbd.yml'))


# ---- caching -------------------------------------------------------------------------------------------------


def test_second_parse_is_served_from_the_cache(harness, tmp_path):
    cache_dir = tmp_path / 'cache'
    config = dict(AUTH, cache=True, cache_plugin='jsonfile', cache_connection=str(cache_dir), compose={'ansible_host': 'wbd_ip_address'})
    first = harness.parse(config)
    fetched = len(harness.api.calls)
    assert fetched == 3 and sorted(first.hosts) == ['api-01', 'api-02', 'web-01', 'web-02']
    files = list(cache_dir.iterdir())
    assert len(files) == 1 and SECRET not in files[0].read_text()

    harness.api.lists[TARGETS_PATH] = []  # the API changed, but the cache answers
    second = harness.parse(dict(config, hostname='instance_no'))  # naming is rebuilt from the cached targets
    assert len(harness.api.calls) == fetched
    assert sorted(second.hosts) == ['1001', '1002', '1003', '1004']
    assert hostvars(second, '1003')['ansible_host'] == '10.0.1.1' and members(second, 'wbd_agent_down') == ['1004']

    flushed = harness.parse(config, cache=False)  # ansible-inventory --flush-cache
    assert len(harness.api.calls) == fetched + 1 and list(flushed.hosts) == []


def test_a_changed_filter_is_not_served_from_the_old_cache(harness, tmp_path):
    config = dict(AUTH, cache=True, cache_plugin='jsonfile', cache_connection=str(tmp_path / 'cache'))
    harness.parse(config)
    calls = len(harness.api.calls)
    inventory = harness.parse(dict(config, agent_status=['enable']))
    assert len(harness.api.calls) == calls + 2 and sorted(inventory.hosts) == ['api-01', 'web-01']


def test_without_cache_every_parse_asks_the_api(harness):
    harness.parse(AUTH)
    harness.parse(AUTH)
    assert len(harness.api.calls) == 6


# ---- credentials ---------------------------------------------------------------------------------------------


def test_keys_from_the_environment_in_the_modules_order(harness):
    env = harness.monkeypatch
    env.setenv('NCLOUD_ACCESS_KEY_ID', 'SECONDCHOICE')
    env.setenv('NCLOUD_ACCESS_KEY', ACCESS)
    env.setenv('NCLOUD_SECRET_ACCESS_KEY', 'second-choice-secret')
    env.setenv('NCLOUD_SECRET_KEY', SECRET)
    env.setenv('NCLOUD_WBD_ENDPOINT', ENDPOINT)
    inventory = harness.parse({})
    assert len(inventory.hosts) == 4 and harness.api.calls[0].access_key == ACCESS


def test_second_environment_names_work_alone(harness):
    harness.monkeypatch.setenv('NCLOUD_ACCESS_KEY_ID', ACCESS)
    harness.monkeypatch.setenv('NCLOUD_SECRET_ACCESS_KEY', SECRET)
    assert len(harness.parse({'endpoint': ENDPOINT}).hosts) == 4


def test_inventory_file_option_beats_the_environment(harness):
    harness.monkeypatch.setenv('NCLOUD_ACCESS_KEY', 'ENVKEY')
    harness.monkeypatch.setenv('NCLOUD_SECRET_KEY', 'env-secret')
    harness.api.keys = {ACCESS: SECRET, 'ENVKEY': 'env-secret'}
    harness.parse(AUTH)
    assert set(c.access_key for c in harness.api.calls) == {ACCESS}


def write_configure(home, text, mode=0o600):
    directory = os.path.join(home, '.ncloud')
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, 'configure')
    with open(path, 'w') as handle:
        handle.write(text)
    os.chmod(path, mode)
    return path


def test_keys_from_the_credentials_file_and_its_profile(harness):
    write_configure(
        os.environ['HOME'],
        '[DEFAULT]\nncloud_access_key_id = NOPE\nncloud_secret_access_key = nope\n'
        '[audit]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' % (ACCESS, SECRET),
    )
    assert len(harness.parse({'endpoint': ENDPOINT, 'profile': 'audit'}).hosts) == 4
    assert harness.api.calls[-1].access_key == ACCESS


def test_environment_keys_win_over_a_named_profile_with_a_note_naming_the_variables(harness):
    write_configure(os.environ['HOME'], '[audit]\nncloud_access_key_id = NOPE\nncloud_secret_access_key = nope\n')
    harness.monkeypatch.setenv('NCLOUD_ACCESS_KEY', ACCESS)
    harness.monkeypatch.setenv('NCLOUD_SECRET_KEY', SECRET)
    harness.parse({'endpoint': ENDPOINT, 'profile': 'audit'})
    notes = [w for w in harness.warnings if 'was not read' in w]
    assert len(notes) == 1, harness.warnings
    assert 'environment variable NCLOUD_ACCESS_KEY and environment variable NCLOUD_SECRET_KEY' in notes[0]


def test_a_credentials_file_readable_by_others_is_refused(harness):
    path = write_configure(os.environ['HOME'], 'ncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' % (ACCESS, SECRET), mode=0o644)
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse({'endpoint': ENDPOINT})
    message = '%s' % caught.value
    assert 'chmod 600' in message and path in message and SECRET not in message
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644 and harness.api.calls == []


# ---- errors --------------------------------------------------------------------------------------------------


def test_missing_keys_name_the_options_and_variables(harness):
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse({'endpoint': ENDPOINT})
    message = '%s' % caught.value
    assert 'access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID)' in message
    assert 'secret_key (or environment variable NCLOUD_SECRET_KEY / NCLOUD_SECRET_ACCESS_KEY)' in message


def test_wrong_secret_is_one_line_without_the_secret(harness):
    harness.monkeypatch.setenv('NCLOUD_SECRET_KEY', SECRET + '-wrong')
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse({'endpoint': ENDPOINT, 'access_key': ACCESS})
    message = '%s' % caught.value
    assert message.startswith(NAME + ': Authentication failed') and '\n' not in message
    assert SECRET not in message and caught.value.__cause__ is None
    assert len(harness.api.calls) == 1  # a 401 is never retried


@pytest.mark.parametrize(
    'answer, words',
    [
        ({'success': True, 'code': 0, 'message': 'success', 'result': 'servers'}, 'expected a page object or a list'),
        ({'success': True, 'code': 0, 'message': 'success', 'result': {'content': [1, 2]}}, 'expected objects'),
        ({'success': True, 'code': 0, 'message': 'success'}, 'without a "result" field'),
        (b'<html>gateway</html>', 'Malformed answer'),
    ],
)
def test_malformed_answers_are_clean_errors(harness, answer, words):
    harness.api.answers = {TARGETS_PATH: harness.fakes.Response(200, answer)}
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse(AUTH)
    message = '%s' % caught.value
    assert words in message and '\n' not in message and SECRET not in message


# ---- the naming rule on its own ------------------------------------------------------------------------------


def test_naming_keeps_api_order_and_refuses_unknown_settings():
    targets = [{'instance_no': '9', 'server_name': 'b'}, {'instance_no': '3', 'server_name': 'a'}, {'instance_no': '5', 'server_name': 'b'}]
    hosts, warnings = assign_hostnames(targets)
    assert [name for name, dummy in hosts] == ['b_9', 'a', 'b_5'] and len(warnings) == 1
    assert [t['instance_no'] for dummy, t in hosts] == ['9', '3', '5']
    with pytest.raises(WbdConfigError, match='hostname must be one of server_name, instance_no, ip_address'):
        assign_hostnames(targets, field='host_name')
    with pytest.raises(WbdConfigError, match='duplicate_hostnames must be one of suffix, error'):
        assign_hostnames(targets, duplicates='first')


def test_names_from_the_api_lose_control_characters():
    hosts, dummy = assign_hostnames([{'instance_no': '1', 'server_name': 'web\n01\x1b[31m'}])
    assert hosts[0][0] == 'web 01 [31m'


# ---- completeness (issue 14) ---------------------------------------------------------------------------------


def many_servers(n):
    return [server('%d' % (2000 + i), 'host-%03d' % i, '10.1.%d.%d' % (i // 200, i % 200)) for i in range(n)]


def test_a_capped_server_gives_every_target(harness):
    harness.api = harness.target_api(many_servers(23), cap=5)
    inventory = harness.parse(dict(AUTH, page_size=10))
    assert len(inventory.hosts) == 23 and harness.warnings == []


def test_an_incomplete_target_list_fails_in_one_line(harness):
    harness.api = harness.target_api(many_servers(23), total=40)
    with pytest.raises(AnsibleParserError) as caught:
        harness.parse(dict(AUTH, page_size=10))
    message = '%s' % caught.value
    assert message.startswith(NAME + ': GetDetectionTarget announced 40 records') and 'delivered 23' in message
    assert 'allow_partial: true in the inventory source' in message and '\n' not in message and SECRET not in message


def test_allow_partial_accepts_the_incomplete_target_list_with_a_warning(harness):
    harness.api = harness.target_api(many_servers(23), total=40)
    inventory = harness.parse(dict(AUTH, page_size=10, allow_partial=True))
    assert len(inventory.hosts) == 23
    assert any('announced 40 records' in w and 'allow_partial' in w for w in harness.warnings), harness.warnings
