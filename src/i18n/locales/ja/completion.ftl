# 修了判定（src/domain/completion.rs）の表示文言。
# キーを増やしたら en/completion.ftl にも同じキーを追加すること。

## 出欠の記号（受講者科目別出席簿）

mark-present = 出席
mark-late = 遅刻
mark-left-early = 早退
mark-absent = 欠席
mark-excused = 公欠

## 修了評価

assessment-passed = 合格
assessment-failed = 不合格
assessment-not-taken = 未受験
assessment-not-required = 対象外

## 中断の理由

interruption-too-many-missed = 未履修の科目が{ $missed }科目あり、補講で補える上限（{ $cap }科目）を超えています。
interruption-deadline-passed = 修了期限（{ $deadline }）を過ぎても未修了の科目があります。
