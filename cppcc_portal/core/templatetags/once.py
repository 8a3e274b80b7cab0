"""{% once_token %}: the one-time token of a creating form (see cppcc_portal/core/idempotency.py)."""

from cppcc_portal.core.idempotency import register  # noqa: F401 - the tag library Django loads
