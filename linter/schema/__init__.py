"""JSON Schemas: validating records, explaining failures in plain words, formats, what the
schema says of each value, and inference. May import ``checks`` and ``reading``."""
