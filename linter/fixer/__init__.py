"""Fixes: applying edits to a record's text, checked by parsing again, and fixes for schema
findings. May import ``rules`` and the layers below it."""
