# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""nox sessions of antsibull-nox, configured in antsibull-nox.toml.

Run from the pinned venv of requirements/antsibull-nox.txt: `bash tools/test.sh extra-checks` (what `make test` does),
or `nox -e extra-checks` from that venv in a clean checkout.
"""

import sys

import nox

try:
    import antsibull_nox
except ImportError:
    print('You need to install antsibull-nox in the same Python environment as nox (requirements/antsibull-nox.txt).')
    sys.exit(1)


antsibull_nox.load_antsibull_nox_toml()


# Allow to run the noxfile with `python noxfile.py`.
if __name__ == '__main__':
    nox.main()
