# METADATA
# title: Host namespaces
# description: Pods do not share the host's PID or IPC namespace (hostPID, hostIPC).
# custom:
#   id: host-namespaces
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.host_namespaces

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "host-namespaces"

default_parameters := {"enabled": true}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_namespaces := {"hostPID": "PID", "hostIPC": "IPC"}

deny contains msg if {
	_applies
	some field, name in _namespaces
	workload.pod_spec[field] == true
	msg := sprintf("Policy: %s - the pod shares the host %s namespace (%s)", [policy_id, name, field])
}
