//! The partner portal (pages for a partner's staff) and the partner API (the same facts for a
//! partner's own systems). A partner only ever sees its own rows.

pub mod api;
pub mod pages;
