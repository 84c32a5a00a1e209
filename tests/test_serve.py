"""archivegen serve, driven for real: a subprocess on a free port, files edited on disk."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import SRC, record_text

sys.path.insert(0, str(SRC))

from archivegen.commands.serve import PreviewServer, State


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    """GET without following redirects: (status, body, headers)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


class Preview:
    """``archivegen serve --port 0`` in a subprocess, with its output collected as it comes."""

    def __init__(self, root: Path, *extra: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(SRC), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "archivegen", "serve", "--port", "0",
                                      "--root", str(root), *extra],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()
        line = wait_for(lambda: next((x for x in self.out if "serving http" in x), None), timeout=90,
                        what=f"the URL (stderr so far: {self.err})")
        self.url = re.search(r"http://\S+", line).group(0)
        self.origin = re.match(r"http://[^/]+", self.url).group(0)

    @staticmethod
    def _pump(stream, sink: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink.append(line)

    def status(self) -> dict:
        return json.loads(fetch(self.origin + "/__archivegen/status")[1])

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=20)


@pytest.fixture
def preview(tmp_archive):  # type: ignore[no-untyped-def]
    started: list[Preview] = []

    def start(records: dict[str, str], *extra: str) -> tuple[Preview, Path]:
        root = tmp_archive(records)
        p = Preview(root, *extra)
        started.append(p)
        return p, root

    yield start
    for p in started:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait()


def test_serve_prints_its_url_under_the_base_path_and_redirects_the_root_there(preview):
    p, _ = preview({"a.md": record_text("First record")})
    assert p.url.startswith("http://127.0.0.1:") and p.url.endswith("/archive/")
    status, _, headers = fetch(p.origin + "/")
    assert status == 302 and headers["Location"] == "/archive/"
    status, html, _ = fetch(p.url + "records/a/")
    assert status == 200 and "First record" in html
    status, _, headers = fetch(p.url + "records/a")
    assert status == 302 and headers["Location"] == "/archive/records/a/"
    status, html, _ = fetch(p.origin + "/records/a/")
    assert status == 404 and "/archive/" in html

def test_serve_never_serves_files_outside_the_site(preview, tmp_path: Path):
    p, _root = preview({"a.md": record_text("First record")})
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    port = p.origin.rsplit(":", 1)[1]
    import http.client

    for path in (f"/archive/{secret}", f"/archive//{secret}", "/archive/../archive.yaml",
                 "/archive/%2e%2e/archive.yaml", "/archive/records/../../documents/a.md",
                 f"/archive/{'/..' * 20}{secret}"):
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        conn.request("GET", path)  # sent as written, not normalised by a client
        resp = conn.getresponse()
        body = resp.read().decode()
        conn.close()
        assert resp.status == 404, (path, resp.status)
        assert "do not serve" not in body and "title:" not in body


def test_serve_injects_the_reload_script_into_responses_but_not_into_the_built_files(preview):
    p, root = preview({"a.md": record_text("First record")})
    _, html, _ = fetch(p.url + "records/a/")
    assert '<script src="/__archivegen/live.js"' in html
    on_disk = (root / "site" / "records" / "a" / "index.html").read_text()
    assert "__archivegen" not in on_disk
    status, js, headers = fetch(p.origin + "/__archivegen/live.js")
    assert status == 200 and "EventSource" in js and headers["Content-Type"].startswith("text/javascript")


def test_serve_shows_a_saved_edit_within_seconds(preview):
    p, root = preview({"a.md": record_text("First record", body="The original transcription.")})
    assert "The original transcription." in fetch(p.url + "records/a/")[1]
    (root / "documents" / "a.md").write_text(record_text("First record", body="An edited transcription."))
    wait_for(lambda: "An edited transcription." in fetch(p.url + "records/a/")[1], what="the edit")
    (root / "documents" / "b.md").write_text(record_text("A second record"))
    wait_for(lambda: fetch(p.url + "records/b/")[0] == 200, what="the new record's page")
    assert p.stop() == 0


def test_serve_reports_a_broken_save_keeps_the_last_good_site_and_recovers(preview):
    p, root = preview({"a.md": record_text("First record", body="Good text.")})
    first = p.status()
    assert first["ok"] is True
    (root / "documents" / "a.md").write_text(record_text("First record", date="<b>1956-13-01", body="Broken."))
    state = wait_for(lambda: next((s for s in [p.status()] if not s["ok"]), None), what="the failed build")
    assert state["build"] == first["build"]  # still the last good site
    assert any('documents/a.md:3: error: date: "<b>1956-13-01"' in line for line in state["problems"])
    wait_for(lambda: any("documents/a.md:3: error: date:" in line for line in p.err), what="terminal output")
    assert any("still serving the last good site" in line for line in p.err)

    status, html, _ = fetch(p.url + "records/a/")
    assert status == 200 and "Good text." in html and "Broken." not in html
    overlay = re.search(r'<div id="archivegen-overlay".*?</div>', html, re.S).group(0)
    assert "&lt;b&gt;1956-13-01" in overlay and "<b>" not in overlay  # escaped

    (root / "documents" / "a.md").write_text(record_text("First record", body="Fixed text."))
    state = wait_for(lambda: next((s for s in [p.status()] if s["ok"]), None), what="recovery")
    assert state["build"] != first["build"] and state["problems"] == []
    status, html, _ = fetch(p.url + "records/a/")
    assert "Fixed text." in html and "archivegen-overlay" not in html
    assert p.stop() == 0


def test_serve_rebuilds_when_archive_yaml_changes_and_follows_its_base_path(preview):
    p, root = preview({"a.md": record_text("First record")})
    text = (root / "archive.yaml").read_text()
    (root / "archive.yaml").write_text(text.replace("title: Test Archive", "title: Renamed Archive"))
    wait_for(lambda: "Renamed Archive" in fetch(p.url)[1], what="the new title")
    (root / "archive.yaml").write_text(text.replace("example.org/archive/", "example.org/other/"))
    wait_for(lambda: fetch(p.origin + "/other/records/a/")[0] == 200, what="the new base path")
    assert 'href="/other/assets/style.css"' in fetch(p.origin + "/other/records/a/")[1]


def test_serve_starts_on_a_broken_archive_and_serves_it_once_fixed(preview):
    p, root = preview({"a.md": record_text("First record", date="1956-02-30")})
    assert p.status()["ok"] is False
    status, html, _ = fetch(p.url + "records/a/")
    assert status == 404 and "February 1956 has 29 days" in html and "archivegen-overlay" in html
    (root / "documents" / "a.md").write_text(record_text("First record", date="1956-02-29"))
    wait_for(lambda: fetch(p.url + "records/a/")[0] == 200, what="the fixed site")
    assert p.stop() == 0


def test_serve_exits_0_without_a_traceback_on_ctrl_c(preview):
    p, _ = preview({"a.md": record_text("First record")})
    fetch(p.url)
    # An open event stream (a browser tab) must not keep the server alive.
    stream = urllib.request.urlopen(p.origin + "/__archivegen/events", timeout=30)
    assert stream.readline().startswith(b"data: ")
    assert p.stop() == 0
    time.sleep(0.2)
    assert not any("Traceback" in line for line in p.err), "".join(p.err)
    assert any("stopped" in line for line in p.out)
    stream.close()


def test_serve_never_answers_404_for_a_page_during_rebuilds(preview):
    records = {f"r{i:03d}.md": record_text(f"Record {i}", body="Text. " * 200) for i in range(60)}
    p, root = preview(records)
    failures: list[int] = []
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():
            status, html, _ = fetch(p.url + "records/r000/")
            if status != 200 or "</html>" not in html:
                failures.append(status)

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        for n in range(3):
            before = p.status()["build"]
            (root / "documents" / "r001.md").write_text(record_text(f"Record 1 edit {n}"))
            wait_for(lambda b=before: p.status()["build"] != b, timeout=60, what=f"rebuild {n}")
    finally:
        done.set()
        thread.join()
    assert failures == []


def test_a_request_during_the_swap_waits_for_the_new_site(tmp_path: Path):
    """The swap renames site/ away and the new one in; a request in between must not 404."""
    site = tmp_path / "site"
    (site / "records" / "a").mkdir(parents=True)
    (site / "records" / "a" / "index.html").write_text("<html><body>old</body></html>")
    state = State(build="x-1")
    server = PreviewServer(("127.0.0.1", 0), site, "/", state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        state.update(building=True)
        site.rename(tmp_path / "site-old")  # the moment between the swap's two renames
        result: list[tuple[int, str, dict[str, str]]] = []
        request = threading.Thread(target=lambda: result.append(
            fetch(f"http://127.0.0.1:{server.server_address[1]}/records/a/")))
        request.start()
        time.sleep(0.5)
        assert result == []  # still waiting, not answered 404
        (site / "records" / "a").mkdir(parents=True)
        (site / "records" / "a" / "index.html").write_text("<html><body>new</body></html>")
        state.update(building=False, build="x-2")
        request.join(timeout=10)
        status, html, _ = result[0]
        assert status == 200 and "new" in html and 'data-build="x-2"' in html
    finally:
        server.stopping.set()
        state.update()
        server.shutdown()
        server.server_close()




@pytest.mark.browser
def test_the_open_tab_reloads_by_itself_after_a_save_and_shows_problems(preview, chromium):
    from playwright.sync_api import expect

    p, root = preview({"a.md": record_text("First record", body="Before the save.")})
    record = root / "documents" / "a.md"
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(p.url + "records/a/")
        expect(page.locator(".transcription")).to_contain_text("Before the save.", timeout=15_000)
        page.evaluate("window.__notReloaded = true")

        record.write_text(record_text("First record", body="After the save."))
        expect(page.locator(".transcription")).to_contain_text("After the save.", timeout=20_000)
        assert page.evaluate("window.__notReloaded === undefined")  # a real reload

        page.evaluate("window.__notReloaded = true")
        record.write_text(record_text("First record", date="1956-13-01", body="Broken."))
        overlay = page.locator("#archivegen-overlay")
        expect(overlay).to_be_visible(timeout=20_000)
        expect(overlay).to_contain_text('documents/a.md:3: error: date: "1956-13-01"')
        expect(page.locator(".transcription")).to_contain_text("After the save.")
        assert page.evaluate("window.__notReloaded === true")  # shown without a reload

        record.write_text(record_text("First record", body="Fixed."))
        expect(page.locator(".transcription")).to_contain_text("Fixed.", timeout=20_000)
        expect(overlay).to_have_count(0)
    finally:
        context.close()
    assert p.stop() == 0
