//! One SDK client per plan service, all from one shared configuration: credentials from the
//! standard chain, the plan's region, the SDK's standard retry mode (which retries throttling
//! and transient errors with backoff), and `--endpoint-url` for every service when given.
//! Every client, the credential providers' included, shares one HTTPS client: hyper 1 with
//! rustls on ring and the system's trusted roots (the SDK's default client would compile
//! aws-lc, see Cargo.toml).
//!
//! `APRC_APPRUNNER_ENDPOINT_URL` (TEST ONLY) points the App Runner client alone elsewhere:
//! moto has no App Runner, so the tests run a small App Runner double beside it.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

/// Read only here, and only to send App Runner calls to the test double.
pub const APPRUNNER_ENDPOINT_ENV: &str = "APRC_APPRUNNER_ENDPOINT_URL";

/// Attempts per call, throttling and transient errors included (the SDK's default is 3;
/// a plan fires bursts of calls at one API, so allow a few more before giving up).
const MAX_ATTEMPTS: u32 = 6;

pub struct Clients {
    pub apigateway: aws_sdk_apigateway::Client,
    pub application_autoscaling: aws_sdk_applicationautoscaling::Client,
    pub apprunner: aws_sdk_apprunner::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    pub async fn new(region: &str, endpoint_url: Option<&str>) -> Clients {
        let https = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https)
            .region(Region::new(region.to_string()))
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
        if let Some(url) = endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let conf = loader.load().await;
        let apprunner = match std::env::var(APPRUNNER_ENDPOINT_ENV) {
            Ok(url) if !url.is_empty() => aws_sdk_apprunner::Client::from_conf(
                aws_sdk_apprunner::config::Builder::from(&conf)
                    .endpoint_url(url)
                    .build(),
            ),
            _ => aws_sdk_apprunner::Client::new(&conf),
        };
        Clients {
            apigateway: aws_sdk_apigateway::Client::new(&conf),
            application_autoscaling: aws_sdk_applicationautoscaling::Client::new(&conf),
            apprunner,
            ec2: aws_sdk_ec2::Client::new(&conf),
            ecs: aws_sdk_ecs::Client::new(&conf),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
            iam: aws_sdk_iam::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            sts: aws_sdk_sts::Client::new(&conf),
        }
    }
}
