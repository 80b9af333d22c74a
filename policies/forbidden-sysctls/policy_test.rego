package policy.forbidden_sysctls_test

import data.lib.gatehouse.fixtures
import data.policy.forbidden_sysctls as policy

_spec(names) := {
	"securityContext": {"sysctls": [{"name": n, "value": "1"} | some n in names]},
	"containers": [{"name": "web", "image": "nginx:1.25"}],
}

test_pod_with_safe_sysctls_passes if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec(["net.ipv4.ip_unprivileged_port_start", "kernel.shm_rmid_forced"]))
	count(policy.deny) == 0 with input as fixtures.pod({"containers": [{"name": "web", "image": "nginx:1.25"}]})
}

test_pod_with_unsafe_sysctls_fails if {
	policy.deny == {
		"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <kernel.msgmax>",
		"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <net.core.somaxconn>",
	} with input as fixtures.pod(_spec(["kernel.msgmax", "net.core.somaxconn", "net.ipv4.tcp_syncookies"]))
}

test_deployment_fails if {
	policy.deny == {"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <vm.swappiness>"} with input as fixtures.deployment(_spec(["vm.swappiness"]))
}

test_cronjob_fails if {
	policy.deny == {"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <kernel.sem>"} with input as fixtures.cronjob(_spec(["kernel.sem"]))
}

test_prefix_patterns_from_data_parameters if {
	p := {"forbidden-sysctls": {"forbiddenSysctls": ["kernel.*"], "allowedSysctls": ["kernel.msg*"]}}
	policy.deny == {"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <kernel.sem>"} with input as fixtures.pod(_spec(["kernel.sem", "kernel.msgmax", "net.core.somaxconn"]))
		with data.parameters as p
}

test_annotation_override if {
	obj := fixtures.with_template_annotations(
		fixtures.deployment(_spec(["net.core.somaxconn", "vm.swappiness"])),
		fixtures.parameters_annotation("forbidden-sysctls", {"allowedSysctls": ["net.core.somaxconn"]}),
	)
	policy.deny == {"Policy: forbidden-sysctls - the pod sets the forbidden sysctl <vm.swappiness>"} with input as obj with data.parameters as {}
}

test_resource_ignore if {
	obj := fixtures.with_annotations(fixtures.pod(_spec(["vm.swappiness"])), fixtures.ignore("forbidden-sysctls"))
	count(policy.deny) == 0 with input as obj
}

test_disabled if {
	count(policy.deny) == 0 with input as fixtures.pod(_spec(["vm.swappiness"])) with data.parameters as {"forbidden-sysctls": {"enabled": false}}
}

test_other_kind_passes if {
	count(policy.deny) == 0 with input as fixtures.configmap
}
