"""What examples/README.md promises that `fmlint check examples` shows."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEWS = "examples/powerapps-site/_news/"
DUPLICATE = ("2021-08-27-microsoft-makes-power-apps-changes-following-asensitive-dataa-exposure-"
             "upguard.md")
# (file, code) of every defect the README names, and how many findings each gives.
PROMISED = Counter({
    ("examples/article.md", "FM101"): 1,
    (NEWS + DUPLICATE, "FM207"): 1,
    (NEWS + "2021-08-26-microsoft-makes-power-apps-changes-following-sensitive-data-exposure-"
     "upguard.md", "FM207"): 1,
    (NEWS + DUPLICATE, "FM101"): 1,
    (NEWS + "2021-09-20-hm-group-enables-citizen-development-at-scale-with-microsoft-power-"
     "platform.md", "FM102"): 1,
    (NEWS + "2021-02-16-power-apps-filtering-by-multi-select-sharepoint-columns.md", "FM201"): 1,
    (NEWS + "2021-08-28-38m-records-exposed-via-microsoft-power-apps-misconfiguration.md",
     "FM203"): 2,
    (NEWS + "2021-02-16-power-apps-filtering-by-multi-select-sharepoint-columns.md", "FM305"): 1,
    (NEWS + DUPLICATE, "FM305"): 1,
    (NEWS + "2021-08-28-38m-records-exposed-via-microsoft-power-apps-misconfiguration.md",
     "FM305"): 1,
    ("examples/powerapps-site/_data/organizations/electrek.co.md", "FM403"): 1,
})


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/, checked from the folder above it as the README says."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "examples"


def findings(cli) -> list[dict]:
    result = cli(["check", "examples", "--output-format", "json", "--no-cache"])
    assert result.code == 1
    return json.loads(result.out)


def test_every_promised_defect_is_found_and_nothing_else(cli, examples: Path) -> None:
    found = findings(cli)
    assert Counter((f["path"], f["code"]) for f in found) == PROMISED
    [day_off] = [f for f in found if f["code"] == "FM305" and DUPLICATE in f["path"]]
    assert day_off["message"] == (
        "the file name says 2021-08-27 but publishedDateTime is 2021-08-26 (UTC), 1 day apart; "
        "rename the file to start with 2021-08-26 or correct the date")


def test_by_default_a_day_off_is_not_reported(cli, examples: Path) -> None:
    """Without the site's zone, the rule accepts a file named by another zone's day."""
    config = examples / "powerapps-site" / "_config.yml"
    text = config.read_text("utf-8")
    assert "\ntimezone: UTC\n" in text
    config.write_text(text.replace("\ntimezone: UTC\n", "\n"), "utf-8")
    assert not [f for f in findings(cli) if f["code"] == "FM305"]


def test_the_readme_names_every_rule_the_examples_show() -> None:
    readme = (ROOT / "examples" / "README.md").read_text("utf-8")
    assert {code for _, code in PROMISED} == {
        code for code in ("FM101", "FM102", "FM201", "FM203", "FM207", "FM305", "FM403")
        if f"({code}" in readme or f"{code})" in readme}
    assert "timezone: UTC" in readme and "strict = true" in readme
