# Staff (事務局) pages, English. Keep the same keys as ja/pages_staff.ftl.
# Never redefine a key from main.ftl, catalog.ftl, domain.ftl or application.ftl.

## Common

staff-all = All
staff-choose = Choose…
staff-none = None
staff-yes = Yes
staff-no = No
staff-total = Total
staff-filter-label = Filter
staff-filter-submit = Filter
staff-hours = { $hours } h
staff-hours-minutes = { $hours } h { $minutes } min
staff-date-range = { $from } – { $until }
staff-time-range = { $from }–{ $until }
staff-seats = { $taken } / { $capacity }
staff-back-to-courses = Back to the courses
staff-back-to-course = Back to the course
staff-back-to-schedule = Back to the schedule
staff-back-to-enrollments = Back to the enrollments
staff-course-facts = ({ $code }, { $dates })
staff-course-code = ({ $code })
staff-col-actions = Actions
staff-hint-japan-time = Japan time.
staff-err-filter-invalid = The filter is not valid.
staff-err-time-invalid = Enter a time such as 09:30.

## Course list

staff-courses-title = Course administration
staff-courses-empty = No courses match.
staff-course-new = Create a course
staff-col-course = Course
staff-col-dates = Dates
staff-col-seats = Taken / capacity
staff-col-waitlisted = Waitlisted
staff-col-pending = Awaiting approval
staff-field-course-status = Status
staff-field-kind = Kind of course
staff-field-keyword = Keyword
staff-hint-keyword = Searches title, course code, description and site name.

## Sites

staff-sites-title = Sites
staff-sites-empty = No sites yet.
staff-site-new = Add a site
staff-site-create = Add
staff-field-site-name = Site name
staff-field-prefecture = Prefecture
staff-field-address = Address
staff-flash-site-created = The site was added.

## Creating and editing a course

staff-course-new-title = Create a course
staff-course-new-kind = Choose the kind of course to create.
staff-course-create = Create as draft
staff-flash-course-created = The course was created as a draft. Set up its schedule and fees, then publish it.
staff-group-basics = Basics
staff-group-dates = Dates and enrollment window
staff-group-rules = Enrollment rules
staff-group-notes = Information for trainees
staff-field-code = Course code
staff-hint-code = Letters, digits, hyphens and underscores, up to 40 (e.g. SHONIN-2027-04).
staff-field-title = Title
staff-field-description = Description
staff-field-site = Site
staff-hint-site = Add a missing site under "Sites" first.
staff-field-capacity = Capacity
staff-field-curriculum = Curriculum
staff-hint-curriculum = Subjects and required hours are copied from this curriculum; you can adjust them per course afterwards.
staff-field-designation-number = Designation number
staff-hint-designation-number = The number the prefecture designated the course under (printed on certificates).
staff-field-starts-on = First day
staff-field-ends-on = Last day
staff-field-opens-at = Enrollment opens
staff-hint-opens-at = Japan time. Empty: from publication.
staff-field-closes-at = Enrollment closes
staff-hint-closes-at = Japan time. Empty: at the end of the day before the first day.
staff-field-requires-approval = Staff approve each application (identity check) before it is confirmed
staff-hint-requires-approval = Helper courses check an identity document before approving.
staff-field-waitlist = Take a waitlist when the course is full
staff-field-offer-hold-hours = Hours a freed seat is held (offer)
staff-hint-offer-hold-hours = How long a waitlisted person has to accept an offered seat (1–336).
staff-field-deadline-days = Self-cancellation deadline (days before the start)
staff-hint-deadline-days = 0–90 days. After it, staff take cancellations.
staff-field-attendance-percent = Attendance needed to complete (%)
staff-hint-attendance-percent = E.g. 80 (at least 80 % of sessions).
staff-field-what-to-bring = What to bring
staff-field-cancellation-policy = Cancellation policy

## Course page

staff-enrollments-link = Enrollments
staff-schedule-link = Schedule and subjects
staff-public-page-link = View the public page
staff-lifecycle-title = Course status
staff-lifecycle-lead = Current status: { $status }
staff-lifecycle-none = This course's status cannot change any more.
staff-action-publish = Publish and open enrollment
staff-action-close = Close enrollment
staff-action-reopen = Reopen enrollment
staff-action-finish = Mark as finished
staff-action-cancel-course = Cancel this course…
staff-flash-status-changed = The course status was changed.
staff-capacity-title = Capacity
staff-capacity-lead = Raising the capacity offers the new seats to the waitlist in order. Lowering it removes nobody who has already applied.
staff-settings-title = Course settings
staff-fees-title = Fees
staff-fees-lead = Amounts (yen, tax included) per price category and component, such as tuition and textbook.
staff-fees-hint = Empty rows are ignored. To remove a row, clear its category, component and amount, then save.
staff-field-price-category = Price category
staff-field-fee-component = Component
staff-field-amount = Amount (yen)
staff-err-fee-category = Choose a price category.
staff-err-fee-component = Choose a component.
staff-questions-title = Registration questions
staff-questions-empty = This course has no questions of its own.
staff-question-add = Add a question
staff-question-add-submit = Add the question
staff-col-position = Order
staff-field-question-label = Question
staff-field-question-kind = Answer type
staff-field-question-choices = Choices
staff-hint-question-choices = For "choice" only: one choice per line.
staff-field-question-required = Answer required
staff-flash-question-added = The question was added.

## Cancelling a course

staff-cancel-course-title = Cancel the course
staff-cancel-course-warning = Cancelling this course cancels all { $count } active enrollments and sends each person a notice by mail. This cannot be undone.
staff-field-cancel-course-reason = Reason for cancelling
staff-hint-cancel-course-reason = Quoted as written in the notice (e.g. the instructor fell ill).
staff-cancel-course-submit = Cancel the course
staff-cancel-course-back = Go back without cancelling
staff-flash-course-cancelled = The course was cancelled and everyone enrolled was notified.

## Schedule and subjects

staff-schedule-title = Schedule and subjects
staff-sessions-title = Sessions
staff-sessions-empty = No sessions yet.
staff-col-date = Date
staff-col-time = Time
staff-col-state = State
staff-session-cancelled = Cancelled
staff-session-makeup = Make-up (for { $of })
staff-action-edit = Edit
staff-action-cancel-session = Cancel session
staff-session-add = Add a session
staff-session-add-submit = Add the session
staff-session-edit-title = Edit a session
staff-field-session-starts = Starts
staff-field-session-ends = Ends
staff-field-subject = Subject
staff-field-session-title = Title or topic
staff-field-room = Room
staff-field-instructor = Instructor
staff-field-makeup-for = Make-up for
staff-hint-makeup-for = Only for a make-up session: the session it makes up for (same subject).
staff-flash-session-added = The session was added.
staff-flash-session-cancelled = The session was cancelled.
staff-generate-title = Generate sessions from a weekly pattern
staff-generate-lead = Creates sessions on the chosen weekdays and times, filling the subjects in order. Existing sessions stay; new ones are added. Edit each session afterwards as needed.
staff-field-weekdays = Weekdays
staff-weekday-mon = Monday
staff-weekday-tue = Tuesday
staff-weekday-wed = Wednesday
staff-weekday-thu = Thursday
staff-weekday-fri = Friday
staff-weekday-sat = Saturday
staff-weekday-sun = Sunday
staff-field-start-time = Start time
staff-field-end-time = End time
staff-hint-time = Japan time, 24-hour clock (e.g. 09:30).
staff-field-from = First date of the period
staff-field-until = Last date of the period
staff-field-skip = Dates without class (holidays)
staff-hint-skip = Dates such as 2027-04-29, one per line or separated by spaces.
staff-generate-submit = Generate sessions
staff-flash-generated = { $count } sessions were created.
staff-subjects-title = Subjects and hours
staff-subjects-empty = No subjects yet.
staff-col-required = Required
staff-col-scheduled = Scheduled
staff-col-shortfall = Shortfall
staff-shortfall = Short by { $time }
staff-shortfall-zero = No shortfall
staff-shortfall-summary = { $count } subject(s) are scheduled for fewer hours than required.
staff-shortfall-see = See hours per subject
staff-shortfall-none = Every subject has its required hours scheduled.
staff-action-adjust = Adjust
staff-subject-form-title = Add or adjust a subject
staff-subject-form-lead = An existing number changes that subject; a new number adds one (e.g. a prefecture's own subject).
staff-field-subject-no = Subject number
staff-field-subject-name = Subject name
staff-field-required-minutes = Required time (minutes)
staff-hint-minutes = In minutes (6 hours = 360).
staff-field-correspondence-minutes = Time allowed by correspondence (minutes)
staff-hint-correspondence-minutes = Empty means 0 (classroom only).

## Enrollments

staff-enrollments-title = Enrollments
staff-enrollments-empty = No enrollments match.
staff-field-search-name = Search by name or furigana
staff-hint-search-name = A family name or part of the furigana (hiragana works too) is enough.
staff-field-enrollment-status = Enrollment status
staff-gojuon-order = In Japanese syllabary (50音) order
staff-waitlist-order = In order of application
staff-waitlist-position = No. { $position } in line
staff-col-applied-at = Applied
staff-action-approve = Approve
staff-action-approve-submit = Record the identity check and approve
staff-field-identity-document = Identity document
staff-field-checked-on = Checked on
staff-action-reject = Reject
staff-field-reject-reason = Reason for rejecting
staff-hint-reject-reason = Quoted in the mail to the applicant.
staff-action-reject-submit = Reject
staff-action-cancel-enrollment = Cancel
staff-field-cancel-reason = Reason for cancelling (optional)
staff-action-cancel-enrollment-submit = Cancel the enrollment
staff-action-transfer = Transfer
staff-field-transfer-to = Transfer to course
staff-action-transfer-submit = Transfer to this course
staff-err-transfer-target = Choose the course to transfer to.
staff-flash-approved = Approved.
staff-flash-rejected = Rejected.
staff-flash-enrollment-cancelled = The enrollment was cancelled.
staff-flash-transferred = Transferred.
staff-identity-drivers-license = Driver's licence
staff-identity-residence-certificate = Certificate of residence (住民票)
staff-identity-residence-card = Residence card
staff-identity-passport = Passport
staff-identity-health-insurance-card = Health insurance card
staff-identity-my-number-card-front = My Number card (front side only)
staff-identity-other-public-document = Other official document

## Applications by phone or fax

staff-manual-title = Enter an application received by phone or fax
staff-manual-lead = Finds the person's account by email address and applies for them, even outside the enrollment window.
staff-hint-manual-email = The address the applicant registered with.
staff-hint-manual-names = Leave empty to use the name on the account.
staff-hint-postal-code = E.g. 123-4567
staff-hint-phone = Half-width digits and hyphens (e.g. 03-1234-5678).
staff-hint-member-number = For the "member" price category.
staff-hint-special-care = Health or other needs (sensitive personal data). Only with the person's consent.
staff-field-special-care-consent = The person consented to how this is handled
staff-field-consent = The applicant agreed to the stated purpose of use of personal data
staff-manual-submit = Register the application
staff-err-account-not-found = No account has this email address. The applicant needs to sign up first.
staff-flash-enrolled = The application was registered ({ $status }).
staff-price-general = General
staff-price-member = Member
staff-price-partner-staff = Partner staff
staff-price-student = Student
staff-price-high-school = High-school student
staff-price-free = Free (public job-seeker training)
staff-support-kyoiku-kunren = Education and training benefit
staff-support-kyushokusha = Job-seeker support training
staff-support-municipal = Municipal subsidy
staff-access-wheelchair = Wheelchair access
staff-access-sign-language = Sign-language interpreting
staff-access-captioning = Captioning
staff-access-childcare = Childcare
staff-answer-yes = Yes
staff-answer-no = No
staff-question-kind-text = Text
staff-question-kind-choice = Choice
staff-question-kind-yes_no = Yes/no
staff-fee-tuition = Tuition
staff-fee-textbook = Textbook
staff-fee-insurance = Insurance
staff-fee-makeup = Make-up session
staff-fee-retake = Retake
staff-fee-reissue = Reissue

## One enrollment

staff-application-title = Application
staff-application-empty = No further application details.
staff-answers-title = Answers to the course's questions
staff-form-birth-date = Date of birth
staff-form-postal-code = Postal code
staff-form-prefecture = Prefecture
staff-form-address = Address
staff-form-phone = Phone
staff-form-member-number = Member number
staff-form-support-scheme = Public support used
staff-form-qualifications = Qualifications and experience
staff-form-accessibility = Accessibility needs
staff-form-companions = Companions
staff-form-special-care-notes = Special-care notes
staff-field-status-reason = Reason
staff-field-transferred-from = Transferred from
staff-earlier-enrollment = See the earlier enrollment
staff-identity-title = Identity check
staff-identity-record = { $document } (checked on { $date } by { $by })
staff-identity-none = Not checked
staff-actions-none = Nothing can be done with this enrollment now.
staff-special-care-title = Special-care notes (sensitive personal data)
staff-special-care-lead = Visible to staff only. Share only with the people who need to know.
staff-special-care-none = None given.
staff-history-title = History
staff-col-when = When
staff-col-who = By
staff-col-change = Change
staff-col-note = Note
staff-change = { $from } → { $to }
staff-history-system = System (automatic)
staff-note-identity = Identity: { $document } ({ $date })
staff-note-entered-by-staff = Entered by staff
staff-note-course-cancelled = Course cancelled
staff-note-offer-accepted = Offered seat accepted
staff-note-offer-expired = Seat offer expired
staff-note-transferred-to = Transferred to course { $id }
staff-note-transferred-from = Transferred from enrollment { $id }
staff-attendance-link = Attendance and progress
staff-check-in-link = Door check-in
staff-certificates-link = Certificates
staff-completers-link = Completers list
staff-assessments-link = Assessment results
staff-message-link = Message trainees
staff-enrollment-attendance-link = Attendance record
staff-enrollment-payments-link = Payments and refunds
