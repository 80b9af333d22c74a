package policy.privileged_test

import data.lib.gatehouse.fixtures
import data.policy.privileged as policy

_c(name, privileged) := {"name": name, "image": "nginx:1.25", "securityContext": {"privileged": privileged}}

test_pod_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", false), {"name": "app", "image": "app:1"}]})
}

test_pod_fails if {
	policy.deny == {"Policy: privileged - container <web> is privileged"} with input as fixtures.pod({"containers": [_c("web", true)]})
}

test_deployment_all_container_lists_fail if {
	obj := fixtures.deployment({
		"initContainers": [_c("init", true)],
		"containers": [_c("web", false)],
		"ephemeralContainers": [_c("debug", true)],
	})
	policy.deny == {
		"Policy: privileged - container <init> is privileged",
		"Policy: privileged - container <debug> is privileged",
	} with input as obj
}

test_cronjob_fails if {
	policy.deny == {"Policy: privileged - container <job> is privileged"} with input as fixtures.cronjob({"containers": [_c("job", true)]})
}

test_data_parameters_disable if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", true)]}) with data.parameters as {"privileged": {"enabled": false}}
}

test_annotation_override if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", true)]}), fixtures.parameters_annotation("privileged", {"enabled": false}))
	count(policy.deny) == 0 with input as obj
}

test_resource_ignore if {
	obj := fixtures.with_template_annotations(fixtures.deployment({"containers": [_c("web", true)]}), fixtures.ignore("privileged"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_c("web", false), _c("istio-proxy", true)]}),
		fixtures.ignore_container("istio-proxy", "privileged"),
	)
	count(policy.deny) == 0 with input as obj
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
