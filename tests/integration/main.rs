#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop, loudly
//! Colophon's integration tests: one binary, the real server on a random port, a fresh
//! database per test. Every test in a `backend_tests!` list runs on SQLite and, when
//! `COLOPHON_TEST_POSTGRES_URL` is set, on PostgreSQL too.

#[macro_use]
mod support;

mod abuse;
mod archive;
mod audit;
mod auth;
mod authoring;
mod cache;
mod catalog;
mod comments;
mod compiled;
mod contracts;
mod crashes;
mod custom_fields;
mod discovery;
mod errors;
mod faults;
mod filters;
mod first_run;
mod freshness;
mod graphql;
mod graphql_http;
mod http;
mod import;
mod keys;
mod limits;
mod logs;
mod markup;
mod media;
mod media_archive;
mod media_queues;
mod pages;
mod paging;
mod posts;
mod previews;
mod privacy;
mod queries;
mod readme;
mod revisions;
mod roles;
mod rules;
mod scale;
mod search;
mod seo;
mod snapshots;
mod storage;
mod submission;
mod threads;
mod webhook_processes;
mod webhooks;
mod xss;
