# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tie WBD detection targets and detections to inventory hosts.

Inventories name servers in many ways, so a host is matched by keys tried in the
user's order; each key pairs one host-side value with one or more API fields. The
index is built once, so matching N records to H hosts costs O(N + H), not O(N x H).
A value that several hosts share is ambiguous: it is never guessed. A later key may still
pick one of the hosts that share it; otherwise the record's match is reported as ambiguous,
naming the hosts (``HostIndex.lookup``), so the audit can say so instead of "not registered".
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


# Normalised texts a HostIndex remembers per fold (the API decides how many distinct ones there are).
_NORMED_MOST = 100000


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
        self.normed = {False: {}, True: {}}  # text the records repeat (server names, IPs), normalised once
        for host in hosts:
            for key in self.keys:
                fold = MATCH_KEYS[key][1]
                raw = host.get(key) if key != 'inventory_hostname' else host.get(key, host['name'])
                for value in set(filter(None, (_norm(v, fold) for v in _values(raw)))):
                    self.index[key].setdefault(value, []).append(host['name'])

    def lookup(self, record):
        """(host name, key, shared) for an API record (normalised snake_case).

        Keys are tried in order; the first value only one host has decides. A value several hosts share is kept
        as ``shared`` (``{'key', 'field', 'value', 'hosts'}``, the first such value): a later key's host resolves it
        only when it is one of those hosts; otherwise the match is ambiguous, ``(None, None, shared)``, and a host a
        later key names joins ``shared['hosts']`` (the record's fields disagree about its host).
        """
        shared = None
        for key in self.keys:
            fields, fold = MATCH_KEYS[key]
            table = self.index[key]
            for field in fields:
                names = table.get(self._norm(record.get(field), fold))
                if not names:
                    continue
                if len(names) == 1:
                    if shared is None or names[0] in shared['hosts']:
                        return names[0], key, None
                    shared['hosts'] = sorted(set(shared['hosts']) | set(names))
                    return None, None, shared
                if shared is None:
                    shared = {'key': key, 'field': field, 'value': '%s' % (record.get(field),), 'hosts': sorted(names)}
        return None, None, shared

    def _norm(self, value, fold):
        """_norm, remembered for text (only exact str: True == 1 would find the other's entry), up to _NORMED_MOST."""
        if value.__class__ is not str:
            return _norm(value, fold)
        cache = self.normed[fold]
        found = cache.get(value, cache)
        if found is cache:
            if len(cache) >= _NORMED_MOST:
                cache.clear()
            found = cache[value] = _norm(value, fold)
        return found

    def match(self, record):
        """(host name, key) for an API record, or (None, None) when no host or several match."""
        host, key, dummy = self.lookup(record)
        return host, key


def target_as_record(target):
    """Detection targets call the private IP ``ip_address`` and have no host name."""
    record = dict(target)
    record.setdefault('private_ip', target.get('ip_address'))
    return record


def place_targets(index, targets):
    """({host name: (target, key)}, [(target, shared)]): each host's best-matching target (earliest key; API order
    breaks ties), and the targets whose match is ambiguous (several hosts share the value that matches them)."""
    found, ambiguous = {}, []
    rank = dict((k, n) for n, k in enumerate(index.keys))
    for target in targets:
        host, key, shared = index.lookup(target_as_record(target))
        if shared is not None:
            ambiguous.append((target, shared))
        elif host is not None and (host not in found or rank[key] < rank[found[host][1]]):
            found[host] = (target, key)
    return found, ambiguous


def match_targets(index, targets):
    """{host name: (target, key)}: each host's best-matching target; ambiguous targets are left out."""
    return place_targets(index, targets)[0]


def place_detection(index, detection, host_of_instance, shared_of_instance=None):
    """(host, key, shared) for a detection: through its server's target first, so both agree, then by its own fields.

    A detection on a server whose target matched ambiguously (``shared_of_instance``) is ambiguous too unless its
    own fields name one host.
    """
    instance = _norm(detection.get('instance_no'), False)
    via_target = host_of_instance.get(instance)
    if via_target is not None:
        return via_target[0], via_target[1], None
    host, key, shared = index.lookup(detection)
    by_target = (shared_of_instance or {}).get(instance)
    if by_target is not None and shared is None and host not in by_target['hosts']:
        shared = dict(by_target, hosts=sorted(set(by_target['hosts']) | set([host] if host else [])))
        return None, None, shared
    return host, key, shared


def match_detection(index, detection, host_of_instance):
    """(host, key) for a detection (``place_detection`` without the ambiguity)."""
    host, key, dummy = place_detection(index, detection, host_of_instance)
    return host, key
