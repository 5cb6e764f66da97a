# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Merge the audit records of job slices into the record one unsliced run over all their hosts writes.

AWX job slicing runs the audit once per slice of the inventory. Every slice fetches the same account-wide
lists and evaluates only its own hosts, so a slice's record is right about its hosts and about the account,
but calls "unmatched" the detections of the other slices' hosts. The merge takes each host from its slice,
keeps a detection unmatched (or ambiguous, or out of scope) only when no slice matched it, recomputes what spans
hosts (the summary, the unmatched-server findings, the completeness problems, the scope, the digest) and refuses
records that are not slices of one audit. The merge is complete only when every slice is.
Pure: records in, record out (sharing the input records' host and detection objects).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.ncloud.wbd.plugins.module_utils._audit.evaluate import (
    Findings,
    completeness_problems,
    order_key,
    server_findings,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.record import (
    DETECTION_LISTS,
    GENERATOR,
    LISTS,
    STATUSES,
    RecordError,
    all_detections,
    seal,
    validate_record,
)

CLOCK_KEYS = ('started_at_ms', 'started_at_iso')
WINDOW_KEYS = ('window_start_ms', 'window_start_iso')
PROVENANCE_KEY = 'merged_slices'
# The annotations of a detection that depend on which hosts the run had; everything else is account-wide.
HOST_ANNOTATIONS = ('host', 'matched_by', 'unreviewed', 'ambiguous_hosts', 'outside_hosts')
ACCOUNT_COUNTS = ('detections', 'covered_detections', 'targets', 'exception_rules', 'active_exception_rules')
HOST_KINDS = ('not_registered', 'agent_not_enabled', 'unreviewed_detections', 'ambiguous_match', 'time_problem', 'incomplete_data')
DETECTION_KINDS = ('high_weight_file', 'malware_not_quarantined')
# The findings about the account's rules (the same in every slice: each read the whole rule list), baseline ones included.
RULE_KINDS = (
    'overbroad_rule',
    'ambiguous_rule',
    'rule_group_deleted',
    'rule_disabled',
    'rule_not_in_baseline',
    'rule_differs_from_baseline',
    'baseline_rule_missing',
)
SERVER_KIND = 'unmatched_detections'
HINT = 'Merge the JSON records of the slices of one sliced run only (for example each slice\'s webshell-audit-latest.json).'


def merge_argument_spec():
    """The options of ncloud.wbd.audit_merge (the action plugin and its documentation module)."""
    return dict(src=dict(type='list', elements='path', required=True), slices=dict(type='int'))


class MergeError(ValueError):
    """The records cannot be merged into one unsliced run's record; the message says why and what to do."""


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=True)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_shape(record):
    """RecordError unless ``record`` has every part the merge reads, as ncloud.wbd.webshell_audit writes it."""
    validate_record(record)
    if record.get('generator') != GENERATOR:
        raise RecordError('it was not written by %s (generator %r)' % (GENERATOR, record.get('generator')))
    _check_sections(record)
    _check_entries(record)
    return record


def _check_sections(record):
    """The run (policy, clock, scope), the completeness and scope sections, the detection lists and the account counts."""
    run = record['run']
    if not isinstance(run.get('policy'), dict) or not _is_int(run.get('started_at_ms')):
        raise RecordError('its run has no policy or no started_at_ms')
    scope = run.get('inventory_scope')
    if scope is not None and not (isinstance(scope, dict) and isinstance(scope.get('hosts'), list)):
        raise RecordError('its run.inventory_scope has no hosts list')
    completeness = record.get('completeness')
    if not (isinstance(completeness, dict) and isinstance(completeness.get('lists'), dict) and isinstance(completeness.get('problems'), list)):
        raise RecordError('it has no completeness section with lists and problems')
    if not (isinstance(record.get('scope'), dict) and isinstance(record['scope'].get('servers'), list)):
        raise RecordError('it has no scope section with servers')
    for key in DETECTION_LISTS[1:]:
        if not isinstance(record.get(key), list):
            raise RecordError('it has no %s list' % key)
    missing = [k for k in ACCOUNT_COUNTS if not _is_int(record['summary'].get(k))]
    if missing:
        raise RecordError('its summary has no %s' % ', '.join(missing))


def _check_entries(record):
    """Each host, detection and finding has the fields the merge reads; each finding is of a kind it knows."""
    for name, entry in record['hosts'].items():
        if entry.get('name') != name or entry.get('status') not in STATUSES or not isinstance(entry.get('target'), (dict, type(None))):
            raise RecordError('its host %r has no name, status or target' % (name,))
    for where, item in _detections(record):
        if not isinstance(item.get('detection_id'), str) or not isinstance(item.get('covered_by'), list):
            raise RecordError('a detection of %s has no detection_id or covered_by' % where)
    for finding in record['findings']:
        if not all(isinstance(finding.get(k), str) for k in ('id', 'scope', 'kind', 'severity')):
            raise RecordError('a finding has no id, scope, kind or severity')
        known = HOST_KINDS if finding['scope'] == 'host' else DETECTION_KINDS + RULE_KINDS + (SERVER_KIND,)
        if finding['kind'] not in known:
            raise RecordError('it has a %s finding of kind %r, which this merge does not know' % (finding['scope'], finding['kind']))


def _detections(record):
    """(where, detection) for the hosts' detections, then the unmatched, ambiguous and out-of-scope ones."""
    for name, entry in record['hosts'].items():
        for item in entry.get('detections') or []:
            yield 'host %s' % name, item
    for key in DETECTION_LISTS:
        for item in record.get(key) or []:
            yield key, item


def account_parts(record):
    """[(part, value)]: what every slice of one audit has in common (the account-wide lists, the policy, the run
    but for its clock and hosts). Detections are compared without their host annotations and in no order."""
    run = record['run']
    policy = dict((k, v) for k, v in run['policy'].items() if k not in WINDOW_KEYS)
    other = dict((k, v) for k, v in run.items() if k not in CLOCK_KEYS + ('policy', 'inventory_scope', PROVENANCE_KEY))
    detections = {}
    for dummy, item in _detections(record):
        detections[item['detection_id']] = bare = dict(item)
        for key in HOST_ANNOTATIONS:
            bare.pop(key, None)
    return [
        ('schema and generator', (record['schema_version'], record['generator'])),
        ('collection version', run.get('collection_version')),
        ('endpoint', run.get('endpoint')),
        ('policy', policy),
        ('run metadata', other),
        ('inventory_scope presence', 'inventory_scope' in run),
        ('account counts', dict((k, record['summary'][k]) for k in ACCOUNT_COUNTS)),
        ('exception rules', record['exception_rules']),
        ('detections in the window', detections),
    ]


def account_digest(record):
    """SHA-256 of the account-wide parts: equal for every slice of one audit run (fed a detection at a time, so a
    large record is never one huge string)."""
    digest = hashlib.sha256()
    for part, value in account_parts(record):
        pieces = [[key, value[key]] for key in sorted(value)] if part == 'detections in the window' else [value]
        for piece in [part] + pieces:
            digest.update(_canonical(piece).encode('utf-8'))
    return digest.hexdigest()


def _difference(part, mine, theirs):
    """A short description of how two values of one account part differ."""
    if isinstance(mine, dict) and isinstance(theirs, dict) and part != 'detections in the window':
        keys = sorted(k for k in set(mine) | set(theirs) if mine.get(k, KeyError) != theirs.get(k, KeyError))
        return ', '.join('%s: %s vs %s' % (k, _canonical(mine.get(k)), _canonical(theirs.get(k))) for k in keys[:5])
    if part == 'detections in the window':
        only = sorted(set(mine) ^ set(theirs))
        changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
        return '%d vs %d detections%s%s' % (
            len(mine),
            len(theirs),
            '; in one only: %s' % ', '.join(only[:3]) if only else '',
            '; changed: %s' % ', '.join(changed[:3]) if changed else '',
        )
    if isinstance(mine, list) and isinstance(theirs, list):
        return '%d vs %d entries, or different content' % (len(mine), len(theirs))
    return '%s vs %s' % (_canonical(mine), _canonical(theirs))


class _Slice(object):
    """One input record with what the merge looks up in it."""

    def __init__(self, record, label, index):
        self.record, self.label, self.index = record, label, index
        self.run = record['run']
        self.parts = account_parts(record)
        self.host_findings, self.detection_findings, self.rule_findings = {}, {}, []
        self.ambiguities = [
            p['evidence']
            for p in record['completeness']['problems']
            if isinstance(p, dict) and p.get('kind') == 'ambiguous_match' and isinstance(p.get('evidence'), dict)
        ]
        for finding in record['findings']:
            if finding['scope'] == 'host':
                self.host_findings.setdefault(finding.get('host'), []).append(finding)
            elif finding['kind'] in DETECTION_KINDS:
                self.detection_findings.setdefault(finding.get('detection_id'), []).append(finding)
            elif finding['kind'] in RULE_KINDS:
                self.rule_findings.append(finding)
        ids = [item['detection_id'] for dummy, item in _detections(record)]
        if len(ids) != len(set(ids)):
            raise MergeError('%s: a detection ID appears twice in the record; the merge tells detections apart by ID.' % label)

    def sort_key(self):
        """Earliest first; equal start times are ordered by content, never by input order or file name."""
        return (self.run['started_at_ms'], self.record.get('content_digest') or '', _canonical(sorted(self.record['hosts'])))

    def provenance(self):
        """The slices this record stands for: its own entry, or the entries of the slices it was merged from."""
        given = self.run.get(PROVENANCE_KEY)
        if isinstance(given, list) and given:
            return [dict(item) for item in given if isinstance(item, dict)]
        scope = self.run.get('inventory_scope') or {}
        return [
            {
                'started_at_ms': self.run['started_at_ms'],
                'started_at_iso': self.run.get('started_at_iso'),
                'hosts': len(self.record['hosts']),
                'limit': scope.get('limit'),
                'content_digest': self.record.get('content_digest'),
            }
        ]


def _check_same_audit(first, other):
    """Compared part by part (what account_digest hashes), so the message can say which part differs and how."""
    for (part, mine), (dummy, theirs) in zip(first.parts, other.parts):
        if mine != theirs:
            raise MergeError(
                '%s and %s are not slices of one audit run: they differ in %s (%s). %s'
                % (first.label, other.label, part, _difference(part, mine, theirs), HINT)
            )


def _union_hosts(slices):
    """{host: (entry, slice)}; a host in several slices must have the same result in each."""
    hosts = {}
    for piece in slices:
        for name, entry in piece.record['hosts'].items():
            if name in hosts:
                if hosts[name][0] != entry:
                    raise MergeError(
                        'host %s is in %s and in %s with different results: the records are not slices of one '
                        'audit run. %s' % (name, hosts[name][1].label, piece.label, HINT)
                    )
                continue
            hosts[name] = (entry, piece)
    return hosts


def _check_unambiguous(hosts, slices):
    """Refuse when hosts of different slices both matched one WBD server or detection.

    Within one run a server or a detection goes to at most one host. Two hosts claiming one means they share a
    match value (ambiguous, so skipped, in an unsliced run) or match it by different keys (one run would pick one
    and leave the other with another target or none): either way no merge can know the unsliced result.
    """
    owners = {}
    for piece in slices:  # what an ambiguous match left to several hosts: no other host or group may claim it
        for group in piece.ambiguities:
            holders = 'the hosts sharing %s %s (%s)' % (group.get('key'), group.get('value'), ', '.join(group.get('hosts') or []))
            for instance in group.get('instances') or []:
                _claim(owners, 'WBD server (detection target) instance %s' % instance, (holders, group.get('key'), piece))
        for item in piece.record['ambiguous_detections']:
            holders = 'the hosts sharing a match value (%s)' % ', '.join(item.get('ambiguous_hosts') or [])
            _claim(owners, 'detection %s' % item['detection_id'], (holders, 'a shared value', piece))
    for name in sorted(hosts):
        entry, piece = hosts[name]
        claims = (
            [('WBD server (detection target) instance %s' % entry['target'].get('instance_no'), entry.get('matched_by'))]
            if entry['target'] and entry['target'].get('instance_no') not in (None, '')
            else []
        )
        claims.extend(('detection %s' % item['detection_id'], item.get('matched_by')) for item in entry.get('detections') or [])
        for what, key in claims:
            _claim(owners, what, (name, key, piece))


def _claim(owners, what, claimant):
    """Record that ``claimant`` (holder, key, slice) matched ``what``; refuse when another holder did."""
    other = owners.setdefault(what, claimant)
    if other[0] != claimant[0]:
        name, key, piece = claimant
        plain = not other[0].startswith('the hosts') and not name.startswith('the hosts')
        both = 'hosts %s' % other[0] if plain else _holder(other[0])
        name = name if plain else _holder(name)
        raise MergeError(
            '%s (%s, matched by %s) and %s (%s, matched by %s) both matched %s: in one unsliced run the hosts would '
            'share that match, which is ambiguous there, so no merge can reproduce it. Give each host match values of '
            'its own (webshell_audit_instance_no is unique per server), or audit these hosts in one slice.'
            % (both, other[2].label, other[1], name, piece.label, key, what)
        )


def _holder(name):
    return name if name.startswith('the hosts') else 'host %s' % name


def _merged_scope(slices, earliest):
    scopes = [piece.run.get('inventory_scope') for piece in slices]
    if earliest.run.get('inventory_scope') is None:
        return None
    names = sorted(set(name for scope in scopes for name in scope['hosts']))
    limits = set(_canonical(scope.get('limit')) for scope in scopes)
    # Slices cut by --limit each have their own limit; the union of partitions has none. AWX slices share the template's.
    limit = scopes[0].get('limit') if len(limits) == 1 else None
    return dict(earliest.run['inventory_scope'], hosts=names, count=len(names), limit=limit)


def _provenance(slices):
    entries = {}
    for piece in slices:
        for item in piece.provenance():
            entries.setdefault(_canonical(item), item)
    return [entries[key] for key in sorted(entries, key=lambda k: (entries[k].get('started_at_ms') or 0, k))]


def merge_records(records, labels=None, expect=None):
    """The audit record one unsliced run over the union of the slices' hosts writes (docs/docsite/rst/guide_record_schema.rst).

    ``records``: the slices' audit records (their JSON reports, loaded); ``labels``: a name per record for the
    error messages (file names); ``expect``: how many slices the run had, when known (a record given twice, or a
    merged record, counts as the slices it stands for). Raises MergeError when they are not slices of one audit
    run or when the unsliced result cannot be known. ``run`` is the earliest slice's, with the hosts of all and
    ``merged_slices``.
    """
    slices = _read_slices(records, labels)
    earliest = slices[0]
    provenance = _check_slices(slices, expect)
    hosts = _union_hosts(slices)
    _check_unambiguous(hosts, slices)
    entries = dict((name, hosts[name][0]) for name in sorted(hosts))
    unmatched, ambiguous, outside = _placed_elsewhere(slices, entries)
    body = {
        'run': _merged_run(slices, earliest, provenance),
        'hosts': entries,
        'unmatched_detections': unmatched,
        'ambiguous_detections': ambiguous,
        'out_of_scope_detections': outside,
        'exception_rules': earliest.record['exception_rules'],
        'findings': _merged_findings(slices, hosts, unmatched, ambiguous),
    }
    lists = _merged_lists(slices)
    groups = _merged_ambiguities(slices, list(entries))
    problems = completeness_problems(lists, entries, all_detections(body), groups, earliest.run['policy'].get('window_start_iso'))
    account = earliest.record['summary']
    return seal(
        body,
        lists,
        problems,
        _merged_outside(slices, list(entries)),
        targets=account['targets'],
        exception_rules=len(earliest.record['exception_rules']),
        active_exception_rules=account['active_exception_rules'],
    )


def _read_slices(records, labels):
    """The records as slices, earliest first; MergeError naming the record that the merge cannot read."""
    records = list(records)
    labels = list(labels) if labels is not None else ['record %d' % (n + 1) for n in range(len(records))]
    if not records:
        raise MergeError('there are no audit records to merge.')
    slices = []
    for index, (record, label) in enumerate(zip(records, labels)):
        try:
            _check_shape(record)
        except RecordError as err:
            raise MergeError('%s is not an audit record this merge can read: %s.' % (label, err))
        slices.append(_Slice(record, label, index))
    return sorted(slices, key=_Slice.sort_key)


def _check_slices(slices, expect):
    """The merged provenance, once every slice is of the earliest's audit run and there are as many as expected."""
    for piece in slices[1:]:
        _check_same_audit(slices[0], piece)
    provenance = _provenance(slices)
    if expect is not None and len(provenance) != expect:
        raise MergeError(
            'expected the records of %d slices, got %d distinct ones (%s): a slice that failed before '
            'writing its report, or another run\'s, would make the merged report wrong.'
            % (expect, len(provenance), ', '.join(piece.label for piece in sorted(slices, key=lambda p: p.index)))
        )
    return provenance


def _placed_elsewhere(slices, entries):
    """(unmatched, ambiguous, out of scope): each detection no merged host matched, in the list a slice put it in.

    A detection is unmatched only when no slice placed it anywhere else (the earliest slice's list, in its order).
    """
    matched = set(item['detection_id'] for entry in entries.values() for item in entry.get('detections') or [])
    ambiguous = _first_of(slices, 'ambiguous_detections', matched)
    outside = _first_of(slices, 'out_of_scope_detections', matched | set(ambiguous))
    placed = matched | set(ambiguous) | set(outside)
    unmatched = [item for item in slices[0].record['unmatched_detections'] if item['detection_id'] not in placed]
    return unmatched, sorted(ambiguous.values(), key=order_key), sorted(outside.values(), key=order_key)


def _merged_findings(slices, hosts, unmatched, ambiguous):
    """Every finding in the order evaluate adds them (hosts, detections, unmatched servers, rules), then its sort."""
    findings = Findings()
    names = sorted(hosts)
    for name in names:
        findings.items.extend(hosts[name][1].host_findings.get(name, []))
    for name in names:
        entry, piece = hosts[name]
        for item in entry.get('detections') or []:
            findings.items.extend(piece.detection_findings.get(item['detection_id'], []))
    for item in unmatched:
        findings.items.extend(slices[0].detection_findings.get(item['detection_id'], []))
    for item in ambiguous:
        findings.items.extend(_judged_findings(slices, item['detection_id']))
    server_findings(findings, unmatched)  # worded exactly as evaluate words them
    findings.items.extend(slices[0].rule_findings)
    return findings.sorted()


def _merged_run(slices, earliest, provenance):
    """The earliest slice's ``run``, with the inventory scope of all and the slices it stands for."""
    run = dict(earliest.run)
    scope = _merged_scope(slices, earliest)
    if scope is not None:
        run['inventory_scope'] = scope
    run[PROVENANCE_KEY] = provenance
    return run


def _first_of(slices, key, taken):
    """{detection ID: detection} of the slices' ``key`` list, but those in ``taken`` (matched elsewhere)."""
    found = {}
    for piece in slices:
        for item in piece.record[key]:
            if item['detection_id'] not in taken:
                found.setdefault(item['detection_id'], item)
    return found


def _judged_findings(slices, detection_id):
    """A detection's findings from a slice that judged it (a slice that had it out of scope made none)."""
    for piece in slices:
        if detection_id in piece.detection_findings:
            return piece.detection_findings[detection_id]
    return []


def _merged_lists(slices):
    """Each list's completeness: complete only when it is in every slice (else the first incomplete slice's)."""
    lists = {}
    for name in LISTS:
        given = [piece.record['completeness']['lists'].get(name) for piece in slices]
        given = [item for item in given if isinstance(item, dict)]
        if given:
            lists[name] = next((item for item in given if not item.get('complete')), given[0])
    return lists


def _merged_ambiguities(slices, names):
    """The ambiguous-match groups of the slices (each once) that name a merged host, in evaluate's order."""
    groups = {}
    for piece in slices:
        for group in piece.ambiguities:
            if set(group.get('hosts') or []) & set(names):
                groups.setdefault(('%s' % group.get('key'), '%s' % group.get('value'), tuple(group.get('hosts') or [])), group)
    return [groups[k] for k in sorted(groups)]


def _merged_outside(slices, names):
    """{instance: server} out of scope in the merged run: those whose inventory hosts no slice audited."""
    outside = {}
    for piece in slices:
        for server in piece.record['scope']['servers']:
            if isinstance(server, dict) and not set(server.get('hosts') or []) & set(names):
                outside.setdefault('%s' % server.get('instance_no'), server)
    return outside
