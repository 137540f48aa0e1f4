"""URL rules: every value the schema marks ``format: uri`` or ``uri-reference``."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..checks import sites, urlparts
from ..checks import urls as urltools
from .context import Context
from .finding import Finding
from .registry import Option, rule

GROUP = "urls"
_NAMED = 8  # tracking parameters a message names at most
_ABSOLUTE = ("uri", "iri")
_ANY = ("uri", "iri", "uri-reference", "iri-reference")
OWN_URL_ROLES = ("original-url", "self-url")
DEFAULT_PLATFORMS = (
    "youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv", "soundcloud.com",
    "medium.com", "substack.com", "github.com", "gitlab.com", "linkedin.com", "twitter.com",
    "x.com", "facebook.com", "instagram.com", "tiktok.com", "reddit.com", "slideshare.net",
    "podcasts.apple.com", "open.spotify.com",
)


def _urls(ctx: Context, formats: tuple[str, ...] = _ANY, *, any_length: bool = False
          ) -> Iterator[tuple[str, str, str]]:
    """(pointer, url, format) for every string the schema gives a URL format; one too long
    to be a URL only with `any_length` (url-syntax says so, the other rules leave it)."""
    for pointer in ctx.notes.with_format(*formats):
        value = ctx.value(pointer)
        if isinstance(value, str) and (any_length or not urlparts.too_long(value)):
            yield pointer, value, ctx.notes.formats[pointer]


def own_urls(ctx: Context, item: str) -> list[tuple[str, str]]:
    """(pointer, url) of an item's own URLs: its original URL first, then its other URLs."""
    parts = ctx.children(item)
    out = []
    for role in OWN_URL_ROLES:
        pointer = parts.get(role)
        value = ctx.value(pointer) if pointer else None
        if isinstance(value, str):
            out.append((pointer, value))
    return out  # type: ignore[return-value]


@rule("FM201", "url-syntax", severity="error", fix="sometimes", group=GROUP,
      replaces=("FM013",),
      summary="A URL that is malformed, has spaces or HTML entities, or lacks a scheme.")
def url_syntax(ctx: Context) -> Iterator[Finding]:
    """
    Checks every value the schema marks `format: uri` (absolute: scheme and host, such as
    `https://example.com/a`) or `format: uri-reference` (a site-relative `/assets/x.jpg` is
    also fine). `www.bbc.com/news/x` is not a URL: without a scheme, browsers read it as a
    path on your own site.

    Also reported: spaces and control characters (browsers and crawlers disagree on them),
    HTML entities left in by a scraper (`&#038;` for `&`, which turns the rest of the query
    into a fragment), invalid host names and ports, broken `%` escapes. A value longer than
    16 KB is reported as too long to be a URL and read no further (web servers refuse
    request lines over 8 KB); the other URL rules leave it alone.

    Each kind of problem is reported once per value, however often it occurs: "the URL
    contains 5 spaces", at the first of them, with one fix for them all.

    Fix: safe where certain (decoding `&#038;` to `&`, trimming spaces at the ends); unsafe
    where it guesses (percent-encoding an inner space, adding `https://`).
    """
    for pointer, url, fmt in _urls(ctx, any_length=True):
        problems = urltools.check_url_syntax(url, absolute=fmt in _ABSOLUTE)
        if any(p.kind == "not-absolute" and p.replacement is None for p in problems):
            # Not a URL at all ("not a uri"): its spaces and characters are beside the point.
            problems = [p for p in problems if p.kind == "not-absolute"]
        for problem in problems:
            fix = None
            if problem.replacement is not None:
                fixed = urltools.repair_together(url, problem, problems)
                fix = ctx.replace(pointer, fixed, f"write {fixed}", safe=problem.safe)
            yield ctx.report(pointer, f"{ctx.where(pointer)}: {problem.message}", fix=fix,
                             sub=(problem.start, problem.end))


@rule("FM202", "url-scheme", severity="warning", fix="sometimes", group=GROUP,
      summary="An http:// link where https:// is expected, or a scheme that is not for the web.")
def url_scheme(ctx: Context) -> Iterator[Finding]:
    """
    Links in records are followed by readers and embedded in pages served over HTTPS:
    an `http://` image is blocked or flagged as mixed content, an `http://` link leaks
    the visit. Only `http` and `https` belong in these fields.

    Fix: `http://` becomes `https://`. Unsafe by default: offline, nobody has checked that
    the site serves the same page over HTTPS. With `--online` it is checked: the fix is safe
    when the `https://` form answers with the same content (the `http://` URL redirects to
    it, or both give the same first 64 KB, ETag, or length and type), and there is no fix
    when the `https://` form does not answer.
    """
    for pointer, url, _fmt in _urls(ctx):
        found = urltools.scheme_problem(url)
        if found is None:
            continue
        message, replacement = found
        fix = None
        if replacement:
            form, detail = None, ""
            if ctx.config.online_facts is not None:
                from .urlfacts import lookup

                facts = lookup(ctx.config, url)
                if facts is not None:
                    form, detail = facts.https, facts.https_detail
            if form == "broken":
                why = f": {detail}" if detail else ""
                message += f"; but its https:// form does not answer (checked online{why})"
            else:
                checked = " (checked online: same content)" if form == "same" else ""
                fix = ctx.replace(pointer, replacement, f"write {replacement}{checked}",
                                  safe=form == "same")
        yield ctx.report(pointer, f"{ctx.where(pointer)}: {message}", fix=fix,
                         sub=(0, url.find(":") if ":" in url else len(url)))


@rule("FM203", "url-tracking", severity="warning", fix="safe", group=GROUP,
      options={"parameters": Option(list(sites.DEFAULT_TRACKING_PARAMS),
                                    "query parameters to report (globs such as 'utm_*')")},
      summary="A URL carries tracking parameters (utm_*, fbclid, gclid...).")
def url_tracking(ctx: Context) -> Iterator[Finding]:
    """
    Campaign and click-tracking parameters (`utm_source`, `fbclid`, `gclid`, `mc_cid`,
    `elq_cid`...) say where one visitor came from; copied into a record they attribute every
    later visit to that campaign and make the same story look like different URLs.

    Fix: safe — removes them and keeps every other parameter, its order and its encoding.
    """
    patterns = ctx.option("parameters")
    for pointer, url, _fmt in _urls(ctx):
        found = sites.tracking_params(url, patterns)
        if not found:
            continue
        cleaned = sites.strip_tracking(url, patterns)
        names = ", ".join(urlparts.shorten(name) for name in found[:_NAMED])
        if len(found) > _NAMED:
            names += f" and {len(found) - _NAMED:,} more"
        yield ctx.report(pointer, f"{ctx.where(pointer)} has tracking parameters: {names}",
                         fix=ctx.replace(pointer, cleaned, f"remove {names}", safe=True),
                         sub=(url.find("?") + 1, len(url)) if "?" in url else None)


@rule("FM204", "provider-domain", severity="error", fix="sometimes", group=GROUP,
      replaces=("FM013",),
      options={"platforms": Option(list(DEFAULT_PLATFORMS),
                                   "hosts where anyone publishes (video and blog platforms); "
                                   "an item's URL there may belong to any provider")},
      summary="A provider domain that is not a bare host, or that the item's URL is not on.")
def provider_domain(ctx: Context) -> Iterator[Finding]:
    """
    A provider's `domain` (schema role `domain`) is a bare, lower-case host name:
    `bbc.com`, not `https://www.bbc.com/`. The item's original URL (or, without one, its
    other own URLs) must then be on that domain or a subdomain of it, compared label by label,
    case-insensitively and IDNA-aware: `news.met.police.uk` is on `police.uk`;
    `notbbc.com` is not on `bbc.com`. URLs on publishing platforms (`platforms`, such as
    youtube.com) are not compared: a channel's provider is its author, not the platform.

    Fix: for the domain itself — safe when only the case changes, unsafe when a URL is cut
    down to its host. No fix for a URL on another domain: which of the two is wrong is for
    the author to say.
    """
    platforms = _platform_set(tuple(ctx.option("platforms")))
    for pointer in ctx.notes.with_role("domain"):
        domain = ctx.value(pointer)
        if not isinstance(domain, str):
            continue
        ok, fixed, message = sites.is_bare_domain(domain)
        if not ok:
            fix = None
            if fixed is not None:
                safe = fixed == domain.strip().lower() and "/" not in domain
                fix = ctx.replace(pointer, fixed, f"write {fixed}", safe=safe)
            yield ctx.report(pointer, f"{ctx.where(pointer)}: {message}", fix=fix)
            continue
        item = ctx.parent(ctx.parent(pointer)) if ctx.notes.role_of.get(
            ctx.parent(pointer)) == "provider" else ctx.parent(pointer)
        urls = own_urls(ctx, item)
        if urls and urls[0][0] == ctx.children(item).get("original-url"):
            urls = urls[:1]
        for url_pointer, url in urls:
            host = sites.host_of(url)
            if host is None or _on_platform(host, platforms):
                continue
            if not sites.host_matches_domain(host, domain):
                yield ctx.report(url_pointer, f"{ctx.where(url_pointer)} is on {host}, which "
                                 f"is not the provider's domain {domain} or a subdomain of it")


@lru_cache(maxsize=8)
def _platform_set(platforms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p.lower().strip(".") for p in platforms)


@lru_cache(maxsize=1024)  # (records share hosts)
def _on_platform(host: str, platforms: frozenset[str]) -> bool:
    """Whether ``host`` (lower-case ASCII) is a platform or a subdomain of one.

    Only the last labels, as many as the longest platform has, are looked at: the time
    does not grow with the number of labels.
    """
    depth = max((platform.count(".") + 1 for platform in platforms), default=0)
    if depth == 0:
        return False
    labels = host.rsplit(".", depth)  # (the first item holds every label before these)
    return host in platforms or any(
        ".".join(labels[i:]) in platforms for i in range(1, len(labels)))


@rule("FM205", "amp-url", severity="warning", fix="sometimes", group=GROUP,
      summary="An AMP cache URL that does not match the AMP URL, or an AMP page on another site.")
def amp_url(ctx: Context) -> Iterator[Finding]:
    """
    The AMP cache URL (schema role `amp-cache-url`) must be the Google AMP Cache address of
    the item's AMP URL (role `amp-url`): the host with `-` doubled and `.` turned into `-`
    (punycode where needed) as a subdomain of `cdn.ampproject.org`, then `/c/s/` for HTTPS
    pages, then the host and path. A stale or hand-edited one serves another page or none.
    The AMP URL itself should be on the same site as the item's own URL.

    Fix: safe for the cache URL (it is computed from the AMP URL). None for an AMP URL on
    another site.
    """
    for pointer in ctx.notes.with_role("amp-url"):
        amp = ctx.value(pointer)
        if not isinstance(amp, str):
            continue
        item = ctx.parent(pointer)
        for own_pointer, own in own_urls(ctx, item)[:1]:
            if sites.host_of(own) and sites.host_of(amp) and not sites.same_site(
                    amp, own):
                yield ctx.report(pointer, f"{ctx.where(pointer)} is on "
                                 f"{sites.host_of(amp)}, another site than "
                                 f"{ctx.where(own_pointer)} ({sites.host_of(own)})")
        cache_pointer = ctx.children(item).get("amp-cache-url")
        cached = ctx.value(cache_pointer) if cache_pointer else None
        from ..checks.amp import amp_cache_url

        expected = amp_cache_url(amp)
        if isinstance(cached, str) and expected and cached != expected:
            yield ctx.report(cache_pointer, f"{ctx.where(cache_pointer)} is not the AMP cache "
                             f"URL of {ctx.where(pointer)}; it should be "
                             f"{urlparts.shorten(expected, 200)}",
                             fix=ctx.replace(cache_pointer, expected, f"write {expected}",
                                             safe=True))


@rule("FM206", "related-self", severity="warning", group=GROUP,
      summary="A related item that is the record itself.")
def related_self(ctx: Context) -> Iterator[Finding]:
    """
    A related item (in a list the schema gives the role `related`) whose URL is the record's
    own original or web URL (compared after canonicalisation: case, tracking parameters,
    trailing slash, http/https) links the article to itself.
    """
    for related in ctx.notes.with_role("related"):
        items = ctx.value(related)
        if not isinstance(items, list):
            continue
        own = {sites.canonical_url(u) for _p, u in own_urls(ctx, ctx.parent(related))}
        own.discard(None)
        for i in range(len(items)):
            for pointer, url in own_urls(ctx, f"{related}/{i}"):
                if sites.canonical_url(url) in own:
                    yield ctx.report(pointer, f"{ctx.where(pointer)} is the record's own URL: "
                                     "an article is not related to itself")
                    break
