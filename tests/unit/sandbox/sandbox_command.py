# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sandbox's command line, as the sandbox tests run it (not a test module itself)."""

import os
import subprocess
import sys

SCRIPT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox', 'wbd_sandbox.py'))


def sandbox_command(*args, timeout=30, check=False):
    """``python wbd_sandbox.py ARGS`` in a new process; the CompletedProcess, with its output as text."""
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=timeout, check=check)
