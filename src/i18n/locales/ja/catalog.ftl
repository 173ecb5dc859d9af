# 講座・申込・キャンセル待ちの文言（日本語）。en/catalog.ftl と同じキーを保つこと。

status-pending-approval = 承認待ち
status-pending-payment = お支払い待ち
status-confirmed = 受講確定
status-waitlisted = キャンセル待ち
status-offered = 空席のご案内中
status-cancelled = キャンセル済み
status-rejected = お受けできませんでした
status-completed = 修了
status-interrupted = 中断

course-status-draft = 下書き
course-status-published = 受付中
course-status-closed = 受付終了
course-status-finished = 終了
course-status-cancelled = 中止

err-course-kind-invalid = 講座の種類は「ヘルパー講座」「コミュニティ講座」「シンポジウム」から選んでください。
err-course-kind-fixed = 講座の種類は作成後に変更できません。
err-course-code-invalid = 講座コードは半角英数字・ハイフン・下線で40文字以内にしてください。
err-course-code-taken = この講座コードはすでに使われています。
err-text-too-long = 文字数が多すぎるか、使えない文字が含まれています。
err-capacity-invalid = 定員は1〜100000の数で入力してください。
err-ends-before-starts = 終了日は開始日以降にしてください。
err-window-invalid = 受付終了は受付開始より後にしてください。
err-offer-hold-invalid = 空席案内の保留時間は1〜336時間にしてください。
err-deadline-days-invalid = キャンセル期限は開始の0〜90日前で指定してください。
err-percent-invalid = 割合は1〜100で入力してください。
err-date-invalid = 日付を「2027-01-10」の形で入力してください。
err-datetime-invalid = 日時を「2027-01-10T09:30」の形で入力してください。
err-site-unknown = 会場が見つかりません。
err-curriculum-unknown = カリキュラムが見つかりません。
err-course-transition = 現在の講座の状態からは、その操作はできません。
err-course-no-subjects = 科目が登録されていないヘルパー講座は公開できません。
err-subject-no-invalid = 科目番号は1〜99にしてください。
err-minutes-invalid = 時間（分）は1〜12000で入力してください。
err-correspondence-invalid = 通信で学べる時間は0以上、必要時間以下にしてください。
err-amount-invalid = 金額は0〜10,000,000円の整数で入力してください。
err-question-kind-invalid = 質問の種類は「記述」「選択」「はい/いいえ」から選んでください。
err-choices-invalid = 選択肢を2つ以上入力してください。

err-enrollment-closed = この講座の申込受付は終了しています。
err-enrollment-not-open = この講座の申込受付はまだ始まっていません。
err-already-enrolled = この講座にはすでにお申し込みいただいています。マイページでご確認ください。
err-course-full = 定員に達したため、お申し込みいただけません。
err-enrollment-not-active = この申込はすでに取り消されているか、完了しています。
err-cancel-deadline-passed = キャンセル期限を過ぎています。事務局へご連絡ください。
err-enrollment-changed = 申込の状態がほかの操作で変わりました。画面を読み込み直してください。
err-offer-not-open = 空席のご案内は期限切れか、すでに終了しています。
err-not-pending-approval = この申込は承認待ちではありません。
err-identity-document-invalid = 本人確認書類の種類を選んでください。
err-checked-on-future = 確認日に未来の日付は指定できません。
err-reason-required = 理由を入力してください（1000文字以内）。
err-transfer-same-course = 同じ講座には振り替えできません。

mail-received-subject = 【講座受付】お申し込みを受け付けました：{ $course }
mail-received-body =
    { $name } 様

    「{ $course }」へのお申し込みを受け付けました。
    事務局で内容と本人確認を行ったうえで、結果をお知らせします。

    ワーカーズコープ 講座受付事務局
mail-confirmed-subject = 【講座受付】受講が確定しました：{ $course }
mail-confirmed-body =
    { $name } 様

    「{ $course }」の受講が確定しました。日程はマイページでご確認ください。

    ワーカーズコープ 講座受付事務局
mail-waitlisted-subject = 【講座受付】キャンセル待ちで受け付けました：{ $course }
mail-waitlisted-body =
    { $name } 様

    「{ $course }」は定員に達しているため、キャンセル待ち（{ $position }番目）で受け付けました。
    空席が出ましたら、メールでご案内します。

    ワーカーズコープ 講座受付事務局
mail-offer-subject = 【講座受付】空席のご案内：{ $course }
mail-offer-body =
    { $name } 様

    「{ $course }」に空席が出ました。{ $deadline } までにマイページからお申し込みを確定してください。
    期限を過ぎると、次の方にご案内します。

    ワーカーズコープ 講座受付事務局
mail-offer-expired-subject = 【講座受付】空席のご案内の期限が過ぎました：{ $course }
mail-offer-expired-body =
    { $name } 様

    「{ $course }」の空席のご案内は、期限までに確定がなかったため終了しました。

    ワーカーズコープ 講座受付事務局
mail-approved-subject = 【講座受付】お申し込みを承認しました：{ $course }
mail-approved-body =
    { $name } 様

    「{ $course }」へのお申し込みを承認しました。受講が確定しています。

    ワーカーズコープ 講座受付事務局
mail-rejected-subject = 【講座受付】お申し込みについて：{ $course }
mail-rejected-body =
    { $name } 様

    申し訳ありませんが、「{ $course }」へのお申し込みはお受けできませんでした。
    理由：{ $reason }

    ワーカーズコープ 講座受付事務局
mail-cancelled-subject = 【講座受付】キャンセルを受け付けました：{ $course }
mail-cancelled-body =
    { $name } 様

    「{ $course }」のお申し込みをキャンセルしました。

    ワーカーズコープ 講座受付事務局
mail-course-cancelled-subject = 【講座受付】講座中止のお知らせ：{ $course }
mail-course-cancelled-body =
    { $name } 様

    まことに申し訳ありませんが、「{ $course }」は中止となりました。
    { $reason }
    お支払い済みの受講料は全額返金いたします。

    ワーカーズコープ 講座受付事務局
mail-transferred-subject = 【講座受付】受講日程を変更しました：{ $course }
mail-transferred-body =
    { $name } 様

    ご希望により、受講日程を「{ $course }」に変更しました。日程はマイページでご確認ください。

    ワーカーズコープ 講座受付事務局
err-session-ends-before-starts = 終了時刻は開始時刻より後にしてください。
err-session-too-long = 1回の時間は24時間以内にしてください。
err-subject-unknown = この講座の科目から選んでください。
err-instructor-unknown = 講師として登録されている人を選んでください。
err-makeup-mismatch = 補講の対象は、同じ科目の回を選んでください。
err-price-category-not-offered = この講座では、選んだ料金区分での申込を受け付けていません。
mail-payment-requested-subject = 【講座受付】お支払いのお願い：{ $course }
mail-payment-requested-body =
    { $name } 様

    「{ $course }」の席を確保しました。受講料 { $amount } 円を { $deadline } までにお支払いください。
    期限までにお支払いが確認できない場合、席はキャンセル待ちの方にご案内します。

    お支払い方法：マイページの「お支払い」からクレジットカードで、または銀行振込で。
    振込先：{ $bank }
    お振込みの際は、受講者ご本人のお名前（カタカナ）でお願いします。

    ワーカーズコープ 講座受付事務局
mail-payment-expired-subject = 【講座受付】お支払い期限が過ぎました：{ $course }
mail-payment-expired-body =
    { $name } 様

    「{ $course }」のお支払いが期限までに確認できなかったため、お申し込みを取り消しました。
    お心当たりがない場合は事務局へご連絡ください。

    ワーカーズコープ 講座受付事務局
