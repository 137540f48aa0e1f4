"""Online rules: what the network says about a record's URLs (only with ``--online``).

The facts are gathered before checking (``linter.online``); these rules only read them, so
without ``--online`` or ``--offline`` they report nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .context import Context
from .finding import SEVERITY_RANK, Finding, Severity
from .images import local_size, real_size, record_images
from .registry import rule

GROUP = "online"
_URL_FORMATS = ("uri", "iri", "uri-reference", "iri-reference")


def _at_most(finding: Finding, severity: Severity) -> Finding:
    """The finding with its severity lowered to ``severity`` if it is higher."""
    if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[severity]:
        return replace(finding, severity=severity)
    return finding


def _accept(ctx: Context) -> frozenset[int]:
    statuses = ctx.config.online_settings.get("accept", [])
    return frozenset(s for s in statuses if isinstance(s, int)) if isinstance(
        statuses, list) else frozenset()


@rule("FM501", "url-reachable", severity="error", fix="unsafe", group=GROUP,
      summary="A URL that is broken (404, 410, unknown host, redirect loop) or moved for good.")
def url_reachable(ctx: Context) -> Iterator[Finding]:
    """
    With `--online`, every absolute `http`/`https` value the schema gives a URL format is
    requested (HEAD, or a ranged GET where HEAD is refused), following up to 5 redirects.

    - Broken (the rule's severity, error by default): HTTP 404 or 410, a host name that does
      not exist, or redirects that loop.
    - Moved (at most a warning): the URL redirects permanently (301 or 308) to another URL
      that answers. Only info when the new URL is the same page spelt another way (`www.`,
      a trailing slash, `https`, case). Fix: unsafe — write the new URL; a permanent
      redirect may also lead to a generic page that replaced the content.
    - Not checked (info, never fails a run): rate limits (429) and server errors (5xx) that
      last through the retries, timeouts, refused connections, certificate errors, other
      statuses (401, 403...), and addresses fmlint does not connect to (private networks).
      Statuses listed in `network.accept` count as answers.

    The site's own URLs and URLs matching `network.exclude` are not requested. See
    docs/online.md for the settings, the cache and the safety rules.
    """
    if ctx.config.online_facts is None:
        return
    from .urlfacts import lookup, verdict  # (offline runs need none of it)

    accept = _accept(ctx)
    for pointer in ctx.notes.with_format(*_URL_FORMATS):
        url = ctx.value(pointer)
        facts = lookup(ctx.config, url) if isinstance(url, str) else None
        if facts is None:
            continue
        found = verdict(facts, accept)
        where = ctx.where(pointer)
        if found.kind == "broken":
            yield ctx.report(pointer, f"{where} is broken: {found.message}")
        elif found.kind == "moved" and found.target is not None:
            fix = ctx.replace(pointer, found.target, f"write {found.target}", safe=False)
            yield _at_most(ctx.report(pointer, f"{where}: {found.message}", fix=fix),
                           "info" if found.minor else "warning")
        elif found.kind == "unchecked":
            yield _at_most(ctx.report(pointer, f"{where} could not be checked: "
                                      f"{found.message}"), "info")


@rule("FM502", "image-remote-size", severity="warning", fix="safe", group=GROUP,
      summary="An image whose declared size differs from the image its URL serves.")
def image_remote_size(ctx: Context) -> Iterator[Finding]:
    """
    With `--online`, the URL of every object the schema gives the role `image` is requested
    for its first bytes only (`Range: bytes=0-65535`, more up to `network.max-bytes` when the
    header is longer), and the real width and height are read from the image header
    (JPEG, PNG, GIF, WebP and others; SVG from its root element).

    A declared `width`/`height` different from the real size is reported. Images the site
    serves itself are left to image-local, which reads the file.

    Fix: safe — sets width and height to the real size.
    """
    if ctx.config.online_facts is None:
        return
    from .urlfacts import lookup

    for image in record_images(ctx):
        if image.url is None or image.width_pointer is None or image.height_pointer is None:
            continue
        facts = lookup(ctx.config, image.url)
        if facts is None or facts.image is None or local_size(ctx, image) is not None:
            continue
        width, height = facts.image
        yield from real_size(ctx, image, (width, height), "the image at its URL")
