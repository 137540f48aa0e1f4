"""The ``fmlint`` command line: options, building a run, running it, and the report.
The top layer: may import everything."""
