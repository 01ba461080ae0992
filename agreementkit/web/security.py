"""Who may talk to a `serve` process: the person holding the link it printed.

As Jupyter does, the server makes a random token at start and prints a URL
carrying it. The first request with the token sets a cookie and is sent on
to the same address without it (so the token does not linger in the address
bar or the history); every later request must carry that cookie, the token
in the query or an `Authorization: token …` header, or it gets 403.

A form post must also carry the CSRF value every page embeds, and a request
another site starts (its `Origin` or `Sec-Fetch-Site` says so) is refused,
so a web page the advisor visits cannot post answers into the draft. The
`Host` header must name this server when it listens on the loopback
interface, which stops DNS rebinding. Every response forbids inline scripts,
framing by other sites and sending the address on to other sites.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL, MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 2 * 1024 * 1024  # a request body: a page of answers is a few kilobytes; a draft file is at most 4 MB
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
HEADERS = {
    "content-security-policy": ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"),
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_value(token: str) -> str:
    """The value forms carry: derived from the token, so it needs no storage, and
    useless to anyone who could not already read the server's pages."""
    return hmac.new(token.encode(), b"agreementkit-csrf", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def refusal(status: int, message: str) -> Response:
    """A plain page saying what was refused, for requests that never reach the app."""
    from html import escape

    body = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>agreementkit: {status}</title></head>"
            f"<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>{status}</h1><p>{escape(message)}</p></body></html>")
    return HTMLResponse(body, status_code=status)


class Guard:
    """ASGI middleware: the token, the host, cross-site refusal and the safety headers."""

    def __init__(self, app: ASGIApp, *, token: str, cookie: str, hosts: set[str] | None):
        self.app = app
        self.token = token
        self.cookie = cookie
        self.hosts = hosts  # None: any Host (listening on another interface, where the token still guards)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self._check(request)
        if response is None:
            await self.app(scope, _capped(receive), self._with_headers(send))
        else:
            await response(scope, receive, self._with_headers(send))

    def _check(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        if self.hosts is not None and host.lower() not in self.hosts:
            return refusal(403, f"This agreementkit server answers only at its own address, not at host '{host}'.")
        given = request.query_params.get("token")
        authorised = (same(given, self.token) or same(request.cookies.get(self.cookie), self.token)
                      or same(request.headers.get("authorization", "").removeprefix("token "), self.token))
        if not authorised:
            return refusal(403, "This page needs the link with its token, as printed in the terminal where "
                                "`agreementkit serve` runs (http://…/?token=…). Open that link again.")
        declared = request.headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > MAX_BODY):
            return refusal(413, f"Refused: the request is larger than {MAX_BODY // 1024 // 1024} MB, far more than any page "
                                "of answers. Shorten the longest answer and try again.")
        if request.method in UNSAFE_METHODS and self._cross_site(request):
            return refusal(403, "Refused: this request came from another web site. Answers can only be changed from "
                                "the agreementkit pages themselves.")
        if given is not None and request.method == "GET":
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            target = URL(path=request.url.path, query=query)
            response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="lax", path="/")
            return response
        return None

    @staticmethod
    def _cross_site(request: Request) -> bool:
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return True
        origin = request.headers.get("origin")
        if origin is None:
            return False
        return origin == "null" or urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        return sending


class BodyTooLarge(Exception):
    """A request body that passed MAX_BODY while it was being read (sent without a length, in chunks)."""


def _capped(receive: Receive) -> Receive:
    """The request body as the app reads it, stopped once it passes MAX_BODY: nothing reads more than that."""
    seen = 0

    async def receiving() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge(f"the request is larger than {MAX_BODY // 1024 // 1024} MB")
        return message

    return receiving


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers a loopback server answers to; None (any) on another interface."""
    if host not in LOOPBACK:
        return None
    names = {"127.0.0.1", "localhost", "[::1]"}
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())
