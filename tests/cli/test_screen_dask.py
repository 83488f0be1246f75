"""``coach screen --dask``: the same bytes as a local run, unreadable paths, lost workers, Ctrl-C.

The tests share one LocalCluster of two worker processes on 127.0.0.1 (its workers keep their
engines between runs); the ones that kill a worker or stop the cluster start their own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the [dask] extra is not installed (pip install -e '.[dask]'; make test installs it)")

import dask  # noqa: E402

import coach.cli.screen as screen_cli  # noqa: E402
from coach.cli.main import main  # noqa: E402
from coach.screen.distributed import DaskScreening, local_cluster, new_job  # noqa: E402
from coach.screen.policy import load_policy  # noqa: E402
from coach.screen.runner import BatchScreener, Runner, ScreenSettings  # noqa: E402
from coach.screen.sources import plan_inputs, read_inputs  # noqa: E402
from coach.screen.tables import FieldNames  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ORGANISER = ROOT / "tests" / "data" / "screen" / "organiser"
UNREADABLE = ("a Dask worker cannot read {path} (No such file or directory); inputs must be readable "
              "at the same path on every worker (shared storage)")


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as running:
        yield running.scheduler_address


@pytest.fixture(scope="module")
def cached_engines():
    """Local runs in this process reuse one engine per set of packs (building one takes seconds)."""
    return {}


@pytest.fixture
def organiser(tmp_path, monkeypatch, cached_engines) -> Path:
    folder = tmp_path / "club"
    shutil.copytree(ORGANISER, folder)
    monkeypatch.chdir(folder)
    real = screen_cli._warm_engine

    def cached(packs):
        key = tuple(p.read_bytes() for p in packs)
        if key not in cached_engines:
            cached_engines[key] = real(packs)
        return cached_engines[key]

    monkeypatch.setattr(screen_cli, "_warm_engine", cached)
    return folder


def add_big_exports(inbox: Path) -> None:
    """An mbox, a CSV and a JSONL export that --partition-kb 2 splits into many slices."""
    mails = []
    for n in range(45):
        body = ["Wie kent er een goede fotograaf?", "Word lid van GoldCircle, dan krijg je elke week leads.",
                "Ik zoek nog iemand.\n\nFrom the desk of Jan: no separator.\nAlleen deze week 20% korting!"][n % 3]
        mails.append(f"From lid{n}@example.nl Mon Jun  3 08:00:00 2024\nFrom: lid{n}@example.nl\n"
                     f"Subject: Bericht {n}\nMessage-ID: <big-{n}@example.nl>\n\n{body}\n\n")
    (inbox / "big.mbox").write_text("".join(mails), encoding="utf-8")
    rows = ["id,author,body"] + [
        f'{n if n % 5 else ""},lid{n}@example.nl,"{"Op is op!" if n % 4 == 0 else "Dank je wel"}\nTot donderdag"'
        for n in range(80)]
    rows.insert(30, "broken,row")
    (inbox / "leden.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = ['{"name": "no text yet"}'] + [
        json.dumps({"message": f"Bericht {n}: koffie?", "text": "not this", "id": f"j{n}"}) for n in range(80)]
    (inbox / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def screen(argv, capsys):
    code = main(["screen", *argv])
    out, err = capsys.readouterr()
    return code, _untimed(out), err


def _untimed(out: str) -> str:
    return re.sub(r"^Time: .*\n", "", out, flags=re.MULTILINE)


def test_a_dask_run_gives_the_bytes_of_a_local_run(organiser, cluster, capsys):
    add_big_exports(organiser / "inbox")
    outputs = {}
    for where, options in (("local", ["--jobs", "1"]), ("dask", ["--dask", cluster, "--partition-kb", "2"])):
        for report, board in (("r.jsonl", "b.md"), ("r.json", "b.html")):
            argv = ["inbox", *options, "--report", f"{where}-{report}"]
            if board:
                argv += ["--board", f"{where}-{board}"]
            code, out, err = screen(argv, capsys)
            assert code == 2, err
            outputs[where, report] = (organiser / f"{where}-{report}").read_bytes()
            if board:
                outputs[where, board] = (organiser / f"{where}-{board}").read_bytes()
            outputs[where, "summary", report] = out.replace(f"{where}-", "")
            if where == "dask":
                assert f"coach: screening on the Dask cluster at {cluster} (2 worker threads, partitions " \
                       "of about 2 kB)" in err
                assert "inbox/leden.csv: text from 'body', id from 'id'" in err
    assert {key[1:] for key in outputs if key[0] == "local"} == {key[1:] for key in outputs if key[0] == "dask"}
    for key in [k for k in outputs if k[0] == "local"]:
        assert outputs[key] == outputs[("dask", *key[1:])], key
    rows = [json.loads(line) for line in outputs["dask", "r.jsonl"].decode().splitlines()]
    assert len(rows) == 13 + 45 + 81 + 81
    assert [r["index"] for r in rows] == list(range(1, len(rows) + 1))
    assert "Screened: 220 messages from 8 sources" in outputs["dask", "summary", "r.jsonl"]


def test_a_path_the_workers_cannot_read_is_one_line_and_the_rest_is_reported(organiser, cluster, capsys,
                                                                                monkeypatch):
    add_big_exports(organiser / "inbox")
    planned = screen_cli.plan_inputs

    def plan_then_lose(*args, **kwargs):
        # The client sees these files, the workers do not (a share not mounted on them).
        plan = planned(*args, **kwargs)
        os.unlink("inbox/big.mbox")
        os.unlink("inbox/mail/welcome.eml")
        return plan

    monkeypatch.setattr(screen_cli, "plan_inputs", plan_then_lose)
    code, out, err = screen(["inbox", "--dask", cluster, "--partition-kb", "2", "--report", "r.jsonl"], capsys)
    assert code == 2
    problems = [line for line in err.splitlines() if "cannot read" in line]
    assert problems == ["coach: " + UNREADABLE.format(path="inbox/big.mbox"),
                        "coach: " + UNREADABLE.format(path="inbox/mail/welcome.eml")]
    rows = [json.loads(line) for line in (organiser / "r.jsonl").read_text().splitlines()]
    lost = [(r["id"], r["reason"]) for r in rows if r["source"] in ("inbox/big.mbox", "inbox/mail/welcome.eml")]
    assert lost == [("inbox/big.mbox", "vanished after it was listed; not screened"),
                    ("inbox/mail/welcome.eml", "vanished after it was listed; not screened")]
    assert len(rows) == 13 + 1 + 81 + 81  # every other message is there, and one row for the mbox
    assert "ERROR   inbox/big.mbox  vanished after it was listed; not screened" in out


def test_a_broken_house_pack_stops_the_run_with_the_line_a_local_run_gives(organiser, cluster, capsys):
    pack = organiser / "house-rules.yaml"
    pack.write_text(pack.read_text().replace("kind: phrase", "kind: phrasing", 1))
    local = screen(["inbox", "--jobs", "1", "--report", "r.jsonl"], capsys)
    assert local[0] == 2 and local[2].startswith("coach: ") and "phrasing" in local[2]
    code, out, err = screen(["inbox", "--dask", cluster, "--report", "r.jsonl", "--quiet"], capsys)
    assert (code, out, err) == local
    assert not (organiser / "r.jsonl").exists()


def test_a_worker_with_another_coach_refuses_and_the_run_stops_before_screening(organiser, cluster, capsys,
                                                                                 monkeypatch):
    monkeypatch.setattr("coach.screen.distributed.installation_fingerprint", lambda: "another version")
    code, out, err = screen(["inbox", "--dask", cluster, "--quiet"], capsys)
    assert code == 2 and out == ""
    assert re.fullmatch(r"coach: the worker at tcp://127\.0\.0\.1:\d+ runs another coach than this machine \(its "
                        r"code, rule packs or models differ\); install the same coach, with the \[dask\] extra, "
                        r"on every worker\n", err), err


def test_progress_counts_every_byte_of_the_input_once(organiser, cluster):
    add_big_exports(organiser / "inbox")
    plan = plan_inputs(["inbox"])
    partitions = []
    with DaskScreening(cluster, organiser_plan_and_job(organiser)[2], partition_bytes=2048,
                       on_partition=partitions.append) as screening:
        results = list(screening.results(plan, lambda _: None))
    assert len(results) == 220 and len(partitions) >= 10
    assert sum(partitions) == plan.total_bytes


def organiser_plan_and_job(folder: Path):
    policy = load_policy(folder / "coach.yaml")
    settings = ScreenSettings()
    return policy, settings, new_job(policy, settings, FieldNames(), 8)


def big_jsonl(path: Path, count: int) -> None:
    with path.open("w") as out:
        for n in range(count):
            text = "Word lid van GoldCircle!" if n % 17 == 0 else f"Bericht {n}: zullen we koffie drinken?"
            out.write(json.dumps({"id": f"m{n}", "text": text}) + "\n")


def test_a_killed_worker_loses_no_message(organiser, cluster, cached_engines):
    big_jsonl(organiser / "inbox" / "many.jsonl", 1200)
    policy, settings, job = organiser_plan_and_job(organiser)
    plan = plan_inputs(["inbox"])
    engine = screen_cli._warm_engine(policy.pack_paths)
    with Runner(BatchScreener(engine, policy, settings), jobs=1, batch_size=8) as runner:
        expected = list(runner.results(read_inputs(plan, FieldNames(), lambda _: None)))

    victims = []
    with DaskScreening(cluster, job, partition_bytes=1024) as screening:
        results = []
        for result in screening.results(plan, lambda _: None):
            results.append(result)
            if not victims:
                # The first moment a worker holds a partition, kill it (a loaded machine may
                # deliver the first results before the next partitions are handed out).
                busy = [worker for worker, keys in screening.client.processing().items() if keys]
                if busy:
                    pids = screening.client.run(os.getpid)
                    victims.append(busy[0])
                    os.kill(pids[busy[0]], signal.SIGKILL)
        assert victims, "no partition was ever in flight to lose"
        assert victims[0] not in screening.client.nthreads()  # it is gone, and its partitions were redone
    assert len(results) == len(expected) == 1213
    assert results == expected


def test_workers_that_keep_dying_stop_the_run_with_a_partial_summary(organiser, capsys, monkeypatch):
    # Enough partitions that the worker cannot have screened them all before it is killed,
    # however fast it runs next to the client.
    big_jsonl(organiser / "many.jsonl", 1500)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), local_cluster(1) as cluster:
        client = distributed.Client(cluster, set_as_default=False)
        read = screen_cli.ProgressBar.read

        def die_in_the_next_task(dask_worker=None):
            # Runs in the worker process: its next partition kills the process from inside the
            # task, so the task is running when the worker dies (killing it from outside can
            # land between two tasks, and then Dask just carries on with a new worker).
            import os
            import signal

            from coach.screen import distributed as on_worker

            def screener(job):
                os.kill(os.getpid(), signal.SIGKILL)

            on_worker._worker_engine.screener = screener

        def kill_after_first_partition(self, nbytes):
            read(self, nbytes)
            if not getattr(self, "killed", False):
                self.killed = True
                client.run(die_in_the_next_task)

        monkeypatch.setattr(screen_cli.ProgressBar, "read", kill_after_first_partition)
        (organiser / "r.jsonl").write_text("the previous report\n")
        code, out, err = screen(["many.jsonl", "--dask", cluster.scheduler_address, "--partition-kb", "1",
                                 "--report", "r.jsonl"], capsys)
        client.close()
    assert code == 2
    done = int(re.search(r"Screening interrupted: ([\d,]+) messages", out).group(1))
    assert 0 < done < 1500
    last = err.splitlines()[-1]
    assert re.fullmatch(r"coach: screening many\.jsonl lines \d+-\d+: it was tried on 1 Dask worker\(s\) and each "
                        r"died \(killed, or out of memory\?\); not every message was screened; no report was written",
                        last), last
    assert (organiser / "r.jsonl").read_text() == "the previous report\n"
    assert "Traceback" not in err


def test_ctrl_c_cancels_the_cluster_work_and_prints_the_partial_summary(tmp_path):
    big_jsonl(tmp_path / "many.jsonl", 3000)
    report = tmp_path / "r.csv"
    report.write_text("the previous report\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "screen", "many.jsonl", "--dask", "local:1", "--partition-kb", "8",
         "--list", "all", "--report", "r.csv"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"), start_new_session=True)
    first = process.stdout.readline()
    assert first.startswith("BLOCK   many.jsonl:1  m0  recruiting")
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to the workers too
    started = time.monotonic()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert time.monotonic() - started < 15
    assert "Screening interrupted: " in out
    assert err.splitlines()[-1] == "coach: interrupted: no report was written"
    assert "Traceback" not in err
    assert report.read_text() == "the previous report\n"
    deadline = time.monotonic() + 5
    while running_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running_in_group(process.pid) == []  # no worker process is left behind


def running_in_group(group: int) -> list[int]:
    """Processes of a process group that still run (an exited one waiting to be reaped does not)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry))
    return found


@pytest.mark.parametrize("argv, problem", [
    (["-", "--dask", "local:1"], "--dask reads files where the workers run: give files or folders, not standard input"),
    (["x", "--dask", "local:1", "--jobs", "2"], "--jobs does not apply with --dask"),
    (["x", "--partition-kb", "64"], "--partition-kb needs --dask"),
    (["x", "--dask", "local:0"], "--dask local:0: give local:N with N, the number of worker processes, 1 or more"),
])
def test_usage_errors_are_one_line(argv, problem, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("Hallo\n")
    assert main(["screen", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: ") and problem in err and err.count("\n") == 1


def test_a_scheduler_that_cannot_be_reached_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("coach.screen.distributed.CONNECT_TIMEOUT", "1s")
    (tmp_path / "x.txt").write_text("Hallo\n")
    assert main(["screen", "x.txt", "--dask", "tcp://127.0.0.1:9", "--report", "r.jsonl", "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("coach: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "r.jsonl").exists()


def test_without_the_extra_screen_dask_says_how_to_install_it(tmp_path):
    (tmp_path / "x.txt").write_text("Hallo\n")
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['distributed'] = None; from coach.cli.main import main; "
                               "sys.exit(main(['screen', 'x.txt', '--dask', 'local:1']))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr == ("coach: coach screen --dask needs the dask extra (distributed is missing): "
                             "pip install 'coach[dask]'\n")
