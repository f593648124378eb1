"""Public pages and computed values, cached until what they show changes.

Every key carries the current token of one or more namespaces:

- ``CONTENT``: the library, services and therapists as the public pages show them;
- ``SCHEDULE``: everything that changes which times are free (appointments, time off,
  working hours, therapists, services, the booking rules).

Any save or delete of such a row replaces the token (at once, and again when the
transaction commits, so a request that read the old rows in between cannot keep
them), so the next request misses and renders afresh: an edit shows at once, in
every process that shares the cache. The tokens are random, never counters, so a
cache that outlives its database (tests, a rebuilt demo) never serves old entries.
`spa/apps.py` connects the models to their namespaces.

Only anonymous-safe responses are stored: a 200 whose rendering touched neither
the session, nor the CSRF token, nor a CSP nonce, and set no cookie. Such a page
sends no ``Vary: Cookie``, so a proxy in front could cache it too.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

CONTENT = "content"
SCHEDULE = "schedule"
NAMESPACES = (CONTENT, SCHEDULE)
# Whole pages expire anyway after a day: keys for one-off query strings fade away.
PAGE_TIMEOUT = 24 * 3600


# Within one request, tokens and computed values read from the cache are kept here
# (per thread), so a request that asks several times (the booking steps) reads each
# once. Emptied when a request starts and ends (spa/apps.py); outside a request
# (commands, the worker) nothing is kept.
_request = threading.local()


def request_started(**kwargs) -> None:
    _request.memo = {}


def request_finished(**kwargs) -> None:
    _request.memo = None


def _memo() -> dict | None:
    return getattr(_request, "memo", None)


def _version_key(namespace: str) -> str:
    return f"pagecache:v:{namespace}"


def versions(*namespaces: str) -> tuple[str, ...]:
    """The current token of each namespace, in one cache round trip (none when this
    request has read them already)."""
    keys = [_version_key(ns) for ns in namespaces]
    memo = _memo()
    if memo is not None and all(key in memo for key in keys):
        return tuple(memo[key] for key in keys)
    # In a request, every namespace at once: most pages that ask for one ask for both.
    wanted = [_version_key(ns) for ns in NAMESPACES] if memo is not None else keys
    found = cache.get_many(wanted)
    tokens = {}
    for key in wanted:
        token = found.get(key)
        if token is None:
            # First use, or evicted: start a new generation (another process may race us).
            cache.add(key, secrets.token_hex(8), timeout=None)
            token = cache.get(key)
        tokens[key] = token
    if memo is not None:
        memo.update(tokens)
    return tuple(tokens[key] for key in keys)


def _replace(namespaces: tuple[str, ...]) -> None:
    if (memo := _memo()) is not None:
        memo.clear()  # this request's later reads see the new generation
    cache.set_many({_version_key(ns): secrets.token_hex(8) for ns in namespaces}, timeout=None)


def bump(*namespaces: str) -> None:
    """Everything cached under these namespaces is stale from now on."""
    namespaces = namespaces or NAMESPACES
    _replace(namespaces)
    transaction.on_commit(lambda: _replace(namespaces))


def key(kind: str, parts: tuple[Hashable, ...], namespaces: tuple[str, ...]) -> str:
    raw = repr((parts, versions(*namespaces))).encode()
    return f"pagecache:{kind}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


# A value stored under a key is never replaced (the key carries the namespaces'
# tokens), so each process also keeps the most recent page bodies and HTML
# fragments (str or bytes) in memory, and serves them without the shared cache's
# read (a file, zlib and unpickling, or a round trip to Redis). Only the tokens are
# read from the shared cache on every request: a bump still shows at once.
LOCAL_ENTRIES = 128
_local: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_local_lock = threading.Lock()


def _local_get(cache_key: str) -> Any:
    with _local_lock:
        found = _local.get(cache_key)
        if found is None:
            return None
        if found[0] < time.monotonic():
            del _local[cache_key]
            return None
        _local.move_to_end(cache_key)
        return found[1]


def _local_set(cache_key: str, value: Any, timeout: int) -> None:
    """Keep `value` (immutable: str, bytes, or a tuple of those) for at most `timeout`."""
    with _local_lock:
        _local[cache_key] = (time.monotonic() + timeout, value)
        _local.move_to_end(cache_key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def get_or_compute(
    kind: str,
    parts: tuple[Hashable, ...],
    compute: Callable[[], Any],
    *,
    namespaces: tuple[str, ...] = (CONTENT,),
    timeout: int = PAGE_TIMEOUT,
) -> Any:
    """`compute()`'s value, computed once per generation of `namespaces` and `parts`."""
    cache_key = key(kind, parts, namespaces)
    memo = _memo()
    if memo is not None and cache_key in memo:
        return memo[cache_key]
    value = _local_get(cache_key)
    if value is None:
        value = cache.get(cache_key)
        if value is None:
            value = compute()
            cache.set(cache_key, value, timeout)
        if isinstance(value, str | bytes):
            _local_set(cache_key, value, timeout)
    if memo is not None:
        memo[cache_key] = value
    return value


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    nonce = getattr(request, "_csp_nonce", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.accessed)
        # get_token() sets this whenever a page uses the CSRF token.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not nonce  # a LazyNonce is true only once generated
    )


def public_page(
    *namespaces: str,
    timeout: int = PAGE_TIMEOUT,
    extra: Callable[[HttpRequest], Hashable] | None = None,
):
    """Serve the view's response from the cache while `namespaces` are unchanged.

    The key is the full URL (scheme, host, path and query) plus `extra(request)`,
    for pages that also depend on something else, such as the time.
    """
    namespaces = namespaces or (CONTENT,)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            parts = (request.build_absolute_uri(), extra(request) if extra else None)
            cache_key = key("page", parts, namespaces)
            stored = _local_get(cache_key)
            if stored is None and (shared := cache.get(cache_key)) is not None:
                stored = (shared[0], tuple(shared[1].items()))
                _local_set(cache_key, stored, timeout)
            if stored is not None:
                content, headers = stored
                return HttpResponse(content, headers=dict(headers))
            # Templates leave out what would tie the page to one visitor (messages).
            request.public_page = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # a TemplateResponse (the sitemap)
            if _storable(request, response):
                cache.set(cache_key, (response.content, dict(response.headers)), timeout)
            return response

        return wrapped

    return decorator
