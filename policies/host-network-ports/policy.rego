# METADATA
# title: Host network and ports
# description: Pods use the host network only when the hostNetwork parameter allows it, and containers' hostPorts lie within min..max (0..0 by default - no host port; a hostPort of 0 means none).
# custom:
#   id: host-network-ports
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.host_network_ports

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "host-network-ports"

default_parameters := {
	"enabled": true,
	# Whether pods may set hostNetwork: true.
	"hostNetwork": false,
	# The range of hostPorts containers may use (0..0: none).
	"min": 0,
	"max": 0,
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

deny contains msg if {
	_applies
	workload.pod_spec.hostNetwork == true
	params.hostNetwork != true
	msg := sprintf("Policy: %s - the pod uses the host network (hostNetwork)", [policy_id])
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	some port in object.get(container, "ports", [])
	host_port := port.hostPort
	is_number(host_port)
	host_port != 0
	_outside(host_port)
	msg := sprintf(
		"Policy: %s - container <%s> uses the host port <%v>, outside the allowed range <%v-%v>",
		[policy_id, workload.container_name(container), host_port, params.min, params.max],
	)
}

_outside(p) if p < params.min

_outside(p) if p > params.max
