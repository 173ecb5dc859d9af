# Attendance pages (the roll, progress, attendance sheets, check-in) in English.
# Keep the same keys as ja/pages_attendance.ftl.

## Shared

att-time-range = { $from }–{ $to }
att-duration-hours = { $hours } h
att-duration-hours-minutes = { $hours } h { $minutes } min
att-minutes = { $minutes } min
att-subject-label = { $no }. { $name }
att-subject-heading = { $no } { $name } ({ $hours })
att-makeup-topic = Make-up: { $topic }
att-makeup-badge = Make-up
att-session-number = Session { $n }
att-list-separator = { ", " }
att-none = None
att-cancelled = Cancelled
att-not-recorded = Not recorded
att-topic = Topic
att-room = Room
att-course = Course
att-course-code = Course code
att-instructor = Instructor
att-site = Site
att-period = Period
att-designation-number = Designation number
att-mark-with-minutes = { $mark } ({ $minutes } min)
att-late-by = { $minutes } min late

## Today

att-today-title = My sessions
att-today-badge = Today
att-bad-date = The date could not be read, so today is shown.
att-day-nav = Other days
att-prev-day = ← Previous day
att-next-day = Next day →
att-back-to-today = Back to today
att-field-date = Date
att-show-day = Show
att-sessions-of-day = Sessions on this day ({ $count })
att-no-sessions = You have no sessions on this day.
att-take-roll = Take the roll

## The roster

att-roster-title = Take the roll
att-back-to-today-list = ← Back to my sessions
att-history-link = See the change history
att-code-link = Show the check-in code (self check-in)
att-roster-counts = { $total } trainees ({ $marked } recorded, { $unmarked } not recorded)
att-roster-empty = Nobody is on this session's roster.
att-row-details = Time and note ({ $minutes } min attended)
att-field-minutes = Minutes attended
att-field-late-minutes = Minutes late
att-field-note = Note
att-taught-by = Taught by (instructors who taught this session)
att-taught-by-hint = Tick every instructor who actually taught.
att-field-reason = Reason for the correction
att-reason-hint = Changing a mark more than { $hours } hours after the session ends needs a reason.
att-reason-hint-after = This session is over. To change a recorded mark, give a reason.
att-save = Save
att-all-present = Mark everyone not recorded present and save
flash-attendance-saved = Saved ({ $created } new, { $changed } changed, { $unchanged } unchanged).

## The check-in code

att-code-title = Check-in code
att-back-to-roster = ← Back to the roster
att-code-label = Check-in code
att-code-instructions = Trainees enter this six-digit code under "Check in" on My page.
att-code-valid-for = This code is valid for { $seconds } more seconds. The screen refreshes by itself.

## History

att-history-title = Attendance change history
att-history-empty = Nothing recorded yet.
att-col-when = When
att-col-trainee = Trainee
att-col-change = Change
att-col-reason = Reason
att-col-who = Recorded by
att-change = { $before } → { $after }

## Progress (trainee)

att-progress-title = My progress
att-back-to-my = ← Back to My page
att-state-complete = Completion requirements met
att-state-incomplete = Completion requirements not met yet
att-interrupted = You may be interrupted
att-missing-subjects-count = { $count } subject(s) still need hours.
att-all-hours-done = Every subject has its hours.
att-assessment = Completion assessment: { $state }
att-subjects-caption = Hours per subject
att-col-subject = Subject
att-col-required = Required
att-col-attended = Attended
att-col-missing = Missing
att-other-credit = Correspondence / other provider { $minutes } min
att-minutes-left = { $minutes } min to go
att-next-makeup = Next make-up: { $when }
att-no-makeup-yet = No make-up session yet; the office will contact you.
att-subject-done = Done
att-community-standing = Attended { $attended } of { $held } sessions held. Completion needs at least { $threshold }%.
att-symposium-checked-in = Checked in ({ $at })
att-symposium-not-checked-in = Not checked in yet.
att-door-title = Check-in QR code
att-door-lead = Show this QR code at the reception desk. If it cannot be read, tell them the code below.
att-door-qr-alt = Check-in QR code (code { $code })
att-door-code-label = Check-in code

## A trainee's record (staff)

att-record-title = Attendance record
att-record-heading = Attendance record: { $name }
att-back-to-enrollment = ← Back to the enrollment
att-back-to-matrix = ← Back to the course's attendance
att-record-sessions = Every session
att-no-sessions-course = This course has no sessions yet.
att-col-date = Date and time
att-col-mark = Mark
att-col-minutes = Minutes
att-col-recorded-by = Recorded by

## The course's attendance (staff)

att-matrix-title = Attendance
att-back-to-course = ← Back to the course
att-download-csv = Download the attendance sheet by subject (CSV)
att-print-link = Printable version
att-door-link = Check-in at the door
att-checked-in-count = { $checked } checked in / { $enrolled } enrolled
att-at-risk-title = Trainees to look at
att-at-risk-none = No trainee needs attention at the moment.
att-needs-makeup = Make-up needed: { $subjects }
att-threshold = Completion needs at least { $threshold }% attendance.
att-sheet-title = Attendance by trainee
att-sheet-empty = No trainees.
att-sheet-caption-helper = Trainees × subjects (attended / required, minutes)
att-sheet-caption-sessions = Trainees × sessions
att-col-missing-subjects = Subjects short
att-col-attendance = Attended
att-col-checked-in = Check-in
att-not-checked-in = Not checked in
att-cell-minutes = { $attended }/{ $required } min
att-cell-short = { $minutes } min short
att-cell-missed = Missed
att-sessions-attended = { $attended }/{ $held } sessions
att-print-title = Attendance sheet by subject
att-print-hint = Print with your browser's print command.
att-printed-at = Printed at

## CSV (for the prefecture; always Japanese, but the keys exist in English too)

att-csv-number = Trainee number
att-csv-name = Name
att-csv-kana = Furigana
att-csv-missing = Subjects short
att-csv-attended = Sessions attended

## At the door (staff)

att-door-page-title = Check-in at the door
att-door-session-now = Session in progress: { $time } (checking in also marks attendance)
att-door-no-session = No session is in progress (only the check-in is recorded).
att-door-by-code = Check in by QR or code
att-field-door-code = Check-in code
att-door-code-hint = Scan the QR code or type the code from the ticket.
att-door-check-in = Check in
att-door-scan = Scan with the camera
att-door-scan-stop = Stop scanning
att-door-camera = Camera view for scanning QR codes
att-door-camera-error = The camera could not be used. Type the code or search by name.
att-door-by-name = Find by name or furigana
att-field-search = Name or furigana
att-search-hint = Part of a name is enough (e.g. ヤマダ).
att-search = Search
att-search-none = No enrollment matches.
att-people-caption = Enrolled people (in 50-sound order, { $count })
att-checked-in-at = Checked in at { $time }
flash-checked-in = { $name } is checked in ({ $time }).
flash-checked-in-already = { $name } was already checked in at { $time }.
err-check-in-code-required = Enter the check-in code.

## Self check-in (trainees)

att-self-title = Check in
att-self-lead = Enter the six-digit code shown on the instructor's screen.
att-self-none-today = You have no session today where you can check yourself in.
att-field-session = Session
att-field-session-code = Check-in code (6 digits)
att-session-code-hint = The code changes every 30 seconds; enter the latest one.
att-self-submit = Check in
flash-self-checked-in = Your attendance is recorded.
flash-self-check-in-already = Your attendance was already recorded.
err-check-in-choose-session = Choose a session.
err-self-check-in-not-yours = This session is not part of a course you are enrolled in.

## Walk-ins, make-up sessions, assessments (staff)

att-walk-in-title = Register a walk-in
att-walk-in-lead = Register someone without an application on the spot and check them in. Not possible when the course is full.
att-walk-in-family-name = Family name
att-walk-in-given-name = Given name
att-walk-in-family-name-kana = Family name (katakana)
att-walk-in-given-name-kana = Given name (katakana)
att-walk-in-kana-hint = Full-width katakana.
att-walk-in-email = Email address
att-walk-in-email-hint = Optional. If an account has this address, the enrollment goes to it.
att-walk-in-phone = Phone number
att-walk-in-phone-hint = Optional. Half-width digits and hyphens (e.g. 090-1234-5678).
att-walk-in-price = Price category
att-walk-in-member-number = Member number
att-walk-in-member-hint = Only for the member price.
att-walk-in-consent = I explained the purpose of use of personal data and the person agreed
att-walk-in-submit = Register and check in
flash-walk-in-registered = { $name } is registered as a walk-in and checked in.
flash-walk-in-repeated = { $name } was already registered with this form (no duplicate was made).
err-walk-in-check-fields = Please check the entries. Nobody has been registered yet.
err-walk-in-token = This form has expired. Reopen the page and enter the details again.
err-walk-in-running = The same registration is being processed. Wait a moment and reopen the page.
err-walk-in-helper = Helper courses do not take walk-ins. Take the application and identity check first.
err-walk-in-course-closed = This course is not published, so walk-ins cannot be registered.
err-walk-in-already-enrolled = This person is already enrolled in this course. Find them by name to check them in.
err-walk-in-full = The course is full, so the walk-in cannot be registered. Nothing was saved.

att-makeup-link = Offer make-up sessions
att-makeup-title = Offer make-up sessions
att-makeup-subject = Subject
att-makeup-choose-subject = Choose a subject
att-makeup-show = Show trainees short in it
att-makeup-short-title = Trainees short in "{ $subject }"
att-makeup-short-none = Nobody is short in this subject.
att-makeup-sessions-title = Sessions that can be used as make-up
att-makeup-sessions-none = No upcoming session can make up this subject. Create a make-up session first (in this course, or in another course on the same curriculum with free seats).
att-makeup-choose-session = Session to use
att-makeup-free-seats = { $count } seats free
att-makeup-offer-hint = Everyone short in the subject is booked into this session and told by email.
att-makeup-offer = Offer the make-up session
flash-makeup-offered = Offered the make-up session to { $count } trainees.
flash-makeup-offered-none = Nobody new to offer it to (already offered, or nobody short).
err-makeup-helper-only = Make-up sessions are offered per subject in helper courses.
err-makeup-session-unfit = This session cannot make up this subject (other subject, already over, or no free seat).
err-makeup-choose-session = Choose the session to use.
err-makeup-not-enough-seats = This session has fewer free seats than the trainees short in the subject. Choose another session or add a make-up session.

att-assessments-title = Final assessment
att-assessments-none = No assessment recorded yet.
att-col-attempt = Attempt
att-col-taken-on = Date
att-col-score = Score
att-col-result = Result
att-attempt = Attempt { $attempt }
att-score-of = { $score } (pass mark { $pass })
att-assessment-passed = Passed
att-assessment-failed = Failed
att-assessment-form-title = Record an assessment result (a retake is recorded as a new attempt)
att-field-score = Score
att-score-hint = A whole number from 0 to 100.
att-field-pass-mark = Pass mark
att-pass-mark-hint = Leave empty for the course's pass mark ({ $mark }).
att-field-taken-on = Date taken
att-assessment-submit = Record the result
att-credits-title = Make-up at other providers and correspondence
att-credits-none = Nothing recorded.
att-field-credit-kind = Kind
att-field-provider = Provider
att-provider-hint = Required for a make-up at another provider.
att-field-confirmed-on = Date of the provider's confirmation
att-field-credit-minutes = Minutes
att-credit-form-title = Record a make-up at another provider or correspondence time
att-credit-submit = Record
att-credit-kind-external-makeup = Make-up at another provider
att-credit-kind-correspondence = Correspondence
flash-outside-credit-recorded = Recorded. The subject's missing time is updated.
flash-assessment-recorded = The assessment result is recorded.
err-pass-mark-invalid = The pass mark must be from 0 to 100.
err-assessment-date-required = Enter the date the assessment was taken.
err-assessment-helper-only = Assessments are recorded for helper courses only.
