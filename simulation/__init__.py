"""A school term in minutes: a seeded, generated school living on a fast clock with the real bot
and the strict sandbox, and the promises of design.md sections 4 and 5 checked as invariants.

`simulation.world.simulate(Options(...))` runs it and returns a `report.Report`;
`benchmarks/term.py` is the long run, `tests/simulation/test_term.py` the short one. The
product never imports this package (pyproject.toml's import contracts).
"""
