# Completion certificates: issuing, reissue, revocation, verification, lists

cert-status-valid = Valid
cert-status-revoked = Revoked
cert-status-reissued = Reissued (replaced)
cert-field-number = Certificate number
cert-field-course = Course
cert-field-completed-on = Completed on
cert-field-holder = Holder
cert-field-status = Status
cert-field-issued-on = Issued on
cert-field-code = Verification code
cert-field-reason = Reason
cert-reissue-mark = Reissue
cert-card = Wallet card
cert-missing-subjects = Subjects still short: { $subjects }

cert-verify-title = Certificate verification
cert-verify-replaced-by = This certificate has been reissued. The current certificate number is { $number }.
cert-verify-see-current = Verify the current certificate
cert-verify-revoked-note = This certificate has been revoked and no longer attests completion.
cert-verify-privacy = This page shows only what is needed to verify a certificate.

cert-my-title = Certificates
cert-my-empty = No certificate has been issued to you yet.
cert-back-to-my = Back to My page
cert-download-a4 = Certificate (A4 PDF)
cert-download-card = Wallet card (PDF)

cert-staff-title = Issue certificates
cert-staff-empty = No trainee to show.
cert-awaiting = { $count } trainees meet the completion rule and have no certificate yet.
cert-issue-all = Issue to all of them
cert-issue = Issue
cert-eligible = Meets the completion rule
cert-not-eligible = Does not meet the completion rule
cert-col-completion = Completion
cert-col-certificate = Certificate
cert-col-assessment = Assessment
cert-reissue = Reissue
cert-reissue-submit = Reissue
cert-name-change = Only for a reissue after a name change: the new name
cert-revoke = Revoke
cert-revoke-submit = Revoke
cert-flash-issued = Certificate { $number } issued.
cert-flash-bulk = { $issued } issued ({ $failed } failed).
cert-flash-reissued = Reissued as certificate { $number }.
cert-flash-revoked = Certificate { $number } revoked.
cert-flash-rotated = Signing key rotated ({ $kid }).
cert-back-to-certificates = Back to certificates

cert-completers-title = Completers list
cert-completers-empty = No certificate has been issued yet.
cert-assessments-title = Assessment results

cert-settings-title = Certificate settings
cert-field-provider-name = Provider name
cert-field-provider-address = Address
cert-field-provider-representative = Representative
cert-hint-representative = e.g. 代表理事 山田 太郎
cert-field-date-style = Dates
cert-date-wareki = Japanese era (令和8年4月1日)
cert-date-seireki = Gregorian (2026年4月1日)
cert-field-show-furigana = Print the furigana
cert-field-show-hours = Print hours attended on community-course certificates
cert-field-statement-helper = Completion statement (care training)
cert-field-statement-community = Completion statement (community courses)
cert-field-statement-symposium = Statement (symposia)
cert-hint-statement = { "{course}" } is replaced by the course name.
cert-save = Save
cert-series-title = Certificate numbers
cert-hint-pattern = { "{seq:04}" } is the sequence padded to four digits, { "{fy}" } the fiscal year (from April, e.g. 2026), { "{fy_wareki}" } the fiscal year in the Japanese era (e.g. R8). Numbers with { "{fy}" } restart at 1 every fiscal year.
cert-keys-title = Signing keys
cert-keys-lead = The signature in the QR code can be checked with these public keys. Rotated keys stay published.
cert-key-active = in use
cert-key-retired = retired
cert-rotate = Rotate the signing key

err-cert-not-complete = The completion rule is not met, so no certificate can be issued.
err-cert-enrollment-state = No certificate can be issued for an enrollment in this state.
err-cert-exists = This trainee already has a valid certificate.
err-cert-not-current = This certificate has been reissued or revoked.
err-cert-no-series = No certificate numbering series applies to this course.
err-cert-pattern-invalid = The number pattern is not valid: include exactly one { "{seq}" }.
err-cert-date-style = Choose how dates are written.
err-cert-layout = The layout must be a4 or card.
