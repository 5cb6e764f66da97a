# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the API keys come from: parsing of ~/.ncloud/configure, profiles, the file checks, the
precedence option > environment > file per key, and no secret in any error message."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import credentials as cred
from ansible_collections.ncloud.wbd.plugins.module_utils._api.credentials import (
    parse_configure,
    pick_profile,
    read_credentials_file,
    resolve_credentials,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError

FILE_SECRET = 'FILE-SECRET-q8Zr2LmX0vT7'  # recognisable: must never appear in an error message
OTHER_SECRET = 'OTHER-PROFILE-SECRET-3kd92'
GOOD = '[DEFAULT]\nncloud_access_key_id = FILEAK\nncloud_secret_access_key = %s\n' % FILE_SECRET


def write(directory, text, mode=0o600, name='configure'):
    path = directory / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode('utf-8'))
    os.chmod(str(path), mode)  # explicit, whatever the umask
    return str(path)


def config_error(func, *args):
    with pytest.raises(WbdConfigError) as info:
        func(*args)
    message = str(info.value)
    assert info.value.kind == 'configuration'
    assert '\n' not in message
    assert FILE_SECRET not in message and OTHER_SECRET not in message
    return message


# ---- parse_configure ------------------------------------------------------------------------------


def test_parse_skips_comments_blank_lines_and_non_assignments():
    text = '\n'.join(
        [
            '# a comment = not a key',
            '; another = comment',
            '',
            '   ',
            '   # indented comment',
            'just some words',
            'ncloud_access_key_id=AK1',
        ]
    )
    assert parse_configure(text) == {None: {'ncloud_access_key_id': 'AK1'}}


def test_parse_trims_spaces_around_names_and_values():
    text = '  ncloud_access_key_id   =   AK1  \n\tncloud_secret_access_key\t=\tSK1\t\n'
    assert parse_configure(text)[None] == {'ncloud_access_key_id': 'AK1', 'ncloud_secret_access_key': 'SK1'}


def test_parse_splits_on_the_first_equals_only():
    text = 'ncloud_secret_access_key = abc==def=\nncloud_access_key_id==lead\n'
    assert parse_configure(text)[None] == {'ncloud_secret_access_key': 'abc==def=', 'ncloud_access_key_id': '=lead'}


def test_parse_lowercases_key_names_not_values():
    text = 'NCLOUD_ACCESS_KEY_ID = MiXeD\nNcloud_Secret_Access_Key = CaSe\n'
    assert parse_configure(text)[None] == {'ncloud_access_key_id': 'MiXeD', 'ncloud_secret_access_key': 'CaSe'}


def test_parse_sections_and_top_level():
    text = 'ncloud_access_key_id = TOP\n[DEFAULT]\nncloud_access_key_id = DEF\n[ prod ]\nncloud_access_key_id = PROD\nncloud_secret_access_key = PSK\n[empty]\n'
    assert parse_configure(text) == {
        None: {'ncloud_access_key_id': 'TOP'},
        'DEFAULT': {'ncloud_access_key_id': 'DEF'},
        'prod': {'ncloud_access_key_id': 'PROD', 'ncloud_secret_access_key': 'PSK'},
        'empty': {},
    }


def test_parse_last_value_wins_within_a_section():
    text = '[prod]\nncloud_access_key_id = OLD\nncloud_access_key_id = NEW\n[other]\nncloud_access_key_id = OTHER\n[prod]\nncloud_secret_access_key = SK\n'
    sections = parse_configure(text)
    assert sections['prod'] == {'ncloud_access_key_id': 'NEW', 'ncloud_secret_access_key': 'SK'}
    assert sections['other'] == {'ncloud_access_key_id': 'OTHER'}


def test_parse_empty_text():
    assert parse_configure('') == {None: {}}


# ---- pick_profile ---------------------------------------------------------------------------------

SECTIONS = {
    None: {},
    'DEFAULT': {'ncloud_access_key_id': 'DEF'},
    'prod': {'ncloud_access_key_id': 'PROD'},
    'staging': {'ncloud_access_key_id': 'STG'},
}


def test_pick_named_profile():
    assert pick_profile(SECTIONS, 'prod', '/f') == {'ncloud_access_key_id': 'PROD'}
    assert pick_profile(SECTIONS, 'DEFAULT', '/f') == {'ncloud_access_key_id': 'DEF'}


def test_unknown_profile_names_the_file_and_lists_the_profiles():
    message = config_error(pick_profile, SECTIONS, 'production', '/home/u/.ncloud/configure')
    assert message == ('Profile "production" is not in the credentials file /home/u/.ncloud/configure (its profiles: DEFAULT, prod, staging).')


def test_profile_in_a_file_without_sections():
    message = config_error(pick_profile, {None: {'ncloud_access_key_id': 'AK'}}, 'prod', '/f')
    assert 'Profile "prod" is not in the credentials file /f' in message and 'has no [profile] sections' in message


def test_no_profile_merges_top_level_and_default_in_any_case():
    for name in ('DEFAULT', 'default', 'Default'):
        sections = {None: {'ncloud_access_key_id': 'TOP'}, name: {'ncloud_secret_access_key': 'SK'}, 'prod': {'ncloud_access_key_id': 'PROD'}}
        assert pick_profile(sections, None, '/f') == {'ncloud_access_key_id': 'TOP', 'ncloud_secret_access_key': 'SK'}


def test_no_profile_top_level_only():
    assert pick_profile({None: {'ncloud_access_key_id': 'TOP'}}, None, '/f') == {'ncloud_access_key_id': 'TOP'}


def test_no_profile_uses_the_only_section():
    assert pick_profile({None: {}, 'work': {'ncloud_access_key_id': 'W'}}, None, '/f') == {'ncloud_access_key_id': 'W'}


def test_no_profile_and_several_sections_without_default_is_an_error_listing_them():
    sections = {None: {}, 'b': {'ncloud_access_key_id': 'B'}, 'a': {'ncloud_access_key_id': 'A'}}
    message = config_error(pick_profile, sections, None, '/f')
    assert message == ('The credentials file /f has no keys outside a profile or in [DEFAULT]; set the profile option (its profiles: a, b).')


def test_empty_default_and_one_other_profile_asks_for_the_profile():
    sections = {None: {}, 'DEFAULT': {}, 'prod': {'ncloud_access_key_id': 'P'}}
    message = config_error(pick_profile, sections, None, '/f')
    assert 'no keys outside a profile or in [DEFAULT]' in message and '(its profiles: DEFAULT, prod)' in message


def test_profile_names_match_case_insensitively_when_unambiguous():
    assert pick_profile(SECTIONS, 'default', '/f') == {'ncloud_access_key_id': 'DEF'}
    assert pick_profile(SECTIONS, 'PROD', '/f') == {'ncloud_access_key_id': 'PROD'}
    both = {None: {}, 'Prod': {'ncloud_access_key_id': 'A'}, 'prod': {'ncloud_access_key_id': 'B'}}
    assert pick_profile(both, 'prod', '/f') == {'ncloud_access_key_id': 'B'}
    assert 'is not in the credentials file' in config_error(pick_profile, both, 'PROD', '/f')


def test_empty_file_gives_no_keys():
    assert pick_profile({None: {}}, None, '/f') == {}


# ---- read_credentials_file: the file checks -------------------------------------------------------


def test_good_file(tmp_path):
    path = write(tmp_path, GOOD)
    assert read_credentials_file(path) == {'access_key': 'FILEAK', 'secret_key': FILE_SECRET}
    assert read_credentials_file(path, None, True) == {'access_key': 'FILEAK', 'secret_key': FILE_SECRET}


@pytest.mark.parametrize('mode', [0o600, 0o400, 0o700, 0o500])
def test_owner_only_modes_are_accepted(tmp_path, mode):
    assert read_credentials_file(write(tmp_path, GOOD, mode))['secret_key'] == FILE_SECRET


@pytest.mark.parametrize('mode', [0o640, 0o604, 0o644, 0o660, 0o606, 0o610, 0o601, 0o666, 0o777, 0o440])
def test_group_or_other_access_is_refused_with_the_chmod_hint(tmp_path, mode):
    path = write(tmp_path, GOOD, mode)
    for required in (False, True):
        message = config_error(read_credentials_file, path, None, required)
        assert 'The credentials file %s is accessible by group or others (mode %04o)' % (path, mode) in message
        assert 'chmod 600 %s' % path in message


def test_a_directory_is_refused(tmp_path):
    directory = tmp_path / 'configure'
    directory.mkdir()
    os.chmod(str(directory), 0o700)
    for required in (False, True):
        message = config_error(read_credentials_file, str(directory), None, required)
        assert message == 'The credentials file %s is not a regular file.' % directory


def test_missing_file_is_empty_unless_required(tmp_path):
    path = str(tmp_path / 'nowhere' / 'configure')
    assert read_credentials_file(path) == {}
    assert read_credentials_file(path, 'prod', False) == {}
    message = config_error(read_credentials_file, path, None, True)
    assert message.startswith('Cannot read the credentials file %s: ' % path)
    assert 'No such file or directory' in message and 'credentials_file' in message


def test_dangling_symlink_is_an_error_even_when_not_required(tmp_path):
    link = tmp_path / 'configure'
    link.symlink_to(tmp_path / 'gone')
    message = config_error(read_credentials_file, str(link), None, False)
    assert message.startswith('Cannot read the credentials file %s: ' % link)


def test_symlink_to_a_private_file_is_followed(tmp_path):
    target = write(tmp_path, GOOD, name='real')
    link = tmp_path / 'configure'
    link.symlink_to(target)
    assert read_credentials_file(str(link))['secret_key'] == FILE_SECRET


def test_too_big_is_refused_and_the_limit_itself_is_fine(tmp_path):
    limit = 64 * 1024
    padded = GOOD + '#' * (limit - len(GOOD) - 1) + '\n'
    assert len(padded.encode('utf-8')) == limit
    assert read_credentials_file(write(tmp_path, padded))['secret_key'] == FILE_SECRET
    path = write(tmp_path, padded + '\n', name='big')
    message = config_error(read_credentials_file, path, None, False)
    assert message == ('The credentials file %s is larger than 65536 bytes; it is not an NCP credentials file.' % path)


def test_non_utf8_is_refused(tmp_path):
    raw = b'ncloud_access_key_id = AK\nncloud_secret_access_key = ' + FILE_SECRET.encode() + b'\xff\xfe\n'
    path = write(tmp_path, raw)
    assert config_error(read_credentials_file, path, None, False) == 'The credentials file %s is not UTF-8 text.' % path


def test_utf8_bom_and_crlf_are_fine(tmp_path):
    path = write(tmp_path, b'\xef\xbb\xbf[DEFAULT]\r\nncloud_access_key_id = AK\r\nncloud_secret_access_key = SK\r\n')
    assert read_credentials_file(path) == {'access_key': 'AK', 'secret_key': 'SK'}


def test_unreadable_file_says_why(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)

    def refuse(name, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)

    monkeypatch.setattr(cred, 'open', refuse, raising=False)  # the tests may run as root, who reads anything
    message = config_error(read_credentials_file, path, None, False)
    assert message == 'Cannot read the credentials file %s: Permission denied.' % path


def test_io_error_while_reading_says_why(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)

    class Broken(object):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size):
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(cred, 'open', lambda *args, **kwargs: Broken(), raising=False)
    message = config_error(read_credentials_file, path, None, False)
    assert message.startswith('Cannot read the credentials file %s: ' % path) and os.strerror(errno.EIO) in message


def test_profile_selection_through_the_file(tmp_path):
    path = write(tmp_path, GOOD + '[prod]\nncloud_access_key_id = PROD\nncloud_secret_access_key = %s\n' % OTHER_SECRET)
    assert read_credentials_file(path, 'prod', True) == {'access_key': 'PROD', 'secret_key': OTHER_SECRET}
    assert read_credentials_file(path, None, False) == {'access_key': 'FILEAK', 'secret_key': FILE_SECRET}
    message = config_error(read_credentials_file, path, 'dev', True)
    assert message == 'Profile "dev" is not in the credentials file %s (its profiles: DEFAULT, prod).' % path


def test_empty_values_and_unrelated_keys_are_not_keys(tmp_path):
    path = write(tmp_path, 'ncloud_access_key_id =\nncloud_secret_access_key = SK\nncloud_api_url = https://x\n')
    assert read_credentials_file(path) == {'secret_key': 'SK'}


# ---- no secret in any error message ---------------------------------------------------------------


def secret_file_variants(tmp_path):
    """(path, profile, required) of files holding FILE_SECRET that every fail somehow."""
    body = GOOD + '[other]\nncloud_secret_access_key = %s\n' % OTHER_SECRET
    return [
        (write(tmp_path, body, 0o644, 'world-readable'), None, False),
        (write(tmp_path, body, 0o640, 'group-readable'), 'other', True),
        (write(tmp_path, body + '#' * 70000, 0o600, 'too-big'), None, False),
        (write(tmp_path, body.encode() + b'\x80', 0o600, 'latin1'), None, False),
        (write(tmp_path, body, 0o600, 'no-such-profile'), 'missing', True),
        (write(tmp_path, body.replace('[DEFAULT]', '[first]'), 0o600, 'no-default'), None, False),
    ]


def test_file_errors_never_show_the_secret(tmp_path):
    for path, profile, required in secret_file_variants(tmp_path):
        config_error(read_credentials_file, path, profile, required)  # asserts the secrets are absent


def test_resolve_errors_never_show_the_secret(tmp_path):
    for path, profile, dummy in secret_file_variants(tmp_path):
        config_error(resolve_credentials, {'credentials_file': path, 'profile': profile}, {})
    # keys misspelt, a line without "=", the secret only under another profile: "missing", never the value
    misspelt = write(tmp_path, 'ncloud_access_key_id = AK\nncloud_secret_key = %s\nncloud_secret_access_key %s\n' % (FILE_SECRET, FILE_SECRET), name='misspelt')
    message = config_error(resolve_credentials, {'credentials_file': misspelt}, {})
    assert 'Missing WBD API credentials' in message and 'ncloud_secret_access_key' in message
    split = write(tmp_path, '[prod]\nncloud_access_key_id = AK\n[other]\nncloud_secret_access_key = %s\n' % OTHER_SECRET, name='split')
    message = config_error(resolve_credentials, {'credentials_file': split, 'profile': 'prod'}, {})
    assert 'under [prod]' in message


# ---- resolve_credentials: precedence per key ------------------------------------------------------


class FakeFile(object):
    """Stands in for read_credentials_file and records how it was called."""

    def __init__(self, keys=None):
        self.keys = keys if keys is not None else {'access_key': 'FILE-AK', 'secret_key': 'FILE-SK'}
        self.calls = []

    def __call__(self, path, profile, required):
        self.calls.append((path, profile, required))
        return dict(self.keys)


OPT = {'access_key': 'OPT-AK', 'secret_key': 'OPT-SK'}
ENV_FIRST = {'NCLOUD_ACCESS_KEY': 'ENV1-AK', 'NCLOUD_SECRET_KEY': 'ENV1-SK'}
ENV_SECOND = {'NCLOUD_ACCESS_KEY_ID': 'ENV2-AK', 'NCLOUD_SECRET_ACCESS_KEY': 'ENV2-SK'}
FILE_SRC = 'credentials file %s'


@pytest.mark.parametrize(
    'params, environ, want_ak, want_sk, reads_file',
    [
        # both keys from one place
        (OPT, {}, ('OPT-AK', 'option access_key'), ('OPT-SK', 'option secret_key'), False),
        ({}, ENV_FIRST, ('ENV1-AK', 'environment variable NCLOUD_ACCESS_KEY'), ('ENV1-SK', 'environment variable NCLOUD_SECRET_KEY'), False),
        ({}, ENV_SECOND, ('ENV2-AK', 'environment variable NCLOUD_ACCESS_KEY_ID'), ('ENV2-SK', 'environment variable NCLOUD_SECRET_ACCESS_KEY'), False),
        ({}, {}, ('FILE-AK', FILE_SRC), ('FILE-SK', FILE_SRC), True),
        # option beats both environment variables and the file
        (OPT, dict(ENV_FIRST, **ENV_SECOND), ('OPT-AK', 'option access_key'), ('OPT-SK', 'option secret_key'), False),
        # the first environment variable beats the second
        (
            {},
            dict(ENV_FIRST, **ENV_SECOND),
            ('ENV1-AK', 'environment variable NCLOUD_ACCESS_KEY'),
            ('ENV1-SK', 'environment variable NCLOUD_SECRET_KEY'),
            False,
        ),
        # per key: each from its own best place
        (
            {'access_key': 'OPT-AK'},
            {'NCLOUD_SECRET_ACCESS_KEY': 'ENV2-SK', 'NCLOUD_ACCESS_KEY': 'ENV1-AK'},
            ('OPT-AK', 'option access_key'),
            ('ENV2-SK', 'environment variable NCLOUD_SECRET_ACCESS_KEY'),
            False,
        ),
        (
            {'secret_key': 'OPT-SK'},
            {'NCLOUD_ACCESS_KEY_ID': 'ENV2-AK'},
            ('ENV2-AK', 'environment variable NCLOUD_ACCESS_KEY_ID'),
            ('OPT-SK', 'option secret_key'),
            False,
        ),
        ({'access_key': 'OPT-AK'}, {}, ('OPT-AK', 'option access_key'), ('FILE-SK', FILE_SRC), True),
        ({}, {'NCLOUD_SECRET_KEY': 'ENV1-SK'}, ('FILE-AK', FILE_SRC), ('ENV1-SK', 'environment variable NCLOUD_SECRET_KEY'), True),
        # empty strings count as unset, in options and in the environment
        (
            {'access_key': '', 'secret_key': ''},
            {'NCLOUD_ACCESS_KEY': '', 'NCLOUD_ACCESS_KEY_ID': 'ENV2-AK', 'NCLOUD_SECRET_KEY': '', 'NCLOUD_SECRET_ACCESS_KEY': ''},
            ('ENV2-AK', 'environment variable NCLOUD_ACCESS_KEY_ID'),
            ('FILE-SK', FILE_SRC),
            True,
        ),
        ({'access_key': None, 'secret_key': None}, {}, ('FILE-AK', FILE_SRC), ('FILE-SK', FILE_SRC), True),
    ],
)
def test_precedence_per_key(monkeypatch, tmp_path, params, environ, want_ak, want_sk, reads_file):
    monkeypatch.setenv('HOME', str(tmp_path))
    default = str(tmp_path / '.ncloud' / 'configure')
    fake = FakeFile()
    access_key, secret_key, sources, notes = resolve_credentials(dict(params), dict(environ), fake)
    assert (access_key, sources['access_key'].replace(default, '%s')) == want_ak
    assert (secret_key, sources['secret_key'].replace(default, '%s')) == want_sk
    assert notes == []
    assert fake.calls == ([(default, None, False)] if reads_file else [])


def test_explicit_file_and_profile_make_the_file_required(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    fake = FakeFile()
    resolve_credentials({'credentials_file': '/etc/wbd/configure'}, {}, fake)
    resolve_credentials({'profile': 'prod'}, {}, fake)
    resolve_credentials({'credentials_file': '~/creds', 'profile': 'prod'}, {}, fake)
    resolve_credentials({'credentials_file': '', 'profile': ''}, {}, fake)  # empty counts as unset
    assert fake.calls[:3] == [
        ('/etc/wbd/configure', None, True),
        (str(tmp_path / '.ncloud' / 'configure'), 'prod', True),
        (str(tmp_path / 'creds'), 'prod', True),
    ]
    path, profile, required = fake.calls[3]
    assert (path, bool(profile), required) == (str(tmp_path / '.ncloud' / 'configure'), False, False)


@pytest.mark.parametrize(
    'params, environ, path_shown, sources_shown',
    [
        (dict(OPT, profile='prod'), {}, '~/.ncloud/configure (profile prod)', 'option access_key and option secret_key'),
        (
            dict(credentials_file='/etc/wbd/configure'),
            ENV_SECOND,
            '/etc/wbd/configure',
            'environment variable NCLOUD_ACCESS_KEY_ID and environment variable NCLOUD_SECRET_ACCESS_KEY',
        ),
        (
            dict(credentials_file='/etc/wbd/configure', profile='ci', secret_key='OPT-SK'),
            ENV_FIRST,
            '/etc/wbd/configure (profile ci)',
            'environment variable NCLOUD_ACCESS_KEY and option secret_key',
        ),
    ],
)
def test_note_when_the_named_file_or_profile_is_not_read(tmp_path, monkeypatch, params, environ, path_shown, sources_shown):
    monkeypatch.setenv('HOME', str(tmp_path))
    fake = FakeFile()
    dummy, dummy, dummy, notes = resolve_credentials(params, environ, fake)
    assert fake.calls == []
    assert len(notes) == 1
    expected_path = path_shown.replace('~', str(tmp_path))
    assert notes[0] == (
        'The credentials file %s was not read: access_key and secret_key come from %s, which take precedence over the file.' % (expected_path, sources_shown)
    )
    assert 'OPT-SK' not in notes[0] and 'ENV1-SK' not in notes[0] and 'ENV2-SK' not in notes[0]


def test_no_note_when_the_file_was_read_or_not_named():
    assert resolve_credentials({'profile': 'prod', 'access_key': 'OPT-AK'}, {}, FakeFile())[3] == []
    assert resolve_credentials(dict(OPT), {}, FakeFile())[3] == []


def test_missing_both_names_options_environment_and_file(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    message = config_error(resolve_credentials, {}, {}, FakeFile({}))
    assert message == (
        'Missing WBD API credentials: set access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID) '
        'and secret_key (or environment variable NCLOUD_SECRET_KEY / NCLOUD_SECRET_ACCESS_KEY), or put '
        'ncloud_access_key_id and ncloud_secret_access_key in the credentials file %s.' % (tmp_path / '.ncloud' / 'configure')
    )


def test_missing_one_names_only_that_one_and_the_profile():
    message = config_error(resolve_credentials, {'access_key': 'OPT-AK', 'credentials_file': '/c', 'profile': 'prod'}, {}, FakeFile({'access_key': 'FILE-AK'}))
    assert message == (
        'Missing WBD API credentials: set secret_key (or environment variable NCLOUD_SECRET_KEY / '
        'NCLOUD_SECRET_ACCESS_KEY), or put ncloud_secret_access_key in the credentials file /c under [prod].'
    )
    message = config_error(resolve_credentials, {}, {'NCLOUD_SECRET_KEY': 'ENV1-SK'}, FakeFile({'secret_key': 'x'}))
    assert (
        'set access_key (or environment variable NCLOUD_ACCESS_KEY / NCLOUD_ACCESS_KEY_ID), or put ncloud_access_key_id in' in message
        and 'secret_key' not in message
    )


def test_file_errors_pass_through_resolve(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    (tmp_path / '.ncloud').mkdir()
    default = write(tmp_path / '.ncloud', GOOD, 0o644)
    message = config_error(resolve_credentials, {}, {})
    assert 'chmod 600 %s' % default in message
    # with both keys elsewhere the insecure default file is not even looked at
    assert resolve_credentials({}, ENV_FIRST)[:2] == ('ENV1-AK', 'ENV1-SK')


def test_real_default_file_under_home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    (tmp_path / '.ncloud').mkdir()
    default = write(tmp_path / '.ncloud', GOOD + '[prod]\nncloud_access_key_id = PROD\nncloud_secret_access_key = PSK\n')
    access_key, secret_key, sources, notes = resolve_credentials({}, {})
    assert (access_key, secret_key) == ('FILEAK', FILE_SECRET)
    assert sources == {'access_key': 'credentials file %s' % default, 'secret_key': 'credentials file %s' % default}
    assert resolve_credentials({'profile': 'prod'}, {})[:2] == ('PROD', 'PSK')
    assert resolve_credentials({'profile': 'prod'}, {'NCLOUD_SECRET_KEY': 'ENV1-SK'})[:2] == ('PROD', 'ENV1-SK')


def test_no_file_at_all_is_the_missing_credentials_error(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    assert config_error(resolve_credentials, {}, {}).startswith('Missing WBD API credentials')
    message = config_error(resolve_credentials, {'profile': 'prod'}, {})
    assert message.startswith('Cannot read the credentials file %s' % (tmp_path / '.ncloud' / 'configure'))


# ---- where the keys came from, for an authentication error ----------------------------------------

LONG_AK = 'NCPAK0123456789ABCDEF'  # 21 characters


@pytest.mark.parametrize(
    'params, environ, description',
    [
        (
            {'access_key': LONG_AK, 'secret_key': 'OPT-SK'},
            {},
            'the access key (NCPA..., 21 characters) came from option access_key, the secret key from option secret_key',
        ),
        (
            {},
            {'NCLOUD_ACCESS_KEY': LONG_AK, 'NCLOUD_SECRET_KEY': 'ENV1-SK'},
            'the access key (NCPA..., 21 characters) came from environment variable NCLOUD_ACCESS_KEY, '
            'the secret key from environment variable NCLOUD_SECRET_KEY',
        ),
        (
            {},
            {'NCLOUD_ACCESS_KEY_ID': LONG_AK, 'NCLOUD_SECRET_KEY': 'ENV1-SK'},
            'the access key (NCPA..., 21 characters) came from environment variable NCLOUD_ACCESS_KEY_ID, '
            'the secret key from environment variable NCLOUD_SECRET_KEY',
        ),
        (
            {'secret_key': 'OPT-SK'},
            {'NCLOUD_ACCESS_KEY': 'SHORT-AK'},  # a short key is not shown at all, only its length
            'the access key (8 characters) came from environment variable NCLOUD_ACCESS_KEY, the secret key from option secret_key',
        ),
    ],
)
def test_description_names_option_or_environment_variable(params, environ, description):
    dummy, secret_key, sources, dummy = resolve_credentials(params, environ, FakeFile())
    assert sources.description == description
    assert secret_key not in sources.description and LONG_AK not in sources.description
    assert cred.credential_source(params, environ, FakeFile()) == description


@pytest.mark.parametrize(
    'text, profile, where',
    [
        (GOOD, None, 'no profile (the keys outside any section or in [DEFAULT])'),
        (
            'ncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' % (LONG_AK, FILE_SECRET),
            None,
            'no profile (the keys outside any section or in [DEFAULT])',
        ),
        ('[prod]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' % (LONG_AK, FILE_SECRET), None, 'profile [prod], its only section'),
        (GOOD + '[Prod]\nncloud_access_key_id = %s\nncloud_secret_access_key = %s\n' % (LONG_AK, OTHER_SECRET), 'prod', 'profile [Prod]'),
    ],
)
def test_description_names_the_file_and_its_profile(tmp_path, monkeypatch, text, profile, where):
    monkeypatch.setenv('HOME', str(tmp_path))
    path = write(tmp_path, text)
    access_key, secret_key, sources, dummy = resolve_credentials({'credentials_file': path, 'profile': profile}, {})
    assert sources == {'access_key': 'credentials file %s' % path, 'secret_key': 'credentials file %s' % path}  # unchanged
    assert sources.description == 'the access key (%s) came from credentials file %s, %s, the secret key too' % (cred.key_hint(access_key), path, where)
    for secret in (FILE_SECRET, OTHER_SECRET, secret_key):
        assert secret not in sources.description
    keys = read_credentials_file(path, profile)
    assert keys == {'access_key': access_key, 'secret_key': secret_key} and keys.section == where


def test_description_of_keys_from_two_places(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    path = write(tmp_path, GOOD)
    dummy, dummy, sources, dummy = resolve_credentials({'credentials_file': path}, {'NCLOUD_SECRET_ACCESS_KEY': 'ENV2-SK'})
    assert sources.description == (
        'the access key (6 characters) came from credentials file %s, no profile (the keys '
        'outside any section or in [DEFAULT]), the secret key from environment variable '
        'NCLOUD_SECRET_ACCESS_KEY' % path
    )
    # a stand-in reader without sections still gets the profile it was asked for
    dummy, dummy, sources, dummy = resolve_credentials({'profile': 'ci', 'access_key': LONG_AK}, {}, FakeFile())
    assert sources.description.endswith('the secret key from credentials file %s, profile [ci]' % (tmp_path / '.ncloud' / 'configure'))
    assert 'FILE-SK' not in sources.description


@pytest.mark.parametrize(
    'key, hint',
    [(LONG_AK, 'NCPA..., 21 characters'), ('A' * 12, 'AAAA..., 12 characters'), ('A' * 11, '11 characters'), ('', '0 characters'), (None, '0 characters')],
)
def test_key_hint_shows_at_most_four_characters(key, hint):
    assert cred.key_hint(key) == hint
