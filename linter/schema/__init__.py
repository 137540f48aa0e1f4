"""JSON Schemas: compiling the documents it is given and validating records, explaining
failures in plain words, formats, the built-in schemas, what the schema says of each value,
and inference. Reads no file but the built-ins. May import ``checks`` and ``reading``."""
