import os
import secrets
from dataclasses import replace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cppcc_portal.core import committees as committee_seats
from cppcc_portal.core import passwords
from cppcc_portal.core.accounts import account_create_or_update
from cppcc_portal.core.demo import (
    DEMO_ACCOUNTS,
    DEMO_NAMES,
    MAX_COMMITTEES,
    DemoContext,
    demo_committees,
    run_committee_seeders,
    run_seeders,
)


class Command(BaseCommand):
    help = "Load demo data and the demo accounts demo_staff, demo_leader, demo_member, demo_unit."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2017)
        parser.add_argument("--years", type=int, default=1, help="how many years of data to build")
        parser.add_argument(
            "--committees",
            type=int,
            default=1,
            help=f"build the city and its districts, {MAX_COMMITTEES} at most (committee number one is the first district)",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="shrink the bulk data of --years and --committees (0.001: tiny)",
        )
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off")
        committee_seats.add_committee_argument(parser)
        parser.add_argument("--if-debug", action="store_true", help="quietly skip when DEBUG is off")
        parser.add_argument(
            "--if-embedded",
            action="store_true",
            help="quietly skip unless in the embedded mode (no DATABASE_URL) or DEBUG is on",
        )

    def handle(self, *args, committee=None, **options):
        with committee_seats.working_for_command(committee):
            self._seed(**options)

    def _seed(self, *, year, years, committees, force, if_debug, if_embedded, **options):
        # The embedded mode (`make run` on a laptop) is a demo; a real database gets demo data only
        # when a developer asks for it.
        demo_allowed = settings.DEBUG or settings.EMBEDDED
        if if_debug and not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo data loaded")
            return
        if if_embedded and not demo_allowed:
            self.stdout.write("not the embedded mode and DEBUG is off: no demo data loaded")
            return
        if not demo_allowed and not force:
            raise CommandError(
                "demo data is only loaded in the embedded mode or when DEBUG is on (use --force to override)"
            )
        if years < 1:
            raise CommandError("--years must be at least 1")
        if not 1 <= committees <= MAX_COMMITTEES:
            raise CommandError(f"--committees must be between 1 and {MAX_COMMITTEES}")
        password = os.environ.get("DEMO_PASSWORD") or self._kept_password()
        with transaction.atomic():
            users = {
                role: account_create_or_update(
                    username=username, role=role, password=password, check_password=False
                )
                for username, role in DEMO_ACCOUNTS.items()
            }
            for user in users.values():
                passwords.mark_exempt(user)
                if not user.first_name and user.username in DEMO_NAMES:
                    user.first_name = DEMO_NAMES[user.username]
                    user.save(update_fields=["first_name"])
        context = DemoContext(year=year, users=users, stdout=self.stdout, years=years, options=options)
        run_seeders(context)
        if committees > 1:
            self._other_committees(context, committees)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
        for username in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username} / {password}")

    def _other_committees(self, context: DemoContext, count: int) -> None:
        """The city and the districts past committee number one, each with data of its own; the demo
        office and leaders get a seat in every one (and choose where to work when they log in)."""
        built = demo_committees(count)
        for user in (context.users["staff"], context.users["leader"]):
            for committee in built:
                committee_seats.seat_add(actor=None, user=user, committee=committee)
        for committee in built:
            if committee.pk == committee_seats.default_id():
                continue
            self.stdout.write(f"{committee.name} ({committee.slug}):")
            with committee_seats.working_for(committee):
                run_committee_seeders(replace(context, users={}))

    def _kept_password(self) -> str:
        """A generated demo password, kept in var/ so that a second run prints the same one."""
        path = settings.VAR_DIR / "demo_password"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(9)
        path.write_text(password)
        path.chmod(0o600)
        return password
