//! What every spelling needs: the graph, the app's tags built once, and references to other
//! resources, each a `{"ref": ...}` to an output of that resource's main step ([`ids::main`]).
//! Main step ids are made once per resource, up front, and shared by every ref to them.

use super::ids;
use super::json::{StepId, J};
use super::steps::{ecs_tag_list, reference, tag_list, text, Name};
use crate::ir::{Graph, Id, Internal, Kind, Ref, SubnetRef, VpcRef};
use std::sync::Arc;

pub struct Cx<'a> {
    pub g: &'a Graph,
    /// The app's tags as EC2, ELB, IAM and App Runner take them, built once and shared.
    pub tags: J<'a>,
    /// The same tags as ECS takes them (`key`, `value`).
    pub ecs_tags: J<'a>,
    main: Vec<StepId>,
}

impl<'a> Cx<'a> {
    pub fn new(g: &'a Graph) -> Result<Cx<'a>, Internal> {
        let main = g
            .iter()
            .map(|(id, _)| ids::main(g, id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Cx {
            g,
            tags: J::Shared(Arc::new(tag_list(&g.app.tags))),
            ecs_tags: J::Shared(Arc::new(ecs_tag_list(&g.app.tags))),
            main,
        })
    }

    /// The id of resource `id`'s main step.
    pub fn step(&self, id: Id) -> Result<StepId, Internal> {
        self.main
            .get(id.index())
            .cloned()
            .ok_or_else(|| Internal(format!("resource #{} has no step", id.0)))
    }

    /// `{"ref": "<main step of r>.<output>"}`, once `r` is known to be of its kind.
    pub fn out<T: Kind>(&self, r: Ref<T>, output: impl Into<Name>) -> Result<J<'a>, Internal> {
        self.g.get(r)?;
        Ok(reference(self.step(r.id)?, output))
    }

    /// A VPC's id: a ref to the created VPC, or the existing id (which may hold a param).
    pub fn vpc_id(&self, vpc: &'a VpcRef) -> Result<J<'a>, Internal> {
        match vpc {
            VpcRef::Created(r) => self.out(*r, "VpcId"),
            VpcRef::Existing(id) => Ok(text(id)),
        }
    }

    pub fn subnet_ids(&self, subnets: &'a [SubnetRef]) -> Result<Vec<J<'a>>, Internal> {
        subnets
            .iter()
            .map(|s| match s {
                SubnetRef::Created(r) => self.out(*r, "SubnetId"),
                SubnetRef::Existing(id) => Ok(text(id)),
            })
            .collect()
    }

    pub fn refs<T: Kind>(
        &self,
        rs: &[Ref<T>],
        output: &'static str,
    ) -> Result<Vec<J<'a>>, Internal> {
        rs.iter().map(|r| self.out(*r, output)).collect()
    }
}
