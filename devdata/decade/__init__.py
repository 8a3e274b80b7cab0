"""Ten years of a district's data, built in minutes, to prove the pages stay fast (`seed_demo --years 10`).

About 500 members over three terms, a work plan a year, 10,000 activities and 100,000 attendance
rows a year, 2,000 proposals and 3,000 social-conditions reports a year with their handling,
events, duty records, supervision recommendations and notifications. Rows are written with
PostgreSQL `COPY` in large chunks (ids allocated up front so children can point at parents); on
another database the same rows go through `bulk_create` in batches of 5,000. Everything is seeded
from a fixed random seed, so two runs build the same district.

Demo data is a bulk load, not office work: it bypasses the services (no audit rows, no signals)
on purpose, and refreshes the dashboard's stored figures at the end.

The package, one module a job: `vocabulary` (names and sizes), `writing` (progress, the bulk
writer, helpers), the steps `roster`, `activities`, `proposals`, `supervision`, the `generator`
that runs them in order (`Decade`), and `run` (`build`, `seed_decade`, what is already built).
"""

from devdata.decade.generator import Decade
from devdata.decade.run import already_built, build, built_years, seed_decade
from devdata.decade.vocabulary import BULK_PREFIX, SIZES
from devdata.decade.writing import Progress, Writer

__all__ = [
    "BULK_PREFIX",
    "SIZES",
    "Decade",
    "Progress",
    "Writer",
    "already_built",
    "build",
    "built_years",
    "seed_decade",
]
