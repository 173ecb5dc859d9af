# 出欠ページ（講師の点呼、受講状況、出席簿、受付）の文言（日本語）。
# en/pages_attendance.ftl と同じキーを保つこと。

## 共通

att-time-range = { $from }〜{ $to }
att-duration-hours = { $hours }時間
att-duration-hours-minutes = { $hours }時間{ $minutes }分
att-minutes = { $minutes }分
att-subject-label = { $no }. { $name }
att-subject-heading = { $no } { $name }（{ $hours }）
att-makeup-topic = 補講：{ $topic }
att-makeup-badge = 補講
att-session-number = 第{ $n }回
att-list-separator = 、
att-none = なし
att-cancelled = 中止
att-not-recorded = 未記録
att-topic = 内容
att-room = 会場
att-course = 講座
att-course-code = 講座コード
att-instructor = 講師
att-site = 事業所
att-period = 期間
att-designation-number = 指定番号
att-mark-with-minutes = { $mark }（{ $minutes }分）
att-late-by = { $minutes }分遅刻

## 今日の担当

att-today-title = 担当する回
att-today-badge = 今日
att-bad-date = 日付が読み取れなかったため、今日の予定を表示しています。
att-day-nav = 日付の移動
att-prev-day = ← 前の日
att-next-day = 次の日 →
att-back-to-today = 今日に戻る
att-field-date = 日付
att-show-day = 表示する
att-sessions-of-day = この日の回（{ $count }件）
att-no-sessions = この日に担当する回はありません。
att-take-roll = 出欠をとる

## 出欠簿（点呼）

att-roster-title = 出欠をとる
att-back-to-today-list = ← 担当する回の一覧へ
att-history-link = 変更履歴を見る
att-code-link = 出席コードを表示する（自分で出席登録）
att-roster-counts = 受講者 { $total }名（記録済み { $marked }・未記録 { $unmarked }）
att-roster-empty = この回の名簿に受講者はいません。
att-row-details = 時間・メモ（出席 { $minutes }分）
att-field-minutes = 出席時間（分）
att-field-late-minutes = 遅刻（分）
att-field-note = メモ
att-taught-by = 講師出講（この回を担当した講師）
att-taught-by-hint = 実際に授業をした講師すべてに印をつけてください。
att-field-reason = 訂正の理由
att-reason-hint = 終了後{ $hours }時間を過ぎてから出欠を変更するときは、理由が必要です。
att-reason-hint-after = この回は終了しています。記録済みの出欠を変更するときは、理由を入力してください。
att-save = 保存する
att-all-present = 未記録を全員出席にして保存
flash-attendance-saved = 保存しました（新規 { $created }・変更 { $changed }・変更なし { $unchanged }）

## 出席コード

att-code-title = 出席コード
att-back-to-roster = ← 出欠簿へ戻る
att-code-label = 出席コード
att-code-instructions = 受講者は「マイページ」の「出席登録」でこの6桁のコードを入力してください。
att-code-valid-for = このコードはあと{ $seconds }秒有効です。画面は自動で更新されます。

## 変更履歴

att-history-title = 出欠の変更履歴
att-history-empty = まだ記録はありません。
att-col-when = 日時
att-col-trainee = 受講者
att-col-change = 変更内容
att-col-reason = 理由
att-col-who = 記録者
att-change = { $before } → { $after }

## 受講状況（受講者）

att-progress-title = 受講状況
att-back-to-my = ← マイページへ
att-state-complete = 修了要件を満たしています
att-state-incomplete = まだ修了要件を満たしていません
att-interrupted = 中断のおそれがあります
att-missing-subjects-count = 時間の足りない科目が{ $count }科目あります。
att-all-hours-done = すべての科目の時間を満たしています。
att-assessment = 修了評価：{ $state }
att-subjects-caption = 科目ごとの受講時間
att-col-subject = 科目
att-col-required = 必要時間
att-col-attended = 受講済み
att-col-missing = 不足
att-other-credit = 通信・他事業者 { $minutes }分
att-minutes-left = あと{ $minutes }分
att-next-makeup = 次の補講：{ $when }
att-no-makeup-yet = 補講の予定はまだありません。事務局からご案内します。
att-subject-done = 完了
att-community-standing = 出席 { $attended }回（実施済み { $held }回）。修了には { $threshold }% 以上の出席が必要です。
att-symposium-checked-in = 受付済み（{ $at }）
att-symposium-not-checked-in = まだ受付していません。
att-door-title = 受付用QRコード
att-door-lead = 当日、受付でこのQRコードを提示してください。読み取れないときは下のコードをお伝えください。
att-door-qr-alt = 受付用QRコード（コード { $code }）
att-door-code-label = 受付コード

## 受講者の記録（事務局）

att-record-title = 出席記録
att-record-heading = 出席記録：{ $name }
att-back-to-enrollment = ← 申込の詳細へ
att-back-to-matrix = ← 講座の出席簿へ
att-record-sessions = すべての回
att-no-sessions-course = この講座にはまだ回がありません。
att-col-date = 日時
att-col-mark = 出欠
att-col-minutes = 時間
att-col-recorded-by = 記録者

## 出席簿（事務局）

att-matrix-title = 出席簿
att-back-to-course = ← 講座へ戻る
att-download-csv = 受講者科目別出席簿（CSV）をダウンロード
att-print-link = 印刷用の表示
att-door-link = 受付（チェックイン）
att-checked-in-count = 受付済み { $checked }名／申込 { $enrolled }名
att-at-risk-title = 注意が必要な受講者
att-at-risk-none = 現在、注意が必要な受講者はいません。
att-needs-makeup = 補講が必要：{ $subjects }
att-threshold = 修了には { $threshold }% 以上の出席が必要です。
att-sheet-title = 受講者別の出席状況
att-sheet-empty = 受講者はいません。
att-sheet-caption-helper = 受講者 × 科目（受講済み／必要時間、分）
att-sheet-caption-sessions = 受講者 × 回
att-col-missing-subjects = 不足科目
att-col-attendance = 出席
att-col-checked-in = 受付
att-not-checked-in = 未受付
att-cell-minutes = { $attended }／{ $required }分
att-cell-short = 不足 { $minutes }分
att-cell-missed = 欠席
att-sessions-attended = { $attended }／{ $held }回
att-print-title = 受講者科目別出席簿
att-print-hint = ブラウザの印刷機能で印刷してください。
att-printed-at = 出力日時

## CSV（都道府県への報告用。常に日本語）

att-csv-number = 受講者番号
att-csv-name = 氏名
att-csv-kana = フリガナ
att-csv-missing = 不足科目
att-csv-attended = 出席回数

## 受付（事務局）

att-door-page-title = 受付（チェックイン）
att-door-session-now = 実施中の回：{ $time }（受付すると出席も記録されます）
att-door-no-session = 現在実施中の回はありません（受付のみ記録します）。
att-door-by-code = QRコード・受付コードで受付
att-field-door-code = 受付コード
att-door-code-hint = QRコードを読み取るか、受付票のコードを入力してください。
att-door-check-in = 受付する
att-door-scan = カメラで読み取る
att-door-scan-stop = 読み取りをやめる
att-door-camera = QRコード読み取り用のカメラ映像
att-door-camera-error = カメラを使えませんでした。コードを入力するか、名前で検索してください。
att-door-by-name = 名前・フリガナで探す
att-field-search = 名前またはフリガナ
att-search-hint = 一部だけでも探せます（例：ヤマダ）。
att-search = 探す
att-search-none = 該当する申込者はいません。
att-people-caption = 申込者（50音順、{ $count }名）
att-checked-in-at = { $time } 受付済み
flash-checked-in = { $name } さんを受付しました（{ $time }）。
flash-checked-in-already = { $name } さんは { $time } に受付済みです。
err-check-in-code-required = 受付コードを入力してください。

## 自分で出席登録（受講者）

att-self-title = 出席登録
att-self-lead = 講師の画面に表示された6桁の出席コードを入力してください。
att-self-none-today = 今日、自分で出席登録できる回はありません。
att-field-session = 回
att-field-session-code = 出席コード（6桁）
att-session-code-hint = コードは30秒ごとに変わります。最新のコードを入力してください。
att-self-submit = 出席を登録する
flash-self-checked-in = 出席を登録しました。
flash-self-check-in-already = 出席はすでに記録されています。
err-check-in-choose-session = 回を選んでください。
err-self-check-in-not-yours = この回は、あなたが申し込んでいる講座の回ではありません。

## 当日参加・補講・修了評価（事務局）

att-walk-in-title = 当日参加の受付
att-walk-in-lead = 申込のない方をその場で登録し、受付まで済ませます。定員に達しているときは登録できません。
att-walk-in-family-name = 氏
att-walk-in-given-name = 名
att-walk-in-family-name-kana = フリガナ（氏）
att-walk-in-given-name-kana = フリガナ（名）
att-walk-in-kana-hint = 全角カタカナで入力してください。
att-walk-in-email = メールアドレス
att-walk-in-email-hint = 任意。登録済みの方はこのアドレスのアカウントで申し込みます。
att-walk-in-phone = 電話番号
att-walk-in-phone-hint = 任意。半角数字とハイフンで入力してください（例：090-1234-5678）。
att-walk-in-price = 受講料の区分
att-walk-in-member-number = 組合員番号
att-walk-in-member-hint = 受講料の区分が「組合員」のときだけ入力してください。
att-walk-in-consent = 個人情報の利用目的を説明し、ご本人の同意を得ました
att-walk-in-submit = 登録して受付する
flash-walk-in-registered = { $name } さんを当日参加で登録し、受付しました。
flash-walk-in-repeated = { $name } さんはこのフォームで登録済みです（二重登録はしていません）。
err-walk-in-check-fields = 入力内容を確認してください。登録はまだ行っていません。
err-walk-in-token = フォームの有効期限が切れました。ページを開き直して、もう一度入力してください。
err-walk-in-running = 同じ登録を処理中です。少し待ってからページを開き直してください。
err-walk-in-helper = ヘルパー講座では当日参加を受け付けられません。申込と本人確認を先に行ってください。
err-walk-in-course-closed = この講座は公開されていないため、当日参加を登録できません。
err-walk-in-already-enrolled = この方はすでにこの講座に申し込んでいます。名前で探して受付してください。
err-walk-in-full = 定員に達しているため、当日参加を登録できません。登録は行っていません。

att-makeup-link = 補講の案内
att-makeup-title = 補講の案内
att-makeup-subject = 科目
att-makeup-choose-subject = 科目を選んでください
att-makeup-show = 不足している受講者を表示
att-makeup-short-title = 「{ $subject }」が不足している受講者
att-makeup-short-none = この科目が不足している受講者はいません。
att-makeup-sessions-title = 補講に使える回
att-makeup-sessions-none = この科目の補講に使える今後の回がありません。先に補講の回（この講座、または同じカリキュラムの別の講座で空席のある回）を作成してください。
att-makeup-choose-session = 補講に使う回
att-makeup-free-seats = 空席 { $count }
att-makeup-offer-hint = 不足している受講者全員をこの回に予約し、メールでお知らせします。
att-makeup-offer = 補講を案内する
flash-makeup-offered = { $count }名に補講を案内しました。
flash-makeup-offered-none = 新たに案内する受講者はいませんでした（全員案内済みか、不足がありません）。
err-makeup-helper-only = 補講の案内はヘルパー講座の科目ごとに行います。
err-makeup-session-unfit = この回はこの科目の補講に使えません（科目が違う、終了済み、または空席がありません）。
err-makeup-choose-session = 補講に使う回を選んでください。
err-makeup-not-enough-seats = この回の空席が、不足している受講者の人数より少ないため案内できません。別の回を選ぶか、補講の回を追加してください。

att-assessments-title = 修了評価
att-assessments-none = 修了評価の記録はまだありません。
att-col-attempt = 回数
att-col-taken-on = 実施日
att-col-score = 点数
att-col-result = 結果
att-attempt = { $attempt }回目
att-score-of = { $score }点（合格 { $pass }点以上）
att-assessment-passed = 合格
att-assessment-failed = 不合格
att-assessment-form-title = 修了評価の結果を記録する（再評価も新しい回として記録します）
att-field-score = 点数
att-score-hint = 0〜100の整数で入力してください。
att-field-pass-mark = 合格点
att-pass-mark-hint = 空欄のときは講座の合格点（{ $mark }点）を使います。
att-field-taken-on = 実施日
att-assessment-submit = 結果を記録する
att-credits-title = 他事業者での補講・通信
att-credits-none = 記録はありません。
att-field-credit-kind = 種類
att-field-provider = 事業者名
att-provider-hint = 他事業者での補講のときは必須です。
att-field-confirmed-on = 受講修了確認書の日付
att-field-credit-minutes = 時間（分）
att-credit-form-title = 他事業者での補講・通信の時間を記録する
att-credit-submit = 記録する
att-credit-kind-external-makeup = 他事業者での補講
att-credit-kind-correspondence = 通信
flash-outside-credit-recorded = 記録しました。科目の不足時間に反映されています。
flash-assessment-recorded = 修了評価の結果を記録しました。
err-pass-mark-invalid = 合格点は0〜100で入力してください。
err-assessment-date-required = 実施日を入力してください。
err-assessment-helper-only = 修了評価はヘルパー講座でのみ記録します。
