import os
import sys

from django.core.management.base import BaseCommand, CommandError

from cppcc_portal.core import roles
from cppcc_portal.core.accounts import account_create_or_update
from cppcc_portal.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a login with a role (staff, leader, member, unit, info_officer), or reset one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=roles.ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env", metavar="VAR", help="read the password from this environment variable"
        )

    def handle(self, *args, username, role, email, password_env, **options):
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"environment variable {password_env} is not set or empty")
        else:
            if sys.stdin.isatty():
                import getpass

                password = getpass.getpass("Password: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("no password given on standard input")
        try:
            account_create_or_update(username=username, role=role, password=password, email=email)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"account {username} has role {role}"))
