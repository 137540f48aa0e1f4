"""Running checks over many files: workers, fixing and writing files. May import ``site``
and the core."""
