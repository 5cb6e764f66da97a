# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_audit/options: the endpoint the record names and the failure policy, each computed in Python only (issue 15:
the role used to hold a copy of the site table and of the policy in Jinja)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
from ansible_collections.ncloud.wbd.plugins.module_utils._api.client import SITE_ENDPOINTS
from ansible_collections.ncloud.wbd.plugins.module_utils._audit import options
from ansible_collections.ncloud.wbd.plugins.module_utils._audit.options import hosts_failing, record_endpoint, record_run

ROLE = os.path.join(os.path.dirname(os.path.abspath(options.__file__)), '..', '..', '..', 'roles', 'webshell_audit')


@pytest.mark.parametrize(
    'endpoint, site, expected',
    [
        (None, None, 'https://wbd.apigw.ntruss.com'),
        ('', '', 'https://wbd.apigw.ntruss.com'),
        (None, 'public', 'https://wbd.apigw.ntruss.com'),
        (None, 'gov', 'https://wbd.apigw.gov-ntruss.com'),
        (None, 'fin', 'https://wbd.apigw.fin-ntruss.com'),
        ('http://127.0.0.1:8080', 'gov', 'http://127.0.0.1:8080'),  # an endpoint wins over the site
        ('https://user:pass@proxy.example:8443/wbd', None, 'https://proxy.example:8443/wbd'),  # no user information
        ('https://user@proxy.example', None, 'https://proxy.example'),
        ('https://proxy.example/wbd/api/v1/', None, 'https://proxy.example/wbd'),  # the base URL the client uses
        ('ftp://example', None, None),
        (None, 'moon', None),
    ],
)
def test_record_endpoint(endpoint, site, expected):
    assert record_endpoint(endpoint, site) == expected


def test_record_endpoint_knows_every_site():
    assert dict((site, record_endpoint(None, site)) for site in SITE_ENDPOINTS) == SITE_ENDPOINTS


def test_record_run():
    args = {'run': {'play': 'audit', 'inventory_scope': {'hosts': ['a'], 'count': 1}}, 'endpoint': None, 'site': 'gov'}
    assert record_run(args) == {'play': 'audit', 'inventory_scope': {'hosts': ['a'], 'count': 1}, 'endpoint': 'https://wbd.apigw.gov-ntruss.com'}
    assert list(record_run(args)) == ['endpoint', 'play', 'inventory_scope']
    assert args['run'] == {'play': 'audit', 'inventory_scope': {'hosts': ['a'], 'count': 1}}, 'the task options are not changed'
    assert record_run({'run': {'endpoint': 'given'}, 'endpoint': 'http://x'}) == {'endpoint': 'given'}
    assert record_run({'run': None, 'endpoint': 'http://u:p@x:1'}) == {'endpoint': 'http://x:1'}


def record(policy, **statuses):
    """A record with one host per keyword: name=(status, unreviewed_count)."""
    hosts = dict((name, {'status': status, 'unreviewed_count': count}) for name, (status, count) in statuses.items())
    return {'run': {'policy': policy}, 'hosts': hosts}


@pytest.mark.parametrize(
    'policy, expected',
    [
        ({}, []),
        ({'fail_on_unprotected': True}, ['a', 'c']),
        ({'fail_on_unreviewed': True}, ['b', 'c']),
        ({'fail_on_unprotected': True, 'fail_on_unreviewed': True}, ['a', 'b', 'c']),
    ],
)
def test_hosts_failing(policy, expected):
    # d: unknown with unreviewed detections (the exception rules were incomplete): its verdict is not known, so the
    # policy does not fail it; the incomplete data fail the play instead (webshell_audit_fail_on_incomplete).
    audited = record(policy, a=('unprotected', 0), b=('unreviewed', 2), c=('unprotected', 1), d=('unknown', 3), e=('compliant', 0))
    assert hosts_failing(audited) == expected


def read(name):
    with open(os.path.join(ROLE, 'tasks', name), encoding='utf-8') as handle:
        return handle.read()


def test_the_role_holds_no_copy_of_the_site_table_or_the_policy():
    main, enforce = read('main.yml'), read('enforce.yml')
    for url in SITE_ENDPOINTS.values():
        assert url not in main and url not in enforce
    assert 'NCLOUD_SITE' not in main and 'NCLOUD_WBD_ENDPOINT' not in main
    assert 'webshell_audit_status ==' not in enforce and 'unreviewed_count' not in enforce
    assert 'webshell_audit_outcome.failing_hosts' in enforce
