"""The opt-in online checks: what the network says about the URLs of records.

The network lives here, at the edge. ``gather`` collects the URLs of the files to check,
probes them (or reads the on-disk cache) and returns facts; rules read those facts from
``Config.online_facts`` and stay pure. This package's ``__init__`` imports nothing, so that
rules can import ``online.facts`` without loading the network code.
"""
