"""URL rules FM201–FM207 on real records: what each reports, exactly where, and its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import linter
from linter.engine.config import Config

from .conftest import CORPUS, SEED, Run
from .rulekit import at, corpus, fixed, line, lint, only, seed_with

WEB_URL = 'webUrl: "https://www.bbc.com/news/uk-england-london-68062080"'
ORIGINAL_URL = 'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"'
CACHE_URL = ('cdnAmpWebUrl: "https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/news/'
             'uk-england-london-68062080.amp"')
REASON_URL = ('webUrl: "https://reason.com/2024/01/19/miami-police-used-clearview-ai-facial-'
              'recognition-in-arrest-of-homeless-man/"')
















def test_the_seeds_urls_are_clean() -> None:
    """Cloudinary commas and colons, a query, police.uk, AMP and its cache URL: all fine."""
    codes = {f.code for f in lint(SEED.read_text("utf-8"))}
    assert not codes & {"FM201", "FM202", "FM203", "FM204", "FM205", "FM206"}


# --- FM201 url-syntax ---------------------------------------------------------------------


def test_html_entity_in_a_corpus_image_url() -> None:
    text, path = corpus("_news/2021-02-16-power-apps-filtering-by-multi-select-sharepoint-"
                        "columns.md")
    [finding] = only(lint(text, path), "FM201")
    assert at(finding) == ("FM201", 21, 95, 21, 101, "/images/0/url")
    assert line(text, 21)[94:100] == "&#038;"
    assert "HTML entity '&#038;', which stands for '&'" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    repaired = line(fixed(text, finding), 21)
    assert "&#038;" not in repaired and "?resize=" in repaired and "&ssl=1" in repaired


def test_a_host_without_scheme_gets_an_unsafe_https() -> None:
    text = seed_with(WEB_URL, 'webUrl: "www.bbc.com/news/uk-england-london-68062080"')
    [finding] = only(lint(text), "FM201")
    assert at(finding) == ("FM201", 7, 10, 7, 53, "/webUrl")
    assert "did you mean 'https://www.bbc.com/news/uk-england-london-68062080'" in (
        finding.message)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert line(fixed(text, finding), 7) == WEB_URL


def test_text_that_is_no_url_is_one_finding() -> None:
    [finding] = only(lint(seed_with(WEB_URL, 'webUrl: "not a uri"')), "FM201")
    assert at(finding) == ("FM201", 7, 10, 7, 19, "/webUrl")
    assert finding.fix is None


def test_inner_space_is_percent_encoded_unsafely() -> None:
    text = seed_with(WEB_URL, 'webUrl: "https://www.bbc.com/news/uk-england london-68062080"')
    [finding] = only(lint(text), "FM201")
    assert at(finding) == ("FM201", 7, 45, 7, 46, "/webUrl")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert "uk-england%20london" in line(fixed(text, finding), 7)


def test_one_finding_per_kind_of_problem_in_a_real_broken_url() -> None:
    """A Rust blog post (Zola, TOML) whose team_url holds two links in prose: five spaces,
    a '>' and a '<' are two findings, not seven."""
    path = (Path(__file__).parent / "data" / "formats" / "rust-blog" / "broken-links"
            / "rustfmt-supports-let-else-statements.md")
    text = path.read_text("utf-8")
    row = line(text, 9)
    chars, spaces = only(lint(text, "content/rustfmt-supports-let-else-statements.md"), "FM201")
    assert at(chars) == ("FM201", 9, row.index(">") + 1, 9, row.index(">") + 2, "/extra/team_url")
    assert chars.message == ("extra.team_url: the URL contains '<' and '>', which cannot appear "
                             "in a URL unencoded")
    assert chars.fix is None
    assert at(spaces) == ("FM201", 9, row.index(" and") + 1, 9, row.index(" and") + 2,
                          "/extra/team_url")
    assert spaces.message == ("extra.team_url: the URL contains 5 spaces, the first: "
                              "'...tyle%20team> and the rust...'")
    assert spaces.fix is not None and spaces.fix.applicability == "unsafe"
    assert line(fixed(text, spaces), 9) == (
        'team_url = "https://www.rust-lang.org/governance/teams/lang#Style%20team>%20and%20the'
        '%20rustfmt%20team%20<https://www.rust-lang.org/governance/teams/dev-tools#Rustfmt%20team"')


def test_spaces_around_a_url_are_one_finding_trimmed_safely() -> None:
    text = seed_with(WEB_URL, 'webUrl: " https://www.bbc.com/news/uk-england-london-68062080 "')
    [finding] = only(lint(text), "FM201")
    assert at(finding) == ("FM201", 7, 10, 7, 11, "/webUrl")
    assert finding.message == "webUrl: the URL starts with a space and ends with a space"
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 7) == WEB_URL


def test_site_relative_image_urls_are_fine_where_the_schema_allows_them() -> None:
    text, path = corpus("_data/organizations/uw.edu.md")
    config = Config(schemas=[_organizations()])
    assert only(linter.lint_text(text, path, config), "FM201") == []


def _organizations():
    from linter.engine.config import SchemaMapping

    return SchemaMapping(("**/_data/organizations/**",), "organization")


# --- FM202 url-scheme ---------------------------------------------------------------------


def test_http_image_in_the_corpus() -> None:
    text, path = corpus("_news/2021-05-07-microsoft-power-apps-popular-in-oxford.md")
    [finding] = only(lint(text, path), "FM202")
    assert at(finding) == ("FM202", 21, 11, 21, 15, "/images/0/url")
    assert "'http:' is not secure; use 'https:'" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert line(fixed(text, finding), 21) == line(text, 21).replace('"http://', '"https://')


def test_a_scheme_that_is_not_for_the_web() -> None:
    text = seed_with(WEB_URL, 'webUrl: "ftp://www.bbc.com/news/uk-england-london-68062080"')
    [finding] = only(lint(text), "FM202")
    assert at(finding) == ("FM202", 7, 10, 7, 13, "/webUrl")
    assert "'ftp:' is not allowed here" in finding.message and finding.fix is None


# --- FM203 url-tracking -------------------------------------------------------------------


def test_eloqua_parameters_in_the_corpus() -> None:
    text, path = corpus("_news/2021-08-28-38m-records-exposed-via-microsoft-power-apps-"
                        "misconfiguration.md")
    original, web = only(lint(text, path), "FM203")
    assert at(original) == ("FM203", 6, 126, 6, 223, "/originalUrl")
    assert at(web) == ("FM203", 7, 121, 7, 218, "/webUrl")
    assert "tracking parameters: elq_mid, elq_cid" in original.message
    assert original.fix is not None and original.fix.applicability == "safe"
    # The newsletter's own _mc and cid are not on the default list (cid names content on
    # many sites); the other parameters stay as written, in their order.
    assert line(fixed(text, original), 6) == (
        'originalUrl: "https://www.darkreading.com/application-security/38m-records-exposed-via-'
        'microsoft-power-apps-misconfiguration?_mc=NL_DR_EDT_DR_weekly_20210826'
        '&cid=NL_DR_EDT_DR_weekly_20210826"')


def test_tracking_removal_keeps_the_other_parameters_in_order() -> None:
    url = "https://www.bbc.com/news/uk-england-london-68062080?b=2&utm_source=tw&a=1&fbclid=x&c=3"
    text = seed_with(WEB_URL, f'webUrl: "{url}"')
    [finding] = only(lint(text), "FM203")
    assert at(finding) == ("FM203", 7, 62, 7, 96, "/webUrl")
    assert "utm_source, fbclid" in finding.message
    assert line(fixed(text, finding), 7) == (
        'webUrl: "https://www.bbc.com/news/uk-england-london-68062080?b=2&a=1&c=3"')


def test_a_query_without_tracking_is_left_alone() -> None:
    text = seed_with(WEB_URL, 'webUrl: "https://www.bbc.com/news/a?type=og-image&utm=1"')
    assert only(lint(text), "FM203") == []


def test_tracking_parameters_are_configurable() -> None:
    text = seed_with(WEB_URL, 'webUrl: "https://www.bbc.com/news/a?ref=home&b=1"')
    assert only(lint(text), "FM203") == []
    options = {"url-tracking": {"parameters": ["ref"]}}
    [finding] = only(lint(text, rule_options=options), "FM203")
    assert line(fixed(text, finding), 7) == 'webUrl: "https://www.bbc.com/news/a?b=1"'


# --- FM204 provider-domain ----------------------------------------------------------------


def test_a_url_for_a_domain_is_cut_to_its_host_unsafely() -> None:
    text = seed_with("  domain: bbc.com", '  domain: "https://www.bbc.com/"')
    [finding] = only(lint(text), "FM204")
    assert at(finding) == ("FM204", 17, 11, 17, 33, "/provider/domain")
    assert "is not a bare domain name: it is a whole URL" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert line(fixed(text, finding), 17) == '  domain: "www.bbc.com"'


def test_upper_case_domain_is_lowered_safely_in_its_own_style() -> None:
    text = seed_with("  domain: bbc.com", "  domain: BBC.com")
    [finding] = only(lint(text), "FM204")
    assert at(finding) == ("FM204", 17, 11, 17, 18, "/provider/domain")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 17) == "  domain: bbc.com"


def test_a_record_on_another_domain_is_reported_at_its_url() -> None:
    text = seed_with("  domain: bbc.com", "  domain: cnn.com")
    [finding] = only(lint(text), "FM204")
    assert at(finding) == ("FM204", 6, 14, 6, 67, "/originalUrl")
    assert "is on www.bbc.com, which is not the provider's domain cnn.com" in finding.message
    assert finding.fix is None


def test_a_look_alike_host_is_not_a_subdomain() -> None:
    text = seed_with(ORIGINAL_URL, 'originalUrl: "https://www.notbbc.com/news/a"')
    [finding] = only(lint(text), "FM204")
    assert finding.pointer == "/originalUrl" and "www.notbbc.com" in finding.message


def test_a_related_item_on_another_domain() -> None:
    text = seed_with(REASON_URL, 'webUrl: "https://www.bbc.com/news/other"')
    [finding] = only(lint(text), "FM204")
    assert at(finding) == ("FM204", 79, 13, 79, 45, "/related/3/webUrl")
    assert "not the provider's domain reason.com" in finding.message


def test_police_uk_covers_the_mets_newsroom() -> None:
    text = SEED.read_text("utf-8")
    assert "domain: police.uk" in text and "https://news.met.police.uk/" in text
    assert only(lint(text), "FM204") == []


def test_a_youtube_channel_belongs_to_its_author() -> None:
    text, path = corpus("_learning/videos/powerapps911-powerapps-shopping-cart.md")
    assert "originalUrl: https://youtube.com/" in text and "domain: powerapps911.com" in text
    assert only(lint(text, path), "FM204") == []
    without = {"provider-domain": {"platforms": []}}
    [finding] = only(lint(text, path, rule_options=without), "FM204")
    assert at(finding) == ("FM204", 4, 14, 4, 53, "/originalUrl")


# --- FM205 amp-url ------------------------------------------------------------------------


def test_a_stale_amp_cache_url_is_rebuilt_safely() -> None:
    stale = CACHE_URL.replace("68062080.amp", "99999999.amp")
    text = seed_with(CACHE_URL, stale)
    [finding] = only(lint(text), "FM205")
    assert at(finding) == ("FM205", 9, 15, 9, 107, "/cdnAmpWebUrl")
    assert "is not the AMP cache URL of ampWebUrl" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 9) == CACHE_URL


def test_an_amp_page_on_another_site() -> None:
    amp = 'ampWebUrl: "https://www.bbc.com/news/uk-england-london-68062080.amp"'
    text = seed_with(amp, 'ampWebUrl: "https://amp.example.org/news/68062080.amp"')
    findings = only(lint(text), "FM205")
    [site] = [f for f in findings if f.pointer == "/ampWebUrl"]
    assert at(site) == ("FM205", 8, 12, 8, 55, "/ampWebUrl")
    assert "is on amp.example.org, another site than originalUrl (www.bbc.com)" in site.message
    assert site.fix is None


# --- FM206 related-self -------------------------------------------------------------------


def test_a_related_item_that_is_the_record_itself() -> None:
    own = 'webUrl: "http://www.BBC.com/news/uk-england-london-68062080/?utm_source=x"'
    text = seed_with(REASON_URL, own)
    [finding] = only(lint(text), "FM206")
    assert at(finding) == ("FM206", 79, 13, 79, 79, "/related/3/webUrl")
    assert "is the record's own URL" in finding.message and finding.fix is None


def test_related_items_of_the_same_story_elsewhere_are_fine() -> None:
    text = seed_with(REASON_URL, 'webUrl: "https://www.bbc.com/news/uk-england-london-68062081"')
    assert only(lint(text), "FM206") == []


# --- FM207 duplicate-record ---------------------------------------------------------------


def _json(run: Run) -> list[dict]:
    return json.loads(run.out)


def test_duplicate_records_name_each_other(tmp_path: Path, cli: Callable[..., Run]) -> None:
    first = SEED.read_text("utf-8")
    second = first.replace(ORIGINAL_URL, 'originalUrl: "http://www.BBC.com/news/uk-england-'
                           'london-68062080/?utm_source=feed#top"')
    (tmp_path / "a.md").write_text(first, "utf-8")
    (tmp_path / "b.md").write_text(second, "utf-8")
    (tmp_path / "c.md").write_text(first.replace("68062080", "70000000"), "utf-8")
    run = cli(["check", str(tmp_path), "--select", "FM207", "--output-format", "json",
               "--no-cache"])
    found = sorted((Path(f["path"]).name, f["line"], f["column"], f["message"])
                   for f in _json(run))
    assert [(name, line_, column) for name, line_, column, _ in found] == [
        ("a.md", 6, 14), ("b.md", 6, 14)]
    assert found[0][3].endswith(f"is also in {tmp_path / 'b.md'}:6")
    assert found[1][3].endswith(f"is also in {tmp_path / 'a.md'}:6")
    assert "originalUrl https://www.bbc.com/news/uk-england-london-68062080" in found[0][3]
    assert run.code == 1


def test_one_file_has_no_duplicate(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "a.md").write_text(SEED.read_text("utf-8"), "utf-8")
    run = cli(["check", str(tmp_path), "--select", "FM207", "--output-format", "json",
               "--no-cache"])
    assert _json(run) == [] and run.code == 0


@pytest.mark.parametrize("relative", [
    "_learning/videos/reza-dorrni-power-apps-map-component.md",
    "_news/2021-06-10-microsoft-power-platform-stories.md",
])
def test_duplicates_in_the_corpus(relative: str, tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Pairs from the real corpus: the same URL filed under two names."""
    partner = {
        "_learning/videos/reza-dorrni-power-apps-map-component.md":
            "_learning/videos/reza-dorrni-power-apps-bing-map-component.md",
        "_news/2021-06-10-microsoft-power-platform-stories.md":
            "_news/2020-12-21-power-platform-stories.md",
    }[relative]
    for name in (relative, partner):
        (tmp_path / Path(name).name).write_bytes((CORPUS / name).read_bytes())
    run = cli(["check", str(tmp_path), "--select", "FM207", "--output-format", "json",
               "--no-cache"])
    assert sorted(Path(f["path"]).name for f in _json(run)) == sorted(
        [Path(relative).name, Path(partner).name])


def test_a_host_of_64k_labels_is_reported_at_once(tmp_path: Path) -> None:
    """Looking for a platform among every suffix of the host took 35 s (quadratic)."""
    host = "a." * 65536 + "bbc.com"
    text = seed_with('originalUrl: "https://www.bbc.com/', f'originalUrl: "https://{host}/')
    findings = lint(text)
    assert [f.message for f in only(findings, "FM201")] == [
        "originalUrl: the value is 131,119 characters long, too long to be read as a URL (at "
        "most 16,384); it was not checked further"]
    assert only(findings, "FM204") == [] and only(findings, "FM205") == []


def test_many_tracking_parameters_are_counted_not_all_named() -> None:
    query = "&".join(f"utm_{i}=x" for i in range(1500))
    text = seed_with('originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"',
                     f'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080?{query}"')
    [finding] = only(lint(text), "FM203")
    assert finding.message == ("originalUrl has tracking parameters: utm_0, utm_1, utm_2, utm_3, "
                               "utm_4, utm_5, utm_6, utm_7 and 1,492 more")
    assert line(fixed(text, finding), 6) == (
        'originalUrl: "https://www.bbc.com/news/uk-england-london-68062080"')
