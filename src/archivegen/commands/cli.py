"""Command line: archivegen init | build | check | serve | new | import | template.

Exit 0 ok, 1 invalid input, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from archivegen import __version__
from archivegen.build.cache import CACHE_DIR, CACHE_ENV
from archivegen.build.pipeline import build_archive, check_archive
from archivegen.problems import ArchivegenError, BuildFailed, Problem, Severity, has_errors
from archivegen.progress import Progress
from archivegen.records.fields import FIELDS

EPILOG = """examples:
  archivegen init my-archive       start a new archive in my-archive/
  archivegen build                 build ./site from ./documents and ./archive.yaml
  archivegen check --strict        validate only; warnings fail too
  archivegen build --base-url /    build for serving at the root of a host
  archivegen serve                 preview at http://127.0.0.1:8000/, rebuilt on every save
  archivegen new "Andropov Report, 1 November 1956" --date 1956-11-01
                                   start a new record file in documents/
  archivegen import records.csv    create record files from a spreadsheet export
  archivegen template record.html  copy a default template into templates/ to change it

The archivist's workflow (preview, new records, publishing on merge): docs/workflow.md
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


def add_archive(p: argparse.ArgumentParser) -> None:
    """The archive folder, as an argument (``archivegen check my-archive``) or as ``--root``."""
    p.add_argument("archive", nargs="?", type=Path, default=None, metavar="ARCHIVE",
                   help="the archive folder (default: the current folder); the same as --root")
    p.add_argument("--root", type=Path, default=None, help="the archive folder (default: .)")


def add_cache_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                   help=f"the build cache's folder (default: ARCHIVE/{CACHE_DIR} when the site is built "
                   f"inside the archive, else one folder per archive in ${CACHE_ENV} or the user's "
                   "cache folder)")


def _archive_root(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path:
    """ARCHIVE and --root name one folder; both given, they must agree."""
    given, root = args.archive, args.root
    if given is not None and root is not None and given.resolve() != root.resolve():
        parser.error(f"the archive folder is given twice, as {str(given)!r} and --root {str(root)!r}; give one")
    return given or root or Path(".")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archivegen", description="Build a static digital-archive site from record files.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"archivegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        add_archive(p)
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    b = sub.add_parser("build", help="validate and build the site into site/",
                       description="Validate every record and build the site. The previous site/ is "
                       "replaced only when the whole build succeeded.",
                       epilog="examples:\n  archivegen build my-archive\n  archivegen build my-archive --out public "
                       "--cache-dir /tmp/archivegen-cache",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    common(b)
    b.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site)")
    b.add_argument("--base-url", default=None, help="override archive.yaml's base_url")
    b.add_argument("--no-index", action="store_true", help="skip the search index")
    b.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                   help="worker processes for reading and rendering (default: every core)")
    add_cache_dir(b)
    c = sub.add_parser("check", help="validate without writing anything",
                       description="Report every problem in every record file; write nothing.",
                       epilog="examples:\n  archivegen check --strict\n  archivegen check my-archive",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    common(c)
    _add_workflow_commands(sub)
    return parser


def _add_workflow_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """serve, new and import: the archivist's day-to-day commands (docs/workflow.md)."""
    raw = argparse.RawDescriptionHelpFormatter
    t = sub.add_parser("init", help="start a new archive: settings, an example record, the publishing workflow",
                       formatter_class=raw, description=INIT_HELP, epilog=INIT_EXAMPLES)
    add_archive(t)
    t.add_argument("--title", default=None, help='the archive\'s name (default: "My Archive"; '
                   "archive.yaml can change it later)")
    t.set_defaults(run=_run_init)

    m = sub.add_parser("template", help="copy a default template into templates/ to change it",
                       formatter_class=raw, description=TEMPLATE_HELP, epilog=TEMPLATE_EXAMPLES)
    m.add_argument("name", nargs="?", default=None, metavar="NAME",
                   help="a default template, e.g. record.html or partials/record_item.html")
    add_archive(m)
    what = m.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the default templates and the archive's copies")
    what.add_argument("--diff", action="store_true", help="show how templates/NAME differs from the current default")
    what.add_argument("--accept", action="store_true",
                      help="mark templates/NAME as up to date with the current default (after comparing)")
    m.set_defaults(run=_run_template)
    s = sub.add_parser("serve", help="preview the site locally; rebuild and reload on every save",
                       formatter_class=raw, description=SERVE_HELP, epilog=SERVE_EXAMPLES)
    add_archive(s)
    add_cache_dir(s)
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 = any free)")
    s.add_argument("--base-url", default=None, help="override archive.yaml's base_url (its path is served)")
    s.add_argument("--no-index", action="store_true",
                   help="skip the search index (faster rebuilds; search does not work)")
    s.set_defaults(run=_run_serve)

    n = sub.add_parser("new", help="create a new record file with every field explained",
                       formatter_class=raw, description=NEW_HELP, epilog=NEW_EXAMPLES)
    n.add_argument("title", help="the record's title (quote it)")
    n.add_argument("--date", required=True, help="the document's date in EDTF: 1956-11-01, 1956-11, "
                   "1956, 1956~ (approximate), 195X (1950s), 1956-10-23/1956-11-04")
    n.add_argument("--collection", action="append", default=[], metavar="NAME",
                   help="a collection it belongs to (repeat for several)")
    n.add_argument("--id", default=None, help="the record id (file name) instead of one made from the title")
    add_archive(n)
    n.set_defaults(run=_run_new)

    i = sub.add_parser("import", help="create record files from a spreadsheet (CSV) export",
                       formatter_class=raw, description=IMPORT_HELP, epilog=IMPORT_EXAMPLES)
    i.add_argument("csv", type=Path, help="the spreadsheet, saved as CSV (UTF-8)")
    add_archive(i)
    i.add_argument("--strict", action="store_true", help="warnings also stop the import")
    i.set_defaults(run=_run_import)


INIT_HELP = """\
Create an archive in ARCHIVE (default: the current folder; created if missing): a commented
archive.yaml, documents/ with one example record, templates/ with a README on changing the
theme, .github/workflows/publish.yml (check pull requests, publish main on GitHub Pages),
.gitignore and a README for the archive's archivists. Existing files are never replaced:
they are listed as kept."""
INIT_EXAMPLES = """\
examples:
  archivegen init my-archive --title "Cold War Letters"
  cd my-archive && archivegen serve"""
TEMPLATE_HELP = """\
Copy one of archivegen's default templates into the archive's templates/ folder, where it
replaces the default; edit the copy. Its first line records which version of the default it
was copied from: when an upgrade of archivegen changes that default, 'archivegen check' and
'archivegen build' warn (templates/NAME:1: warning: template: ...), so a copy does not silently
miss the change. Compare with --diff, carry over what you want, then --accept."""
TEMPLATE_EXAMPLES = """\
examples:
  archivegen template --list
  archivegen template record.html            -> templates/record.html
  archivegen template record.html --diff     what differs from the current default
  archivegen template record.html --accept   the copy is up to date with the default"""
SERVE_HELP = """\
Build the site into ROOT/site and serve it on 127.0.0.1 under the base_url's path, as it will
be published. documents/, templates/ and archive.yaml are watched: every save rebuilds the
site and reloads the open browser tabs. A save that breaks the build prints the problems here
and shows them over the page; the last good site stays up until the next good save.
Ctrl-C stops."""
SERVE_EXAMPLES = """\
examples:
  archivegen serve                    http://127.0.0.1:8000/<base path>/
  archivegen serve --port 8080 --root my-archive
  archivegen serve --no-index         faster rebuilds, without search"""
NEW_HELP = """\
Write documents/<id>.md for a new record and print its path. The id is made from the title
(Kádár -> kadar) and never repeats an id used anywhere under documents/ (-2, -3… are added);
an existing file is never replaced. Every field is listed with a comment explaining it, and
the file passes 'archivegen check' as written. --date is required: a record needs its real
date to be filed under a year."""
NEW_EXAMPLES = """\
examples:
  archivegen new "Andropov Report, 1 November 1956" --date 1956-11-01 \\
      --collection "Hungarian Revolution, 1956"
  archivegen new "Letter to Tito" --date 1956-11~       (~: approximate)"""
IMPORT_HELP = f"""\
Create documents/<id>.md for every row of a spreadsheet saved as CSV (Excel's "CSV UTF-8"
works). The header row names the record fields:
{textwrap.fill(", ".join(f.name for f in FIELDS if f.imported), 96)}.
Cells of list fields are split on ';', or on line breaks when the
cell has any. An 'id' column is optional (the id is made from the title otherwise); a 'body'
or 'transcription' column holds the text.

Every row is checked as 'archivegen check' would check it. If any row has an error, nothing is
written and every problem is listed as FILE.csv:ROW: error: FIELD: message, with ROW numbered
as in the spreadsheet (the header is row 1). Existing files are never replaced."""
IMPORT_EXAMPLES = """\
example records.csv:
  id,title,date,people,collections,body
  ,"Andropov Report, 1 November 1956",1956-11-01,"Nagy, Imre; Kádár, János","Hungarian Revolution, 1956",**Top Secret**

examples:
  archivegen import records.csv
  archivegen import ~/Downloads/batch-3.csv --root my-archive"""


def _run_init(args: argparse.Namespace) -> int:
    from archivegen.commands.init import DEFAULT_TITLE, init_archive  # noqa: PLC0415 - only `init` needs it

    written, kept = init_archive(args.root, args.title or DEFAULT_TITLE)
    for path in written:
        print(f"created {path}")
    for path in kept:
        print(f"kept    {path} (exists)")
    where = "" if args.root.resolve() == Path.cwd().resolve() else f"cd {args.root} && "
    print(f"next: {where}archivegen serve   (then edit archive.yaml and add records: archivegen new)")
    return 0


def _run_template(args: argparse.Namespace) -> int:
    from archivegen.commands import templates  # noqa: PLC0415 - only `template` needs it

    if args.list:
        for line in templates.listing(args.root):
            print(line)
        return 0
    if args.name is None:
        print("archivegen: error: name a default template (archivegen template --list shows them)", file=sys.stderr)
        return 2
    if args.diff:
        print(templates.diff_template(args.root, args.name) or f"templates/{args.name} is the default as it is\n",
              end="")
        return 0
    if args.accept:
        print(f"{templates.accept_template(args.root, args.name)}: marked up to date with the default")
        return 0
    print(f"{templates.copy_template(args.root, args.name)}  (edit it; 'archivegen template --list' shows your copies)")
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from archivegen.commands.serve import serve  # noqa: PLC0415 - loads watchfiles; other commands start faster

    return serve(args.root, args.port, base_url=args.base_url, index=not args.no_index, cache_dir=args.cache_dir)


def _run_new(args: argparse.Namespace) -> int:
    from archivegen.commands.new import create_record  # noqa: PLC0415 - only `new` needs it

    path, problems = create_record(args.root, args.title, args.date, args.collection, args.id)
    _print_problems(problems)
    if path is None:
        print("nothing written", file=sys.stderr)
        return 1
    print(path)
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from archivegen.commands.importer import (  # noqa: PLC0415 - only `import` needs it
        import_fails,
        plan_import,
        write_rows,
    )

    if not args.csv.is_file():
        print(f"archivegen: error: {args.csv}: no such file", file=sys.stderr)
        return 1
    rows, problems = plan_import(args.root, args.csv)
    _print_problems(problems)
    if import_fails(problems, args.strict):
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        print(f"import failed: {errors} error(s), {len(problems) - errors} warning(s); nothing written",
              file=sys.stderr)
        return 1
    if not rows:
        print(f"archivegen: error: {args.csv.name} has a header but no records", file=sys.stderr)
        return 1
    try:
        written = write_rows(args.root, rows)
    except FileExistsError as exc:
        print(f"archivegen: error: {exc.filename} appeared during the import; nothing written", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"imported {len(written)} record(s) from {args.csv.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "list", False) and args.name is not None:
            # `template --list DIR`: the only positional is the archive folder.
            args.archive, args.name = args.name if args.archive is None else args.archive, None
            args.archive = Path(args.archive)
        if hasattr(args, "archive"):
            args.root = _archive_root(parser, args)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if getattr(args, "run", None) is not None:
            return int(args.run(args))
        if args.command == "check":
            problems = check_archive(args.root)
            _print_problems(problems)
            if has_errors(problems, args.strict):
                return 1
            print(f"ok: no errors ({sum(1 for p in problems)} warning(s))")
            return 0
        if args.command == "build":
            with Progress() as progress:
                result = build_archive(args.root, args.out, base_url=args.base_url, strict=args.strict,
                                       index=not args.no_index, jobs=args.jobs, progress=progress,
                                       cache_dir=args.cache_dir)
            _print_problems(result.problems)
            print(result.summary())
            if argv is None:
                # The command line: done. The interpreter's teardown would free the loaded archive
                # object by object (~1 s at 40,000 records, a tenth of an edit's build) for nothing.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)
            return 0
    except BuildFailed as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity is Severity.ERROR)
        print(f"build failed: {errors} error(s), {len(exc.problems) - errors} warning(s); site/ unchanged",
              file=sys.stderr)
        return 1
    except ArchivegenError as exc:
        print(f"archivegen: error: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
