# 出欠・チェックインの文言（日本語）。en/attendance.ftl と同じキーを保つこと。

err-check-in-code-unknown = このコードは見つかりません。受付票のQRコードをもう一度読み取ってください。
err-check-in-not-enrolled = この方の申込は受講確定になっていません。
err-check-in-other-course = このQRコードは別の講座のものです。
err-correction-reason = 終了後の出欠の訂正には理由が必要です。
err-credit-kind-invalid = 種類は「通信」または「他事業者での補講」を選んでください。
err-external-makeup-needs-provider = 他事業者での補講には、事業者名と受講修了確認書の日付が必要です。
err-mark-invalid = 出欠は「出席」「遅刻」「早退」「欠席」「公欠」から選んでください。
err-minutes-out-of-range = 時間（分）は0からその回の長さまでで入力してください。
err-not-on-roster = この回の名簿にいない受講者が含まれています。
err-score-invalid = 点数は0〜100で入力してください。
err-self-check-in-off = この講座では自分での出席登録は使えません。講師にお知らせください。
err-session-cancelled = この回は中止になっています。
err-session-code-invalid = 出席コードが違うか、有効期限が切れています。講師の画面の最新のコードを入力してください。
err-session-code-outside-window = 出席コードは、その回の開始15分前から終了までの間だけ表示できます。
err-status-invalid = 状態の指定が正しくありません。
err-makeup-needs-subject = 補講にする回には科目が必要です。
mail-makeup-offered-subject = 【講座受付】補講のご案内：{ $course }
mail-makeup-offered-body =
    { $name } 様

    未受講の科目を補うための補講をご用意しました。
    日時：{ $when }
    場所：{ $room }
    ご都合が合わない場合は事務局へご連絡ください。

    ワーカーズコープ 講座受付事務局
err-roster-duplicate = 同じ受講者が名簿に二度含まれています。
