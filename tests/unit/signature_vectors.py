# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signature v2 test vectors (not a test module itself): the NCP API gateway's HmacSHA256 over method, URI,
timestamp and access key. The collection's signer (test_signing.py) and the sandbox's own, independent signer
(sandbox/test_wbd_sandbox.py) must both give them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The documentation's example key pair, at a fixed time.
ACCESS_KEY = 'ncp_iam_EXAMPLEACCESSKEY'
SECRET_KEY = 'ncp_iam_EXAMPLESECRETKEY0123456789'
TIMESTAMP = '1718000000000'
# (method, URI as signed, signature) with that key at that time: the query is signed as sent, in its order.
VECTORS = [
    ('GET', '/api/v1/detections?pageIndex=0&pageSize=20', '0R37Ii+kwZsUyrbt3ytwM2HWGGAO09kPbV8pCxj3138='),
    ('GET', '/api/v1/alarm/interval', 'rC6nHdTbDT41xauR3+ZB0+1z8V8OfjhBHRESAEojcMM='),
    ('POST', '/api/v1/servers', 'W8HZCVmL/VSjI+mwFP6TnumeAltuGhCXtOXyK+iz6mo='),
    ('GET', '/api/v1/servers?pageIndex=0&pageSize=100', 'eOUkq3K5Qzjt83jWFSuROXJCdtP8wgTdZKjWACkZ+8g='),
    ('GET', '/api/v1/detections?pageSize=20&pageIndex=0', 'ImbGWUovgBJmfENSOVIXfC/n/Jv3LzDI1RY46D0Q9Wo='),
    ('GET', '/api/v1/alarm/interval?', 'ptIeK8YUwWlYobw6R+41+RmnGPhKwgiCKxG1XAb0u1s='),
]
# A vector of another implementation: (secret key, method, URI, timestamp, access key, signature).
EXTERNAL_VECTOR = (
    'SK_TEST',
    'POST',
    '/vserver/v2/createServerInstances?regionCode=KR',
    '1700000000000',
    'AK_TEST',
    'xBcE26XFU55BMjppdPT7ZY3oDrqoOedfPyAn3Cq4lUw=',
)
