"""Development-only data generators (demo decades for the benchmarks and the query-count tests).

Not an installed app and never imported by the portal's own code paths: `seed_demo --years N`,
`bench/run.py` and the tests load it on demand. It writes rows in bulk on purpose (COPY, no
services, no signals), so it sits beside the portal, not in its composition root.
"""
