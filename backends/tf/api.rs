//! Api kinds as Terraform blocks: the REST API, its resource tree, one method and one
//! HTTP_PROXY integration per route, the deployment and stage (tracing, access log), stage
//! throttling, the api key with its usage plan and their association, and the account's API
//! Gateway logging role with the account setting that names it.
//!
//! Two traps live here (spec 6.5 and 6.6). Every path variable is required on the method
//! (`method.request.path.X = true`) and mapped on the integration, or API Gateway answers
//! 403/404/502. The deployment is replaced whenever what the stage serves changes (`triggers`
//! with the graph's identity, `create_before_destroy` so the stage never points at a deleted
//! deployment) and depends on every integration, or edits silently never go live.

use super::cx::{Cx, PARTITION};
use super::doc::{BodyExt, Doc};
use super::expr::{attr, data_attr, decimal, int, resource_ref, string, template, text, Piece};
use crate::ir::{
    ApiAccount, ApiKey, ApiResource, Connection, Deployment, Host, Id, Internal, LogGroup,
    LogsRole, Method, Ref, RestApi, Stage, UsagePlan, UsagePlanKey,
};
use hcl::expr::Traversal;
use hcl::Expression;

pub fn rest_api(cx: &Cx, me: Id, api: &RestApi, w: &mut Doc) -> Result<(), Internal> {
    w.resource("aws_api_gateway_rest_api", cx.name(me)?, |w| {
        w.attr("name", string(&api.physical));
        w.block("endpoint_configuration", &[], |w| {
            w.attr("types", Expression::Array(vec![string(api.endpoint_type)]));
        });
    });
    Ok(())
}

/// The id of a resource of the tree, or of the api's root.
fn resource_id(
    cx: &Cx,
    api: Ref<RestApi>,
    resource: Option<Ref<ApiResource>>,
) -> Result<Traversal, Internal> {
    match resource {
        Some(r) => cx.attr(r, "id"),
        None => cx.attr(api, "root_resource_id"),
    }
}

pub fn resource(cx: &Cx, me: Id, res: &ApiResource, w: &mut Doc) -> Result<(), Internal> {
    let api = cx.attr(res.api, "id")?;
    let parent = resource_id(cx, res.api, res.parent)?;
    w.resource("aws_api_gateway_resource", cx.name(me)?, |w| {
        w.attr("rest_api_id", api.into());
        w.attr("parent_id", parent.into());
        w.attr("path_part", string(&res.path_part));
    });
    Ok(())
}

/// The method, then its integration (same name).
pub fn method(cx: &Cx, me: Id, m: &Method, w: &mut Doc) -> Result<(), Internal> {
    let name = cx.name(me)?;
    let api = cx.attr(m.api, "id")?;
    let resource = resource_id(cx, m.api, m.resource)?;
    w.resource("aws_api_gateway_method", name, |w| {
        w.attr("rest_api_id", api.clone().into());
        w.attr("resource_id", resource.clone().into());
        w.attr("http_method", string(&m.http_method));
        w.attr("authorization", string(m.authorization_type));
        w.attr("api_key_required", Expression::Bool(m.api_key_required));
        if !m.request_parameters.is_empty() {
            w.map(
                "request_parameters",
                m.request_parameters
                    .iter()
                    .map(|p| (p, Expression::Bool(true))),
            );
        }
    });
    let i = &m.integration;
    // An ECS service's listener names no attribute the URI uses, yet must exist before
    // traffic goes through it: the integration waits for it.
    let (host, port, listener) = match i.host {
        Host::IngressDomain(conn) => (cx.attr(conn, "domain_name")?, None, None),
        Host::ServiceUrl(service) => (cx.attr(service, "service_url")?, None, None),
        Host::Listener {
            load_balancer,
            listener,
            port,
        } => {
            cx.g.get(listener)?;
            let listener = resource_ref("aws_lb_listener", cx.name(listener.id)?);
            let port = format!(":{port}");
            (
                cx.attr(load_balancer, "dns_name")?,
                Some(port),
                Some(listener),
            )
        }
    };
    let scheme = format!("{}://", i.host.scheme());
    let uri = [
        Piece::Lit(&scheme),
        Piece::Ref(host.into()),
        Piece::Lit(port.as_deref().unwrap_or("")),
        Piece::Lit(&i.target_path),
    ];
    let link = match i.connection {
        Connection::VpcLink(link) => Some(cx.attr(link, "id")?),
        Connection::Internet => None,
    };
    w.resource("aws_api_gateway_integration", name, |w| {
        w.attr("rest_api_id", api.into());
        w.attr("resource_id", resource.into());
        w.attr(
            "http_method",
            attr("aws_api_gateway_method", name, "http_method").into(),
        );
        w.attr("type", string(i.integration_type));
        w.attr("integration_http_method", string(&i.http_method));
        w.attr("uri", template(uri));
        w.attr("connection_type", string(i.connection.as_aws()));
        if let Some(link) = link {
            w.attr("connection_id", link.into());
        }
        if !i.request_parameters.is_empty() {
            w.map(
                "request_parameters",
                i.request_parameters
                    .iter()
                    .map(|(to, from)| (to, string(from))),
            );
        }
        if let Some(listener) = listener {
            w.attr("depends_on", Expression::Array(vec![listener.into()]));
        }
    });
    Ok(())
}

pub fn deployment(cx: &Cx, me: Id, d: &Deployment, w: &mut Doc) -> Result<(), Internal> {
    let api = cx.attr(d.api, "id")?;
    let integrations: Vec<Expression> = d
        .methods
        .iter()
        .map(|m| Ok(resource_ref("aws_api_gateway_integration", cx.name(m.id)?).into()))
        .collect::<Result<_, Internal>>()?;
    let replace_first = cx.g.resource(me)?.replace_first;
    w.resource("aws_api_gateway_deployment", cx.name(me)?, |w| {
        w.attr("rest_api_id", api.into());
        w.map("triggers", [("redeployment", string(&d.identity))]);
        if replace_first {
            w.create_before_destroy();
        }
        w.attr("depends_on", Expression::Array(integrations));
    });
    Ok(())
}

pub fn log_group(cx: &Cx, me: Id, log: &LogGroup, w: &mut Doc) -> Result<(), Internal> {
    w.resource("aws_cloudwatch_log_group", cx.name(me)?, |w| {
        w.attr("name", string(&log.name));
        w.attr("retention_in_days", int(u64::from(log.retention_days)));
    });
    Ok(())
}

/// The stage (it waits for the account's logging role when it logs), then its throttling.
pub fn stage(cx: &Cx, me: Id, s: &Stage, w: &mut Doc) -> Result<(), Internal> {
    let name = cx.name(me)?;
    let api = cx.attr(s.api, "id")?;
    let deployment = cx.attr(s.deployment, "id")?;
    let log = match &s.access_log {
        Some(log) => Some((
            cx.attr(log.group, "arn")?,
            &log.format,
            resource_ref("aws_api_gateway_account", cx.name(log.account.id)?),
        )),
        None => None,
    };
    w.resource("aws_api_gateway_stage", name, |w| {
        w.attr("rest_api_id", api.clone().into());
        w.attr("deployment_id", deployment.into());
        w.attr("stage_name", text(&s.name));
        w.attr("xray_tracing_enabled", Expression::Bool(s.tracing));
        if let Some((group, format, account)) = log {
            w.block("access_log_settings", &[], |w| {
                w.attr("destination_arn", group.into());
                w.attr("format", string(format));
            });
            // The account's logging role must be set before a stage that logs deploys.
            w.attr("depends_on", Expression::Array(vec![account.into()]));
        }
    });
    if let Some(t) = &s.throttle {
        w.resource("aws_api_gateway_method_settings", name, |w| {
            w.attr("rest_api_id", api.into());
            w.attr(
                "stage_name",
                attr("aws_api_gateway_stage", name, "stage_name").into(),
            );
            w.attr("method_path", string("*/*"));
            w.block("settings", &[], |w| {
                w.attr("throttling_rate_limit", decimal(t.rate));
                w.attr("throttling_burst_limit", int(u64::from(t.burst)));
            });
        });
    }
    Ok(())
}

pub fn api_key(cx: &Cx, me: Id, key: &ApiKey, w: &mut Doc) -> Result<(), Internal> {
    w.resource("aws_api_gateway_api_key", cx.name(me)?, |w| {
        w.attr("name", string(&key.name));
        w.attr("enabled", Expression::Bool(key.enabled));
    });
    Ok(())
}

pub fn usage_plan(cx: &Cx, me: Id, plan: &UsagePlan, w: &mut Doc) -> Result<(), Internal> {
    let api = cx.attr(plan.api, "id")?;
    let stage = cx.attr(plan.stage, "stage_name")?;
    w.resource("aws_api_gateway_usage_plan", cx.name(me)?, |w| {
        w.attr("name", string(&plan.name));
        w.block("api_stages", &[], |w| {
            w.attr("api_id", api.into());
            w.attr("stage", stage.into());
        });
        if let Some(t) = &plan.throttle {
            w.block("throttle_settings", &[], |w| {
                w.attr("rate_limit", decimal(t.rate));
                w.attr("burst_limit", int(u64::from(t.burst)));
            });
        }
    });
    Ok(())
}

pub fn usage_plan_key(cx: &Cx, me: Id, k: &UsagePlanKey, w: &mut Doc) -> Result<(), Internal> {
    let key = cx.attr(k.key, "id")?;
    let plan = cx.attr(k.plan, "id")?;
    w.resource("aws_api_gateway_usage_plan_key", cx.name(me)?, |w| {
        w.attr("key_id", key.into());
        w.attr("key_type", string(k.key_type));
        w.attr("usage_plan_id", plan.into());
    });
    Ok(())
}

/// The account's API Gateway logging role and its one managed policy. Both have
/// `prevent_destroy`: the setting is account-wide and other apis may log through the role, so
/// `terraform destroy` must not take it away (docs/language.md says how to leave them and
/// destroy the rest). The role gets a generated name, so a root applied again after such a
/// destroy creates a new one rather than meeting the kept one's name.
pub fn logs_role(cx: &Cx, me: Id, role: &LogsRole, w: &mut Doc) -> Result<(), Internal> {
    let name = cx.name(me)?;
    let assume = super::service::trust_document(name, &role.principal, w);
    w.resource("aws_iam_role", name, |w| {
        w.attr("description", string(&role.description));
        w.attr(
            "assume_role_policy",
            data_attr("aws_iam_policy_document", &assume, "json").into(),
        );
        w.prevent_destroy();
    });
    w.data("aws_partition", PARTITION, |_| {});
    let policy = format!(":iam::aws:policy/{}", role.managed_policy);
    w.resource("aws_iam_role_policy_attachment", name, |w| {
        w.attr("role", attr("aws_iam_role", name, "name").into());
        w.attr(
            "policy_arn",
            template([
                Piece::Lit("arn:"),
                Piece::Ref(data_attr("aws_partition", PARTITION, "partition").into()),
                Piece::Lit(&policy),
            ]),
        );
        w.prevent_destroy();
    });
    Ok(())
}

/// The account setting; destroying it changes nothing on AWS (the provider's 5.x default).
pub fn account(cx: &Cx, me: Id, account: &ApiAccount, w: &mut Doc) -> Result<(), Internal> {
    let role = cx.attr(account.role, "arn")?;
    let attachment = resource_ref("aws_iam_role_policy_attachment", cx.name(account.role.id)?);
    w.resource("aws_api_gateway_account", cx.name(me)?, |w| {
        w.attr("cloudwatch_role_arn", role.into());
        // API Gateway checks that the role can write logs when the setting is made.
        w.attr("depends_on", Expression::Array(vec![attachment.into()]));
    });
    Ok(())
}
