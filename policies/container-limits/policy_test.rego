package policy.container_limits_test

import data.lib.gatehouse.fixtures
import data.policy.container_limits as policy

_resources(requests, limits) := {"requests": requests, "limits": limits}

_ok := _resources({"cpu": "100m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"})

_container(name, resources) := {"name": name, "image": "nginx:1.25", "resources": resources}

test_pod_within_limits_passes if {
	count(policy.deny) == 0 with input as fixtures.pod_container(_container("web", _ok))
}

test_limits_at_the_maximum_pass if {
	obj := fixtures.pod_container(_container("web", _resources({"cpu": 1, "memory": "1Gi"}, {"cpu": "2000m", "memory": "4096Mi"})))
	count(policy.deny) == 0 with input as obj
}

test_missing_resources_fail if {
	obj := fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
	policy.deny == {
		"Policy: container-limits - container <web> has no cpu limit",
		"Policy: container-limits - container <web> has no memory limit",
		"Policy: container-limits - container <web> has no cpu request",
		"Policy: container-limits - container <web> has no memory request",
	} with input as obj
}

test_missing_requests_fail if {
	obj := fixtures.pod_container(_container("web", {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": ""}}))
	policy.deny == {
		"Policy: container-limits - container <web> has no cpu request",
		"Policy: container-limits - container <web> has no memory request",
	} with input as obj
}

test_limits_above_the_maximum_fail if {
	obj := fixtures.deployment({"containers": [_container("web", _resources({"cpu": "1", "memory": "1Gi"}, {"cpu": "2500m", "memory": "5Gi"}))]})
	policy.deny == {
		"Policy: container-limits - container <web> has a cpu limit of <2500m> above the maximum <2>",
		"Policy: container-limits - container <web> has a memory limit of <5Gi> above the maximum <4Gi>",
	} with input as obj
}

test_init_containers_are_checked_ephemeral_are_not if {
	obj := fixtures.cronjob({
		"initContainers": [_container("init", _resources({"cpu": "1", "memory": "1Gi"}, {"cpu": "4", "memory": "1Gi"}))],
		"containers": [_container("job", _ok)],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
	})
	policy.deny == {"Policy: container-limits - container <init> has a cpu limit of <4> above the maximum <2>"} with input as obj
}

test_invalid_quantity_fails if {
	obj := fixtures.pod_container(_container("web", _resources({"cpu": "100m", "memory": "128Mi"}, {"cpu": "lots", "memory": "256Mi"})))
	policy.deny == {"Policy: container-limits - container <web> has an invalid cpu limit <lots>"} with input as obj
}

test_maximums_from_data_parameters if {
	obj := fixtures.pod_container(_container("web", _ok))
	policy.deny == {
		"Policy: container-limits - container <web> has a cpu limit of <500m> above the maximum <250m>",
		"Policy: container-limits - container <web> has a memory limit of <256Mi> above the maximum <200M>",
	} with input as obj
		with data.parameters as {"container-limits": {"cpu": "250m", "memory": "200M"}}
}

test_no_maximum if {
	obj := fixtures.pod_container(_container("web", _resources({"cpu": "1", "memory": "1Gi"}, {"cpu": "64", "memory": "1Ti"})))
	count(policy.deny) == 0 with input as obj with data.parameters as {"container-limits": {"cpu": "", "memory": ""}}
}

test_invalid_parameter_fails if {
	obj := fixtures.pod_container(_container("web", _ok))
	policy.deny == {"Policy: container-limits - the parameter cpu <two> is not a valid quantity"} with input as obj
		with data.parameters as {"container-limits": {"cpu": "two"}}
}

test_annotation_override if {
	big := _resources({"cpu": "1", "memory": "1Gi"}, {"cpu": "8", "memory": "16Gi"})
	obj := fixtures.with_annotations(
		fixtures.deployment({"containers": [_container("web", big)]}),
		fixtures.parameters_annotation("container-limits", {"cpu": "8"}),
	)
	policy.deny == {"Policy: container-limits - container <web> has a memory limit of <16Gi> above the maximum <4Gi>"} with input as obj
		with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_template_annotations(fixtures.deployment({"containers": [{"name": "web", "image": "nginx:1.25"}]}), fixtures.ignore("container-limits"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_container("web", _ok), {"name": "istio-proxy", "image": "istio/proxyv2:1.22.0"}]}),
		fixtures.ignore_container("istio-proxy", "container-limits"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	obj := fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
	count(policy.deny) == 0 with input as obj with data.parameters as {"container-limits": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
