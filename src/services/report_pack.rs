//! Everything the prefecture report pack of a ヘルパー講座 is made of,
//! read from the records in one go: the attendance sheet and completers list
//! other services already compute, plus 補講, 講師出講 and 本人確認.
//! `reports::pack` arranges it into files.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::course::{jst_date, CourseKind};
use crate::domain::wareki::DateStyle;
use crate::entities::{
    attendance, certificate_settings, course, course_subject, enrollment, makeup_booking,
    outside_credit, session, session_instructor, user,
};
use crate::error::Error;
use crate::reports::attendance_sheet::{self, HelperSheet};
use crate::services::certificates::{
    self, reports, reports::AssessmentLine, reports::CompleterLine,
};
use crate::services::{attendance_views, catalog, schedule};

/// A 補講 a trainee took: in one of our sessions (this cohort's or
/// another's), or at another provider with its 受講修了確認書.
// A pack holds a handful of these; boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MakeupPlace {
    Ours {
        session: session::Model,
        course_title: String,
        /// The session it makes up for, when recorded.
        original: Option<session::Model>,
        mark: Option<attendance::Model>,
    },
    Elsewhere {
        provider: String,
        confirmed_on: Option<NaiveDate>,
        minutes: i32,
    },
}

#[derive(Debug, Clone)]
pub struct MakeupRecord {
    pub enrollment: enrollment::Model,
    pub subject_no: Option<i32>,
    pub place: MakeupPlace,
}

/// One instructor at one session: recorded as having taught (出講確認), or
/// only planned when nobody recorded who taught.
#[derive(Debug, Clone)]
pub struct TeachingRecord {
    pub session: session::Model,
    pub instructor: Option<user::Model>,
    pub confirmed: bool,
}

#[derive(Debug, Clone)]
pub struct IdentityRecord {
    pub enrollment: enrollment::Model,
    pub birth_date: Option<NaiveDate>,
    pub checked_by: Option<String>,
}

/// What the pack prints, as of `now`.
#[derive(Debug, Clone)]
pub struct PackData {
    pub course: course::Model,
    pub subjects: Vec<course_subject::Model>,
    pub settings: certificate_settings::Model,
    pub style: DateStyle,
    pub today: NaiveDate,
    pub sheet: HelperSheet,
    pub sessions: Vec<session::Model>,
    /// Marks at this course's sessions, keyed by (enrollment, session).
    pub marks: BTreeMap<(i64, i64), attendance::Model>,
    pub completers: Vec<CompleterLine>,
    pub assessments: Vec<AssessmentLine>,
    pub makeups: Vec<MakeupRecord>,
    pub teaching: Vec<TeachingRecord>,
    pub identity: Vec<IdentityRecord>,
}

fn full_name(u: &user::Model) -> String {
    format!("{} {}", u.family_name, u.given_name)
}

async fn people(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, user::Model>, Error> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// The pack of a helper course; other kinds have no prefecture report.
pub async fn gather(
    conn: &impl ConnectionTrait,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<PackData, Error> {
    let course = catalog::find(conn, course_id).await?;
    if course.kind != CourseKind::Helper.as_str() {
        return Err(Error::invalid("course", "err-pack-helper-only"));
    }
    // The prefecture files the pack under these: a pack without them is refused
    // rather than printed with blanks.
    if course
        .designation_number
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        return Err(Error::invalid(
            "designation_number",
            "err-pack-needs-designation",
        ));
    }
    let settings = certificates::settings(conn).await?;
    let style = if settings.date_style == "seireki" {
        DateStyle::Seireki
    } else {
        DateStyle::Wareki
    };
    if settings.provider_name.trim().is_empty()
        || settings.provider_representative.trim().is_empty()
    {
        return Err(Error::invalid("provider_name", "err-pack-needs-provider"));
    }
    let subjects = catalog::subjects(conn, course_id).await?;
    let sheet = attendance_sheet::helper_sheet(conn, &course, now).await?;
    let sessions: Vec<session::Model> = schedule::for_course(conn, course_id)
        .await?
        .into_iter()
        .filter(|s| s.cancelled_at.is_none())
        .collect();
    let marks = attendance_views::course_marks(conn, course_id).await?;
    let completers = reports::completers(conn, course_id).await?;
    let assessments = reports::assessments(conn, course_id).await?;
    let trainees: Vec<enrollment::Model> =
        sheet.lines.iter().map(|l| l.enrollment.clone()).collect();

    let makeups = makeups(conn, &trainees).await?;
    let teaching = teaching(conn, &sessions).await?;

    let checkers = people(conn, trainees.iter().filter_map(|e| e.identity_checked_by)).await?;
    let mut identity = Vec::with_capacity(trainees.len());
    for e in &trainees {
        identity.push(IdentityRecord {
            birth_date: certificates::birth_date_of(conn, e).await?,
            checked_by: e
                .identity_checked_by
                .and_then(|id| checkers.get(&id))
                .map(full_name),
            enrollment: e.clone(),
        });
    }

    Ok(PackData {
        today: jst_date(now),
        course,
        subjects,
        settings,
        style,
        sheet,
        sessions,
        marks,
        completers,
        assessments,
        makeups,
        teaching,
        identity,
    })
}

async fn makeups(
    conn: &impl ConnectionTrait,
    trainees: &[enrollment::Model],
) -> Result<Vec<MakeupRecord>, Error> {
    let ids: Vec<i64> = trainees.iter().map(|e| e.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let bookings = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.enrollment_id.is_in(ids.clone()))
        .all(conn)
        .await?;
    let credits = outside_credit::Entity::find()
        .filter(outside_credit::COLUMN.enrollment_id.is_in(ids))
        .filter(outside_credit::COLUMN.kind.eq("external_makeup"))
        .all(conn)
        .await?;
    let mut out = vec![];
    for e in trainees {
        let mut own: Vec<MakeupRecord> = vec![];
        for b in bookings.iter().filter(|b| b.enrollment_id == e.id) {
            let at = schedule::find(conn, b.session_id).await?;
            let original = match at.makeup_for {
                Some(id) => Some(schedule::find(conn, id).await?),
                None => None,
            };
            let subject_no = crate::services::attendance::counted_subject(conn, &at).await?;
            let course_title = catalog::find(conn, at.course_id).await?.title;
            let mark = attendance::Entity::find()
                .filter(attendance::COLUMN.enrollment_id.eq(e.id))
                .filter(attendance::COLUMN.session_id.eq(at.id))
                .one(conn)
                .await?;
            own.push(MakeupRecord {
                enrollment: e.clone(),
                subject_no,
                place: MakeupPlace::Ours {
                    session: at,
                    course_title,
                    original,
                    mark,
                },
            });
        }
        for c in credits.iter().filter(|c| c.enrollment_id == e.id) {
            own.push(MakeupRecord {
                enrollment: e.clone(),
                subject_no: Some(c.subject_no),
                place: MakeupPlace::Elsewhere {
                    provider: c.provider.clone().unwrap_or_default(),
                    confirmed_on: c.confirmed_on,
                    minutes: c.minutes,
                },
            });
        }
        own.sort_by_key(|m| m.subject_no);
        out.extend(own);
    }
    Ok(out)
}

async fn teaching(
    conn: &impl ConnectionTrait,
    sessions: &[session::Model],
) -> Result<Vec<TeachingRecord>, Error> {
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let recorded = if ids.is_empty() {
        vec![]
    } else {
        session_instructor::Entity::find()
            .filter(session_instructor::COLUMN.session_id.is_in(ids))
            .all(conn)
            .await?
    };
    let who = people(
        conn,
        recorded
            .iter()
            .map(|r| r.instructor_id)
            .chain(sessions.iter().filter_map(|s| s.instructor_id)),
    )
    .await?;
    let mut out = vec![];
    for s in sessions {
        let taught: Vec<&session_instructor::Model> =
            recorded.iter().filter(|r| r.session_id == s.id).collect();
        if taught.is_empty() {
            out.push(TeachingRecord {
                session: s.clone(),
                instructor: s.instructor_id.and_then(|id| who.get(&id)).cloned(),
                confirmed: false,
            });
        }
        for r in taught {
            out.push(TeachingRecord {
                session: s.clone(),
                instructor: who.get(&r.instructor_id).cloned(),
                confirmed: true,
            });
        }
    }
    Ok(out)
}

/// Every helper course, newest first: the ones a pack can be made for.
pub async fn helper_courses(conn: &impl ConnectionTrait) -> Result<Vec<course::Model>, Error> {
    use sea_orm::QueryOrder;
    Ok(course::Entity::find()
        .filter(course::COLUMN.kind.eq(CourseKind::Helper.as_str()))
        .order_by_desc(course::COLUMN.starts_on)
        .order_by_desc(course::COLUMN.id)
        .all(conn)
        .await?)
}
