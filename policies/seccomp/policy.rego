# METADATA
# title: Seccomp profiles
# description: Every container runs under an allowed seccomp profile - the first of its securityContext.seccompProfile, the annotation container.seccomp.security.alpha.kubernetes.io/<name>, the pod's securityContext.seccompProfile, the annotation seccomp.security.alpha.kubernetes.io/pod. Both spellings are accepted - RuntimeDefault is runtime/default (and docker/default), Unconfined is unconfined, Localhost allows any localhost/<profile>. A container with no profile fails.
# custom:
#   id: seccomp
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.seccomp

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "seccomp"

default_parameters := {
	"enabled": true,
	# Profiles containers may use: field types (RuntimeDefault, Localhost, Unconfined) or
	# annotation values (runtime/default, docker/default, localhost/<profile>, unconfined).
	"allowedProfiles": ["RuntimeDefault", "Localhost"],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_allowed := {p | some p in params.allowedProfiles}

_allowed_text := concat(", ", sort(_allowed))

_field_alias := {"RuntimeDefault": "runtime/default", "Unconfined": "unconfined"}

_annotation_alias := {"runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault", "unconfined": "Unconfined"}

# A profile as {"text": how it is written, "forms": the names it is allowed under}.
_from_field(p) := {"text": p.type, "forms": {p.type, object.get(_field_alias, p.type, p.type)}} if {
	is_string(p.type)
	p.type != "Localhost"
}

_from_field(p) := {"text": text, "forms": {"Localhost", text}} if {
	p.type == "Localhost"
	text := sprintf("localhost/%s", [object.get(p, "localhostProfile", "")])
}

_from_annotation(v) := {"text": v, "forms": {v, object.get(_annotation_alias, v, v)}} if {
	is_string(v)
	not startswith(v, "localhost/")
}

_from_annotation(v) := {"text": v, "forms": {v, "Localhost"}} if {
	is_string(v)
	startswith(v, "localhost/")
}

_container_annotation(container) := concat("", ["container.seccomp.security.alpha.kubernetes.io/", workload.container_name(container)])

# The profile that applies to a container, in Kubernetes' order.
_profile(container) := p if {
	p := _from_field(workload.security_context(container).seccompProfile)
} else := p if {
	p := _from_annotation(workload.pod_annotations[_container_annotation(container)])
} else := p if {
	p := _from_field(workload.pod_security_context.seccompProfile)
} else := p if {
	p := _from_annotation(workload.pod_annotations["seccomp.security.alpha.kubernetes.io/pod"])
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	not _profile(container)
	msg := sprintf(
		"Policy: %s - container <%s> has no seccomp profile (allowed: <%s>)",
		[policy_id, workload.container_name(container), _allowed_text],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	profile := _profile(container)
	count(profile.forms & _allowed) == 0
	msg := sprintf(
		"Policy: %s - container <%s> has the seccomp profile <%s>, not one of <%s>",
		[policy_id, workload.container_name(container), profile.text, _allowed_text],
	)
}
