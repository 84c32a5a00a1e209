"""Issue 20, findings 2 and 3: two builds at once, and kill -9 at any moment of a build.

``ARCHIVEGEN_FAULT_RUNS`` (default 3) sets how many pairs of simultaneous builds each test
runs; the issue's figure is 20 (``ARCHIVEGEN_FAULT_RUNS=20``).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from support import archive, clean_build, edit, leftovers, start_build, tree

RUNS = int(os.environ.get("ARCHIVEGEN_FAULT_RUNS", "3"))
N = 60
#: Pagefind's own output differs between runs of the same input (see test_determinism): the
#: pages are compared here, the index where it is the subject.
PAGES = ("pagefind/",)

pytestmark = pytest.mark.slow


def _finish(proc, timeout: float = 300) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    _, err = proc.communicate(timeout=timeout)  # a hang fails the test here
    return proc.returncode, err


@pytest.mark.parametrize("change", ["records", "archive.yaml"])
def test_issue20_two_builds_at_once_both_finish_and_the_site_is_whole(tmp_path: Path, change: str):
    root = archive(tmp_path / "archive", N)
    assert _finish(start_build(root))[0] == 0
    for run in range(RUNS):
        if change == "records":
            edit(root, N, f"Edit {run}.")
        else:
            yaml = root / "archive.yaml"
            lines = [f"description: Run {run} of a small archive." if line.startswith("description:") else line
                     for line in yaml.read_text(encoding="utf-8").splitlines()]
            yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
        first, second = start_build(root), start_build(root)
        results = [_finish(first), _finish(second)]
        for code, err in results:
            assert code == 0, err
            assert "Traceback" not in err
        assert any("another build of this archive is running" in err for _, err in results)
        expected = clean_build(root, tmp_path / f"clean-{run}")
        assert tree(root / "site", PAGES) == tree(expected, PAGES)
        assert not leftovers(root)


def _moments(duration: float, count: int = 10) -> list[float]:
    """``count`` kill times spread over a build that takes ``duration`` seconds."""
    return [0.15 + duration * i / (count - 1) for i in range(count)]


@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_issue20_kill_9_leaves_the_old_site_or_the_new_one(tmp_path: Path, kind: str):
    root = archive(tmp_path / "archive", N)
    assert _finish(start_build(root))[0] == 0
    extra = () if kind == "incremental" else ("--base-url", "/")  # another base URL: a full build
    outcomes: list[str] = []
    started = time.monotonic()
    edit(root, N, "Timing edit.")
    assert _finish(start_build(root, *extra))[0] == 0
    duration = time.monotonic() - started
    # The edits take two texts in turn, so each build changes the site (from the other text, and
    # for a full build from the other base URL too) and the clean build of each state is made once.
    clean: dict[tuple[str, tuple[str, ...]], dict[str, bytes]] = {}
    for i, moment in enumerate(_moments(duration)):
        old = tree(root / "site", PAGES)
        text = ("Edit A.", "Edit B.")[i % 2]
        edit(root, N, text)
        if (text, extra) not in clean:
            clean[text, extra] = tree(clean_build(root, tmp_path / f"clean-{len(clean)}", *extra), PAGES)
        new = clean[text, extra]
        assert new != old
        proc = start_build(root, *extra)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.3)  # a commit that had started finishes in its own process
        now = tree(root / "site", PAGES)
        assert now in (old, new), f"kill at {moment:.2f} s tore the site"
        outcomes.append("old" if now == old else "new")
        # The next build finishes the job and clears what the killed one left.
        code, err = _finish(start_build(root, *extra))
        assert code == 0, err
        assert tree(root / "site", PAGES) == new
        assert not leftovers(root)
        if kind == "full":
            extra = () if extra else ("--base-url", "/")
    print(f"{kind}: site after each kill: {outcomes}")
    assert "old" in outcomes  # the kills did land while the build was running


def test_issue20_leftovers_of_killed_builds_are_removed(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    assert _finish(start_build(root))[0] == 0
    dead = 4_000_000  # above the kernel's pid limit: never a live process
    (root / f".site-staging-{dead}" / "records").mkdir(parents=True)
    (root / f".site-old-{dead}-123" / "x").mkdir(parents=True)
    (root / ".archivegen-cache" / "search" / f".1-0-new-{dead}").mkdir(parents=True)
    (root / ".archivegen-cache" / f"manifest-x.pickle.tmp-{dead}").write_bytes(b"half")
    pickle_file = Path("/tmp") / f".archivegen-render-{dead}-x.pickle"
    pickle_file.write_bytes(b"half")
    edit(root, 6, "Changed.")
    code, err = _finish(start_build(root))
    assert code == 0, err
    deadline = time.monotonic() + 10  # old trees go through a background rm
    while [p for p in root.iterdir() if p.name.startswith(".site-")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p.name for p in root.iterdir() if p.name.startswith(".site-")]
    assert not leftovers(root)
    assert not pickle_file.exists()


def test_issue20_a_pagefind_run_that_does_not_finish_is_stopped(tmp_path: Path):
    root = archive(tmp_path / "archive", 6)
    assert _finish(start_build(root))[0] == 0
    before = tree(root / "site")
    edit(root, 6, "Changed.")
    started = time.monotonic()
    code, err = _finish(start_build(root, env={"ARCHIVEGEN_PAGEFIND_TIMEOUT": "0.01"}), timeout=120)
    assert code == 1
    assert "pagefind did not finish indexing" in err and "was stopped" in err
    assert "Traceback" not in err
    assert time.monotonic() - started < 60
    assert tree(root / "site") == before


def test_issue20_kill_9_in_the_middle_of_the_commit_does_not_tear_the_site(tmp_path: Path):
    """The build process is killed exactly between two of the commit's moves into site/ (the
    third move sends the SIGKILL): the site must still end as the old one or the new one."""
    from archivegen.build.pipeline import build_archive

    root = archive(tmp_path / "archive", N)
    assert _finish(start_build(root, "--no-index"))[0] == 0
    old = tree(root / "site")
    edit(root, N, "Killed mid-commit.")
    new = tree(clean_build(root, tmp_path / "clean", "--no-index"))
    pid = os.fork()
    if pid == 0:  # the build process
        build_pid, real_replace, moves = os.getpid(), os.replace, []

        def replace(src, dst):  # type: ignore[no-untyped-def]
            if ".site-staging-" in str(src):
                moves.append(dst)
                if len(moves) == 3:
                    os.kill(build_pid, signal.SIGKILL)
                    time.sleep(1)  # the signal lands before the next move
            real_replace(src, dst)

        os.replace = replace  # type: ignore[assignment]
        try:
            build_archive(root, index=False, jobs=1)
        finally:
            os._exit(0)  # not reached when the kill landed
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    time.sleep(1.5)  # the commit finishes in its own process
    now = tree(root / "site")
    assert now in (old, new), f"torn: {sum(now.get(k) == v for k, v in new.items())} new files"
    assert now == new
