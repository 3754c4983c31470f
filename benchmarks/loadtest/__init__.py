"""The load test of ``benchmarks/load.py``, by job: workload, scenarios, API and UI runs, server, report."""
