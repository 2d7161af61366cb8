//! A created network's way out, as CloudFormation resources: the internet gateway with its
//! attachment to the VPC, the route tables, their routes and their subnets' associations,
//! and per zone an Elastic IP and a NAT gateway (`nat = true`); without a NAT, the one route
//! table of the private subnets that the S3 gateway endpoint writes its routes into.
//!
//! The graph's gateway is attached by definition; CloudFormation attaches it with a resource
//! of its own (`<Gateway>Attachment`, named in `cx.rs`). A route through the gateway and a
//! NAT gateway need it attached, not only created, which no property says: both wait for the
//! attachment with `DependsOn`. A route through a NAT gateway waits for that NAT gateway,
//! which waits for the attachment.

use super::cx::{attachment_id, id, internal, Cx};
use super::intrinsics::ref_;
use super::{BackendError, Template};
use crate::ir::{
    ElasticIp, Id, InternetGateway, NatGateway, Route, RouteTable, RouteTableAssociation,
    RouteTarget,
};
use serde_json::{json, Value};

/// The gateway, then its attachment to the VPC.
pub fn internet_gateway(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    gw: &InternetGateway,
) -> Result<(), BackendError> {
    let gateway = id(cx, me)?;
    t.add(
        gateway,
        "AWS::EC2::InternetGateway",
        json!({ "Tags": t.tags }),
    )?;
    let props = json!({
        "VpcId": cx.ref_(gw.vpc).map_err(internal)?,
        "InternetGatewayId": ref_(gateway),
    });
    let attachment = attachment_id(gateway);
    t.add(&attachment, "AWS::EC2::VPCGatewayAttachment", props)
}

pub fn route_table(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    table: &RouteTable,
) -> Result<(), BackendError> {
    let props = json!({
        "VpcId": cx.ref_(table.vpc).map_err(internal)?,
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::EC2::RouteTable", props)
}

pub fn route(cx: &Cx, t: &mut Template, me: Id, route: &Route) -> Result<(), BackendError> {
    let mut props = serde_json::Map::new();
    props.insert(
        "RouteTableId".into(),
        cx.ref_(route.table).map_err(internal)?,
    );
    props.insert("DestinationCidrBlock".into(), json!(route.destination));
    let mut after = Vec::new();
    match route.target {
        RouteTarget::InternetGateway(gw) => {
            props.insert("GatewayId".into(), cx.ref_(gw).map_err(internal)?);
            after.push(cx.attachment(gw).map_err(internal)?);
        }
        RouteTarget::NatGateway(nat) => {
            props.insert("NatGatewayId".into(), cx.ref_(nat).map_err(internal)?);
        }
    }
    t.add_after(id(cx, me)?, "AWS::EC2::Route", Value::Object(props), after)
}

pub fn association(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    assoc: &RouteTableAssociation,
) -> Result<(), BackendError> {
    let props = json!({
        "RouteTableId": cx.ref_(assoc.table).map_err(internal)?,
        "SubnetId": cx.ref_(assoc.subnet).map_err(internal)?,
    });
    t.add(id(cx, me)?, "AWS::EC2::SubnetRouteTableAssociation", props)
}

pub fn elastic_ip(cx: &Cx, t: &mut Template, me: Id, _: &ElasticIp) -> Result<(), BackendError> {
    let props = json!({ "Domain": "vpc", "Tags": t.tags });
    t.add(id(cx, me)?, "AWS::EC2::EIP", props)
}

/// A public NAT gateway, once its VPC's internet gateway is attached.
pub fn nat_gateway(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    nat: &NatGateway,
) -> Result<(), BackendError> {
    let props = json!({
        "ConnectivityType": "public",
        "AllocationId": cx.att(nat.eip, "AllocationId").map_err(internal)?,
        "SubnetId": cx.ref_(nat.subnet).map_err(internal)?,
        "Tags": t.tags,
    });
    let attachment = cx.attachment(nat.internet).map_err(internal)?;
    t.add_after(id(cx, me)?, "AWS::EC2::NatGateway", props, vec![attachment])
}
