"""problems.py: the one output format, sorting, and what --strict counts."""

from __future__ import annotations

from archivegen.problems import error, has_errors, sort_problems, warning


def test_format_is_path_line_severity_field_message() -> None:
    assert error("documents/x.md", 3, "date", "bad").format() == "documents/x.md:3: error: date: bad"
    assert warning("archive.yaml", 0, "file", "odd").format() == "archive.yaml: warning: file: odd"


def test_sorted_by_path_then_line_and_deduplicated() -> None:
    problems = [error("documents/b.md", 1, "id", "x"), error("documents/a.md", 10, "date", "x"),
                error("documents/a.md", 2, "title", "x"), error("documents/a.md", 2, "title", "x")]
    assert [(p.path, p.line) for p in sort_problems(problems)] == [
        ("documents/a.md", 2), ("documents/a.md", 10), ("documents/b.md", 1)]


def test_strict_counts_warnings() -> None:
    only_warning = [warning("documents/a.md", 1, "x", "y")]
    assert not has_errors(only_warning) and has_errors(only_warning, strict=True)
    assert not has_errors([], strict=True)
