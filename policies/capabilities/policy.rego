# METADATA
# title: Linux capabilities
# description: Containers add only allowed capabilities and drop the required ones. Names are compared in upper case without a CAP_ prefix; "ALL" in drop satisfies every required drop, "*" in allowedCapabilities allows every addition.
# custom:
#   id: capabilities
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.capabilities

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "capabilities"

default_parameters := {
	"enabled": true,
	# Capabilities containers may add (securityContext.capabilities.add); "*" allows any.
	"allowedCapabilities": [],
	# Capabilities every container must drop (securityContext.capabilities.drop).
	"requiredDropCapabilities": ["ALL"],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

# "cap_net_admin" -> "NET_ADMIN".
_normalize(cap) := trim_prefix(upper(cap), "CAP_")

_names(list) := {_normalize(c) | some c in list; is_string(c)}

_allowed := _names(params.allowedCapabilities)

_required_drop := _names(params.requiredDropCapabilities)

_added(container) := _names(object.get(workload.security_context(container), ["capabilities", "add"], []))

_dropped(container) := _names(object.get(workload.security_context(container), ["capabilities", "drop"], []))

deny contains msg if {
	_applies
	not "*" in _allowed
	some container in exceptions.checked_containers(policy_id)
	disallowed := _added(container) - _allowed
	count(disallowed) > 0
	msg := sprintf(
		"Policy: %s - container <%s> adds the capabilities <%s>, not in the allowed <%s>",
		[policy_id, workload.container_name(container), concat(", ", sort(disallowed)), concat(", ", sort(_allowed))],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	not "ALL" in _dropped(container)
	missing := _required_drop - _dropped(container)
	count(missing) > 0
	msg := sprintf(
		"Policy: %s - container <%s> does not drop the required capabilities <%s>",
		[policy_id, workload.container_name(container), concat(", ", sort(missing))],
	)
}
