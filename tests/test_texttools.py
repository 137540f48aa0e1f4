"""Text checks on real titles, excerpts and names, and YAML 1.1 typing traps."""

from __future__ import annotations

import re
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.checks.characters import (
    find_control_characters,
    find_html_entities,
    find_non_nfc,
    find_replacement_characters,
    find_whitespace_problems,
)
from linter.checks.mojibake import find_mojibake
from linter.checks.problem import Problem as TextProblem
from linter.checks.yamlnumbers import yaml11_trap

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
RECORD_GLOBS = ("_news/*.md", "_learning/**/*.md", "_samples/*.md", "_data/organizations/*.md")
TEXT_FIELDS = {"title", "excerpt", "name"}

# Seed record /related/1/excerpt and a corpus title, as they are written.
SEED_EXCERPT = (
    "As part of the Metâ€™s ongoing work to reduce serious violence in the Croydon area "
    "officers made five arrests using LFR."
)
UPGUARD_FILE = (
    "_news/2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure"
    "-upguard.md"
)
UPGUARD_TITLE = (
    "Microsoft Makes Power Apps Changes Following â€˜Sensitive Dataâ€™ Exposure: UpGuard"
)

# Correct text that must never be taken for a problem.
CORRECT_TEXT = [
    "Café in Zürich",
    "naïve façade, Ça va, ÉCOLE, Œuvre complète",
    "SÃO PAULO",
    "Mötley Crüe, Dvořák in Łódź, İstanbul’da, Straße, æøå",
    "«Bonjour» „Anführungszeichen“ ¿Qué? ¡Hola!",
    "Power Apps….The Power Apps Super Users!",
    "Microsoft is a Leader in the 2021 Gartner® Magic Quadrant™ for Enterprise Low-Code",
    "Transformers Settle Into PoE, ‒48-V Network Power Apps",
    "Power Apps Delegation workarounds – Count Rows, Max, Min, Blank & Date values",
    "Pokémon Bubbles",
    "£100 and €5 at 10°C, © 2020, 3×4 ÷ 2 ± 1, ½ cup, § 3, µs, № 5",
    "“quoted” — ‘single’ … • → ✅ 🚀 😁",
    "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝟙𝟚𝟛",
    "한국어 텍스트, 日本語のテキスト, 中文文本",
    "Ελληνικά, Русский текст, עברית, العربية, हिन्दी, ไทย",
    "ＴｅｘｔＩｎｐｕｔ full width",
    "Øresund, Þór, ÀÁÂÃÄÅ àáâãäå",
]


# --- corpus ------------------------------------------------------------------------------


def _corpus_root() -> Path | None:
    return CORPUS


def _front_matter(path: Path) -> Any:
    lines = path.read_text(encoding="utf-8").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    return yaml.load("\n".join(lines[1:end]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _text_values(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{pointer}/{key}"
            if key in TEXT_FIELDS and isinstance(value, str):
                yield child, value
            else:
                yield from _text_values(value, child)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_values(value, f"{pointer}/{index}")


@pytest.fixture(scope="module")
def corpus_text() -> list[tuple[str, str, str]]:
    """(file, JSON pointer, value) of every title, excerpt and name in the corpus."""
    root = _corpus_root()
    if root is None:
        pytest.skip("corpus not found")
    files = sorted({p for pattern in RECORD_GLOBS for p in root.glob(pattern)})
    out = [
        (path.relative_to(root).as_posix(), pointer, value)
        for path in files
        for pointer, value in _text_values(_front_matter(path))
    ]
    assert len(files) > 1400 and len(out) > 4000
    return out


def _reported(corpus: list[tuple[str, str, str]], check: Any) -> dict[tuple[str, str], TextProblem]:
    found: dict[tuple[str, str], TextProblem] = {}
    for file, pointer, value in corpus:
        problems = check(value)
        assert len(problems) <= 1
        if problems:
            found[(file, pointer)] = problems[0]
    return found


def _quoted(message: str) -> list[str]:
    return re.findall(r"“(.*?)”", message)


# --- mojibake ---------------------------------------------------------------------------


def test_mojibake_in_seed_excerpt_is_fixed_with_curly_quote_kept() -> None:
    [problem] = find_mojibake(SEED_EXCERPT)
    assert problem.kind == "mojibake"
    assert problem.replacement == SEED_EXCERPT.replace("Metâ€™s", "Met’s")
    assert problem.safe
    assert (problem.start, problem.end) == (18, 21)
    assert SEED_EXCERPT[problem.start : problem.end] == "â€™"
    assert "Metâ€™s" in problem.message and "Met’s" in problem.message
    assert "UTF-8 read as Windows-1252" in problem.message
    assert all(len(snippet) <= 42 for snippet in _quoted(problem.message))


def test_mojibake_in_corpus_is_exactly_the_upguard_title(
    corpus_text: list[tuple[str, str, str]],
) -> None:
    found = _reported(corpus_text, find_mojibake)
    assert set(found) == {(UPGUARD_FILE, "/title")}
    problem = found[(UPGUARD_FILE, "/title")]
    assert problem.replacement == (
        "Microsoft Makes Power Apps Changes Following ‘Sensitive Data’ Exposure: UpGuard"
    )
    assert problem.safe
    assert UPGUARD_TITLE[problem.start : problem.end] == "â€˜"
    assert "2 places" in problem.message


@pytest.mark.parametrize("text", [*CORRECT_TEXT, "", "plain ASCII AT&T"])
def test_mojibake_leaves_correct_text_alone(text: str) -> None:
    assert find_mojibake(text) == []


def test_mojibake_is_found_without_loading_ftfy_s_formatting() -> None:
    """ftfy's terminal-width module (and wcwidth) stays unloaded until something uses it."""
    script = (
        "import sys\n"
        "from linter.checks.mojibake import find_mojibake\n"
        "found = find_mojibake('Met\\u00e2\\u20ac\\u2122s')\n"
        "print(found[0].replacement, 'wcwidth' in sys.modules)\n"
        "from ftfy import display_ljust\n"
        "from ftfy.formatting import display_center\n"
        "print(display_ljust('ab', 4, '.'), display_center('x', 5, '*'),"
        " 'wcwidth' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, encoding="utf-8")
    assert done.stdout.split("\n")[:2] == ["Met\u2019s False", "ab.. **x** True"]


def test_double_mojibake_is_undone_in_one_exact_fix() -> None:
    [problem] = find_mojibake("Ã¢â‚¬â„¢s")
    assert problem.replacement == "’s"
    assert problem.safe
    assert problem.message.count("UTF-8 read as Windows-1252") == 2


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("voilÃ le travail", "voilà le travail"),  # a no-break space had become a space
        ("sÃ³ Ã", "só Ã"),  # only part of the text decodes
        ("Met\x92s", "Met’s"),  # a C1 control standing for a Windows-1252 quote
    ],
)
def test_mojibake_fixed_by_guesswork_is_unsafe(text: str, fixed: str) -> None:
    [problem] = find_mojibake(text)
    assert problem.replacement == fixed
    assert not problem.safe


# --- HTML character references ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "Today we&#8217;re pleased to announce the addition of the simple image control",
            "Today we’re pleased to announce the addition of the simple image control",
        ),
        ("Power Query &amp; Dataflows", "Power Query & Dataflows"),
        ("Apps &#038; Flows &#x2019;", "Apps & Flows ’"),
        ("&lt;b&gt; &hellip;", "<b> …"),
        # One level per fix: the corpus holds doubly escaped quotes.
        (
            "how to create an &amp;quot;analog&amp;quot; clock",
            "how to create an &quot;analog&quot; clock",
        ),
        ("how to create an &quot;analog&quot; clock", 'how to create an "analog" clock'),
        ("make.powerapps.com&nbsp;for the first time", "make.powerapps.com for the first time"),
        ("iOS&#160;enterprise native&#xA0;apps", "iOS enterprise native apps"),
    ],
)
def test_html_entities_decoded_one_level(text: str, fixed: str) -> None:
    [problem] = find_html_entities(text)
    assert problem.kind == "html-entity"
    assert problem.replacement == fixed
    assert problem.safe
    assert text[problem.start] == "&" and text[problem.end - 1] == ";"


def test_html_double_escape_and_nbsp_are_explained() -> None:
    [double] = find_html_entities("&amp;quot;analog&amp;quot;")
    assert "fix it again" in double.message
    [nbsp] = find_html_entities("Power Platform&nbsp;empowers you")
    assert nbsp.message == (
        "an HTML character reference in plain text: “Power Platform&nbsp;empowers you” should "
        "read “Power Platform empowers you” (a no-break space only keeps HTML from breaking a "
        "line there; plain text has no such breaks, so it is a space)")


@pytest.mark.parametrize("reference",
                         ["&nbsp;", "&#160;", "&#xA0;", "&#xa0;", "&NonBreakingSpace;"])
def test_a_no_break_space_reference_becomes_a_plain_space(reference: str) -> None:
    [problem] = find_html_entities(f"What is Dataverse?{reference}Microsoft Dataverse is")
    assert problem.replacement == "What is Dataverse? Microsoft Dataverse is"
    assert "\u00a0" not in problem.replacement and problem.safe


@pytest.mark.parametrize(
    "text",
    [
        "AT&T",
        "Q&A",
        "PowerApps Tutorials & Demonstrations by Henry Ouang",
        "U.S. News & World Report",
        "&foo; is not an entity, nor &T; or & amp;",
        "&amp without a semicolon",
    ],
)
def test_bare_ampersands_and_unknown_names_are_left_alone(text: str) -> None:
    assert find_html_entities(text) == []


@pytest.mark.parametrize(("text", "fixed"), [("&#128;", "€"), ("a&#1;b", "ab")])
def test_references_to_control_characters_are_unsafe(text: str, fixed: str) -> None:
    [problem] = find_html_entities(text)
    assert problem.replacement == fixed
    assert not problem.safe


def test_html_entities_in_corpus_are_all_in_excerpts_and_safe(
    corpus_text: list[tuple[str, str, str]],
) -> None:
    found = _reported(corpus_text, find_html_entities)
    assert len(found) >= 100
    assert {pointer for _, pointer in found} == {"/excerpt"}
    assert all(problem.safe for problem in found.values())
    # A second pass finds only what was escaped twice (&amp;quot;, &amp;gt;), a third nothing.
    values = {(f, p): v for f, p, v in corpus_text}
    for key, problem in found.items():
        once = problem.replacement
        assert once is not None
        again = find_html_entities(once)
        assert bool(again) == bool(re.search(r"&amp;[a-z]+;", values[key]))
        if again:
            assert find_html_entities(again[0].replacement or "") == []


# --- replacement character ----------------------------------------------------------------


def test_replacement_character_has_no_fix() -> None:
    [problem] = find_replacement_characters("Canvas app caf\ufffd and \ufffd")
    assert problem.kind == "replacement-character"
    assert (problem.start, problem.end) == (14, 15)
    assert problem.replacement is None and not problem.safe
    assert "U+FFFD" in problem.message and "2 places" in problem.message
    assert find_replacement_characters(CORRECT_TEXT[0]) == []


# --- control and invisible characters --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fixed", "name"),
    [
        (
            "Connect and analyze your Dynamics 365 data\u200b",
            "Connect and analyze your Dynamics 365 data",
            "U+200B ZERO WIDTH SPACE",
        ),
        (
            "\xad\xadDataverse Low Code Plug-ins now in public preview",
            "Dataverse Low Code Plug-ins now in public preview",
            "U+00AD SOFT HYPHEN",
        ),
        (
            "a new community offering from Canviz.\r\nCanviz has been working",
            "a new community offering from Canviz.\nCanviz has been working",
            "U+000D CARRIAGE RETURN",
        ),
        ("for you. \r \r Getting started", "for you. \n \n Getting started", "U+000D"),
        ("\ufeffTitle", "Title", "U+FEFF"),
        ("a\x00b\x7fc", "abc", "U+0000 NULL"),
        ("red \x1b[31malert\x1b[0m", "red alert", "U+001B ESCAPE"),
        ("Pow\u200ber Apps", "Power Apps", "U+200B"),
        ("emoji 👍\u200d", "emoji 👍", "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_control_characters_removed_safely(text: str, fixed: str, name: str) -> None:
    [problem] = find_control_characters(text)
    assert problem.kind == "control-character"
    assert problem.replacement == fixed
    assert problem.safe
    assert name in problem.message
    assert f"character {problem.start + 1}" in problem.message
    assert problem.end == problem.start + 1


@pytest.mark.parametrize(
    "text", ["Power Apps \u202eexe.txt", "plain \u200fEnglish", "ab\u2066cd\u2069"]
)
def test_bidirectional_controls_are_unsafe_to_remove(text: str) -> None:
    [problem] = find_control_characters(text)
    assert not problem.safe
    assert "display" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "👨\u200d👩\u200d👧 family, 🏳️\u200d🌈 flag",  # emoji ZWJ sequences
        "می\u200cخواهم",  # Persian ZWNJ
        "ഞായര്\u200d",  # Malayalam chillu: ZWJ after a virama, at the end
        "ಸೆಪ್ಟೆಂಬರ್\u200c",  # Kannada ZWNJ after a virama
        "ថ្ងៃ\u200bអាទិត្យ",  # Khmer separates words with ZWSP
        "co\xadoperate",  # soft hyphen as a hyphenation point
        "שלום\u200f abc",  # RLM in right-to-left text
        "tab\tand\nline feed",
        *CORRECT_TEXT,
    ],
)
def test_legitimate_invisible_characters_are_not_reported(text: str) -> None:
    assert find_control_characters(text) == []


def test_c1_controls_go_to_mojibake_unless_undefined() -> None:
    assert find_control_characters("Met\x92s") == []
    [problem] = find_control_characters("A\x81B")
    assert problem.replacement == "AB" and not problem.safe


def test_control_characters_in_corpus(corpus_text: list[tuple[str, str, str]]) -> None:
    found = _reported(corpus_text, find_control_characters)
    with_cr = {(file, pointer) for file, pointer, value in corpus_text if "\r" in value}
    by_character = {key: problem.message.split(" at ")[0] for key, problem in found.items()}
    assert by_character == {
        ("_learning/courses/microsoft-learn-connect-analyze-dynamics-365-data.md", "/title"): (
            "U+200B ZERO WIDTH SPACE"
        ),
        ("_learning/courses/microsoft-learn-connect-analyze-dynamics-365-data.md", "/excerpt"): (
            "U+200B ZERO WIDTH SPACE"
        ),
        ("_news/2023-10-10-dataverse-low-code-plug-ins-now-in-public-preview.md", "/title"): (
            "U+00AD SOFT HYPHEN"
        ),
        **{key: "U+000D CARRIAGE RETURN" for key in with_cr},
    }
    assert len(with_cr) == 17 and {pointer for _, pointer in with_cr} == {"/excerpt"}
    assert all(problem.safe for problem in found.values())


# --- whitespace ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fixed", "words"),
    [
        (
            "If you are new to Power Apps then this playlist is for you!  It's full of tips",
            "If you are new to Power Apps then this playlist is for you! It's full of tips",
            "2 spaces in a row",
        ),
        ("Power Apps:  Creating Tabs", "Power Apps: Creating Tabs", "2 spaces in a row"),
        (
            "entering text in an app.\n",
            "entering text in an app.",
            "whitespace at the end (a line break)",
        ),
        (
            "Security from Internal Threats (Users)\xa0\xa0",
            "Security from Internal Threats (Users)",
            "2 no-break spaces",
        ),
        ("  Earlier  this year ", "Earlier this year", "whitespace at the start (2 spaces)"),
        ("from the Platform.\xa0 As", "from the Platform. As", "a no-break space and a space"),
        (
            "日本語\u3000\u3000テキスト",
            "日本語\u3000テキスト",
            "2 × U+3000 IDEOGRAPHIC SPACE in a row",
        ),
    ],
)
def test_whitespace_stripped_and_collapsed(text: str, fixed: str, words: str) -> None:
    [problem] = find_whitespace_problems(text)
    assert problem.kind == "whitespace"
    assert problem.replacement == fixed
    assert problem.safe
    assert words in problem.message
    assert text[problem.start : problem.end].isspace()


@pytest.mark.parametrize(
    "text",
    ["Pokémon\xa0Bubbles", "first paragraph.\n\nsecond paragraph", "one space", "", *CORRECT_TEXT],
)
def test_single_spaces_and_paragraph_breaks_are_fine(text: str) -> None:
    assert find_whitespace_problems(text) == []


def test_whitespace_in_corpus_is_mostly_double_spaces_in_excerpts(
    corpus_text: list[tuple[str, str, str]],
) -> None:
    found = _reported(corpus_text, find_whitespace_problems)
    runs = [key for key, problem in found.items() if "in a row" in problem.message]
    assert len(found) > 500 and len(runs) > 400
    for problem in found.values():
        assert problem.replacement is not None
        assert find_whitespace_problems(problem.replacement) == []


# --- Unicode normalization ---------------------------------------------------------------


def test_decomposed_text_is_composed() -> None:
    [problem] = find_non_nfc("Pokemon Poke\u0301mon")
    assert problem.kind == "unicode-normalization"
    assert problem.replacement == "Pokemon Pokémon"
    assert problem.safe
    assert (problem.start, problem.end) == (11, 13)
    assert "U+0301 COMBINING ACUTE ACCENT" in problem.message
    assert "U+00E9 LATIN SMALL LETTER E WITH ACUTE" in problem.message


def test_cjk_compatibility_ideographs_are_an_unsafe_fix() -> None:
    [problem] = find_non_nfc("\uf900 x")
    assert problem.replacement == "\u8c48 x"
    assert not problem.safe
    assert "compatibility" in problem.message


def test_corpus_is_in_nfc(corpus_text: list[tuple[str, str, str]]) -> None:
    assert _reported(corpus_text, find_non_nfc) == {}
    assert all(find_non_nfc(text) == [] for text in CORRECT_TEXT)


# --- YAML 1.1 typing traps ---------------------------------------------------------------

# raw plain scalar -> (trap, what the YAML 1.2 core schema reads)
YAML_CASES: dict[str, tuple[str | None, object]] = {
    "yes": ("boolean", "yes"),
    "No": ("boolean", "No"),
    "ON": ("boolean", "ON"),
    "off": ("boolean", "off"),
    "012": ("octal", 12),
    "-012": ("octal", -12),
    "08": ("octal", 8),
    "0o12": ("octal", 10),
    "0b101": ("binary", "0b101"),
    "-0x1A": ("hex", "-0x1A"),
    "1_000": ("underscore-number", "1_000"),
    "0x_1A": ("underscore-number", "0x_1A"),
    "1_0.5": ("underscore-number", "1_0.5"),
    "1:20": ("sexagesimal", "1:20"),
    "12:30:00": ("sexagesimal", "12:30:00"),
    "1:20.5": ("sexagesimal", "1:20.5"),
    "1e3": ("float-like", 1000.0),
    "1.0e3": ("float-like", 1000.0),
    "-.5": ("float-like", -0.5),
    "true": (None, True),
    "False": (None, False),
    "tRue": (None, "tRue"),
    "yEs": (None, "yEs"),
    "007": (None, 7),
    "00": (None, 0),
    "0x1A": (None, 26),
    ".5": (None, 0.5),
    "1.": (None, 1.0),
    "1.0e+3": (None, 1000.0),
    "-.inf": (None, float("-inf")),
    "42": (None, 42),
    "~": (None, None),
    "Free": (None, "Free"),
    "0:20": (None, "0:20"),
}


@pytest.mark.parametrize(("raw", "trap", "yaml12"), [(k, *v) for k, v in YAML_CASES.items()])
def test_yaml11_trap_is_what_pyyaml_and_yaml12_read_differently(
    raw: str, trap: str | None, yaml12: object
) -> None:
    assert yaml11_trap(raw, True) == trap
    pyyaml = yaml.safe_load(f"value: {raw}")["value"]
    differs = type(pyyaml) is not type(yaml12) or pyyaml != yaml12
    assert differs == (trap is not None)


def test_yaml11_single_letters_and_quoted_scalars() -> None:
    # y/n are booleans in the YAML 1.1 spec (and other 1.1 parsers), though PyYAML reads
    # them as strings.
    assert [yaml11_trap(raw, True) for raw in ("y", "Y", "n", "N")] == ["boolean"] * 4
    assert yaml11_trap("yes", False) is None
    assert yaml11_trap("012", False) is None
    assert yaml11_trap(".nan", True) is None
    assert yaml11_trap("2024-01-22T18:23:00Z", True) is None
    # PyYAML's resolver takes these for numbers, then fails to construct them.
    assert yaml11_trap("0x_", True) is None
    assert yaml11_trap("0b_", True) is None


# --- the skip for unremarkable text ------------------------------------------------------------

_TEXT_NOISE = [" ", "  ", "\t", "\n", "\r", "&", "&amp;", "&#8217;", "\u00a0", "\u200b", "\x07",
               "\ufffd", "â€™", "e\u0301", "é", "’", "\u202e", "\x85", "\ufeff"]


def test_text_the_checks_skip_has_nothing_for_any_of_them() -> None:
    """The text rules skip text that ``unremarkable`` passes; the skip must never hide a
    problem. Every corpus string, and a sample with a piece of trouble put in at the start,
    the middle and the end, goes through every text check."""
    from linter.checks.text import unremarkable

    texts: set[str] = set()
    for glob in RECORD_GLOBS:
        for path in sorted(CORPUS.glob(glob)):
            record = _front_matter(path)
            texts.update(value for _pointer, value in _text_values(record))
    variants = list(texts) + CORRECT_TEXT + ["", "a", "a b", "a  b", " a", "a "]
    for text in sorted(texts)[::7]:
        middle = len(text) // 2
        for piece in _TEXT_NOISE:
            variants += [piece + text, text[:middle] + piece + text[middle:], text + piece]
    skipped = 0
    for text in variants:
        if unremarkable(text):
            skipped += 1
            assert find_mojibake(text) == [], text
            assert find_html_entities(text) == [], text
            assert find_replacement_characters(text) == [], text
            assert find_control_characters(text) == [], text
            assert find_control_characters(text, crlf=False) == [], text
            assert find_whitespace_problems(text) == [], text
            assert find_non_nfc(text) == [], text
    assert skipped > len(texts) // 2  # most text is skipped


# --- big values ------------------------------------------------------------------------------

BIG = 100_000  # characters


@pytest.mark.parametrize(("find", "text", "places"), [
    (find_mojibake, "Metâ€™s " * (BIG // 8), BIG // 8),
    (find_control_characters, "a\u200b" * (BIG // 2), BIG // 2),
    (find_whitespace_problems, "a  " * (BIG // 3), BIG // 3),
    (find_html_entities, "a&amp;" * (BIG // 6), BIG // 6),
    (find_non_nfc, "e\u0301 " * (BIG // 3), None),
])
def test_memory_stays_a_small_multiple_of_the_text(find, text: str, places: int | None) -> None:
    """A problem in every word used to cost a tuple or two per occurrence: hundreds of MB
    for a 2 MB value. The repair of the whole text is kept; the occurrences are counted."""
    find("warm up: é\u200b  &amp; Metâ€™s e\u0301")
    tracemalloc.start()
    try:
        [problem] = find(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(text), f"{peak:,} bytes for {len(text):,} characters"
    assert len(problem.message) < 400
    if places is not None:
        assert problem.message.endswith(f"({places} places in all)") or (
            f"{places} HTML character references" in problem.message)
