# -*- coding: utf-8 -*-
# Copyright: ncloud.wbd contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the env/envvars of an ansible-runner job as AWX builds it from a credential of our credential type.

    python awx_job_env.py CREDENTIAL_TYPE.yml OUT_ENVVARS INPUT=VALUE... [-- NAME=VALUE...]

Each env injector of the credential type is rendered the way AWX renders it (CredentialType.inject_credential in
awx/main/models/credential.py): a sandboxed Jinja environment whose namespace holds the inputs the credential sets,
so an input left empty renders as ''. The names after -- are added as they are (AWX adds its own, such as
ANSIBLE_COLLECTIONS_PATH). Input names that the credential type does not define are refused, as AWX refuses them.
"""

import os
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment


def pairs(args):
    return dict(arg.split('=', 1) for arg in args)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as handle:
        credential_type = yaml.safe_load(handle)
    rest = argv[3:]
    extra = []
    if '--' in rest:
        rest, extra = rest[: rest.index('--')], rest[rest.index('--') + 1 :]
    inputs = pairs(rest)
    defined = set(field['id'] for field in credential_type['inputs']['fields'])
    unknown = sorted(set(inputs) - defined)
    if unknown:
        sys.stderr.write('inputs not defined by the credential type: %s\n' % ', '.join(unknown))
        return 2
    missing = sorted(set(credential_type['inputs'].get('required', [])) - set(name for name, value in inputs.items() if value))
    if missing:
        sys.stderr.write('required inputs not given: %s\n' % ', '.join(missing))
        return 2
    namespace = dict((name, value) for name, value in inputs.items() if value)
    env = ImmutableSandboxedEnvironment()
    envvars = dict((name, env.from_string(template).render(**namespace)) for name, template in credential_type['injectors']['env'].items())
    envvars.update(pairs(extra))
    # It holds the secret key: readable by its owner only, as AWX keeps a job's private data directory.
    with os.fdopen(os.open(argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as handle:
        yaml.safe_dump(envvars, handle, default_flow_style=False)
    print('%s: %s' % (argv[2], ', '.join(sorted(envvars))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
