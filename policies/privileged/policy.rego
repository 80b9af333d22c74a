# METADATA
# title: Privileged containers
# description: No container runs privileged (securityContext.privileged true).
# custom:
#   id: privileged
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.privileged

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "privileged"

default_parameters := {"enabled": true}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	workload.security_context(container).privileged == true
	msg := sprintf("Policy: %s - container <%s> is privileged", [policy_id, workload.container_name(container)])
}
