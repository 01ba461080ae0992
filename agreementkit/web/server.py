"""Starting `agreementkit serve`: the draft to work on, the socket, and uvicorn.

Everything that can be refused is refused before the server starts, with a
message and no traceback: a file that is neither a draft nor a valid answers
file, a draft already waiting where a new one would go, a library that does
not load, a port in use. The socket is bound here rather than by uvicorn so
that "port in use" is our sentence, not a log line.
"""

from __future__ import annotations

import errno
import socket
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..interview.draft import Draft, load_draft
from ..render import DEFAULT_FORMATS
from .security import LOOPBACK, allowed_hosts, new_token
from .session import DraftSession

if TYPE_CHECKING:
    from .app import Served

DEFAULT_PORT = 8765
DRAFT_NAME = "agreementkit-draft.yaml"


@dataclass
class Opened:
    """The draft a server will work on, and what to tell the person about it."""

    draft: Draft
    notes: list[str] = field(default_factory=list)


def _is_draft(path: Path) -> bool:
    from ..yamlfile import parse_yaml, read_text

    data = parse_yaml(read_text(path, "answers or draft"), str(path)).data
    return isinstance(data, dict) and "agreementkit_draft" in data


def open_draft(source: Path | None, *, output: Path, draft_path: Path | None = None, quick: bool = False,
               libraries: list[Path] | None = None) -> Opened:
    """The draft to serve: `source` as a draft to resume, or as an answers file to
    revise (as `new --from`); without it, the draft in the output folder if one is
    there, else a new one."""
    layers = [str(p) for p in libraries or []]
    path = draft_path or output / DRAFT_NAME
    notes: list[str] = []
    if source is not None and _is_draft(source):
        draft = load_draft(source)
        notes.append(f"Resuming the draft {source} ({len(draft.log)} answers so far).")
    elif source is not None:
        from ..answers import load_answers
        from ..questions.spec import load_interview

        if path.exists():
            raise UserError(f"{path} already holds a draft; resume it with `agreementkit serve {path}`, "
                            "or give --draft PATH to keep the new one elsewhere")
        answers = load_answers(source, interview=load_interview(layers))
        draft = Draft(path, quick=quick, defaults=answers.model_dump(mode="json", exclude_none=True), output=str(output),
                      formats=list(DEFAULT_FORMATS), libraries=layers)
        notes.append(f"Revising {source}: every question proposes its answer; the draft is kept at {path}.")
    elif path.exists():
        draft = load_draft(path)
        notes.append(f"Resuming the draft {path} ({len(draft.log)} answers so far).")
    else:
        draft = Draft(path, quick=quick, output=str(output), formats=list(DEFAULT_FORMATS), libraries=layers)
        notes.append(f"A new draft: every answer is saved at once to {path}.")
    if libraries is not None and layers != draft.libraries:
        notes.append(f"Using --library {' '.join(layers)} instead of the layers the draft was made with "
                      f"({', '.join(draft.libraries) or 'none'}).")
        draft.libraries = layers
    return Opened(draft, notes)


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket: the port asked for, or the default one (the next free
    one when it is taken); a port asked for and taken is refused with a message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    candidates = [port] if port is not None else [DEFAULT_PORT + n for n in range(20)] + [0]
    last: OSError | None = None
    for candidate in candidates:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
            sock.listen(64)
            sock.set_inheritable(True)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
            if port is not None:
                break
    assert last is not None
    if last.errno == errno.EADDRINUSE:
        raise UserError(f"port {port} on {host} is in use (another agreementkit serve?); choose another with --port, "
                        "or leave --port out to take a free one")
    if last.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(last, socket.gaierror):
        raise UserError(f"cannot listen on --host {host}: it is not an address of this machine")
    if last.errno == errno.EACCES:
        raise UserError(f"not allowed to listen on port {port} (ports below 1024 need privileges); choose another with --port")
    raise UserError(f"cannot listen on {host}:{port}: {last.strerror}")


@dataclass
class Server:
    """A bound, not yet running server: its address and token are known before it serves."""

    sock: socket.socket
    app: Any
    url: str
    host: str
    port: int
    session: DraftSession
    served: Served
    _uvicorn: Any = None

    @property
    def local_only(self) -> bool:
        return self.host in LOOPBACK

    @property
    def lan_url(self) -> str | None:
        """The address another device on this network opens (a client's tablet): the machine's own
        network address rather than 127.0.0.1; None when it listens on this machine only or has none."""
        if self.local_only:
            return None
        address = lan_address() if self.host in ("0.0.0.0", "::") else self.host
        if address is None:
            return None
        shown = f"[{address}]" if ":" in address else address
        return f"http://{shown}:{self.port}/?token={self.served.token}"

    def run(self, open_browser: bool = False) -> None:
        """Serve until Ctrl-C; the draft already holds every answer when it stops."""
        import uvicorn

        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
        server = self._uvicorn = uvicorn.Server(config)
        if open_browser:
            threading.Thread(target=_open, args=(self.url,), daemon=True).start()
        try:
            server.run(sockets=[self.sock])
        finally:
            self.sock.close()

    def stop(self) -> None:
        """Ask a running server to finish (from another thread)."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True


def lan_address() -> str | None:
    """This machine's address on its local network: the one its traffic leaves from. Connecting a
    UDP socket sends nothing; it only asks the system which interface it would use."""
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                address = str(sock.getsockname()[0])
        except OSError:
            continue
        if not address.startswith("127.") and address not in ("::1", "0.0.0.0", "::"):
            return address
    try:
        for address in socket.gethostbyname_ex(socket.gethostname())[2]:
            if not address.startswith("127."):
                return address
    except OSError:
        pass
    return None


def qr_lines(url: str) -> list[str]:
    """A QR code of the address, as lines of text a terminal shows (two rows of modules a line),
    so a tablet's camera opens the interview without anyone typing the token."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m", micro=False).terminal(out=out, compact=True, border=2)
    return out.getvalue().splitlines()


def _open(url: str) -> None:
    import webbrowser

    try:
        webbrowser.open(url)
    except Exception:  # noqa: BLE001 - no browser is not an error: the URL is printed
        pass


def start(opened: Opened, *, host: str = "127.0.0.1", port: int | None = None, templates: Path | None = None,
          today: date | None = None, debug: bool = False, token: str | None = None) -> Server:
    """Load the interview and library, bind the socket and build the app; warm the
    writers in the background so the first page and the first PDF come quickly."""
    from ..assembly import library_for
    from ..questions.spec import load_interview
    from .app import Served, create_app
    from .preview import Previewer

    from ..checks import load_rules
    from ..toolkit.lint.questions import refuse_unknown_names

    draft = opened.draft
    interview = load_interview(draft.libraries)
    refuse_unknown_names(interview)
    load_rules(draft.libraries)  # a layer's rule files that cannot be read stop the server now, not the first preview
    library = library_for(draft.libraries)
    session = DraftSession(draft, interview, today=today)
    sock = bind(host, port)
    try:
        session.keep()  # the draft exists from the start, as with `new`, so stopping at once still leaves one to resume
    except UserError:
        sock.close()
        raise
    bound_port = int(sock.getsockname()[1])
    token = token or new_token()
    shown_host = f"[{host}]" if ":" in host else ("127.0.0.1" if host in ("0.0.0.0", "::") else host)
    previewer = Previewer(interview, library, templates)
    served = Served(session, previewer, library, token, Path(draft.output), templates=templates, debug=debug,
                    cookie=f"agreementkit-{bound_port}", hosts=allowed_hosts(host, bound_port),
                    started=bool(draft.log or draft.stale or draft.defaults))
    app = create_app(served)
    threading.Thread(target=_warm, args=(served,), daemon=True).start()
    url = f"http://{shown_host}:{bound_port}/?token={token}"
    return Server(sock, app, url, host, bound_port, session, served)


def _warm(served: Served) -> None:
    """Replay the draft and render its preview once, off the request path, then,
    once the first page has had the processor to itself, import the PDF writer."""
    import time

    try:
        with served.session.lock:
            served.session.walk()
            served.previewer.preview(served.session)
        time.sleep(1.5)
        from ..writers.pdf import load_weasyprint

        load_weasyprint()
    except Exception:  # noqa: BLE001 - warming is an optimisation; a real request reports the problem
        pass
