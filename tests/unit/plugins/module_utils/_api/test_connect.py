# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect(): options to a client, the one way the modules, the actions and the inventory plugin connect; and
Connection, one run of work on a client connected on first use."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api import errors
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import SITE_ENDPOINTS
from ansible_collections.ncloud.wbd.plugins.module_utils._api.connect import (
    INSECURE_WARNING,
    Connection,
    auth_argument_spec,
    check_options,
    connect,
    retry_warning,
    validate_options,
)
from ansible_collections.ncloud.wbd.plugins.module_utils._api.listing import detection_argument_spec, list_argument_spec
from ansible_collections.ncloud.wbd.plugins.module_utils._api.resources import DETECTIONS

SECRET = 'connect-secret-never-shown'
ENDPOINT = 'http://127.0.0.1:1'


def options(**values):
    """Validated options, as a module or an action has them."""
    return validate_options(list_argument_spec(), dict({'access_key': 'AK', 'secret_key': SECRET, 'endpoint': ENDPOINT}, **values))


class Built(object):
    """A client_factory that keeps what connect() handed it."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.secret_key = args[2]


def test_connect_builds_the_client_from_the_options():
    warnings = []
    built = connect(options(timeout=7, retries=2, concurrency=3, ca_path='/etc/ca.pem'), {}, warnings.append, Built)
    assert built.args == (ENDPOINT, 'AK', SECRET)
    assert built.kwargs == dict(
        timeout=7.0,
        retries=2,
        validate_certs=True,
        ca_path='/etc/ca.pem',
        concurrency=3,
        credential_source='the access key (2 characters) came from option access_key, the secret key from option secret_key',
    )
    assert warnings == []


@pytest.mark.parametrize('site', sorted(SITE_ENDPOINTS))
def test_connect_resolves_the_site_to_its_endpoint(site):
    built = connect(options(endpoint=None, site=site), {}, [].append, Built)
    assert built.args[0] == SITE_ENDPOINTS[site]


def test_connect_takes_the_keys_from_the_environment_and_says_so():
    warnings = []
    built = connect(
        options(access_key=None, secret_key=None, profile='audit'), {'NCLOUD_ACCESS_KEY': 'ENV-AK', 'NCLOUD_SECRET_KEY': SECRET}, warnings.append, Built
    )
    assert built.args[1:] == ('ENV-AK', SECRET) and 'environment variable NCLOUD_ACCESS_KEY' in built.kwargs['credential_source']
    assert len(warnings) == 1 and '(profile audit) was not read' in warnings[0]


def test_connect_warns_when_certificates_are_not_checked():
    warnings = []
    connect(options(validate_certs=False), {}, warnings.append, Built)
    assert warnings == [INSECURE_WARNING]


@pytest.mark.parametrize(
    'values, message',
    [
        ({'timeout': 0}, 'timeout must be positive, got 0.0.'),
        ({'retries': -1}, 'retries must be zero or more, got -1.'),
        ({'page_size': 0}, 'page_size must be positive, got 0.'),
        ({'max_results': -1}, 'max_results must be zero or more, got -1.'),
        ({'concurrency': 33}, 'concurrency must be between 1 and 32, got 33.'),
        ({'endpoint': 'ftp://x'}, 'endpoint must be an http(s) base URL'),
    ],
)
def test_bad_values_fail_before_a_client_exists(values, message):
    with pytest.raises(errors.WbdConfigError) as caught:
        connect(options(**values), {}, [].append, Built)
    assert str(caught.value).startswith(message)


def test_a_config_error_never_shows_the_secret_from_the_environment():
    # The secret may come from the environment, where no module option masks it: connect blanks it out itself.
    values = options(access_key=None, secret_key=None, endpoint='ftp://%s' % SECRET)
    with pytest.raises(errors.WbdConfigError) as caught:
        connect(values, {'NCLOUD_ACCESS_KEY': 'AK', 'NCLOUD_SECRET_KEY': SECRET}, [].append, Built)
    assert SECRET not in str(caught.value) and '********' in str(caught.value)


def test_missing_keys_fail_first(wbd_env):
    with pytest.raises(errors.WbdConfigError, match='^Missing WBD API credentials'):
        connect(options(access_key=None, secret_key=None, timeout=0), {}, [].append, Built)


def test_check_options_checks_paging_values_only_when_set():
    check_options({'timeout': 1, 'retries': 0})
    check_options({'timeout': 1, 'retries': 0, 'page_size': None, 'max_results': None, 'concurrency': None})


def test_options_are_validated_as_a_module_validates_them(wbd_env):
    wbd_env.setenv('NCLOUD_SITE', 'gov')
    wbd_env.setenv('NCLOUD_WBD_ENDPOINT', 'http://127.0.0.1:9')
    params = validate_options(detection_argument_spec(), {'page_size': '50', 'since': 1700000000000})
    assert params['site'] == 'gov' and params['endpoint'] == 'http://127.0.0.1:9'  # environment fallbacks
    assert params['page_size'] == 50 and params['concurrency'] == 4 and params['suspicious_objects'] is False
    with pytest.raises(errors.WbdConfigError, match='page_size'):
        validate_options(detection_argument_spec(), {'page_size': 'many'})
    with pytest.raises(errors.WbdConfigError, match='site'):
        validate_options(detection_argument_spec(), {'site': 'moon'})


def test_the_sites_are_the_options_choices():
    assert auth_argument_spec()['site']['choices'] == list(SITE_ENDPOINTS) == ['public', 'gov', 'fin']


def test_retry_warning_only_when_requests_were_retried():
    assert retry_warning({'requests': 3, 'retries': 0}, 'done.') is None
    assert retry_warning({'requests': 3, 'retries': 1}, 'done.').startswith('1 of 3 WBD API requests were retries after throttling (429)')


# ---- Connection -------------------------------------------------------------------------------------------------


def test_connection_connects_on_first_use_and_closes_after_the_work(wbd_env, fakes):
    session = fakes.serve(fakes.Api(lists={'/api/v1/detections': [{'detectionId': 'D1'}]}))
    closed = []
    session.close = lambda: closed.append(True)
    warnings, no_log = [], set()
    connection = Connection(
        options(access_key=None, secret_key=None), warnings.append, environ={'NCLOUD_ACCESS_KEY': 'AK', 'NCLOUD_SECRET_KEY': SECRET}, no_log_values=no_log
    )
    assert connection._client is None and no_log == set()
    result = connection.run(lambda conn: conn.list_result('detections', DETECTIONS))
    assert result['detections'] == [{'detection_id': 'D1'}] and result['complete'] is True
    assert no_log == {SECRET} and closed == [True] and warnings == []


def test_connection_blanks_the_secret_out_of_errors_and_warnings(wbd_env, fakes):
    echo = fakes.gateway_error(401, '200', 'Authentication Failed for %s' % SECRET)
    fakes.serve(fakes.Api(answers={'/api/v1/detections': echo}))
    warnings = []
    connection = Connection(options(), warnings.append)
    connection.warn('the key %s' % SECRET)
    with pytest.raises(errors.WbdAuthError) as caught:
        connection.run(lambda conn: conn.list_result('detections', DETECTIONS))
    assert SECRET not in str(caught.value) and warnings == ['the key ********']


def test_connection_reports_retries_once(wbd_env, fakes):
    fakes.serve(fakes.Api(lists={'/api/v1/detections': []}, by_call={1: fakes.gateway_error(503, '500', 'Endpoint Error')}))
    warnings = []
    connection = Connection(options(), warnings.append)
    connection.client.sleep = lambda seconds: None
    connection.run(lambda conn: conn.list_result('detections', DETECTIONS))
    assert warnings == [retry_warning({'requests': 2, 'retries': 1}, 'the results are complete.')]


def test_an_incomplete_list_is_refused_unless_partial_lists_are_accepted(wbd_env, fakes):
    # The audit reads partial lists and says so; the option's default refuses them, the argument wins.
    items = [{'detectionId': '%022d' % i} for i in range(60)]
    fakes.serve(fakes.Api(lists={'/api/v1/detections': items}, total=90, total_pages=True))
    with pytest.raises(errors.WbdIncompleteError) as caught:
        Connection(options(page_size=25), [].append).run(lambda conn: conn.list_result('detections', DETECTIONS))
    assert caught.value.completeness['records_delivered'] == 60 and 'allow_partial: true' in str(caught.value)
    warnings = []
    result = Connection(options(page_size=25), warnings.append).run(lambda conn: conn.list_result('detections', DETECTIONS, allow_partial=True))
    assert len(result['detections']) == 60 and result['complete'] is False
    assert any('announced 90' in w for w in warnings)


def test_the_credential_source_reaches_a_401(wbd_env, fakes, tmp_path):
    path = tmp_path / 'configure'
    path.write_text('[ci]\nncloud_access_key_id = NCPAK0123456789ABCDEF\nncloud_secret_access_key = %s\n' % SECRET)
    path.chmod(0o600)
    fakes.serve(fakes.Api(answers={'/api/v1/detections': fakes.gateway_error(401, '200', 'Authentication Failed')}))
    connection = Connection(options(access_key=None, secret_key=None, credentials_file=str(path), profile='ci'), [].append)
    with pytest.raises(errors.WbdAuthError) as caught:
        connection.run(lambda conn: conn.list_result('detections', DETECTIONS))
    message = str(caught.value)
    assert 'the access key (NCPA..., 21 characters) came from credentials file %s, profile [ci], the secret key too;' % path in message
    assert SECRET not in message and '\n' not in message
