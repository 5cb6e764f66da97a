# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every ncloud.wbd module shares: the common options, the client built from them,
and the one place where client errors become ``fail_json``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible_collections.ncloud.wbd.plugins.module_utils._api import fields
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    WbdClient,
    resolve_endpoint,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.credentials import resolve_credentials
from ansible_collections.ncloud.wbd.plugins.module_utils._api.errors import WbdConfigError, WbdError, WbdIncompleteError
from ansible_collections.ncloud.wbd.plugins.module_utils._api.fields import SUSPICIOUS_OBJECT, is_quarantined, normalize
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import DETECTION as DETECTION_FILTERS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.filters import filters_argument_spec, search_body
from ansible_collections.ncloud.wbd.plugins.module_utils._api.paging import parse_page
from ansible_collections.ncloud.wbd.plugins.module_utils._module.result_stream import RecordSpool, exit_with_spools

REDACTED = '********'
# Records normalised (and given their suspicious objects) together before they are written to the result.
BATCH = 200
# Requests in flight at once by default: enough to hide most of the latency, few enough not to trip the rate limit.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32


def auth_argument_spec():
    """The connection options of every module; documented by the ncloud.wbd.auth doc fragment."""
    return dict(
        # The environment and the credential file are read in credentials.resolve_credentials, which knows the order.
        access_key=dict(type='str', no_log=False),
        secret_key=dict(type='str', no_log=True),
        profile=dict(type='str'),
        credentials_file=dict(type='path'),
        site=dict(type='str', choices=['public', 'gov', 'fin'], fallback=(env_fallback, ['NCLOUD_SITE'])),
        endpoint=dict(type='str', fallback=(env_fallback, ['NCLOUD_WBD_ENDPOINT'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
        retries=dict(type='int', default=5),
    )


def paging_argument_spec():
    """Options of the list modules; documented by the ncloud.wbd.paging doc fragment."""
    return dict(
        page_size=dict(type='int', default=100),
        max_results=dict(type='int'),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        allow_partial=dict(type='bool', default=False),
    )


def time_notes(now_ms=None):
    """The ``fields.TimeNotes`` of one list: its time conversions are warned once per field after the walk."""
    return fields.TimeNotes(now_ms)


def normalize_all(records, fmap, notes):
    """``records`` normalised with ``fmap``, their time conversions counted in ``notes`` (when there are notes)."""
    if notes is None:
        return [normalize(record, fmap) for record in records]
    return [normalize(record, fmap, notes) for record in records]


def incomplete_message(completeness, hint='set allow_partial: true to accept partial data'):
    """The one line of a WbdIncompleteError: the first problem, how many more, and what to try."""
    problems = [p for p in completeness['problems'] if not p.startswith('max_results ')]
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
    for problem in completeness['problems']:
        if not problem.startswith('max_results '):
            warn('%s The list is used as it is (allow_partial).' % (problem,))


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


def action_only(name, argument_spec):
    """main() of a documentation module whose work is done by its action plugin on the controller: it only says so."""
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    module.fail_json(
        msg='%s runs as an action plugin on the controller; this module only holds its documentation. Call it as a task, not with the module runner.' % name
    )


class RecordList(object):
    """The records of a list kept as Python objects (``list_result(collect=True)``), where a RecordSpool would
    stream them into the module output."""

    def __init__(self):
        self.records = []

    def extend(self, records):
        self.records.extend(records)

    @property
    def count(self):
        return len(self.records)

    def close(self):
        """Nothing to release; a RecordSpool releases its buffer."""


class ControllerModule(object):
    """The part of an AnsibleModule that WbdModule uses, for an action plugin listing in the controller's worker.

    ``params`` are validated as the module would validate them (``controller_params``); ``warn`` collects warnings.
    """

    def __init__(self, params, warn):
        self.params = params
        self.warn = warn
        self.no_log_values = set()


def controller_params(argument_spec, args):
    """``args`` validated against the common options plus ``argument_spec``, as AnsibleModule validates a module's:
    types, defaults and environment fallbacks. Raises WbdConfigError with the validator's messages."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel

    spec = auth_argument_spec()
    spec.update(argument_spec or {})
    result = ArgumentSpecValidator(spec).validate(args)
    if result.error_messages:
        raise WbdConfigError('; '.join(result.error_messages))
    return result.validated_parameters


class WbdModule(object):
    """An AnsibleModule with the common options and a WBD client, run through ``run``.

    With ``module`` (a ControllerModule) it runs in an action plugin instead: no AnsibleModule, and ``collect``
    instead of ``run`` returns the records as Python objects rather than printing them.
    """

    def __init__(self, argument_spec=None, module=None, **kwargs):
        if module is not None:
            self.module = module
        else:
            spec = auth_argument_spec()
            spec.update(argument_spec or {})
            self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
            if not HAS_REQUESTS:
                self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.module.params
        self._client = None
        self._credential_source = None

    def redact(self, text):
        secret = self.params.get('secret_key')
        return text.replace(secret, REDACTED) if secret else text

    def warn(self, message):
        self.module.warn(self.redact(message))

    def _resolve_credentials(self):
        access_key, secret_key, sources, notes = resolve_credentials(self.params, os.environ)
        self._credential_source = sources.description  # a 401 says where the keys came from
        self.module.no_log_values.add(secret_key)  # it may come from the environment or the file, not an option
        self.params['access_key'] = access_key
        self.params['secret_key'] = secret_key
        for note in notes:
            self.warn(note)

    def _check_options(self):
        """Validate the common options; called once, when the client is built, before any request."""
        self._resolve_credentials()
        if self.params['timeout'] <= 0:
            raise WbdConfigError('timeout must be positive, got %s.' % self.params['timeout'])
        if self.params['retries'] < 0:
            raise WbdConfigError('retries must be zero or more, got %s.' % self.params['retries'])
        if self.params.get('page_size') is not None and self.params['page_size'] < 1:
            raise WbdConfigError('page_size must be positive, got %s.' % self.params['page_size'])
        if self.params.get('max_results') is not None and self.params['max_results'] < 0:
            raise WbdConfigError('max_results must be zero or more, got %s.' % self.params['max_results'])
        concurrency = self.params.get('concurrency')
        if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
            raise WbdConfigError('concurrency must be between 1 and %d, got %s.' % (MAX_CONCURRENCY, concurrency))

    @property
    def client(self):
        if self._client is None:
            self._check_options()
            p = self.params
            if not p['validate_certs']:
                self.warn('validate_certs is false: the TLS certificate of the WBD endpoint is not checked.')
            self._client = WbdClient(
                resolve_endpoint(p.get('endpoint'), p.get('site')),
                p['access_key'],
                p['secret_key'],
                timeout=p['timeout'],
                retries=p['retries'],
                validate_certs=p['validate_certs'],
                ca_path=p.get('ca_path'),
                concurrency=p.get('concurrency') or 1,
                credential_source=self._credential_source,
            )
        return self._client

    def search_filters(self, resource):
        """The Search* body of the filters set in the options, or None to list with GET."""
        return search_body(resource.filters, self.params, int(time.time() * 1000))

    def paginate(self, resource, filters=None, max_items=None):
        """The page walk of a list resource (iterate it for the raw records; ``.state`` has totals, truncation)."""
        page_size = self.params['page_size']
        if max_items is not None:
            page_size = min(page_size, max(max_items, 1))  # no point fetching a page of 100 for 5 records
        return self.client.paginate(
            resource.path,
            resource.id_key,
            page_size,
            filters=filters,
            max_items=max_items,
            warn=self.warn,
            operation=resource.get_op if filters is None else resource.search_op,
            permission=resource.permission,
        )

    def list_result(self, key, resource, with_objects=False, collect=False, allow_partial=None):
        """The result of a list module: the records under ``key``, the API's ``total_count``, ``truncated``,
        ``complete`` and its evidence ``completeness`` (see paging.PageState.completeness).

        Filters come from the options named by ``resource.filters``; ``max_results`` caps the list;
        ``with_objects`` adds each record's suspicious objects. Records go to the output as they arrive
        (``RecordSpool``), so a large listing is never held in memory whole; with ``collect`` they are kept in a list.
        An incomplete list (its pages disagree with each other or with the totals) raises WbdIncompleteError unless
        ``allow_partial`` (the option, or the argument, which wins: the audit reads partial lists and says so).
        """
        filters = self.search_filters(resource)
        operation = resource.get_op if filters is None else resource.search_op
        pager = self.paginate(resource, filters=filters, max_items=self.params.get('max_results'))
        spool = RecordList() if collect else RecordSpool(self.module.no_log_values)
        notes = time_notes(int(time.time() * 1000))
        batch = []
        try:
            for record in pager:
                batch.append(record)
                if len(batch) >= BATCH:
                    self._flush(batch, spool, resource, with_objects, notes)
            self._flush(batch, spool, resource, with_objects, notes)
        except BaseException:
            spool.close()
            raise
        if notes is not None:
            for line in notes.messages(operation):
                self.warn(line)
        state = pager.state
        completeness = pager.completeness(operation)
        if allow_partial is None:
            allow_partial = bool(self.params.get('allow_partial'))
        blocking = [p for p in completeness['problems'] if not p.startswith('max_results ')]
        if blocking and not allow_partial:
            spool.close()
            err = WbdIncompleteError(incomplete_message(completeness))
            err.completeness = completeness
            raise err
        if blocking:
            warn_completeness(self.warn, completeness)
        total = state.total
        if total is None and not state.truncated and completeness['complete']:
            total = spool.count  # a bare-array answer has no total, but a complete walk counted everything
        return {
            key: spool.records if collect else spool,
            'total_count': total,
            'truncated': state.truncated,
            'complete': completeness['complete'],
            'completeness': completeness,
        }

    def _flush(self, batch, spool, resource, with_objects, notes=None):
        batch[:] = normalize_all(batch, resource.field_map, notes)
        if with_objects:
            self.attach_objects(batch, resource)
        spool.extend(batch)
        del batch[:]

    def attach_objects(self, records, resource):
        """Add each record's suspicious objects (``suspicious_objects``), ``concurrency`` requests at a time, in order."""

        def fetch(record):
            result = self.client.request('GET', resource.objects_path(record['detection_id']), operation=resource.objects_op, permission=resource.permission)
            objects = [normalize(item, SUSPICIOUS_OBJECT) for item in parse_page(result, resource.objects_op)[0]]
            for obj in objects:
                obj['quarantined'] = is_quarantined(obj)
            return objects

        with ThreadPoolExecutor(max_workers=self.client.concurrency) as pool:
            futures = [pool.submit(fetch, record) for record in records]
            try:
                for record, future in zip(records, futures):
                    record['suspicious_objects'] = future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return records

    def _report_retries(self, outcome):
        """Warn once per run when any request needed a retry: throttling is worth knowing about."""
        if self._client is not None and self._client.stats['retries']:
            self.warn(
                '%d of %d WBD API requests were retries after throttling (429), gateway errors (5xx), timeouts or '
                'broken connections; %s' % (self._client.stats['retries'], self._client.stats['requests'], outcome)
            )

    def run(self, work):
        """Call ``work(self)`` and exit with its result dict; the only place errors become fail_json."""
        try:
            result = self.collect(work)
        except WbdError as err:
            extra = {}
            if getattr(err, 'completeness', None) is not None:
                extra['completeness'] = err.completeness  # the evidence of an incomplete list
            self.module.fail_json(msg=str(err), error=dict(kind=err.kind, status=err.status, code=err.code), **extra)
        exit_with_spools(self.module, dict(result, changed=False))

    def collect(self, work):
        """``work(self)``: its result, or its WbdError with the secret key blanked out; the client is closed after."""
        try:
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
