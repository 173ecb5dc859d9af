# Fees and payments
pay-title = Payment
pay-due = Amount charged
pay-paid = Paid
pay-refunded = Refunded
pay-balance = Balance
pay-deadline = Payment due by
pay-by-card = Pay by card
pay-bank-title = Bank transfer
pay-bank-ask-office = Please ask the office for the bank account.
pay-bank-name-hint = Please transfer under the trainee's own name (in katakana).
pay-cash-hint = You can also pay in cash at the office.
pay-refund-if-cancelled = Refund if you cancel now
pay-ledger = Payment record
pay-col-date = Date
pay-col-kind = Type
pay-col-method = Method
pay-col-amount = Amount
pay-col-note = Note
pay-col-name = Payer
pay-col-state = State
pay-col-enrollment = Enrollment no.
pay-col-course = Course code
pay-col-kana = Furigana
pay-col-status = Enrollment status
pay-col-due = Charged
pay-col-paid = Paid
pay-col-refunded = Refunded
pay-col-balance = Balance
pay-receipts = Receipts
pay-receipt-no = No.
pay-reissued = Reissue
pay-reissue-of = original
pay-thanks = Thank you for your payment
pay-confirmed = Your payment was received and your seat is confirmed.
pay-processing = We are confirming your payment and will email you once it is confirmed.
pay-not-paid = The payment was not completed
pay-not-paid-hint = Please try again before the deadline, or pay by bank transfer.
pay-back = Back to the payment page
pay-receipt-title = Receipt
pay-issued-on = Issued on
pay-honorific = (payer)
pay-tax-included = (tax included)
pay-receipt-for = For
pay-breakdown = Breakdown
pay-receipt-received = We acknowledge receipt of the above amount.
pay-registration-number = Registration number
pay-print = Print
pay-desk-title = Payments and refunds
pay-report-csv = Payment status CSV (all courses)
pay-reviews = Needs attention
pay-none = None.
pay-bank-import = Import a bank statement
pay-bank-csv = The bank's CSV (date, payer name, amount)
pay-bank-import-button = Import
pay-bank-imported = Lines imported:
pay-confirm = Confirm as payment
pay-recorded = The payment was recorded.
pay-state-unpaid = Unpaid
pay-state-partial = Partly paid
pay-state-paid = Paid
pay-state-overpaid = Overpaid
pay-state-refunded = Refunded
pay-state-none = Nothing charged
pay-kind-charge = Charge
pay-kind-payment = Payment
pay-kind-refund = Refund
pay-kind-adjustment = Adjustment
pay-method-card = Card
pay-method-bank-transfer = Bank transfer
pay-method-cash = Cash
pay-method-waived = Waived
pay-review-cancelled-after-payment = Refund after cancellation
pay-review-paid-after-cancel = Payment after cancellation
pay-review-amount-mismatch = Amount mismatch
pay-review-course-cancelled = Refund for a cancelled course
pay-review-unknown-session = Unknown payment
pay-review-overpaid = Overpayment
pay-review-refund-failed = Refund failed
pay-bank-proposed = Match proposed
pay-bank-ambiguous = Several candidates
pay-bank-unmatched = No match
pay-bank-confirmed = Confirmed
pay-bank-ignored = Ignored
pay-component-tuition = Tuition
pay-component-textbook = Textbook
pay-component-insurance = Insurance
pay-component-makeup = Make-up session fee
pay-component-retake = Re-examination fee
pay-component-reissue = Reissue fee
pay-component-payment = Course fees
err-payer-name-required = Enter the payer's name (up to 200 characters).
err-payment-method-invalid = Choose a payment method.
err-refund-exceeds-paid = The refund is more than was paid.
err-card-unavailable = Card payment is not available at the moment.
err-no-card-payment = There is no card payment to refund to.
err-refund-provider = The payment provider could not make the refund. Please try again later.
err-card-provider = The payment page could not be prepared. Please try again later.
err-not-awaiting-payment = This enrollment is not waiting for payment.
err-bank-csv-empty = There are no transfer lines to import.
err-bank-line-done = This statement line has already been handled.
err-bank-line-no-match = Choose the enrollment this payment is for.
err-refund-policy-invalid = The cancellation policy is not in the expected form.
err-note-too-long = Notes can be up to 1000 characters.

# Member number check, receipt PDF, payment mails
err-member-number-missing = This enrollment is not at the member price or has no member number.
pay-member-number = Member number
pay-member-verified-at = Verified
pay-member-verify = Mark the member number as verified
flash-member-number-verified = The member number is marked as verified.
pay-receipt-pdf = Receipt (PDF)
mail-payment-received-subject = [Kouza] Payment received: { $course }
mail-payment-received-body =
    Dear { $name },

    We have received your payment of { $amount } yen ({ $method }) for "{ $course }". Thank you.
    Your receipt (No. { $receipt }) can be downloaded from "Payments" on My page.

    Workers' Co-op course office
mail-payment-reminder-subject = [Kouza] Your payment is due tomorrow: { $course }
mail-payment-reminder-body =
    Dear { $name },

    The payment for "{ $course }" is due by { $deadline }.
    We have not received it yet (still owing: { $amount } yen).
    If we cannot confirm the payment by then, the place goes to the waitlist.

    Bank account: { $bank }
    If you have already paid, please disregard this message.

    Workers' Co-op course office
mail-refund-made-subject = [Kouza] Refund made: { $course }
mail-refund-made-body =
    Dear { $name },

    We have refunded { $amount } yen for "{ $course }" ({ $method }).
    A refund to a card may take some days to appear on your statement.

    Workers' Co-op course office
pay-staff-title = Staff actions
pay-record-offline = Record a bank transfer or cash payment
pay-record-offline-button = Record the payment
pay-record-refund = Refund
pay-refund-method = How the money goes back
pay-refund-date = Date paid back (transfer or cash)
pay-record-refund-button = Record the refund
pay-refund-recorded = The refund has been recorded.
pay-review-course-cancelled-top-up = Course cancelled: top-up to a full refund for a trainee who had cancelled
pay-top-up-approve = Approve the full refund
pay-top-up-approved = Full refund approved; the difference will be paid back.
pay-review-dismiss = No refund (close)
pay-review-dismissed = Review closed.
err-review-closed = This review has already been dealt with.
pay-support-fee = Total fee
pay-support-waived = Tuition waived (job-seeker support training)
pay-support-subsidy = Of which the municipality pays
pay-support-trainee = You pay
pay-support-reimbursed-later = you pay in full; the education and training benefit is paid back to you later, and the receipt is in your name for the full amount
