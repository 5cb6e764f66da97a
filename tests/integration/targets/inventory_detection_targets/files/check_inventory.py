# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of ncloud.wbd.detection_targets output against the sandbox's own dataset (runme.sh).

The expectation is derived here, from GET /__sandbox/dataset (the records the sandbox serves, in its camelCase
form) and the rules DOCUMENTATION states, never from the plugin's code: the field names below are written out by
hand, and group names are sanitised as Ansible documents it (every character but letters, digits and _ becomes _).

usage: check_inventory.py COMMAND BASE_URL [ARGS...]
  list BASE LIST_JSON                 the main inventory file (compose, keyed_groups, groups of runme.sh)
  graph BASE GRAPH_TXT                ansible-inventory --graph of the same file
  host BASE HOST_JSON NAME            ansible-inventory --host NAME of the same file
  subset BASE LIST_JSON STATUS GROUP  the filtered file: agent STATUS and server group name containing GROUP
  audit BASE LIST_JSON REPORT_JSON    the audit report of ncloud.wbd.audit run on a plugin inventory
  requests BASE                       print how many API requests listed the servers so far
"""

import json
import re
import sys
import urllib.request

FIELDS = {
    'instanceNo': 'wbd_instance_no',
    'serverName': 'wbd_server_name',
    'serverImageName': 'wbd_server_image_name',
    'serverStatus': 'wbd_server_status',
    'serverType': 'wbd_server_type',
    'serverEnvType': 'wbd_server_env_type',
    'ipAddress': 'wbd_ip_address',
    'agentStatus': 'wbd_agent_status',
    'serverGroupId': 'wbd_server_group_id',
    'serverGroupName': 'wbd_server_group_name',
    'platform': 'wbd_platform',
    'memo': 'wbd_memo',
}
WAS_FIELDS = {'wasType': 'was_type', 'webRootPath': 'web_root_path', 'fileUploadPath': 'file_upload_path'}


def plain(value):
    """ansible-core 2.19 writes untrusted strings (all API text) as {"__ansible_unsafe": text} in --list: unwrap them."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load(path):
    with open(path, encoding='utf-8') as handle:
        return plain(json.load(handle))


def fetch(base, path):
    with urllib.request.urlopen(base.rstrip('/') + path, timeout=30) as answer:
        return json.load(answer)


def servers(base):
    return fetch(base, '/__sandbox/dataset?resource=servers')['records']


def safe(name):
    return re.sub(r'[^A-Za-z0-9_]', '_', name)


def expected_vars(server):
    """Host variables of one server: the documented wbd_ fields plus the audit's instance number."""
    variables = dict((ours, server[theirs]) for theirs, ours in FIELDS.items())
    variables['wbd_was_configs'] = [dict((WAS_FIELDS[k], v) for k, v in c.items()) for c in server['wasConfigList']]
    variables['webshell_audit_instance_no'] = server['instanceNo']
    return variables


def expected_groups(records):
    """{group: sorted host names} of the default groups and of the compose/keyed_groups/groups runme.sh configures."""
    groups = {}
    for server in records:
        name = server['serverName']
        for group in ('wbd_agent_' + server['agentStatus'], safe('wbd_group_' + server['serverGroupName']), safe('image_' + server['serverImageName'])):
            groups.setdefault(group, []).append(name)
        if server['agentStatus'] != 'enable':
            groups.setdefault('unprotected', []).append(name)
    return dict((g, sorted(h)) for g, h in groups.items())


def check(condition, message):
    if not condition:
        raise SystemExit('FAIL: ' + message)


def listed_groups(listing):
    return dict((g, sorted(v.get('hosts', []))) for g, v in listing.items() if g not in ('_meta', 'all') and v.get('hosts'))


def cmd_list(base, path):
    records = servers(base)
    listing = load(path)
    hostvars = listing['_meta']['hostvars']
    check(len(hostvars) == len(records), '%d hosts, the sandbox has %d targets' % (len(hostvars), len(records)))
    check(sorted(hostvars) == sorted(s['serverName'] for s in records), 'host names are not the server names')
    for server in records:
        got = hostvars[server['serverName']]
        want = expected_vars(server)
        want.update(ansible_host=server['ipAddress'], protected=server['agentStatus'] == 'enable')
        check(got == want, 'vars of %s: %r != %r' % (server['serverName'], got, want))
    want_groups = expected_groups(records)
    got_groups = listed_groups(listing)
    check(got_groups == want_groups, 'groups differ:\n got %r\nwant %r' % (sorted(got_groups), sorted(want_groups)))
    statuses = sorted(set(s['agentStatus'] for s in records))
    print(
        'ok   --list: %d hosts = %d sandbox targets, vars of every host, %d groups (agent %s; %d server groups; image_*; '
        'unprotected), ansible_host and protected composed'
        % (len(hostvars), len(records), len(got_groups), '/'.join(statuses), len(set(s['serverGroupName'] for s in records)))
    )


def cmd_graph(base, path):
    graph, group = {}, None
    for line in open(path, encoding='utf-8'):
        match = re.match(r'^[ |]*--@(.+):$', line.rstrip())
        if match:
            group = match.group(1)
            graph.setdefault(group, [])
        elif group and '--' in line:
            graph[group].append(line.rstrip().split('--', 1)[1])
    want = expected_groups(servers(base))
    got = dict((g, sorted(h)) for g, h in graph.items() if h)
    check(got == want, '--graph differs:\n got %r\nwant %r' % (got, want))
    print('ok   --graph: the same %d groups with the same members' % len(got))


def cmd_host(base, path, name):
    server = [s for s in servers(base) if s['serverName'] == name]
    check(len(server) == 1, 'no single sandbox server named %s' % name)
    want = expected_vars(server[0])
    want.update(ansible_host=server[0]['ipAddress'], protected=server[0]['agentStatus'] == 'enable')
    got = load(path)
    check(got == want, '--host %s: %r != %r' % (name, got, want))
    print(
        'ok   --host %s: instance %s, %s, agent %s, group %s'
        % (name, got['wbd_instance_no'], got['wbd_ip_address'], got['wbd_agent_status'], got['wbd_server_group_name'])
    )


def cmd_subset(base, path, status, group):
    want = sorted(s['serverName'] for s in servers(base) if s['agentStatus'] == status and group in s['serverGroupName'])
    got = sorted(load(path)['_meta']['hostvars'])
    check(want and got == want, 'filtered inventory %r != %r' % (got, want))
    stats = fetch(base, '/__sandbox/stats')
    bodies = [r['body'] for r in stats['requests'] if r['operation'] == 'POST /api/v1/servers']
    check(
        bodies and all(b.get('agentStatus') == [status] and b.get('serverGroupName') == group for b in bodies),
        'the filters were not sent as a SearchDetectionTarget body: %r' % bodies,
    )
    print('ok   filters: agent_status [%s] + server_group_name %s sent as POST /api/v1/servers, %d hosts as expected' % (status, group, len(got)))


def cmd_audit(base, list_path, report_path):
    records = servers(base)
    hostvars = load(list_path)['_meta']['hostvars']
    report = load(report_path)
    hosts = report['hosts']
    check(sorted(hosts) == sorted(hostvars), 'the audit covered other hosts than the inventory')
    check(report['summary']['targets'] == len(records) == len(hosts), 'summary %r' % report['summary'])
    for name, entry in hosts.items():
        check(
            entry['matched_by'] == 'instance_no' and entry['target'] and entry['target']['instance_no'] == hostvars[name]['wbd_instance_no'],
            'host %s matched %r to %r' % (name, entry['matched_by'], entry['target']),
        )
    unregistered = [f for f in report['findings'] if f['kind'] == 'not_registered']
    check(not unregistered, 'hosts reported not registered: %r' % unregistered)
    unprotected = sorted(n for n, e in hosts.items() if e['status'] == 'unprotected')
    want = sorted(s['ipAddress'] for s in records if s['agentStatus'] != 'enable')
    check(unprotected == want, 'unprotected hosts %r != servers without an enabled agent %r' % (unprotected, want))
    print(
        'ok   audit: %d hosts named by IP, every one matched to its own target by instance_no, none "not registered", '
        '%d unprotected = the servers whose agent is not enable' % (len(hosts), len(unprotected))
    )


def cmd_requests(base):
    counts = fetch(base, '/__sandbox/stats?log=0')['by_operation']
    print(counts.get('GET /api/v1/servers', 0) + counts.get('POST /api/v1/servers', 0))


COMMANDS = {'list': cmd_list, 'graph': cmd_graph, 'host': cmd_host, 'subset': cmd_subset, 'audit': cmd_audit, 'requests': cmd_requests}

if __name__ == '__main__':
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
