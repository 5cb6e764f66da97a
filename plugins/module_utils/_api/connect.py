# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""From options to a WBD client, the one way: the modules, the actions, the inventory plugin and event sources
all connect here, so they take the same options, check them alike and find the keys in the same places.

``connect`` resolves the keys (``credentials.resolve_credentials``), checks the option values, resolves the endpoint
(``client.resolve_endpoint``, which holds the site table) and builds the ``WbdClient``. ``Connection`` wraps one run
of work on a client connected on first use: warnings and errors with the secret key blanked out, the client closed
after, and one warning when requests needed retries. Nothing here loads AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback
from ansible_collections.ncloud.wbd.plugins.module_utils._api import listing
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import SITE_ENDPOINTS, WbdClient, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.credentials import resolve_credentials
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import MAX_CONCURRENCY
from ansible_collections.ncloud.wbd.plugins.module_utils._gc import paused_gc

REDACTED = '********'
INSECURE_WARNING = 'validate_certs is false: the TLS certificate of the WBD endpoint is not checked.'


def auth_argument_spec():
    """The connection options of every module and action; documented by the ncloud.wbd.auth doc fragment."""
    return dict(
        # The environment and the credential file are read in credentials.resolve_credentials, which knows the order.
        access_key=dict(type='str', no_log=False),
        secret_key=dict(type='str', no_log=True),
        profile=dict(type='str'),
        credentials_file=dict(type='path'),
        site=dict(type='str', choices=list(SITE_ENDPOINTS), fallback=(env_fallback, ['NCLOUD_SITE'])),
        endpoint=dict(type='str', fallback=(env_fallback, ['NCLOUD_WBD_ENDPOINT'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
        retries=dict(type='int', default=5),
    )


def validate_options(argument_spec, args):
    """``args`` validated against the connection options plus ``argument_spec``, as AnsibleModule validates a
    module's (types, defaults, environment fallbacks), for callers without a module process. Raises WbdConfigError
    with the validator's messages."""
    spec = auth_argument_spec()
    spec.update(argument_spec or {})
    result = ArgumentSpecValidator(spec).validate(args)
    if result.error_messages:
        raise WbdConfigError('; '.join(result.error_messages))
    return result.validated_parameters


def check_options(options):
    """Refuse option values the client cannot work with, before any request. Paging options are checked when set."""
    if options['timeout'] <= 0:
        raise WbdConfigError('timeout must be positive, got %s.' % options['timeout'])
    if options['retries'] < 0:
        raise WbdConfigError('retries must be zero or more, got %s.' % options['retries'])
    if options.get('page_size') is not None and options['page_size'] < 1:
        raise WbdConfigError('page_size must be positive, got %s.' % options['page_size'])
    if options.get('max_results') is not None and options['max_results'] < 0:
        raise WbdConfigError('max_results must be zero or more, got %s.' % options['max_results'])
    concurrency = options.get('concurrency')
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise WbdConfigError('concurrency must be between 1 and %d, got %s.' % (MAX_CONCURRENCY, concurrency))


def connect(options, environ, warn, client_factory=WbdClient):
    """The ``WbdClient`` for ``options`` (named as ``auth_argument_spec`` and the paging options name them).

    The keys come from the options, then ``environ``, then the credentials file; ``warn`` gets the notes on where
    they came from and the warning for unchecked certificates. Bad values raise WbdConfigError before any request,
    with the secret key blanked out. ``client_factory`` takes WbdClient's arguments (a stub in tests).
    """
    access_key, secret_key, sources, notes = resolve_credentials(options, environ)
    for note in notes:
        warn(note)
    try:
        check_options(options)
        if not options['validate_certs']:
            warn(INSECURE_WARNING)
        endpoint = resolve_endpoint(options.get('endpoint'), options.get('site'))
    except WbdError as err:
        raise err.redact([secret_key])
    return client_factory(
        endpoint,
        access_key,
        secret_key,
        timeout=options['timeout'],
        retries=options['retries'],
        validate_certs=options['validate_certs'],
        ca_path=options.get('ca_path'),
        concurrency=options.get('concurrency') or 1,
        credential_source=sources.description,
    )


def retry_warning(stats, outcome):
    """The one warning of a run whose requests needed retries (throttling is worth knowing about), or None."""
    if not stats['retries']:
        return None
    return '%d of %d WBD API requests were retries after throttling (429), gateway errors (5xx), timeouts or broken connections; %s' % (
        stats['retries'],
        stats['requests'],
        outcome,
    )


class Connection(object):
    """One run of work against the WBD API: the validated ``params``, a client connected from them on first use, and
    ``warn`` for its warnings, with the secret key blanked out.

    ``no_log_values`` (a module's live set) gets the secret key once it is resolved, wherever it came from, so
    output that masks those values masks it too. ``new_sink`` makes where a list's records go (``RecordList``).
    """

    def __init__(self, params, warn, environ=None, no_log_values=None, new_sink=listing.RecordList, client_factory=WbdClient):
        self.params = params
        self._warn = warn
        self.environ = os.environ if environ is None else environ
        self.no_log_values = set() if no_log_values is None else no_log_values
        self.new_sink = new_sink
        self.client_factory = client_factory
        self._client = None

    @property
    def client(self):
        """The WbdClient, connected on first use (so options are checked before the first request, not before)."""
        if self._client is None:
            client = connect(self.params, self.environ, self.warn, self.client_factory)
            self.no_log_values.add(client.secret_key)
            self._client = client
        return self._client

    def redact(self, text):
        """``text`` without the secret key: the resolved one once connected, else the option's."""
        secret = self._client.secret_key if self._client is not None else self.params.get('secret_key')
        return text.replace(secret, REDACTED) if secret else text

    def warn(self, message):
        self._warn(self.redact(message))

    def list_result(self, key, resource, with_objects=False, allow_partial=None):
        """``listing.list_result`` with this run's options, client and sink."""
        return listing.list_result(self.client, self.params, self.warn, key, resource, with_objects, self.new_sink(), allow_partial)

    def _report_retries(self, outcome):
        message = retry_warning(self._client.stats, outcome) if self._client is not None else None
        if message:
            self.warn(message)

    def run(self, work):
        """``work(self)``: its result, or its WbdError with the secret key blanked out; the client is closed after."""
        try:
            with paused_gc():
                result = work(self)
        except WbdError as err:
            self._report_retries('the run failed.')
            err.message = self.redact(err.message)
            raise
        finally:
            if self._client is not None:
                self._client.close()
        self._report_retries('the results are complete.')
        return result
