"""Baseline: read each record, split off the front matter, parse it with libyaml. No checks.

    python bench/baseline_parse.py FOLDER_OR_FILE...

Prints how many records it parsed and how many it could not; exit status 0.
"""

from __future__ import annotations

import sys

import yaml
from _records import front_matter, paths


def main(arguments: list[str]) -> int:
    loader = yaml.CSafeLoader
    parsed = failed = 0
    for path in paths(arguments):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
        block = front_matter(text)
        if block is None:
            failed += 1
            continue
        try:
            yaml.load(block, Loader=loader)
        except yaml.YAMLError:
            failed += 1
            continue
        parsed += 1
    print(f"{parsed} parsed, {failed} not parsed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
