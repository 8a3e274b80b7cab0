"""Dates as the whole portal writes them."""

from cppcc_portal.formats.common import *  # noqa: F403
