"""Command line: python -m sandbox --host 127.0.0.1 --port 8081 [--no-limits] [--loose]."""

from __future__ import annotations

import argparse

from sandbox.config import FaultsConfig, LimitsConfig, SandboxConfig
from sandbox.server import run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-limits", action="store_true", help="switch every limit off")
    parser.add_argument(
        "--loose",
        dest="strict",
        action="store_false",
        help="accept what Telegram refuses (by default every request is checked against the "
        "Bot API spec and Telegram's own rules)",
    )
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 5xx answers")
    parser.add_argument("--slow-rate", type=float, default=0.0, help="share of slow answers")
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the sandbox in the foreground."""
    args = parse_args(argv)
    config = SandboxConfig(
        limits=LimitsConfig.off() if args.no_limits else LimitsConfig(),
        faults=FaultsConfig(
            seed=args.fault_seed,
            error_rate=args.error_rate,
            slow_rate=args.slow_rate,
            slow_seconds=args.slow_seconds,
        ),
        strict=args.strict,
    )
    print(f"sandbox listening on http://{args.host}:{args.port}", flush=True)
    run(args.host, args.port, config)


if __name__ == "__main__":
    main()
