"""The network edge: requests made only to allowed addresses, within one deadline and size,
and the ``[network]`` settings. May import ``checks``."""
