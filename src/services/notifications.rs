//! Reserved for this capability (not built yet).
