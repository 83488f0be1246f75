"""Screens of the rehearsal studio: the studio itself, help and dialogs."""
