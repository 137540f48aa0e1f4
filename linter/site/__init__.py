"""The project on disk: configuration files, walking and reading files safely, the site's
generator and settings, reading and fetching schemas, measuring images, and the records
references name; the ``Workspace`` keeps what was read. May import the core."""
