"""Kiosk: a terminal point of sale for Ugmart (Uganda) and UMS (Kenya) services."""

__version__ = "0.1.0"
