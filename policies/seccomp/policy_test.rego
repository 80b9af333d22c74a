package policy.seccomp_test

import data.lib.gatehouse.fixtures
import data.policy.seccomp as policy

_c(name) := {"name": name, "image": "nginx:1.25"}

_with_profile(name, profile) := object.union(_c(name), {"securityContext": {"seccompProfile": profile}})

test_pod_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [_c("web")]})
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_with_profile("web", {"type": "Localhost", "localhostProfile": "profiles/web.json"})]})
	count(policy.deny) == 0 with input as fixtures.with_annotations(fixtures.pod({"containers": [_c("web")]}), {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"})
	count(policy.deny) == 0 with input as fixtures.with_annotations(fixtures.pod({"containers": [_c("web")]}), {"container.seccomp.security.alpha.kubernetes.io/web": "docker/default"})
}

test_pod_without_profile_fails if {
	policy.deny == {"Policy: seccomp - container <web> has no seccomp profile (allowed: <Localhost, RuntimeDefault>)"} with input as fixtures.pod({"containers": [_c("web")]})
}

test_container_overrides_pod if {
	obj := fixtures.pod({
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [_with_profile("web", {"type": "Unconfined"}), _c("app")],
		"ephemeralContainers": [_c("debug")],
	})
	policy.deny == {"Policy: seccomp - container <web> has the seccomp profile <Unconfined>, not one of <Localhost, RuntimeDefault>"} with input as obj
}

test_deployment_template_annotations if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [_c("web"), _c("app")]}),
		{"container.seccomp.security.alpha.kubernetes.io/app": "unconfined"},
	)
	policy.deny == {"Policy: seccomp - container <app> has the seccomp profile <unconfined>, not one of <Localhost, RuntimeDefault>"} with input as obj
}

test_cronjob_fails if {
	policy.deny == {"Policy: seccomp - container <job> has no seccomp profile (allowed: <Localhost, RuntimeDefault>)"} with input as fixtures.cronjob({"containers": [_c("job")]})
}

test_data_parameters if {
	obj := fixtures.pod({"containers": [_with_profile("web", {"type": "Localhost", "localhostProfile": "web.json"})]})
	policy.deny == {"Policy: seccomp - container <web> has the seccomp profile <localhost/web.json>, not one of <RuntimeDefault>"} with input as obj
		with data.parameters as {"seccomp": {"allowedProfiles": ["RuntimeDefault"]}}
	count(policy.deny) == 0 with input as obj with data.parameters as {"seccomp": {"allowedProfiles": ["localhost/web.json"]}}
}

test_annotation_override if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_with_profile("web", {"type": "Unconfined"})]}),
		fixtures.parameters_annotation("seccomp", {"allowedProfiles": ["Unconfined"]}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web")]}), fixtures.ignore("seccomp"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_with_profile("web", {"type": "RuntimeDefault"}), _c("istio-proxy")]}),
		fixtures.ignore_container("istio-proxy", "seccomp"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web")]}) with data.parameters as {"seccomp": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
