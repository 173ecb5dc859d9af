# Notifications: mail footer, session mails, announcements, mail preferences,
# calendar feeds, staff broadcasts and the delivery page.

## Every mail ends with this (added when it is sent).
mail-footer =
    ――――――――――――――――――――
    送信元：{ $office }
    お問い合わせ：{ $contact }
    このメールは送信専用のアドレスから送っています。返信にはお答えできませんので、上記までご連絡ください。
mail-footer-contact-web = { $url } の「お問い合わせ」から、または受講中の会場の事務局へ

mail-session-changed-subject = 【講座受付】日程変更のお知らせ：{ $course }
mail-session-changed-body =
    { $name } 様

    「{ $course }」の次の回の日時または会場が変わりました。

    回：{ $session }
    新しい日時：{ $when }
    会場：{ $place }
    変更前：{ $was }

    ご都合が合わなくなった場合は事務局へご連絡ください。

    ワーカーズコープ 講座受付事務局
mail-session-cancelled-subject = 【講座受付】休講のお知らせ：{ $course }
mail-session-cancelled-body =
    { $name } 様

    まことに申し訳ありませんが、「{ $course }」の次の回は休講となりました。

    回：{ $session }
    日時：{ $when }
    会場：{ $place }

    振替や補講については、決まりしだいご案内します。

    ワーカーズコープ 講座受付事務局
mail-session-reminder-subject = 【講座受付】明日の講座のご案内：{ $course }
mail-session-reminder-body =
    { $name } 様

    明日は「{ $course }」の受講日です。

    回：{ $session }
    日時：{ $when }
    会場：{ $place }
    持ち物：{ $bring }

    日程はマイページでもご確認いただけます：{ $link }
    このご案内が不要な場合は、{ $settings } で止められます。

    ワーカーズコープ 講座受付事務局
mail-certificate-ready-subject = 【講座受付】修了証明書を発行しました：{ $course }
mail-certificate-ready-body =
    { $name } 様

    「{ $course }」の修了おめでとうございます。修了証明書（番号 { $number }）を発行しました。
    次のリンクから表示・印刷できます。

    { $link }

    ワーカーズコープ 講座受付事務局
mail-announcement-subject = 【講座受付】{ $subject }（{ $course }）
mail-announcement-body =
    { $name } 様

    「{ $course }」について、事務局からのお知らせです。

    { $message }

    ワーカーズコープ 講座受付事務局

## The calendar feed.
feed-calendar-name = { $name } さんの講座予定

## Mail preferences and the calendar feed on the account.
notif-title = メールとカレンダー
notif-lead = 講座からのメールの受け取り方と、カレンダーアプリで予定を見るためのアドレスを設定します。
notif-back = アカウントに戻る
notif-optional-title = 受け取るお知らせ
notif-optional-lead = 次のメールは止めることができます。
notif-reminders = 受講日の前日のご案内（リマインダー）
notif-announcements = 事務局からのお知らせ（講座ごとの連絡）
notif-transactional = お申し込み・承認・キャンセル・日程変更や休講・修了証明書・パスワード再設定などのメールは、手続きに必要なため止められません。
notif-feed-title = カレンダーのアドレス
notif-feed-lead = このアドレスを Google カレンダー、iPhone、Outlook などに「URLで追加」すると、受講する回（講師の方は担当する回）が自動で表示され、変更や休講も反映されます。
notif-feed-private = このアドレスを知っている人は誰でも予定を見られます。他の人に教えないでください。
notif-feed-none = まだカレンダーのアドレスはありません。
notif-feed-active = { $created } に作ったアドレスが有効です。
notif-feed-last-used = 最後に読み込まれた日時：{ $at }
notif-feed-hidden = 安全のため、アドレスは作ったときに一度だけ表示しています。わからなくなった場合は新しく作ってください（古いアドレスは使えなくなります）。
notif-feed-create = カレンダーのアドレスを作る
notif-feed-regenerate = 新しいアドレスを作る（古いアドレスは使えなくなります）
notif-feed-revoke = アドレスを無効にする
notif-feed-created = 新しいカレンダーのアドレスを作りました。この画面を閉じると二度と表示されないので、今カレンダーアプリに登録してください。
notif-feed-url = カレンダーのアドレス
flash-notifications-saved = メールの設定を保存しました。
flash-feed-revoked = カレンダーのアドレスを無効にしました。
flash-feed-none = 無効にするアドレスはありませんでした。

## Staff: a message to a course.
broadcast-title = お知らせを送る：{ $course }
broadcast-lead = この講座の受講者にメールでお知らせを送ります。送る前に内容と宛先の人数を確認できます。
broadcast-back = 講座に戻る
broadcast-audience = 宛先
broadcast-audience-all = 申込者全員（キャンセル待ち・修了者を含む）
broadcast-audience-waitlisted = キャンセル待ちの方
broadcast-audience-checked-in = 受付（チェックイン）済みの方
broadcast-audience-unpaid = 受講料が未払いの方（お支払い待ち）
broadcast-subject = 件名
broadcast-body = 本文
broadcast-body-hint = 宛名・講座名・事務局名は自動で入ります。
broadcast-preview-action = 内容を確認する
broadcast-preview-title = 送信前の確認
broadcast-preview-count = { $count } 名にメールを送ります。
broadcast-preview-opted-out = お知らせメールを止めている { $count } 名には送りません。
broadcast-preview-sample = 最初の宛先の方に届くメール
broadcast-send = この内容で送信する
broadcast-edit = 内容を直す
broadcast-sample-name = 山田 花子
flash-broadcast-sent = { $count } 名へのお知らせを送信待ちにしました。
err-broadcast-audience = 宛先を選んでください。
err-broadcast-subject = 件名を入力してください（120文字以内）。
err-broadcast-body = 本文を入力してください（5000文字以内）。
err-broadcast-stale = 確認画面からもう一度送信してください。
err-broadcast-already-sent = このお知らせはすでに送信しています。

## Staff: mail delivery.
delivery-title = メールの配信状況
delivery-lead = 送信待ちのメールは自動で送信されます。失敗したメールは時間をおいて再送し、何度も失敗したものは「送信失敗」になります。
delivery-smtp-on = メールサーバーへの送信：有効
delivery-smtp-off = メールサーバーが設定されていないため、メールは送信されません。内容は送信待ちメールの一覧で確認できます。
delivery-counts = 送信待ち { $pending } 件・送信済み { $sent } 件・送信失敗 { $failed } 件
delivery-outbox-link = 送信待ちメールの一覧
delivery-troubled = 送信に問題のあるメール
delivery-none = 問題のあるメールはありません。
delivery-col-to = 宛先
delivery-col-subject = 件名
delivery-col-status = 状態
delivery-col-attempts = 試行回数
delivery-col-next = 次の再送
delivery-col-error = エラー
delivery-retry = もう一度送る
flash-delivery-retried = メールを送信待ちに戻しました。
