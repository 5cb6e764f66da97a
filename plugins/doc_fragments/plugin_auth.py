# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of the ncloud.wbd plugins (inventory), with their environment variables.

    The same options as the modules' ncloud.wbd.auth fragment; plugins declare their environment variables with
    C(env) entries instead of argument-spec fallbacks. The keys are still resolved by the same code as the modules'
    (option, then environment, then credentials file), so a key set in the environment behaves identically. The
    C(env) entries of a key are listed lowest precedence first because Ansible's configuration takes the last one set.
    """

    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - NCP API access key (main account or sub-account).
      - If not set, the environment variable E(NCLOUD_ACCESS_KEY) is used, then E(NCLOUD_ACCESS_KEY_ID), then
        C(ncloud_access_key_id) from the credentials file (see O(credentials_file)), exactly as the modules of
        this collection do.
      - Required, from one of these places.
    type: str
    env:
      - name: NCLOUD_ACCESS_KEY_ID
      - name: NCLOUD_ACCESS_KEY
  secret_key:
    description:
      - NCP API secret key matching O(access_key). It signs every request and is never sent, logged, cached or
        shown in an error.
      - If not set, the environment variable E(NCLOUD_SECRET_KEY) is used, then E(NCLOUD_SECRET_ACCESS_KEY), then
        C(ncloud_secret_access_key) from the credentials file.
      - Prefer the environment or the credentials file to writing the key into the inventory file.
      - Required, from one of these places.
    type: str
    env:
      - name: NCLOUD_SECRET_ACCESS_KEY
      - name: NCLOUD_SECRET_KEY
  credentials_file:
    description:
      - The NCP credentials file, the one the ncloud CLI and the NCP SDKs read. It holds C(name = value) lines with
        the keys C(ncloud_access_key_id) and C(ncloud_secret_access_key), optionally in C([profile]) sections.
      - Read only when O(access_key) or O(secret_key) is found neither in the options nor in the environment.
      - It must be a regular file that neither group nor others can access (for example mode C(0600)); the plugin
        refuses it otherwise, because it holds a secret key.
      - If not set, C(~/.ncloud/configure) of the user running Ansible is read when it exists.
    type: path
  profile:
    description:
      - Section of O(credentials_file) to read the keys from.
      - If not set, the keys outside any section and in C([DEFAULT]) are used, or the only section when the file has
        just one.
    type: str
  site:
    description:
      - NAVER Cloud Platform site, which picks the WBD API host.
      - V(public) is C(https://wbd.apigw.ntruss.com), V(gov) is C(https://wbd.apigw.gov-ntruss.com),
        V(fin) is C(https://wbd.apigw.fin-ntruss.com).
      - If neither this option nor E(NCLOUD_SITE) is set, V(public).
      - Ignored when O(endpoint) is set.
    type: str
    choices: [public, gov, fin]
    env:
      - name: NCLOUD_SITE
  endpoint:
    description:
      - Base URL of the WBD API, overriding O(site), for example C(http://127.0.0.1:8080) for a local sandbox
        or a proxy. Operation paths (C(/api/v1/...)) are appended to it and signed as sent.
      - A base URL that ends in C(/api/v1) (or C(/api/v1/)), as older NCP API pages write it, means the same API;
        C(https://wbd.apigw.ntruss.com/api/v1) is used as C(https://wbd.apigw.ntruss.com), so requests go to
        C(/api/v1/...) once. Any other path is kept, for a proxy that serves the API under one; when it is wrong, the
        HTTP 404 error names it.
      - The scheme must match the port. C(https://) against a plain-HTTP port, or C(http://) against an HTTPS port,
        fails with an error that says C(Protocol mismatch) and which scheme to use, not with a certificate error.
    type: str
    env:
      - name: NCLOUD_WBD_ENDPOINT
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint. Only set V(false) for test endpoints; the plugin warns.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM CA bundle used to verify the endpoint's certificate instead of the system bundle.
    type: path
  timeout:
    description:
      - Seconds to wait for the API to connect and to answer each request.
    type: float
    default: 30.0
  retries:
    description:
      - How many times one request is retried after HTTP 429, 500, 502, 503 or 504, a broken connection or a read
        timeout, each time signed afresh after an exponential backoff with full jitter (or the API's C(Retry-After)).
      - All attempts of one request together stop after 300 seconds, whatever the count.
      - Authentication, permission and other client errors are never retried. V(0) disables retries.
    type: int
    default: 5
notes:
  - Each key is taken from the first place that has it, in this order, an option in the inventory file, an
    environment variable, the credentials file. This is the order of the modules of this collection, so one set of
    environment variables or one credentials file serves both the inventory and the playbooks.
  - When O(profile) or O(credentials_file) is set but both keys come from options or the environment, the plugin
    warns that the file was not read.
  - Requests are signed with NCP API Gateway signature v2; the signing clock must be within 5 minutes of the real time.
  - When the API refuses the keys (HTTP 401), the error says where they came from, the option, the environment
    variable (by name) or the credentials file (path and profile), and shows at most the first 4 characters and the
    length of the access key, never the secret key.
requirements:
  - requests
'''
