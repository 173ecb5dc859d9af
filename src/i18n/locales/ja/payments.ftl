# 受講料・お支払い（payments）
pay-title = お支払い
pay-due = ご請求額
pay-paid = お支払い済み
pay-refunded = ご返金済み
pay-balance = 残高
pay-deadline = お支払い期限
pay-by-card = クレジットカードで支払う
pay-bank-title = 銀行振込
pay-bank-ask-office = 振込先は事務局にお問い合わせください。
pay-bank-name-hint = お振込みの際は、受講者ご本人のお名前（カタカナ）でお願いします。
pay-cash-hint = 事務局窓口で現金でもお支払いいただけます。
pay-refund-if-cancelled = 今キャンセルした場合の返金額
pay-ledger = お支払いの記録
pay-col-date = 日付
pay-col-kind = 種別
pay-col-method = お支払い方法
pay-col-amount = 金額
pay-col-note = 備考
pay-col-name = 振込依頼人
pay-col-state = 状態
pay-col-enrollment = 申込番号
pay-col-course = 講座コード
pay-col-kana = フリガナ
pay-col-status = 申込状態
pay-col-due = 請求額
pay-col-paid = 入金額
pay-col-refunded = 返金額
pay-col-balance = 残高
pay-receipts = 領収書
pay-receipt-no = No.
pay-reissued = 再発行
pay-reissue-of = 原本
pay-thanks = お支払いありがとうございます
pay-confirmed = お支払いを確認し、お席が確定しました。
pay-processing = お支払いを確認しています。確定しましたらメールでお知らせします。
pay-not-paid = お支払いは完了していません
pay-not-paid-hint = 期限までにもう一度お支払いいただくか、銀行振込をご利用ください。
pay-back = お支払いのページへ戻る
pay-receipt-title = 領収書
pay-issued-on = 発行日
pay-honorific = 様
pay-tax-included = （税込）
pay-receipt-for = 但し
pay-breakdown = 内訳
pay-receipt-received = 上記の金額を正に領収いたしました。
pay-registration-number = 登録番号
pay-print = 印刷する
pay-desk-title = 入金・返金
pay-report-csv = 入金状況のCSV（全講座）
pay-reviews = 確認が必要なもの
pay-none = ありません。
pay-bank-import = 銀行明細の取り込み
pay-bank-csv = 銀行のCSV（日付・振込依頼人名・金額）
pay-bank-import-button = 取り込む
pay-bank-imported = 取り込んだ行数:
pay-confirm = 入金として確定
pay-recorded = 入金を記録しました。
pay-state-unpaid = 未入金
pay-state-partial = 一部入金
pay-state-paid = 入金済み
pay-state-overpaid = 過入金
pay-state-refunded = 返金済み
pay-state-none = 請求なし
pay-kind-charge = 請求
pay-kind-payment = 入金
pay-kind-refund = 返金
pay-kind-adjustment = 調整
pay-method-card = クレジットカード
pay-method-bank-transfer = 銀行振込
pay-method-cash = 現金
pay-method-waived = 免除
pay-review-cancelled-after-payment = キャンセル後の返金
pay-review-paid-after-cancel = キャンセル後の入金
pay-review-amount-mismatch = 金額の不一致
pay-review-course-cancelled = 講座中止による返金
pay-review-unknown-session = 不明な決済
pay-review-overpaid = 過入金
pay-review-refund-failed = 返金の失敗
pay-bank-proposed = 候補あり
pay-bank-ambiguous = 候補が複数
pay-bank-unmatched = 該当なし
pay-bank-confirmed = 確定済み
pay-bank-ignored = 対象外
pay-component-tuition = 受講料
pay-component-textbook = テキスト代
pay-component-insurance = 保険料
pay-component-makeup = 補講料
pay-component-retake = 再試験料
pay-component-reissue = 再交付手数料
pay-component-payment = 受講料等
err-payer-name-required = 支払者名を入力してください（200文字以内）。
err-payment-method-invalid = お支払い方法を選んでください。
err-refund-exceeds-paid = 返金額が入金額を超えています。
err-card-unavailable = クレジットカード払いは現在ご利用いただけません。
err-no-card-payment = カードでのお支払いがないため、カードへの返金はできません。
err-refund-provider = 決済会社での返金に失敗しました。時間をおいて再度お試しください。
err-card-provider = 決済ページを用意できませんでした。時間をおいて再度お試しください。
err-not-awaiting-payment = このお申し込みはお支払い待ちではありません。
err-bank-csv-empty = 取り込める振込の行がありません。
err-bank-line-done = この明細は処理済みです。
err-bank-line-no-match = 入金先の申込を指定してください。
err-refund-policy-invalid = キャンセル規定の形式が正しくありません。
err-note-too-long = 備考は1000文字以内で入力してください。

# 組合員番号の確認、領収書PDF、お支払いのメール
err-member-number-missing = この申込みは組合員価格ではないか、組合員番号がありません。
pay-member-number = 組合員番号
pay-member-verified-at = 確認済み
pay-member-verify = 組合員番号を確認済みにする
flash-member-number-verified = 組合員番号を確認済みにしました。
pay-receipt-pdf = 領収書（PDF）
mail-payment-received-subject = 【講座受付】お支払いを確認しました：{ $course }
mail-payment-received-body =
    { $name } 様

    「{ $course }」のお支払い { $amount } 円（{ $method }）を確認しました。ありがとうございます。
    領収書（No. { $receipt }）はマイページの「お支払い」からダウンロードできます。

    ワーカーズコープ 講座受付事務局
mail-payment-reminder-subject = 【講座受付】お支払い期限は明日です：{ $course }
mail-payment-reminder-body =
    { $name } 様

    「{ $course }」のお支払い期限は { $deadline } です。
    まだお支払いが確認できていません（残額 { $amount } 円）。
    期限までにお支払いが確認できない場合、席はキャンセル待ちの方にご案内します。

    振込先：{ $bank }
    すでにお支払いの場合は、行き違いですのでご容赦ください。

    ワーカーズコープ 講座受付事務局
mail-refund-made-subject = 【講座受付】ご返金のお知らせ：{ $course }
mail-refund-made-body =
    { $name } 様

    「{ $course }」について、{ $amount } 円を返金しました（{ $method }）。
    クレジットカードへの返金は、カード会社の処理により明細に反映されるまで日数がかかることがあります。

    ワーカーズコープ 講座受付事務局
pay-staff-title = 事務局の操作
pay-record-offline = 振込・現金の入金を記録する
pay-record-offline-button = 入金を記録する
pay-record-refund = 返金する
pay-refund-method = 返金の方法
pay-refund-date = 返金した日（振込・現金）
pay-record-refund-button = 返金を記録する
pay-refund-recorded = 返金を記録しました。
pay-review-course-cancelled-top-up = 講座中止：自己キャンセル分を全額返金に（差額の提案）
pay-top-up-approve = 全額返金を承認する
pay-top-up-approved = 全額返金を承認しました。差額を返金します。
pay-review-dismiss = 返金しない（閉じる）
pay-review-dismissed = 確認事項を閉じました。
err-review-closed = この確認事項はすでに処理されています。
pay-support-fee = 受講料等の総額
pay-support-waived = 求職者支援訓練による受講料免除
pay-support-subsidy = うち自治体負担
pay-support-trainee = ご本人のお支払い額
pay-support-reimbursed-later = 全額をお支払いいただき、教育訓練給付金は後日ご本人に支給されます。領収書はご本人名義で全額分を発行します
