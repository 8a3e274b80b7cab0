"""Two-factor login (等保 2.0 身份鉴别: two kinds of proof for those who administer or decide).

A TOTP device (django-otp) proves the second factor; one-time recovery codes (django-otp's static
device) stand in for a lost phone, each once. Staff, leaders and the administrators must use it;
members and units may. The embedded demo's accounts are exempt, like from the password rules
(core.passwords: PasswordState.exempt), and nobody else is.

What a signed-in user still owes is decided once at sign-in and kept in the session
(SESSION_FLAG: "verify" or "enrol"), so no page pays a query for it; the middleware
(core.middleware.AccessGatesMiddleware) lets such a user reach only these pages.
"""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent, PasswordState

SESSION_FLAG = "two_factor_pending"
VERIFY, ENROL = "verify", "enrol"
RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
REQUIRED_ROLES = (roles.STAFF, roles.LEADER, *roles.ADMINISTRATORS)


def is_exempt(user) -> bool:
    """Only the embedded demo's accounts (seed_demo marks them)."""
    return PasswordState.objects.filter(user=user, exempt=True).exists()


def required_for(user) -> bool:
    """Must this user sign in with a second factor? Staff, leaders, administrators; not the demo."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if not (user.is_superuser or roles.has_role(user, *REQUIRED_ROLES)):
        return False
    return not is_exempt(user)


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user) -> str | None:
    """What the user owes after the password: verify a code (enrolled), enrol (required), or nothing."""
    if is_enrolled(user):
        return None if is_exempt(user) else VERIFY
    return ENROL if required_for(user) else None


def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    step = pending_step(user)
    if step:
        request.session[SESSION_FLAG] = step
    else:
        request.session.pop(SESSION_FLAG, None)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_login, dispatch_uid="core.two_factor.on_login")


def enrolment_device(user) -> TOTPDevice:
    """The user's authenticator being set up: one unconfirmed device, made on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code, drawn here as SVG (no outside service sees the secret)."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed by hand, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def enrolment_confirm(request, *, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; returns the new recovery codes (shown once)
    or None for a wrong code (recorded as a failure)."""
    user = request.user
    if not device.verify_token(_digits(code)):
        record_event(
            actor=user, action="two_factor.enrol_failed", obj=user, outcome=AuditEvent.Outcome.FAILURE
        )
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user)
    django_otp.login(request, device)
    request.session.pop(SESSION_FLAG, None)
    record_event(actor=user, action="two_factor.enrolled", obj=user)
    return codes


def recovery_codes_issue(user) -> list[str]:
    """A fresh set of one-time recovery codes (any earlier set stops working)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify(request, code: str) -> bool:
    """Check a code from the authenticator or a recovery code (which then stops working).

    A code already used (the same TOTP step again) is refused: django-otp keeps the last step used.
    """
    user = request.user
    token = code.strip().replace(" ", "")
    device = None
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update().first()
        if totp is not None and token.isdigit() and totp.verify_token(token):
            device = totp
        else:
            recovery = StaticDevice.objects.filter(user=user, confirmed=True).select_for_update().first()
            if recovery is not None and recovery.verify_token(token.lower()):
                device = recovery
        if device is None:
            record_event(actor=user, action="two_factor.failed", obj=user, outcome=AuditEvent.Outcome.FAILURE)
            return False
        record_event(
            actor=user,
            action="two_factor.recovery_code_used" if device is not totp else "two_factor.verified",
            obj=user,
        )
    django_otp.login(request, device)
    request.session.pop(SESSION_FLAG, None)
    return True


def verify_for_api(user, code: str) -> bool:
    """The API token exchange's second factor: the authenticator's current code (used once)."""
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update().first()
        ok = totp is not None and totp.verify_token(_digits(code)) if code else False
        record_event(
            actor=user,
            action="two_factor.verified" if ok else "two_factor.failed",
            obj=user,
            note="api token",
            outcome=AuditEvent.Outcome.SUCCESS if ok else AuditEvent.Outcome.FAILURE,
        )
    return ok


@transaction.atomic
def reset(*, user, actor, reason: str = "") -> int:
    """A lost phone: the security administrator removes the person's devices and recovery codes.

    They enrol again at their next sign-in (required roles) or may do so (members, units).
    """
    if not roles.has_role(actor, roles.SECURITY_ADMIN) and not actor.is_superuser:
        raise PermissionError("only a security administrator resets two-factor login")
    removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(actor=actor, action="two_factor.reset", obj=user, note=reason, changes={"devices": removed})
    return removed


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code) if ch.isdigit())
