# 修了証明書: 発行・再交付・失効・照合・名簿

cert-status-valid = 有効
cert-status-revoked = 失効
cert-status-reissued = 再交付済（旧証明書）
cert-field-number = 証明書番号
cert-field-course = 課程・講座
cert-field-completed-on = 修了年月日
cert-field-holder = 修了者
cert-field-status = 状態
cert-field-issued-on = 交付日
cert-field-code = 照合コード
cert-field-reason = 理由
cert-reissue-mark = 再交付
cert-card = 携帯用
cert-missing-subjects = 不足している科目: { $subjects }

cert-verify-title = 修了証明書の照合
cert-verify-replaced-by = この証明書は再交付されています。現在の証明書番号は { $number } です。
cert-verify-see-current = 現在の証明書を照合する
cert-verify-revoked-note = この証明書は失効しており、修了の証明として使うことはできません。
cert-verify-privacy = このページには、照合に必要な最小限の情報だけを表示しています。

cert-my-title = 修了証明書
cert-my-empty = 発行された修了証明書はまだありません。
cert-back-to-my = マイページへ戻る
cert-download-a4 = 修了証明書（A4 PDF）
cert-download-card = 携帯用（カード PDF）

cert-staff-title = 修了証明書の発行
cert-staff-empty = 対象となる受講者はいません。
cert-awaiting = 修了要件を満たし、まだ発行していない受講者が { $count } 人います。
cert-issue-all = 対象者全員に発行する
cert-issue = 発行する
cert-eligible = 修了要件を満たしています
cert-not-eligible = 修了要件を満たしていません
cert-col-completion = 修了要件
cert-col-certificate = 証明書
cert-col-assessment = 修了評価
cert-reissue = 再交付
cert-reissue-submit = 再交付する
cert-name-change = 氏名変更による再交付の場合のみ：新しい氏名
cert-revoke = 失効させる
cert-revoke-submit = 失効させる
cert-flash-issued = 修了証明書 { $number } を発行しました。
cert-flash-bulk = { $issued } 件発行しました（失敗 { $failed } 件）。
cert-flash-reissued = 再交付の証明書 { $number } を発行しました。
cert-flash-revoked = 修了証明書 { $number } を失効させました。
cert-flash-rotated = 署名鍵を更新しました（{ $kid }）。
cert-back-to-certificates = 修了証明書の発行へ戻る

cert-completers-title = 修了者名簿
cert-completers-empty = 修了証明書を発行した受講者はまだいません。
cert-assessments-title = 修了評価一覧表

cert-settings-title = 修了証明書の設定
cert-field-provider-name = 事業者名
cert-field-provider-address = 所在地
cert-field-provider-representative = 代表者
cert-hint-representative = 例: 代表理事 山田 太郎
cert-field-date-style = 日付の表記
cert-date-wareki = 和暦（令和8年4月1日）
cert-date-seireki = 西暦（2026年4月1日）
cert-field-show-furigana = フリガナを印字する
cert-field-show-hours = コミュニティ講座の受講時間を印字する
cert-field-statement-helper = 修了の文言（ヘルパー講座）
cert-field-statement-community = 修了の文言（コミュニティ講座）
cert-field-statement-symposium = 文言（シンポジウム）
cert-hint-statement = { "{course}" } の位置に課程名が入ります。
cert-save = 保存する
cert-series-title = 証明書番号の付け方
cert-hint-pattern = { "{seq:04}" } は4桁の連番、{ "{fy}" } は年度（4月始まり、例: 2026）、{ "{fy_wareki}" } は和暦の年度（例: R8）。{ "{fy}" } を含む番号は年度ごとに1から始まります。
cert-keys-title = 署名鍵
cert-keys-lead = QRコードの署名は次の公開鍵で確認できます。鍵を更新しても、古い鍵は公開したままにします。
cert-key-active = 使用中
cert-key-retired = 使用終了
cert-rotate = 署名鍵を更新する

err-cert-not-complete = 修了要件を満たしていないため、修了証明書を発行できません。
err-cert-enrollment-state = この申込の状態では修了証明書を発行できません。
err-cert-exists = この受講者にはすでに有効な修了証明書があります。
err-cert-not-current = この証明書は再交付済みか失効しているため、操作できません。
err-cert-no-series = この講座に使う証明書番号の系列がありません。
err-cert-pattern-invalid = 番号の形式が正しくありません。{ "{seq}" } をちょうど1つ含めてください。
err-cert-date-style = 日付の表記を選んでください。
err-cert-layout = 様式は a4 か card を指定してください。
