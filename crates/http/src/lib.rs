//! The HTTP target server and shared client. Not built yet: the HTTP issue fills this crate.
