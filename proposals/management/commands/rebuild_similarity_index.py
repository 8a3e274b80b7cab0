"""Analyse every proposal and report again: after a deploy that changed the analyser, or a bulk load."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cppcc_portal.core import committees
from proposals import similarity


class Command(BaseCommand):
    help = "Rebuild the similar-proposals index from every proposal and report."

    def handle(self, *args, **options):
        started = time.monotonic()
        with committees.across_committees():  # one index for the installation, each committee's rows
            counts = similarity.rebuild()
        self.stdout.write(
            _("Similarity index rebuilt: %(proposals)s proposals, %(reports)s reports in %(seconds).1f s.")
            % {
                "proposals": counts[similarity.PROPOSAL],
                "reports": counts[similarity.REPORT],
                "seconds": time.monotonic() - started,
            }
        )
