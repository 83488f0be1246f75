"""Property tests of the YAML users write: house policies and rule packs, valid, broken or hostile.

Whatever the file holds, loading it either succeeds or raises the one error class for it,
whose message is one line naming the file; alias bombs and deep nesting are refused quickly.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from coach.errors import PolicyError, RulePackError
from coach.rules.guidelines import load_catalogue
from coach.rules.rulepack import load_pack
from coach.screen.policy import load_policy
from coach.yamlfile import MAX_YAML_DEPTH, MAX_YAML_VALUES

POLICY_KEYS = ["version", "mode", "lang", "verdicts", "modes", "packs", "allow", "block", "review", "otherwise",
               "category", "rule", "severity", "count", "sender", "id", "subject", "text", "regex", "note",
               "pitch", "message", "categorie"]
PACK_KEYS = ["language", "defaults", "rules", "id", "kind", "category", "severity", "guidelines", "message",
             "suggestion", "phrases", "patterns", "context", "examples", "flag", "pass", "min_gives", "when",
             "LOWER", "REGEX", "OP", "negation", "scope"]
SCALARS = ["1", "0", "-3", "true", "null", "~", "nl", "en", "any", "auto", "phrase", "pattern", "balance", "metric",
           "hard-sell", "recruiting", "give", "error", "warning", "info", "D8", "P1", "engine", "ok", "'*@x.nl'",
           "'[unclosed'", "'(a|b'", "'<num> korting'", "'bel ... op'", "'=demo'", "'*club'", "\"\\u00e9\"", "''",
           "!!binary aGk=", "!!python/object:os.system x", "2024-06-01", "1e9", ".nan", "[]", "{}"]


@st.composite
def yaml_documents(draw, keys: list[str]) -> str:
    """YAML text built from plausible keys and values, with anchors, aliases and junk."""
    anchors: list[str] = []

    def node(depth: int, indent: int) -> str:
        pad = " " * indent
        choice = draw(st.integers(0, 9 if depth < 4 else 3))
        if choice <= 3:
            value = draw(st.sampled_from(SCALARS + keys))
            if anchors and draw(st.booleans()):
                return "*" + draw(st.sampled_from(anchors))
            return value
        anchor = ""
        if draw(st.integers(0, 4)) == 0:
            name = f"a{len(anchors)}"
            anchors.append(name)
            anchor = f"&{name} "
        if choice <= 6:
            items = [f"{pad}- {node(depth + 1, indent + 2).lstrip()}" for _ in range(draw(st.integers(0, 3)))]
            return (anchor + "\n" + "\n".join(items)) if items else anchor + "[]"
        entries = []
        for _ in range(draw(st.integers(0, 4))):
            key = draw(st.sampled_from(keys))
            entries.append(f"{pad}{key}: {node(depth + 1, indent + 2)}")
        return (anchor + "\n" + "\n".join(entries)) if entries else anchor + "{}"

    body = node(0, 0)
    junk = draw(st.sampled_from(["", "", "\t- bad indent", ": : :", "key: [unclosed", "'", "%YAML 9.9", "---\n---"]))
    return (body if body.startswith("\n") else body) + "\n" + junk + "\n"


def write(folder: str, name: str, text: str | bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape"))
    return path


def assert_one_line(message: str, path: Path) -> None:
    assert "\n" not in message and message.startswith(str(path)), message
    assert "Traceback" not in message


@given(st.one_of(yaml_documents(POLICY_KEYS), st.text(max_size=400), st.binary(max_size=400)))
def test_fuzz_any_policy_file_loads_or_gives_one_policy_error_line(document):
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "coach.yaml", document)
        try:
            load_policy(path)
        except PolicyError as exc:
            assert_one_line(str(exc), path)


@given(st.one_of(yaml_documents(PACK_KEYS), st.text(max_size=400), st.binary(max_size=400)),
       st.sampled_from(["nl", "en"]))
def test_fuzz_any_rule_pack_loads_or_gives_one_rule_pack_error_line(document, lang):
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "house.yaml", document)
        try:
            load_pack(path, lang, load_catalogue().ids())
        except RulePackError as exc:
            assert_one_line(str(exc), path)


def alias_bomb(levels: int, width: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@given(st.integers(2, 12), st.integers(2, 12))
def test_fuzz_aliases_are_refused_exactly_when_they_expand_too_far(levels, width):
    expanded = sum(width ** k for k in range(1, levels + 1)) + levels + 1
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, "coach.yaml", alias_bomb(levels, width))
        started = time.monotonic()
        if expanded > MAX_YAML_VALUES:
            with pytest.raises(PolicyError, match="expands to more than 250,000 values"):
                load_policy(path)
        else:
            with pytest.raises(PolicyError, match="unknown key 'l0'"):
                load_policy(path)
        assert time.monotonic() - started < 10


@pytest.mark.parametrize("depth, refused", [(MAX_YAML_DEPTH, False), (MAX_YAML_DEPTH + 1, True), (5000, True)])
def test_nesting_is_refused_over_the_limit_for_policies_and_packs(tmp_path, depth, refused):
    nested = "[" * (depth - 1) + "]" * (depth - 1)
    policy = write(str(tmp_path), "coach.yaml", f"allow: {nested}\n")
    pack = write(str(tmp_path), "pack.yaml", f"language: nl\nrules: {nested}\n")
    with pytest.raises(PolicyError) as policy_error:
        load_policy(policy)
    with pytest.raises(RulePackError) as pack_error:
        load_pack(pack, "nl", load_catalogue().ids())
    for error in (policy_error, pack_error):
        assert ("nested more than 40 levels deep" in str(error.value)) == refused
        assert "\n" not in str(error.value)


@pytest.mark.parametrize("text", ["version: 1\nallow: &a [*a]\n", "language: nl\nx: &a {b: [1, *a]}\nrules: []\n"])
def test_an_alias_inside_the_value_it_names_is_refused_not_followed_for_ever(tmp_path, text):
    path = write(str(tmp_path), "x.yaml", text)
    with pytest.raises((PolicyError, RulePackError), match=r"x.yaml:2: .*the alias \*a is inside the value it names"):
        if text.startswith("version"):
            load_policy(path)
        else:
            load_pack(path, "nl", load_catalogue().ids())


def test_a_policy_over_the_size_limit_is_refused_in_one_line(tmp_path):
    path = write(str(tmp_path), "coach.yaml", "version: 1\n" + "# padding\n" * 300_000)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert str(error.value) == f"{path}: larger than 2 MB; split it into smaller files"


def test_coach_rules_refuses_a_nested_or_exploding_pack_in_one_line(tmp_path, capsys):
    from coach.cli.main import main

    deep = write(str(tmp_path), "deep.yaml", "language: nl\nrules: " + "[" * 3000 + "]" * 3000 + "\n")
    bomb = write(str(tmp_path), "bomb.yaml", "language: nl\n" + alias_bomb(8, 10) + "rules: []\n")
    for pack, problem in ((deep, "deep.yaml:2: nested more than 40 levels deep"),
                          (bomb, "bomb.yaml:7: expands to more than 250,000 values")):
        assert main(["rules", "--pack", str(pack), "--counts"]) == 2
        out, err = capsys.readouterr()
        assert err.startswith(f"coach: {tmp_path}/{problem}") and err.count("\n") == 1 and out == ""
