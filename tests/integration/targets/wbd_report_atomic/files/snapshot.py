# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Snapshot of a report directory, to prove a failed run left it exactly as it was.

    python snapshot.py save DIR OUT.json          every entry, hidden ones too: size, SHA-256, inode, mtime, mode
    python snapshot.py same DIR OUT.json          exit 1 (saying what differs) unless DIR matches the snapshot
    python snapshot.py sizes DIR                  "SET_BYTES JSON_BYTES HTML_BYTES" of the latest report set

The inode and mtime show that a file was not even replaced by an identical copy.
"""

import hashlib
import json
import os
import sys


def snapshot(directory):
    entries = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        info = os.lstat(path)
        with open(path, 'rb') as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        entries[name] = {'size': info.st_size, 'sha256': digest, 'inode': info.st_ino, 'mtime_ns': info.st_mtime_ns, 'mode': '%o' % info.st_mode}
    return entries


def main(argv):
    if len(argv) == 3 and argv[1] == 'sizes':
        sizes = dict(
            (name.split('.', 1)[1], os.path.getsize(os.path.join(argv[2], name))) for name in os.listdir(argv[2]) if name.startswith('webshell-audit-latest.')
        )
        print('%d %d %d' % (sum(sizes.values()), sizes['json'], sizes['html']))
        return 0
    if len(argv) != 4 or argv[1] not in ('save', 'same'):
        sys.stderr.write(__doc__)
        return 2
    now = snapshot(argv[2])
    if argv[1] == 'save':
        with open(argv[3], 'w', encoding='utf-8') as handle:
            json.dump(now, handle, indent=1, sort_keys=True)
        return 0
    with open(argv[3], encoding='utf-8') as handle:
        before = json.load(handle)
    problems = ['new entry %s' % name for name in sorted(set(now) - set(before))]
    problems += ['missing %s' % name for name in sorted(set(before) - set(now))]
    problems += [
        '%s: %s changed' % (name, ', '.join(k for k in before[name] if before[name][k] != now[name][k]))
        for name in sorted(set(now) & set(before))
        if now[name] != before[name]
    ]
    for problem in problems:
        print('  %s' % problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
