//! Identities: the explicit, versioned forms that decide when AWS resources change. A
//! deployment's identity covers everything its stage serves; a VPC's identity is what
//! replaces everything inside it. Each is written here field by field, never by serializing
//! graph structs, so that adding an internal field can neither redeploy every api nor rename
//! a resource.

use crate::ir::{Connection, Graph, Host, Method, VpcRef};
use crate::names;
use sha2::{Digest, Sha256};

/// What identifies the VPC to AWS as far as replacements go: a created VPC is replaced when
/// its block changes, an existing one is another VPC when its id does. Everything inside a
/// VPC (groups, endpoint, load balancer, target group, ingress connections) is replaced
/// with it.
pub(super) fn vpc(g: &Graph, vpc: &VpcRef) -> String {
    match vpc {
        VpcRef::Created(r) => match g.get(*r) {
            Ok(created) => format!("created vpc {}", created.cidr),
            Err(_) => "created vpc".to_string(),
        },
        VpcRef::Existing(vpc_id) => format!("existing vpc {vpc_id}"),
    }
}

/// The version of [`deployment`]'s form. Changing the form redeploys every api, so a change
/// bumps this and docs/decisions.md says why.
pub(super) const DEPLOYMENT_VERSION: &str = "1";

/// API Gateway's default integration timeout, written out so that a configurable one later
/// changes the identity.
const INTEGRATION_TIMEOUT_MS: &str = "29000";

/// The deployment's identity: the hex SHA-256 of the lines of [`deployment_lines`] joined by
/// `\n`, streamed into the hasher.
pub(super) fn deployment(g: &Graph, methods: &[&Method]) -> String {
    let mut hasher = Sha256::new();
    let mut first = true;
    deployment_lines(g, methods, |line| {
        if !first {
            hasher.update(b"\n");
        }
        first = false;
        hasher.update(line);
    });
    names::hex(&hasher.finalize())
}

/// What a stage serves, as explicit lines given to `line` one by one, each a JSON array of
/// strings: a header with the form's version, then per method its HTTP method, path and
/// authorization, and its integration (type, method, timeout, connection, what makes the
/// host it proxies to, target path), the path parameters the method requires and the
/// integration's mappings. Whatever changes one of these changes the deployment: the
/// CloudFormation logical id suffix, the Terraform `triggers`, the plan's deployment step.
///
/// A host is named by what would replace it: a private service's ingress connection domain
/// changes with the connection, the service or the VPC; a public service's URL with the
/// service; a VPC link with its load balancer, whose name carries its replacement suffix.
/// One buffer is reused for every line (a thousand routes made a `String` per field a tenth
/// of the build).
pub(super) fn deployment_lines(g: &Graph, methods: &[&Method], mut line: impl FnMut(&[u8])) {
    let mut w = Line::default();
    w.fields(&["aprc-deployment-identity", DEPLOYMENT_VERSION]);
    w.finish(&mut line);
    for m in methods {
        let i = &m.integration;
        w.fields(&["method", &m.http_method, &m.path]);
        w.fields(&["authorization", m.authorization_type]);
        w.fields(&[
            "api-key-required",
            if m.api_key_required { "true" } else { "false" },
        ]);
        w.fields(&["integration", i.integration_type, &i.http_method]);
        w.fields(&["timeout-ms", INTEGRATION_TIMEOUT_MS]);
        match (&i.connection, &i.host) {
            (Connection::VpcLink(link), Host::IngressDomain(conn)) => {
                let link = g.get(*link).ok();
                let lb = link.and_then(|l| g.get(l.target).ok());
                let conn = g.get(*conn).ok();
                let service = conn.and_then(|c| g.get(c.service).ok());
                w.fields(&["connection", "VPC_LINK"]);
                w.fields(&["vpc-link", link.map_or("", |l| l.physical.as_str())]);
                w.fields(&["load-balancer", lb.map_or("", |l| l.physical.as_str())]);
                w.fields(&["host", "ingress-connection-domain"]);
                w.fields(&[
                    "ingress-connection",
                    conn.map_or("", |c| c.physical.as_str()),
                ]);
                w.fields(&["service", service.map_or("", |s| s.physical.as_str())]);
                let vpc_identity = conn.map(|c| vpc(g, &c.vpc));
                w.fields(&["vpc", vpc_identity.as_deref().unwrap_or("")]);
            }
            (Connection::Internet, Host::ServiceUrl(service)) => {
                let service = g.get(*service).ok();
                w.fields(&["connection", "INTERNET"]);
                w.fields(&[
                    "host",
                    "service-url",
                    "service",
                    service.map_or("", |s| s.physical.as_str()),
                ]);
            }
            (
                Connection::VpcLink(link),
                Host::Listener {
                    load_balancer,
                    port,
                    ..
                },
            ) => {
                let link = g.get(*link).ok();
                let lb = g.get(*load_balancer).ok();
                w.fields(&["connection", "VPC_LINK"]);
                w.fields(&["vpc-link", link.map_or("", |l| l.physical.as_str())]);
                w.fields(&["load-balancer", lb.map_or("", |l| l.physical.as_str())]);
                w.fields(&["host", "listener", &port.to_string()]);
            }
            // Lowering pairs a VPC link with an ingress domain or a listener and the internet
            // with a service URL; any other pairing is written as it is.
            (connection, _) => w.fields(&["connection", connection.as_aws()]),
        }
        w.fields(&["target-path", &i.target_path]);
        w.fields(&["method-request-parameters"]);
        for p in &m.request_parameters {
            w.joined(&[p]);
        }
        w.fields(&["integration-request-parameters"]);
        for (to, from) in &i.request_parameters {
            w.joined(&[to, "=", from]);
        }
        w.finish(&mut line);
    }
}

/// One line of an identity being written: `[` then JSON strings separated by `,`.
#[derive(Default)]
struct Line {
    buf: Vec<u8>,
    /// A field made of several pieces, joined before escaping.
    scratch: String,
}

impl Line {
    fn separator(&mut self) {
        self.buf.push(if self.buf.is_empty() { b'[' } else { b',' });
    }

    fn fields(&mut self, fields: &[&str]) {
        for field in fields {
            self.separator();
            // Writing a string into memory cannot fail.
            let _ = serde_json::to_writer(&mut self.buf, field);
        }
    }

    /// One field, the concatenation of `pieces`.
    fn joined(&mut self, pieces: &[&str]) {
        self.scratch.clear();
        pieces.iter().for_each(|p| self.scratch.push_str(p));
        self.separator();
        let _ = serde_json::to_writer(&mut self.buf, &self.scratch);
    }

    /// Closes the line, gives it to `line`, and empties the buffer for the next one.
    fn finish(&mut self, line: &mut impl FnMut(&[u8])) {
        self.buf.push(b']');
        line(&self.buf);
        self.buf.clear();
    }
}
