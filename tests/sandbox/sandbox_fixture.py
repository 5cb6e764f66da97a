# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load a small, known WBD dataset from a JSON fixture file (``--dataset-file``).

Records are written in the API's camelCase form; omitted fields get defaults so
every answer stays well-formed, and time fields may be relative to the sandbox
start ("-2d", "-3h", "-90m", "-30s", "now"). See README.md "Fixture datasets".
"""

import json
import random
import re

from sandbox_data import CONDITIONS, DAY_MS, RULE_FIELDS, TIME_FIELDS, Dataset, IdFactory, build_object

TOP_KEYS = ('servers', 'detections', 'exceptions', 'exception-rules', 'deleted-exception-rules', 'quarantines', 'alarm-interval')
RELATIVE_RE = re.compile(r'^(?:now|-(\d+)([dhms]))$')
UNIT_MS = {'d': DAY_MS, 'h': 3600000, 'm': 60000, 's': 1000}
# Keys of a suspicionFiles entry that are served in the detection record; the others below only shape its suspicious object.
FILE_FIELDS = ('suspicionFileId', 'fileOriginName', 'fileOwner', 'weight', 'accessTime', 'modifyTime', 'changeTime', 'detectionId')
OBJECT_OVERRIDES = ('hashScanResult', 'status', 'quarantineFileName', 'quarantineTime', 'memo', 'fileSize', 'sha1', 'fileAuthority', 'fileGroup')
OBJECT_STATUSES = ('detected', 'quarantined', 'quarantineFailed')
TARGET_TYPES = ('server', 'serverGroup', 'everyServer')


class FixtureError(ValueError):
    """The dataset file is unreadable or invalid; the message says where."""


def _time(value, anchor_ms, where):
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    match = RELATIVE_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise FixtureError('%s: time must be an integer (ms) or "now", "-<n>d", "-<n>h", "-<n>m", "-<n>s"; got %r' % (where, value))
    return anchor_ms if value == 'now' else anchor_ms - int(match.group(1)) * UNIT_MS[match.group(2)]


def _fill(record, defaults, where, anchor_ms, extra=()):
    """Defaults overlaid with the record; '_'-prefixed keys are notes (dropped); other unknown keys are errors."""
    if not isinstance(record, dict):
        raise FixtureError('%s: must be a JSON object' % where)
    record = dict((k, v) for k, v in record.items() if not k.startswith('_'))
    unknown = sorted(set(record) - set(defaults) - set(extra))
    if unknown:
        raise FixtureError('%s: unknown key(s) %s' % (where, ', '.join(unknown)))
    for key in TIME_FIELDS:
        if key in record:
            record[key] = _time(record[key], anchor_ms, '%s.%s' % (where, key))
    return dict(defaults, **record)


def _require_id(record, field, where, seen):
    value = record.get(field)
    if not isinstance(value, str) or not value:
        raise FixtureError('%s: %s must be a non-empty string' % (where, field))
    if value in seen:
        raise FixtureError('%s: duplicate %s %s (first in %s)' % (where, field, value, seen[value]))
    seen[value] = where
    return value


def _list(raw, key, where=None):
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise FixtureError('%s: must be a JSON array' % (where or key))
    return value


class Loader(object):
    """Turns the parsed file into a Dataset; one instance per load."""

    def __init__(self, raw, seed, anchor_ms):
        self.raw = raw
        self.data = Dataset(seed, anchor_ms)
        self.ids = IdFactory()  # for IDs a fixture may omit (suspicionIpId, alarm id, detectionRuleId)
        self.seen = dict((field, {}) for field in ('detectionId', 'exceptedRuleId', 'instanceNo', 'suspicionFileId'))
        self.servers = {}
        self.default_rule_id = self.ids.make(400 * DAY_MS)
        self.interval_id = self.ids.make(300 * DAY_MS)

    def load(self):
        data, raw = self.data, self.raw
        unknown = sorted(set(raw) - set(TOP_KEYS) - set(k for k in raw if k.startswith('_')))
        if unknown:
            raise FixtureError('unknown top-level key(s) %s (known: %s)' % (', '.join(unknown), ', '.join(TOP_KEYS)))
        interval = raw.get('alarm-interval') or {}
        member = interval.get('memberNo') if isinstance(interval, dict) else None
        data.member_no = int(member) if str(member or '').isdigit() else random.Random(data.seed).randint(2000000, 2999999)
        data.servers = [self.server(rec, 'servers[%d]' % n) for n, rec in enumerate(_list(raw, 'servers'))]
        for key in ('detections', 'exceptions'):
            data.records(key).extend(self.detection(rec, '%s[%d]' % (key, n)) for n, rec in enumerate(_list(raw, key)))
            data.records(key).sort(key=lambda d: -d['detectTime'])
        for key, deleted in (('exception-rules', False), ('deleted-exception-rules', True)):
            rules = [self.rule(rec, '%s[%d]' % (key, n), deleted) for n, rec in enumerate(_list(raw, key))]
            rules.sort(key=lambda r: -(r['deletedTime'] if deleted else r['createdTime']))
            data.records(key).extend(rules)
        data.quarantines.extend(self.quarantine(rec, 'quarantines[%d]' % n) for n, rec in enumerate(_list(raw, 'quarantines')))
        data.quarantines.sort(key=lambda q: -q['quarantineTime'])
        data.alarm_interval = self.alarm_interval(interval)
        for resource in ('detections', 'exceptions'):
            for record in data.records(resource):
                data.index[(resource, record['detectionId'])] = record
        return data

    def server(self, record, where):
        record = _fill(
            record,
            {
                'instanceNo': None,
                'serverName': '',
                'serverImageName': 'ubuntu-22.04-base',
                'serverStatus': 'running',
                'serverType': 's2-g3',
                'serverEnvType': 'VM',
                'ipAddress': '',
                'agentStatus': 'enable',
                'serverGroupId': '',
                'serverGroupName': '',
                'platform': 'VPC',
                'wasConfigList': [],
                'memo': '',
            },
            where,
            self.data.anchor_ms,
        )
        self.servers[_require_id(record, 'instanceNo', where, self.seen['instanceNo'])] = record
        return record

    def detection(self, record, where):
        anchor = self.data.anchor_ms
        given = record if isinstance(record, dict) else {}
        server = self.servers.get(given.get('instanceNo'), {})
        name = given.get('serverName', given.get('hostName', server.get('serverName', '')))
        record = _fill(
            record,
            {
                'detectionId': None,
                'instanceNo': '',
                'hostName': name,
                'serverName': name,
                'containerName': '',
                'privateIPofServer': server.get('ipAddress', ''),
                'command': None,
                'processName': '',
                'processArg': '',
                'processId': '',
                'executor': '',
                'processIdOfParent': '',
                'processNameOfParent': '',
                'processArgOfParent': '',
                'executorOfParent': '',
                'uid': '',
                'euid': '',
                'gid': '',
                'egid': '',
                'actionStatus': 'blank',
                'memo': '',
                'actionTime': None,
                'detectTime': anchor,
                'collectTime': None,
                'lastUpdatedTime': None,
                'isChecked': None,
                'memberNo': self.data.member_no,
                'detectionRuleId': self.default_rule_id,
                'suspicionFiles': [],
                'suspicionIps': [],
                'osType': 'LINUX',
            },
            where,
            anchor,
        )
        detection_id = _require_id(record, 'detectionId', where, self.seen['detectionId'])
        if record['actionStatus'] not in ('blank', 'confirmed'):
            raise FixtureError('%s: actionStatus must be blank or confirmed' % where)
        for key, value in (('command', record['processArg']), ('actionTime', record['detectTime']), ('collectTime', record['detectTime'])):
            if record[key] is None:
                record[key] = value
        if record['lastUpdatedTime'] is None:
            record['lastUpdatedTime'] = record['collectTime']
        if record['isChecked'] is None:
            record['isChecked'] = record['actionStatus'] == 'confirmed'
        files = _list(record, 'suspicionFiles', where + '.suspicionFiles')
        record['suspicionFiles'] = [self.suspicion_file(record, f, '%s.suspicionFiles[%d]' % (where, n)) for n, f in enumerate(files)]
        record['suspicionIps'] = [
            _fill(
                ip,
                {
                    'suspicionIpId': self.ids.make(0),
                    'detectionId': detection_id,
                    'suspicionIp': '',
                    'country': '',
                    'platform': 'VPC',
                },
                '%s.suspicionIps[%d]' % (where, n),
                anchor,
            )
            for n, ip in enumerate(_list(record, 'suspicionIps', where + '.suspicionIps'))
        ]
        return record

    def suspicion_file(self, detection, entry, where):
        """The served file entry; overrides (and every quarantined file) go into a prebuilt suspicious object."""
        sfile = _fill(
            entry,
            {
                'suspicionFileId': None,
                'detectionId': None,
                'fileOriginName': '',
                'fileOwner': detection['executor'],
                'weight': 50,
                'accessTime': detection['detectTime'],
                'modifyTime': detection['detectTime'],
                'changeTime': detection['detectTime'],
            },
            where,
            self.data.anchor_ms,
            extra=OBJECT_OVERRIDES,
        )
        _require_id(sfile, 'suspicionFileId', where, self.seen['suspicionFileId'])
        sfile['detectionId'] = detection['detectionId']
        overrides = dict((k, sfile.pop(k)) for k in OBJECT_OVERRIDES if k in sfile)
        if overrides.get('status', 'detected') not in OBJECT_STATUSES:
            raise FixtureError('%s: status must be one of %s' % (where, ', '.join(OBJECT_STATUSES)))
        if overrides.get('hashScanResult', 'malware') not in ('malware', 'notMalware'):
            raise FixtureError('%s: hashScanResult must be malware or notMalware' % where)
        if overrides:
            obj = dict(build_object(self.data, detection, sfile), **overrides)
            if obj['status'] == 'quarantined':
                obj.setdefault('quarantineTime', min(self.data.anchor_ms, detection['detectTime'] + 600000))
                obj['quarantineFileName'] = obj['quarantineFileName'] or '%s.%s.wbdq' % (sfile['fileOriginName'], sfile['suspicionFileId'])
                self.data.quarantines.append(obj)
            self.data.objects[sfile['suspicionFileId']] = obj
        return dict((k, sfile[k]) for k in FILE_FIELDS)

    def rule(self, record, where, deleted):
        anchor = self.data.anchor_ms
        defaults = {
            'disabled': False,
            'actionName': None,
            'permission': None,
            'exceptedRuleId': None,
            'exceptedRuleName': '',
            'exceptTargetType': 'everyServer',
            'exceptTarget': '',
            'exceptTargetName': '',
            'createdTime': anchor,
            'deletedTime': anchor if deleted else None,
            'isDeleted': deleted,
            'memo': None,
            'memberNo': self.data.member_no,
            'groupIsDeleted': None,
        }
        for field in RULE_FIELDS:
            defaults.update({field: '', field + 'Condition': 'NOT_USE'})
        given = record if isinstance(record, dict) else {}
        target, kind = given.get('exceptTarget'), given.get('exceptTargetType')
        named = [
            s for s in self.servers.values() if (kind == 'server' and s['instanceNo'] == target) or (kind == 'serverGroup' and s['serverGroupId'] == target)
        ]
        if named:
            defaults['exceptTargetName'] = named[0]['serverName' if kind == 'server' else 'serverGroupName']
        if kind == 'serverGroup':
            defaults['groupIsDeleted'] = False
        record = _fill(record, defaults, where, anchor)
        _require_id(record, 'exceptedRuleId', where, self.seen['exceptedRuleId'])
        if record['exceptTargetType'] not in TARGET_TYPES:
            raise FixtureError('%s: exceptTargetType must be one of %s' % (where, ', '.join(TARGET_TYPES)))
        for field in RULE_FIELDS:
            condition = record[field + 'Condition']
            if condition not in CONDITIONS:
                raise FixtureError('%s: %sCondition must be one of %s' % (where, field, ', '.join(CONDITIONS)))
            if condition == 'NOT_USE' and record[field]:
                raise FixtureError('%s: %s has a value but %sCondition is NOT_USE (set the condition)' % (where, field, field))
        if deleted and not isinstance(record['deletedTime'], int):
            raise FixtureError('%s: a deleted rule needs a deletedTime' % where)
        return record

    def quarantine(self, record, where):
        """An explicit quarantine record (a quarantined file whose detection is not in the fixture)."""
        anchor = self.data.anchor_ms
        record = _fill(
            record,
            {
                'suspicionFileId': None,
                'detectionId': '',
                'hostName': '',
                'serverName': '',
                'osType': 'LINUX',
                'fileOriginName': '',
                'quarantineFileName': None,
                'fileSize': 0,
                'sha1': '',
                'privateIPofServer': '',
                'fileAuthority': '-rw-r--r--',
                'fileOwner': '',
                'fileGroup': '',
                'accessTime': anchor,
                'modifyTime': anchor,
                'changeTime': anchor,
                'instanceNo': '',
                'hashScanResult': 'notMalware',
                'memo': '',
                'weight': 50,
                'status': 'quarantined',
                'quarantineTime': anchor,
            },
            where,
            anchor,
        )
        file_id = _require_id(record, 'suspicionFileId', where, self.seen['suspicionFileId'])
        if record['quarantineFileName'] is None:
            record['quarantineFileName'] = '%s.%s.wbdq' % (record['fileOriginName'], file_id)
        return record

    def alarm_interval(self, record):
        anchor = self.data.anchor_ms
        return _fill(
            record,
            {
                'id': self.interval_id,
                'memberNo': str(self.data.member_no),
                'interval': 600000,
                'lastSendNotificationTime': anchor - 3600000,
                'createTime': anchor - 300 * DAY_MS,
                'lastUpdatedTime': anchor - 20 * DAY_MS,
                'platform': 'VPC',
                'isDeleted': False,
            },
            'alarm-interval',
            anchor,
        )


def load_dataset(path, anchor_ms, seed=1):
    """Read and validate a fixture file; raises FixtureError with a readable message."""
    try:
        with open(path, encoding='utf-8') as handle:
            raw = json.load(handle)
    except OSError as exc:
        raise FixtureError('cannot read %s: %s' % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise FixtureError('%s is not valid JSON: %s' % (path, exc)) from None
    if not isinstance(raw, dict):
        raise FixtureError('%s: the top level must be a JSON object' % path)
    try:
        return Loader(raw, seed, int(anchor_ms)).load()
    except FixtureError as exc:
        raise FixtureError('%s: %s' % (path, exc)) from None
