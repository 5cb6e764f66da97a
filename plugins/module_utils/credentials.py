# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the API keys come from: module option, then environment variable, then the NCP credential file.

The credential file is the one the ncloud CLI and the official SDKs read
(``~/.ncloud/configure``): ``name = value`` lines with the keys
``ncloud_access_key_id`` and ``ncloud_secret_access_key``, optionally in
``[profile]`` sections. It holds a secret, so error messages name the file, the
profile and the missing key, never a line of it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat

from ansible_collections.ncloud.wbd.plugins.module_utils.errors import WbdConfigError, clean_text

DEFAULT_CREDENTIALS_FILE = '~/.ncloud/configure'
ACCESS_KEY_ENV = ('NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID')
SECRET_KEY_ENV = ('NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY')
ENV_NAMES = {'access_key': ACCESS_KEY_ENV, 'secret_key': SECRET_KEY_ENV}
FILE_KEYS = {'access_key': 'ncloud_access_key_id', 'secret_key': 'ncloud_secret_access_key'}
DEFAULT_SECTION = 'default'
MAX_FILE_BYTES = 65536


def parse_configure(text):
    """{section: {key: value}}; lines before any section header belong to section None.

    Like the official SDK parsers: split on the first ``=``, trim, skip what is not a
    ``name = value`` line. Comments start with ``#`` or ``;``.
    """
    sections = {None: {}}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in '#;':
            continue
        if line.startswith('[') and line.endswith(']'):
            current = line[1:-1].strip()
            sections.setdefault(current, {})
            continue
        name, sep, value = line.partition('=')
        if sep:
            sections[current][name.strip().lower()] = value.strip()
    return sections


def pick_profile(sections, profile, path):
    """The keys of ``profile``; without one, the top-level and [DEFAULT] keys, or the file's only section.

    Profile names match exactly, or else case-insensitively when that is unambiguous ([DEFAULT] vs default).
    """
    named = dict((name, keys) for name, keys in sections.items() if name is not None)
    if profile:
        if profile in named:
            return named[profile]
        folded = [keys for name, keys in named.items() if name.lower() == profile.lower()]
        if len(folded) == 1:
            return folded[0]
        raise WbdConfigError('Profile "%s" is not in the credentials file %s%s.'
                             % (clean_text(profile, 60), path, _section_hint(named)))
    keys = dict(sections[None])
    for name, values in named.items():
        if name.lower() == DEFAULT_SECTION:
            keys.update(values)
    others = [name for name in named if name.lower() != DEFAULT_SECTION]
    if not keys and len(named) == 1:
        keys = dict(list(named.values())[0])
    elif not keys and others:
        raise WbdConfigError('The credentials file %s has no keys outside a profile or in [DEFAULT]; set the profile '
                             'option%s.' % (path, _section_hint(named)))
    return keys


def _section_hint(named):
    if not named:
        return ' (it has no [profile] sections)'
    return ' (its profiles: %s)' % ', '.join(sorted(clean_text(n, 40) for n in named))


def read_credentials_file(path, profile=None, required=False):
    """The file's keys as {access_key, secret_key} (either may be missing).

    A file that does not exist yields {} unless ``required`` (the user named the
    file or a profile). One that is readable by group or others is refused, as ssh
    refuses a private key: it holds a secret key.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if not required and not os.path.lexists(path):
            return {}
        raise WbdConfigError('Cannot read the credentials file %s: %s. Set credentials_file to the file that holds '
                             'the keys, or give the keys as options or environment variables.'
                             % (path, clean_text(exc.strerror or exc, 80)))
    if not stat.S_ISREG(info.st_mode):
        raise WbdConfigError('The credentials file %s is not a regular file.' % path)
    if info.st_mode & 0o077:
        raise WbdConfigError('The credentials file %s is accessible by group or others (mode %04o) although it holds a '
                             'secret key; run "chmod 600 %s".' % (path, stat.S_IMODE(info.st_mode), path))
    try:
        with open(path, 'rb') as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise WbdConfigError('Cannot read the credentials file %s: %s.' % (path, clean_text(exc.strerror or exc, 80)))
    if len(raw) > MAX_FILE_BYTES:
        raise WbdConfigError('The credentials file %s is larger than %d bytes; it is not an NCP credentials file.'
                             % (path, MAX_FILE_BYTES))
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise WbdConfigError('The credentials file %s is not UTF-8 text.' % path)
    keys = pick_profile(parse_configure(text), profile, path)
    return dict((ours, keys[theirs]) for ours, theirs in FILE_KEYS.items() if keys.get(theirs))


def _first_env(environ, names):
    for name in names:
        if environ.get(name):
            return environ[name], 'environment variable %s' % name
    return None, None


def resolve_credentials(params, environ, read_file=read_credentials_file):
    """(access_key, secret_key, sources, notes): each key from the first of option, environment, file.

    ``sources`` names where each key came from; ``notes`` are warnings for the user.
    """
    found = {}
    sources = {}
    notes = []
    for name, env_names in ENV_NAMES.items():
        if params.get(name):
            found[name], sources[name] = params[name], 'option %s' % name
        else:
            found[name], sources[name] = _first_env(environ, env_names)
    path = os.path.expanduser(params.get('credentials_file') or DEFAULT_CREDENTIALS_FILE)
    profile = params.get('profile')
    explicit = bool(params.get('credentials_file') or profile)
    if found['access_key'] and found['secret_key']:
        if explicit:
            notes.append('The credentials file %s%s was not read: access_key and secret_key come from %s and %s, which '
                         'take precedence over the file.' % (path, ' (profile %s)' % clean_text(profile, 40) if profile else '',
                                                             sources['access_key'], sources['secret_key']))
        return found['access_key'], found['secret_key'], sources, notes
    from_file = read_file(path, profile, explicit)
    for name in FILE_KEYS:
        if not found[name] and from_file.get(name):
            found[name], sources[name] = from_file[name], 'credentials file %s' % path
    missing = [name for name in FILE_KEYS if not found[name]]
    if missing:
        raise WbdConfigError('Missing WBD API credentials: set %s, or put %s in the credentials file %s%s.' % (
            ' and '.join('%s (or environment variable %s)' % (name, ' / '.join(ENV_NAMES[name])) for name in missing),
            ' and '.join(FILE_KEYS[name] for name in missing), path,
            ' under [%s]' % clean_text(profile, 40) if profile else ''))
    return found['access_key'], found['secret_key'], sources, notes
