"""hbdesk: a plugin-based trading desk for the Hummingbot ecosystem."""

__version__ = "0.1.0"
