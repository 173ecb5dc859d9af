# Completion texts (English), from src/domain/completion.rs. Keep the keys in step with ja/completion.ftl.

## Attendance marks (attendance sheet by subject)

mark-present = Present
mark-late = Late
mark-left-early = Left early
mark-absent = Absent
mark-excused = Excused absence

## Completion assessment

assessment-passed = Passed
assessment-failed = Failed
assessment-not-taken = Not taken
assessment-not-required = Not required

## Reasons for interruption

interruption-too-many-missed = Subjects still incomplete: { $missed }. Make-up sessions may cover at most { $cap }.
interruption-deadline-passed = The completion deadline ({ $deadline }) has passed with subjects still incomplete.
