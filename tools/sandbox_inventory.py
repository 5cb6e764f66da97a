"""Write an Ansible inventory (JSON, read by the yaml inventory plugin) of a WBD sandbox's servers.

Used by `make audit` so the audit has realistic hosts that exercise every match key:
a third of the registered servers carry their instance number, a third are named like
the server, a third are known only by IP; some unregistered servers that have detections
are in the inventory (they end up unprotected), the others are not (their detections end
up unmatched), and one host WBD has never heard of.

usage: sandbox_inventory.py BASE_URL OUT_FILE
"""

import json
import re
import sys
import urllib.request


def dataset(base, resource):
    with urllib.request.urlopen('%s/__sandbox/dataset?resource=%s' % (base, resource), timeout=30) as answer:
        return json.load(answer)['records']


def group_name(text):
    return re.sub(r'[^A-Za-z0-9_]', '_', text or 'ungrouped')


def build(servers, detections):
    hosts, groups = {}, {}
    for number, server in enumerate(servers):
        if number % 3 == 0:
            name, hvars = server['serverName'], {'webshell_audit_instance_no': server['instanceNo']}
        elif number % 3 == 1:
            name, hvars = server['serverName'], {}
        else:
            name, hvars = 'node-%02d' % number, {'ansible_host': server['ipAddress']}
        hosts[name] = hvars
        groups.setdefault(group_name(server['serverGroupName']), []).append(name)
    registered = set(s['instanceNo'] for s in servers)
    ghosts = sorted(set(d['serverName'] for d in detections if d['instanceNo'] not in registered))
    for name in ghosts[: (len(ghosts) + 1) // 2]:
        hosts[name] = {}
        groups.setdefault('unregistered', []).append(name)
    hosts['new-host-01'] = {}
    children = dict((g, {'hosts': dict((h, {}) for h in members)}) for g, members in sorted(groups.items()))
    return {'all': {'vars': {'ansible_connection': 'local'}, 'hosts': hosts, 'children': children}}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    base = argv[1].rstrip('/')
    inventory = build(dataset(base, 'servers'), dataset(base, 'detections'))
    with open(argv[2], 'w', encoding='utf-8') as out:
        json.dump(inventory, out, indent=1, sort_keys=True)
    print('%d hosts written to %s' % (len(inventory['all']['hosts']), argv[2]))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
