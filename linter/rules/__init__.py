"""Rules: the registry, what a rule sees of a record (``context``), findings, and one module
per rule family. May import ``schema``, ``checks`` and ``reading``."""
