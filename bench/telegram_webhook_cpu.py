"""P1, where the CPU goes: one layout of bench/telegram_webhook.py with a backlog (`--backlog`
updates sent first, so that its worker has work), then `--rounds` closed loops of `--seconds`,
each printing the acks per second and the CPU (cores) of this process, the web process and
the worker (read from /proc/<pid>/stat), after each process's autogroup and its threads'
niceness (Linux only).

    .venv/bin/python -m bench.telegram_webhook_cpu serve|split|webhook [--backlog 20000]
        [--rounds 3] [--seconds 5]
"""

import argparse
import asyncio
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench import telegram_webhook as tw
from tests.fakes.server import free_port, serve_in_thread
from tests.fakes.telegram_api import FakeTelegram

HZ = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / HZ
    except OSError:
        return 0.0


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def info(pid):
    ag = Path(f"/proc/{pid}/autogroup").read_text().strip()
    ni = subprocess.run(
        ["ps", "-L", "-o", "tid,ni,comm", "-p", str(pid)], capture_output=True, text=True
    ).stdout
    return f"pid {pid} {ag}\n{ni}"


async def closed(port, updates, conns, seconds, pids):
    before = {p: cpu(p) for p in pids}
    me0 = time.process_time()
    t0 = time.perf_counter()
    step = await tw.closed_loop(port, updates.requests(int(6000 * seconds)), conns, seconds)
    el = time.perf_counter() - t0
    me = (time.process_time() - me0) / el
    shares = {p: (cpu(p) - before[p]) / el for p in pids}
    return step, me, shares


async def measure(port, updates, args, pids_fn):
    await tw.wait_ready(port)
    await tw.closed_loop(port, updates.requests(500), 8, 2.0)
    if args.backlog:
        await tw.closed_loop(port, updates.requests(args.backlog), 32, 60)
    pids = pids_fn()
    for p in pids:
        print(info(p))
    for i in range(args.rounds):
        step, me, shares = await closed(port, updates, 32, args.seconds, pids)
        print(
            f"round {i}: acked {step.achieved:.0f}/s p50 {step.p50_ms:.1f} "
            f"p99 {step.p99_ms:.1f}; cpu bench {me:.2f} "
            + " ".join(f"{p}:{s:.2f}" for p, s in shares.items()),
            flush=True,
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("layout")
    ap.add_argument("--backlog", type=int, default=20000)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--env", action="append", default=[])
    args = ap.parse_args()
    fake = FakeTelegram(clock=tw.WallClock())
    for person in range(1, tw.PEOPLE + 1):
        fake.user(person)
    tmp = Path(tempfile.mkdtemp(prefix="p1probe-"))
    with serve_in_thread(fake.app) as api_base:
        env = tw.upgraded_env(f"sqlite:///{tmp}/bench.db", api_base, tmp, False)
        for kv in args.env:
            k, v = kv.split("=", 1)
            env[k] = v
        updates = tw.Updates()
        if args.layout == "echo":
            cmd, comp = tw.ECHO, None
        else:
            cmd, comp = tw.LAYOUTS[args.layout]
        port = free_port()
        logs = Path(tempfile.mkdtemp(prefix="p1probe-logs-"))
        proc = tw.start([*cmd, "--port", str(port)], env, logs / "web.log")
        helper = tw.start(comp, env, logs / "worker.log") if comp else None
        try:
            if helper is not None:
                tw.wait_for_worker(logs / "worker.log", helper)
            elif cmd[-1] == "serve":
                tw.wait_for_worker(logs / "web.log", proc)

            def pids():
                ps = [proc.pid, *children(proc.pid)]
                if helper is not None:
                    ps.append(helper.pid)
                return ps

            asyncio.run(measure(port, updates, args, pids))
            print("spool rows left:", end=" ", flush=True)
            try:
                print(
                    sqlite3.connect(f"{tmp}/bench.db.inbound.db")
                    .execute("select count(*) from spool")
                    .fetchone()
                )
            except Exception as e:
                print(e)
        finally:
            tw.stop(proc)
            if helper is not None:
                tw.stop(helper)
    print("replies", len(fake.sent), "load", os.getloadavg())


if __name__ == "__main__":
    main()
