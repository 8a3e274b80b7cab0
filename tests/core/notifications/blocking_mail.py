"""A file e-mail backend that stops dead before its N+1th message (fault injection for the kill test).

The worker blocks inside send, before writing, and the test SIGKILLs it there: a crash in the
middle of a batch at a known point, with no sleeping in the test itself.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        limit = int(os.environ["BLOCK_MAIL_AFTER"])
        sent_marker = Path(os.environ["BLOCK_MAIL_MARKER"])
        written = int(sent_marker.read_text()) if sent_marker.exists() else 0
        if written >= limit:
            sent_marker.with_suffix(".blocked").write_text("blocked")
            threading.Event().wait()
        count = super().send_messages(email_messages)
        sent_marker.write_text(str(written + count))
        return count
