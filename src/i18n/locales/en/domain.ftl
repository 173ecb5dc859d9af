# Messages returned by input validation (src/domain).
# When adding a key, add the same key to ja/domain.ftl.

## Common

err-required = This field is required.
err-too-long = Please enter at most 50 characters.
err-too-long-100 = Please enter at most 100 characters.
err-too-long-200 = Please enter at most 200 characters.
err-too-long-300 = Please enter at most 300 characters.
err-too-long-500 = Please enter at most 500 characters.

## Names

err-name-invalid-char = The name contains characters that cannot be used (such as control characters).
err-name-halfwidth-kana = Half-width katakana cannot be used. Please use full-width characters.

## Furigana

err-kana-hiragana = Please enter the furigana in full-width katakana (hiragana cannot be used).
err-kana-halfwidth = Please enter the furigana in full-width katakana (half-width katakana cannot be used).
err-kana-invalid = Please enter the furigana in full-width katakana.

## Email

err-email-invalid = Please enter a valid email address.

## Password

err-password-too-short = The password must be at least 10 characters long.
err-password-too-long = The password must be at most 128 characters long.
err-password-invalid-char = The password contains a character that cannot be used.

## Roles

err-role-invalid = That role is not valid.
role-trainee = Trainee
role-instructor = Instructor
role-staff = Staff
role-admin = Administrator
