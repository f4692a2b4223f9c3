"""Assemble the emulator's ASGI app: REST router, built-in TwiML, control endpoint, static inbox.

The REST router reads the representation suffix, applies the ``_method`` override (POST
only, to ``PUT`` or ``DELETE`` only: any other value answers 405 with ``Allow``),
authenticates with HTTP Basic (401 + RestException 20003 and ``WWW-Authenticate``), maps
the path onto the URI templates of :mod:`..api.paths`, and answers 404 for unknown paths or
another account's resources and 405 (with ``Allow``) for unsupported methods. An authenticated
request that fails with a coded 4xx is written to the account's Notifications
(:func:`.rest.notifications.note_rest_failure`, whose docstring lists what is logged).

Choices where the reference says *inferred*:

- A path naming another account than the credentials' answers 404 (not 401): the resource does
  not exist for the caller.
- ``.wav``/``.mp3`` exist only on recording instances and ``.txt`` only on transcription
  instances; elsewhere they are 404.
- GET on a recording instance needs no credentials in any representation.
- A REST parameter (query or form, name or value) holding a character XML 1.0 cannot carry
  (NUL, other control characters but tab/newline/carriage return, lone surrogates, U+FFFE,
  U+FFFF) answers 400 with code 21200 naming the field, before the handler runs
  (:mod:`.xml_text`); a form over 64 KiB answers 413, a form not received within the body
  timeout 408 (:mod:`.bodies`).
- A run of slashes at the start of the path counts as one (``http://host//2008-08-01/...``, as
  2008 helper libraries sent when their base URL ended with ``/``), for every route of the
  server. Doubled slashes further in are not touched: such paths stay unknown (404).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..api import paths
from .auth import account_of_scope, authenticate
from .bodies import FORM_LIMIT, BodyRefused, read_body
from .control import endpoint as control
from .control import inbound
from .control.faults import FaultMiddleware
from .lifecycles import LIFECYCLES
from .model.state import Emulator
from .rest import accounts, caller_ids, conferences, notifications, phone_numbers, recordings
from .rest import calls as rest_calls
from .rest import sms as rest_sms
from .rest.endpoint import NOT_FOUND, Req, RestError, error_response
from .telephony import builtin_twiml
from .xml_text import refuse_in_pairs

__all__ = ["build_app"]

Handler = Callable[[Emulator, Req], Awaitable[Response]]
DOCUMENT_FORMATS = frozenset(paths.DOCUMENT_SUFFIXES)
MEDIA_TEMPLATES = {
    "wav": {paths.RECORDING},
    "mp3": {paths.RECORDING},
    "txt": {paths.RECORDING_TRANSCRIPTION, paths.TRANSCRIPTION},
}
PUBLIC_GET = {paths.RECORDING}
#: The methods ``_method`` may turn a POST into (reference 2.3).
OVERRIDES = ("PUT", "DELETE")
STATIC_DIR = Path(__file__).parent / "control" / "static"


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        f"(?P<{part}>[^/.]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$")


_ROUTES: list[tuple[str, re.Pattern[str], dict[str, Handler]]] = [
    (template, _compile(template), handlers)
    for module in (
        accounts,
        phone_numbers,
        caller_ids,
        rest_calls,
        conferences,
        rest_sms,
        recordings,
        notifications,
    )
    for template, handlers in module.ROUTES
]
# Specific templates must win over the ``{sid}`` ones they resemble (``/IncomingPhoneNumbers/Local``).
_ROUTES.sort(key=lambda route: route[0].count("{"))


def split_suffix(path: str) -> tuple[str, str, str]:
    """Split a representation suffix off a path; return ``(path, suffix, format)``.

    :param path: the request path.
    """
    head, _, last = path.rpartition("/")
    if "." in last:
        name, _, ext = last.rpartition(".")
        return f"{head}/{name}", f".{ext}", ext.lower()
    return path, "", "xml"


class LeadingSlashes:
    """ASGI middleware serving ``//path`` as ``/path`` (any run of leading slashes counts as one).

    It only rewrites ``scope``; ``send`` reaches the inner app untouched, so
    :class:`.control.faults.FaultMiddleware` still sees uvicorn's own.

    :param app: the wrapped ASGI app.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Collapse the leading slashes of an HTTP request's path, then pass it on."""
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("//"):
            scope = {**scope, "path": "/" + path.lstrip("/")}
            raw = scope.get("raw_path")
            if isinstance(raw, bytes):
                scope["raw_path"] = b"/" + raw.lstrip(b"/")
        await self.app(scope, receive, send)


def _route(path: str) -> tuple[str, dict[str, str], dict[str, Handler]] | None:
    for template, pattern, handlers in _ROUTES:
        match = pattern.match(path)
        if match:
            return template, match.groupdict(), handlers
    return None


async def rest_endpoint(request: Request) -> Response:
    """Route one REST request under ``/2008-08-01`` to its handler."""
    emu: Emulator = request.app.state.emu
    query = parse_qsl(request.url.query, keep_blank_values=True)
    method = request.method.upper()
    override = [value for key, value in query if key == paths.METHOD_OVERRIDE]
    refused_override: str | None = None
    if override and method == "POST":
        method = override[-1].strip().upper()
        if method not in OVERRIDES:
            refused_override, method = method, "POST"
    query = [(key, value) for key, value in query if key != paths.METHOD_OVERRIDE]
    path, suffix, fmt = split_suffix(request.url.path.rstrip("/"))  # a trailing slash is tolerated
    found = _route(path)
    authenticated: str | None = None
    form: dict[str, str] = {}
    try:
        public = found is not None and found[0] in PUBLIC_GET and method in ("GET", "HEAD")
        if public and found:
            account_sid = found[1].get("account_sid")
        else:
            account_sid = authenticated = authenticate(emu, request)
        if found is None or (fmt not in DOCUMENT_FORMATS and found[0] not in MEDIA_TEMPLATES.get(fmt, ())):
            raise RestError(404, NOT_FOUND)
        template, params, handlers = found
        emu.request_log.append((account_sid, method, request.url.path, request.url.query))
        if "account_sid" in params and params["account_sid"] != account_sid:
            raise RestError(404, NOT_FOUND)
        handler = handlers.get("GET" if method == "HEAD" else method)
        allowed = ", ".join(sorted(handlers))
        if refused_override is not None:
            raise RestError(
                405,
                f"_method={refused_override!r} is not allowed: a POST may only be overridden to "
                f"{' or '.join(OVERRIDES)}",
                headers={"Allow": allowed},
            )
        if handler is None:
            raise RestError(405, f"Method {method} not allowed on this resource", headers={"Allow": allowed})
        if method in ("POST", "PUT"):
            try:
                raw = await read_body(request, FORM_LIMIT, emu.body_timeout)
            except BodyRefused as refused:
                raise RestError(refused.status, refused.message, headers=refused.headers) from None
            form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        refuse_in_pairs([*query, *form.items()])
        req = Req(method, path, fmt, suffix, query, form, params, account_sid)
        return await handler(emu, req)
    except RestError as error:
        response = error_response(fmt, error)
        if authenticated is not None:
            notifications.note_rest_failure(
                emu,
                authenticated,
                template=found[0] if found else None,
                url=f"{request.url.scheme}://{request.url.netloc}{request.url.path}",
                method=request.method.upper(),
                variables=[*parse_qsl(request.url.query, keep_blank_values=True), *form.items()],
                error=error,
                response=response,
            )
        return response


async def index(request: Request) -> Response:
    """Serve the inbox page when it exists, else point at the JSON state."""
    page = STATIC_DIR / "index.html"
    if page.is_file():
        return Response(page.read_bytes(), media_type="text/html; charset=utf-8")
    return JSONResponse({"emulator": "twilio2008", "state": "/_emulator/state", "api": paths.ROOT})


def build_app(emu: Emulator) -> Any:
    """Return the ASGI app serving ``emu`` (slash folding outermost, then faults, then Starlette).

    It installs the emulator's lifecycles (:data:`.lifecycles.LIFECYCLES`); starting the app
    resumes what a previous run on the same database left part-way.

    :param emu: the emulator state.
    """
    emu.lifecycles = LIFECYCLES

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await emu.startup()
        emu.lifecycles.resume(emu)
        try:
            yield
        finally:
            await emu.shutdown()

    methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]
    routes: list[Any] = [
        Route("/", index, methods=["GET"]),
        Route(paths.ROOT, rest_endpoint, methods=methods),
        Route(paths.ROOT + "/{rest:path}", rest_endpoint, methods=methods),
        *builtin_twiml.ROUTES,
        *control.ROUTES,
        *inbound.ROUTES,
    ]
    if STATIC_DIR.is_dir():
        routes.append(Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.emu = emu
    return LeadingSlashes(FaultMiddleware(app, emu.faults, lambda scope: account_of_scope(emu, scope)))
