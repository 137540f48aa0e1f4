"""Baseline: libyaml parse, JSON Schema validation and a mojibake test, in one process.

    python bench/baseline_schema.py --schema schema/article.schema.json FOLDER_OR_FILE...

The validator (Draft 2020-12, with a FormatChecker) is built once. Timestamps are kept as
strings, as the schema expects (YAML would otherwise turn them into datetime objects). Every
string in a record is tested with ``ftfy.badness.is_bad``. Prints one line per problem and a
count; exit status 1 when there are problems.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

import ftfy.badness
import jsonschema
import yaml
from _records import front_matter, paths


class Loader(yaml.CSafeLoader):
    """libyaml's safe loader without the timestamp resolver."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every string in ``value`` with its JSON Pointer."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{pointer}/{index}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", required=True)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    with open(args.schema, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    out = []
    for path in paths(args.paths):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
        block = front_matter(text)
        if block is None:
            out.append(f"{path}: no front matter")
            continue
        try:
            record = yaml.load(block, Loader=Loader)
        except yaml.YAMLError as err:
            out.append(f"{path}: YAML: {err}".replace("\n", " "))
            continue
        for error in validator.iter_errors(record):
            out.append(f"{path}: {error.json_path}: {error.message}")
        for pointer, value in strings(record):
            if ftfy.badness.is_bad(value):
                out.append(f"{path}: {pointer}: mojibake")
    out.append(f"{len(out)} problems")
    sys.stdout.write("\n".join(out) + "\n")
    return 1 if len(out) > 1 else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
