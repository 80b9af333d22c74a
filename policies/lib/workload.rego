# METADATA
# title: Workload helpers
# description: Where a Kubernetes object keeps its pod spec, pod template, containers and annotations.
package lib.gatehouse.workload

# Kinds whose pod template is spec.template.
template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# Every kind the pod policies look at.
pod_kinds := template_kinds | {"Pod", "CronJob"}

# The container lists of a pod spec.
container_fields := ["containers", "initContainers", "ephemeralContainers"]

# The pod template of a templated workload (undefined for a Pod).
pod_template := t if {
	input.kind in template_kinds
	t := input.spec.template
	is_object(t)
}

pod_template := t if {
	input.kind == "CronJob"
	t := input.spec.jobTemplate.spec.template
	is_object(t)
}

# The pod spec: a Pod's spec, or the pod template's spec.
pod_spec := s if {
	input.kind == "Pod"
	s := input.spec
	is_object(s)
}

pod_spec := s if {
	s := pod_template.spec
	is_object(s)
}

# True for an object of a pod kind with a pod spec.
is_workload if {
	input.kind in pod_kinds
	pod_spec
}

# The object's own annotations.
object_annotations := a if {
	a := input.metadata.annotations
	is_object(a)
} else := {}

# The pod template's annotations ({} for a Pod or when there are none).
template_annotations := a if {
	a := pod_template.metadata.annotations
	is_object(a)
} else := {}

# Where gatehouse's own annotations (ignore, parameters) are read: the object and its pod template.
annotation_sources := [object_annotations, template_annotations]

# The annotations the pod itself will carry, as Kubernetes applies them: a Pod's own, or its
# template's for a templated workload (annotations on a Deployment's own metadata never reach
# its pods).
pod_annotations := object_annotations if {
	input.kind == "Pod"
} else := template_annotations

# Every container: containers, initContainers and ephemeralContainers.
containers contains c if {
	some field in container_fields
	some c in pod_spec[field]
	is_object(c)
}

# Containers that may have resources and ports (ephemeral containers may not).
non_ephemeral_containers contains c if {
	some field in ["containers", "initContainers"]
	some c in pod_spec[field]
	is_object(c)
}

# A container's name ("" when it has none).
container_name(c) := n if {
	n := c.name
	is_string(n)
} else := ""

# The pod's securityContext ({} when unset).
pod_security_context := s if {
	s := pod_spec.securityContext
	is_object(s)
} else := {}

# A container's securityContext ({} when unset).
security_context(c) := s if {
	s := c.securityContext
	is_object(s)
} else := {}
