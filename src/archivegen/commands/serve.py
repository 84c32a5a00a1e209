"""``archivegen serve``: build, serve the site at its base path, rebuild on save, reload the browser.

The preview is the published site: the same ``build_archive`` writes the normal ``site/`` (its
atomic swap means a request never sees a half-written site), and pages are served under the
base_url's path (``/archive/``), so every link behaves as it will once published.

Two things exist only in the served responses, never in the files on disk:

- ``/__archivegen/live.js`` and ``live.css``, referenced by a tag added before ``</body>`` of
  every HTML response. The script listens to ``/__archivegen/events`` (Server-Sent Events:
  the browser reconnects by itself) and reloads the page when a newer good build exists.
- the problem overlay: when the last save broke the build, every HTML response also carries the
  problem list (HTML-escaped), and the script keeps it current without a reload.

A failed rebuild prints its problems, keeps serving the last good site and retries on the
next save. Watching uses ``watchfiles`` (inotify/FSEvents/ReadDirectoryChanges through Rust's
``notify``; it groups an editor's burst of writes into one change set and ignores swap files).
"""

from __future__ import annotations

import contextlib
import html
import json
import mimetypes
import os
import posixpath
import queue
import re
import secrets
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from archivegen.build.pipeline import build_archive
from archivegen.problems import ArchivegenError, BuildFailed, Problem, Severity, os_error_message
from archivegen.records.settings import load_settings, normalise_base_url

PREFIX = "/__archivegen/"
#: Seconds between keep-alive comments on an idle event stream (also how soon a closed tab's
#: handler thread notices and ends).
KEEPALIVE = 10.0

LIVE_JS = """\
// archivegen serve: live reload and the problem overlay. Served by the preview only.
(function () {
  var me = document.currentScript;
  var build = me.getAttribute("data-build");
  function overlay(state) {
    var box = document.getElementById("archivegen-overlay");
    if (state.ok) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "archivegen-overlay";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.replaceChildren();
    var h = document.createElement("h2");
    h.textContent = "The last save broke the build; this is the last good site.";
    var pre = document.createElement("pre");
    pre.textContent = state.problems.join("\\n");  // text, never HTML
    var p = document.createElement("p");
    p.textContent = "Fix the file and save: the page reloads by itself.";
    box.append(h, pre, p);
  }
  var source = new EventSource("/__archivegen/events");
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (state.build !== build) { source.close(); location.reload(); return; }
    overlay(state);
  };
})();
"""

LIVE_CSS = """\
#archivegen-overlay { position: fixed; inset: auto 0 0 0; max-height: 60vh; overflow: auto;
  z-index: 2147483647; margin: 0; padding: 1rem 1.5rem; background: #fff4f4; color: #5c0000;
  border-top: 4px solid #b00020; font: 15px/1.5 system-ui, sans-serif;
  box-shadow: 0 -4px 16px rgba(0, 0, 0, .25); }
#archivegen-overlay h2 { margin: 0 0 .5rem; font-size: 1.1rem; }
#archivegen-overlay pre { margin: 0; white-space: pre-wrap; font: 14px/1.45 ui-monospace, monospace; }
#archivegen-overlay p { margin: .5rem 0 0; }
"""


@dataclass
class State:
    """What the server knows about the builds; guarded by ``changed``."""

    build: str
    """Identity of the site being served; changes with every good build (and every restart)."""
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    building: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def snapshot(self) -> dict[str, Any]:
        with self.changed:
            return {"build": self.build, "ok": self.ok, "problems": list(self.problems)}

    def update(self, **values: Any) -> None:
        with self.changed:
            for key, value in values.items():
                setattr(self, key, value)
            self.changed.notify_all()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive on Ctrl-C

    def __init__(self, address: tuple[str, int], site: Path, base_path: str, state: State) -> None:
        super().__init__(address, PreviewHandler)
        self.site = site
        self.base_path = base_path
        self.state = state
        self.stopping = threading.Event()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "archivegen-serve"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build problems, not one line per request

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        if not allowed_host(self.headers.get("Host"), self.server.server_address[1]):
            # DNS rebinding: a page from another site whose host name now points at 127.0.0.1
            # must not read the preview (issue 20). Browsers always send the name they asked for.
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8",
                              b"This preview answers only to localhost and 127.0.0.1.\n", head)
        path = unquote(urlsplit(self.path).path)
        base = self.server.base_path
        if _UNSAFE.search(path):  # control characters (CR LF: header injection) are never a site path
            return self._not_found(head, "Not found")
        if path.startswith(PREFIX):
            return self._internal(path[len(PREFIX):], head)
        if path == base.rstrip("/") or (base != "/" and path == "/"):
            return self._redirect(base)
        if not path.startswith(base):
            return self._not_found(head, f"This preview serves the site under {base}")
        # Normalised from a root, ".." cannot climb out; no leading "/" may make it absolute.
        rel = posixpath.normpath("/" + path[len(base):]).lstrip("/") or "."
        found = self._read(rel)
        if found == "dir":
            return self._redirect(quote(path, safe=_PATH_SAFE) + "/")
        if found is None or isinstance(found, str):
            return self._not_found(head, f"Nothing is built at {path}")
        data, ctype = found
        if ctype.startswith("text/html"):
            data = inject(data, self.server.state.snapshot())
        self._send(HTTPStatus.OK, ctype, data, head)

    def _read(self, rel: str) -> tuple[bytes, str] | str | None:
        """The file for a site path, read from the current ``site/`` at request time.

        A rebuild swaps ``site/`` with two renames; a request that lands between them finds no
        ``site/`` at all. Rather than answer 404, wait for the build to finish and look again.
        """
        for attempt in range(2):
            target = self.server.site / rel
            try:
                if target.is_dir():
                    if not self.path.split("?")[0].endswith("/"):
                        return "dir"
                    target = target / "index.html"
                data = read_inside(self.server.site, target)
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                if attempt == 0 and self._wait_for_build():
                    continue
                return None
            except OSError:  # a name too long, a symbolic link loop, a file we may not read
                return None
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
                ctype += "; charset=utf-8"
            return data, ctype
        return None

    def _wait_for_build(self) -> bool:
        """True when a build was running (or ``site/`` is missing) and has now finished."""
        state = self.server.state
        with state.changed:
            if not state.building and self.server.site.is_dir():
                return False
            state.changed.wait_for(lambda: not state.building, timeout=120)
        return True

    def _internal(self, name: str, head: bool) -> None:
        if name == "live.js":
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_JS.encode(), head)
        if name == "live.css":
            return self._send(HTTPStatus.OK, "text/css; charset=utf-8", LIVE_CSS.encode(), head)
        if name == "status":
            body = json.dumps(self.server.state.snapshot(), indent=1).encode()
            return self._send(HTTPStatus.OK, "application/json", body, head)
        if name == "events":
            return self._events()
        self._not_found(head, "Not found")

    def _events(self) -> None:
        """Server-Sent Events: the state now, then again on every change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, stopping = self.server.state, self.server.stopping
        last = None
        try:
            while not stopping.is_set():
                snap = state.snapshot()
                if snap != last:
                    self.wfile.write(f"data: {json.dumps(snap)}\n\n".encode())
                    last = snap
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                with state.changed:
                    state.changed.wait(timeout=KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, head: bool, message: str) -> None:
        base = html.escape(self.server.base_path)
        page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>Not found</title>"
                f"<body><h1>Not found</h1><p>{html.escape(message)}. "
                f'Go to <a href="{base}">{base}</a>.</p></body></html>')
        data = inject(page.encode(), self.server.state.snapshot())
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", data, head)

    def _send(self, status: HTTPStatus, ctype: str, data: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)


#: Characters a redirect's Location keeps as they are (the rest is percent-encoded again).
_PATH_SAFE = "/-._~!$&'()*+,;=:@"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")


def allowed_host(host: str | None, port: int) -> bool:
    """Whether a request's Host header names this preview (``localhost``, ``127.0.0.1`` or
    ``[::1]``, with this port or none). A request without one (HTTP/1.0 tools) is answered."""
    if host is None:
        return True
    found = re.fullmatch(r"(\[[0-9a-f:.]*\]|[^:\[\]]*)(?::([0-9]*))?", host.strip().lower())
    if found is None:
        return False
    name, given = found.group(1), found.group(2)
    if given and given != str(port):
        return False
    return name in _LOCAL_NAMES or name.endswith(".localhost")


def read_inside(site: Path, target: Path) -> bytes:
    """``target``'s bytes, refused (FileNotFoundError) when it resolves outside ``site``: a
    symbolic link in the site must not serve the machine's other files."""
    real = os.path.realpath(target)
    if not real.startswith(os.path.realpath(site) + os.sep):
        raise FileNotFoundError(target)
    with open(real, "rb") as f:
        return f.read()


def inject(page: bytes, state: dict[str, Any]) -> bytes:
    """The page plus the live-reload script (and the problem overlay while the build is broken)."""
    tags = (f'<link rel="stylesheet" href="{PREFIX}live.css">'
            f'<script src="{PREFIX}live.js" data-build="{html.escape(state["build"])}"></script>')
    if not state["ok"]:
        problems = html.escape("\n".join(state["problems"]))
        tags += ('<div id="archivegen-overlay" role="alert"><h2>The last save broke the build; this is '
                 f"the last good site.</h2><pre>{problems}</pre><p>Fix the file and save: the page "
                 "reloads by itself.</p></div>")
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + tags.encode()
    return page[:at] + tags.encode() + page[at:]


class _Watcher:
    """Feeds change sets from ``documents/``, ``templates/``, ``authorities/`` and ``archive.yaml`` into a queue.

    Two watches: the two folders recursively, and the archive folder itself without recursion
    (for archive.yaml, and for documents/ or templates/ appearing). Watching the whole archive
    recursively would also watch site/ and the build's staging folder, thousands of folders
    created and deleted by every build.
    """

    WATCHED = ("documents", "templates", "authorities")

    def __init__(self, root: Path, changes: queue.Queue[set[str]]) -> None:
        self.root, self.changes = root, changes
        self.stop = threading.Event()
        self._tree_stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._spawn(self._top_level)
        self._start_tree()

    def _start_tree(self) -> None:
        self._tree_stop = threading.Event()
        folders = [self.root / name for name in self.WATCHED if (self.root / name).is_dir()]
        if folders:
            self._spawn(lambda: self._tree(folders, self._tree_stop))

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True, name="archivegen-watch")
        thread.start()
        self._threads.append(thread)

    def _tree(self, folders: list[Path], stop: threading.Event) -> None:
        import watchfiles  # noqa: PLC0415 - a native module, loaded only when watching

        for changes in watchfiles.watch(*folders, stop_event=_Either(stop, self.stop),
                                        raise_interrupt=False, rust_timeout=500):
            self.changes.put(self._relative(changes))

    def _top_level(self) -> None:
        import watchfiles  # noqa: PLC0415 - a native module, loaded only when watching

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return Path(path).name in ("archive.yaml", *self.WATCHED)

        for changes in watchfiles.watch(self.root, watch_filter=wanted, recursive=False,
                                        stop_event=self.stop, raise_interrupt=False, rust_timeout=500):
            names = self._relative(changes)
            if names & set(self.WATCHED):  # a watched folder appeared or went: watch anew
                self._tree_stop.set()
                self._start_tree()
            self.changes.put(names)

    def _relative(self, changes: Iterable[tuple[Any, str]]) -> set[str]:
        out = set()
        for _, path in changes:
            try:
                out.add(Path(path).relative_to(self.root).as_posix())
            except ValueError:
                out.add(path)
        return out

    def close(self) -> None:
        self.stop.set()
        self._tree_stop.set()
        for thread in self._threads:
            thread.join(timeout=2)


class _Either:
    """An event that is set when either of two is (``watchfiles`` takes one stop event)."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()


def _say(message: str, err: bool = False) -> None:
    print(message, file=sys.stderr if err else sys.stdout, flush=True)


def _rebuild(root: Path, state: State, base_url: str | None, index: bool, epoch: str,
             count: list[int], cache_dir: Path | None = None) -> str | None:
    """One build; on success the browsers reload, on failure they show the problems.

    Returns the base path the new site was built for (None when the build failed). archive.yaml
    is read once, here, and its base_url handed to the build: reading it again after the build
    could see a newer save than the one built, and serve the site under a path it was not built for.
    """
    state.update(building=True)
    started = time.perf_counter()
    if base_url is None:
        settings, _ = load_settings(root)
        built_for = settings.base_url if settings is not None else None
    else:
        built_for = base_url
    try:
        result = build_archive(root, base_url=built_for, index=index, cache_dir=cache_dir)
    except BuildFailed as exc:
        _report_failure(state, exc.problems)
        return None
    except ArchivegenError as exc:
        _report_failure(state, [], f"archivegen: error: {exc}")
        return None
    except OSError as exc:  # disk full, read-only output…: one line (issue 20)
        near = f"into {root / 'site'}"
        _report_failure(state, [], f"archivegen: error: {os_error_message(exc, near)}")
        return None
    except Exception:  # a bug in a build must not end the preview; show it and carry on
        _report_failure(state, [], traceback.format_exc().rstrip())
        return None
    finally:
        state.update(building=False)
    for p in result.problems:
        _say(p.format(), err=True)
    count[0] += 1
    state.update(build=f"{epoch}-{count[0]}", ok=True, problems=[])
    _say(f"built {result.records} records, {result.pages} pages, {result.warnings} warning(s) "
         f"in {time.perf_counter() - started:.1f} s")
    return _base_path(root, built_for)


def _report_failure(state: State, problems: list[Problem], extra: str = "") -> None:
    lines = [p.format() for p in problems] + ([extra] if extra else [])
    for line in lines:
        _say(line, err=True)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    _say(f"build failed: {errors or len(lines)} error(s); still serving the last good site; "
         "fix and save to retry", err=True)
    state.update(ok=False, problems=lines)


def serve(root: Path, port: int = 8000, *, base_url: str | None = None, index: bool = True,
          cache_dir: Path | None = None) -> int:
    """Build, serve and watch until Ctrl-C; returns the exit code (0)."""
    root = root.resolve()
    base_path = _base_path(root, base_url)
    epoch = secrets.token_hex(4)  # a restarted server reloads pages served by the previous one
    state = State(build=f"{epoch}-0")
    count = [0]
    changes: queue.Queue[set[str]] = queue.Queue()
    watcher = _Watcher(root, changes)
    server: PreviewServer | None = None
    # SIGTERM (a terminal closing, a process manager) ends the preview as cleanly as Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    # A shell starts background jobs with SIGINT ignored, and Python then keeps ignoring it:
    # Ctrl-C (or kill -INT) must stop the preview however it was started.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        try:
            server = PreviewServer(("127.0.0.1", port), root / "site", base_path, state)
        except OSError as exc:
            _say(f"archivegen: error: cannot listen on 127.0.0.1:{port}: {exc.strerror}; "
                 "try another --port (0 picks a free one)", err=True)
            return 1
        threading.Thread(target=server.serve_forever, daemon=True, name="archivegen-http").start()
        watcher.start()  # before the first build, so a save during it is not missed
        _rebuild(root, state, base_url, index, epoch, count, cache_dir)
        host, bound = server.socket.getsockname()[:2]
        _say(f"serving http://{host}:{bound}{base_path}  (watching documents/, templates/, authorities/, "
             "archive.yaml; Ctrl-C to stop)")
        while True:
            changed = changes.get()
            while True:  # one rebuild for everything saved meanwhile
                try:
                    changed |= changes.get(timeout=0.05)
                except queue.Empty:
                    break
            # Editors' and sed's temporary files come and go within one change set: name the rest.
            named = sorted(p for p in changed if (root / p).exists() or p.endswith((".md", ".yaml")))
            shown = ", ".join(named[:3]) + (" …" if len(named) > 3 else "")
            _say(f"changed: {shown}; rebuilding")
            moved = _rebuild(root, state, base_url, index, epoch, count, cache_dir)
            if moved is not None and moved != server.base_path:
                server.base_path = moved  # archive.yaml's base_url changed: follow it
                _say(f"serving http://{host}:{bound}{moved}")
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        watcher.close()
        if server is not None:
            server.stopping.set()
            state.update()  # wake the event streams so they end
            server.shutdown()
            server.server_close()
    return 0


def _base_path(root: Path, base_url: str | None) -> str:
    """The path the site is served under: base_url's path ('/archive/')."""
    if base_url is not None:
        path = urlsplit(normalise_base_url(base_url)).path
    else:
        settings, _ = load_settings(root)
        path = settings.base_path if settings is not None else "/"  # broken: shown until fixed
    return path if path.endswith("/") else path + "/"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
