# METADATA
# title: Allowed users and groups
# description: The user and groups containers run as, with PodSecurityPolicy's rules - runAsUser (MustRunAsNonRoot, MustRunAs, MayRunAs, RunAsAny) and runAsGroup per container (the container's securityContext, else the pod's), fsGroup and supplementalGroups per pod (MustRunAs, MayRunAs, RunAsAny).
# custom:
#   id: allowed-users
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
package policy.allowed_users

import data.lib.gatehouse.exceptions
import data.lib.gatehouse.parameters
import data.lib.gatehouse.workload

policy_id := "allowed-users"

default_parameters := {
	"enabled": true,
	# MustRunAsNonRoot: runAsNonRoot true or a non-zero runAsUser (a runAsUser of 0 fails);
	# MustRunAs: runAsUser set and in ranges; MayRunAs: in ranges when set; RunAsAny: anything.
	"runAsUser": {"rule": "MustRunAsNonRoot", "ranges": []},
	# MustRunAs, MayRunAs or RunAsAny, as for runAsUser.
	"runAsGroup": {"rule": "RunAsAny", "ranges": []},
	"fsGroup": {"rule": "RunAsAny", "ranges": []},
	"supplementalGroups": {"rule": "RunAsAny", "ranges": []},
}

params := parameters.effective(policy_id, default_parameters)

_applies if {
	workload.is_workload
	exceptions.applies(policy_id)
	parameters.enabled(params)
}

_group_rules := {"MustRunAs", "MayRunAs", "RunAsAny"}

_valid_rules := {
	"runAsUser": _group_rules | {"MustRunAsNonRoot"},
	"runAsGroup": _group_rules,
	"fsGroup": _group_rules,
	"supplementalGroups": _group_rules,
}

_rule(field) := object.get(params, [field, "rule"], "RunAsAny")

_ranges(field) := r if {
	r := params[field].ranges
	is_array(r)
} else := []

_ranges_text(field) := concat(", ", [sprintf("%v-%v", [object.get(r, "min", ""), object.get(r, "max", "")]) | some r in _ranges(field)])

_in_ranges(value, ranges) if {
	some r in ranges
	value >= r.min
	value <= r.max
}

# A field of the container's securityContext, else of the pod's (undefined when neither sets it).
_value(container, field) := v if {
	v := workload.security_context(container)[field]
	v != null
} else := v if {
	v := workload.pod_security_context[field]
	v != null
}

_has(container, field) if {
	_ = _value(container, field)
}

_name(container) := workload.container_name(container)

# --- runAsUser: MustRunAsNonRoot -------------------------------------------------------------

deny contains msg if {
	_applies
	_rule("runAsUser") == "MustRunAsNonRoot"
	some container in exceptions.checked_containers(policy_id)
	_value(container, "runAsUser") == 0
	msg := sprintf("Policy: %s - container <%s> runs as root (runAsUser 0)", [policy_id, _name(container)])
}

deny contains msg if {
	_applies
	_rule("runAsUser") == "MustRunAsNonRoot"
	some container in exceptions.checked_containers(policy_id)
	not _has(container, "runAsUser")
	not _value(container, "runAsNonRoot") == true
	msg := sprintf(
		"Policy: %s - container <%s> must set runAsNonRoot to true or runAsUser to a non-zero user id",
		[policy_id, _name(container)],
	)
}

# --- runAsUser and runAsGroup: MustRunAs, MayRunAs -------------------------------------------

deny contains msg if {
	_applies
	some field in ["runAsUser", "runAsGroup"]
	_rule(field) == "MustRunAs"
	some container in exceptions.checked_containers(policy_id)
	not _has(container, field)
	msg := sprintf(
		"Policy: %s - container <%s> sets no %s (allowed: <%s>)",
		[policy_id, _name(container), field, _ranges_text(field)],
	)
}

deny contains msg if {
	_applies
	some field in ["runAsUser", "runAsGroup"]
	_rule(field) in {"MustRunAs", "MayRunAs"}
	some container in exceptions.checked_containers(policy_id)
	value := _value(container, field)
	not _in_ranges(value, _ranges(field))
	msg := sprintf(
		"Policy: %s - container <%s> has %s <%v>, outside the allowed ranges <%s>",
		[policy_id, _name(container), field, value, _ranges_text(field)],
	)
}

# --- fsGroup (pod) -----------------------------------------------------------------------------

_fs_group := g if {
	g := workload.pod_security_context.fsGroup
	g != null
}

deny contains msg if {
	_applies
	_rule("fsGroup") == "MustRunAs"
	not _fs_group
	msg := sprintf("Policy: %s - the pod sets no fsGroup (allowed: <%s>)", [policy_id, _ranges_text("fsGroup")])
}

deny contains msg if {
	_applies
	_rule("fsGroup") in {"MustRunAs", "MayRunAs"}
	group := _fs_group
	not _in_ranges(group, _ranges("fsGroup"))
	msg := sprintf(
		"Policy: %s - the pod has fsGroup <%v>, outside the allowed ranges <%s>",
		[policy_id, group, _ranges_text("fsGroup")],
	)
}

# --- supplementalGroups (pod) ------------------------------------------------------------------

_supplemental_groups := g if {
	g := workload.pod_security_context.supplementalGroups
	is_array(g)
} else := []

deny contains msg if {
	_applies
	_rule("supplementalGroups") == "MustRunAs"
	count(_supplemental_groups) == 0
	msg := sprintf(
		"Policy: %s - the pod sets no supplementalGroups (allowed: <%s>)",
		[policy_id, _ranges_text("supplementalGroups")],
	)
}

deny contains msg if {
	_applies
	_rule("supplementalGroups") in {"MustRunAs", "MayRunAs"}
	some group in _supplemental_groups
	not _in_ranges(group, _ranges("supplementalGroups"))
	msg := sprintf(
		"Policy: %s - the pod has the supplemental group <%v>, outside the allowed ranges <%s>",
		[policy_id, group, _ranges_text("supplementalGroups")],
	)
}

# --- parameters --------------------------------------------------------------------------------

deny contains msg if {
	_applies
	some field, rules in _valid_rules
	rule := _rule(field)
	not rule in rules
	msg := sprintf(
		"Policy: %s - the parameter %s.rule <%v> is not one of <%s>",
		[policy_id, field, rule, concat(", ", sort(rules))],
	)
}
