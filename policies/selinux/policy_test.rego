package policy.selinux_test

import data.lib.gatehouse.fixtures
import data.policy.selinux as policy

_c(name, options) := {"name": name, "image": "nginx:1.25", "securityContext": {"seLinuxOptions": options}}

_params := {"selinux": {"allowedSELinuxOptions": [
	{"type": "container_t", "level": "s0:c123,c456"},
	{"type": "container_init_t"},
]}}

test_pod_without_options_passes if {
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
	count(policy.deny) == 0 with input as fixtures.pod({"securityContext": {"seLinuxOptions": {}}, "containers": [_c("web", {"type": ""})]})
}

test_pod_with_options_fails_by_default if {
	obj := fixtures.pod({"securityContext": {"seLinuxOptions": {"level": "s0:c1,c2"}}, "containers": [_c("web", {"type": "spc_t", "user": "system_u"})]})
	policy.deny == {
		"Policy: selinux - the pod sets seLinuxOptions <level=s0:c1,c2> that are not allowed",
		"Policy: selinux - container <web> sets seLinuxOptions <type=spc_t user=system_u> that are not allowed",
	} with input as obj
}

test_allowed_options_pass if {
	obj := fixtures.pod({
		"securityContext": {"seLinuxOptions": {"type": "container_t", "level": "s0:c123,c456"}},
		"initContainers": [_c("init", {"type": "container_init_t"})],
		"containers": [_c("web", {"type": "container_t"})],
	})
	count(policy.deny) == 0 with input as obj with data.parameters as _params
}

test_deployment_options_not_matching_fail if {
	obj := fixtures.deployment({"containers": [_c("web", {"type": "container_init_t", "level": "s0"}), _c("app", {"role": "system_r"})]})
	policy.deny == {
		"Policy: selinux - container <web> sets seLinuxOptions <level=s0 type=container_init_t> that are not allowed",
		"Policy: selinux - container <app> sets seLinuxOptions <role=system_r> that are not allowed",
	} with input as obj
		with data.parameters as _params
}

test_cronjob_fails if {
	obj := fixtures.cronjob({"securityContext": {"seLinuxOptions": {"type": "spc_t"}}, "containers": [{"name": "job", "image": "busybox:1.36"}]})
	policy.deny == {"Policy: selinux - the pod sets seLinuxOptions <type=spc_t> that are not allowed"} with input as obj
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment({"containers": [_c("web", {"type": "spc_t"})]}),
		fixtures.parameters_annotation("selinux", {"allowedSELinuxOptions": [{"type": "spc_t"}]}),
	)
	count(policy.deny) == 0 with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod({"containers": [_c("web", {"type": "spc_t"})]}), fixtures.ignore("selinux"))
	count(policy.deny) == 0 with input as obj
}

test_container_ignore if {
	obj := fixtures.with_annotations(
		fixtures.pod({"containers": [_c("web", {}), _c("agent", {"type": "spc_t"})]}),
		fixtures.ignore_container("agent", "selinux"),
	)
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	obj := fixtures.pod({"containers": [_c("web", {"type": "spc_t"})]})
	count(policy.deny) == 0 with input as obj with data.parameters as {"selinux": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
