"""The project on disk: configuration files, walking and reading files safely, the site's
generator and settings, and the records references name. May import the core."""
