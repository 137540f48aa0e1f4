"""The opt-in online checks (``--online``): gathering the URLs of the files to check, probing
them through ``net`` (or reading the answers kept on disk), and handing the facts
(``rules.urlfacts``) to the rules, which stay pure. May import everything below ``lsp``."""
