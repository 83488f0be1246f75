"""Visitor folders of `coach serve`: names from cookies, drafts per tab, claiming a closed tab's draft, pruning."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from coach.tui.drafts import Draft
from coach.web.sessions import (
    RETENTION_DAYS, SessionFolderError, TabDraftStore, is_visitor_token, new_visitor_token,
    prune_session_folders, session_folder, session_id_for,
)


def test_tokens_are_fresh_and_checked():
    first, second = new_visitor_token(), new_visitor_token()
    assert first != second and is_visitor_token(first)
    for bad in (None, "", "short", "../../etc/passwd" + "a" * 40, "a" * 65):
        assert not is_visitor_token(bad)


def test_session_folder_is_private_and_named_by_a_hash(tmp_path: Path):
    token = new_visitor_token()
    folder = session_folder(session_id_for(token), tmp_path)
    assert folder.parent == tmp_path / "served"
    assert token not in str(folder)
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


@pytest.mark.parametrize("bad", ["../x", "..", "ABC", "0" * 31, "/tmp"])
def test_session_folder_refuses_anything_but_a_session_id(tmp_path: Path, bad: str):
    with pytest.raises(SessionFolderError):
        session_folder(bad, tmp_path)


def test_a_closed_tabs_draft_is_claimed_once_and_a_running_tabs_never(tmp_path: Path):
    running = TabDraftStore(tmp_path)
    running.hold()
    running.save(Draft(text="still typing"), None)
    closed = TabDraftStore(tmp_path)
    closed.save(Draft(text="left behind"), None)  # never held: its tab is gone

    first, second = TabDraftStore(tmp_path), TabDraftStore(tmp_path)
    first.hold()
    second.hold()
    assert first.load(None).text == "left behind"
    assert second.load(None) is None
    running.release()
    assert second.load(None).text == "still typing"


def test_pruning_removes_only_old_visitor_folders(tmp_path: Path):
    old = session_folder("a" * 32, tmp_path)
    (old / "drafts").mkdir()
    (old / "drafts" / "tab-1.json").write_text("{}")
    recent = session_folder("b" * 32, tmp_path)
    long_ago = time.time() - (RETENTION_DAYS + 1) * 86400
    for path in (old / "drafts" / "tab-1.json", old / "drafts", old):
        os.utime(path, (long_ago, long_ago))
    other = tmp_path / "served" / "not-a-session"
    other.mkdir()
    os.utime(other, (long_ago, long_ago))

    assert prune_session_folders(tmp_path) == 1
    assert not old.exists() and recent.exists() and other.exists()
