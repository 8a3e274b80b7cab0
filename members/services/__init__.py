"""Every write of the members app, one function per step (the modules hold each part: duty records, activities and enrolment, attendance, the roster, scoring)."""

from members.services._base import (  # noqa: F401
    CHECK_IN_OPENS_BEFORE,
    DEFAULT_MINIMUMS,
    DEFAULT_SCORING_RULES,
    DUTY_RECORD_TRANSITIONS,
    DUTY_RECORD_WORKFLOW,
    _log_transition,
    _source_key,
    _transition,
    _validate,
    allowed_actions,
)
from members.services.activities import (  # noqa: F401
    _notify_invited,
    _own_participation,
    _promote_waiting,
    _require_manager,
    activity_add_attachment,
    activity_cancel,
    activity_invite,
    activity_report_outcome,
    activity_save,
    enrol,
    enrolment_cancel,
    participation_accept,
    participation_request_leave,
)
from members.services.attendance import (  # noqa: F401
    _set_attendance,
    _sync_duty_record,
    attendance_check_in,
    attendance_record,
    check_in,
    duty_kind_for,
    participation_decide_leave,
    participation_remove,
)
from members.services.duty_records import (  # noqa: F401
    _delete_files_on_rollback,
    _save_evidence,
    duty_record_from_event,
    duty_record_reject,
    duty_record_submit,
    duty_record_verify,
    duty_record_withdraw_event,
)
from members.services.roster import (  # noqa: F401
    member_save,
    member_user_name_sync,
    membership_set,
)
from members.services.scoring_rules import (  # noqa: F401
    _RULE_FIELDS,
    duty_points_refresh,
    scoring_rule_delete,
    scoring_rule_save,
    scoring_rules_ensure_defaults,
)
