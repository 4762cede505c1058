//! One diesel schema for both backends, written by hand: only column types both
//! PostgreSQL and SQLite map the same way (no Jsonb, Uuid or Timestamptz). Statuses, roles and
//! kinds are typed columns (`columns`): stored as text, written and read as the domain's enums;
//! ids and the foreign keys naming them are typed id columns (`id_columns`), read and written as
//! the domain's ids.

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    authors (id) {
        id -> AuthorIdColumn,
        slug -> Text,
        name -> Text,
        email -> Nullable<Text>,
        role -> RoleColumn,
        password_hash -> Nullable<Text>,
        token_version -> BigInt,
        bio_html -> Text,
        avatar_url -> Nullable<Text>,
        website_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    products (id) {
        id -> ProductIdColumn,
        title -> Text,
        url -> Nullable<Text>,
        image_url -> Nullable<Text>,
        contributor_label -> Nullable<Text>,
        contributors -> Text,
        edition -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        image_media_id -> Nullable<MediaIdColumn>,
        image_alt -> Nullable<Text>,
        image_credit -> Nullable<Text>,
        image_width -> Nullable<Integer>,
        image_height -> Nullable<Integer>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    sidebars (id) {
        id -> SidebarIdColumn,
        slug -> Text,
        title -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    sidebar_widgets (id) {
        id -> BigInt,
        sidebar_id -> SidebarIdColumn,
        position -> Integer,
        kind -> WidgetKindColumn,
        product_id -> Nullable<ProductIdColumn>,
        author_id -> Nullable<AuthorIdColumn>,
        html -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    posts (id) {
        id -> PostIdColumn,
        slug -> Text,
        title -> Text,
        excerpt -> Text,
        body_html -> Text,
        body_markdown -> Nullable<Text>,
        status -> PostStatusColumn,
        published_at -> Nullable<Timestamp>,
        author_id -> AuthorIdColumn,
        featured_image_url -> Nullable<Text>,
        featured_image_alt -> Nullable<Text>,
        featured_image_credit -> Nullable<Text>,
        comments_enabled -> Bool,
        comment_count -> BigInt,
        sidebar_id -> Nullable<SidebarIdColumn>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// The body's words without markup, for full-text search; never read back as a post.
        body_text -> Nullable<Text>,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        canonical_url -> Nullable<Text>,
        og_image -> Nullable<Text>,
        noindex -> Bool,
        featured_image_media_id -> Nullable<MediaIdColumn>,
        featured_image_width -> Nullable<Integer>,
        featured_image_height -> Nullable<Integer>,
        /// The site's own fields' values, a JSON object's text.
        custom_fields -> Text,
        /// The values the public sees (public fields only), kept in step by every write.
        public_custom_fields -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    tags (id) {
        id -> TagIdColumn,
        slug -> Text,
        name -> Text,
        description -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    post_tags (post_id, tag_id) {
        post_id -> PostIdColumn,
        tag_id -> TagIdColumn,
        position -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    comments (id) {
        id -> CommentIdColumn,
        post_id -> PostIdColumn,
        parent_id -> Nullable<CommentIdColumn>,
        author_id -> Nullable<AuthorIdColumn>,
        author_name -> Text,
        author_email -> Nullable<Text>,
        author_url -> Nullable<Text>,
        body_source -> Text,
        body_html -> Text,
        status -> CommentStatusColumn,
        depth -> Integer,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    refresh_tokens (id) {
        id -> BigInt,
        author_id -> AuthorIdColumn,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    slug_redirects (id) {
        id -> BigInt,
        old_slug -> Text,
        post_id -> PostIdColumn,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    blocklist (id) {
        id -> BlockRuleIdColumn,
        kind -> BlockRuleKindColumn,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    api_keys (id) {
        id -> ApiKeyIdColumn,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        author_id -> AuthorIdColumn,
        role -> RoleColumn,
        read_only -> Bool,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    webhooks (id) {
        id -> WebhookIdColumn,
        url -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    events (id) {
        id -> EventIdColumn,
        kind -> EventKindColumn,
        object_key -> Text,
        payload -> Text,
        created_at -> Timestamp,
        webhook_ids -> Nullable<Text>,
        due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    outbox_cursor (id) {
        id -> Integer,
        last_event_id -> EventIdColumn,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    webhook_deliveries (id) {
        id -> DeliveryIdColumn,
        webhook_id -> WebhookIdColumn,
        event_id -> EventIdColumn,
        object_key -> Text,
        state -> DeliveryStateColumn,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> DeliveryIdColumn,
        attempted_at -> Timestamp,
        status -> Nullable<Integer>,
        latency_ms -> BigInt,
        response -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    audit_log (id) {
        id -> AuditIdColumn,
        at -> Timestamp,
        author_id -> Nullable<AuthorIdColumn>,
        api_key_id -> Nullable<ApiKeyIdColumn>,
        action -> Text,
        target -> Text,
        request_id -> Nullable<Text>,
        fields -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    pages (id) {
        id -> PageIdColumn,
        slug -> Text,
        title -> Text,
        excerpt -> Text,
        body_html -> Text,
        body_markdown -> Nullable<Text>,
        status -> PostStatusColumn,
        published_at -> Nullable<Timestamp>,
        author_id -> AuthorIdColumn,
        sidebar_id -> Nullable<SidebarIdColumn>,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        canonical_url -> Nullable<Text>,
        og_image -> Nullable<Text>,
        noindex -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// The site's own fields' values, a JSON object's text.
        custom_fields -> Text,
        /// The values the public sees (public fields only), kept in step by every write.
        public_custom_fields -> Text,
    }
}

diesel::table! {
    /// A site's own fields: one per kind of content and name.
    field_definitions (id) {
        id -> BigInt,
        entity -> Text,
        name -> Text,
        /// What the field accepts (`FieldSpec`), JSON text.
        spec -> Text,
        /// `spec.public`, as a column the read compiler filters on.
        public -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    search_config (id) {
        id -> Integer,
        language -> Text,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(posts -> authors (author_id));
diesel::joinable!(pages -> authors (author_id));
diesel::joinable!(api_keys -> authors (author_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(slug_redirects -> posts (post_id));
diesel::joinable!(sidebar_widgets -> sidebars (sidebar_id));

diesel::table! {
    import_records (source, kind, external_id) {
        source -> Text,
        kind -> Text,
        external_id -> Text,
        local_id -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    redirects (path) {
        path -> Text,
        post_id -> Nullable<PostIdColumn>,
        page_id -> Nullable<PageIdColumn>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    post_revisions (id) {
        id -> BigInt,
        post_id -> PostIdColumn,
        number -> BigInt,
        created_at -> Timestamp,
        editor_id -> Nullable<AuthorIdColumn>,
        editor_key_id -> Nullable<ApiKeyIdColumn>,
        /// The changed fields' names, separated by spaces.
        fields -> Text,
        /// JSON: the post's content before the change (`domain::PostContent`).
        content -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::id_columns::*;

    preview_links (id) {
        id -> PreviewLinkIdColumn,
        post_id -> PostIdColumn,
        created_by -> AuthorIdColumn,
        token_version -> BigInt,
        secret_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        api_key_id -> Nullable<ApiKeyIdColumn>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::columns::*;
    use crate::id_columns::*;

    media (id) {
        id -> MediaIdColumn,
        sha256 -> Text,
        media_type -> MediaTypeColumn,
        byte_size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        filename -> Text,
        alt -> Nullable<Text>,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        uploaded_by -> Nullable<AuthorIdColumn>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Work done once per site, by whichever process moves `next_run_at` on first.
    site_work (name) {
        name -> Text,
        next_run_at -> Timestamp,
    }
}

diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(preview_links -> posts (post_id));

diesel::allow_tables_to_appear_in_same_query!(
    authors,
    products,
    sidebars,
    sidebar_widgets,
    posts,
    pages,
    tags,
    post_tags,
    comments,
    refresh_tokens,
    slug_redirects,
    settings,
    blocklist,
    api_keys,
    webhooks,
    events,
    webhook_deliveries,
    webhook_attempts,
    audit_log,
    post_revisions,
    preview_links,
    media,
    site_work,
);
