package policy.allowed_users_test

import data.lib.gatehouse.fixtures
import data.policy.allowed_users as policy

_c(name, sc) := {"name": name, "image": "nginx:1.25", "securityContext": sc}

_must_run_as := {"allowed-users": {
	"runAsUser": {"rule": "MustRunAs", "ranges": [{"min": 1000, "max": 1999}, {"min": 3000, "max": 3000}]},
	"runAsGroup": {"rule": "MayRunAs", "ranges": [{"min": 1000, "max": 1999}]},
	"fsGroup": {"rule": "MustRunAs", "ranges": [{"min": 2000, "max": 2999}]},
	"supplementalGroups": {"rule": "MustRunAs", "ranges": [{"min": 2000, "max": 2999}]},
}}

test_pod_non_root_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"securityContext": {"runAsNonRoot": true}, "containers": [_c("web", {})]})
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"runAsUser": 1000})]})
	count(policy.deny) == 0 with input as fixtures.pod({"securityContext": {"runAsUser": 1000}, "containers": [_c("web", {"runAsNonRoot": false})]})
}

test_pod_without_user_fails if {
	policy.deny == {"Policy: allowed-users - container <web> must set runAsNonRoot to true or runAsUser to a non-zero user id"} with input as fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
}

test_container_overrides_pod if {
	obj := fixtures.pod({"securityContext": {"runAsNonRoot": true}, "containers": [_c("web", {"runAsNonRoot": false}), _c("app", {})]})
	policy.deny == {"Policy: allowed-users - container <web> must set runAsNonRoot to true or runAsUser to a non-zero user id"} with input as obj
}

test_root_fails if {
	obj := fixtures.deployment({"securityContext": {"runAsNonRoot": true}, "containers": [_c("web", {"runAsUser": 0})]})
	policy.deny == {"Policy: allowed-users - container <web> runs as root (runAsUser 0)"} with input as obj
}

test_cronjob_init_container_fails if {
	obj := fixtures.cronjob({
		"initContainers": [_c("init", {"runAsUser": 0})],
		"containers": [_c("job", {"runAsUser": 1000})],
	})
	policy.deny == {"Policy: allowed-users - container <init> runs as root (runAsUser 0)"} with input as obj
}

test_must_run_as_passes if {
	obj := fixtures.pod({
		"securityContext": {"runAsUser": 1500, "fsGroup": 2000, "supplementalGroups": [2001, 2999]},
		"containers": [_c("web", {}), _c("app", {"runAsUser": 3000, "runAsGroup": 1000})],
	})
	count(policy.deny) == 0 with input as obj with data.parameters as _must_run_as
}

test_must_run_as_fails if {
	obj := fixtures.deployment({
		"securityContext": {"fsGroup": 10, "supplementalGroups": [2001, 5]},
		"containers": [_c("web", {"runAsUser": 2000, "runAsGroup": 0}), _c("app", {})],
	})
	policy.deny == {
		"Policy: allowed-users - container <web> has runAsUser <2000>, outside the allowed ranges <1000-1999, 3000-3000>",
		"Policy: allowed-users - container <web> has runAsGroup <0>, outside the allowed ranges <1000-1999>",
		"Policy: allowed-users - container <app> sets no runAsUser (allowed: <1000-1999, 3000-3000>)",
		"Policy: allowed-users - the pod has fsGroup <10>, outside the allowed ranges <2000-2999>",
		"Policy: allowed-users - the pod has the supplemental group <5>, outside the allowed ranges <2000-2999>",
	} with input as obj
		with data.parameters as _must_run_as
}

test_must_run_as_missing_pod_groups if {
	obj := fixtures.pod({"containers": [_c("web", {"runAsUser": 1000})]})
	policy.deny == {
		"Policy: allowed-users - the pod sets no fsGroup (allowed: <2000-2999>)",
		"Policy: allowed-users - the pod sets no supplementalGroups (allowed: <2000-2999>)",
	} with input as obj
		with data.parameters as _must_run_as
}

test_may_run_as_allows_unset if {
	p := {"allowed-users": {
		"runAsUser": {"rule": "RunAsAny"},
		"fsGroup": {"rule": "MayRunAs", "ranges": [{"min": 1, "max": 5}]},
		"supplementalGroups": {"rule": "MayRunAs", "ranges": [{"min": 1, "max": 5}]},
	}}
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"runAsUser": 0})]}) with data.parameters as p
	policy.deny == {"Policy: allowed-users - the pod has fsGroup <6>, outside the allowed ranges <1-5>"} with input as fixtures.pod({"securityContext": {"fsGroup": 6}, "containers": [_c("web", {})]})
		with data.parameters as p
}

test_invalid_rule if {
	obj := fixtures.pod({"containers": [_c("web", {"runAsUser": 1000})]})
	policy.deny == {"Policy: allowed-users - the parameter runAsGroup.rule <MustRunAsNonRoot> is not one of <MayRunAs, MustRunAs, RunAsAny>"} with input as obj
		with data.parameters as {"allowed-users": {"runAsGroup": {"rule": "MustRunAsNonRoot"}}}
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_c("web", {"runAsUser": 1000})]}),
		fixtures.parameters_annotation("allowed-users", {"runAsUser": {"rule": "MustRunAs", "ranges": [{"min": 5000, "max": 5999}]}}),
	)
	policy.deny == {"Policy: allowed-users - container <web> has runAsUser <1000>, outside the allowed ranges <5000-5999>"} with input as obj
		with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {"runAsUser": 0})]}), fixtures.ignore("privileged, allowed-users"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_c("web", {"runAsUser": 1000}), _c("istio-init", {"runAsUser": 0})]}),
		fixtures.ignore_container("istio-init", "allowed-users"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"runAsUser": 0})]})
		with data.parameters as {"allowed-users": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
