# METADATA
# title: Forbidden sysctls
# description: The pod's securityContext.sysctls use no forbidden sysctl. A pattern is a sysctl name or a prefix ending in "*" ("kernel.*", "*" for all); allowedSysctls wins over forbiddenSysctls.
# custom:
#   id: forbidden-sysctls
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.forbidden_sysctls

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "forbidden-sysctls"

default_parameters := {
	"enabled": true,
	# Sysctls pods may not set (names or prefixes ending in "*").
	"forbiddenSysctls": ["*"],
	# Sysctls pods may set even when forbiddenSysctls matches them: Kubernetes' safe set.
	"allowedSysctls": [
		"kernel.shm_rmid_forced",
		"net.ipv4.ip_local_port_range",
		"net.ipv4.ip_unprivileged_port_start",
		"net.ipv4.tcp_syncookies",
		"net.ipv4.ping_group_range",
	],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_matches(name, pattern) if name == pattern

_matches(name, pattern) if {
	endswith(pattern, "*")
	startswith(name, trim_suffix(pattern, "*"))
}

_any_match(name, patterns) if {
	some pattern in patterns
	is_string(pattern)
	_matches(name, pattern)
}

deny contains msg if {
	_applies
	some sysctl in object.get(workload.pod_security_context, "sysctls", [])
	name := sysctl.name
	_any_match(name, params.forbiddenSysctls)
	not _any_match(name, params.allowedSysctls)
	msg := sprintf("Policy: %s - the pod sets the forbidden sysctl <%s>", [policy_id, name])
}
