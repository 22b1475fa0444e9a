"""takeback: help people respond to sextortion, on their own device."""

__version__ = "0.1.0"
