# METADATA
# title: AppArmor profiles
# description: Every container runs under an allowed AppArmor profile, set by its securityContext.appArmorProfile, the pod's annotation container.apparmor.security.beta.kubernetes.io/<name>, or else the pod's securityContext.appArmorProfile. Both spellings are accepted - RuntimeDefault is runtime/default, Unconfined is unconfined, Localhost allows any localhost/<profile>. A container with no profile fails.
# custom:
#   id: apparmor
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.apparmor

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "apparmor"

default_parameters := {
	"enabled": true,
	# Profiles containers may use: field types (RuntimeDefault, Localhost, Unconfined) or
	# annotation values (runtime/default, localhost/<profile>, unconfined).
	"allowedProfiles": ["runtime/default", "RuntimeDefault"],
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_allowed := {p | some p in params.allowedProfiles}

_annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

_field_alias := {"RuntimeDefault": "runtime/default", "Unconfined": "unconfined"}

_annotation_alias := {"runtime/default": "RuntimeDefault", "unconfined": "Unconfined"}

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

# The container's own profiles: its securityContext field and its annotation.
_own(container) := {p | p := _from_field(workload.security_context(container).appArmorProfile)} | {p |
	key := concat("", [_annotation_prefix, workload.container_name(container)])
	p := _from_annotation(workload.pod_annotations[key])
}

# The container's profiles, or the pod's when the container sets none.
_profiles(container) := own if {
	own := _own(container)
	count(own) > 0
} else := {p | p := _from_field(workload.pod_security_context.appArmorProfile)}

_allowed_text := concat(", ", sort(_allowed))

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	count(_profiles(container)) == 0
	msg := sprintf(
		"Policy: %s - container <%s> has no AppArmor profile (allowed: <%s>)",
		[policy_id, workload.container_name(container), _allowed_text],
	)
}

deny contains msg if {
	_applies
	some container in exceptions.checked_containers(policy_id)
	some profile in _profiles(container)
	count(profile.forms & _allowed) == 0
	msg := sprintf(
		"Policy: %s - container <%s> has the AppArmor profile <%s>, not one of <%s>",
		[policy_id, workload.container_name(container), profile.text, _allowed_text],
	)
}
