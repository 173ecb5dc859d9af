# 講座一覧・講座のページ・申込フォーム・マイページの文言（日本語）。
# キーを増やしたら en/pages_public.ftl にも同じキーを追加すること。
# ほかのファイル（main, catalog, domain, application）にあるキーはここで定義しない。

## 一覧の絞り込みが返すエラー（src/routes/api/catalog.rs の course_filter と paging）

err-month-invalid = 開始月は「2027-01」の形で入力してください。
err-page-invalid = ページ番号は1以上の半角数字で指定してください。
err-per-page-invalid = 1ページの件数は1〜100で指定してください。

## 日付・時刻

pub-date-range = { $from }～{ $to }
pub-date-weekday = { $date }（{ $weekday }）
pub-time-range = { $from }～{ $to }
pub-weekday-mon = 月
pub-weekday-tue = 火
pub-weekday-wed = 水
pub-weekday-thu = 木
pub-weekday-fri = 金
pub-weekday-sat = 土
pub-weekday-sun = 日
pub-times-jst = 時刻はすべて日本時間です。
pub-title-error-prefix = 【入力エラー】
pub-error-item = { $label }：{ $message }

## 受付の状況

pub-seats-left = 残り{ $count }席
pub-waitlist-open = キャンセル待ち受付中
pub-full = 満席
pub-not-yet = 受付開始前
pub-not-yet-from = 受付開始：{ $at }
pub-closed = 受付終了

## 講座一覧

pub-catalog-title = 講座一覧
pub-catalog-lead = 受付中と受付終了の講座を、開始日の早い順に表示しています。
pub-filter-title = 講座を絞り込む
pub-filter-kind = 講座の種類
pub-filter-any-kind = すべての種類
pub-filter-prefecture = 都道府県
pub-filter-any-prefecture = すべての都道府県
pub-filter-month = 開始月
pub-filter-month-hint = 例：2027-01
pub-filter-q = キーワード
pub-filter-q-hint = 講座名・講座コード・説明・会場名から探します。
pub-filter-has-seats = 空席のある講座だけ表示する
pub-filter-submit = この条件で探す
pub-filter-clear = 条件をクリア
pub-catalog-results = 検索結果
pub-catalog-empty = 条件に合う講座はありません。条件を変えてお試しください。
pub-card-dates = 期間
pub-card-place = 会場
pub-card-availability = 受付状況
pub-site-with-prefecture = { $site }（{ $prefecture }）

## 講座のページ

pub-course-facts = 講座の概要
pub-course-code = 講座コード
pub-course-designation = 指定番号
pub-course-dates = 期間
pub-course-place = 会場
pub-course-capacity = 定員
pub-course-capacity-value = { $count }名
pub-course-status = 受付状況
pub-course-draft-note = この講座は公開されていません（事務局の方にだけ表示しています）。
pub-course-about = 講座の内容
pub-course-schedule = 日程
pub-course-schedule-empty = 日程は決まりしだいお知らせします。
pub-col-date = 日付
pub-col-time = 時間
pub-col-subject = 内容
pub-col-room = 教室
pub-session-cancelled = 休講
pub-session-makeup = 補講
pub-course-ics = 日程をカレンダーに追加（.ics）
pub-course-fees = 受講料・費用
pub-course-fees-empty = 費用はまだ掲載していません。事務局へお問い合わせください。
pub-col-category = 区分
pub-col-component = 費目
pub-col-amount = 金額（税込）
pub-fee-total = 合計
pub-course-bring = 持ち物
pub-course-policy = キャンセルについて
pub-course-deadline = ご自身でキャンセルできるのは { $date } までです。それ以降は事務局へご連絡ください。
pub-course-apply-title = お申し込み
pub-course-apply = 申し込む
pub-course-apply-waitlist = キャンセル待ちに申し込む
pub-course-login-to-apply = ログインして申し込む
pub-course-waitlist-note = 定員に達しています。キャンセル待ちでお申し込みいただけます。空席が出たらメールでご案内します。
pub-course-approval-note = お申し込みの後、事務局で内容と本人確認を行い、承認をもって受講が確定します。
pub-course-enrolled = この講座にはお申し込み済みです（{ $status }）。
pub-course-to-my = マイページで確認する
pub-waitlist-position = キャンセル待ち { $position }番目

## 区分・費目・公的支援・配慮

pub-price-general = 一般
pub-price-member = 組合員
pub-price-partner-staff = 法人職員
pub-price-student = 学生
pub-price-high-school = 高校生
pub-price-free = 求職者支援訓練（受講料免除）
pub-fee-tuition = 受講料
pub-fee-textbook = テキスト代
pub-fee-insurance = 保険料
pub-fee-makeup = 補講料
pub-fee-retake = 再試験料
pub-fee-reissue = 再交付手数料
pub-support-kyoiku-kunren = 教育訓練給付金
pub-support-kyushokusha = 求職者支援訓練
pub-support-municipal = 自治体の助成
pub-support-none = 利用しない
pub-access-wheelchair = 車椅子
pub-access-sign-language = 手話通訳
pub-access-captioning = 要約筆記
pub-access-childcare = 託児
pub-yes = はい
pub-no = いいえ

## 申込フォーム

pub-apply-title = 申込フォーム
pub-apply-course = お申し込みの講座
pub-apply-required = * の項目は必須です。
pub-apply-closed-title = 現在お申し込みいただけません
pub-apply-back = 講座のページへ戻る
pub-apply-conflict-title = お申し込みを受け付けられませんでした
pub-apply-waitlist-note = 定員に達しているため、キャンセル待ちでのお申し込みになります。
pub-apply-section-person = お申込者
pub-apply-section-contact = ご連絡先
pub-apply-section-support = 公的支援・資格
pub-apply-section-access = 当日の配慮・同伴者
pub-apply-section-questions = この講座からの質問
pub-apply-section-consent = 個人情報の取り扱い
pub-apply-section-care = 配慮が必要な事項（任意）
pub-field-birth-date = 生年月日
pub-field-postal-code = 郵便番号
pub-field-prefecture = 都道府県
pub-field-address = 住所（市区町村・番地・建物名）
pub-field-phone = 電話番号
pub-field-price-category = 受講料の区分
pub-field-member-number = 組合員番号
pub-field-support-scheme = 利用する公的支援制度
pub-field-qualifications = お持ちの資格・介護の経験
pub-field-accessibility = 必要な配慮
pub-field-companions = 同伴される方の人数
pub-field-special-care-notes = 配慮が必要な事項
pub-hint-birth-date = 例：1970-04-01
pub-hint-postal-code = 半角数字で入力してください（例：123-4567）。
pub-hint-phone = 半角数字で入力してください（例：03-1234-5678）。
pub-hint-member-number = 組合員の方は必ず入力してください。半角英数字4～12文字です。
pub-hint-qualifications = 科目の免除に関係します。お持ちの資格（取得年）や介護の経験があればご記入ください。
pub-hint-accessibility = 必要なものをすべて選んでください。
pub-hint-companions = ご本人のほかに来場される方の人数です（0～4名）。
pub-choose = 選んでください
pub-consent-purpose = ご記入いただいた個人情報は、講座の受付、受講に関するご連絡、出欠と修了の管理、修了証明書の発行、および法令や講座の指定条件にもとづく都道府県への報告のために利用します。法令にもとづく場合を除き、ご本人の同意なく第三者に提供することはありません。
pub-field-consent = 上記の利用目的に同意します
pub-care-lead = 健康状態や障害など、受講にあたって配慮が必要なことがあればご記入ください。これは「要配慮個人情報」にあたるため、ほかの項目とは分けて保管し、事務局の担当者だけが閲覧します。講師やほかの受講者には表示されません。
pub-field-special-care-consent = 記入した配慮事項を、受講のための配慮に限って事務局が取り扱うことに同意します
pub-hint-special-care-consent = 配慮事項を記入した場合にだけ必要です。
pub-apply-submit = この内容で申し込む
pub-apply-submit-waitlist = キャンセル待ちで申し込む
pub-flash-confirmed = お申し込みを受け付けました。受講が確定しています。
pub-flash-pending-approval = お申し込みを受け付けました。事務局で内容と本人確認を行ったうえで、結果をお知らせします。
pub-flash-waitlisted = 定員に達しているため、キャンセル待ち（{ $position }番目）で受け付けました。空席が出たらメールでご案内します。
pub-flash-received = お申し込みを受け付けました。

## マイページ

pub-my-title = マイページ
pub-my-current = お申し込み中の講座
pub-my-past = これまでのお申し込み
pub-my-empty = お申し込み中の講座はありません。
pub-my-browse = 講座を探す
pub-my-status = 状態
pub-my-dates = 期間
pub-my-applied-on = 申込日時
pub-my-next-session = 次回
pub-my-no-next = 予定されている回はありません
pub-my-offer = 空席が出ました。{ $deadline } までに参加を確定してください。期限を過ぎると次の方にご案内します。
pub-my-accept = 参加を確定する
pub-my-cancel = キャンセルする
pub-my-cancel-until = { $date } までキャンセルできます。
pub-my-ics = 日程をカレンダーに追加（.ics）
pub-flash-accepted = 空席のご案内をお受けしました（{ $status }）。
pub-flash-cancelled = お申し込みをキャンセルしました。

## キャンセルの確認

pub-cancel-title = キャンセルの確認
pub-cancel-what = 「{ $course }」へのお申し込みをキャンセルします。
pub-cancel-irreversible = キャンセルは取り消せません。もう一度受講するには、改めてお申し込みが必要です（満席の場合はキャンセル待ちになります）。
pub-cancel-seat = お席は、キャンセル待ちの方がいれば次の方にご案内します。
pub-cancel-waitlist = キャンセル待ちの順番もなくなります。
pub-cancel-policy = 受講料の返金などは、この講座の次のキャンセル規定によります。
pub-cancel-confirm = キャンセルを確定する
pub-cancel-keep = キャンセルしないで戻る
pub-my-pay-now = お支払い手続きへ
pub-my-payments = お支払いと領収書
pub-my-progress = 出席状況
pub-my-certificates = 修了証明書
pub-my-self-check-in = 出席コードを入力する
pub-hint-support-scheme = 求職者支援訓練：受講料は¥0になります（テキスト代などはお支払いください）。教育訓練給付金：いったん全額をお支払いいただき、給付金は後日ご本人に支給されます（領収書はご本人名義で全額分）。自治体の助成：講座の助成額は自治体が負担し、残りをお支払いいただきます。お支払い額はお申し込み後のお支払いページでご確認いただけます。
