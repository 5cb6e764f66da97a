# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The detection targets for the ncloud.wbd.detection_targets inventory plugin.

The same code path as the ncloud.wbd.detection_target_info module, without an AnsibleModule: the client from
``connect.connect`` (the same option checks, keys and endpoint), the list from ``listing.list_result`` (the same
search body, page walk and normalised records; an incomplete list fails, as in the modules, unless
``allow_partial``). Errors stay ``WbdError`` with the secret key blanked out; the plugin turns them into Ansible
errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import WbdClient, resolve_endpoint
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import check_options, connect, retry_warning
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import search_body
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import list_result
from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTION_TARGETS

PARTIAL_HINT = 'set allow_partial: true in the inventory source to accept partial data'


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

    The options and the endpoint are checked here, before the cache is asked (it is keyed by the endpoint); the keys
    only when the API is.
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
        client = connect(self.options, self.environ, self.warn, self.client_factory)
        try:
            result = list_result(client, self.options, self.warn, 'detection_targets', DETECTION_TARGETS, hint=PARTIAL_HINT)
        except WbdError as err:
            raise err.redact([client.secret_key])
        finally:
            self.stats = dict(client.stats)
            client.close()
        self.completeness = result['completeness']
        message = retry_warning(self.stats, 'the inventory is complete.' if result['complete'] else 'the inventory is incomplete.')
        if message:
            self.warn(message)
        return result['detection_targets']
