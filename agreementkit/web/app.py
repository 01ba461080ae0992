"""The web app: Starlette routes over one draft session, pages rendered on the server.

Each section of the interview is one page: its form (walked by the engine,
see `forms`), the health check's findings for it, and the draft MOU beside
it. A small script saves every change as it is made and swaps in the form,
the findings and the preview the server sends back; without the script the
same forms still work with their buttons. Every answer reaches a page through
Jinja2's autoescaping, and the preview through the HTML writer's, so answers
are shown as text everywhere.

Routes do little themselves: they read the request, call the session, the
previewer or the outputs under the session's lock (in a worker thread, so a
PDF being written never stalls the other tabs), and render a template.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import AgreementkitError, AnswersError, UserError
from ..interview import finish as finishing
from ..interview.finish import ANSWERS, DOCUMENT_FORMATS
from ..interview.review import page_rows
from ..library import ClauseLibrary
from ..questions.spec import Page
from ..questions.types import LIST_BOX, QuestionType, limit_of
from ..render import DEFAULT_FORMATS
from .forms import Field, Group, PageForm, choice_token, read_form
from .preview import Previewer
from .security import MAX_BODY, BodyTooLarge, Guard, csrf_value, same
from .session import DraftSession

HERE = Path(__file__).resolve().parent
T = TypeVar("T")

# What each download is called on the review page, and how it is served.
LABELS = {ANSWERS: "Answers file (YAML)", "docx": "Word document (DOCX)", "pdf": "PDF", "html": "Web page (HTML)",
          "md": "Markdown", "ics": "Review calendar (ICS)"}
MEDIA_TYPES = {ANSWERS: "application/yaml", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
               "ics": "text/calendar; charset=utf-8"}


@dataclass
class Served:
    """Everything one `serve` process holds: the draft session, the warm previewer
    and library, the token, where files go, and the files written so far."""

    session: DraftSession
    previewer: Previewer
    library: ClauseLibrary
    token: str
    output: Path
    templates: Path | None = None
    debug: bool = False
    cookie: str = "agreementkit"  # one name per port: cookies do not tell ports apart
    hosts: set[str] | None = None  # the Host headers accepted (None: any)
    started: bool = False
    written: dict[str, Path] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return csrf_value(self.token)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["slug"] = lambda key: "f-" + "".join(c if c.isalnum() else "-" for c in str(key))
    env.filters["token"] = choice_token
    env.tests["group"] = lambda node: isinstance(node, Group)
    env.tests["field"] = lambda node: isinstance(node, Field)
    # The longest answer each kind of field takes: the page refuses a longer one beside its field at once.
    env.globals["limits"] = {kind.value: limit for kind in QuestionType if (limit := limit_of(kind)) is not None
                             and kind != QuestionType.list} | {"list": LIST_BOX}
    return env


def create_app(served: Served) -> Starlette:
    """The ASGI app for one served draft, wrapped in the token and CSRF guard."""
    env = _environment()
    session = served.session

    def page_html(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("draft_path", str(session.draft.path))
        context.setdefault("quick", session.draft.quick)
        # The top bar names the interview once one is chosen (or a draft is resumed), not before.
        chosen = served.started or bool(session.draft.log or session.draft.stale or session.draft.defaults)
        context.setdefault("mode", ("Quick" if session.draft.quick else "Full") if chosen else None)
        html = env.get_template(name).render(csrf=served.csrf, **context)
        return HTMLResponse(html, status_code=status_code)

    async def locked(function: Callable[[], T]) -> T:
        def call() -> T:
            with session.lock:
                return function()

        return await run_in_threadpool(call)

    async def posted_form(request: Request) -> FormData:
        """The request's form, refused without this server's CSRF value."""
        try:
            form = await request.form(max_files=0, max_fields=5000)
        except BodyTooLarge:
            raise HTTPException(413, f"Refused: the form is larger than {MAX_BODY // 1024 // 1024} MB, far more than any page "
                                     "of answers. Shorten the longest answer and try again.") from None
        except Exception:  # noqa: BLE001 - whatever the parser's complaint, the request is malformed
            raise HTTPException(400, "The form could not be read.") from None
        value = form.get("csrf")
        if not same(value if isinstance(value, str) else request.headers.get("x-csrf-token"), served.csrf):
            raise HTTPException(403, "Refused: the form did not carry this server's CSRF value. Reload the page and try again.")
        return form

    def version_of(form: FormData) -> int:
        try:
            return int(str(form.get("version") or "0"))
        except ValueError:
            raise HTTPException(400, "The form's version is not a number.") from None

    # --- where the person is -------------------------------------------------------

    def reached() -> tuple[Page | None, int]:
        """The first page with an unanswered question (None: the review) and its index."""
        _, location = session.walk()
        pages = session.interview.pages
        return location.page, pages.index(location.page) if location.page is not None else len(pages)

    def asked(page: Page) -> bool:
        """Whether the page asks anything (quick mode fills some pages with defaults only)."""
        return (not session.draft.quick or page.id in session.draft.full_pages
                or any(q.quick for top in page.questions for q in top.walk()))

    def where_to_go_on() -> str:
        first, _ = reached()
        return f"/section/{first.id}" if first is not None else "/review"

    def sections(current: Page | None) -> list[dict[str, Any]]:
        """The section list for the navigation: which can be opened, which is current."""
        _, limit = reached()
        return [{"page": page, "open": index <= limit, "current": current is not None and page.id == current.id,
                 "done": index < limit, "asked": asked(page)} for index, page in enumerate(session.interview.pages)]

    def next_url(page: Page, forward: bool) -> str:
        _, limit = reached()
        pages = session.interview.pages
        here = pages.index(page)
        step = range(here + 1, len(pages)) if forward else range(here - 1, -1, -1)
        for index in step:
            if index > limit:
                break
            if asked(pages[index]):
                return f"/section/{pages[index].id}"
        if forward:
            return where_to_go_on() if limit > here else "/review"
        return "/start"

    def section_context(form: PageForm, *, notice: str = "", refused: str = "") -> dict[str, Any]:
        preview = served.previewer.preview(session)
        return {"form": form, "page": form.page, "sections": sections(form.page), "version": session.version,
                "findings": preview.findings.get(form.page.id, []), "preview_note": preview.note,
                "notice": notice, "refused": refused}

    # --- routes ---------------------------------------------------------------------

    async def home(request: Request) -> Response:
        def where() -> str:
            session.refresh()
            if not served.started and not session.draft.log and not session.draft.stale:
                return "/start"
            return where_to_go_on()

        return RedirectResponse(await locked(where), status_code=303)

    async def start(request: Request) -> Response:
        if request.method == "POST":
            form = await posted_form(request)
            mode = form.get("mode")
            if mode not in ("quick", "full"):
                raise HTTPException(400, "Choose the quick or the full interview.")

            def choose() -> None:
                session.set_quick(mode == "quick")
                served.started = True

            await locked(choose)
            return RedirectResponse("/", status_code=303)
        return page_html("start.html", interview=session.interview, pages=len(session.interview.pages),
                         resumed=bool(session.draft.log))

    async def section(request: Request) -> Response:
        page_id = request.path_params["page_id"]

        def show() -> Response:
            notice = session.refresh()
            page = _page(session, page_id)
            form = session.form(page)
            if not form.reached:
                return RedirectResponse(where_to_go_on(), status_code=303)
            return page_html("section.html", **section_context(form, notice=notice))

        if request.method == "GET":
            return await locked(show)
        form_data = await posted_form(request)
        posted = read_form([(k, v) for k, v in form_data.multi_items() if isinstance(v, str)])
        nav = str(form_data.get("nav") or "")
        base = version_of(form_data)

        def submit() -> Response:
            session.refresh()
            page = _page(session, page_id)
            saved = session.save(page, posted, base, commit=nav == "next", tab=posted.tab)
            if saved.refused:
                return page_html("section.html", 409, **section_context(saved.form, refused=saved.refused))
            if nav == "next" and not saved.form.complete:
                saved.form.focus_first_error()  # the page opens at the first field to correct
                return page_html("section.html", 422, **section_context(saved.form, notice=saved.notice))
            if nav in ("next", "back"):
                return RedirectResponse(next_url(page, nav == "next"), status_code=303)
            return page_html("section.html", **section_context(saved.form, notice=saved.notice))

        return await locked(submit)

    async def save(request: Request) -> Response:
        page_id = request.path_params["page_id"]
        form_data = await posted_form(request)
        posted = read_form([(k, v) for k, v in form_data.multi_items() if isinstance(v, str)])
        base = version_of(form_data)

        def store() -> dict[str, Any]:
            notice = session.refresh()
            page = _page(session, page_id)
            saved = session.save(page, posted, base, commit=False, tab=posted.tab)
            preview = served.previewer.preview(session)
            fields: Any = env.get_template("_form.html").module  # its macros, called one by one
            return {"version": saved.version, "refused": saved.refused, "notice": notice or saved.notice,
                    "form": str(fields.nodes(saved.form.nodes)), "problems": str(fields.problems(saved.form.problems)),
                    "findings": str(fields.findings(preview.findings.get(page.id, []))), "preview": preview.body,
                    "preview_note": preview.note}

        return JSONResponse(await locked(store))

    async def ask_in_full(request: Request) -> Response:
        await posted_form(request)
        page_id = request.path_params["page_id"]

        def full() -> None:
            session.ask_in_full(_page(session, page_id))

        await locked(full)
        return RedirectResponse(f"/section/{page_id}", status_code=303)

    async def preview(request: Request) -> Response:
        def render() -> str:
            session.refresh()
            return served.previewer.preview(session).html

        return HTMLResponse(await locked(render))

    def review_context(message: str = "") -> dict[str, Any] | None:
        run, location = session.walk()
        if location.page is not None:
            return None
        data = session.answers_data(run)
        problems = session.problems(data)
        preview = served.previewer.preview(session)
        pages = []
        for page in session.interview.pages:
            pages.append({"page": page, "rows": page_rows(run, page), "findings": preview.findings.get(page.id, []),
                          "problems": [(path, text) for where, path, text in problems if where == page.id],
                          "defaulted": [d for d in run.defaulted if d.page == page.id],
                          "accepted": [d for d in run.accepted if d.page == page.id]})
        errors = [f for found in preview.findings.values() for f in found if f.severity.value == "error"]
        return {"pages": pages, "problems": problems, "blocked": bool(problems or errors), "message": message,
                "formats": [(fmt, LABELS[fmt], fmt in DEFAULT_FORMATS) for fmt in DOCUMENT_FORMATS],
                "downloads": [(fmt, LABELS[fmt]) for fmt in (ANSWERS, *DOCUMENT_FORMATS)],
                "output": str(served.output), "sections": sections(None), "to_complete": preview.to_complete}

    async def review(request: Request) -> Response:
        def show() -> Response:
            session.refresh()
            context = review_context()
            if context is None:
                return RedirectResponse("/", status_code=303)
            return page_html("review.html", **context)

        return await locked(show)

    async def finish(request: Request) -> Response:
        form = await posted_form(request)
        chosen = [str(f) for f in form.getlist("format")]
        replace = form.get("replace") == "yes"

        def write() -> Response:
            session.refresh()
            run, location = session.walk()
            if location.page is not None:
                return RedirectResponse("/", status_code=303)
            try:
                finished = finishing.finish(session.answers_data(run), session.interview, served.library)
                paths = finishing.write_files(finished, served.output, chosen, replace=replace, templates=served.templates)
            except (AnswersError, UserError) as exc:
                context = review_context(str(exc))
                assert context is not None
                return page_html("review.html", 409, **context)
            served.written.update({p.name: p for p in paths})
            session.forget_file()
            return page_html("done.html", files=[(p.name, str(p)) for p in paths], output=str(served.output),
                             removed=str(session.draft.path), draft_path="removed (the answers file holds every answer)",
                             answers=str(paths[0]), layers=session.interview.layers)

        return await locked(write)

    async def download(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in (ANSWERS, *DOCUMENT_FORMATS):
            raise HTTPException(404, f"No download '{fmt}': choose one of {', '.join((ANSWERS, *DOCUMENT_FORMATS))}.")

        def make() -> Response:
            session.refresh()
            run, location = session.walk()
            if location.page is not None:
                raise HTTPException(409, f"The interview is not finished: “{location.page.title}” still has questions to answer.")
            try:
                finished = finishing.finish(session.answers_data(run), session.interview, served.library)
            except (AnswersError, UserError) as exc:
                raise HTTPException(409, str(exc)) from None
            data = finished.content(fmt, served.templates)
            return Response(data, media_type=MEDIA_TYPES[fmt],
                            headers={"content-disposition": f'attachment; filename="{finished.file_name(fmt)}"'})

        return await locked(make)

    async def written_file(request: Request) -> Response:
        name = request.path_params["name"]
        path = served.written.get(name)
        if path is None or not path.is_file():
            raise HTTPException(404, f"No file '{name}' was written by this server.")
        fmt = path.suffix.lstrip(".")
        return FileResponse(path, media_type=MEDIA_TYPES.get(fmt, "application/octet-stream"), filename=path.name)

    # --- errors -----------------------------------------------------------------------

    def wants_json(request: Request) -> bool:
        return request.url.path.endswith("/save") or "application/json" in request.headers.get("accept", "")

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return page_html("error.html", status, status=status, message=message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: "There is no such page here.", 405: "That address does not take this kind of request."}
        detail = exc.detail if exc.detail and exc.detail not in ("Not Found", "Method Not Allowed") else messages.get(exc.status_code, "Bad request.")
        return error_page(request, exc.status_code, str(detail))

    async def user_error(request: Request, exc: Exception) -> Response:
        return error_page(request, 400, str(exc))

    async def internal_error(request: Request, exc: Exception) -> Response:
        if served.debug:
            import traceback

            traceback.print_exception(exc)
        else:
            sys.stderr.write(f"internal error on {request.method} {request.url.path}: {type(exc).__name__}: {exc} "
                             "(a bug in agreementkit: --debug shows the traceback)\n")
        return error_page(request, 500, "Something went wrong inside agreementkit (a bug, not your answers); the terminal "
                                        "running `agreementkit serve` says more. Your answers so far are saved in the draft.")

    routes = [
        Route("/", home),
        Route("/start", start, methods=["GET", "POST"]),
        Route("/section/{page_id}", section, methods=["GET", "POST"]),
        Route("/section/{page_id}/save", save, methods=["POST"]),
        Route("/section/{page_id}/full", ask_in_full, methods=["POST"]),
        Route("/preview", preview),
        Route("/review", review),
        Route("/finish", finish, methods=["POST"]),
        Route("/download/{fmt}", download),
        Route("/files/{name}", written_file),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=served.token, cookie=served.cookie, hosts=served.hosts)],
        exception_handlers={HTTPException: http_error, AgreementkitError: user_error, Exception: internal_error},
    )


def _page(session: DraftSession, page_id: str) -> Page:
    try:
        return session.page(page_id)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from None
