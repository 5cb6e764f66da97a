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

from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, clean_text

DEFAULT_CREDENTIALS_FILE = '~/.ncloud/configure'
ACCESS_KEY_ENV = ('NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID')
SECRET_KEY_ENV = ('NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY')
ENV_NAMES = {'access_key': ACCESS_KEY_ENV, 'secret_key': SECRET_KEY_ENV}
FILE_KEYS = {'access_key': 'ncloud_access_key_id', 'secret_key': 'ncloud_secret_access_key'}
DEFAULT_SECTION = 'default'
MAX_FILE_BYTES = 65536
# An access key is not a secret, but a message shows no more of it than needed to tell two keys apart.
SHOWN_KEY_CHARS = 4
MIN_KEY_LEN_SHOWN = 12


class FileKeys(dict):
    """The keys read from the credentials file; ``section`` says which part of the file they came from."""

    def __init__(self, items=(), section=None):
        super(FileKeys, self).__init__(items)
        self.section = section


class CredentialSources(dict):
    """{key name: where it came from}, as resolve_credentials has always returned it, plus ``description``:
    one line for an authentication error that names the place the access key came from, never the secret."""

    description = None


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
    return _pick_section(sections, profile, path)[1]


def _pick_section(sections, profile, path):
    """(where in the file, keys): pick_profile's choice, with words that say which part of the file it read."""
    named = dict((name, keys) for name, keys in sections.items() if name is not None)
    if profile:
        if profile in named:
            return 'profile [%s]' % clean_text(profile, 40), named[profile]
        folded = [name for name in named if name.lower() == profile.lower()]
        if len(folded) == 1:
            return 'profile [%s]' % clean_text(folded[0], 40), named[folded[0]]
        raise WbdConfigError('Profile "%s" is not in the credentials file %s%s.' % (clean_text(profile, 60), path, _section_hint(named)))
    keys = dict(sections[None])
    for name, values in named.items():
        if name.lower() == DEFAULT_SECTION:
            keys.update(values)
    others = [name for name in named if name.lower() != DEFAULT_SECTION]
    if not keys and len(named) == 1:
        only = list(named)[0]
        return 'profile [%s], its only section' % clean_text(only, 40), dict(named[only])
    if not keys and others:
        raise WbdConfigError('The credentials file %s has no keys outside a profile or in [DEFAULT]; set the profile option%s.' % (path, _section_hint(named)))
    return 'no profile (the keys outside any section or in [DEFAULT])', keys


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
        raise WbdConfigError(
            'Cannot read the credentials file %s: %s. Set credentials_file to the file that holds '
            'the keys, or give the keys as options or environment variables.' % (path, clean_text(exc.strerror or exc, 80))
        )
    if not stat.S_ISREG(info.st_mode):
        raise WbdConfigError('The credentials file %s is not a regular file.' % path)
    if info.st_mode & 0o077:
        raise WbdConfigError(
            'The credentials file %s is accessible by group or others (mode %04o) although it holds a '
            'secret key; run "chmod 600 %s".' % (path, stat.S_IMODE(info.st_mode), path)
        )
    try:
        with open(path, 'rb') as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise WbdConfigError('Cannot read the credentials file %s: %s.' % (path, clean_text(exc.strerror or exc, 80)))
    if len(raw) > MAX_FILE_BYTES:
        raise WbdConfigError('The credentials file %s is larger than %d bytes; it is not an NCP credentials file.' % (path, MAX_FILE_BYTES))
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise WbdConfigError('The credentials file %s is not UTF-8 text.' % path)
    section, keys = _pick_section(parse_configure(text), profile, path)
    return FileKeys(((ours, keys[theirs]) for ours, theirs in FILE_KEYS.items() if keys.get(theirs)), section=section)


def _first_env(environ, names):
    for name in names:
        if environ.get(name):
            return environ[name], 'environment variable %s' % name
    return None, None


def key_hint(access_key):
    """A recognisable but partial view of an access key: its first characters and its length."""
    access_key = '%s' % (access_key or '')
    if len(access_key) < MIN_KEY_LEN_SHOWN:
        return '%d characters' % len(access_key)
    return '%s..., %d characters' % (clean_text(access_key[:SHOWN_KEY_CHARS], SHOWN_KEY_CHARS), len(access_key))


def describe_sources(access_key, sources):
    """One line saying where the access key (partially shown) and the secret key came from; never the secret."""
    where_ak, where_sk = sources.get('access_key'), sources.get('secret_key')
    text = 'the access key (%s) came from %s' % (key_hint(access_key), where_ak or 'an unknown place')
    if where_sk == where_ak:
        return text + ', the secret key too'
    return '%s, the secret key from %s' % (text, where_sk or 'an unknown place')


def credential_source(params, environ, read_file=None):
    """describe_sources for the keys resolve_credentials would pick; a caller that has resolved them already should
    read ``sources.description`` instead of reading the environment and the file again."""
    dummy, dummy, sources, dummy = resolve_credentials(params, environ, read_file or read_credentials_file)
    return sources.description


def _file_source(path, from_file, profile):
    section = getattr(from_file, 'section', None) or ('profile [%s]' % clean_text(profile, 40) if profile else None)
    return 'credentials file %s' % path + (', %s' % section if section else '')


def resolve_credentials(params, environ, read_file=read_credentials_file):
    """(access_key, secret_key, sources, notes): each key from the first of option, environment, file.

    ``sources`` names where each key came from (and, as ``sources.description``, says it in one line for an
    authentication error); ``notes`` are warnings for the user.
    """
    found = {}
    sources = CredentialSources()
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
            notes.append(
                'The credentials file %s%s was not read: access_key and secret_key come from %s and %s, which '
                'take precedence over the file.'
                % (path, ' (profile %s)' % clean_text(profile, 40) if profile else '', sources['access_key'], sources['secret_key'])
            )
        sources.description = describe_sources(found['access_key'], sources)
        return found['access_key'], found['secret_key'], sources, notes
    from_file = read_file(path, profile, explicit)
    file_source = {}
    for name in FILE_KEYS:
        if not found[name] and from_file.get(name):
            found[name], sources[name] = from_file[name], 'credentials file %s' % path
            file_source[name] = _file_source(path, from_file, profile)
    missing = [name for name in FILE_KEYS if not found[name]]
    if missing:
        raise WbdConfigError(
            'Missing WBD API credentials: set %s, or put %s in the credentials file %s%s.'
            % (
                ' and '.join('%s (or environment variable %s)' % (name, ' / '.join(ENV_NAMES[name])) for name in missing),
                ' and '.join(FILE_KEYS[name] for name in missing),
                path,
                ' under [%s]' % clean_text(profile, 40) if profile else '',
            )
        )
    sources.description = describe_sources(found['access_key'], dict(sources, **file_source))
    return found['access_key'], found['secret_key'], sources, notes
