"""Offline stand-in for ansible-test's get-pip bootstrap script.

ansible-test creates its venvs without pip and downloads get-pip-<version>.py from a host that is
unreachable here. tools/lib.sh copies this file to ~/.ansible/test/cache/get_pip_<version>.py for each
pip version named in the installed ansible-test's python_requirements.py; ansible-test then uses it
as if it were the cached download. It runs the pip wheel bundled with ensurepip to install the
requested pip (and setuptools/wheel unless told not to) from the package index.
"""

import argparse
import ensurepip
import glob
import os
import sys

wheels = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
if not wheels:
    sys.exit('ensurepip has no bundled pip wheel')
sys.path.insert(0, wheels[-1])

pre = argparse.ArgumentParser(add_help=False)
pre.add_argument('--no-setuptools', action='store_true')
pre.add_argument('--no-wheel', action='store_true')
opts, args = pre.parse_known_args()
args.append('pip')
if not opts.no_setuptools:
    args.append('setuptools')
if not opts.no_wheel:
    args.append('wheel')

from pip._internal.cli.main import main as pip_main  # noqa: E402  pylint: disable=wrong-import-position

sys.exit(pip_main(['install', '--upgrade', '--force-reinstall'] + args))
