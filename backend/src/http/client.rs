//! The client's address, for login and enrolment throttles: the TCP peer, or, only when the peer
//! is a trusted reverse proxy, the address that proxy names in its header (`X-Forwarded-For` by
//! default). A client talking to the server directly cannot choose its address with a header.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};

use super::Shared;

/// The reverse proxies whose word on the client's address is taken.
#[derive(Clone, Debug)]
pub struct TrustedProxies {
    pub addresses: Vec<IpAddr>,
    /// The header they put the client's address in (a list: the last untrusted entry counts).
    pub header: HeaderName,
}

impl Default for TrustedProxies {
    fn default() -> Self {
        TrustedProxies {
            addresses: Vec::new(),
            header: HeaderName::from_static("x-forwarded-for"),
        }
    }
}

impl TrustedProxies {
    /// The client behind `peer`: from the right of the header's list, the first address that is
    /// not one of the trusted proxies (each proxy appends the address it was reached from).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.addresses.contains(&peer) {
            return peer;
        }
        let listed: Vec<&str> = headers
            .get_all(&self.header)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        // From the right: skip our own proxies; the first other entry is the client. An entry
        // that is not an address ends the trust: what stands left of it is the client's to write.
        for entry in listed.into_iter().rev() {
            match entry.parse::<IpAddr>().map(|a| a.to_canonical()) {
                Ok(a) if self.addresses.contains(&a) => continue,
                Ok(a) => return a,
                Err(_) => return peer,
            }
        }
        peer
    }
}

/// The request's client address (see the module).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<Shared> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(ClientIp(state.proxies.client(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().expect("value"));
        h
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: IpAddr = "10.0.0.2".parse().expect("ip");
        let direct: IpAddr = "203.0.113.9".parse().expect("ip");
        let trusted = TrustedProxies {
            addresses: vec![proxy],
            ..TrustedProxies::default()
        };
        let spoofed = headers("198.51.100.1, 192.0.2.7");
        assert_eq!(trusted.client(direct, &spoofed), direct, "a direct client");
        assert_eq!(
            trusted.client(proxy, &spoofed),
            "192.0.2.7".parse::<IpAddr>().expect("ip"),
            "the last address, added by the proxy"
        );
        assert_eq!(trusted.client(proxy, &HeaderMap::new()), proxy);
        assert_eq!(trusted.client(proxy, &headers("not an address")), proxy);
        assert_eq!(
            trusted.client(proxy, &headers("198.51.100.1, 192.0.2.7:4711")),
            proxy,
            "an entry that is not an address ends the trust"
        );
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().expect("ip");
        assert_eq!(
            trusted.client(mapped, &spoofed),
            "192.0.2.7".parse::<IpAddr>().expect("ip"),
            "an IPv4 proxy seen on an IPv6 socket"
        );
        assert_eq!(
            TrustedProxies::default().client(proxy, &spoofed),
            proxy,
            "no proxy trusted by default"
        );
    }
}
