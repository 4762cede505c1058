//! Sitemaps per sitemaps.org: `/sitemap.xml` lists every published post search engines may
//! index (not `noindex`) at its public address with `lastmod`; past 50,000 addresses it becomes
//! an index of `/sitemaps/{n}.xml`. `ETag`, `304` and `HEAD` come from the site middleware.

use actix_web::{HttpResponse, web};
use colophon_service::Sitemap;

use crate::feeds::PublicUrl;
use crate::problem::ApiError;

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("application/xml; charset=utf-8").body(body)
}

fn render(sitemap: Sitemap, base: &str) -> HttpResponse {
    use std::fmt::Write;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match sitemap {
        Sitemap::Urls(urls) => {
            let _ = writeln!(out, "<urlset xmlns=\"{NAMESPACE}\">");
            for url in urls {
                let lastmod = url.lastmod.and_utc().format("%Y-%m-%dT%H:%M:%SZ");
                let _ = writeln!(out, "<url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>", escape(&url.loc));
            }
            out.push_str("</urlset>\n");
        }
        Sitemap::Index(files) => {
            let _ = writeln!(out, "<sitemapindex xmlns=\"{NAMESPACE}\">");
            for n in 1..=files {
                let _ = writeln!(out, "<sitemap><loc>{}/sitemaps/{n}.xml</loc></sitemap>", escape(base));
            }
            out.push_str("</sitemapindex>\n");
        }
    }
    xml(colophon_domain::markup::strip_forbidden(&out).into_owned())
}

/// `GET /sitemap.xml`.
pub async fn sitemap(colophon: crate::cache::Service, base: web::Data<PublicUrl>) -> Result<HttpResponse, ApiError> {
    Ok(render(colophon.sitemap(None).await?, &base.0))
}

/// `GET /sitemaps/{n}.xml`: one part of the index (404 past the last).
pub async fn part(
    colophon: crate::cache::Service,
    base: web::Data<PublicUrl>,
    n: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let n = n.strip_suffix(".xml").and_then(|n| n.parse::<u32>().ok());
    let Some(n) = n else { return Err(colophon_service::ServiceError::NotFound("sitemap").into()) };
    Ok(render(colophon.sitemap(Some(n)).await?, &base.0))
}
