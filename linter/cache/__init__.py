"""The result cache: unchanged files are not checked again. May import ``runner``, ``site``
and the core."""
