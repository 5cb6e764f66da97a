"""The docs site's page of the EDA event sources, written from their DOCUMENTATION and EXAMPLES.

antsibull-docs renders modules, roles and plugins but not event sources; this renders each source's documentation
(the same YAML ansible-rulebook users and galaxy-importer read) into docs/docsite/rst/eda_event_sources.rst, so the
site shows what Automation Hub shows. A unit test (tests/unit/extensions/eda/test_source_pages.py) fails when the page
is not what this writes from the sources as they are: run it again after changing a source's documentation.

    python tools/eda_source_docs.py [--check]
"""

import ast
import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(REPO, 'extensions', 'eda', 'plugins', 'event_source')
PAGE = os.path.join(REPO, 'docs', 'docsite', 'rst', 'eda_event_sources.rst')
LABEL = 'ansible_collections.ncloud.wbd.docsite.eda_event_sources'
# Ansible's documentation markup -> reStructuredText.
_MARKUP = [
    (re.compile(r'[COVE]\(([^()]*)\)'), r'``\1``'),
    (re.compile(r'M\(([^()]*)\)'), r'``\1``'),
    (re.compile(r'I\(([^()]*)\)'), r'*\1*'),
    (re.compile(r'B\(([^()]*)\)'), r'**\1**'),
    (re.compile(r'U\(([^()]*)\)'), r'\1'),
    (re.compile(r'L\(([^(),]*),([^()]*)\)'), r'`\1 <\2>`__'),
    (re.compile(r'R\(([^(),]*),([^()]*)\)'), r':ref:`\1 <\2>`'),
]


def rst(text):
    text = '%s' % (text,)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def constants(path):
    """DOCUMENTATION and EXAMPLES of a source file, read without importing it."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ('DOCUMENTATION', 'EXAMPLES') and isinstance(node.value, ast.Constant):
                found[node.targets[0].id] = node.value.value
    return yaml.safe_load(found['DOCUMENTATION']), found.get('EXAMPLES', '')


def paragraphs(value):
    return [value] if isinstance(value, str) else list(value or [])


def option_rows(options):
    """The options as a list-table's rows: name, type and default or choices, description."""
    lines = ['.. list-table::', '  :header-rows: 1', '  :widths: 20 20 60', '', '  * - option', '    - type, default', '    - description']
    for name in sorted(options):
        spec = options[name]
        kind = spec.get('type', 'str') + (' of %s' % spec['elements'] if spec.get('elements') else '')
        facts = [kind] + (['default ``%s``' % (spec['default'],)] if 'default' in spec else [])
        facts += ['one of %s' % ', '.join('``%s``' % (c,) for c in spec['choices'])] if spec.get('choices') else []
        facts += ['required'] if spec.get('required') else []
        text = ' '.join(rst(p) for p in paragraphs(spec.get('description')))
        lines += ['  * - ``%s``' % name, '    - %s' % '; '.join(facts), '    - %s' % text]
    return lines


def source_section(name, doc, examples):
    title = 'ncloud.wbd.%s: %s' % (name, rst(doc.get('short_description', '')))
    lines = [title, '-' * len(title), '']
    for paragraph in paragraphs(doc.get('description')):
        lines += [rst(paragraph), '']
    lines += ['Options', '~~~~~~~', ''] + option_rows(doc.get('options') or {}) + ['']
    if examples.strip():
        body = ['    ' + line if line.strip() else '' for line in examples.strip('\n').splitlines()]
        lines += ['Examples', '~~~~~~~~', '', '.. code-block:: yaml', ''] + body + ['']
    return lines


def page():
    names = sorted(f[:-3] for f in os.listdir(SOURCES) if f.endswith('.py') and not f.startswith('_'))
    lines = [
        '.. Written by tools/eda_source_docs.py from the sources\' DOCUMENTATION and EXAMPLES; do not edit by hand.',
        '',
        '.. _%s:' % LABEL,
        '',
        'Event sources',
        '=============',
        '',
        'The Event-Driven Ansible event sources of the collection, as ``ansible-rulebook`` and Automation Hub read their',
        'documentation. How to use them: :ref:`ansible_collections.ncloud.wbd.docsite.guide_eda`.',
        '',
        '.. contents::',
        '  :local:',
        '  :depth: 1',
        '',
    ]
    for name in names:
        doc, examples = constants(os.path.join(SOURCES, name + '.py'))
        lines += source_section(name, doc, examples)
    return '\n'.join(line.rstrip() for line in lines).rstrip('\n') + '\n'


def main(argv):
    text = page()
    if argv[1:] == ['--check']:
        with open(PAGE, encoding='utf-8') as handle:
            current = handle.read()
        if current != text:
            print('%s is not what tools/eda_source_docs.py writes from the sources: run it again' % PAGE)
            return 1
        return 0
    with open(PAGE, 'w', encoding='utf-8') as handle:
        handle.write(text)
    print('wrote %s' % PAGE)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
