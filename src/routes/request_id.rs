//! A request id on every request: logged with each line about the request and
//! returned as `X-Request-Id` so a user's report can be matched to the log.
use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

struct RequestMeta {
    id: String,
    started: Instant,
}

pub struct RequestLog;

fn meta<'r>(req: &'r Request<'_>) -> &'r RequestMeta {
    req.local_cache(|| RequestMeta {
        id: hex::encode(rand::random::<[u8; 8]>()),
        started: Instant::now(),
    })
}

pub fn of(req: &Request<'_>) -> String {
    meta(req).id.clone()
}

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "request id and access log",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        meta(req);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let meta = meta(req);
        res.set_header(Header::new("X-Request-Id", meta.id.clone()));
        tracing::info!(
            request_id = %meta.id,
            method = %req.method(),
            path = %req.uri().path(),
            status = res.status().code,
            ms = meta.started.elapsed().as_millis() as u64,
            "request"
        );
    }
}
