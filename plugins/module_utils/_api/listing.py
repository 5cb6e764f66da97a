# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Listing one WBD collection: the paging options, the page walk, the records normalised (and given their
suspicious objects), and the result every list carries, with the evidence of its completeness.

No AnsibleModule here: the modules, the audit action and the inventory plugin list through the same functions.
Where the records go is the caller's choice (a ``RecordList`` keeps them; the modules stream them out).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields, offload
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import SUSPICIOUS_OBJECT, is_quarantined, normalize
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import DETECTION as DETECTION_FILTERS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import filters_argument_spec, search_body
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import parse_page

# Records normalised (and given their suspicious objects) together before they are handed to the sink.
BATCH = 200
# A list capped at this many records or fewer is normalised here: a helper process would not pay for its start.
OFFLOAD_FROM = 2 * BATCH
# Requests in flight at once by default: enough to hide most of the latency, few enough not to trip the rate limit.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32
# A cut by max_results is asked for: it makes a list incomplete, never a failure.
_ASKED_CUT = 'max_results '
PARTIAL_HINT = 'set allow_partial: true to accept partial data'


def paging_argument_spec():
    """Options of the list modules; documented by the ncloud.wbd.paging doc fragment."""
    return dict(
        page_size=dict(type='int', default=100),
        max_results=dict(type='int'),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        allow_partial=dict(type='bool', default=False),
    )


def list_argument_spec(*filter_lists):
    """Paging options plus the search filters of the given resources."""
    spec = paging_argument_spec()
    for search_filters in filter_lists:
        spec.update(filters_argument_spec(search_filters))
    return spec


def detection_argument_spec():
    """Options of the modules that list detections (detected or excepted)."""
    spec = list_argument_spec(DETECTION_FILTERS)
    spec['suspicious_objects'] = dict(type='bool', default=False)
    return spec


def output_argument_spec():
    """What the list modules return and where (``fields``, ``dest``); documented by the ncloud.wbd.list_output doc
    fragment. Not paging options: the audit lists through the same functions without them."""
    return dict(
        fields=dict(type='list', elements='str'),
        dest=dict(type='path'),
        dest_format=dict(type='str', default='jsonl', choices=['jsonl', 'json']),
    )


OBJECTS_KEY = 'suspicious_objects'


def valid_fields(resource):
    """The names ``fields`` may give for ``resource``: those of its field map (with ISO twins), and its objects."""
    names = set(fields.output_names(resource.field_map))
    if resource.objects_op:
        names.add(OBJECTS_KEY)
    return names


def projection(resource, wanted, with_objects=False):
    """The keys a record of ``resource`` keeps under ``fields: wanted`` (its ID key always), or None to keep all.

    An unknown name fails with one line listing the valid ones, before any request."""
    if wanted is None:
        return None
    valid = valid_fields(resource)
    unknown = [name for name in wanted if name not in valid]
    if unknown:
        verb = 'is' if len(unknown) == 1 else 'are'
        message = 'fields: %s %s no field of %s; valid fields: %s.' % (', '.join(unknown), verb, resource.get_op, ', '.join(sorted(valid)))
        raise WbdConfigError(message)
    if OBJECTS_KEY in wanted and not with_objects:
        raise WbdConfigError('fields: %s is only returned with suspicious_objects: true.' % OBJECTS_KEY)
    whole = set(name for name in wanted if '.' not in name)
    # ``list.field`` keeps the list with those fields of its records; the whole list, when it is named too.
    parts = set(name for name in wanted if '.' in name and name.partition('.')[0] not in whole)
    return frozenset(whole | parts | set(name.partition('.')[0] for name in parts)) | frozenset([resource.field_map.names[resource.id_key]])


def project(records, keep):
    """``records`` with only the keys in ``keep`` (in the order each record has them); all of them when None.

    A nested list's records (``list.field`` names) come projected from normalising, except that a time it converts
    brings its ISO twin and the reverse: those are cut here, only for the lists where that can happen."""
    if keep is None:
        return records
    cut = dict((head, frozenset(inner)) for head, inner in fields.nested_names(keep).items() if any(n.endswith('_iso') for n in inner))
    records = [dict((k, v) for k, v in record.items() if k in keep) for record in records]
    for record in records if cut else ():
        for head, inner in cut.items():
            if isinstance(record.get(head), list):
                record[head] = [dict((k, v) for k, v in item.items() if k in inner) for item in record[head]]
    return records


def time_notes(now_ms=None):
    """The ``fields.TimeNotes`` of one list: its time conversions are warned once per field after the walk."""
    return fields.TimeNotes(now_ms)


def normalize_all(records, fmap, notes):
    """``records`` normalised with ``fmap``, their time conversions counted in ``notes`` (when there are notes)."""
    if notes is None:
        return [normalize(record, fmap) for record in records]
    return [normalize(record, fmap, notes) for record in records]


def blocking_problems(completeness):
    """The problems that make a list unusable without allow_partial: all but the cut max_results asked for."""
    return [p for p in completeness['problems'] if not p.startswith(_ASKED_CUT)]


def incomplete_message(completeness, hint=PARTIAL_HINT):
    """The one line of a WbdIncompleteError: the first problem, how many more, and what to try."""
    problems = blocking_problems(completeness)
    first = problems[0].rstrip('.') if problems else '%s: the list is incomplete' % completeness['operation']
    more = ' (and %d more problem%s)' % (len(problems) - 1, '' if len(problems) == 2 else 's') if len(problems) > 1 else ''
    tries = [hint]
    served, asked = completeness.get('page_size_served'), completeness.get('page_size_asked')
    if served and asked and served < asked:
        tries.append('page_size: %d (the most the API served per page)' % served)
    elif completeness.get('passes', 1) > 1 or any('changed' in p for p in problems):
        tries.append('run again when the records stop changing')
    return '%s%s: the list is incomplete. To go on, %s.' % (first, more, ', or '.join(tries))


def warn_completeness(warn, completeness):
    """Warn each problem of an incomplete list that is used anyway (allow_partial), once."""
    for problem in blocking_problems(completeness):
        warn('%s The list is used as it is (allow_partial).' % (problem,))


def accept_completeness(completeness, allow_partial, warn, hint=PARTIAL_HINT):
    """Refuse a list whose pages do not add up (WbdIncompleteError carrying the evidence as ``completeness``), or,
    with ``allow_partial``, warn its problems: a list that silently misses records would report less than it says."""
    if not blocking_problems(completeness):
        return
    if not allow_partial:
        err = WbdIncompleteError(incomplete_message(completeness, hint))
        err.completeness = completeness
        raise err
    warn_completeness(warn, completeness)


class RecordList(object):
    """A sink that keeps the records of a list as Python objects (where the modules stream them to their output)."""

    def __init__(self):
        self.records = []

    def extend(self, records):
        self.records.extend(records)

    @property
    def count(self):
        return len(self.records)

    @property
    def value(self):
        """What the list result holds under its key: the records themselves."""
        return self.records

    def close(self):
        """Nothing to release; a streaming sink releases its buffer."""


def operation_of(resource, filters):
    """The API operation a listing calls: GET without filters, the POST search with them."""
    return resource.get_op if filters is None else resource.search_op


def walk(client, resource, page_size, filters=None, max_items=None, warn=None):
    """The page walk of a list resource (iterate it for the raw records; ``.state`` has totals, truncation)."""
    if max_items is not None:
        page_size = min(page_size, max(max_items, 1))  # no point fetching a page of 100 for 5 records
    return client.paginate(
        resource.path,
        resource.id_key,
        page_size,
        filters=filters,
        max_items=max_items,
        warn=warn,
        operation=operation_of(resource, filters),
        permission=resource.permission,
    )


def attach_objects(client, records, resource):
    """Add each record's suspicious objects (``suspicious_objects``), ``client.concurrency`` requests at a time, in
    order."""

    def fetch(record):
        result = client.request('GET', resource.objects_path(record['detection_id']), operation=resource.objects_op, permission=resource.permission)
        objects = [normalize(item, SUSPICIOUS_OBJECT) for item in parse_page(result, resource.objects_op)[0]]
        for obj in objects:
            obj['quarantined'] = is_quarantined(obj)
        return objects

    with ThreadPoolExecutor(max_workers=client.concurrency) as pool:
        futures = [pool.submit(fetch, record) for record in records]
        try:
            for record, future in zip(records, futures):
                record['suspicious_objects'] = future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return records


def _fill(sink, pager, client, resource, with_objects, notes, keep=None, max_items=None):
    """Hand the walk's records to ``sink``, normalised, cut to the keys in ``keep`` (see ``projection``) and given
    their objects, ``BATCH`` at a time: by a helper process (see ``offload``) when the sink can share its file and the
    list may be long (and is not a projection, unless the sink's own work costs more), while this one fetches the next
    pages; else here."""
    fmap = resource.field_map if keep is None else resource.field_map.projected(keep)

    def process(batch):
        batch = project(normalize_all(batch, fmap, notes), keep)
        if with_objects:
            attach_objects(client, batch, resource)
        sink.extend(batch)

    helper = None
    # A projection (``fields``) is cheap to normalise: handing its raw records over would cost more than the helper
    # saves, unless the sink's own work is what costs (``costly_extend``: the audit places every detection).
    if not with_objects and (max_items is None or max_items > OFFLOAD_FROM) and (keep is None or getattr(sink, 'costly_extend', False)):
        helper = offload.start(sink, process, functools.partial(_answer, sink, notes))
    hand = process if helper is None else helper.put
    try:
        batch = []
        for record in pager:
            batch.append(record)
            if len(batch) >= BATCH:
                hand(batch)
                batch = []
        hand(batch)
        if helper is not None:
            seen = helper.call(_NOTES)  # what the helper's normalising noted
            if notes is not None:
                notes.seen = seen
            sink.walked(helper)
    except BaseException:
        if helper is not None:
            helper.abort()
        raise


_NOTES = 'notes'


def _answer(sink, notes, request):
    """In a helper process (see ``_fill``): the time notes so far, or what the sink answers to ``request``."""
    if request == _NOTES:
        return notes.seen if notes is not None else None
    return sink.answer(request)


def list_result(client, params, warn, key, resource, with_objects=False, sink=None, allow_partial=None, hint=PARTIAL_HINT):
    """The result of a list: the records under ``key``, the API's ``total_count``, ``truncated``, ``complete`` and
    its evidence ``completeness`` (see paging.PageState.completeness).

    ``params`` are the list options: ``page_size``, ``max_results`` (a cap), ``allow_partial`` and the filters named
    by ``resource.filters``; ``fields`` (optional) cuts each record to those keys and its ID. ``with_objects`` adds
    each record's suspicious objects. The records go to ``sink`` as they arrive (a ``RecordList`` by default; the
    modules stream them, so a large listing is never held whole). An
    incomplete list raises WbdIncompleteError unless ``allow_partial`` (the option, or the argument, which wins: the
    audit reads partial lists and says so); ``hint`` says how to accept it.
    """
    keep = projection(resource, params.get('fields'), with_objects)
    now_ms = int(time.time() * 1000)
    filters = search_body(resource.filters, params, now_ms)
    operation = operation_of(resource, filters)
    pager = walk(client, resource, params['page_size'], filters=filters, max_items=params.get('max_results'), warn=warn)
    sink = RecordList() if sink is None else sink
    notes = time_notes(now_ms)
    try:
        _fill(sink, pager, client, resource, with_objects, notes, keep, params.get('max_results'))
        for line in notes.messages(operation):
            warn(line)
        completeness = pager.completeness(operation)
        accept_completeness(completeness, params.get('allow_partial') if allow_partial is None else allow_partial, warn, hint)
    except BaseException:
        sink.close()
        raise
    state = pager.state
    total = state.total
    if total is None and not state.truncated and completeness['complete']:
        total = sink.count  # a bare-array answer has no total, but a complete walk counted everything
    return {key: sink.value, 'total_count': total, 'truncated': state.truncated, 'complete': completeness['complete'], 'completeness': completeness}
