# 事務局（staff）画面の文言（日本語）。en/pages_staff.ftl と同じキーを保つこと。
# ほかのファイル（main.ftl, catalog.ftl, domain.ftl, application.ftl）と重複するキーは定義しない。

## 共通

staff-all = すべて
staff-choose = 選択してください
staff-none = なし
staff-yes = はい
staff-no = いいえ
staff-total = 合計
staff-filter-label = 絞り込み
staff-filter-submit = 絞り込む
staff-hours = { $hours }時間
staff-hours-minutes = { $hours }時間{ $minutes }分
staff-date-range = { $from } 〜 { $until }
staff-time-range = { $from }〜{ $until }
staff-seats = { $taken } / { $capacity }
staff-back-to-courses = 講座一覧へ戻る
staff-back-to-course = 講座の管理へ戻る
staff-back-to-schedule = 日程へ戻る
staff-back-to-enrollments = 申込者一覧へ戻る
staff-course-facts = （{ $code }、{ $dates }）
staff-course-code = （{ $code }）
staff-col-actions = 操作
staff-hint-japan-time = 日本時間で入力してください。
staff-err-filter-invalid = 絞り込みの条件が正しくありません。
staff-err-time-invalid = 時刻を「09:30」の形で入力してください。

## 講座一覧

staff-courses-title = 講座の管理
staff-courses-empty = 該当する講座はありません。
staff-course-new = 新しい講座を作成
staff-col-course = 講座名
staff-col-dates = 日程
staff-col-seats = 申込数 / 定員
staff-col-waitlisted = キャンセル待ち
staff-col-pending = 承認待ち
staff-field-course-status = 状態
staff-field-kind = 講座の種類
staff-field-keyword = キーワード
staff-hint-keyword = 講座名・講座コード・説明・会場名から探します。

## 会場

staff-sites-title = 会場（事業所）
staff-sites-empty = 会場はまだ登録されていません。
staff-site-new = 会場を登録する
staff-site-create = 登録する
staff-field-site-name = 会場名
staff-field-prefecture = 都道府県
staff-field-address = 所在地
staff-flash-site-created = 会場を登録しました。

## 講座の作成・設定

staff-course-new-title = 講座を作成
staff-course-new-kind = 作成する講座の種類を選んでください。
staff-course-create = 下書きとして作成する
staff-flash-course-created = 講座を下書きとして作成しました。日程と料金を設定してから公開してください。
staff-group-basics = 基本情報
staff-group-dates = 日程と申込受付
staff-group-rules = 申込の扱い
staff-group-notes = 受講者への案内
staff-field-code = 講座コード
staff-hint-code = 半角英数字・ハイフン・下線で40文字以内（例：SHONIN-2027-04）。
staff-field-title = 講座名
staff-field-description = 講座の説明
staff-field-site = 会場
staff-hint-site = 一覧にない会場は、先に「会場（事業所）」で登録してください。
staff-field-capacity = 定員
staff-field-curriculum = カリキュラム
staff-hint-curriculum = 科目と必要時間をこのカリキュラムから写します。作成後に講座ごとに調整できます。
staff-field-designation-number = 指定番号
staff-hint-designation-number = 都道府県から指定を受けた番号（修了証明書に印字されます）。
staff-field-starts-on = 開始日
staff-field-ends-on = 終了日
staff-field-opens-at = 申込受付の開始
staff-hint-opens-at = 日本時間。空欄の場合は公開したときから受け付けます。
staff-field-closes-at = 申込受付の締切
staff-hint-closes-at = 日本時間。空欄の場合は開始日の前日いっぱいで締め切ります。
staff-field-requires-approval = 事務局の承認（本人確認）を経て受講を確定する
staff-hint-requires-approval = ヘルパー講座では、本人確認書類を確認してから承認します。
staff-field-waitlist = 満席のときはキャンセル待ちを受け付ける
staff-field-offer-hold-hours = 空席案内の保留時間（時間）
staff-hint-offer-hold-hours = キャンセル待ちの方に空席を案内してから、確定を待つ時間です（1〜336）。
staff-field-deadline-days = 本人がキャンセルできる期限（開始の何日前まで）
staff-hint-deadline-days = 0〜90日。期限後のキャンセルは事務局が受け付けます。
staff-field-attendance-percent = 修了に必要な出席率（％）
staff-hint-attendance-percent = 例：80（全回の8割以上の出席で修了）。
staff-field-what-to-bring = 持ち物
staff-field-cancellation-policy = キャンセル規定

## 講座の管理ページ

staff-enrollments-link = 申込者一覧
staff-schedule-link = 日程と科目
staff-public-page-link = 公開ページを見る
staff-lifecycle-title = 講座の状態
staff-lifecycle-lead = 現在の状態：{ $status }
staff-lifecycle-none = この講座の状態はこれ以上変更できません。
staff-action-publish = 公開して申込受付を始める
staff-action-close = 申込受付を締め切る
staff-action-reopen = 申込受付を再開する
staff-action-finish = 終了にする
staff-action-cancel-course = 講座を中止する…
staff-flash-status-changed = 講座の状態を変更しました。
staff-capacity-title = 定員
staff-capacity-lead = 定員を増やすと、キャンセル待ちの方へ順に空席をご案内します。減らしても、すでに申し込んだ方は取り消されません。
staff-settings-title = 講座の設定
staff-fees-title = 料金
staff-fees-lead = 受講料の区分ごとに、受講料・テキスト代などの金額（税込・円）を入力します。
staff-fees-hint = 空の行は無視されます。行を消すには区分・項目・金額をすべて空にして保存してください。
staff-field-price-category = 受講料の区分
staff-field-fee-component = 項目
staff-field-amount = 金額（円）
staff-err-fee-category = 受講料の区分を選んでください。
staff-err-fee-component = 項目を選んでください。
staff-questions-title = 申込時の質問
staff-questions-empty = この講座独自の質問はありません。
staff-question-add = 質問を追加
staff-question-add-submit = 質問を追加する
staff-col-position = 順番
staff-field-question-label = 質問
staff-field-question-kind = 回答の形式
staff-field-question-choices = 選択肢
staff-hint-question-choices = 「選択」の場合のみ、1行に1つずつ入力してください。
staff-field-question-required = 回答を必須にする
staff-flash-question-added = 質問を追加しました。

## 講座の中止

staff-cancel-course-title = 講座の中止
staff-cancel-course-warning = この講座を中止すると、申込中の{ $count }人全員の申込がキャンセルされ、それぞれにお知らせのメールが送られます。この操作は取り消せません。
staff-field-cancel-course-reason = 中止の理由
staff-hint-cancel-course-reason = お知らせのメールにそのまま記載されます（例：講師の急病のため）。
staff-cancel-course-submit = 講座を中止する
staff-cancel-course-back = 中止せずに戻る
staff-flash-course-cancelled = 講座を中止し、申込者全員にお知らせを送りました。

## 日程と科目

staff-schedule-title = 日程と科目
staff-sessions-title = 日程（コマ）
staff-sessions-empty = 日程はまだありません。
staff-col-date = 日付
staff-col-time = 時間
staff-col-state = 状態
staff-session-cancelled = 休講
staff-session-makeup = 補講（対象：{ $of }）
staff-action-edit = 編集
staff-action-cancel-session = 休講にする
staff-session-add = 日程を追加
staff-session-add-submit = 日程を追加する
staff-session-edit-title = 日程の編集
staff-field-session-starts = 開始日時
staff-field-session-ends = 終了日時
staff-field-subject = 科目
staff-field-session-title = 内容・題目
staff-field-room = 教室
staff-field-instructor = 講師
staff-field-makeup-for = 補講の対象
staff-hint-makeup-for = 補講の場合だけ、補う元の回を選んでください（同じ科目の回に限ります）。
staff-flash-session-added = 日程を追加しました。
staff-flash-session-cancelled = 休講にしました。
staff-generate-title = 曜日と時間から日程を作成
staff-generate-lead = 指定した曜日・時間帯に、科目を番号順に割り当てて日程を作ります。既存の日程はそのまま残り、新しい日程が追加されます。作成後に1コマずつ編集できます。
staff-field-weekdays = 曜日
staff-weekday-mon = 月曜日
staff-weekday-tue = 火曜日
staff-weekday-wed = 水曜日
staff-weekday-thu = 木曜日
staff-weekday-fri = 金曜日
staff-weekday-sat = 土曜日
staff-weekday-sun = 日曜日
staff-field-start-time = 開始時刻
staff-field-end-time = 終了時刻
staff-hint-time = 日本時間、24時間制（例：09:30）。
staff-field-from = 期間の初日
staff-field-until = 期間の最終日
staff-field-skip = 休みにする日（祝日など）
staff-hint-skip = 「2027-04-29」の形で、1行に1日ずつ（またはスペース区切りで）入力してください。
staff-generate-submit = 日程を作成する
staff-flash-generated = { $count }コマの日程を作成しました。
staff-subjects-title = 科目と時間数
staff-subjects-empty = 科目はまだありません。
staff-col-required = 必要時間
staff-col-scheduled = 予定時間
staff-col-shortfall = 不足
staff-shortfall = 不足 { $time }
staff-shortfall-zero = 不足なし
staff-shortfall-summary = 必要時間に足りない科目が{ $count }件あります。
staff-shortfall-see = 科目ごとの時間数を見る
staff-shortfall-none = すべての科目で必要時間が予定されています。
staff-action-adjust = 調整
staff-subject-form-title = 科目の追加・調整
staff-subject-form-lead = 既存の番号を入力するとその科目を変更し、新しい番号なら科目を追加します（例：都道府県独自の科目）。
staff-field-subject-no = 科目番号
staff-field-subject-name = 科目名
staff-field-required-minutes = 必要時間（分）
staff-hint-minutes = 分で入力してください（例：6時間は360）。
staff-field-correspondence-minutes = 通信で学べる時間（分）
staff-hint-correspondence-minutes = 空欄は0（通信なし）です。

## 申込者

staff-enrollments-title = 申込者一覧
staff-enrollments-empty = 該当する申込はありません。
staff-field-search-name = 氏名・フリガナで検索
staff-hint-search-name = 姓だけ、フリガナの一部（ひらがなでも可）でも探せます。
staff-field-enrollment-status = 申込の状態
staff-gojuon-order = 50音順
staff-waitlist-order = 受付順
staff-waitlist-position = { $position }番目
staff-col-applied-at = 申込日時
staff-action-approve = 承認
staff-action-approve-submit = 本人確認を記録して承認する
staff-field-identity-document = 本人確認書類
staff-field-checked-on = 確認日
staff-action-reject = 却下
staff-field-reject-reason = 却下の理由
staff-hint-reject-reason = 申込者へのメールに記載されます。
staff-action-reject-submit = 却下する
staff-action-cancel-enrollment = キャンセル
staff-field-cancel-reason = キャンセルの理由（任意）
staff-action-cancel-enrollment-submit = 申込をキャンセルする
staff-action-transfer = 振替
staff-field-transfer-to = 振替先の講座
staff-action-transfer-submit = この講座に振り替える
staff-err-transfer-target = 振替先の講座を選んでください。
staff-flash-approved = 承認しました。
staff-flash-rejected = 却下しました。
staff-flash-enrollment-cancelled = 申込をキャンセルしました。
staff-flash-transferred = 振り替えました。
staff-identity-drivers-license = 運転免許証
staff-identity-residence-certificate = 住民票
staff-identity-residence-card = 在留カード
staff-identity-passport = パスポート
staff-identity-health-insurance-card = 健康保険証
staff-identity-my-number-card-front = マイナンバーカード（表面のみ）
staff-identity-other-public-document = その他の公的書類

## 電話・FAXでの申込

staff-manual-title = 電話・FAXで受けた申込の入力
staff-manual-lead = 登録済みのアカウントをメールアドレスで探して申し込みます。申込受付の期間外でも入力できます。
staff-hint-manual-email = 申込者がサイトに登録したメールアドレス。
staff-hint-manual-names = 空欄の場合はアカウントに登録された氏名を使います。
staff-hint-postal-code = 例：123-4567
staff-hint-phone = 半角数字とハイフン（例：03-1234-5678）。
staff-hint-member-number = 受講料の区分が「組合員」の場合に入力します。
staff-hint-special-care = 健康状態など配慮が必要な事項（要配慮個人情報）。本人の同意がある場合だけ記入します。
staff-field-special-care-consent = 上記の取り扱いについて本人の同意を得た
staff-field-consent = 申込者が個人情報の利用目的に同意していることを確認した
staff-manual-submit = 申込を登録する
staff-err-account-not-found = このメールアドレスのアカウントは見つかりません。先に申込者のアカウント登録が必要です。
staff-flash-enrolled = 申込を登録しました（{ $status }）。
staff-price-general = 一般
staff-price-member = 組合員
staff-price-partner-staff = 法人職員
staff-price-student = 学生
staff-price-high-school = 高校生
staff-price-free = 無料（求職者支援訓練など）
staff-support-kyoiku-kunren = 教育訓練給付金
staff-support-kyushokusha = 求職者支援訓練
staff-support-municipal = 自治体の助成
staff-access-wheelchair = 車椅子
staff-access-sign-language = 手話通訳
staff-access-captioning = 要約筆記
staff-access-childcare = 託児
staff-answer-yes = はい
staff-answer-no = いいえ
staff-question-kind-text = 記述
staff-question-kind-choice = 選択
staff-question-kind-yes_no = はい/いいえ
staff-fee-tuition = 受講料
staff-fee-textbook = テキスト代
staff-fee-insurance = 保険料
staff-fee-makeup = 補講料
staff-fee-retake = 再試験料
staff-fee-reissue = 再交付手数料

## 申込の詳細

staff-application-title = 申込内容
staff-application-empty = 追加の申込項目はありません。
staff-answers-title = 講座独自の質問への回答
staff-form-birth-date = 生年月日
staff-form-postal-code = 郵便番号
staff-form-prefecture = 都道府県
staff-form-address = 住所
staff-form-phone = 電話番号
staff-form-member-number = 組合員番号
staff-form-support-scheme = 利用する公的支援
staff-form-qualifications = 保有資格・経験
staff-form-accessibility = 希望する配慮
staff-form-companions = 同伴者の人数
staff-form-special-care-notes = 配慮が必要な事項
staff-field-status-reason = 理由
staff-field-transferred-from = 振替元
staff-earlier-enrollment = 振替元の申込を見る
staff-identity-title = 本人確認
staff-identity-record = { $document }（{ $date }確認、確認者：{ $by }）
staff-identity-none = 未確認
staff-actions-none = この申込に対してできる操作はありません。
staff-special-care-title = 配慮が必要な事項（要配慮個人情報）
staff-special-care-lead = 事務局だけが見られます。必要な担当者以外に伝えないでください。
staff-special-care-none = 記入はありません。
staff-history-title = 履歴
staff-col-when = 日時
staff-col-who = 操作した人
staff-col-change = 状態の変化
staff-col-note = メモ
staff-change = { $from } → { $to }
staff-history-system = システム（自動処理）
staff-note-identity = 本人確認：{ $document }（{ $date }）
staff-note-entered-by-staff = 事務局が入力
staff-note-course-cancelled = 講座の中止による
staff-note-offer-accepted = 空席のご案内を受けて確定
staff-note-offer-expired = 空席のご案内の期限切れ
staff-note-transferred-to = 講座（ID { $id }）へ振替
staff-note-transferred-from = 申込（ID { $id }）から振替
