"""Measure how many sendMessage calls per second the sandbox answers (limits off).

Run: .venv/bin/python benchmarks/sandbox_throughput.py [--seconds 5] [--concurrency 32]
The last line printed is JSON: {"calls_per_second": N, ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time

import httpx

TOKEN = "900000001:BENCH-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_ready(http: httpx.AsyncClient, url: str) -> None:
    for _ in range(200):
        try:
            await http.get(f"{url}/sandbox/api/state")
            return
        except httpx.TransportError:
            await asyncio.sleep(0.05)
    raise RuntimeError("sandbox did not start")


async def _drive(url: str, seconds: float, concurrency: int, people: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # Without TCP_NODELAY, headers and body go out as two packets and wait on delayed ACKs.
    nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=nodelay)
    async with httpx.AsyncClient(timeout=30.0, transport=transport) as http:
        await _wait_ready(http, url)
        await http.post(f"{url}/sandbox/api/bots", json={"token": TOKEN, "username": "bench_bot"})
        chat_ids = []
        for i in range(people):
            answer = await http.post(f"{url}/sandbox/api/people", json={"name": f"P{i}"})
            chat_ids.append(answer.json()["result"]["id"])
        send = f"{url}/bot{TOKEN}/sendMessage"
        done = errors = 0
        latencies: list[float] = []
        deadline = time.monotonic() + seconds

        async def worker(index: int) -> None:
            nonlocal done, errors
            n = index
            while time.monotonic() < deadline:
                body = {"chat_id": chat_ids[n % len(chat_ids)], "text": f"Thông báo {n}"}
                started = time.monotonic()
                answer = await http.post(send, json=body)
                latencies.append(time.monotonic() - started)
                done += 1
                errors += answer.status_code != 200
                n += concurrency

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "calls_per_second": round(done / elapsed, 1),
        "calls": done,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def main() -> None:
    """Start the sandbox in a subprocess, drive it, print the JSON result."""
    # httpcore retries "import sniffio" on every request when it is not installed;
    # a None entry makes that import fail at once instead of searching sys.path.
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--no-limits"],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        result = asyncio.run(_drive(url, args.seconds, args.concurrency, args.people))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
