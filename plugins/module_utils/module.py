# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every ncloud.wbd module shares: the common options, the client built from them,
and the one place where client errors become ``fail_json``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.ncloud.wbd.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    WbdClient,
    resolve_endpoint,
)
from ansible_collections.ncloud.wbd.plugins.module_utils.errors import WbdConfigError, WbdError
from ansible_collections.ncloud.wbd.plugins.module_utils.fields import normalize

ACCESS_KEY_ENV = ['NCLOUD_ACCESS_KEY', 'NCLOUD_ACCESS_KEY_ID']
SECRET_KEY_ENV = ['NCLOUD_SECRET_KEY', 'NCLOUD_SECRET_ACCESS_KEY']
REDACTED = '********'


def auth_argument_spec():
    """The connection options of every module; documented by the ncloud.wbd.auth doc fragment."""
    return dict(
        access_key=dict(type='str', no_log=False, fallback=(env_fallback, ACCESS_KEY_ENV)),
        secret_key=dict(type='str', no_log=True, fallback=(env_fallback, SECRET_KEY_ENV)),
        site=dict(type='str', choices=['public', 'gov', 'fin'], fallback=(env_fallback, ['NCLOUD_SITE'])),
        endpoint=dict(type='str', fallback=(env_fallback, ['NCLOUD_WBD_ENDPOINT'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=30.0),
        retries=dict(type='int', default=5),
    )


def paging_argument_spec():
    """Options of the list modules; documented by the ncloud.wbd.paging doc fragment."""
    return dict(page_size=dict(type='int', default=100))


class WbdModule(object):
    """An AnsibleModule with the common options and a WBD client, run through ``run``."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = auth_argument_spec()
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.module.params
        self._client = None

    def redact(self, text):
        secret = self.params.get('secret_key')
        return text.replace(secret, REDACTED) if secret else text

    def warn(self, message):
        self.module.warn(self.redact(message))

    def _check_options(self):
        missing = []
        if not self.params.get('access_key'):
            missing.append('access_key (or environment variable %s)' % ' / '.join(ACCESS_KEY_ENV))
        if not self.params.get('secret_key'):
            missing.append('secret_key (or environment variable %s)' % ' / '.join(SECRET_KEY_ENV))
        if missing:
            raise WbdConfigError('Missing WBD API credentials: set %s.' % ' and '.join(missing))
        if self.params['timeout'] <= 0:
            raise WbdConfigError('timeout must be positive, got %s.' % self.params['timeout'])
        if self.params['retries'] < 0:
            raise WbdConfigError('retries must be zero or more, got %s.' % self.params['retries'])
        if self.params.get('page_size') is not None and self.params['page_size'] < 1:
            raise WbdConfigError('page_size must be positive, got %s.' % self.params['page_size'])

    @property
    def client(self):
        if self._client is None:
            self._check_options()
            p = self.params
            if not p['validate_certs']:
                self.warn('validate_certs is false: the TLS certificate of the WBD endpoint is not checked.')
            self._client = WbdClient(resolve_endpoint(p.get('endpoint'), p.get('site')), p['access_key'], p['secret_key'],
                                     timeout=p['timeout'], retries=p['retries'], validate_certs=p['validate_certs'],
                                     ca_path=p.get('ca_path'))
        return self._client

    def list_records(self, resource, filters=None, max_items=None):
        """Every record of a list resource, normalised, and the page walk's state (totals, truncation)."""
        pager = self.client.paginate(resource.path, resource.id_key, self.params['page_size'],
                                     filters=filters, max_items=max_items, warn=self.warn,
                                     operation=resource.get_op if filters is None else resource.search_op,
                                     permission=resource.permission)
        records = [normalize(record, resource.field_map) for record in pager]
        return records, pager.state

    def list_result(self, key, resource, filters=None, max_items=None):
        """The result of a list module: the records under ``key`` and the API's ``total_count``."""
        records, state = self.list_records(resource, filters=filters, max_items=max_items)
        return {key: records, 'total_count': len(records) if state.total is None else state.total}

    def _report_retries(self, outcome):
        """Warn once per run when any request needed a retry: throttling is worth knowing about."""
        if self._client is not None and self._client.stats['retries']:
            self.warn('%d of %d WBD API requests were retries after throttling (429), gateway errors (5xx), timeouts or '
                      'broken connections; %s' % (self._client.stats['retries'], self._client.stats['requests'], outcome))

    def run(self, work):
        """Call ``work(self)`` and exit with its result dict; the only place errors become fail_json."""
        try:
            result = work(self)
        except WbdError as err:
            self._report_retries('the run failed.')
            self.module.fail_json(msg=self.redact(str(err)), error=dict(kind=err.kind, status=err.status, code=err.code))
        finally:
            if self._client is not None:
                self._client.close()
        self._report_retries('the results are complete.')
        self.module.exit_json(changed=False, **result)
