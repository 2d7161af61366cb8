//! The one table of diagnostic codes. Every code has a page `docs/errors/<CODE>.md`; a test
//! checks that every code has its page and every page its code. Codes are stable: never reuse
//! or renumber one, only add.

macro_rules! codes {
    ($($code:ident => $summary:literal,)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// One line saying what the code is about.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            pub fn is_warning(self) -> bool {
                self.as_str().starts_with('W')
            }
        }
    };
}

codes! {
    // Syntax.
    E0001 => "syntax error",
    E0002 => "unterminated string",
    E0003 => "unclosed block",
    E0004 => "invalid escape or interpolation in a string",
    E0005 => "number out of range",

    // Declarations, attributes and references.
    E0101 => "unknown attribute, block or statement",
    E0102 => "repeated attribute",
    E0103 => "wrong value type",
    E0104 => "duplicate declaration",
    E0105 => "missing `app` declaration",
    E0106 => "more than one `app` declaration",
    E0107 => "unknown reference",
    E0108 => "reference to the wrong kind of declaration",
    E0109 => "missing required attribute",
    E0110 => "unknown declaration kind",
    E0111 => "unknown parameter in interpolation",
    E0112 => "declaration needs a name",
    E0113 => "invalid parameter type",
    E0114 => "repeated block",
    E0115 => "unknown AWS region",

    // Networks.
    E0201 => "invalid CIDR block",
    E0202 => "VPC CIDR prefix out of range",
    E0203 => "subnets do not fit in the VPC block",
    E0204 => "network needs exactly one of `cidr` or `vpc_id`",
    E0205 => "`subnet_ids` and `vpc_id` go together",
    E0206 => "zones out of range",
    E0207 => "invalid subnet size",
    E0208 => "malformed VPC or subnet id",

    // Services.
    E0301 => "invalid cpu",
    E0302 => "invalid cpu and memory combination",
    E0303 => "port out of range",
    E0304 => "invalid environment variable name",
    E0305 => "invalid secret ARN",
    E0306 => "health check value out of range",
    E0307 => "scale value out of range",
    E0308 => "private ingress without a network",
    E0309 => "VPC egress without a network",
    E0310 => "unsupported image",
    E0311 => "health check path with TCP protocol",
    E0312 => "parameter in an ECR repository name",
    E0313 => "invalid memory",
    E0314 => "ECS service without a network",
    E0315 => "public ingress on ECS",
    E0316 => "needs a NAT gateway (or egress beyond the VPC)",
    E0317 => "command a shell could not split into words",
    E0318 => "more ECS services in a network than its load balancer has listeners",
    E0319 => "`egress = vpc` on ECS in an existing network with a NAT",
    E0320 => "App Runner is not offered in the app's region",

    // APIs and routes.
    E0401 => "duplicate route",
    E0402 => "greedy path segment not last",
    E0403 => "conflicting path variable names",
    E0404 => "target path uses an unbound name",
    E0405 => "private target in another network",
    E0406 => "api routes to private services without a network",
    E0407 => "invalid stage name",
    E0408 => "unknown HTTP method",
    E0409 => "path variable bound twice",
    E0410 => "throttle value out of range",

    // AWS names and limits.
    E0501 => "name exceeds an AWS limit",
    E0502 => "names collide once converted to resource ids",
    E0503 => "a param name Terraform reserves",

    // Backend quotas.
    E0601 => "CloudFormation quota exceeded",

    // Permissions.
    E0701 => "IAM action granting a whole service or every service",
    E0702 => "malformed IAM action",
    E0703 => "malformed resource ARN",

    // References between declarations.
    E0711 => "ambiguous `NAME.url`: an api and a service share the name",
    E0712 => "URL of a private service",
    E0713 => "URL references that make a cycle",
    E0714 => "unknown reference or reference outside `env`",

    // Bugs.
    E0901 => "internal error: a bug in aprc",

    // Warnings.
    W0001 => "private service is unreachable",
    W0002 => "only one availability zone",
    W0003 => "unused parameter",
    W0004 => "path segment API Gateway refuses",
    W0005 => "attribute on a route's line",
    W0006 => "grant on every resource",
    W0007 => "scale `concurrency` on ECS",
    W0008 => "two ECS services' names hash to one listener port",
}
