"""`manage.py shell` works for a committee (the installation's own, or `--committee SLUG`).

Committee-owned rows are read only with a committee in hand (core.committees): a shell, like
every command, puts one in hand for the code it runs.
"""

from django.core.management.commands import shell

from cppcc_portal.core import committees


class Command(shell.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        committees.add_committee_argument(parser)

    def handle(self, *args, committee=None, **options):
        with committees.working_for_command(committee):
            return super().handle(*args, **options)
