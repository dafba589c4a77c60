"""Durable record of every money-moving request: intent before, outcome after."""

from kiosk.journal.migrations import NewerJournal
from kiosk.journal.states import FINAL_STATES, InvalidTransition, State, can_move
from kiosk.journal.store import Entry, Journal, scrub

__all__ = [
    "FINAL_STATES",
    "Entry",
    "InvalidTransition",
    "Journal",
    "NewerJournal",
    "State",
    "can_move",
    "scrub",
]
