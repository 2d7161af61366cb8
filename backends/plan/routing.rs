//! A created network's way out (`nat = true`) and its route tables as API calls: the internet
//! gateway (created, then attached by its own call: whatever routes to it waits for the
//! attachment, and its delete detaches it), route tables with their routes and subnet
//! associations, Elastic IPs and NAT gateways.
//!
//! A NAT gateway is polled until available, and its delete until deleted: only then may its
//! Elastic IP be released and the internet gateway detached (AWS refuses both while the NAT
//! gateway still holds the address), which the plan's reverse order does next.

use super::cx::Cx;
use super::ids::{id, kind};
use super::json::{arr, obj, StepId};
use super::steps::{tag_spec, Step};
use crate::ir::{
    ElasticIp, Id, Internal, InternetGateway, NatGateway, Props, Route, RouteTable,
    RouteTableAssociation, RouteTarget,
};

/// The step that attaches an internet gateway to its VPC: what routes through the gateway
/// waits for it.
pub fn attachment_step(cx: &Cx, gateway: Id) -> Result<StepId, Internal> {
    match &cx.g.resource(gateway)?.props {
        Props::InternetGateway(_) => Ok(id(
            &cx.g.owner(gateway)?.names.spec,
            kind::INTERNET_GATEWAY_ATTACHMENT,
        )),
        other => Err(Internal(format!(
            "an internet gateway's attachment belongs to a {}",
            other.kind_name()
        ))),
    }
}

/// CreateInternetGateway, then AttachInternetGateway (whose delete detaches it).
pub fn internet_gateway<'a>(
    cx: &Cx<'a>,
    me: Id,
    igw: &'a InternetGateway,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! { "TagSpecifications" => tag_spec("internet-gateway", &cx.g.app.tags) };
    let step = Step::new(cx.step(me)?, "ec2", "CreateInternetGateway", input)
        .output("InternetGatewayId", "InternetGateway.InternetGatewayId");
    let gateway_id = step.out("InternetGatewayId");
    out.push(step.delete(
        "DeleteInternetGateway",
        obj! { "InternetGatewayId" => gateway_id.clone() },
    ));
    let input = obj! {
        "InternetGatewayId" => gateway_id,
        "VpcId" => cx.out(igw.vpc, "VpcId")?,
    };
    let owner = &cx.g.owner(me)?.names.spec;
    out.push(
        Step::new(
            id(owner, kind::INTERNET_GATEWAY_ATTACHMENT),
            "ec2",
            "AttachInternetGateway",
            input.clone(),
        )
        .delete("DetachInternetGateway", input),
    );
    Ok(())
}

pub fn route_table<'a>(
    cx: &Cx<'a>,
    me: Id,
    t: &'a RouteTable,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "VpcId" => cx.out(t.vpc, "VpcId")?,
        "TagSpecifications" => tag_spec("route-table", &cx.g.app.tags),
    };
    let step = Step::new(cx.step(me)?, "ec2", "CreateRouteTable", input)
        .output("RouteTableId", "RouteTable.RouteTableId");
    let delete = obj! { "RouteTableId" => step.out("RouteTableId") };
    out.push(step.delete("DeleteRouteTable", delete));
    Ok(())
}

/// CreateRoute to the internet gateway (once attached) or a NAT gateway (once available).
pub fn route<'a>(
    cx: &Cx<'a>,
    me: Id,
    r: &'a Route,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let key = obj! {
        "RouteTableId" => cx.out(r.table, "RouteTableId")?,
        "DestinationCidrBlock" => &r.destination,
    };
    let mut input = key.clone();
    let mut attached = None;
    match r.target {
        RouteTarget::InternetGateway(igw) => {
            input.push("GatewayId", cx.out(igw, "InternetGatewayId")?);
            attached = Some(attachment_step(cx, igw.id)?);
        }
        RouteTarget::NatGateway(nat) => input.push("NatGatewayId", cx.out(nat, "NatGatewayId")?),
    }
    let mut step = Step::new(cx.step(me)?, "ec2", "CreateRoute", input);
    if let Some(attachment) = attached {
        step = step.after(attachment);
    }
    out.push(step.delete("DeleteRoute", key));
    Ok(())
}

pub fn route_table_association<'a>(
    cx: &Cx<'a>,
    me: Id,
    a: &'a RouteTableAssociation,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "RouteTableId" => cx.out(a.table, "RouteTableId")?,
        "SubnetId" => cx.out(a.subnet, "SubnetId")?,
    };
    let step = Step::new(cx.step(me)?, "ec2", "AssociateRouteTable", input)
        .output("AssociationId", "AssociationId");
    let delete = obj! { "AssociationId" => step.out("AssociationId") };
    out.push(step.delete("DisassociateRouteTable", delete));
    Ok(())
}

pub fn elastic_ip<'a>(
    cx: &Cx<'a>,
    me: Id,
    _eip: &'a ElasticIp,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "Domain" => "vpc",
        "TagSpecifications" => tag_spec("elastic-ip", &cx.g.app.tags),
    };
    let step = Step::new(cx.step(me)?, "ec2", "AllocateAddress", input)
        .output("AllocationId", "AllocationId");
    let delete = obj! { "AllocationId" => step.out("AllocationId") };
    out.push(step.delete("ReleaseAddress", delete));
    Ok(())
}

/// A public NAT gateway, once the internet gateway is attached; available before anything
/// routes to it, deleted (not only deleting) before its address and gateway go.
pub fn nat_gateway<'a>(
    cx: &Cx<'a>,
    me: Id,
    nat: &'a NatGateway,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "SubnetId" => cx.out(nat.subnet, "SubnetId")?,
        "AllocationId" => cx.out(nat.eip, "AllocationId")?,
        "ConnectivityType" => "public",
        "TagSpecifications" => tag_spec("natgateway", &cx.g.app.tags),
    };
    let step = Step::new(cx.step(me)?, "ec2", "CreateNatGateway", input)
        .output("NatGatewayId", "NatGateway.NatGatewayId")
        .after(attachment_step(cx, nat.internet.id)?);
    let nat_id = step.out("NatGatewayId");
    let ids = obj! { "NatGatewayIds" => arr![nat_id.clone()] };
    let step = step.wait(
        "DescribeNatGateways",
        ids.clone(),
        "NatGateways[0].State",
        "available",
        900,
    );
    out.push(
        step.delete("DeleteNatGateway", obj! { "NatGatewayId" => nat_id })
            .delete_wait(
                "DescribeNatGateways",
                ids,
                "NatGateways[0].State",
                "deleted",
                900,
            ),
    );
    Ok(())
}
