"""What the network said about one URL, and what that means for a record (pure data).

Facts are gathered at the edge before checking and stored in ``Config.online_facts``
(URL as written in the record -> ``UrlFacts``); rules read them through ``lookup``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from ..engine.config import Config

PERMANENT = frozenset({301, 308})
BROKEN_STATUSES = frozenset({404, 410})
# Errors that say the link is broken for every reader; every other error is "not checked".
BROKEN_ERRORS = frozenset({"dns", "redirect-loop"})
# Answers that may be different next time: never cached.
TRANSIENT_ERRORS = frozenset({"timeout", "connection", "dns-temporary", "protocol",
                              "internal"})
ERROR_KINDS = BROKEN_ERRORS | TRANSIENT_ERRORS | {"blocked", "tls", "bad-url", "bad-redirect",
                                                  "too-many-redirects"}
# What a record needs to know about a URL.
REACH, IMAGE, HTTPS = "reach", "image", "https"
HttpsForm = Literal["same", "different", "broken"]


def retryable(status: int) -> bool:
    """Rate limits and server errors (but not 501 Not Implemented) may pass: ask again."""
    return status == 429 or (500 <= status < 600 and status != 501)


class UrlFacts:
    """One URL's answer: the final status (or the error), the redirects, and what was read."""

    __slots__ = ("attempts", "checked", "detail", "error", "hops", "https", "https_detail", "image",
                 "needs", "reason", "status", "url")

    def __init__(self, url: str, status: int | None = None, reason: str = "",
                 error: str | None = None, detail: str = "",
                 hops: tuple[tuple[int, str], ...] = (), attempts: int = 1,
                 image: tuple[int, int] | None = None, https: HttpsForm | None = None,
                 https_detail: str = "", needs: tuple[str, ...] = (),
                 checked: float = 0.0) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        self.error = error  # one of ERROR_KINDS when there was no final HTTP answer
        self.detail = detail
        self.hops = hops  # redirects: (status, the URL it pointed to)
        self.attempts = attempts
        self.image = image  # the image's real (width, height)
        self.https = https  # for http:// URLs: what the https:// form serves
        self.https_detail = https_detail
        self.needs = needs  # what was probed: REACH, IMAGE, HTTPS
        self.checked = checked  # when, in seconds since the epoch

    @property
    def final_url(self) -> str:
        return self.hops[-1][1] if self.hops else self.url

    @property
    def transient(self) -> bool:
        """An answer that may differ on the next try (rate limits, outages, timeouts)."""
        return self.error in TRANSIENT_ERRORS or (
            self.status is not None and retryable(self.status))

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "status": self.status, "reason": self.reason,
            "error": self.error, "detail": self.detail,
            "hops": [list(h) for h in self.hops], "attempts": self.attempts,
            "image": list(self.image) if self.image else None, "https": self.https,
            "https_detail": self.https_detail, "needs": list(self.needs),
            "checked": self.checked}

    @classmethod
    def from_dict(cls, data: Any) -> UrlFacts:
        """The facts ``to_dict`` wrote. Raises ValueError for anything else (a damaged or
        hand-edited cache)."""
        if type(data) is not dict:
            raise ValueError("not an object")
        image = data.get("image")
        facts = cls(
            url=_typed(data["url"], str),
            status=_typed(data.get("status"), int, None),
            reason=_typed(data.get("reason", ""), str),
            error=_typed(data.get("error"), str, None),
            detail=_typed(data.get("detail", ""), str),
            hops=tuple(_pair(h, int, str) for h in _typed(data.get("hops", []), list)),
            attempts=_typed(data.get("attempts", 1), int),
            image=None if image is None else _pair(image, int, int),
            https=_typed(data.get("https"), str, None),
            https_detail=_typed(data.get("https_detail", ""), str),
            needs=tuple(_typed(n, str) for n in _typed(data.get("needs", []), list)),
            checked=float(_typed(data.get("checked", 0.0), float, int)),
        )
        if (facts.error is not None and facts.error not in ERROR_KINDS) or (
                facts.https not in (None, "same", "different", "broken")):
            raise ValueError("not facts fmlint wrote")
        return facts


def _typed(value: Any, *kinds: type | None) -> Any:
    """``value`` if it is of one of ``kinds`` (exactly: a bool is no number); None stands
    for None. Raises ValueError otherwise."""
    if any(value is None if kind is None else type(value) is kind for kind in kinds):
        return value
    raise ValueError(f"{value!r:.40} is not a {' or '.join(str(k) for k in kinds)}")


def _pair(value: Any, first: type, second: type) -> tuple[Any, Any]:
    """A list of two values of the types given, as a tuple; else ValueError."""
    if type(value) is not list or len(value) != 2:
        raise ValueError(f"{value!r:.40} is not a pair")
    return _typed(value[0], first), _typed(value[1], second)


class Verdict(NamedTuple):
    """What a URL's facts mean: ok, broken, moved (to ``target``) or unchecked (and why).

    ``minor``: a move to the same page spelt another way (``www.``, a trailing slash, case,
    ``https``).
    """

    kind: Literal["ok", "broken", "moved", "unchecked"]
    message: str = ""
    target: str | None = None
    minor: bool = False


def same_page(url: str, other: str) -> bool:
    """Two spellings of one page: equal after canonicalisation and without ``www.``."""
    from ..checks.sites import canonical_url

    keys = [canonical_url(u) for u in (url, other)]
    if None in keys:
        return False
    return len({k.replace("://www.", "://", 1) for k in keys if k}) == 1


def accepted(status: int | None, accept: frozenset[int] = frozenset()) -> bool:
    return status is not None and (200 <= status < 300 or status in accept)


def moved_to(facts: UrlFacts) -> str | None:
    """Where the leading permanent redirects (301, 308) lead, if anywhere."""
    target = None
    for status, url in facts.hops:
        if status not in PERMANENT:
            break
        target = url
    return target if target is not None and target != facts.url else None


def _answer(facts: UrlFacts) -> str:
    text = f"HTTP {facts.status}"
    return f"{text} {facts.reason}" if facts.reason else text


def verdict(facts: UrlFacts, accept: frozenset[int] = frozenset()) -> Verdict:
    """Interpret facts: a 404/410, an unknown host or a redirect loop is broken; a
    permanent redirect to a page that answers is moved; rate limits, server errors,
    timeouts, refused addresses and other statuses are unchecked."""
    via = f"it redirects to {facts.final_url}, which" if facts.hops else "it"
    if facts.error is not None:
        if facts.error == "bad-url":
            return Verdict("ok")  # not a URL the network can say anything about
        kind: Literal["broken", "unchecked"] = (
            "broken" if facts.error in BROKEN_ERRORS else "unchecked")
        if facts.hops and facts.error not in ("redirect-loop", "too-many-redirects"):
            return Verdict(kind, f"it redirects to {facts.final_url}: {facts.detail}")
        return Verdict(kind, facts.detail)
    if accepted(facts.status, accept):
        target = moved_to(facts)
        if target is not None:
            status = next(s for s, _u in facts.hops)
            minor = same_page(facts.url, target)
            note = " (the same page, spelt another way)" if minor else ""
            return Verdict("moved", f"it moved permanently (HTTP {status}) to {target}{note}",
                           target, minor)
        return Verdict("ok")
    if facts.status in BROKEN_STATUSES:
        return Verdict("broken", f"{via} answers {_answer(facts)}")
    tries = f" after {facts.attempts} attempts" if facts.attempts > 1 else ""
    return Verdict("unchecked", f"{via} answers {_answer(facts)}{tries}")


def lookup(config: Config, url: str) -> UrlFacts | None:
    """The facts gathered for a URL as written in a record; None offline or unknown."""
    facts = config.online_facts
    found = facts.get(url) if facts else None
    return found if isinstance(found, UrlFacts) else None


def https_form(config: Config, url: str) -> HttpsForm | None:
    """For an ``http://`` URL: "same" when its ``https://`` form serves the same content,
    "different" when it serves something else, "broken" when it does not answer; None when
    not known (no online facts)."""
    found = lookup(config, url)
    return found.https if found is not None else None
