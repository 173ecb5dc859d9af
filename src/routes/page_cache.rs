//! A short-lived, per-instance cache of public, anonymous answers (the
//! catalog page, the catalog JSON, a course page), so that the most-read pages
//! cost no database round trip and no template rendering.
//!
//! What may be cached: only answers that are the same for every anonymous
//! visitor. Pages are cached only for visitors who are not logged in and have
//! no flash message; the CSRF token, which differs per visitor, is rendered as
//! a per-process marker and replaced with the visitor's own token on every
//! answer, so no visitor ever receives another's token.
//!
//! How stale: an entry lives `catalog_cache_ttl_ms` at most. Any write request
//! (not GET/HEAD/OPTIONS) handled by this instance empties the cache when it
//! has been answered, and an answer computed while such a write ran is not
//! stored (the generation check), so this instance shows its own writes at
//! once. Another instance's writes (instances share only the database) show
//! here after at most the TTL. Seats are never decided from this cache:
//! enrolling reads and updates the seat counter in the database.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Method;
use rocket::{Request, Response};
use rocket_dyn_templates::Metadata;

use super::shell::Shell;
use crate::error::Error;

/// Enough for the default views and the common filters; beyond it the cache
/// starts again empty rather than grow with every query string sent.
const MAX_ENTRIES: usize = 512;

struct Entry {
    stored: Instant,
    body: Arc<str>,
}

pub struct PageCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: RwLock<HashMap<String, Entry>>,
    /// Stands for the visitor's CSRF token in a cached page.
    csrf_marker: String,
}

impl PageCache {
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            generation: AtomicU64::new(0),
            entries: RwLock::new(HashMap::new()),
            csrf_marker: format!("csrf-marker-{}", hex::encode(rand::random::<[u8; 16]>())),
        }
    }

    pub fn csrf_marker(&self) -> &str {
        &self.csrf_marker
    }

    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.stored.elapsed() < self.ttl)
            .map(|e| e.body.clone())
    }

    /// Taken before reading the database for an answer to be stored.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores an answer read at `generation`, unless a write has happened since.
    pub fn put(&self, key: String, generation: u64, body: Arc<str>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        // Under the lock, so an invalidation cannot slip in between check and insert.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                stored: Instant::now(),
                body,
            },
        );
    }

    pub fn invalidate(&self) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    /// A cached page with the visitor's own CSRF token put in.
    pub fn personalise(&self, body: &str, csrf: &str) -> String {
        body.replace(&self.csrf_marker, csrf)
    }
}

/// The key of a page as an anonymous visitor sees it, or `None` when the
/// page is personal (logged in, or carrying a flash message) and must not be
/// cached or served from the cache.
pub fn anonymous_key(shell: &Shell, page: &str) -> Option<String> {
    (shell.user.is_none() && shell.flash.is_none()).then(|| format!("{}|{page}", shell.lang))
}

/// Renders a template to a string (for the cache) instead of a responder.
pub fn render(
    templates: &Metadata<'_>,
    name: &'static str,
    context: impl serde::Serialize,
) -> Result<String, Error> {
    templates
        .render(name, context)
        .map(|(_, html)| html)
        .ok_or_else(|| Error::Internal(format!("template {name} failed to render")))
}

/// Empties the cache after every write request this instance answers.
pub struct InvalidateOnWrite;

#[rocket::async_trait]
impl Fairing for InvalidateOnWrite {
    fn info(&self) -> Info {
        Info {
            name: "public page cache invalidation",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, _res: &mut Response<'r>) {
        if matches!(req.method(), Method::Get | Method::Head | Method::Options) {
            return;
        }
        if let Some(state) = req.rocket().state::<crate::state::AppState>() {
            state.pages.invalidate();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_answer_is_served_until_a_write() {
        let cache = PageCache::new(Duration::from_secs(60));
        let g = cache.generation();
        cache.put("k".into(), g, Arc::from("body"));
        assert_eq!(cache.get("k").as_deref(), Some("body"));
        cache.invalidate();
        assert_eq!(cache.get("k"), None);
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_stored_after_it() {
        let cache = PageCache::new(Duration::from_secs(60));
        let g = cache.generation();
        cache.invalidate();
        cache.put("k".into(), g, Arc::from("stale"));
        assert_eq!(cache.get("k"), None);
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = PageCache::new(Duration::ZERO);
        cache.put("k".into(), cache.generation(), Arc::from("body"));
        assert_eq!(cache.get("k"), None);
    }

    #[test]
    fn the_marker_becomes_each_visitors_own_token() {
        let cache = PageCache::new(Duration::from_secs(60));
        let page = format!("<input value=\"{}\">", cache.csrf_marker());
        assert_eq!(cache.personalise(&page, "aaa"), "<input value=\"aaa\">");
        assert_eq!(cache.personalise(&page, "bbb"), "<input value=\"bbb\">");
    }
}
