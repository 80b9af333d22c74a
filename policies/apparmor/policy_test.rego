package policy.apparmor_test

import data.lib.gatehouse.fixtures
import data.policy.apparmor as policy

_c(name) := {"name": name, "image": "nginx:1.25"}

_with_profile(name, profile) := object.union(_c(name), {"securityContext": {"appArmorProfile": profile}})

_annotation(name, value) := {sprintf("container.apparmor.security.beta.kubernetes.io/%s", [name]): value}

test_pod_with_runtime_default_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_with_profile("web", {"type": "RuntimeDefault"})]})
	count(policy.deny) == 0 with input as fixtures.with_annotations(fixtures.pod({"containers": [_c("web")]}), _annotation("web", "runtime/default"))
	count(policy.deny) == 0 with input as fixtures.pod({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}, "containers": [_c("web")]})
}

test_pod_without_profile_fails if {
	policy.deny == {"Policy: apparmor - container <web> has no AppArmor profile (allowed: <RuntimeDefault, runtime/default>)"} with input as fixtures.pod({"containers": [_c("web")]})
}

test_unconfined_fails if {
	obj := fixtures.with_annotations(
		fixtures.pod({
			"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
			"containers": [_c("web"), _with_profile("app", {"type": "Unconfined"})],
			"initContainers": [_c("init")],
		}),
		_annotation("web", "unconfined"),
	)
	policy.deny == {
		"Policy: apparmor - container <web> has the AppArmor profile <unconfined>, not one of <RuntimeDefault, runtime/default>",
		"Policy: apparmor - container <app> has the AppArmor profile <Unconfined>, not one of <RuntimeDefault, runtime/default>",
	} with input as obj
}

test_deployment_reads_template_annotations if {
	spec := {"containers": [_c("web")]}
	count(policy.deny) == 0 with input as fixtures.with_template_annotations(fixtures.deployment(spec), _annotation("web", "runtime/default"))
	# An annotation on the Deployment itself never reaches the pods.
	policy.deny == {"Policy: apparmor - container <web> has no AppArmor profile (allowed: <RuntimeDefault, runtime/default>)"} with input as fixtures.with_annotations(fixtures.deployment(spec), _annotation("web", "runtime/default"))
}

test_cronjob_localhost_fails if {
	obj := fixtures.cronjob({"containers": [_with_profile("job", {"type": "Localhost", "localhostProfile": "k8s-job"})]})
	policy.deny == {"Policy: apparmor - container <job> has the AppArmor profile <localhost/k8s-job>, not one of <RuntimeDefault, runtime/default>"} with input as obj
}

test_localhost_from_data_parameters if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_with_profile("web", {"type": "Localhost", "localhostProfile": "web"}), _c("app")]}),
		_annotation("app", "localhost/app"),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {"apparmor": {"allowedProfiles": ["Localhost"]}}
	policy.deny == {"Policy: apparmor - container <app> has the AppArmor profile <localhost/app>, not one of <localhost/web>"} with input as obj
		with data.parameters as {"apparmor": {"allowedProfiles": ["localhost/web"]}}
}

test_annotation_override if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_with_profile("web", {"type": "Unconfined"})]}),
		fixtures.parameters_annotation("apparmor", {"allowedProfiles": ["unconfined"]}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web")]}), fixtures.ignore("apparmor"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_with_profile("web", {"type": "RuntimeDefault"}), _c("istio-proxy")]}),
		fixtures.ignore_container("istio-proxy", "apparmor"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [_c("web")]}) with data.parameters as {"apparmor": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
