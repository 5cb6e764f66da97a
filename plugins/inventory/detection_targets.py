# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: detection_targets
short_description: Inventory of the servers registered for Webshell Behavior Detector detection
version_added: 1.0.0
author:
  - ncloud.wbd maintainers (@ncloud-wbd)
description:
  - Builds an inventory from the WBD detection targets, the servers registered for webshell behaviour detection,
    one host per server, read with the WBD API operation GetDetectionTarget (C(GET /api/v1/servers)), or with
    SearchDetectionTarget (C(POST /api/v1/servers)) when a filter option is set. The same client, paging, filters
    and field names as the P(ncloud.wbd.detection_target_info#module) module.
  - The inventory source is a YAML file whose name ends in C(wbd.yml), C(wbd.yaml), C(detection_targets.yml) or
    C(detection_targets.yaml), with O(plugin) set to V(ncloud.wbd.detection_targets).
  - >-
    Every field of a target becomes a host variable prefixed with C(wbd_), named as the module returns it:
    C(wbd_instance_no), C(wbd_server_name), C(wbd_ip_address), C(wbd_agent_status), C(wbd_server_group_id),
    C(wbd_server_group_name), C(wbd_server_image_name), C(wbd_server_status), C(wbd_server_type),
    C(wbd_server_env_type), C(wbd_platform), C(wbd_was_configs) (a list of C(was_type), C(web_root_path),
    C(file_upload_path)) and C(wbd_memo); fields the WBD documentation does not list are kept the same way, their
    names in snake_case. Values from the API are marked unsafe, so they are never templated.
  - With O(audit_vars) (the default) each host also gets C(webshell_audit_instance_no), the instance number the
    P(ncloud.wbd.webshell_audit#role) role matches hosts by first, so C(ansible-playbook ncloud.wbd.audit) on this
    inventory matches every host to its own server, whatever O(hostname) names it.
  - >-
    C(ansible_host) is not set, because the WBD IP address is the server's private address, which the controller
    often cannot reach, and the audit needs no connection to the hosts. Set it with O(compose), for example
    C(ansible_host: wbd_ip_address).
  - "Default groups: C(wbd_agent_<agent status>) (for example C(wbd_agent_enable), C(wbd_agent_notInstalled)) and
    C(wbd_group_<server group name>), with characters that are invalid in a group name replaced by C(_)
    (C(web-prd) becomes C(wbd_group_web_prd)). O(group_by_agent_status) and O(group_by_server_group) turn them off;
    O(compose), O(keyed_groups) and O(groups) add your own."
  - "Host names: the target's O(hostname) field. A target without that field is named by its instance number. When
    several targets give the same name, none of them takes the plain name: each is named C(NAME_INSTANCENO) and a
    warning lists the names (O(duplicate_hostnames=suffix)), or the inventory fails
    (O(duplicate_hostnames=error)). Two servers never become one host. A target without an instance number is
    skipped with a warning."
  - With O(cache) the list of targets is kept in the cache plugin (not the secret key, nor the host names or groups,
    which are rebuilt from it each time, so O(hostname), O(compose) and the groups can change without a new API
    call). The cache key covers the inventory file, the endpoint and the filters.
extends_documentation_fragment:
  - ncloud.wbd.auth
  - ncloud.wbd.auth.plugin
  - ncloud.wbd.detection_filters.targets
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: Marks the file as a source of this plugin.
    required: true
    type: str
    choices: [ncloud.wbd.detection_targets]
  hostname:
    description:
      - Which field of the target becomes the inventory host name.
      - V(server_name) is the server name, V(instance_no) the instance number (unique), V(ip_address) the server's
        IP address.
    type: str
    choices: [server_name, instance_no, ip_address]
    default: server_name
  duplicate_hostnames:
    description:
      - What to do when several targets give the same host name (two servers with the same name, for example).
      - V(suffix) names each of them C(NAME_INSTANCENO) and warns; V(error) fails the inventory source.
    type: str
    choices: [suffix, error]
    default: suffix
  audit_vars:
    description:
      - Whether to set C(webshell_audit_instance_no) on each host, the variable the
        P(ncloud.wbd.webshell_audit#role) role matches hosts by first (its C(webshell_audit_instance_no_var)).
    type: bool
    default: true
  group_by_agent_status:
    description: Whether to put each host in the group C(wbd_agent_<agent status>).
    type: bool
    default: true
  group_by_server_group:
    description: Whether to put each host in the group C(wbd_group_<server group name>); servers without a group are in none.
    type: bool
    default: true
  page_size:
    description:
      - Targets requested per API page. Every page is read; the API may serve smaller pages, which is followed.
    type: int
    default: 100
  concurrency:
    description:
      - API requests in flight at once. Once the first page reveals the total, the other pages are fetched by this
        many workers; targets still come in API order. Between V(1) and V(32).
    type: int
    default: 4
  allow_partial:
    description:
      - The list of targets is complete only when its pages agree with each other and with the totals the API
        announces (the same rules as the modules, see the P(ncloud.wbd.detection_target_info#module) module's
        O(ncloud.wbd.detection_target_info#module:allow_partial)). When they cannot be made to agree, this inventory
        source fails with one line that says what disagreed, because an inventory that silently misses servers makes
        an audit of it look better than it is.
      - V(true) accepts the partial list instead, with a warning per problem.
    type: bool
    default: false
    version_added: 1.1.0
notes:
  - The filters are combined with AND; the states in O(agent_status) are alternatives. An empty filter counts as
    none. How the API compares text filters (exact or partial match) is not documented.
  - Errors (missing or wrong keys, an unreachable endpoint, an answer that is not the WBD API's) fail this inventory
    source with the one-line message the modules give, without the secret key. Run C(ansible-inventory) with
    E(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) to make that fatal.
  - Through the default C(auto) inventory plugin, a failure is followed by the messages of the C(yaml) and C(ini)
    plugins, which try the file next. Enabling this plugin by name, for example
    E(ANSIBLE_INVENTORY_ENABLED=ncloud.wbd.detection_targets) or C(enable_plugins) in the C([inventory]) section of
    C(ansible.cfg), leaves only its own message.
  - >-
    Since ansible-core 2.19, C(ansible-inventory --list) writes text from the API as C({"__ansible_unsafe": "..."}),
    as it does for every untrusted string, so that a consumer of that output does not template it either.
seealso:
  - module: ncloud.wbd.detection_target_info
  - name: GetDetectionTarget API reference
    description: The WBD API operation that lists detection targets.
    link: https://api.ncloud-docs.com/docs/en/security-webshellbehaviordetector-detectionsetting-getdetectiontarget
'''

EXAMPLES = r'''
# Each example is a file of its own, named in its first comment. The first is live YAML; the others are commented
# out so that this block stays one YAML document without repeated keys (uncomment them in a file of their own).

# prod.wbd.yml: every registered server, named by server name, keys from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY
# or ~/.ncloud/configure. Groups wbd_agent_enable, wbd_agent_notInstalled, ..., wbd_group_web_prd_group, ...
plugin: ncloud.wbd.detection_targets

# unprotected.wbd.yml: only servers whose agent does not detect, in the gov site, with a profile of the credentials
# file; connect to them by their IP address; group them by OS image and by WAS type
# plugin: ncloud.wbd.detection_targets
# site: gov
# profile: audit
# agent_status: [disable, notInstalled, error, down, activating]
# compose:
#   ansible_host: wbd_ip_address
# keyed_groups:
#   - key: wbd_server_image_name
#     prefix: image
#   - key: wbd_was_configs | map(attribute='was_type') | list
#     prefix: was
# groups:
#   windows: "'win' in wbd_server_image_name"
#   needs_attention: wbd_agent_status != 'enable'

# by_instance.detection_targets.yml: host names are instance numbers; fail rather than rename on a duplicate;
# the list of targets is cached for an hour in JSON files
# plugin: ncloud.wbd.detection_targets
# hostname: instance_no
# duplicate_hostnames: error
# server_group_name: web-prd-group
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/ansible-inventory
# cache_timeout: 3600

# sandbox.wbd.yml: a local WBD sandbox (see tests/sandbox), no TLS; the keys still come from the environment
# plugin: ncloud.wbd.detection_targets
# endpoint: http://127.0.0.1:8080
# concurrency: 1
# group_by_server_group: false
# strict: true
# compose:
#   wbd_protected: wbd_agent_status == 'enable'

# Then, for example:
#   ansible-inventory -i prod.wbd.yml --graph
#   ansible-playbook ncloud.wbd.audit -i prod.wbd.yml
#   ansible-playbook site.yml -i prod.wbd.yml --limit wbd_agent_enable
'''

import os

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError, clean_text
from ansible_collections.ncloud.wbd.plugins.module_utils._inventory.hosts import assign_hostnames, default_groups, host_vars
from ansible_collections.ncloud.wbd.plugins.module_utils._inventory.source import TargetSource

SOURCE_SUFFIXES = ('wbd.yml', 'wbd.yaml', 'detection_targets.yml', 'detection_targets.yaml')
SECRET_OPTIONS = ('access_key', 'secret_key')
SOURCE_OPTIONS = (
    'profile',
    'credentials_file',
    'site',
    'endpoint',
    'validate_certs',
    'ca_path',
    'timeout',
    'retries',
    'page_size',
    'concurrency',
    'allow_partial',
    'agent_status',
    'server_name',
    'ip_address',
    'server_group_name',
    'server_image_name',
    'web_root_path',
    'file_upload_path',
    'memo',
)
CACHE_FORMAT = 1


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """One host per WBD detection target."""

    NAME = 'ncloud.wbd.detection_targets'

    def verify_file(self, path):
        """Only YAML files named for this plugin, so it never claims another plugin's file."""
        return super(InventoryModule, self).verify_file(path) and to_text(path).endswith(SOURCE_SUFFIXES)

    def _source_options(self, config):
        """The options TargetSource takes, named as the modules name them.

        A key is handed on only when the inventory file (``config``) sets it. One Ansible's configuration took from an
        environment variable is left unset: then credentials.resolve_credentials reads the environment itself, with
        the modules' precedence, and says where the key came from. (The origin Ansible reports cannot tell: before
        ansible-core 2.19 it ignores the values of the inventory file.)
        """
        options = dict((name, self.get_option(name)) for name in SOURCE_OPTIONS)
        for name in SECRET_OPTIONS:
            in_file = config.get(name) not in (None, '')
            options[name] = to_text(self.get_option(name)) if in_file else None  # to_text decrypts a vaulted value
        return options

    def _warn(self, message):
        self.display.warning('%s: %s' % (self.NAME, message))

    def _targets(self, source, path, cache):
        """The normalised targets, from the cache when allowed and present, else from the API (then cached)."""
        use_cache = bool(self.get_option('cache'))
        key = '%s_%s' % (self.get_cache_key(path), source.fingerprint)
        if use_cache and cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and cached.get('format') == CACHE_FORMAT and isinstance(cached.get('targets'), list):
                self.display.vvv('%s: %d detection targets from the cache (%s)' % (self.NAME, len(cached['targets']), key))
                return cached['targets']
        targets = source.fetch()
        self.display.vvv('%s: %d detection targets from %s (%s API requests)' % (self.NAME, len(targets), source.endpoint, source.stats['requests']))
        if use_cache:
            self._cache[key] = {'format': CACHE_FORMAT, 'targets': targets}
        return targets

    def _populate(self, targets):
        hosts, warnings = assign_hostnames(targets, self.get_option('hostname'), self.get_option('duplicate_hostnames'))
        for warning in warnings:
            self._warn(warning)
        strict = self.get_option('strict')
        for name, target in hosts:
            self.inventory.add_host(name)
            for var, value in host_vars(target, self.get_option('audit_vars')).items():
                self.inventory.set_variable(name, var, wrap_var(value))
            for group in default_groups(target, self.get_option('group_by_agent_status'), self.get_option('group_by_server_group')):
                self.inventory.add_child(self.inventory.add_group(self._sanitize_group_name(group)), name)
            variables = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option('compose'), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        try:
            source = TargetSource(self._source_options(config), os.environ, self._warn)
            targets = self._targets(source, path, cache)
            self._populate(targets)
        except WbdError as err:
            # The client's message is complete and secret-free; the chained exception would add nothing but noise.
            raise AnsibleParserError('%s: %s' % (self.NAME, clean_text(err, 1000))) from None
