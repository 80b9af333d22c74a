package policy.privilege_escalation_test

import data.lib.gatehouse.fixtures
import data.policy.privilege_escalation as policy

_c(name, sc) := {"name": name, "image": "nginx:1.25", "securityContext": sc}

test_pod_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"allowPrivilegeEscalation": false})]})
}

test_pod_fails if {
	obj := fixtures.pod({"containers": [_c("web", {"allowPrivilegeEscalation": true}), _c("app", {}), {"name": "db", "image": "postgres:16"}]})
	policy.deny == {
		"Policy: privilege-escalation - container <web> does not set allowPrivilegeEscalation to false",
		"Policy: privilege-escalation - container <app> does not set allowPrivilegeEscalation to false",
		"Policy: privilege-escalation - container <db> does not set allowPrivilegeEscalation to false",
	} with input as obj
}

test_deployment_init_container_fails if {
	obj := fixtures.deployment({
		"initContainers": [_c("init", {})],
		"containers": [_c("web", {"allowPrivilegeEscalation": false})],
	})
	policy.deny == {"Policy: privilege-escalation - container <init> does not set allowPrivilegeEscalation to false"} with input as obj
}

test_cronjob_fails if {
	policy.deny == {"Policy: privilege-escalation - container <job> does not set allowPrivilegeEscalation to false"} with input as fixtures.cronjob({"containers": [_c("job", {"allowPrivilegeEscalation": "false"})]})
}

test_data_parameters_disable if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {})]}) with data.parameters as {"privilege-escalation": {"enabled": false}}
}

test_annotation_override if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {})]}), fixtures.parameters_annotation("privilege-escalation", {"enabled": false}))
	count(policy.deny) == 0 with input as obj
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {})]}), fixtures.ignore("privilege-escalation"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_c("web", {"allowPrivilegeEscalation": false}), _c("legacy", {})]}),
		fixtures.ignore_container("legacy", "privilege-escalation"),
	)
	count(policy.deny) == 0 with input as obj
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
