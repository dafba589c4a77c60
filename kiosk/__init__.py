"""Kiosk: a terminal point of sale for Ugmart (Uganda) and UMS (Kenya) services."""

import sys

__version__ = "0.1.0"

# httpx imports its command-line tool whenever click is installed (uvicorn brings it), and with
# it rich.syntax and pygments: about 50 ms and 4 MiB of every start-up for a tool the kiosk never
# runs. A None entry makes that optional import fail, as it does where click is not installed.
sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]
