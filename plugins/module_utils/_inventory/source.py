# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The detection targets for the ncloud.wbd.detection_targets inventory plugin.

The same code path as the ncloud.wbd.detection_target_info module, without an
AnsibleModule: credentials through ``credentials.resolve_credentials``, the
endpoint through ``client.resolve_endpoint``, the search body through
``filters.search_body``, the page walk through ``WbdClient.paginate`` (an
incomplete list fails, as in the modules, unless ``allow_partial``) and the
records through ``fields.normalize``. Errors stay ``WbdError`` with the secret
key blanked out; the plugin turns them into Ansible errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.credentials import resolve_credentials
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, WbdError, WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import search_body
from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTION_TARGETS
from ansible_collections.ncloud.wbd.plugins.module_utils._module.wbd_module import (
    MAX_CONCURRENCY,
    incomplete_message,
    normalize_all,
    time_notes,
    warn_completeness,
)


def check_options(options):
    """Refuse option values the client cannot work with, before any request; the modules check the same."""
    if options['timeout'] <= 0:
        raise WbdConfigError('timeout must be positive, got %s.' % options['timeout'])
    if options['retries'] < 0:
        raise WbdConfigError('retries must be zero or more, got %s.' % options['retries'])
    if options['page_size'] < 1:
        raise WbdConfigError('page_size must be positive, got %s.' % options['page_size'])
    if not 1 <= options['concurrency'] <= MAX_CONCURRENCY:
        raise WbdConfigError('concurrency must be between 1 and %d, got %s.' % (MAX_CONCURRENCY, options['concurrency']))


def target_filters(options):
    """The SearchDetectionTarget body of the filter options, or None to list with GET (as the module does)."""
    # Target filters are all text or lists: no time filter, so the clock does not matter.
    return search_body(DETECTION_TARGETS.filters, options, 0)


def query_fingerprint(endpoint, filters):
    """A short digest of what decides the answer (endpoint and filters): part of the cache key, so changing a
    filter in the inventory file never serves the targets of the old filter from the cache."""
    text = json.dumps({'endpoint': endpoint, 'filters': filters}, sort_keys=True)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]


class TargetSource(object):
    """Lists the detection targets for one inventory source.

    ``options``: the auth, paging and filter options (module names); ``environ``: the environment the keys may come
    from; ``warn``: a callable for warnings; ``client_factory``: WbdClient, replaceable in tests.
    """

    def __init__(self, options, environ, warn, client_factory=WbdClient):
        self.options = options
        self.environ = environ
        self.warn = warn
        self.client_factory = client_factory
        check_options(options)
        self.endpoint = resolve_endpoint(options.get('endpoint'), options.get('site'))
        self.filters = target_filters(options)
        self.stats = None
        self.completeness = None

    @property
    def fingerprint(self):
        return query_fingerprint(self.endpoint, self.filters)

    def fetch(self):
        """Every detection target (normalised, de-duplicated by instance number), in API order."""
        access_key, secret_key, sources, notes = resolve_credentials(self.options, self.environ)
        for note in notes:
            self.warn(note)
        opts = self.options
        if not opts['validate_certs']:
            self.warn('validate_certs is false: the TLS certificate of the WBD endpoint is not checked.')
        client = self.client_factory(
            self.endpoint,
            access_key,
            secret_key,
            timeout=opts['timeout'],
            retries=opts['retries'],
            validate_certs=opts['validate_certs'],
            ca_path=opts.get('ca_path'),
            concurrency=opts['concurrency'],
            credential_source=sources.description,
        )
        resource = DETECTION_TARGETS
        operation = resource.search_op if self.filters else resource.get_op
        notes = time_notes()
        try:
            pager = client.paginate(
                resource.path, resource.id_key, opts['page_size'], filters=self.filters, warn=self.warn, operation=operation, permission=resource.permission
            )
            records = normalize_all(list(pager), resource.field_map, notes)
        except WbdError as err:
            raise err.redact([secret_key])
        finally:
            self.stats = dict(client.stats)
            client.close()
        for line in notes.messages(operation) if notes is not None else ():
            self.warn(line)
        self.completeness = pager.completeness(operation)
        if not self.completeness['complete']:
            # The same rule as the modules: an inventory that silently misses servers would audit less than it says.
            if not opts.get('allow_partial'):
                raise WbdIncompleteError(incomplete_message(self.completeness, hint='set allow_partial: true in the inventory source to accept partial data'))
            warn_completeness(self.warn, self.completeness)
        if self.stats['retries']:
            self.warn(
                '%d of %d WBD API requests were retries after throttling (429), gateway errors (5xx), timeouts or '
                'broken connections; %s'
                % (
                    self.stats['retries'],
                    self.stats['requests'],
                    'the inventory is complete.' if self.completeness['complete'] else 'the inventory is incomplete.',
                )
            )
        return records
