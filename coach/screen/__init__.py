"""Batch screening of message exports (mail, CSV, JSONL, text files) against a house policy."""

from coach.screen.model import Message, RawItem, ScreenResult, ScreenVerdict
from coach.screen.policy import Policy, load_policy

__all__ = ["Message", "Policy", "RawItem", "ScreenResult", "ScreenVerdict", "load_policy"]
