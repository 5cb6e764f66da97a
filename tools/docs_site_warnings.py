# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the Sphinx warnings of the docs-site step (tools/test.sh): only those of unreachable intersphinx inventories pass.

Usage: docs_site_warnings.py WARNINGS_FILE   (the file sphinx-build -w wrote)

Offline, Sphinx cannot fetch the intersphinx inventories (docs.ansible.com, docs.python.org, ...). That gives one
warning per inventory, and a warning per reference those inventories would have resolved: labels and environment
variables of the Ansible docs (common_return_values, ansible_collections.ansible.builtin.set_fact_module,
ANSIBLE_CACHE_PLUGIN, ...). Those are accepted, and only while the inventory that holds them is unreachable; a
reference into this collection (a label ansible_collections.ncloud.wbd.*, an environment variable NCLOUD_*) must
always resolve, and any other warning fails. Exit status 1 when a warning fails, 0 otherwise; a summary is printed.
"""

import re
import sys

OWN_LABEL = 'ansible_collections.ncloud.wbd.'
OWN_ENVVAR = 'NCLOUD_'
START = re.compile(r'^(?:\S.*?: )?WARNING: ')
UNREACHABLE = re.compile(r'failed to reach any of the inventories')
INVENTORY = re.compile(r"intersphinx inventory '(https?://[^']+)'")
# Sphinx: "undefined label: 'x'" and "'envvar' reference target not found: X" (with the category suffix [ref.ref] etc.)
UNDEFINED_LABEL = re.compile(r"WARNING: undefined label: '([^']+)'")
TARGET_NOT_FOUND = re.compile(r"WARNING: '?([\w:]+)'? reference target not found: (\S+)")
# Which inventory would hold a reference of each role.
ANSIBLE_DOCS = 'docs.ansible.com'
PYTHON_DOCS = 'docs.python.org'


def entries(lines):
    """Warnings, each with its continuation lines (the intersphinx warning spans several)."""
    current = None
    for line in lines:
        line = line.rstrip('\n')
        if START.match(line):
            if current:
                yield current
            current = [line]
        elif current is not None:
            current.append(line)
        elif line.strip():
            yield [line]
    if current:
        yield current


def judge(lines):
    """(unreachable inventory URLs, references left to them, failing warnings)."""
    unreachable, deferred, failing = [], [], []
    references = []
    for entry in entries(lines):
        text = '\n'.join(entry)
        if UNREACHABLE.search(entry[0]):
            unreachable.extend(INVENTORY.findall(text))
            continue
        label = UNDEFINED_LABEL.search(entry[0])
        target = TARGET_NOT_FOUND.search(entry[0])
        if label and not label.group(1).startswith(OWN_LABEL):
            references.append((ANSIBLE_DOCS, label.group(1), text))
        elif target and target.group(1) == 'envvar' and not target.group(2).startswith(OWN_ENVVAR):
            references.append((ANSIBLE_DOCS, target.group(2), text))
        elif target and target.group(1).startswith('py:'):
            references.append((PYTHON_DOCS, target.group(2), text))
        else:
            failing.append(text)
    for host, name, text in references:
        if any(host in url for url in unreachable):
            deferred.append(name)
        else:
            failing.append(text)
    return unreachable, deferred, failing


def main(argv):
    with open(argv[1], encoding='utf-8') as handle:
        unreachable, deferred, failing = judge(handle.readlines())
    if unreachable:
        print('intersphinx: %d inventories unreachable (offline): %s' % (len(unreachable), ', '.join(unreachable)))
    if deferred:
        print('intersphinx: %d references left to them: %s' % (len(deferred), ', '.join(sorted(set(deferred)))))
    if failing:
        print('%d other Sphinx warnings (each fails the step):' % len(failing))
        print('\n'.join(failing))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
