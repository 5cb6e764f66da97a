# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Steps and checks of the wbd_execution_environment target (see runme.sh).

python ee_check.py definition EXAMPLE TARBALL OUT
    Write OUT: the example definition EXAMPLE (docs/awx/execution-environment.yml) installing TARBALL instead of
    the collection from Galaxy, through additional_build_files, as the example's comments say.
python ee_check.py context CONTEXT TARBALL LOCAL_REQUIREMENTS
    Check the build context ansible-builder created: the galaxy stage copies _build to the path the requirements
    name and installs from them, the builder stage introspects the installed collections and assembles their
    requirements, the final stage installs them; the requirements name a tarball in the context identical to
    TARBALL. Writes LOCAL_REQUIREMENTS: the same requirements with the in-image path mapped to CONTEXT, to run
    the galaxy stage's install outside a container.
python ee_check.py introspect COLLECTION BUILD_OUTPUT PIP_FILE BINDEP_FILE CLI_OUTPUT
    Check what the builder stage's introspection (BUILD_OUTPUT, with the files it wrote, PIP_FILE and
    BINDEP_FILE) and `ansible-builder introspect --sanitize` (CLI_OUTPUT) found in the installed collection
    COLLECTION: exactly the requirements of its requirements.txt and bindep.txt (the files its
    meta/execution-environment.yml names), among them requests.
"""

import filecmp
import os
import re
import sys

import yaml

NAME = 'ncloud.wbd'


def fail(message):
    sys.stderr.write('FAIL: %s\n' % message)
    sys.exit(1)


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def dump(data, path):
    with open(path, 'w') as handle:
        yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False)


def definition(example, tarball, out):
    ee = load(example)
    if ee.get('version') != 3:
        fail('%s is not an ansible-builder 3 definition' % example)
    names = [c.get('name') for c in ee['dependencies']['galaxy']['collections']]
    if NAME not in names:
        fail('%s does not install %s: %s' % (example, NAME, names))
    name = os.path.basename(tarball)
    ee['dependencies']['galaxy'] = {'collections': [{'name': '/build/collections/%s' % name, 'type': 'file'}]}
    ee['additional_build_files'] = [{'src': tarball, 'dest': 'collections'}]
    dump(ee, out)
    print('ok   %s: the example definition (base %s) installing %s' % (out, ee['images']['base_image']['name'], name))


def stage(containerfile, name):
    """The lines of one build stage of the Containerfile."""
    lines, current = [], None
    for line in containerfile.splitlines():
        match = re.match(r'FROM \S+ AS (\w+)', line)
        if match:
            current = match.group(1)
        elif current == name:
            lines.append(line.strip())
    if not lines:
        fail('the Containerfile has no stage %s' % name)
    return lines


def expect(lines, pattern, what):
    if not any(re.search(pattern, line) for line in lines):
        fail('the Containerfile does not %s (no line matching %r)' % (what, pattern))


def context(ctx, tarball, local_requirements):
    with open(os.path.join(ctx, 'Containerfile')) as handle:
        containerfile = handle.read()
    galaxy = stage(containerfile, 'galaxy')
    expect(galaxy, r'^COPY _build /build$', 'copy _build to /build in the galaxy stage')
    expect(galaxy, r'^RUN .*ansible-galaxy collection install .*-r requirements\.yml', 'install the galaxy requirements')
    builder = stage(containerfile, 'builder')
    expect(builder, r'^COPY --from=galaxy /usr/share/ansible /usr/share/ansible$', 'give the builder the installed collections')
    expect(
        builder,
        r'^RUN .*introspect\.py introspect .*--write-bindep=/tmp/src/bindep\.txt --write-pip=/tmp/src/requirements\.txt',
        'introspect the installed collections',
    )
    expect(builder, r'^RUN /output/scripts/assemble$', 'assemble the introspected requirements')
    final = stage(containerfile, 'final')
    expect(final, r'^COPY --from=builder /output/ /output/$', 'take the assembled requirements into the final image')
    expect(final, r'^RUN /output/scripts/install-from-bindep', 'install the requirements in the final image')
    build_dir = os.path.join(ctx, '_build')
    requirements = load(os.path.join(build_dir, 'requirements.yml'))
    entries = requirements['collections']
    if len(entries) != 1 or entries[0].get('type') != 'file' or not entries[0]['name'].startswith('/build/'):
        fail('the context requirements are not the one tarball under /build: %s' % entries)
    in_context = os.path.join(build_dir, entries[0]['name'][len('/build/') :])
    if not os.path.isfile(in_context) or not filecmp.cmp(in_context, tarball, shallow=False):
        fail('%s (%s in the image) is not the built tarball' % (in_context, entries[0]['name']))
    for script in ('introspect.py', 'assemble', 'install-from-bindep'):
        if not os.path.isfile(os.path.join(build_dir, 'scripts', script)):
            fail('the context has no _build/scripts/%s' % script)
    dump({'collections': [dict(entries[0], name=os.path.abspath(in_context))]}, local_requirements)
    print('ok   context: the tarball is in _build; galaxy installs it, builder introspects and assembles, final installs')


def introspected(output):
    """The YAML document that introspection prints after '---'."""
    with open(output) as handle:
        text = handle.read()
    if '\n---\n' not in '\n' + text:
        fail('%s holds no introspection result:\n%s' % (output, text))
    try:
        return yaml.safe_load(text[text.index('---') :]) or {}
    except yaml.YAMLError as exc:
        fail('%s: the introspection result is not YAML (%s):\n%s' % (output, exc, text))


def requirement_lines(path):
    """The requirements of a pip or bindep file, without comments (introspection drops them the same way)."""
    with open(path) as handle:
        lines = [re.sub(r'(?:^|\s+)#.*$', '', line.strip()) for line in handle]
    return [line for line in lines if line]


def introspect(collection, build_output, pip_file, bindep_file, cli_output):
    meta = load(os.path.join(collection, 'meta', 'execution-environment.yml'))
    files = meta['dependencies']
    want = {
        'python': ['%s  # from collection %s' % (line, NAME) for line in requirement_lines(os.path.join(collection, files['python']))],
        'system': ['%s  # from collection %s' % (line, NAME) for line in requirement_lines(os.path.join(collection, files['system']))],
    }
    if not any(re.match(r'requests\b', line) for line in want['python']):
        fail('the collection requirements (%s) do not name requests: %s' % (files['python'], want['python']))
    if not want['system']:
        fail('the collection bindep file %s names nothing' % files['system'])
    for label, output in (('the builder stage introspection', build_output), ('ansible-builder introspect --sanitize', cli_output)):
        found = introspected(output)
        got = dict((key, found.get(key) or []) for key in want)
        if got != want:
            fail('%s found %s, the collection declares %s' % (label, got, want))
    for path, key in ((pip_file, 'python'), (bindep_file, 'system')):
        with open(path) as handle:
            written = [line.strip() for line in handle if line.strip()]
        if written != want[key]:
            fail('%s holds %s, not %s' % (path, written, want[key]))
    print(
        'ok   introspection (build step and CLI) found exactly the collection\'s requirements: %s; system: %s'
        % ('; '.join(line.split('  #')[0] for line in want['python']), '; '.join(line.split('  #')[0] for line in want['system']))
    )


def main(argv):
    commands = {'definition': (definition, 3), 'context': (context, 3), 'introspect': (introspect, 5)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    commands[argv[1]][0](*argv[2:])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
