"""Pure checks on single values: plain text, URLs, timestamps, image sizes, AMP addresses.
No I/O; may import ``reading``."""
