"""The runner: batches through the engine, in input order whatever --jobs is, failures isolated."""

from pathlib import Path

import pytest

from coach.engine import Engine
from coach.report import Mode, Report
from coach.screen.model import RawItem, ScreenVerdict
from coach.screen.policy import Policy, load_policy
from coach.screen.runner import MAX_BATCH_BYTES, BatchScreener, Runner, ScreenSettings, batches
from coach.screen.sources import plan_inputs, read_inputs
from coach.screen.tables import FieldNames

ORGANISER = Path(__file__).resolve().parents[1] / "data" / "screen" / "organiser"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ORGANISER / "coach.yaml")


@pytest.fixture(scope="module")
def engine(policy) -> Engine:
    engine = Engine(extra_packs=policy.pack_paths)
    engine.warm_up()
    return engine


def organiser_items() -> list[RawItem]:
    return list(read_inputs(plan_inputs([str(ORGANISER / "inbox")]), FieldNames(), lambda _: None))


def text_item(text: str, n: int) -> RawItem:
    return RawItem(kind="text", source=f"s:{n}", id=f"m{n}", origin="s", text=text)


def test_results_are_the_same_and_in_input_order_with_one_or_two_jobs(engine, policy):
    items = organiser_items() * 7
    screener = BatchScreener(engine, policy, ScreenSettings())
    with Runner(screener, jobs=1, batch_size=4) as runner:
        one = list(runner.results(items))
    with Runner(screener, jobs=2, batch_size=4) as runner:
        two = list(runner.results(items))
    assert [r.index for r in two] == list(range(1, len(items) + 1))
    assert one == two
    verdicts = [r.verdict.value for r in one[:13]]
    assert verdicts == ["ok", "block", "ok", "review", "ok",  # list.mbox
                        "ok", "review", "error", "block", "ok",  # exports/posts.csv
                        "error", "block", "ok"]  # mail/


def test_the_policy_and_allowlist_decide_the_verdict(engine, policy):
    results = BatchScreener(engine, policy, ScreenSettings()).screen(list(enumerate(organiser_items(), 1)))
    allowed = results[0]
    assert allowed.verdict is ScreenVerdict.OK
    assert allowed.categories == ("hard-sell",)
    assert allowed.allowed_by.startswith("our own free event announcements [")
    quoted_reply = results[2]
    assert quoted_reply.id == "<reply-piet-1@bakkerij-piet.nl>"
    assert quoted_reply.flags == 0  # the GoldCircle pitch it quotes is not held against Piet
    assert quoted_reply.set_aside_lines == 7
    blocked = results[1]
    assert blocked.first.rule == "house-paid-networks"
    assert blocked.reason.startswith("block: recruiting at error or above [")


def test_full_reports_are_kept_only_when_asked(engine, policy):
    items = [(1, text_item("Word lid van GoldCircle!", 1))]
    assert BatchScreener(engine, policy, ScreenSettings()).screen(items)[0].report is None
    full = BatchScreener(engine, policy, ScreenSettings(full_reports=True)).screen(items)[0].report
    assert "house-paid-networks" in [f["rule"] for f in full["findings"]]


def test_mode_comes_from_the_settings(engine, policy):
    [result] = BatchScreener(engine, policy, ScreenSettings(mode=Mode.PITCH)).screen(
        [(1, text_item("Hallo", 1))])
    assert result.mode == "pitch"


class FlakyEngine:
    """Fails on texts containing BOOM, as an engine bug would."""

    def __init__(self, real: Engine):
        self.real = real

    def analyze_many(self, texts, **options):
        texts = list(texts)
        if any("BOOM" in t for t in texts):
            raise RuntimeError("kaboom")
        return self.real.analyze_many(texts, **options)

    def analyze(self, text, **options) -> Report:
        if "BOOM" in text:
            raise RuntimeError("kaboom")
        return self.real.analyze(text, **options)


def test_an_engine_failure_on_one_message_is_an_error_row_and_the_rest_goes_on(engine, policy):
    screener = BatchScreener(FlakyEngine(engine), policy, ScreenSettings())
    items = [(n, text_item(t, n)) for n, t in enumerate(["Hallo", "BOOM", "Word lid van GoldCircle"], 1)]
    results = screener.screen(items)
    assert [r.verdict.value for r in results] == ["ok", "error", "block"]
    assert results[1].reason == "the engine failed on this message (RuntimeError: kaboom)"


def test_empty_messages_are_ok_without_calling_the_engine(policy):
    class NoEngine:
        def analyze_many(self, texts, **options):
            assert not list(texts)
            return iter(())

    [result] = BatchScreener(NoEngine(), policy, ScreenSettings()).screen([(1, text_item("  \n", 1))])
    assert result.verdict is ScreenVerdict.OK
    assert result.reason.startswith("empty")


def test_batches_are_numbered_and_bounded_by_count_and_bytes():
    small = [text_item("x", n) for n in range(10)]
    assert [[i for i, _ in b] for b in batches(small, 4)] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    big = RawItem(kind="email", source="b", id="b", origin="b", data=b"x" * (MAX_BATCH_BYTES // 2 + 1))
    assert [len(b) for b in batches([big] * 5, 256)] == [2, 2, 1]


def test_workers_and_engine_are_renewed_without_changing_the_results(engine, policy):
    items = organiser_items() * 5
    screener = BatchScreener(engine, policy, ScreenSettings())
    with Runner(screener, jobs=1, batch_size=4) as runner:
        expected = list(runner.results(items))
    quiet_entered = []

    class Quiet:
        def __enter__(self):
            quiet_entered.append(True)

        def __exit__(self, *exc):
            return False

    with Runner(screener, jobs=2, batch_size=4, renew_after=12, quiet=Quiet) as runner:
        assert list(runner.results(items)) == expected
    # 65 messages in batches of 4: renewed before batches 4, 7, 10, 13 and 16.
    assert len(quiet_entered) == 5

    renewed = []

    def new_engine():
        renewed.append(True)
        return engine

    in_process = BatchScreener(engine, policy, ScreenSettings())
    with Runner(in_process, jobs=1, batch_size=4, renew_after=12, new_engine=new_engine) as runner:
        assert list(runner.results(items)) == expected
    assert len(renewed) == 5
