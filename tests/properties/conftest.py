"""Hypothesis budgets: ``ci`` (default) fits a CI run; ``HYPOTHESIS_PROFILE=thorough`` (or
``make test-thorough``) runs far more examples and longer sequences."""

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=100, stateful_step_count=40, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("thorough", max_examples=2000, stateful_step_count=100, deadline=None,
                          suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter: "object") -> None:
    from twin import STATS

    if STATS:
        write = terminalreporter.write_line  # type: ignore[attr-defined]
        write(f"property suites ({settings().max_examples} examples/profile): "
              + ", ".join(f"{name}: {count}" for name, count in sorted(STATS.items())))
