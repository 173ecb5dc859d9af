# 講座の日程（src/domain/schedule.rs）と申込フォーム（src/domain/application.rs）が返すメッセージ。
# キーを増やしたら en/application.ftl にも同じキーを追加すること。
# err-required は domain.ftl に、err-date-invalid は catalog.ftl にあるため、ここでは定義しない（重複すると読み込みに失敗する）。

## 日程

err-schedule-no-weekday = 講義を行う曜日を1つ以上選んでください。
err-schedule-end-before-start = 終了時刻は開始時刻より後の時刻にしてください。
err-schedule-until-before-from = 終了日は開始日と同じ日か、それより後の日付にしてください。
err-schedule-too-many = 講義日が400日を超えています。開始日と終了日をご確認ください。

## 生年月日

err-birth-date-future = 生年月日に今日より後の日付は指定できません。
err-birth-date-implausible = 生年月日に誤りがないかご確認ください（15歳未満または120歳を超える日付になっています）。

## 住所

err-postal-fullwidth = 郵便番号は半角の数字とハイフン（-）で入力してください（例: 123-4567）。
err-postal-invalid = 郵便番号は7桁の半角数字で、「123-4567」または「1234567」の形で入力してください。
err-prefecture-invalid = 都道府県を一覧から選んでください。
err-address-too-long = 住所は200文字以内で入力してください。
err-address-invalid-char = 住所に使用できない文字（改行や制御文字など）が含まれています。1行で入力してください。

## 電話番号

err-phone-fullwidth = 電話番号は半角の数字とハイフン（-）で入力してください（例: 03-1234-5678）。
err-phone-invalid = 電話番号は0から始まる10桁または11桁の半角数字で入力してください（ハイフンはあってもなくてもかまいません）。

## 受講料の区分・公的支援

err-price-category-invalid = 受講料の区分を一覧から選んでください。
err-member-number-required = 組合員の方は組合員番号を入力してください。
err-member-number-invalid = 組合員番号は半角英数字4～12文字で入力してください。
err-support-scheme-invalid = ご利用になる公的支援制度を一覧から選んでください。

## 自由記述

err-free-text-too-long = 1000文字以内で入力してください。
err-free-text-invalid-char = 使用できない文字（制御文字）が含まれています。

## 配慮・同伴者

err-accessibility-invalid = ご希望の配慮は一覧の中から選んでください。
err-companions-invalid = 同伴される方の人数は0～4の半角数字で入力してください。

## 同意

err-special-care-consent = 健康状態など配慮が必要な事項をご記入いただいた場合は、その取り扱いへの同意が必要です。同意されない場合は記入欄を空にしてください。
err-consent-required = 個人情報の利用目的をご確認のうえ、「同意する」にチェックを入れてください。

## 講座ごとの質問

err-choice-invalid = 選択肢の中から選んでください。
err-yes-no-invalid = 「はい」または「いいえ」を選んでください。
