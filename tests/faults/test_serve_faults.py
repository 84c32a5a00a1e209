"""Issue 20, finding 9: ``serve`` against hostile requests, sent byte for byte over a socket.

Header injection through a redirect, paths that used to drop the connection with a traceback,
symbolic links out of site/, and Host headers of other sites (DNS rebinding).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archivegen.commands.serve import PreviewServer, State


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path]]:
    site = tmp_path / "site"
    (site / "records" / "a").mkdir(parents=True)
    (site / "records" / "a" / "index.html").write_text("<html><body>record a</body></html>")
    (site / "\u2026").mkdir()
    (tmp_path / "secret.txt").write_text("the machine's own file")
    server = PreviewServer(("127.0.0.1", 0), site, "/", State(build="x-1"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, site
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def raw_get(server: PreviewServer, target: str, host: str | None = "default") -> tuple[int, bytes, bytes]:
    """Send a GET line exactly as given: (status, header block, body)."""
    port = server.server_address[1]
    lines = [f"GET {target} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {f'127.0.0.1:{port}' if host == 'default' else host}")
    lines.append("Connection: close")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data, f"the connection was dropped without an answer for {target!r}"
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def test_issue20_a_crlf_in_a_redirected_path_injects_no_header(preview, capfd):
    server, _ = preview
    status, head, _ = raw_get(server, "/records/a%0d%0aSet-Cookie:%20owned=1")
    assert b"Set-Cookie" not in head and b"owned" not in head.split(b"\r\n", 1)[1].split(b"Location")[0]
    assert status == 404
    # A real folder whose redirect carries the injection attempt after it:
    status, head, _ = raw_get(server, "/records%0d%0aSet-Cookie:%20owned=1/../a")
    assert not [line for line in head.split(b"\r\n") if line.lower().startswith(b"set-cookie")]
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("target", ["/%E2%80%A6", "/%E2%80%A6/..", "/" + "x" * 300, "/" + "y" * 300 + "/",
                                    "/records/%ff%fe", "/loop", "/loop/"])
def test_issue20_odd_paths_get_an_answer_not_a_traceback(preview, capfd, target: str):
    server, site = preview
    os.symlink("loop", site / "loop")  # a link to itself: ELOOP
    status, head, _ = raw_get(server, target)
    assert status in (200, 302, 404)
    if status == 302:
        location = next(line for line in head.split(b"\r\n") if line.startswith(b"Location:"))
        assert location.decode("ascii").endswith("/")  # percent-encoded, so it is ASCII
    assert "Traceback" not in capfd.readouterr().err


def test_issue20_the_redirect_of_a_non_ascii_folder_is_percent_encoded(preview):
    server, _ = preview
    status, head, _ = raw_get(server, "/%E2%80%A6")
    assert status == 302
    assert b"Location: /%E2%80%A6/\r\n" in head + b"\r\n"


def test_issue20_symlinks_out_of_the_site_are_not_followed(preview, tmp_path: Path):
    server, site = preview
    os.symlink(tmp_path / "secret.txt", site / "leak.txt")
    os.symlink(tmp_path, site / "up")
    os.symlink("records/a/index.html", site / "inside.html")  # inside the site: served
    for target in ("/leak.txt", "/up/secret.txt"):
        status, _, body = raw_get(server, target)
        assert status == 404 and b"machine's own file" not in body
    status, _, body = raw_get(server, "/inside.html")
    assert status == 200 and b"record a" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "127.0.0.1:1", "localhost:{port}@evil.example"])
def test_issue20_other_host_names_are_refused(preview, host: str):
    server, _ = preview
    status, _, body = raw_get(server, "/records/a/", host=host.format(port=server.server_address[1]))
    assert status == 421 and b"record a" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", None])
def test_issue20_its_own_host_names_are_answered(preview, host: str | None):
    server, _ = preview
    status, _, body = raw_get(server, "/records/a/", host=host.format(port=server.server_address[1]) if host else None)
    assert status == 200 and b"record a" in body
