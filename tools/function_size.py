"""`make test` step ruff: fail when a function in plugins/ is longer than the ceiling (60 lines, issue 15); ruff's C901 holds complexity at 15.

    python tools/function_size.py [--max 60] [--top N] [paths...]

Counts the lines of each def from its ``def`` line to its last line (docstring and comments included). Prints the
offenders (or, with --top, the N longest functions) and exits 1 when any function is over the ceiling.
"""

import argparse
import ast
import pathlib
import sys


def functions(path):
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.end_lineno - node.lineno + 1, '%s:%d %s' % (path, node.lineno, node.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--max', type=int, default=60)
    parser.add_argument('--top', type=int, default=0)
    parser.add_argument('paths', nargs='*', default=['plugins'])
    args = parser.parse_args()
    found = sorted((f for p in args.paths for py in sorted(pathlib.Path(p).rglob('*.py')) for f in functions(py)), reverse=True)
    for size, where in found[: args.top]:
        print('%4d lines  %s' % (size, where))
    over = [(size, where) for size, where in found if size > args.max]
    for size, where in over:
        print('%s: %d lines (ceiling %d)' % (where, size, args.max))
    return 1 if over else 0


if __name__ == '__main__':
    sys.exit(main())
