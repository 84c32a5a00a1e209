"""The longest functions and modules of the package, in lines (a maintainer's quick look).

Usage: python scripts/function_sizes.py [SRC_FOLDER] [--top N]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "archivegen"


def functions(folder: Path) -> list[tuple[int, str]]:
    """(lines, module:function) for every function and method under ``folder``."""
    found: list[tuple[int, str]] = []
    for file in sorted(folder.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno:
                found.append((node.end_lineno - node.lineno + 1, f"{file.relative_to(folder)}:{node.name}"))
    return sorted(found, reverse=True)


def modules(folder: Path) -> list[tuple[int, str]]:
    return sorted(((len(f.read_text(encoding="utf-8").splitlines()), str(f.relative_to(folder)))
                   for f in folder.rglob("*.py")), reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", nargs="?", type=Path, default=SRC)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    print("lines  function")
    for n, name in functions(args.src)[: args.top]:
        print(f"{n:5}  {name}")
    print("\nlines  module")
    for n, name in modules(args.src)[: args.top]:
        print(f"{n:5}  {name}")


if __name__ == "__main__":
    main()
