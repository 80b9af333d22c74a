# METADATA
# title: Read-only root filesystem
# description: Every container sets securityContext.readOnlyRootFilesystem to true.
# custom:
#   id: read-only-root-filesystem
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.read_only_root_filesystem

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "read-only-root-filesystem"

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
	not workload.security_context(container).readOnlyRootFilesystem == true
	msg := sprintf(
		"Policy: %s - container <%s> does not set readOnlyRootFilesystem to true",
		[policy_id, workload.container_name(container)],
	)
}
