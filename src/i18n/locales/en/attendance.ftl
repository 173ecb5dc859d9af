# Attendance and check-in texts (English). Keep the keys in step with ja/attendance.ftl.

err-check-in-code-unknown = This code is not known. Please scan the QR code on the ticket again.
err-check-in-not-enrolled = This person's enrollment is not confirmed.
err-check-in-other-course = This QR code belongs to another course.
err-correction-reason = Correcting attendance after the session needs a reason.
err-credit-kind-invalid = Choose correspondence or make-up at another provider.
err-external-makeup-needs-provider = A make-up at another provider needs the provider's name and the date of its confirmation.
err-mark-invalid = Choose present, late, left early, absent or excused.
err-minutes-out-of-range = Minutes must be between 0 and the length of the session.
err-not-on-roster = Someone who is not on this session's roster was included.
err-score-invalid = Enter a score from 0 to 100.
err-self-check-in-off = Self check-in is not used for this course. Please tell the instructor.
err-session-cancelled = This session has been cancelled.
err-session-code-invalid = The code is wrong or has expired. Enter the latest code on the instructor's screen.
err-session-code-outside-window = The check-in code is shown only from 15 minutes before a session until it ends.
err-status-invalid = The status is not valid.
err-makeup-needs-subject = A make-up session needs a subject.
mail-makeup-offered-subject = [Kouza] Make-up session: { $course }
mail-makeup-offered-body =
    Dear { $name },

    We have arranged a make-up session for a subject you missed.
    When: { $when }
    Where: { $room }
    If you cannot come, please contact the office.

    Workers' Co-op course office
err-roster-duplicate = The same trainee appears twice in the roster.
