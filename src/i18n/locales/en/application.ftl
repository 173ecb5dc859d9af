# Messages returned by course schedules (src/domain/schedule.rs) and the
# application form (src/domain/application.rs).
# When adding a key, add the same key to ja/application.ftl.
# err-required lives in domain.ftl and err-date-invalid in catalog.ftl; do not define them here (a duplicate stops the catalog loading).

## Schedule

err-schedule-no-weekday = Please choose at least one weekday for classes.
err-schedule-end-before-start = The end time must be later than the start time.
err-schedule-until-before-from = The last date must be the same as or later than the first date.
err-schedule-too-many = This gives more than 400 class days. Please check the first and last dates.

## Date of birth

err-birth-date-future = The date of birth cannot be later than today.
err-birth-date-implausible = Please check the date of birth: applicants must be between 15 and 120 years old.

## Address

err-postal-fullwidth = Please enter the postal code in half-width digits and hyphen (-), for example 123-4567.
err-postal-invalid = Please enter the postal code as seven half-width digits, as 123-4567 or 1234567.
err-prefecture-invalid = Please choose a prefecture from the list.
err-address-too-long = Please enter an address of at most 200 characters.
err-address-invalid-char = The address contains characters that cannot be used (such as line breaks). Please enter it on one line.

## Phone

err-phone-fullwidth = Please enter the phone number in half-width digits and hyphens (-), for example 03-1234-5678.
err-phone-invalid = Please enter a phone number of 10 or 11 half-width digits starting with 0 (hyphens are optional).

## Price category and public support

err-price-category-invalid = Please choose a price category from the list.
err-member-number-required = Please enter your member number.
err-member-number-invalid = The member number is 4 to 12 half-width letters or digits.
err-support-scheme-invalid = Please choose the public support scheme from the list.

## Free text

err-free-text-too-long = Please enter at most 1,000 characters.
err-free-text-invalid-char = The text contains control characters that cannot be used.

## Accessibility and companions

err-accessibility-invalid = Please choose the support you need from the list.
err-companions-invalid = Please enter the number of people coming with you as a half-width number from 0 to 4.

## Consent

err-special-care-consent = You entered health or other care notes; please agree to how they will be handled, or leave the notes empty.
err-consent-required = Please read the purpose of use of your personal information and tick the box to agree.

## Course questions

err-choice-invalid = Please choose one of the options.
err-yes-no-invalid = Please choose Yes or No.
