#![warn(missing_docs)]
//! Outbound HTTP for webhooks, behind the service's [`WebhookClient`]: a client that follows no
//! redirects, keeps to a time limit, uses no proxy and connects only to public addresses, checked
//! after the receiver's name is resolved (so a name cannot resolve to a public address when
//! checked and a private one when used). The binary composes it with the service's deliverer.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use colophon_domain::is_public_address;
use colophon_service::{Colophon, ServiceResult, WebhookClient, WebhookSettings};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Resolves names as usual, then keeps only the addresses a delivery may reach.
#[derive(Debug)]
struct PublicOnly {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        if self.allow_private {
            return Ok(resolved);
        }
        let mut public = self.empty();
        for address in resolved.iter().filter(|a: &&SocketAddr| is_public_address(a.ip())) {
            public.push(*address);
        }
        if public.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "refused: the host resolves only to private, loopback or link-local addresses",
            )));
        }
        Ok(public)
    }
}

/// The HTTP client of deliveries (ureq, TLS through the system's OpenSSL and roots).
#[derive(Debug, Clone)]
pub struct HttpDelivery {
    agent: ureq::Agent,
}

impl HttpDelivery {
    /// A client answering within `timeout`; `allow_private` lets it reach loopback and private
    /// networks (tests, a receiver beside the server).
    pub fn new(timeout: Duration, allow_private: bool) -> Self {
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            // A proxy from the environment would resolve the receiver's name itself, past the
            // address filter.
            .proxy(None)
            .http_status_as_error(false)
            .user_agent("Colophon-Webhooks/1")
            .tls_config(tls)
            .build();
        let resolver = PublicOnly { inner: DefaultResolver::default(), allow_private };
        Self { agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver) }
    }

    /// The client the service's webhook settings call for.
    pub fn for_settings(settings: &WebhookSettings) -> Self {
        Self::new(settings.timeout, settings.allow_private)
    }
}

impl WebhookClient for HttpDelivery {
    fn post(&self, url: &str, headers: &[(&str, String)], body: &str, kept: u64) -> Result<(u16, String), String> {
        let mut request = self.agent.post(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let answer = request.send(body).map_err(|error| error.to_string())?;
        let status = answer.status().as_u16();
        let mut head = Vec::new();
        // The status is the answer; a body cut short by the receiver still leaves what came.
        let _ = answer.into_body().into_reader().take(kept).read_to_end(&mut head);
        Ok((status, String::from_utf8_lossy(&head).into_owned()))
    }
}

/// Starts `colophon`'s deliverer (see [`Colophon::spawn_deliverer`]) with this client. Must be
/// called inside a tokio runtime.
pub fn spawn(colophon: &Colophon) -> tokio::task::JoinHandle<()> {
    colophon.spawn_deliverer(Arc::new(HttpDelivery::for_settings(colophon.webhook_settings())))
}

/// One round of deliveries with this client (see [`Colophon::deliver_due`]).
pub async fn deliver_due(colophon: &Colophon) -> ServiceResult<usize> {
    colophon.deliver_due(Arc::new(HttpDelivery::for_settings(colophon.webhook_settings()))).await
}
