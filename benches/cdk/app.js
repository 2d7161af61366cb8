// The architecture aprc builds for examples/seed.apr, written as an AWS CDK app, so that
// compare.sh can time CDK's synth beside aprc's build on the same machine (issue 7).
//
// `node app.js` synthesizes the seed: one private App Runner service behind a REST API with an
// api key, `ANY /{proxy+}` proxied to it. `SERVICES=N node app.js` synthesizes the benchmark
// workload of benches/support/specgen.rs instead: N services, odd ones from a private ECR
// image (with an access role), even ones from ECR Public, and one api routing
// `ANY /svcK/{proxy+}` to `svcK`'s `/{proxy}`.
//
// The resources and their wiring are those of aprc's CloudFormation template: a VPC with
// private subnets only; the App Runner requests interface endpoint and its security group; an
// internal NLB (TCP 443) whose IP target group holds the endpoint's ENI IPs, looked up by a
// custom resource backed by aprc's own inline Lambda (backends/cfn/eni_lookup.py) with its log
// group and dead-letter queue; listener; VPC link; REST API with one proxy resource, method
// and VPC_LINK HTTP_PROXY integration per route; deployment, stage, api key and usage plan;
// per service an App Runner service, its VPC ingress connection and, for private ECR, its
// access role. Constructs are L2 where aws-cdk-lib has them and L1 (Cfn*) for App Runner,
// which has no L2 in aws-cdk-lib; so CDK adds what its L2s add (route tables, the Lambda's
// execution role policy, ...).
//
// Synthesis, with validation off as issue 7 measures it:
// - `builtinCloudFormationValidation: false` turns off CDK's built-in CloudFormation template
//   validation (the switch behind `--no-validation` and `CDK_VALIDATION=false`); construct
//   validation, which every synth runs, stays on.
// - No aspects: tags are the stack's `tags`, which CloudFormation applies to every taggable
//   resource at deploy time, not `Tags.of(...)`, which is an aspect.
// - `@aws-cdk/core:stackResourceLimit = 0` lifts CDK's own 500-resource check, so the large
//   workloads synthesize (to one over-quota stack) rather than stop, as aprc's cfn target does.
// The assembly goes to $CDK_OUTDIR if set (compare.sh makes and removes one per run), else to
// a fresh temporary directory, which is left for the caller to read.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const {
  aws_apigateway: apigw,
  aws_apprunner: apprunner,
  aws_ec2: ec2,
  aws_elasticloadbalancingv2: elbv2,
  aws_elasticloadbalancingv2_targets: targets,
  aws_iam: iam,
  aws_lambda: lambda,
  aws_logs: logs,
  aws_sqs: sqs,
} = cdk;

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ZONES = 2;
const ENI_LOOKUP_SOURCE = fs.readFileSync(
  path.join(__dirname, '..', '..', 'backends', 'cfn', 'eni_lookup.py'),
  'utf8',
);

// What to build: the seed, or specgen.rs's workload of `SERVICES` services.
function workload() {
  const ecr = (repo) => ({ repo, image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${repo}:\${ImageTag}` });
  if (process.env.SERVICES === undefined) {
    return {
      app: 'seed',
      services: [{ name: 'orders', ...ecr('orders') }],
      routes: [{ path: '{proxy+}', service: 'orders' }],
    };
  }
  const n = Number.parseInt(process.env.SERVICES, 10);
  if (!(n >= 1)) throw new Error(`SERVICES must be a positive integer, not ${process.env.SERVICES}`);
  const services = [];
  const routes = [];
  for (let k = 1; k <= n; k++) {
    const name = `svc${k}`;
    services.push(k % 2 === 1 ? { name, ...ecr(name) } : { name, image: `public.ecr.aws/acme/${name}:1.0` });
    routes.push({ path: `${name}/{proxy+}`, service: name });
  }
  return { app: 'bench', services, routes };
}

const pascal = (name) => name.charAt(0).toUpperCase() + name.slice(1);

// The network `core`: VPC, endpoint, ENI lookup, NLB and VPC link.
function network(stack, app) {
  const vpc = new ec2.Vpc(stack, 'CoreVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: ZONES,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  const endpointSg = new ec2.SecurityGroup(stack, 'CoreEndpointSecurityGroup', {
    vpc,
    securityGroupName: `${app}-core-endpoint`,
    description: `App Runner requests endpoint of ${app}-core`,
    allowAllOutbound: false,
  });
  const nlbSg = new ec2.SecurityGroup(stack, 'CoreNlbSecurityGroup', {
    vpc,
    securityGroupName: `${app}-core-nlb`,
    description: `Network load balancer for the API Gateway VPC link of ${app}-core`,
    allowAllOutbound: false,
  });
  // One ingress rule on the endpoint group and one egress rule on the NLB group.
  nlbSg.connections.allowTo(endpointSg, ec2.Port.tcp(443), 'HTTPS between the VPC link load balancer and the endpoint');

  const endpoint = vpc.addInterfaceEndpoint('CoreVpcEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.APP_RUNNER_REQUESTS,
    subnets,
    securityGroups: [endpointSg],
    privateDnsEnabled: false,
    open: false,
  });

  const fn = eniLookup(stack);
  const eniIps = new cdk.CustomResource(stack, 'CoreEniIps', {
    serviceToken: fn.functionArn,
    resourceType: 'Custom::EndpointEniIps',
    properties: {
      VpcEndpointId: endpoint.vpcEndpointId,
      SubnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
    },
  });

  const nlb = new elbv2.NetworkLoadBalancer(stack, 'CoreNlb', {
    vpc,
    vpcSubnets: subnets,
    internetFacing: false,
    loadBalancerName: `${app}-core`,
    securityGroups: [nlbSg],
    crossZoneEnabled: true,
    enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
  });
  const targetGroup = new elbv2.NetworkTargetGroup(stack, 'CoreTargetGroup', {
    vpc,
    targetGroupName: `${app}-core`,
    protocol: elbv2.Protocol.TCP,
    port: 443,
    targetType: elbv2.TargetType.IP,
    targets: Array.from({ length: ZONES }, (_, i) => new targets.IpTarget(eniIps.getAttString(`Ip${i}`), 443)),
  });
  nlb.addListener('CoreListener', { protocol: elbv2.Protocol.TCP, port: 443, defaultTargetGroups: [targetGroup] });

  const vpcLink = new apigw.VpcLink(stack, 'CoreVpcLink', { vpcLinkName: `${app}-core`, targets: [nlb] });
  return { vpc, endpoint, vpcLink };
}

// The ENI lookup function: aprc's inline Python, its log group and dead-letter queue.
function eniLookup(stack) {
  const logGroup = new logs.LogGroup(stack, 'EniLookupLogGroup', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  const deadLetterQueue = new sqs.Queue(stack, 'EniLookupDeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS_MANAGED,
    retentionPeriod: cdk.Duration.days(14),
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  return new lambda.Function(stack, 'EniLookupFunction', {
    description: 'Answers Custom::EndpointEniIps with the private IPs of a VPC endpoint\'s ENIs',
    runtime: lambda.Runtime.PYTHON_3_14,
    handler: 'index.handler',
    code: lambda.Code.fromInline(ENI_LOOKUP_SOURCE),
    timeout: cdk.Duration.seconds(300),
    memorySize: 128,
    logGroup,
    deadLetterQueue,
    initialPolicy: [
      new iam.PolicyStatement({
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints'],
        resources: ['*'],
      }),
    ],
  });
}

// One private App Runner service, its VPC ingress connection and (private ECR) access role.
function service(stack, app, net, svc) {
  const id = pascal(svc.name);
  let accessRole;
  if (svc.repo !== undefined) {
    accessRole = new iam.Role(stack, `${id}AccessRole`, {
      assumedBy: new iam.ServicePrincipal('build.apprunner.amazonaws.com'),
      inlinePolicies: {
        'pull-image': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
            new iam.PolicyStatement({
              sid: 'PullImage',
              actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:GetDownloadUrlForLayer'],
              resources: [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${svc.repo}`],
            }),
          ],
        }),
      },
    });
  }
  const runner = new apprunner.CfnService(stack, `${id}Service`, {
    serviceName: `${app}-${svc.name}`,
    sourceConfiguration: {
      authenticationConfiguration: accessRole && { accessRoleArn: accessRole.roleArn },
      autoDeploymentsEnabled: false,
      imageRepository: {
        imageIdentifier: accessRole ? cdk.Fn.sub(svc.image) : svc.image,
        imageRepositoryType: accessRole ? 'ECR' : 'ECR_PUBLIC',
        imageConfiguration: { port: '8080' },
      },
    },
    instanceConfiguration: { cpu: '1 vCPU', memory: '2 GB' },
    networkConfiguration: {
      ingressConfiguration: { isPubliclyAccessible: false },
      egressConfiguration: { egressType: 'DEFAULT' },
    },
  });
  const ingress = new apprunner.CfnVpcIngressConnection(stack, `${id}IngressConnection`, {
    vpcIngressConnectionName: `${app}-${svc.name}`,
    serviceArn: runner.attrServiceArn,
    ingressVpcConfiguration: { vpcId: net.vpc.vpcId, vpcEndpointId: net.endpoint.vpcEndpointId },
  });
  new cdk.CfnOutput(stack, `${id}IngressDomain`, {
    description: `Private domain name of \`${svc.name}\`'s VPC ingress connection`,
    value: ingress.attrDomainName,
  });
  new cdk.CfnOutput(stack, `${id}ServiceArn`, {
    description: `ARN of App Runner service \`${svc.name}\``,
    value: runner.attrServiceArn,
  });
  return ingress;
}

// The api `public`: REST API, one proxy method per route, stage `prod`, api key, usage plan.
function api(stack, app, net, routes, ingressOf) {
  const rest = new apigw.RestApi(stack, 'PublicApi', {
    restApiName: `${app}-public`,
    endpointTypes: [apigw.EndpointType.REGIONAL],
    cloudWatchRole: false, // the account-wide setting, which aprc does not create either
    deployOptions: { stageName: 'prod', tracingEnabled: false },
  });
  for (const route of routes) {
    const integration = new apigw.Integration({
      type: apigw.IntegrationType.HTTP_PROXY,
      integrationHttpMethod: 'ANY',
      uri: `https://${ingressOf.get(route.service).attrDomainName}/{proxy}`,
      options: {
        connectionType: apigw.ConnectionType.VPC_LINK,
        vpcLink: net.vpcLink,
        requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
      },
    });
    rest.root.resourceForPath(route.path).addMethod('ANY', integration, {
      apiKeyRequired: true,
      requestParameters: { 'method.request.path.proxy': true },
    });
  }
  const key = rest.addApiKey('PublicApiKey', { apiKeyName: `${app}-public` });
  const plan = rest.addUsagePlan('PublicUsagePlan', {
    name: `${app}-public`,
    apiStages: [{ api: rest, stage: rest.deploymentStage }],
  });
  plan.addApiKey(key);
  // The invoke URL is the RestApi's own `Endpoint` output.
  new cdk.CfnOutput(stack, 'PublicApiKeyId', { description: 'Id of the api key of `public` (not its value)', value: key.keyId });
}

function main() {
  const spec = workload();
  const outdir = process.env.CDK_OUTDIR || fs.mkdtempSync(path.join(os.tmpdir(), 'aprc-cdk-'));
  const app = new cdk.App({
    outdir,
    autoSynth: false,
    builtinCloudFormationValidation: false,
    context: { '@aws-cdk/core:stackResourceLimit': 0 },
  });
  const stack = new cdk.Stack(app, pascal(spec.app), {
    description: `${spec.app}: private App Runner services behind API Gateway (generated by the AWS CDK)`,
    tags: { app: spec.app, team: 'platform' },
  });
  new cdk.CfnParameter(stack, 'ImageTag', { type: 'String', description: 'aprc param `image_tag`', default: '1.0.0' });

  const net = network(stack, spec.app);
  const ingressOf = new Map(spec.services.map((svc) => [svc.name, service(stack, spec.app, net, svc)]));
  api(stack, spec.app, net, spec.routes, ingressOf);
  app.synth();
}

main();
