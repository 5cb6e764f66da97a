# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tie WBD detection targets and detections to inventory hosts.

Inventories name servers in many ways, so a host is matched by keys tried in the
user's order; each key pairs one host-side value with one or more API fields. The
index is built once, so matching N records to H hosts costs O(N + H), not O(N x H).
A value that several hosts share is ambiguous and is skipped for that key rather
than guessed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# key -> (API fields compared with the host's value of that key, whether to compare case-insensitively)
MATCH_KEYS = {
    'instance_no': (('instance_no',), False),
    'inventory_hostname': (('server_name', 'host_name'), True),
    'ansible_host': (('private_ip', 'server_name', 'host_name'), True),
    'host_name': (('host_name', 'server_name'), True),
    'server_name': (('server_name',), True),
    'private_ip': (('private_ip',), False),
}
DEFAULT_MATCH_KEYS = ('instance_no', 'inventory_hostname', 'ansible_host', 'host_name', 'server_name', 'private_ip')


class MatchError(ValueError):
    """A bad matching setting (unknown key)."""


def _norm(value, fold):
    if value is None or isinstance(value, bool):
        return None
    text = ('%s' % (value,)).strip()
    if not text:
        return None
    return text.casefold() if fold else text


def _values(value):
    """A host-side value may be one value or a list of them (a host name and its FQDN)."""
    return value if isinstance(value, (list, tuple)) else [value]


def check_keys(keys):
    unknown = [k for k in keys if k not in MATCH_KEYS]
    if unknown:
        raise MatchError('unknown match key(s) %s; use some of %s.' % (', '.join(map(str, unknown)), ', '.join(DEFAULT_MATCH_KEYS)))
    if not keys:
        raise MatchError('at least one match key is needed; use some of %s.' % ', '.join(DEFAULT_MATCH_KEYS))
    # A key given twice adds nothing; kept twice, it would index each host twice and make every value look shared.
    return list(dict.fromkeys(keys))


class HostIndex(object):
    """Inventory hosts indexed by every match key: ``{key: {normalised value: [host names]}}``."""

    def __init__(self, hosts, keys=DEFAULT_MATCH_KEYS):
        self.keys = check_keys(keys)
        self.index = dict((k, {}) for k in self.keys)
        for host in hosts:
            for key in self.keys:
                fold = MATCH_KEYS[key][1]
                raw = host.get(key) if key != 'inventory_hostname' else host.get(key, host['name'])
                for value in set(filter(None, (_norm(v, fold) for v in _values(raw)))):
                    self.index[key].setdefault(value, []).append(host['name'])

    def match(self, record):
        """(host name, key) for an API record (normalised snake_case), or (None, None)."""
        for key in self.keys:
            fields, fold = MATCH_KEYS[key]
            table = self.index[key]
            for field in fields:
                names = table.get(_norm(record.get(field), fold))
                if names and len(names) == 1:
                    return names[0], key
        return None, None


def target_as_record(target):
    """Detection targets call the private IP ``ip_address`` and have no host name."""
    record = dict(target)
    record.setdefault('private_ip', target.get('ip_address'))
    return record


def match_targets(index, targets):
    """{host name: (target, key)}: each host's best-matching target (earliest key; API order breaks ties)."""
    found = {}
    rank = dict((k, n) for n, k in enumerate(index.keys))
    for target in targets:
        host, key = index.match(target_as_record(target))
        if host is not None and (host not in found or rank[key] < rank[found[host][1]]):
            found[host] = (target, key)
    return found


def match_detection(index, detection, host_of_instance):
    """(host, key) for a detection: through its server's target first, so both agree, then by its own fields."""
    via_target = host_of_instance.get(_norm(detection.get('instance_no'), False))
    if via_target is not None:
        return via_target
    return index.match(detection)
