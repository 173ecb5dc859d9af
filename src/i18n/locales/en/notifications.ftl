# Notifications: mail footer, session mails, announcements, mail preferences,
# calendar feeds, staff broadcasts and the delivery page.

## Every mail ends with this (added when it is sent).
mail-footer =
    --------------------
    Sent by: { $office }
    Contact: { $contact }
    This address only sends mail and replies are not read; please contact us as above.
mail-footer-contact-web = the contact page at { $url }, or the office of your course's venue

mail-session-changed-subject = [Courses] Schedule change: { $course }
mail-session-changed-body =
    Dear { $name },

    The time or place of a session of "{ $course }" has changed.

    Session: { $session }
    New time: { $when }
    Place: { $place }
    Before: { $was }

    If you can no longer attend, please contact the office.

    Workers' Co-op course office
mail-session-cancelled-subject = [Courses] Session cancelled: { $course }
mail-session-cancelled-body =
    Dear { $name },

    We are sorry: a session of "{ $course }" has been cancelled.

    Session: { $session }
    Time: { $when }
    Place: { $place }

    We will let you know about a replacement or make-up session as soon as it is decided.

    Workers' Co-op course office
mail-session-reminder-subject = [Courses] Tomorrow: { $course }
mail-session-reminder-body =
    Dear { $name },

    Tomorrow is a class day of "{ $course }".

    Session: { $session }
    Time: { $when }
    Place: { $place }
    Please bring: { $bring }

    Your schedule is also on your page: { $link }
    To stop these reminders, go to { $settings }.

    Workers' Co-op course office
mail-certificate-ready-subject = [Courses] Your certificate is ready: { $course }
mail-certificate-ready-body =
    Dear { $name },

    Congratulations on completing "{ $course }". Your certificate (number { $number }) has been issued.
    You can view and print it here:

    { $link }

    Workers' Co-op course office
mail-announcement-subject = [Courses] { $subject } ({ $course })
mail-announcement-body =
    Dear { $name },

    A message from the office about "{ $course }":

    { $message }

    Workers' Co-op course office

## The calendar feed.
feed-calendar-name = Course schedule of { $name }

## Mail preferences and the calendar feed on the account.
notif-title = Mail and calendar
notif-lead = Choose which mails you receive, and get an address to see your sessions in a calendar app.
notif-back = Back to your account
notif-optional-title = Optional mail
notif-optional-lead = You can turn these mails off.
notif-reminders = A reminder the day before each session
notif-announcements = Messages from the office about your courses
notif-transactional = Mails about applications, approval, cancellation, schedule changes and cancelled sessions, certificates and password resets are needed for the process and cannot be turned off.
notif-feed-title = Calendar address
notif-feed-lead = Add this address to Google Calendar, an iPhone or Outlook ("subscribe by URL") and the sessions you attend (or teach) appear there, with changes and cancellations.
notif-feed-private = Anyone who knows this address can see your schedule. Do not share it.
notif-feed-none = You have no calendar address yet.
notif-feed-active = The address made on { $created } is active.
notif-feed-last-used = Last read by a calendar: { $at }
notif-feed-hidden = For your safety the address is shown only once, when it is made. If you have lost it, make a new one (the old one stops working).
notif-feed-create = Make a calendar address
notif-feed-regenerate = Make a new address (the old one stops working)
notif-feed-revoke = Turn the address off
notif-feed-created = Your new calendar address is ready. It will not be shown again after you leave this page, so add it to your calendar app now.
notif-feed-url = Calendar address
flash-notifications-saved = Your mail settings were saved.
flash-feed-revoked = Your calendar address was turned off.
flash-feed-none = There was no address to turn off.

## Staff: a message to a course.
broadcast-title = Send a message: { $course }
broadcast-lead = Send a mail to the people of this course. You see the text and the number of recipients before it is sent.
broadcast-back = Back to the course
broadcast-audience = Recipients
broadcast-audience-all = Everyone enrolled (waitlisted and completed included)
broadcast-audience-waitlisted = People on the waitlist
broadcast-audience-checked-in = People who checked in
broadcast-audience-unpaid = Fee not yet paid (awaiting payment)
broadcast-subject = Subject
broadcast-body = Message
broadcast-body-hint = The greeting, the course name and the office's signature are added.
broadcast-preview-action = Preview
broadcast-preview-title = Check before sending
broadcast-preview-count = The mail goes to { $count } people.
broadcast-preview-opted-out = { $count } people who turned office messages off will not get it.
broadcast-preview-sample = The mail as the first recipient gets it
broadcast-send = Send this message
broadcast-edit = Edit the message
broadcast-sample-name = Hanako Yamada
flash-broadcast-sent = The message to { $count } people is queued.
err-broadcast-audience = Choose the recipients.
err-broadcast-subject = Enter a subject (at most 120 characters).
err-broadcast-body = Enter a message (at most 5000 characters).
err-broadcast-stale = Please send again from the preview.
err-broadcast-already-sent = This message has already been sent.

## Staff: mail delivery.
delivery-title = Mail delivery
delivery-lead = Queued mail is sent automatically. A failed mail is retried later; one that fails again and again is marked failed.
delivery-smtp-on = Delivery to the mail server: on
delivery-smtp-off = No mail server is configured, so no mail is sent. Read the queued mails in the outbox.
delivery-counts = { $pending } queued, { $sent } sent, { $failed } failed
delivery-outbox-link = The outbox
delivery-troubled = Mails with delivery problems
delivery-none = No mail has a problem.
delivery-col-to = To
delivery-col-subject = Subject
delivery-col-status = Status
delivery-col-attempts = Attempts
delivery-col-next = Next try
delivery-col-error = Error
delivery-retry = Send again
flash-delivery-retried = The mail is queued again.
