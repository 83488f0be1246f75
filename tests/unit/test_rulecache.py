"""The rule-book cache: the same files give the cached book, any edit a fresh one."""

from __future__ import annotations

import os

from coach.rules import rulecache
from coach.rules.rulepack import _load_rules, load_rules

PACK = """language: en
defaults:
  category: hard-sell
  guidelines: [D8]
  message: "test message"
rules:
  - id: {rule_id}
    kind: phrase
    phrases: ["special offer"]
"""


def _fresh_load(pack):
    _load_rules.cache_clear()  # the in-process cache; the disk cache is what is tested
    return {r.id for r in load_rules("en", [pack]).rules}


def test_an_edited_pack_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "house.yaml"
    pack.write_text(PACK.format(rule_id="house-one"))
    assert "house-one" in _fresh_load(pack)
    assert list((tmp_path / "cache").glob("*.pickle"))
    pack.write_text(PACK.format(rule_id="house-two"))
    ids = _fresh_load(pack)
    assert "house-two" in ids and "house-one" not in ids


def test_a_damaged_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "house.yaml"
    pack.write_text(PACK.format(rule_id="house-one"))
    _fresh_load(pack)
    for cached in (tmp_path / "cache").glob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    assert "house-one" in _fresh_load(pack)


def test_the_cache_can_be_turned_off_and_an_unwritable_one_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_NO_CACHE", "1")
    assert rulecache.cache_dir() is None
    monkeypatch.delenv("COACH_NO_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COACH_CACHE_DIR", str(blocker / "cache"))
    pack = tmp_path / "house.yaml"
    pack.write_text(PACK.format(rule_id="house-one"))
    assert "house-one" in _fresh_load(pack)


def test_the_cache_drops_its_least_recently_used_entries_beyond_its_size(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COACH_CACHE_DIR", str(folder))
    for name in ("old", "used", "new"):
        rulecache.store(name, b"x" * 1000)
    monkeypatch.setattr(rulecache, "MAX_CACHE_BYTES", 2500)  # room for two entries
    os.utime(folder / "old.pickle", (1, 1))
    os.utime(folder / "used.pickle", (2, 2))
    os.utime(folder / "new.pickle", (3, 3))
    assert rulecache.load("used") == b"x" * 1000  # a hit counts as a use
    rulecache.store("newest", b"y" * 1000)
    assert sorted(p.stem for p in folder.glob("*.pickle")) == ["newest", "used"]
