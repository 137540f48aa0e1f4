"""The engine: configuration, suppressions, and one record's text in, its findings out.
May import ``fixer``, ``rules`` and the layers below; no files, terminal or network."""
