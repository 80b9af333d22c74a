# METADATA
# title: SELinux options
# description: The seLinuxOptions of the pod and of every container are allowed - empty (no field set), or matching an entry of allowedSELinuxOptions, which must have the same value for every field (level, role, type, user) the options set. By default only empty options are allowed.
# custom:
#   id: selinux
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.selinux

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "selinux"

default_parameters := {
	"enabled": true,
	# [{level, role, type, user}, ...]: the seLinuxOptions pods and containers may set.
	"allowedSELinuxOptions": [],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_fields := ["level", "role", "type", "user"]

# The fields an options object sets (non-empty strings).
_set_fields(options) := {field: value |
	some field in _fields
	value := options[field]
	is_string(value)
	value != ""
}

_allowed(options) if count(_set_fields(options)) == 0

_allowed(options) if {
	fields_set := _set_fields(options)
	some entry in params.allowedSELinuxOptions
	every field, value in fields_set {
		object.get(entry, field, "") == value
	}
}

_text(options) := concat(" ", [sprintf("%s=%s", [field, value]) |
	some field in _fields
	value := _set_fields(options)[field]
])

deny contains msg if {
	_applies
	options := workload.pod_security_context.seLinuxOptions
	is_object(options)
	not _allowed(options)
	msg := sprintf("Policy: %s - the pod sets seLinuxOptions <%s> that are not allowed", [policy_id, _text(options)])
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	options := workload.security_context(container).seLinuxOptions
	is_object(options)
	not _allowed(options)
	msg := sprintf(
		"Policy: %s - container <%s> sets seLinuxOptions <%s> that are not allowed",
		[policy_id, workload.container_name(container), _text(options)],
	)
}
