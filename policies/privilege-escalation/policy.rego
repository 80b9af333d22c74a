# METADATA
# title: Privilege escalation
# description: Every container sets securityContext.allowPrivilegeEscalation to false explicitly (Kubernetes defaults it to true).
# custom:
#   id: privilege-escalation
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.privilege_escalation

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "privilege-escalation"

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
	not workload.security_context(container).allowPrivilegeEscalation == false
	msg := sprintf(
		"Policy: %s - container <%s> does not set allowPrivilegeEscalation to false",
		[policy_id, workload.container_name(container)],
	)
}
