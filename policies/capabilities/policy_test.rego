package policy.capabilities_test

import data.lib.gatehouse.fixtures
import data.policy.capabilities as policy

_c(name, caps) := {"name": name, "image": "nginx:1.25", "securityContext": {"capabilities": caps}}

test_pod_dropping_all_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"drop": ["ALL"]})]})
}

test_pod_without_drop_fails if {
	policy.deny == {"Policy: capabilities - container <web> does not drop the required capabilities <ALL>"} with input as fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
}

test_added_capabilities_fail if {
	obj := fixtures.deployment({"containers": [_c("web", {"add": ["NET_ADMIN", "cap_sys_time"], "drop": ["ALL"]})]})
	policy.deny == {"Policy: capabilities - container <web> adds the capabilities <NET_ADMIN, SYS_TIME>, not in the allowed <>"} with input as obj
}

test_cronjob_init_container_fails if {
	obj := fixtures.cronjob({
		"initContainers": [_c("init", {"add": ["NET_RAW"], "drop": ["NET_RAW"]})],
		"containers": [_c("job", {"drop": ["all"]})],
	})
	policy.deny == {
		"Policy: capabilities - container <init> adds the capabilities <NET_RAW>, not in the allowed <>",
		"Policy: capabilities - container <init> does not drop the required capabilities <ALL>",
	} with input as obj
}

test_data_parameters if {
	p := {"capabilities": {"allowedCapabilities": ["NET_BIND_SERVICE"], "requiredDropCapabilities": ["NET_RAW", "SYS_ADMIN"]}}
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]})]}) with data.parameters as p
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"drop": ["CAP_NET_RAW", "SYS_ADMIN"]})]}) with data.parameters as p
	policy.deny == {
		"Policy: capabilities - container <web> adds the capabilities <NET_ADMIN>, not in the allowed <NET_BIND_SERVICE>",
		"Policy: capabilities - container <web> does not drop the required capabilities <NET_RAW, SYS_ADMIN>",
	} with input as fixtures.pod({"containers": [_c("web", {"add": ["NET_ADMIN", "NET_BIND_SERVICE"]})]})
		with data.parameters as p
}

test_wildcard_allows_every_addition if {
	obj := fixtures.pod({"containers": [_c("web", {"add": ["SYS_ADMIN"], "drop": ["ALL"]})]})
	count(policy.deny) == 0 with input as obj with data.parameters as {"capabilities": {"allowedCapabilities": ["*"]}}
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_c("web", {"add": ["NET_ADMIN"], "drop": ["ALL"]})]}),
		fixtures.parameters_annotation("capabilities", {"allowedCapabilities": ["NET_ADMIN"]}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {"add": ["SYS_ADMIN"]})]}), fixtures.ignore("capabilities"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_c("web", {"drop": ["ALL"]})], "initContainers": [_c("istio-init", {"add": ["NET_ADMIN", "NET_RAW"]})]}),
		fixtures.ignore_container("istio-init", "capabilities"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	obj := fixtures.pod({"containers": [_c("web", {"add": ["SYS_ADMIN"]})]})
	count(policy.deny) == 0 with input as obj with data.parameters as {"capabilities": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
