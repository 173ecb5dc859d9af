# Page, mail and error texts (English). Keep the keys in step with ja/main.ftl.

app-name = Kouza Registration
nav-label = Main menu
nav-skip = Skip to content
nav-courses = Courses
nav-my = My page
nav-staff = Office
nav-login = Log in
nav-logout = Log out
nav-signup = Sign up
nav-account = Account
nav-users = Users
nav-outbox = Outgoing mail
footer-language = Language
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }
list-total = { $count } in total
action-save = Save
form-has-errors = Please check what you entered

home-title = Courses and training
home-lead = Apply for helper courses, community courses and symposia, and keep your training records in one place.
home-helper = Certified care-worker training such as the Initial Training for Care Workers. Attend every subject and pass the assessment to receive a certificate.
home-community = Short courses for local residents.
home-symposium = Public events on cooperative work and community building.
home-welcome = Hello, { $name }.
kind-helper = Helper course
kind-community = Community course
kind-symposium = Symposium

field-email = Email address
field-password = Password
field-name = Name
field-family-name = Family name
field-given-name = Given name
field-family-name-kana = Family name (katakana)
field-given-name-kana = Given name (katakana)
field-role = Role
field-locale = Language
field-current-password = Current password
field-new-password = New password
field-new-password-confirm = New password (again)
hint-kana = Full-width katakana, e.g. ヤマダ.
hint-password = At least 10 characters. Do not reuse a password from another service.

login-title = Log in
login-submit = Log in
login-forgot = Forgot your password?
login-no-account = No account yet? Sign up
signup-title = Sign up
signup-submit = Create account
forgot-title = Reset your password
forgot-lead = Enter the email address you registered with and we will send you a link to set a new password.
forgot-submit = Send the link
reset-title = Set a new password
reset-submit = Set password
setup-title = Create the first administrator
setup-lead = This page works only once. The administrator you create here manages staff and instructor accounts.
setup-submit = Create administrator

account-title = Account
account-locale = Language
account-password = Change password
account-change-password = Change password
account-sessions = Signed-in devices
account-sessions-lead = Ends every login on other devices too (phones, shared computers).
account-logout-everywhere = Log out everywhere

users-title = Users and roles
outbox-title = Outgoing mail
outbox-lead = While no mail server is configured, the mail the service would send is kept here.
outbox-to = To
outbox-status = Status
outbox-created = Created
outbox-empty = No mail.
mail-status-pending = Waiting
mail-status-sent = Sent
mail-status-failed = Failed

flash-logged-in = You are logged in.
flash-logged-out = You are logged out.
flash-logged-out-everywhere = You are logged out on every device.
flash-signed-up = Your account is ready. Welcome.
flash-reset-sent = If the address is registered, we have sent a link to reset the password.
flash-password-reset = Your password is set. Please log in with the new password.
flash-password-changed = Your password is changed. Other devices have been logged out.
flash-saved = Saved.
flash-admin-created = The administrator is created.

err-login-failed = The email address or password is not correct.
err-email-taken = This email address is already registered. Log in, or reset the password.
err-current-password = The current password is not correct.
err-password-mismatch = The two passwords do not match.
err-reset-link-expired = This link has been used or has expired. Please ask for a new one.
err-last-admin = The last administrator's role cannot be changed. Create another administrator first.
err-idempotency-running = The same request is still being processed. Check the result in a moment.
err-locale-invalid = The languages available are Japanese and English.

status-400 = Bad request
status-401 = Login required
status-403 = Not allowed
status-404 = Page not found
status-409 = Not possible right now
status-413 = Too large
status-422 = Invalid input
status-429 = Too many attempts
status-500 = System error
status-503 = Busy
problem-bad-request = The request could not be read.
problem-unauthorized = Please log in to see this page.
problem-forbidden = You are not allowed to do this.
problem-csrf = The form has expired or was not sent from this site. Reload the page and try again.
problem-not-found = The page you are looking for does not exist.
problem-too-large = The data sent is too large.
problem-unprocessable = The data sent is not in the expected format.
problem-validation = Some fields are not valid. Please check each one.
problem-rate-limited = Too many attempts. Please wait a while and try again.
problem-internal = Sorry, something went wrong. Please try again later.
problem-busy = The service is busy right now. Please try again in a few seconds.
error-back-home = Back to the home page
error-request-id = Reference

mail-reset-subject = [Kouza] Resetting your password
mail-reset-body =
    Dear { $name },

    We received a request to reset your password.
    Please set a new password within { $minutes } minutes using this link:

    { $link }

    If you did not ask for this, ignore this mail; your password stays as it is.

    Workers' Co-op course office
nav-instructor = My classes
nav-payments = Payments
nav-mail-delivery = Mail delivery
nav-certificate-settings = Certificate settings
account-notifications-link = Mail settings and calendar
nav-dashboard = Dashboard
mail-account-created-subject = [Kouza] Your account has been created
mail-account-created-body =
    Dear { $name },

    Your account has been created. Log in with this email address and the password you chose.
    My page shows your enrollments, schedules and certificates.

    If you did not sign up, please contact the office.
