"""Text rules FM101–FM107 on real records: what each reports, exactly where, and its fix."""

from __future__ import annotations

import pytest

import linter
from linter.engine.config import Config
from linter.fixer.apply import fix_text

from .conftest import SEED
from .rulekit import at, corpus, fixed, line, lint, only, seed_with

TITLE = 'title: "Corydon: Five arrests after Met Police uses live facial recognition"'
RELATED_TITLE = '  - title: "Live Facial Recognition used in Croydon"'
















# --- FM101 mojibake -------------------------------------------------------------------------


def test_mojibake_in_the_seed_is_repaired_with_its_curly_apostrophe() -> None:
    text = SEED.read_text("utf-8")
    [finding] = lint(text)
    assert at(finding) == ("FM101", 49, 33, 49, 36, "/related/1/excerpt")
    assert finding.severity == "warning"
    assert "Metâ€™s" in finding.message and "Met’s" in finding.message
    assert "UTF-8 read as Windows-1252" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    repaired = fixed(text, finding)
    assert line(repaired, 49) == (
        '    excerpt: "As part of the Met’s ongoing work to reduce serious violence in the Croydon'
        ' area officers made five arrests using LFR."')
    assert "Met's ongoing" not in repaired
    assert lint(repaired) == []


def test_mojibake_in_a_corpus_title_repairs_both_quotes() -> None:
    text, path = corpus("_news/2021-08-27-microsoft-makes-power-apps-changes-following-"
                        "asensitive-dataa-exposure-upguard.md")
    [finding] = only(lint(text, path), "FM101")
    assert at(finding) == ("FM101", 3, 54, 3, 57, "/title")
    assert "(2 places in all)" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 3) == (
        'title: "Microsoft Makes Power Apps Changes Following ‘Sensitive Data’ Exposure: UpGuard"')


@pytest.mark.parametrize("title", [
    "October Power Apps community call: Pokémon Bubbles, Microsoft Certification",
    "Employees at India’s largest bank embrace the citizen developer revolution",
    "How Microsoft built and adopted a customized “Release Planner” app",
    "Microsoft again named a Leader in the 2023 Gartner® Magic Quadrant™",
    "High five Matthew Devaney—Microsoft Power Platform Conference 2022 demo contest winner",
    "Display SharePoint Attachment in PowerApps 📸 (Tutorial)",
    "Enable Spell Check in Power Apps ✅",
    "BI Developer (Power BI / Power Apps) contract (TB) – Gauteng Johannesburg",
])
def test_correct_corpus_titles_are_not_mojibake(title: str) -> None:
    findings = lint(seed_with(TITLE, f'title: "{title}"'))
    assert [f.pointer for f in findings] == ["/related/1/excerpt"]


# --- FM102 html-entity ----------------------------------------------------------------------


def test_html_entity_in_a_corpus_excerpt() -> None:
    text, path = corpus("_news/2024-02-20-copilot-now-helps-users-draft-text-input-in-"
                        "canvas-apps.md")
    [finding] = only(lint(text, path), "FM102")
    assert at(finding) == ("FM102", 4, 13, 4, 20, "/excerpt")
    assert "&#8217;" in finding.message and "We’re excited" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 4).startswith('excerpt: "We’re excited to announce')


def test_a_no_break_space_reference_is_fixed_to_a_plain_space() -> None:
    text, path = corpus("_news/2023-06-06-announcing-general-availability-of-wrap-for-power-"
                        "apps-wizard.md")
    [finding] = only(lint(text, path), "FM102")
    assert "&nbsp;" in finding.message and "so it is a space" in finding.message
    repaired = line(fixed(text, finding), 4)
    assert "Android and iOS enterprise native mobile apps and" in repaired
    assert "\u00a0" not in repaired and "&nbsp;" not in repaired


def test_html_entity_after_escapes_points_at_the_reference() -> None:
    excerpt = 'excerpt: "The Metropolitan Police'
    text = seed_with(excerpt, 'excerpt: "\\"Live\\" &amp; The Metropolitan Police')
    [finding] = only(lint(text), "FM102")
    assert at(finding) == ("FM102", 4, 20, 4, 25, "/excerpt")
    assert line(text, 4)[19:24] == "&amp;"


def test_double_escaped_entities_converge_in_two_passes() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Q&amp;amp;A on &amp;quot;Croydon&amp;quot;"')
    [first] = only(lint(text), "FM102")
    once = fixed(text, first)
    assert line(once, 48) == '  - title: "Q&amp;A on &quot;Croydon&quot;"'
    [second] = only(lint(once), "FM102")
    twice = fixed(once, second)
    assert line(twice, 48) == '  - title: "Q&A on \\"Croydon\\""'
    assert only(lint(twice), "FM102") == []
    outcome = fix_text(text, lambda t: linter.lint_text(t, "article.md", Config()))
    assert line(outcome.text, 48) == line(twice, 48)


@pytest.mark.parametrize("title", [
    "AT&T and Q&A",
    "Why Maps Integration Within Dynamics 365 & Power Apps is Essential",
    "PowerApps User() function & Office365Users",
    "R&D; a bare ampersand &c",
])
def test_ampersands_that_are_not_references(title: str) -> None:
    assert only(lint(seed_with(TITLE, f'title: "{title}"')), "FM102") == []


# --- FM103 replacement-character ----------------------------------------------------------


def test_replacement_character_is_an_error_without_fix() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Live Facial Recognition used in Cr\ufffdydon"')
    [finding] = only(lint(text), "FM103")
    assert at(finding) == ("FM103", 48, 47, 48, 48, "/related/1/title")
    assert finding.severity == "error" and finding.fix is None
    assert "U+FFFD" in finding.message


def test_no_replacement_character_in_the_seed() -> None:
    assert only(lint(SEED.read_text("utf-8")), "FM103") == []


# --- FM104 control-character --------------------------------------------------------------


def test_zero_width_space_in_a_corpus_title() -> None:
    text, path = corpus("_learning/courses/microsoft-learn-connect-analyze-dynamics-365-data.md")
    title, excerpt = only(lint(text, path), "FM104")
    assert at(title) == ("FM104", 2, 51, 2, 52, "/title")
    assert at(excerpt) == ("FM104", 3, 53, 3, 54, "/excerpt")
    assert "U+200B ZERO WIDTH SPACE" in title.message
    assert title.fix is not None and title.fix.applicability == "safe"
    assert line(fixed(text, title), 2) == 'title: "Connect and analyze your Dynamics 365 data"'


def test_soft_hyphens_before_a_word_are_removed() -> None:
    text, path = corpus("_news/2023-10-10-dataverse-low-code-plug-ins-now-in-public-preview.md")
    [finding] = only(lint(text, path), "FM104")
    assert at(finding) == ("FM104", 3, 9, 3, 10, "/title")
    assert "U+00AD SOFT HYPHEN" in finding.message and "(2 places in all)" in finding.message
    assert line(fixed(text, finding), 3) == (
        'title: "Dataverse Low Code Plug-ins now in public preview"')


def test_lone_carriage_return_points_at_its_escape() -> None:
    text, path = corpus("_learning/videos/powerapps911-powerapps-sql-lookups-and-relationships.md")
    [finding] = only(lint(text, path), "FM104")
    assert at(finding) == ("FM104", 3, 235, 3, 237, "/excerpt")
    assert line(text, 3)[234:236] == "\\r"
    assert "U+000D CARRIAGE RETURN" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert "video for you. \\n \\n Getting started" in line(fixed(text, finding), 3)


def test_windows_line_breaks_are_line_breaks() -> None:
    text, path = corpus("_news/2020-10-19-power-apps-community-call-oct-21st-charting-components-"
                        "custom-apps-in-teams-and-an-enhanced-sharepoint-web-part.md")
    assert "\\r\\n" in line(text, 4)
    assert only(lint(text, path), "FM104") == []


def test_bidirectional_override_is_unsafe_to_remove() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Live Facial Recognition \u202eused in Croydon"')
    [finding] = only(lint(text), "FM104")
    assert at(finding) == ("FM104", 48, 37, 48, 38, "/related/1/title")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert line(fixed(text, finding), 48) == RELATED_TITLE


def test_emoji_joiners_are_not_control_characters() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Live Facial Recognition 👨\u200d👩\u200d👧"')
    assert only(lint(text), "FM104") == []


# --- FM105 whitespace ---------------------------------------------------------------------


def test_trailing_space_in_a_corpus_title() -> None:
    text, path = corpus("_news/2022-10-27-announcing-public-preview-of-coauthoring-in-modern-"
                        "app-designer.md")
    [finding] = only(lint(text, path), "FM105")
    assert at(finding) == ("FM105", 3, 72, 3, 73, "/title")
    assert finding.severity == "info"
    assert "whitespace at the end" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 3) == (
        'title: "Announcing public preview of coauthoring in Modern app designer"')


def test_runs_of_spaces_collapse() -> None:
    text = seed_with(RELATED_TITLE, '  - title: " Live  Facial Recognition used in Croydon"')
    [finding] = only(lint(text), "FM105")
    assert at(finding) == ("FM105", 48, 13, 48, 14, "/related/1/title")
    assert "(2 places in all)" in finding.message
    assert line(fixed(text, finding), 48) == RELATED_TITLE


def test_line_feeds_inside_text_are_not_whitespace_problems() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Live Facial Recognition\\nused in Croydon"')
    assert only(lint(text), "FM105") == []


# --- FM106 unicode-normalization ----------------------------------------------------------


def test_decomposed_accent_is_normalised() -> None:
    text = seed_with(RELATED_TITLE, '  - title: "Live Facial Recognition used in Cafe\u0301s"')
    [finding] = only(lint(text), "FM106")
    assert at(finding) == ("FM106", 48, 48, 48, 50, "/related/1/title")
    assert "NFC" in finding.message and "U+0301" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 48) == '  - title: "Live Facial Recognition used in Cafés"'


def test_composed_accents_are_nfc() -> None:
    title = 'title: "October Power Apps community call: Pokémon Bubbles"'
    assert only(lint(seed_with(TITLE, title)), "FM106") == []


# --- FM107 yaml-boolean -------------------------------------------------------------------


def test_yes_for_a_boolean_becomes_true() -> None:
    text = seed_with("published: true", "published: yes")
    findings = lint(text)
    [finding] = only(findings, "FM107")
    assert at(finding) == ("FM107", 13, 12, 13, 15, "/published")
    assert "'yes' is a boolean only in YAML 1.1; write true" in finding.message
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 13) == "published: true"
    assert only(findings, "FM010") == []


@pytest.mark.parametrize(("plain", "reading"), [("yes", "the boolean true"),
                                                 ("Off", "the boolean false"),
                                                 ("012", "the number 10")])
def test_a_string_read_as_something_else_is_quoted(plain: str, reading: str) -> None:
    text = seed_with(TITLE, f"title: {plain}")
    findings = lint(text)
    [finding] = only(findings, "FM107")
    assert at(finding) == ("FM107", 3, 8, 3, 8 + len(plain), "/title")
    assert f"is read as {reading} by YAML 1.1 but the schema expects a string" in (
        finding.message)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert line(fixed(text, finding), 3) == f'title: "{plain}"'
    assert only(findings, "FM010") == []  # one finding for one problem


def test_a_number_two_versions_read_differently_has_no_fix() -> None:
    [finding] = only(lint(seed_with("quality: 89", "quality: 012")), "FM107")
    assert at(finding) == ("FM107", 11, 10, 11, 13, "/quality")
    assert "the number 10 in YAML 1.1" in finding.message and "12 in YAML 1.2" in (
        finding.message)
    assert finding.fix is None


@pytest.mark.parametrize(("old", "new"), [
    ("published: true", "published: false"),
    ("published: true", 'published: "yes"'),
    (TITLE, "title: 'no'"),
    ("quality: 89", "quality: 0"),
])
def test_unambiguous_values_are_not_traps(old: str, new: str) -> None:
    assert only(lint(seed_with(old, new)), "FM107") == []


def test_an_unquoted_yes_outside_the_schema_is_not_reported() -> None:
    """Values the schema does not type (here: an unknown key) are left to the schema check."""
    findings = lint(seed_with("published: true", "published: true\nshown: yes"))
    assert [f.code for f in findings if f.pointer == "/shown"] == ["FM018"]


# --- places inside | and > blocks -------------------------------------------------------------

BLOCK_OLD = ('    excerpt: "As part of the Metâ€™s ongoing work to reduce serious violence in the '
             'Croydon area officers made five arrests using LFR."')


@pytest.mark.parametrize("header", [">-", ">", "|", "|+", "> # folded"])
def test_findings_in_a_block_point_at_the_characters(header: str) -> None:
    """Inside a block scalar a finding points at its characters, as in a quoted one, also
    across a folded line break."""
    text = seed_with(BLOCK_OLD, f"    excerpt: {header}\n      As part of the Metâ€™s\n"
                                "      ongoing work, &amp; more\n\n      said  the Met.\n")
    findings = {f.code: f for f in lint(text)}
    assert at(findings["FM101"])[:5] == ("FM101", 50, 25, 50, 28)  # â€™
    assert at(findings["FM102"])[:5] == ("FM102", 51, 21, 51, 26)  # &amp;
    assert at(findings["FM105"])[:5] == ("FM105", 53, 11, 53, 13)
    repaired = text
    for code in ("FM101", "FM102", "FM105"):
        [finding] = only(lint(repaired), code)
        repaired = fixed(repaired, finding)
    assert repaired == seed_with(BLOCK_OLD, (
        f"    excerpt: {header}\n      As part of the Met’s\n      ongoing work, & more\n\n"
        "      said the Met.\n"))


def test_block_scalar_places_spell_the_value() -> None:
    """Every character of a block scalar's value maps to itself in the text, or (a line
    break, a folded space) to a line break: checked on blocks of every style and chomping."""
    import random

    from linter.reading import source, yamldoc
    from linter.reading.charspans import char_spans

    rng = random.Random(20261126)
    mapped = 0
    for _ in range(600):
        indent = " " * rng.choice([2, 4])
        lines = [rng.choice(["", indent + "  more indented", indent + "".join(
            rng.choice("ab c") for _ in range(rng.randint(1, 9))).strip() or indent + "z"])
                 for _ in range(rng.randint(1, 6))]
        text = ("---\nk: " + rng.choice(["|", "|-", "|+", ">", ">-", ">+"]) + "\n"
                + "\n".join(lines) + "\n" * rng.randint(1, 3) + "n: 1\n---\n")
        front = source.split(text)
        document = yamldoc.parse(text[front.start:front.end], front.start)
        span = document.spans.get("/k")
        if span is None or span.raw is None:
            continue  # (not YAML: a more indented first line, then a less indented one)
        places = char_spans(text, span)
        if places is None:
            assert not span.raw.strip(), text  # (only blocks without text are left out)
            continue
        assert len(places) == len(span.raw)
        for char, (start, end) in zip(span.raw, places, strict=True):
            assert text[start:end] == char or (char in " \n" and text[start:end] == "\n")
        mapped += 1
    assert mapped > 300


def test_a_long_escaped_value_is_placed_without_a_tuple_per_character() -> None:
    """Pointing at a problem inside a value written with escapes maps the value's characters
    to the file's: that map took about 200 bytes a character (250 MB for a 1 MB excerpt)."""
    import json
    import tracemalloc

    value = "Met\u00e2\u20ac\u2122s &amp; a\u200b  e\u0301 " * 2_500
    text = seed_with('excerpt: "The Metropolitan',
                     "excerpt: " + json.dumps(value)[:-1] + " The Metropolitan")
    lint(SEED.read_text("utf-8"))  # (what every check imports, imported)
    tracemalloc.start()
    try:
        findings = lint(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * len(value), f"{peak:,} bytes for {len(value):,} characters"
    [control] = only(findings, "FM104")
    assert at(control)[:5] == ("FM104", 4, 41, 4, 47)  # the first \u200b, as written
    assert line(text, 4)[40:46] == "\\u200b"
