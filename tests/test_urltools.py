"""URL syntax, scheme, tracking parameters, hosts, sites and AMP Cache URLs."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.checks.amp import amp_cache_subdomain, amp_cache_url
from linter.checks.problem import Problem
from linter.checks.sites import (
    DEFAULT_TRACKING_PARAMS,
    canonical_url,
    host_matches_domain,
    host_of,
    is_bare_domain,
    registrable_domain,
    same_site,
    strip_tracking,
    tracking_params,
)
from linter.checks.urlparts import host_name_problem
from linter.checks.urls import check_url_syntax, fix_url, scheme_problem

from .conftest import CORPUS

REPO = Path(__file__).resolve().parent.parent

SEED_URL = "https://www.bbc.com/news/uk-england-london-68062080"
SEED_AMP = "https://www.bbc.com/news/uk-england-london-68062080.amp"
SEED_CDN = (
    "https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/news/uk-england-london-68062080.amp"
)
SYMPMARC = (
    "https://i2.wp.com/sympmarc.com/wp-content/uploads/2021/02/image.png?resize=620%2C497&#038;ssl=1"
)
DARKREADING = (
    "https://www.darkreading.com/application-security/38m-records-exposed-via-microsoft-power-"
    "apps-misconfiguration?_mc=NL_DR_EDT_DR_weekly_20210826&cid=NL_DR_EDT_DR_weekly_20210826"
    "&elq_mid=105848&elq_cid=22023705"
)
MYNEWSDESK = (
    "https://resources-prod.mynewsdesk.com/image/upload/"
    "ar_16:9,c_fill,dpr_auto,f_auto,g_auto,q_auto:good,w_1782/elzkqau2jt3ndjgsszua"
)
LONG_HOST = (
    "itwasadarkandstormynight.therainfellintorrents.exceptatoccasionalintervalswhenitwas"
    "checkedby.aviolentgustofwindwhichsweptupthestreets.com"
)
URL_KEYS = {"url", "originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl"}


def corpus() -> Path:
    return CORPUS


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.load(text.split("\n---", 1)[0][3:], Loader=yaml.CSafeLoader) or {}


def url_values(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, value) for every string under a URL key, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from url_values(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from url_values(v, key)
    elif isinstance(value, str) and key in URL_KEYS:
        yield key, value


def kinds(url: str, absolute: bool = True) -> list[str]:
    return [p.kind for p in check_url_syntax(url, absolute=absolute)]


def only(url: str, absolute: bool = True) -> Problem:
    problems = check_url_syntax(url, absolute=absolute)
    assert len(problems) == 1, problems
    return problems[0]


# --- check_url_syntax ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    SEED_URL, SEED_CDN, MYNEWSDESK, DARKREADING,
    "https://news.met.police.uk/news/live-facial-recognition-used-in-croydon-478292",
    "https://media.itpro.co.uk//image/upload/f_auto,t_primary-image-mobile@1/v1/x%20y.jpg",
    "https://menafn.com/Updates/index/HTML_Images/NewsEn_MoreStories_img_1.jpg?817573",
    "https://bücher.de/straße?q=ü", "https://xn--bcher-kva.de/", "https://點看.com/",
    "https://[2001:db8::1]:8443/a", "http://192.168.0.1/", "https://example.com.:443/a#b",
    "https://my_site.blogspot.com/", "https://r3---sn-abc.googlevideo.com/videoplayback",
    "https://user:secret@example.com/", "https://example.com:/empty-port",
    "mailto:someone@example.com", "file:///etc/hosts",
])
def test_valid_absolute_urls_have_no_problems(url: str) -> None:
    assert check_url_syntax(url, absolute=True) == []
    assert check_url_syntax(url, absolute=False) == []


@pytest.mark.parametrize("ref", [
    "/assets/images/organizations/bbc.com-50x50.jpg", "images/x.png", "../up", "?page=2",
    "#top", "//www.bbc.com/news", "",
])
def test_relative_references_are_fine_for_uri_reference(ref: str) -> None:
    assert kinds(ref, absolute=False) == ([] if ref else ["empty"])


def test_site_relative_path_is_not_an_absolute_url() -> None:
    problem = only("/assets/images/x.jpg")
    assert problem.kind == "not-absolute"
    assert "'/assets/images/x.jpg'" in problem.message
    assert problem.replacement is None


def test_host_without_scheme_is_not_a_url_and_gets_an_unsafe_fix() -> None:
    problem = only("www.bbc.com/news/x")
    assert problem.kind == "not-absolute"
    assert (problem.start, problem.end) == (0, 18)
    assert problem.replacement == "https://www.bbc.com/news/x"
    assert problem.safe is False
    assert "https://www.bbc.com/news/x" in problem.message


def test_host_without_scheme_in_a_uri_reference_is_flagged_only_with_www() -> None:
    problem = only("www.bbc.com/news/x", absolute=False)
    assert problem.kind == "missing-scheme"
    assert problem.replacement == "https://www.bbc.com/news/x"
    assert kinds("bbc.com/news/x", absolute=False) == []


def test_protocol_relative_url_needs_a_scheme_when_absolute() -> None:
    problem = only("//www.bbc.com/news")
    assert problem.kind == "not-absolute"
    assert problem.replacement == "https://www.bbc.com/news"


def test_html_entity_in_a_query_is_decoded_one_level_as_a_safe_fix() -> None:
    problem = only(SYMPMARC)
    assert problem.kind == "entity"
    assert SYMPMARC[problem.start:problem.end] == "&#038;"
    assert problem.safe is True
    assert problem.replacement == SYMPMARC.replace("&#038;", "&")
    assert "'&#038;'" in problem.message
    double = "https://x.com/a?b=1&amp;#038;c=2"
    assert only(double).replacement == "https://x.com/a?b=1&#038;c=2"
    assert fix_url(double, absolute=True) == "https://x.com/a?b=1&c=2"


@pytest.mark.parametrize("entity", ["&amp;", "&#38;", "&#x26;", "&AMP;"])
def test_every_spelling_of_an_escaped_ampersand_is_found(entity: str) -> None:
    assert only(f"https://x.com/?a=1{entity}b=2").replacement == "https://x.com/?a=1&b=2"


def test_an_entity_standing_for_a_space_is_percent_encoded_not_decoded() -> None:
    problem = only("https://x.com/a?q=x&#32;y")
    assert problem.replacement == "https://x.com/a?q=x%20y"
    assert problem.safe is False


def test_a_space_in_a_path_is_percent_encoded_as_an_unsafe_fix() -> None:
    url = "https://example.com/files/annual report.pdf"
    problem = only(url)
    assert problem.kind == "whitespace"
    assert url[problem.start:problem.end] == " "
    assert problem.replacement == "https://example.com/files/annual%20report.pdf"
    assert problem.safe is False
    assert "annual report" in problem.message


def test_surrounding_whitespace_is_one_problem_stripped_by_a_safe_fix() -> None:
    problem = only(f"  {SEED_URL}\n")
    assert (problem.kind, problem.start, problem.end, problem.safe) == ("whitespace", 0, 2, True)
    assert problem.message == "the URL starts with 2 spaces and ends with a line break"
    assert problem.replacement == SEED_URL
    assert only(f"{SEED_URL}\t").message == "the URL ends with a tab"
    assert only(f"\u00a0{SEED_URL}").replacement == SEED_URL


def test_control_and_invisible_characters() -> None:
    tab = only("https://x.com/a\tb")
    assert (tab.kind, tab.replacement, tab.safe) == ("control-char", "https://x.com/ab", False)
    assert "tab" in tab.message
    zero_width = only("https://x.com/a\u200bb")
    assert zero_width.kind == "control-char" and "U+200B" in zero_width.message
    assert only("https://x.com/a\x07b").replacement is None


def test_whitespace_in_the_host_gets_no_fix_and_no_second_report() -> None:
    problem = only("https://www.bbc .com/")
    assert problem.kind == "whitespace"
    assert problem.replacement is None


@pytest.mark.parametrize(("url", "part"), [
    ("https://x.com/%zz", "%zz"), ("https://x.com/100%", "%"), ("https://x.com/?q=%g1", "%g1"),
])
def test_invalid_percent_escapes(url: str, part: str) -> None:
    problem = only(url)
    assert problem.kind == "bad-percent"
    assert url[problem.start:problem.end] == part
    assert problem.replacement == url.replace("%", "%25")  # (what followed '%' is kept)


def test_every_bad_percent_sign_is_one_problem_and_one_repair() -> None:
    url = "https://x.com/100%zz/50%"
    problem = only(url)
    assert (problem.kind, url[problem.start:problem.end]) == ("bad-percent", "%zz")
    assert problem.message == ("2 '%' signs do not start a valid percent escape, the first: "
                               "'%zz' ('%' must be followed by two hex digits)")
    assert fix_url(url, absolute=True, unsafe=True) == "https://x.com/100%25zz/50%25"


def test_spaces_in_several_places_are_one_problem_whose_repair_encodes_them_all() -> None:
    url = "https://x.com/annual report 2023.pdf?q=a b"
    problem = only(url)
    assert (problem.kind, problem.start, problem.end, problem.safe) == (
        "whitespace", url.index(" "), url.index(" ") + 1, False)
    assert problem.message == ("the URL contains 3 spaces, the first: "
                               "'...x.com/annual report 2023....'")
    assert problem.replacement == "https://x.com/annual%20report%202023.pdf?q=a%20b"
    assert "4 spaces in 3 places" in only("https://x.com/a  b c?d e").message


def test_a_thousand_spaces_are_one_problem_repaired_at_once() -> None:
    url = "https://x.com/" + " ".join(["w"] * 1001)
    problem = only(url)
    assert problem.message.startswith("the URL contains 1,000 spaces, the first: ")
    assert problem.replacement == url.replace(" ", "%20")


def test_control_characters_in_several_places_are_one_problem() -> None:
    problem = only("https://x.com/a\tb\u200bc\td")
    assert problem.kind == "control-char"
    assert problem.message.startswith("the URL contains 3 characters (tab, U+200B), the first: ")
    assert problem.replacement == "https://x.com/abcd"


def test_spaces_with_and_without_a_repair_are_told_apart() -> None:
    problems = check_url_syntax("https://www.bbc .com/a b c", absolute=True)
    assert [(p.kind, p.start, p.replacement) for p in problems] == [
        ("whitespace", 15, None), ("whitespace", 22, "https://www.bbc .com/a%20b%20c")]


def test_repeated_entities_are_one_problem_naming_each_entity() -> None:
    url = "https://x.com/a?b=1&#038;c=2&#038;d=3&amp;e=4"
    problem = only(url)
    assert (problem.kind, url[problem.start:problem.end], problem.safe) == (
        "entity", "&#038;", True)
    assert problem.message == ("the URL contains 3 HTML entities: '&#038;' for '&' (2 times), "
                               "'&amp;' for '&'")
    assert problem.replacement == "https://x.com/a?b=1&c=2&d=3&e=4"


def test_entities_decoded_safely_and_encoded_unsafely_are_two_problems() -> None:
    url = "https://x.com/a?b=1&#038;c=x&#32;y&amp;d=2"
    safe, unsafe = check_url_syntax(url, absolute=True)
    assert (safe.safe, safe.replacement) == (True, "https://x.com/a?b=1&c=x&#32;y&d=2")
    assert (unsafe.safe, unsafe.replacement) == (False, "https://x.com/a?b=1&#038;c=x%20y&amp;d=2")
    assert fix_url(url, absolute=True) == "https://x.com/a?b=1&c=x&#32;y&d=2"
    assert fix_url(url, absolute=True, unsafe=True) == "https://x.com/a?b=1&c=x%20y&d=2"


@pytest.mark.parametrize(("url", "why"), [
    ("https://x..com/", "empty label"),
    ("https://.x.com/", "empty label"),
    ("https://-x.com/", "hyphen"),
    ("https://x-.com/", "hyphen"),
    ("https://" + "a" * 64 + ".com/", "at most 63"),
    ("https://xn--zz.com/", "internationalized"),
    ("https://exa*mple.com/", "'*'"),
    ("https://1.2.3.400/", "IPv4"),
    ("https://example.123/", "number"),
    ("https://[::g]/", "IPv6"),
    ("https://[::1/", "']'"),
    ("https://\u0301abc.com/", "internationalized"),
])
def test_invalid_hosts(url: str, why: str) -> None:
    problem = only(url)
    assert problem.kind == "bad-host"
    assert why in problem.message
    assert problem.replacement is None


@pytest.mark.parametrize(("url", "why"), [
    ("https://x.com:99999/", "65535"), ("https://x.com:8a/", "not a number"),
    ("https://x.com:65536/", "65535"),
])
def test_invalid_ports(url: str, why: str) -> None:
    problem = only(url)
    assert problem.kind == "bad-port" and why in problem.message
    assert kinds("https://x.com:65535/") == []


def test_scheme_must_be_lower_case_and_well_formed() -> None:
    upper = only("HTTPS://www.bbc.com/")
    assert (upper.kind, upper.replacement, upper.safe) == (
        "scheme-case", "https://www.bbc.com/", True)
    assert only("1http://x.com/").kind == "bad-scheme"
    assert only("ht_tp://x.com/").replacement is None


@pytest.mark.parametrize(("url", "fixed"), [
    ("https:/www.bbc.com/news", "https://www.bbc.com/news"),
    ("https:www.bbc.com", "https://www.bbc.com"),
    ("https:///www.bbc.com/news", "https://www.bbc.com/news"),
])
def test_missing_or_extra_slashes_after_the_scheme(url: str, fixed: str) -> None:
    problem = only(url)
    assert problem.kind == "no-host"
    assert problem.replacement == fixed and problem.safe is False


def test_scheme_without_a_host() -> None:
    assert only("https:///").replacement is None
    assert kinds("javascript:void(0)") == ["no-host"]
    assert kinds("javascript:void(0)", absolute=False) == []


def test_doubled_scheme() -> None:
    problem = only("https://https://www.bbc.com/news")
    assert problem.kind == "doubled-scheme"
    assert problem.replacement == "https://www.bbc.com/news"


def test_markup_characters_are_flagged_together() -> None:
    problem = only('https://x.com/a">link')
    assert (problem.kind, problem.start, problem.end) == ("bad-char", 15, 16)
    assert problem.message == ("""the URL contains '"' and '>', which cannot appear in a URL """
                               "unencoded")


def test_a_scheme_in_a_uri_reference_must_make_a_valid_absolute_url() -> None:
    assert kinds("https://x..com/a", absolute=False) == ["bad-host"]
    assert kinds("https:/www.bbc.com/a", absolute=False) == ["no-host"]


def test_offsets_point_into_the_original_string_even_with_leading_space() -> None:
    url = "  https://x.com:99999/"
    port = next(p for p in check_url_syntax(url, absolute=True) if p.kind == "bad-port")
    assert url[port.start:port.end] == "99999"


def test_fix_url_applies_only_safe_fixes_unless_asked() -> None:
    url = " https://x.com/a b?c=1&amp;d=2"
    assert fix_url(url, absolute=True) == "https://x.com/a b?c=1&d=2"
    assert fix_url(url, absolute=True, unsafe=True) == "https://x.com/a%20b?c=1&d=2"


def test_host_name_problem() -> None:
    assert host_name_problem("news.met.police.uk") is None
    assert host_name_problem("bücher.de") is None
    assert host_name_problem("a..b") is not None


URL_PIECES = st.sampled_from([
    "https://", "http://", "//", "www.", "bbc.com", ":443", ":99999", "&amp;", "&#038;", "%zz",
    "%20", "[::1]", "xn--", "..", "-", "@", "?utm_source=x", "#f", "/a b", "\t", "\u200b", "ü",
])
URL_TEXT = st.lists(st.one_of(URL_PIECES, st.characters()), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(URL_TEXT, st.booleans())
def test_any_text_gives_problems_inside_the_string_and_fixes_that_change_it(
    text: str, absolute: bool
) -> None:
    problems = check_url_syntax(text, absolute=absolute)
    for problem in problems:
        assert 0 <= problem.start <= problem.end <= len(text)
        assert problem.replacement != text
        assert problem.message
        spans = [(start, end) for start, end, _ in problem.places]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # in order, apart
    counted = [(p.kind, p.replacement is None, p.safe) for p in problems if p.kind in (
        "whitespace", "control-char", "entity", "bad-char", "bad-percent")]
    assert len(counted) == len(set(counted))  # one problem per kind and repair, not per place
    fixed = fix_url(text, absolute=absolute)
    assert all(not p.safe or p.replacement is None
               for p in check_url_syntax(fixed, absolute=absolute))


# --- scheme_problem -----------------------------------------------------------------------


def test_http_gets_an_https_replacement_keeping_every_other_character() -> None:
    url = "http://cherwell.org/wp-content/uploads/2021/04/x-1-scaled.jpg"
    message, fixed = scheme_problem(url)  # type: ignore[misc]
    assert fixed == "https" + url[4:]
    assert "http" in message
    message, fixed = scheme_problem("HTTP://X.com/A?b=C")  # type: ignore[misc]
    assert fixed == "https://X.com/A?b=C"


def test_schemes_that_are_not_allowed() -> None:
    assert scheme_problem("ftp://files.example.com/a") == (
        "the scheme 'ftp:' is not allowed here (allowed: 'http', 'https')", None)
    assert scheme_problem("FTP://x.com", allowed=frozenset({"ftp"})) is None
    assert scheme_problem("http://x.com", allowed=frozenset({"http"})) is None


def test_https_and_relative_references_have_no_scheme_problem() -> None:
    assert scheme_problem(SEED_URL) is None
    assert scheme_problem("HTTPS://www.bbc.com") is None
    assert scheme_problem("/assets/x.jpg") is None
    assert scheme_problem("www.bbc.com:8080/x") is None


# --- tracking parameters ------------------------------------------------------------------


def test_tracking_parameters_are_found_in_order() -> None:
    assert tracking_params(DARKREADING) == ["elq_mid", "elq_cid"]
    url = "https://x.com/a?utm_source=n&id=7&fbclid=abc&UTM_Medium=e&gclid=1&utm_source=m"
    assert tracking_params(url) == ["utm_source", "fbclid", "UTM_Medium", "gclid"]
    assert tracking_params(SEED_URL) == []


def test_strip_tracking_keeps_other_parameters_exactly() -> None:
    url = "https://x.com/a?utm_source=n&b=%20x&utm_medium=e&c=1+2&d=%2f#sec-2"
    assert strip_tracking(url) == "https://x.com/a?b=%20x&c=1+2&d=%2f#sec-2"
    assert strip_tracking("https://x.com/?utm_source=a") == "https://x.com/"
    assert strip_tracking("https://x.com/p?utm_source=a#frag") == "https://x.com/p#frag"
    assert strip_tracking("https://x.com/?fbclid=1&&b=2") == "https://x.com/?b=2"
    assert strip_tracking(MYNEWSDESK) == MYNEWSDESK
    assert strip_tracking("https://x.com/a#utm_source=1") == "https://x.com/a#utm_source=1"


def test_parameters_that_select_content_are_not_tracking() -> None:
    for url in ("https://www.youtube.com/watch?v=ENIACMQ7E1M",
                "https://windowsreport.com/microsoft-powerapps-record-exposed/?amp",
                "https://decrypt.co/news-explorer?pinned=169234&title=x",
                "https://www.dailymail.co.uk/news/article-9920349/x.html?mid=1",
                "https://site.com/?id=1&page=2&ref=home&source=rss&q=utm"):
        assert tracking_params(url) == [], url
        assert strip_tracking(url) == url


def test_custom_tracking_patterns() -> None:
    assert tracking_params(DARKREADING, ["_mc", "cid"]) == ["_mc", "cid"]
    assert "utm_*" in DEFAULT_TRACKING_PARAMS


# --- canonical_url ------------------------------------------------------------------------


def test_canonical_url_for_duplicate_detection() -> None:
    assert canonical_url("HTTP://WWW.BBC.com:80/News/?utm_source=x&b=2#frag") == (
        "https://www.bbc.com/News?b=2")
    assert canonical_url(SEED_URL + "/") == canonical_url(SEED_URL) == SEED_URL
    assert canonical_url("https://bbc.com") == canonical_url("http://bbc.com/") == (
        "https://bbc.com/")
    assert canonical_url("https://Bücher.de/x") == "https://xn--bcher-kva.de/x"
    assert canonical_url("https://x.com:8443/p?utm_medium=e") == "https://x.com:8443/p"
    assert canonical_url("https://x.com/p?b=2&a=1") == "https://x.com/p?b=2&a=1"


@pytest.mark.parametrize("url", ["ftp://x.com/", "//x.com/a", "/assets/a.jpg", "www.bbc.com",
                                 "mailto:a@b.com", "https:///x"])
def test_canonical_url_is_none_for_non_http_urls(url: str) -> None:
    assert canonical_url(url) is None


# --- hosts, domains and sites -------------------------------------------------------------


def test_host_of() -> None:
    assert host_of(SEED_URL) == "www.bbc.com"
    assert host_of("https://WWW.Bücher.de:8080/x") == "www.xn--bcher-kva.de"
    assert host_of("https://[2001:DB8::1]/") == "2001:db8::1"
    assert host_of("/assets/x.jpg") is None
    assert host_of("www.bbc.com/news") is None
    assert host_of("mailto:a@b.com") is None


@pytest.mark.parametrize(("value", "fixed"), [
    ("https://www.bbc.com/", "www.bbc.com"),
    ("BBC.com", "bbc.com"),
    ("bbc.com/news", "bbc.com"),
    (" bbc.com", "bbc.com"),
    ("bbc.com.", "bbc.com"),
    ("bbc.com:443", "bbc.com"),
    ("http://BBC.com:80/x", "bbc.com"),
    ("Bücher.DE", "bücher.de"),
])
def test_is_bare_domain_fixes(value: str, fixed: str) -> None:
    ok, fix, message = is_bare_domain(value)
    assert (ok, fix) == (False, fixed)
    assert f"'{value}'" in message and f"'{fixed}'" in message


@pytest.mark.parametrize("value", ["bbc.com", "police.uk", "thisislocallondon.co.uk",
                                   "bücher.de", "xn--bcher-kva.de", "www.bbc.com"])
def test_is_bare_domain_accepts(value: str) -> None:
    assert is_bare_domain(value) == (True, None, "")


@pytest.mark.parametrize(("value", "why"), [
    ("bbc", "no dot"), ("1.2.3.4", "IP address"), ("x..com", "empty label"),
    ("user@bbc.com", "'@'"), ("", "empty"), ("https:///x", "without a host"),
])
def test_is_bare_domain_rejects_without_fix(value: str, why: str) -> None:
    ok, fix, message = is_bare_domain(value)
    assert (ok, fix) == (False, None)
    assert why in message


def test_host_matches_domain() -> None:
    assert host_matches_domain("news.met.police.uk", "police.uk")
    assert host_matches_domain("www.bbc.com", "bbc.com")
    assert host_matches_domain("bbc.com", "BBC.COM")
    assert host_matches_domain("WWW.BBC.COM.", "bbc.com")
    assert host_matches_domain("www.bücher.de", "xn--bcher-kva.de")
    assert host_matches_domain("www.xn--bcher-kva.de", "Bücher.de")
    assert not host_matches_domain("notbbc.com", "bbc.com")
    assert not host_matches_domain("bbc.com", "www.bbc.com")
    assert not host_matches_domain("bbc.com.evil.net", "bbc.com")
    assert not host_matches_domain("x.com", "")


def test_registrable_domain() -> None:
    assert registrable_domain("news.met.police.uk") == "met.police.uk"
    assert registrable_domain("www.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("WWW.BBC.COM") == "bbc.com"
    assert registrable_domain("everyday-cc.github.io") == "everyday-cc.github.io"
    assert registrable_domain("www.bücher.de") == "xn--bcher-kva.de"
    for host in ("police.uk", "co.uk", "1.2.3.4", "::1", "localhost"):
        assert registrable_domain(host) is None, host


def test_same_site() -> None:
    assert same_site("https://www.bbc.co.uk/a", "http://news.bbc.co.uk/b")
    assert same_site(SEED_URL, "https://www.bbc.com/news/other")
    assert not same_site("https://a.github.io/", "https://b.github.io/")
    assert not same_site("https://www.bbc.com/", "https://www.bbc.co.uk/")
    assert not same_site(SEED_URL, "/assets/x.jpg")
    assert same_site("http://10.0.0.1/a", "http://10.0.0.1/b")


def test_public_suffix_list_is_read_from_the_package_without_network() -> None:
    code = (
        "import socket\n"
        "class Blocked(socket.socket):\n"
        "    def connect(self, *a): raise AssertionError('network used')\n"
        "socket.socket = Blocked\n"
        "socket.getaddrinfo = lambda *a, **k: (_ for _ in ()).throw(AssertionError('dns'))\n"
        "from linter.checks.sites import registrable_domain\n"
        "print(registrable_domain('news.met.police.uk'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stdout.strip() == "met.police.uk", done.stderr


# --- AMP Cache URLs -----------------------------------------------------------------------


def test_seed_amp_url() -> None:
    assert amp_cache_url(SEED_AMP) == SEED_CDN


@pytest.mark.parametrize(("host", "subdomain"), [
    ("something.com", "something-com"),
    ("SOMETHING.COM", "something-com"),
    ("hello-world.com", "hello--world-com"),
    ("hello--world.com", "hello----world-com"),
    ("en-us.example.com", "0-en--us-example-com-0"),
    ("xn--bcher-kva.ch", "xn--bcher-ch-65a"),
    ("bücher.ch", "xn--bcher-ch-65a"),
    ("點看.com", "xn---com-k47jg78q"),
    ("xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c", "xn-------i5fvcbaopc6fkc0de0d9jybegt6cd"),
    # fallbacks: no dot, too long, right-to-left mixed with left-to-right
    ("toplevelnohyphens", "qsgpfjzulvuaxb66z77vlhb5gu2irvcnyp6t67cz6tqo5ae6fysa"),
    ("no-dot-domain", "4lxc7wqq7b25walg4rdiil62veijrmqui5z3ept2lyfqqwpowryq"),
    (LONG_HOST, "dgz4cnrxufaulnwku4ow5biptyqnenjievjht56hd7wqinbdbteq"),
    ("hello.xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c",
     "a6h5moukddengbsjm77rvbosevwuduec2blkjva4223o4bgafgla"),
])
def test_amp_cache_subdomain(host: str, subdomain: str) -> None:
    assert amp_cache_subdomain(host) == subdomain


def test_amp_cache_url_shapes() -> None:
    assert amp_cache_url("http://www.example.com/a.html") == (
        "https://www-example-com.cdn.ampproject.org/c/www.example.com/a.html")
    assert amp_cache_url("https://example.com/g?value=Hello%20World") == (
        "https://example-com.cdn.ampproject.org/c/s/example.com/g?value=Hello%20World")
    assert amp_cache_url("https://點看.com") == (
        "https://xn---com-k47jg78q.cdn.ampproject.org/c/s/點看.com")
    assert amp_cache_url("https://WWW.Example.com:443/x", "amp.cloudflare.com") == (
        "https://www-example-com.amp.cloudflare.com/c/s/www.example.com/x")


@pytest.mark.parametrize("url", ["ftp://x.com/a", "/news/a.amp", "www.bbc.com/a.amp",
                                 "https://x.com:8080/a", "https://u@x.com/a", "https://x..com/",
                                 "https://exa*mple.com/a", "https://[::1]/a"])
def test_amp_cache_url_none(url: str) -> None:
    assert amp_cache_url(url) is None


def test_every_corpus_amp_pair_round_trips() -> None:
    pairs = []
    for path in sorted((corpus() / "_news").glob("*.md")):
        data = front_matter(path)
        if "ampWebUrl" in data or "cdnAmpWebUrl" in data:
            pairs.append((path.name, data.get("ampWebUrl"), data.get("cdnAmpWebUrl")))
    assert len(pairs) == 42
    wrong = [(name, amp_cache_url(amp), cdn) for name, amp, cdn in pairs
             if amp_cache_url(amp) != cdn]
    assert wrong == []


# --- the corpus ---------------------------------------------------------------------------


def test_no_false_alarms_on_corpus_urls() -> None:
    flagged = []
    count = 0
    for path in sorted(corpus().rglob("*.md")):
        if not path.read_text(encoding="utf-8").startswith("---"):
            continue
        for key, url in url_values(front_matter(path)):
            count += 1
            absolute = url.startswith("http")
            for problem in check_url_syntax(url, absolute=absolute):
                flagged.append((path.name, key, problem.kind, url[problem.start:problem.end]))
    assert count > 4000
    assert flagged == [("2021-02-16-power-apps-filtering-by-multi-select-sharepoint-columns.md",
                        "url", "entity", "&#038;")]


# --- the quick path for clean URLs -----------------------------------------------------------

def _corpus_urls() -> list[str]:
    import re

    from tests.conftest import CORPUS

    found: set[str] = set()
    for path in CORPUS.rglob("*.md"):
        found.update(re.findall(r"https?://[^\s\"'<>]+", path.read_text("utf-8", "replace")))
    return sorted(found)


_NOISE = "aZ09-._~!$'()*+,;=:@/?#%&[]{}|^ \"<>\\`\u00e9\u200b\t"


def test_a_url_the_quick_path_passes_has_no_problem_in_the_full_check() -> None:
    """Clean-looking URLs skip the full syntax check; the skip must never hide a problem.

    Every corpus URL, and a sample of them with one character put in at the middle and at
    the end (every kind of character the checks care about), is checked as it is, and with
    ``xn--`` (an IDNA prefix: never taken for clean) in its fragment, where it is harmless:
    a URL found clean is clean through the full check too.
    """
    urls = _corpus_urls()
    variants = list(urls)
    for url in urls[::5]:
        middle = len(url) // 2
        for piece in [*_NOISE, "&#038;", "&amp;", "xn--", "%2", "%zz"]:
            variants += [url[:middle] + piece + url[middle:], url + piece]
    clean = 0
    for url in variants:
        full = url + ("xn--" if "#" in url else "#xn--")
        for absolute in (True, False):
            if check_url_syntax(url, absolute=absolute) == []:
                clean += 1
                assert check_url_syntax(full, absolute=absolute) == [], (url, absolute)
    assert clean > len(urls)  # (most corpus URLs are clean, as absolute and as relative)


# --- values too long to be URLs, and long parts in messages ----------------------------------

MANY_LABELS = "https://" + "a." * 65536 + "bbc.com/news"  # 128 KB


def test_a_value_too_long_to_be_a_url_is_said_to_be_so_and_read_no_further() -> None:
    [problem] = check_url_syntax(MANY_LABELS, absolute=True)
    assert problem.kind == "too-long" and problem.replacement is None
    assert problem.message == ("the value is 131,092 characters long, too long to be read as a "
                               "URL (at most 16,384); it was not checked further")
    assert (problem.start, problem.end) == (0, len(MANY_LABELS))
    assert host_of(MANY_LABELS) is None and canonical_url(MANY_LABELS) is None
    assert scheme_problem("http" + MANY_LABELS[5:]) is None
    assert tracking_params(MANY_LABELS + "?utm_source=x") == []
    assert amp_cache_url(MANY_LABELS) is None


def test_a_host_longer_than_dns_allows_has_no_host_or_site() -> None:
    url = "https://" + "a." * 2000 + "bbc.com/news"  # 4 KB: a URL, but no host name
    assert host_of(url) is None
    assert registrable_domain("a." * 2000 + "bbc.com") is None
    assert not same_site(url, "https://www.bbc.com/")
    assert "is longer than 253 characters" in check_url_syntax(url, absolute=True)[0].message


@pytest.mark.parametrize("url", [
    "https://a" + "." * 5000 + "com/",  # empty labels
    "https://" + "é" * 5000 + ".com/",  # an internationalized label
    "https://bbc.com:" + "1" * 5000 + "/",  # port
    "https://[" + ":" * 5000 + "]/",  # IP literal
    "h" * 5000 + "://bbc.com/",  # scheme
    "www.bbc.com/" + "a" * 5000,  # no scheme
    "https://1.2.3." + "4" * 5000 + "/",  # IPv4
])
def test_messages_quote_a_short_part_of_a_long_url(url: str) -> None:
    messages = [p.message for p in check_url_syntax(url, absolute=True)]
    found = scheme_problem(url)
    messages += [found[0]] if found else []
    assert messages
    assert all(len(message) < 300 for message in messages), [m[:100] for m in messages]


def test_a_long_domain_value_is_quoted_short() -> None:
    ok, fixed, message = is_bare_domain("https://" + "a." * 5000 + "com/")
    assert not ok and fixed is None and len(message) < 300
