# Course, enrollment and waitlist texts (English). Keep the keys in step with ja/catalog.ftl.

status-pending-approval = Awaiting approval
status-pending-payment = Awaiting payment
status-confirmed = Confirmed
status-waitlisted = Waitlisted
status-offered = Seat offered
status-cancelled = Cancelled
status-rejected = Not accepted
status-completed = Completed
status-interrupted = Interrupted

course-status-draft = Draft
course-status-published = Open for enrollment
course-status-closed = Enrollment closed
course-status-finished = Finished
course-status-cancelled = Cancelled

err-course-kind-invalid = Choose helper course, community course or symposium.
err-course-kind-fixed = The kind of a course cannot change after it is created.
err-course-code-invalid = The course code may use letters, digits, hyphens and underscores, up to 40.
err-course-code-taken = This course code is already in use.
err-text-too-long = The text is too long or contains characters that cannot be used.
err-capacity-invalid = Capacity must be a number from 1 to 100000.
err-ends-before-starts = The end date must not be before the start date.
err-window-invalid = Enrollment must close after it opens.
err-offer-hold-invalid = An offer may be held for 1 to 336 hours.
err-deadline-days-invalid = The cancellation deadline must be 0 to 90 days before the start.
err-percent-invalid = Enter a percentage from 1 to 100.
err-date-invalid = Enter the date as 2027-01-10.
err-datetime-invalid = Enter the date and time as 2027-01-10T09:30.
err-site-unknown = The site does not exist.
err-curriculum-unknown = The curriculum does not exist.
err-course-transition = The course cannot do that from its current state.
err-course-no-subjects = A helper course without subjects cannot be published.
err-subject-no-invalid = Subject numbers run from 1 to 99.
err-minutes-invalid = Enter minutes from 1 to 12000.
err-correspondence-invalid = Correspondence minutes must be between 0 and the required minutes.
err-amount-invalid = Amounts are whole yen from 0 to 10,000,000.
err-question-kind-invalid = Choose text, choice or yes/no.
err-choices-invalid = Give at least two choices.

err-enrollment-closed = Enrollment for this course is closed.
err-enrollment-not-open = Enrollment for this course has not opened yet.
err-already-enrolled = You have already applied for this course. See My page.
err-course-full = The course is full.
err-enrollment-not-active = This enrollment has already been cancelled or completed.
err-cancel-deadline-passed = The cancellation deadline has passed. Please contact the office.
err-enrollment-changed = The enrollment was changed by someone else. Reload the page.
err-offer-not-open = The seat offer has expired or is no longer open.
err-not-pending-approval = This enrollment is not waiting for approval.
err-identity-document-invalid = Choose the identity document that was checked.
err-checked-on-future = The check date cannot be in the future.
err-reason-required = Give a reason (up to 1000 characters).
err-transfer-same-course = An enrollment cannot be moved to the same course.

mail-received-subject = [Kouza] Application received: { $course }
mail-received-body =
    Dear { $name },

    We have received your application for "{ $course }".
    The office will check it and your identity and let you know.

    Workers' Co-op course office
mail-confirmed-subject = [Kouza] Your place is confirmed: { $course }
mail-confirmed-body =
    Dear { $name },

    Your place in "{ $course }" is confirmed. See My page for the schedule.

    Workers' Co-op course office
mail-waitlisted-subject = [Kouza] You are on the waitlist: { $course }
mail-waitlisted-body =
    Dear { $name },

    "{ $course }" is full, so you are on the waitlist (position { $position }).
    We will write as soon as a seat is free.

    Workers' Co-op course office
mail-offer-subject = [Kouza] A seat is free: { $course }
mail-offer-body =
    Dear { $name },

    A seat in "{ $course }" is free for you. Please accept it on My page by { $deadline }.
    After that it goes to the next person.

    Workers' Co-op course office
mail-offer-expired-subject = [Kouza] Your seat offer has expired: { $course }
mail-offer-expired-body =
    Dear { $name },

    The seat offer for "{ $course }" was not accepted in time and has ended.

    Workers' Co-op course office
mail-approved-subject = [Kouza] Application approved: { $course }
mail-approved-body =
    Dear { $name },

    Your application for "{ $course }" is approved and your place is confirmed.

    Workers' Co-op course office
mail-rejected-subject = [Kouza] About your application: { $course }
mail-rejected-body =
    Dear { $name },

    We are sorry, but we cannot accept your application for "{ $course }".
    Reason: { $reason }

    Workers' Co-op course office
mail-cancelled-subject = [Kouza] Cancellation received: { $course }
mail-cancelled-body =
    Dear { $name },

    Your enrollment in "{ $course }" is cancelled.

    Workers' Co-op course office
mail-course-cancelled-subject = [Kouza] Course cancelled: { $course }
mail-course-cancelled-body =
    Dear { $name },

    We are very sorry: "{ $course }" has been cancelled.
    { $reason }
    Any fee you have paid will be refunded in full.

    Workers' Co-op course office
mail-transferred-subject = [Kouza] Your course date has changed: { $course }
mail-transferred-body =
    Dear { $name },

    As you asked, your enrollment has moved to "{ $course }". See My page for the schedule.

    Workers' Co-op course office
err-session-ends-before-starts = A session must end after it starts.
err-session-too-long = A session may last at most 24 hours.
err-subject-unknown = Choose one of this course's subjects.
err-instructor-unknown = Choose a person registered as an instructor.
err-makeup-mismatch = A make-up session must be for a session of the same subject.
err-price-category-not-offered = This course does not offer the price category you chose.
mail-payment-requested-subject = [Kouza] Please pay for your place: { $course }
mail-payment-requested-body =
    Dear { $name },

    Your place in "{ $course }" is held. Please pay { $amount } yen by { $deadline }.
    If we cannot confirm the payment by then, the place goes to the waitlist.

    How to pay: by card from "Payments" on My page, or by bank transfer.
    Bank account: { $bank }
    Please transfer in the trainee's own name (in katakana).

    Workers' Co-op course office
mail-payment-expired-subject = [Kouza] The payment deadline has passed: { $course }
mail-payment-expired-body =
    Dear { $name },

    We could not confirm your payment for "{ $course }" by the deadline, so the application is cancelled.
    If you think this is a mistake, please contact the office.

    Workers' Co-op course office
