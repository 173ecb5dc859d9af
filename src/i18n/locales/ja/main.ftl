# 画面・メール・エラーの文言（日本語）。キーを増やしたら en/main.ftl にも追加すること。

app-name = 講座受付
nav-label = メインメニュー
nav-skip = 本文へ移動
nav-courses = 講座一覧
nav-my = マイページ
nav-staff = 事務局
nav-login = ログイン
nav-logout = ログアウト
nav-signup = 新規登録
nav-account = アカウント
nav-users = 利用者管理
nav-outbox = 送信メール
footer-language = 表示言語
pager-label = ページ送り
pager-prev = 前へ
pager-next = 次へ
pager-position = { $page } / { $pages } ページ
list-total = 全{ $count }件
action-save = 保存する
form-has-errors = 入力内容を確認してください

home-title = 講座・研修のお申し込み
home-lead = ヘルパー講座、コミュニティ講座、シンポジウムのお申し込みと受講記録をひとつの場所で。
home-helper = 介護職員初任者研修などの資格講座。全科目の出席と修了評価で修了証明書を交付します。
home-community = 地域のみなさんのための短い講座です。
home-symposium = 協同労働と地域づくりを語り合う催しです。
home-welcome = { $name } さん、こんにちは。
kind-helper = ヘルパー講座
kind-community = コミュニティ講座
kind-symposium = シンポジウム

field-email = メールアドレス
field-password = パスワード
field-name = 氏名
field-family-name = 姓
field-given-name = 名
field-family-name-kana = セイ（フリガナ）
field-given-name-kana = メイ（フリガナ）
field-role = 役割
field-locale = 言語
field-current-password = 現在のパスワード
field-new-password = 新しいパスワード
field-new-password-confirm = 新しいパスワード（確認）
hint-kana = 全角カタカナで入力してください（例：ヤマダ）。
hint-password = 10文字以上。ほかのサービスと同じものは避けてください。

login-title = ログイン
login-submit = ログインする
login-forgot = パスワードを忘れた方
login-no-account = アカウントをお持ちでない方は新規登録
signup-title = 新規登録
signup-submit = 登録する
forgot-title = パスワードの再設定
forgot-lead = 登録したメールアドレスを入力してください。再設定用のリンクをお送りします。
forgot-submit = 再設定メールを送る
reset-title = 新しいパスワードの設定
reset-submit = パスワードを設定する
setup-title = 最初の管理者の登録
setup-lead = このページは一度だけ使えます。登録した管理者で、職員や講師のアカウントを管理できます。
setup-submit = 管理者を登録する

account-title = アカウント
account-locale = 表示言語
account-password = パスワードの変更
account-change-password = パスワードを変更する
account-sessions = ログイン中の端末
account-sessions-lead = ほかの端末（スマートフォンや共用パソコンなど）のログインもすべて終了します。
account-logout-everywhere = すべての端末からログアウト

users-title = 利用者と役割
outbox-title = 送信メール
outbox-lead = メールサーバーが未設定の間、送るはずのメールはここに保管されます。
outbox-to = 宛先
outbox-status = 状態
outbox-created = 作成日時
outbox-empty = メールはありません。
mail-status-pending = 送信待ち
mail-status-sent = 送信済み
mail-status-failed = 送信失敗

flash-logged-in = ログインしました。
flash-logged-out = ログアウトしました。
flash-logged-out-everywhere = すべての端末からログアウトしました。
flash-signed-up = 登録が完了しました。ようこそ。
flash-reset-sent = 登録済みのアドレスであれば、再設定用のメールをお送りしました。
flash-password-reset = パスワードを設定しました。新しいパスワードでログインしてください。
flash-password-changed = パスワードを変更しました。ほかの端末はログアウトされました。
flash-saved = 保存しました。
flash-admin-created = 管理者を登録しました。

err-login-failed = メールアドレスまたはパスワードが正しくありません。
err-email-taken = このメールアドレスはすでに登録されています。ログインするか、パスワードの再設定をご利用ください。
err-current-password = 現在のパスワードが正しくありません。
err-password-mismatch = 確認用のパスワードが一致しません。
err-reset-link-expired = このリンクは使用済みか、有効期限が切れています。もう一度お手続きください。
err-last-admin = 最後の管理者の役割は変更できません。先に別の管理者を登録してください。
err-idempotency-running = 同じ要求を処理中です。しばらくしてから結果を確認してください。
err-locale-invalid = 選べる言語は日本語と英語です。

status-400 = リクエストが正しくありません
status-401 = ログインが必要です
status-403 = この操作は許可されていません
status-404 = ページが見つかりません
status-409 = 現在の状態では実行できません
status-413 = データが大きすぎます
status-422 = 入力内容に誤りがあります
status-429 = 試行回数が多すぎます
status-500 = システムエラー
status-503 = 混み合っています
problem-bad-request = 送信された内容を読み取れませんでした。
problem-unauthorized = このページを見るにはログインしてください。
problem-forbidden = この操作を行う権限がありません。
problem-csrf = フォームの有効期限が切れたか、不正な送信です。ページを読み込み直して、もう一度お試しください。
problem-not-found = お探しのページは見つかりませんでした。
problem-too-large = 送信されたデータが大きすぎます。
problem-unprocessable = 送信された内容の形式が正しくありません。
problem-validation = 入力内容に誤りがあります。各項目をご確認ください。
problem-rate-limited = 試行回数が多すぎます。しばらく時間をおいてからお試しください。
problem-internal = 申し訳ありません。エラーが発生しました。時間をおいてお試しください。
problem-busy = ただいま混み合っています。数秒おいてからもう一度お試しください。
error-back-home = トップページへ戻る
error-request-id = 問い合わせ番号

mail-reset-subject = 【講座受付】パスワード再設定のご案内
mail-reset-body =
    { $name } 様

    パスワード再設定のお申し込みを受け付けました。
    次のリンクから { $minutes } 分以内に新しいパスワードを設定してください。

    { $link }

    お心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。

    ワーカーズコープ 講座受付事務局
nav-instructor = 担当の授業
nav-payments = 入金管理
nav-mail-delivery = メール配信
nav-certificate-settings = 修了証の設定
account-notifications-link = メールの受信設定とカレンダー
nav-dashboard = ダッシュボード
mail-account-created-subject = 【講座受付】アカウントを作成しました
mail-account-created-body =
    { $name } 様

    講座受付のアカウントを作成しました。ログインには、このメールアドレスと登録したパスワードをお使いください。
    マイページで、お申し込みの状況や日程、修了証明書を確認できます。

    このメールに心当たりがない場合は、お手数ですが事務局までご連絡ください。
