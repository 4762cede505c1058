//! Comment moderation settings (a site setting admins change at run time), the spam
//! blocklist, and the limits set at start-up.

use colophon_domain::{BlockRule, BlockRuleId, BlockRuleKind, Email, ModerationMode};
use colophon_store::{self as store, DbConnection};

use crate::rate_limit::Limit;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, ServiceError, ServiceResult};

const MODERATION_KEY: &str = "comment_moderation";

pub(crate) fn moderation_mode(conn: &mut DbConnection) -> ServiceResult<ModerationMode> {
    match store::get_setting(conn, MODERATION_KEY)? {
        Some(value) => ModerationMode::parse(&value).map_err(ServiceError::internal),
        None => Ok(ModerationMode::Pending),
    }
}

/// Comment limits and spam thresholds, set at start-up.
#[derive(Debug, Clone)]
pub struct CommentSettings {
    /// Submissions per client address.
    pub per_address: Limit,
    /// With a form token: the least time between showing the form and submitting it.
    pub min_submit_secs: i64,
    /// More links than this holds an unregistered comment for moderation.
    pub max_links: usize,
    /// Deepest reply level (a top-level comment is level 0).
    pub max_depth: i32,
    /// The same text from the same address on the same post within this window is a duplicate.
    pub duplicate_window_secs: i64,
    /// Thread order is computed over at most this many approved comments of a post.
    pub thread_cap: i64,
}

impl Default for CommentSettings {
    fn default() -> Self {
        Self {
            per_address: Limit::per_minute(5),
            min_submit_secs: 3,
            max_links: 3,
            max_depth: 5,
            duplicate_window_secs: 600,
            thread_cap: 2_000,
        }
    }
}

/// Site settings as admins see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// How comments from readers who are not signed in start.
    pub comment_moderation: ModerationMode,
}

/// A blocklist rule to add, as a client wrote it (the value is checked for its kind).
#[derive(Debug, Clone)]
pub struct NewBlockRule {
    /// What the rule matches.
    pub kind: BlockRuleKind,
    /// The word, address or e-mail.
    pub value: String,
}

impl Colophon {
    /// The site settings (admins only).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn site_settings(&self, caller: Caller) -> ServiceResult<SiteSettings> {
        caller.admin()?;
        self.db(|conn, _| Ok(SiteSettings { comment_moderation: moderation_mode(conn)? })).await
    }

    /// Changes the settings given, and returns them all (admins only).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_site_settings(
        &self,
        caller: Caller,
        comment_moderation: Option<ModerationMode>,
    ) -> ServiceResult<SiteSettings> {
        let writer = caller.admin_writer()?;
        let Some(mode) = comment_moderation else {
            return self.db(|conn, _| Ok(SiteSettings { comment_moderation: moderation_mode(conn)? })).await;
        };
        self.write(writer, move |conn, now, _| {
            store::set_setting(conn, MODERATION_KEY, mode.as_str(), now)?;
            let settings = SiteSettings { comment_moderation: moderation_mode(conn)? };
            Ok(Written::new(settings, Action::SettingsUpdate, Target::Settings).fields(&["comment_moderation"]))
        })
        .await
    }

    /// Every rule of the spam blocklist (admins only).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn blocklist(&self, caller: Caller) -> ServiceResult<Vec<BlockRule>> {
        caller.admin()?;
        self.db(|conn, _| Ok(store::list_blocklist(conn)?)).await
    }

    /// Adds a rule: `word` (matched in the name, URL and text), `address` or `email`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_block_rule(&self, caller: Caller, rule: NewBlockRule) -> ServiceResult<BlockRule> {
        let writer = caller.admin_writer()?;
        let NewBlockRule { kind, value } = rule;
        let value = match kind {
            BlockRuleKind::Word => {
                colophon_domain::BoundedText::<100>::parse(&value).map(|v| v.as_str().to_lowercase())
            }
            BlockRuleKind::Address => value
                .trim()
                .parse::<std::net::IpAddr>()
                .map(|ip| ip.to_string())
                .map_err(|_| "must be an IP address".to_string()),
            BlockRuleKind::Email => Email::parse(&value).map(Email::into_string),
        }
        .map_err(|message| ServiceError::invalid("value", message))?;
        self.write(writer, move |conn, now, _| {
            let rule = store::insert_block_rule(conn, kind, &value, now).map_err(|e| match e {
                store::StoreError::Conflict(_) => ServiceError::Conflict("this rule exists".into()),
                other => other.into(),
            })?;
            let target = Target::BlockRule(rule.id);
            Ok(Written::new(rule, Action::BlocklistAdd, target).fields(&["kind", "value"]))
        })
        .await
    }

    /// Removes a rule from the spam blocklist (admins only).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn remove_block_rule(&self, caller: Caller, id: BlockRuleId) -> ServiceResult<()> {
        let writer = caller.admin_writer()?;
        self.write(writer, move |conn, _, _| match store::delete_block_rule(conn, id)? {
            true => Ok(Written::new((), Action::BlocklistRemove, Target::BlockRule(id))),
            false => Err(ServiceError::NotFound("blocklist rule")),
        })
        .await
    }
}
