# METADATA
# title: Container limits
# description: Every container (ephemeral containers excepted, Kubernetes gives them no resources) sets cpu and memory requests and limits, and its limits are at most the maximums.
# custom:
#   id: container-limits
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.container_limits

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.quantity
import data.lib.gatehouse.workload

policy_id := "container-limits"

default_parameters := {
	"enabled": true,
	# The largest cpu limit a container may set (a Kubernetes quantity; "" for no maximum).
	"cpu": "2",
	# The largest memory limit a container may set (a Kubernetes quantity; "" for no maximum).
	"memory": "4Gi",
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_resources := ["cpu", "memory"]

_kinds := {"limits": "limit", "requests": "request"}

# A value that is set (not absent, null or "").
_set(x) if {
	x != null
	x != ""
}

deny contains msg if {
	_applies
	some container in exceptions.checked_non_ephemeral_containers(policy_id)
	some kind, word in _kinds
	some resource in _resources
	not _set(object.get(container, ["resources", kind, resource], null))
	msg := sprintf(
		"Policy: %s - container <%s> has no %s %s",
		[policy_id, workload.container_name(container), resource, word],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_non_ephemeral_containers(policy_id)
	some kind, word in _kinds
	some resource in _resources
	value := object.get(container, ["resources", kind, resource], null)
	_set(value)
	not quantity.is_quantity(value)
	msg := sprintf(
		"Policy: %s - container <%s> has an invalid %s %s <%v>",
		[policy_id, workload.container_name(container), resource, word, value],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_non_ephemeral_containers(policy_id)
	some resource in _resources
	value := object.get(container, ["resources", "limits", resource], null)
	maximum := params[resource]
	_set(maximum)
	quantity.parse(value) > quantity.parse(maximum)
	msg := sprintf(
		"Policy: %s - container <%s> has a %s limit of <%v> above the maximum <%v>",
		[policy_id, workload.container_name(container), resource, value, maximum],
	)
}

deny contains msg if {
	_applies
	some resource in _resources
	maximum := params[resource]
	_set(maximum)
	not quantity.is_quantity(maximum)
	msg := sprintf("Policy: %s - the parameter %s <%v> is not a valid quantity", [policy_id, resource, maximum])
}
