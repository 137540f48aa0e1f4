"""Reading: a record's text into documents (YAML, TOML, JSON) with exact spans, and values
written back in their own style. Imports nothing else of fmlint."""
