package policy.read_only_root_filesystem_test

import data.lib.gatehouse.fixtures
import data.policy.read_only_root_filesystem as policy

_c(name, sc) := {"name": name, "image": "nginx:1.25", "securityContext": sc}

test_pod_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {"readOnlyRootFilesystem": true})]})
}

test_pod_fails if {
	obj := fixtures.pod({"containers": [_c("web", {"readOnlyRootFilesystem": false}), {"name": "app", "image": "app:1"}]})
	policy.deny == {
		"Policy: read-only-root-filesystem - container <web> does not set readOnlyRootFilesystem to true",
		"Policy: read-only-root-filesystem - container <app> does not set readOnlyRootFilesystem to true",
	} with input as obj
}

test_deployment_fails if {
	obj := fixtures.deployment({"initContainers": [_c("init", {})], "containers": [_c("web", {"readOnlyRootFilesystem": true})]})
	policy.deny == {"Policy: read-only-root-filesystem - container <init> does not set readOnlyRootFilesystem to true"} with input as obj
}

test_cronjob_fails if {
	policy.deny == {"Policy: read-only-root-filesystem - container <job> does not set readOnlyRootFilesystem to true"} with input as fixtures.cronjob({"containers": [_c("job", {})]})
}

test_data_parameters_disable if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web", {})]}) with data.parameters as {"read-only-root-filesystem": {"enabled": false}}
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(fixtures.cronjob({"containers": [_c("job", {})]}), fixtures.parameters_annotation("read-only-root-filesystem", {"enabled": false}))
	count(policy.deny) == 0 with input as obj
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {})]}), fixtures.ignore("read-only-root-filesystem"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_c("web", {"readOnlyRootFilesystem": true}), _c("istio-proxy", {})]}),
		fixtures.ignore_container("istio-proxy", "read-only-root-filesystem"),
	)
	count(policy.deny) == 0 with input as obj
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
