# 入力値の検証（src/domain）が返すメッセージ。
# キーを増やしたら en/domain.ftl にも同じキーを追加すること。

## 共通

err-required = 入力してください。
err-too-long = 50文字以内で入力してください。
err-too-long-100 = 100文字以内で入力してください。
err-too-long-200 = 200文字以内で入力してください。
err-too-long-300 = 300文字以内で入力してください。
err-too-long-500 = 500文字以内で入力してください。

## 氏名

err-name-invalid-char = 氏名に使用できない文字（制御文字など）が含まれています。
err-name-halfwidth-kana = 半角カタカナは使えません。全角で入力してください。

## フリガナ

err-kana-hiragana = フリガナは全角カタカナで入力してください（ひらがなは使えません）。
err-kana-halfwidth = フリガナは全角カタカナで入力してください（半角カタカナは使えません）。
err-kana-invalid = フリガナは全角カタカナで入力してください。

## メールアドレス

err-email-invalid = メールアドレスの形式が正しくありません。

## パスワード

err-password-too-short = パスワードは10文字以上にしてください。
err-password-too-long = パスワードは128文字以内にしてください。
err-password-invalid-char = パスワードに使用できない文字が含まれています。

## 権限

err-role-invalid = 権限の指定が正しくありません。
role-trainee = 受講者
role-instructor = 講師
role-staff = 事務局
role-admin = 管理者
