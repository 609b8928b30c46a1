"""Shape of the code: Chinese string literals in the extraction core and function lengths in ``pipelines/``.

Vocabulary belongs in ``pipelines/core/data/``; a Chinese literal in the core's code is a word that escaped
it. Docstrings are prose, not vocabulary, and are not counted. Prints one line per file and every function
over the limit; exits 1 when a bound is broken.

    python scripts/code_shape.py [--literals 60] [--lines 60] [--list FILE]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANZI = re.compile(r"[\u3400-\u9fff]")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant with a Chinese character that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in skip and HANZI.search(node.value)
    )  # fmt: skip


def long_functions(path: Path, limit: int) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > limit
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--literals", type=int, default=60, help="most Chinese literals allowed in the core's code")
    ap.add_argument("--lines", type=int, default=60, help="longest function allowed in pipelines/")
    ap.add_argument("--list", metavar="FILE", help="print the literals of one core file")
    args = ap.parse_args(argv)
    if args.list:
        for line, text in chinese_literals(Path(args.list)):
            print(f"{line}: {text!r}")
        return 0
    total = 0
    for path in sorted((ROOT / "pipelines/core").glob("*.py")):
        n = len(chinese_literals(path))
        total += n
        if n:
            print(f"{path.relative_to(ROOT)}: {n} Chinese literals")
    print(f"core total: {total} Chinese literals (bound {args.literals})")
    too_long = [(p, f, n) for p in sorted((ROOT / "pipelines").rglob("*.py")) for f, n in long_functions(p, args.lines)]
    for path, name, n in too_long:
        print(f"{path.relative_to(ROOT)}: {name} is {n} lines (bound {args.lines})")
    print(f"functions over {args.lines} lines: {len(too_long)}")
    return 1 if total > args.literals or too_long else 0


if __name__ == "__main__":
    sys.exit(main())
