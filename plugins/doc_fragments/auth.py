# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options: the modules extend ncloud.wbd.auth, the inventory plugin that and
    ncloud.wbd.auth.plugin.

    One text for both. DOCUMENTATION holds every option, for modules and plugins alike; PLUGIN holds only what a plugin
    adds, the env entries through which Ansible's configuration hands a plugin its environment variables (a module reads
    them as argument-spec fallbacks). ansible-doc merges an option's keys from both fragments, so the plugin shows one
    option with its description and its env entries. The keys are still resolved by the modules' code (option, then
    environment, then credentials file); Ansible's configuration takes the last env entry that is set, so a key's
    entries are listed lowest precedence first. Fragments are string literals (ansible-test sanity reads them so), so
    the variants cannot be computed from one template.

    This is the only doc that names the site URLs; the code's table is SITE_ENDPOINTS in module_utils/_api/client.py
    (tests/unit/plugins/test_collection_metadata.py keeps them equal).
    """

    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - NCP API access key (main account or sub-account).
      - If not set, the environment variable E(NCLOUD_ACCESS_KEY) is used, then E(NCLOUD_ACCESS_KEY_ID), then
        C(ncloud_access_key_id) from the credentials file (see O(credentials_file)).
      - Required, from one of these places.
    type: str
  secret_key:
    description:
      - NCP API secret key matching O(access_key). It signs every request and is never sent, logged, cached, returned
        or shown in an error.
      - If not set, the environment variable E(NCLOUD_SECRET_KEY) is used, then E(NCLOUD_SECRET_ACCESS_KEY), then
        C(ncloud_secret_access_key) from the credentials file.
      - Required, from one of these places. Prefer the environment or the credentials file to writing the key into a
        playbook or an inventory file.
    type: str
  credentials_file:
    description:
      - The NCP credentials file, the one the ncloud CLI and the NCP SDKs read. It holds C(name = value) lines with
        the keys C(ncloud_access_key_id) and C(ncloud_secret_access_key), optionally in C([profile]) sections.
      - Read only when O(access_key) or O(secret_key) is found neither in the options nor in the environment.
      - It must be a regular file that neither group nor others can access (for example mode C(0600)); it is refused
        otherwise, because it holds a secret key.
      - If not set, C(~/.ncloud/configure) is read when it exists, in the home directory of the user that runs the
        module or the inventory plugin (on the controller).
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
      - If not set, the environment variable E(NCLOUD_SITE) is used; if that is not set either, V(public).
      - Ignored when O(endpoint) is set.
    type: str
    choices: [public, gov, fin]
  endpoint:
    description:
      - Base URL of the WBD API, overriding O(site), for example C(http://127.0.0.1:8080) for a local sandbox
        or a proxy. Operation paths (C(/api/v1/...)) are appended to it and signed as sent.
      - A base URL that ends in C(/api/v1) (or C(/api/v1/)), as older NCP API pages write it, means the same API;
        the path is dropped, so requests go to C(/api/v1/...) once. Any other path is kept, for a proxy that serves
        the API under one; when it is wrong, the HTTP 404 error names it.
      - The scheme must match the port. C(https://) against a plain-HTTP port, or C(http://) against an HTTPS port,
        fails with an error that says C(Protocol mismatch) and which scheme to use, not with a certificate error.
      - If not set, the environment variable E(NCLOUD_WBD_ENDPOINT) is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint. Only set V(false) for test endpoints; a warning says so
        when it is off.
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
        timeout. Each retry is signed afresh and waits an exponential backoff with full jitter (1 s base, 30 s cap),
        or as long as the API's C(Retry-After) header says.
      - All attempts of one request together stop after 300 seconds, whatever the count.
      - Authentication, permission and other client errors (HTTP 400, 401, 403, 404) are never retried.
      - V(0) disables retries.
    type: int
    default: 5
notes:
  - Each key is taken from the first place that has it, in this order, an option (for a module including
    C(module_defaults), for the inventory plugin the inventory file), an environment variable, the credentials file.
    The modules and the inventory plugin of this collection use the same order, so one set of environment variables or
    one credentials file serves both the inventory and the playbooks.
  - When O(profile) or O(credentials_file) is set but both keys come from options or the environment, a warning says
    that the file was not read.
  - Requests are signed with NCP API Gateway signature v2; the signing clock must be within 5 minutes of the real time.
  - When the API refuses the keys (HTTP 401), the error says where they came from, the option, the environment
    variable (by name) or the credentials file (path and profile), and shows at most the first 4 characters and the
    length of the access key, never the secret key.
requirements:
  - requests
'''

    # Only together with DOCUMENTATION (extends_documentation_fragment: ncloud.wbd.auth, ncloud.wbd.auth.plugin).
    PLUGIN = r'''
options:
  access_key:
    env:
      - name: NCLOUD_ACCESS_KEY_ID
      - name: NCLOUD_ACCESS_KEY
  secret_key:
    env:
      - name: NCLOUD_SECRET_ACCESS_KEY
      - name: NCLOUD_SECRET_KEY
  site:
    env:
      - name: NCLOUD_SITE
  endpoint:
    env:
      - name: NCLOUD_WBD_ENDPOINT
'''
