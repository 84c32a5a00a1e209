"""Command line: archivegen build | check  ->  exit 0 ok, 1 invalid input, 2 usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .build import build_archive, check_archive
from .progress import Progress
from .problems import ArchivegenError, BuildFailed, Problem, has_errors

EPILOG = """examples:
  archivegen build                 build ./site from ./documents and ./archive.yaml
  archivegen check --strict        validate only; warnings fail too
  archivegen build --base-url /    build for serving at the root of a host
"""


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more; got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archivegen", description="Build a static digital-archive site from record files.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"archivegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--root", type=Path, default=Path("."), help="archive folder (default: .)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    b = sub.add_parser("build", help="validate and build the site into site/",
                       description="Validate every record and build the site. The previous site/ is "
                       "replaced only when the whole build succeeded.",
                       epilog="example:\n  archivegen build --root my-archive --out public",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    common(b)
    b.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    b.add_argument("--base-url", default=None, help="override archive.yaml's base_url")
    b.add_argument("--no-index", action="store_true", help="skip the search index")
    b.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                   help="worker processes for reading and rendering (default: every core)")
    c = sub.add_parser("check", help="validate without writing anything",
                       description="Report every problem in every record file; write nothing.",
                       epilog="example:\n  archivegen check --strict",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    common(c)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "check":
            problems = check_archive(args.root, strict=args.strict)
            _print_problems(problems)
            if has_errors(problems, args.strict):
                return 1
            print(f"ok: no errors ({sum(1 for p in problems)} warning(s))")
            return 0
        if args.command == "build":
            with Progress() as progress:
                result = build_archive(args.root, args.out, base_url=args.base_url, strict=args.strict,
                                       index=not args.no_index, jobs=args.jobs, progress=progress)
            _print_problems(result.problems)
            print(result.summary())
            return 0
    except BuildFailed as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity.value == "error")
        print(f"build failed: {errors} error(s), {len(exc.problems) - errors} warning(s); site/ unchanged",
              file=sys.stderr)
        return 1
    except ArchivegenError as exc:
        print(f"archivegen: error: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
