"""serve's edges: a request body is capped before it is read, drafts are private, outputs keep the umask."""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from terminal import TODAY
from test_serve import TOKEN, request

from agreementkit.interview.draft import Draft
from agreementkit.web import Server, open_draft, start
from agreementkit.web.security import MAX_BODY, csrf_value


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Server]:
    server = start(open_draft(None, output=tmp_path), port=0, today=TODAY, token=TOKEN)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=0.2).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    yield server
    server.stop()
    thread.join(timeout=10)


def test_a_body_over_the_cap_is_refused_by_its_length_before_it_is_read(running: Server) -> None:
    """Only the headers are sent: a 413 that arrives anyway proves nothing of the body was waited for.
    (Sending the 3 MB too made the test race the server closing the connection: a broken pipe.)"""
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
        sock.sendall((f"POST /section/agreement/save HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n"
                      f"Cookie: agreementkit-{running.port}={TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      f"Content-Length: {3 * 1024 * 1024}\r\n\r\n").encode())
        reply = _reply(sock)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"larger than 2 MB" in reply and b"Traceback" not in reply


def _reply(sock: socket.socket) -> bytes:
    """What the server sent back, up to its closing the connection or a pause."""
    reply = b""
    try:
        while part := sock.recv(65536):
            reply += part
    except OSError:
        pass
    return reply


def test_a_body_sent_in_chunks_stops_being_read_at_the_cap(running: Server) -> None:
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
        sock.sendall((f"POST /section/agreement/save HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n"
                      f"Cookie: agreementkit-{running.port}={TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n").encode())
        chunk = b"&".join(b"f%d=" % i + b"x" * 1000 for i in range(250)) + b"&"  # many fields: no one part is large
        sent = 0
        try:
            while sent <= MAX_BODY + len(chunk):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading and close: that is the point
        reply = b""
        try:
            while b"\r\n\r\n" not in reply:
                part = sock.recv(65536)
                if not part:
                    break
                reply += part
        except OSError:
            pass
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def test_a_draft_is_its_owners_only_and_outputs_follow_the_umask(tmp_path: Path) -> None:
    from agreementkit.render import atomic_write

    draft = Draft(tmp_path / "agreementkit-draft.yaml", libraries=[])
    draft.log["parties[0].name"] = "Ana Lima, ana@example.org"
    draft.save()
    assert stat.S_IMODE(os.stat(draft.path).st_mode) == 0o600
    atomic_write(tmp_path / "answers.yaml", b"format: 1\n")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "answers.yaml").st_mode) == 0o666 & ~umask
