# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the current state of the resources a write task names: the API has no get-by-ID operation, so the
resources' lists are walked page by page (``listing.walk``: the info modules' paging, completeness checks and
concurrency), stopping as soon as every named ID is found. Reads grow with pages, not with IDs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ncloud.wbd.plugins.module_utils._api import listing
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import normalize
from ansible_collections.ncloud.wbd.plugins.module_utils._respond.errors import WbdNotFoundError

SHOWN_IDS = 10


def find_records(client, resources, ids, page_size, warn=None, filters=None):
    """{id: (resource, normalised record)} for ``ids``, looked up in ``resources`` (ListResource) in order: a later
    list is walked only for IDs the earlier ones lack (a deleted exception rule is looked for among the deleted
    ones). IDs missing from every list are left out; a list that could not be proven complete while IDs are
    still missing raises WbdIncompleteError, since they may be in the part not served. ``filters`` (a search body, or
    None) narrows every walk."""
    missing = set(ids)
    found = {}
    for resource in resources:
        if not missing:
            break
        pager = listing.walk(client, resource, page_size, filters=filters, warn=warn)
        records = iter(pager)
        try:
            for raw in records:
                key = '%s' % (raw.get(resource.id_key),)
                if key in missing:
                    missing.discard(key)
                    found[key] = (resource, normalize(raw, resource.field_map))
                    if not missing:
                        break
        finally:
            records.close()
        if missing:
            _check_complete(pager, resource, listing.operation_of(resource, filters), missing)
    return found


def _check_complete(pager, resource, operation, missing):
    completeness = pager.completeness(operation)
    if not completeness['complete']:
        err = WbdIncompleteError(
            '%s could not be proven complete, so %d of the named IDs (%s) may be in the part not served: %s'
            % (operation, len(missing), shown(sorted(missing)), '; '.join(completeness['problems']) or 'no reason given')
        )
        err.completeness = completeness
        raise err


def shown(ids):
    """Up to SHOWN_IDS IDs for a message, and how many more."""
    ids = list(ids)
    text = ', '.join(ids[:SHOWN_IDS])
    return text + (' and %d more' % (len(ids) - SHOWN_IDS) if len(ids) > SHOWN_IDS else '')


def require_all(found, ids, noun, id_option, operations):
    """Raise WbdNotFoundError naming the IDs of ``ids`` not in ``found``, and the lists (``operations``) read."""
    missing = [i for i in ids if i not in found]
    if missing:
        them = 'it' if len(missing) == 1 else 'them'
        if len(operations) == 1:
            where = '%s does not list %s' % (operations[0], them)
        else:
            where = 'neither %s nor %s lists %s' % (', '.join(operations[:-1]), operations[-1], them)
        raise WbdNotFoundError('No %s with %s %s: %s.' % (noun, id_option, shown(missing), where))
