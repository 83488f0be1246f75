"""Widgets of the rehearsal studio: editor, feedback panel, scoreboard and status line."""
