# Catalog, course page, application form and My page (English).
# Keep the keys in step with ja/pages_public.ftl.
# Keys defined in main, catalog, domain or application.ftl must not be defined here.

## Errors from the catalog filters (course_filter and paging in src/routes/api/catalog.rs)

err-month-invalid = Enter the month as 2027-01.
err-page-invalid = The page number must be a whole number from 1.
err-per-page-invalid = Items per page must be from 1 to 100.

## Dates and times

pub-date-range = { $from } – { $to }
pub-date-weekday = { $weekday } { $date }
pub-time-range = { $from }–{ $to }
pub-weekday-mon = Mon
pub-weekday-tue = Tue
pub-weekday-wed = Wed
pub-weekday-thu = Thu
pub-weekday-fri = Fri
pub-weekday-sat = Sat
pub-weekday-sun = Sun
pub-times-jst = All times are Japan time (JST).
pub-title-error-prefix = Error:
pub-error-item = { $label }: { $message }

## Availability

pub-seats-left = Seats left: { $count }
pub-waitlist-open = Waitlist open
pub-full = Full
pub-not-yet = Not open yet
pub-not-yet-from = Opens { $at }
pub-closed = Enrollment closed

## Catalog

pub-catalog-title = Courses
pub-catalog-lead = Courses open for enrollment and recently closed ones, soonest first.
pub-filter-title = Filter courses
pub-filter-kind = Kind of course
pub-filter-any-kind = All kinds
pub-filter-prefecture = Prefecture
pub-filter-any-prefecture = All prefectures
pub-filter-month = Starting month
pub-filter-month-hint = For example 2027-01
pub-filter-q = Keyword
pub-filter-q-hint = Searches the title, course code, description and venue name.
pub-filter-has-seats = Only courses with seats left
pub-filter-submit = Search
pub-filter-clear = Clear filters
pub-catalog-results = Results
pub-catalog-empty = No course matches. Try other filters.
pub-card-dates = Dates
pub-card-place = Venue
pub-card-availability = Enrollment
pub-site-with-prefecture = { $site }, { $prefecture }

## Course page

pub-course-facts = At a glance
pub-course-code = Course code
pub-course-designation = Designation number
pub-course-dates = Dates
pub-course-place = Venue
pub-course-capacity = Capacity
pub-course-capacity-value = { $count } people
pub-course-status = Enrollment
pub-course-draft-note = This course is not public (only staff see this page).
pub-course-about = About this course
pub-course-schedule = Schedule
pub-course-schedule-empty = The schedule will be announced soon.
pub-col-date = Date
pub-col-time = Time
pub-col-subject = Subject
pub-col-room = Room
pub-session-cancelled = Cancelled
pub-session-makeup = Make-up session
pub-course-ics = Add the schedule to your calendar (.ics)
pub-course-fees = Fees
pub-course-fees-empty = Fees have not been published yet. Please ask the office.
pub-col-category = Category
pub-col-component = Item
pub-col-amount = Amount (tax incl.)
pub-fee-total = Total
pub-course-bring = What to bring
pub-course-policy = Cancellation
pub-course-deadline = You can cancel online until { $date }. After that, please contact the office.
pub-course-apply-title = Applying
pub-course-apply = Apply
pub-course-apply-waitlist = Join the waitlist
pub-course-login-to-apply = Log in to apply
pub-course-waitlist-note = This course is full. You can join the waitlist; we will email you if a seat becomes free.
pub-course-approval-note = After you apply, the office checks your details and identity; your place is confirmed once approved.
pub-course-enrolled = You have applied for this course ({ $status }).
pub-course-to-my = See it on My page
pub-waitlist-position = Number { $position } on the waitlist

## Categories, fee items, public support, accessibility

pub-price-general = General
pub-price-member = Member
pub-price-partner-staff = Partner staff
pub-price-student = Student
pub-price-high-school = High-school student
pub-price-free = Job-seeker training (tuition waived)
pub-fee-tuition = Tuition
pub-fee-textbook = Textbook
pub-fee-insurance = Insurance
pub-fee-makeup = Make-up session
pub-fee-retake = Retake
pub-fee-reissue = Certificate reissue
pub-support-kyoiku-kunren = Education and Training Benefit (教育訓練給付金)
pub-support-kyushokusha = Job Seeker Support Training (求職者支援訓練)
pub-support-municipal = Municipal subsidy
pub-support-none = None
pub-access-wheelchair = Wheelchair access
pub-access-sign-language = Sign language interpreting
pub-access-captioning = Live captioning
pub-access-childcare = Childcare
pub-yes = Yes
pub-no = No

## Application form

pub-apply-title = Application
pub-apply-course = Course
pub-apply-required = Fields marked * are required.
pub-apply-closed-title = Applications are not possible now
pub-apply-back = Back to the course
pub-apply-conflict-title = Your application could not be accepted
pub-apply-waitlist-note = This course is full, so you are applying for the waitlist.
pub-apply-section-person = About you
pub-apply-section-contact = Contact details
pub-apply-section-support = Public support and qualifications
pub-apply-section-access = Accessibility and companions
pub-apply-section-questions = Questions from the organisers
pub-apply-section-consent = How we use your personal information
pub-apply-section-care = Care needs (optional)
pub-field-birth-date = Date of birth
pub-field-postal-code = Postal code
pub-field-prefecture = Prefecture
pub-field-address = Address (city, street, building)
pub-field-phone = Phone number
pub-field-price-category = Price category
pub-field-member-number = Member number
pub-field-support-scheme = Public support scheme used
pub-field-qualifications = Qualifications and care experience
pub-field-accessibility = Accessibility needs
pub-field-companions = Number of companions
pub-field-special-care-notes = Care needs
pub-hint-birth-date = For example 1970-04-01
pub-hint-postal-code = Half-width digits, for example 123-4567.
pub-hint-phone = Half-width digits, for example 03-1234-5678.
pub-hint-member-number = Required for members: 4 to 12 half-width letters or digits.
pub-hint-qualifications = This matters for subject exemptions. List qualifications (with the year) and any care experience.
pub-hint-accessibility = Choose everything you need.
pub-hint-companions = People coming with you (0 to 4).
pub-choose = Please choose
pub-consent-purpose = We use the personal information you give us to handle your application, contact you about the course, keep attendance and completion records, issue certificates, and make the reports to the prefecture that the law or the course's designation requires. We do not give it to anyone else without your consent unless the law requires it.
pub-field-consent = I agree to this use of my personal information
pub-care-lead = If you need any care or accommodation because of your health or a disability, tell us here. This is sensitive personal information (要配慮個人情報): we keep it apart from the rest of your application and only the office staff who arrange it can see it. Instructors and other participants never see it.
pub-field-special-care-consent = I agree that the office may use these notes only to arrange the care I need
pub-hint-special-care-consent = Needed only if you write something above.
pub-apply-submit = Send application
pub-apply-submit-waitlist = Join the waitlist
pub-flash-confirmed = Thank you for applying. Your place is confirmed.
pub-flash-pending-approval = Thank you for applying. The office will check your details and identity and let you know.
pub-flash-waitlisted = The course is full, so you are number { $position } on the waitlist. We will email you if a seat becomes free.
pub-flash-received = Thank you for applying.

## My page

pub-my-title = My page
pub-my-current = Current applications
pub-my-past = Earlier applications
pub-my-empty = You have no current applications.
pub-my-browse = Find a course
pub-my-status = Status
pub-my-dates = Dates
pub-my-applied-on = Applied
pub-my-next-session = Next session
pub-my-no-next = No upcoming sessions
pub-my-offer = A seat is free for you. Please accept it by { $deadline }; after that it goes to the next person.
pub-my-accept = Accept the seat
pub-my-cancel = Cancel
pub-my-cancel-until = You can cancel until { $date }.
pub-my-ics = Add the schedule to your calendar (.ics)
pub-flash-accepted = You accepted the seat ({ $status }).
pub-flash-cancelled = Your application has been cancelled.

## Cancellation

pub-cancel-title = Cancel your application?
pub-cancel-what = Your application for "{ $course }" will be cancelled.
pub-cancel-irreversible = This cannot be undone. To take part later you would need to apply again (and join the waitlist if the course is full).
pub-cancel-seat = Your seat will be offered to the next person on the waitlist, if there is one.
pub-cancel-waitlist = You will also lose your place on the waitlist.
pub-cancel-policy = Refunds follow this course's cancellation policy:
pub-cancel-confirm = Yes, cancel my application
pub-cancel-keep = No, go back
pub-my-pay-now = Pay now
pub-my-payments = Payments and receipts
pub-my-progress = Attendance
pub-my-certificates = Certificates
pub-my-self-check-in = Enter an attendance code
pub-hint-support-scheme = Job-seeker support training: tuition becomes ¥0 (textbooks etc. are still paid). Education and training benefit: you pay in full and the benefit is paid to you later (the receipt is in your name for the full amount). Municipal subsidy: the municipality pays the course's subsidy amount and you pay the rest. Your amount is shown on the payment page after you apply.
